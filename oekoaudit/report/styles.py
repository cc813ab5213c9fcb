"""Every look of the report in one place: page geometry, colours, spacing and paragraph styles.

A calm consultancy look: dark slate text, one teal accent, light rules, tinted table headers and
plenty of white space. Everything the builder and the page templates draw takes its colours and
measures from here (rst2pdf's stylesheet idea, in typed Python).
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, StyleSheet1
from reportlab.lib.units import mm

from oekoaudit.report import fonts

# -- page geometry ---------------------------------------------------------------------------------
PAGE_SIZE = A4
MARGIN_LEFT = 20 * mm
MARGIN_RIGHT = 20 * mm
MARGIN_TOP = 24 * mm  # the header sits in this band
MARGIN_BOTTOM = 24 * mm  # the footer sits in this band
FRAME_WIDTH = PAGE_SIZE[0] - MARGIN_LEFT - MARGIN_RIGHT
FRAME_HEIGHT = PAGE_SIZE[1] - MARGIN_TOP - MARGIN_BOTTOM
HEADER_BASELINE = PAGE_SIZE[1] - 14 * mm
FOOTER_RULE = 16 * mm
COVER_BAND = 7 * mm  # the accent band across the top of the cover

# -- colours ---------------------------------------------------------------------------------------
INK = colors.HexColor("#1e2a33")  # body text, dark slate
SLATE = colors.HexColor("#34495a")
MUTED = colors.HexColor("#5f6d78")  # labels, captions, header and footer
FAINT = colors.HexColor("#8a97a1")
ACCENT = colors.HexColor("#0d6e6e")  # teal: headings, rules, the cover band
ACCENT_DARK = colors.HexColor("#0a4d51")
ACCENT_TINT = colors.HexColor("#e5efef")  # table header rows, panels
PANEL = colors.HexColor("#f4f7f8")  # light panels and zebra rows
RULE = colors.HexColor("#cfd8dd")  # table rules
RULE_STRONG = colors.HexColor("#9fb0ba")
WHITE = colors.white
WATERMARK = colors.HexColor("#b23b3b")
WATERMARK_ALPHA = 0.09

#: result of a checklist item (``Rating`` values)
RATING_COLOURS: dict[str, colors.Color] = {
    "conform": colors.HexColor("#2e7d32"),
    "improvement": colors.HexColor("#00838f"),
    "observation": colors.HexColor("#1e6fb8"),
    "minor_nc": colors.HexColor("#e08600"),
    "major_nc": colors.HexColor("#c62828"),
    "not_applicable": colors.HexColor("#a7b4bd"),
    "open": colors.HexColor("#dde3e7"),
}
#: order of the stacked bars and the legend
RATING_ORDER = ("conform", "improvement", "observation", "minor_nc", "major_nc", "not_applicable", "open")

#: class of a finding (``FindingClass`` values)
FINDING_COLOURS: dict[str, colors.Color] = {
    "major_nc": colors.HexColor("#c62828"),
    "minor_nc": colors.HexColor("#e08600"),
    "observation": colors.HexColor("#1e6fb8"),
    "improvement": colors.HexColor("#00838f"),
    "positive": colors.HexColor("#2e7d32"),
}

#: result of a section or the audit (``Verdict`` values)
VERDICT_COLOURS: dict[str, colors.Color] = {
    "not_assessed": colors.HexColor("#a7b4bd"),
    "conform": colors.HexColor("#2e7d32"),
    "improvement": colors.HexColor("#00838f"),
    "observation": colors.HexColor("#1e6fb8"),
    "minor_nc": colors.HexColor("#e08600"),
    "major_nc": colors.HexColor("#c62828"),
}
MET = colors.HexColor("#2e7d32")
NOT_MET = colors.HexColor("#c62828")
NEUTRAL = colors.HexColor("#a7b4bd")


def colour(table: dict[str, colors.Color], key: str) -> colors.Color:
    return table.get(key, NEUTRAL)


def hexcolour(value: colors.Color) -> str:
    """``#rrggbb`` for ``<font color=…>`` in Paragraph markup."""
    return "#" + value.hexval()[2:]


# -- spacing ---------------------------------------------------------------------------------------
BODY_SIZE = 9.5
BODY_LEADING = 13.5
SMALL_SIZE = 8
CELL_SIZE = 8.5
CELL_LEADING = 11
COMPACT_SIZE = 7.5  # the programme and indicator tables
COMPACT_LEADING = 9.5
CELL_PAD_X = 5
CELL_PAD_Y = 3.5
RULE_WIDTH = 0.5
GAP = 4 * mm  # between blocks
SECTION_GAP = 7 * mm  # before a second-level heading
MARKER_BAR = 3  # the coloured bar beside a finding
#: Table(splitInRow=…): rows may split across pages. reportlab reads the value as the least height
#: in points either part must keep, so 1 would refuse a row just 0.7 pt taller than the page
#: (LayoutError); paragraphs split at whole lines anyway.
SPLIT_IN_ROW = 0.01


def build_styles() -> StyleSheet1:
    """The named paragraph styles; registers the fonts first."""
    fonts.register()
    sheet = StyleSheet1()
    base = ParagraphStyle(
        "base", fontName=fonts.REGULAR, fontSize=BODY_SIZE, leading=BODY_LEADING, textColor=INK,
        splitLongWords=1, allowWidows=0, allowOrphans=0,
    )

    def add(name: str, parent: ParagraphStyle = base, **kw: object) -> ParagraphStyle:
        style = ParagraphStyle(name, parent=parent, **kw)
        sheet.add(style)
        return style

    body = add("body", spaceAfter=5)
    add("body_tight", body, spaceAfter=0)
    add("muted", body, textColor=MUTED)
    add("note", body, textColor=MUTED, fontName=fonts.ITALIC, fontSize=9, leading=12.5, spaceAfter=6)
    add("small", fontSize=SMALL_SIZE, leading=10.5, textColor=MUTED)
    add("caption", fontSize=SMALL_SIZE, leading=10.2, textColor=MUTED)
    add("caption_title", fontSize=8.5, leading=11, textColor=INK, fontName=fonts.BOLD, spaceBefore=3)
    add("bullet", body, leftIndent=12, bulletIndent=2, spaceAfter=2)

    # cover
    add("cover_kicker", fontName=fonts.BOLD, fontSize=10, leading=13, textColor=ACCENT, spaceAfter=8)
    add("cover_title", fontName=fonts.BOLD, fontSize=25, leading=31, textColor=INK, spaceAfter=10)
    add("cover_subtitle", fontSize=13.5, leading=18, textColor=SLATE, spaceAfter=2)
    add("cover_site", fontSize=11, leading=15, textColor=MUTED)
    add("cover_label", fontSize=9, leading=13, textColor=MUTED)
    add("cover_value", fontSize=9.5, leading=13, textColor=INK)
    add("cover_consultancy", fontName=fonts.BOLD, fontSize=10, leading=13, textColor=SLATE)

    # headings
    add("title", fontName=fonts.BOLD, fontSize=18, leading=23, textColor=INK, spaceAfter=10)
    add("h1", fontName=fonts.BOLD, fontSize=16, leading=21, textColor=ACCENT_DARK, spaceBefore=0, spaceAfter=10,
        keepWithNext=1)
    add("h2", fontName=fonts.BOLD, fontSize=11.5, leading=15, textColor=INK, spaceBefore=SECTION_GAP, spaceAfter=5,
        keepWithNext=1)
    add("h3", fontName=fonts.BOLD, fontSize=9.5, leading=13, textColor=SLATE, spaceBefore=4 * mm, spaceAfter=4,
        keepWithNext=1)

    # tables
    add("th", fontName=fonts.BOLD, fontSize=CELL_SIZE - 0.5, leading=CELL_LEADING - 0.5, textColor=SLATE)
    add("th_right", sheet["th"], alignment=TA_RIGHT)
    add("th_center", sheet["th"], alignment=TA_CENTER)
    add("td", fontSize=CELL_SIZE, leading=CELL_LEADING)
    add("td_bold", sheet["td"], fontName=fonts.BOLD)
    add("td_muted", sheet["td"], textColor=MUTED)
    add("td_right", sheet["td"], alignment=TA_RIGHT)
    add("td_bold_right", sheet["td_right"], fontName=fonts.BOLD)
    add("td_center", sheet["td"], alignment=TA_CENTER)
    add("td_small", sheet["td"], fontSize=SMALL_SIZE - 0.5, leading=10, textColor=MUTED)
    add("label", sheet["td"], textColor=MUTED)
    add("cth", sheet["th"], fontSize=COMPACT_SIZE - 0.3, leading=COMPACT_LEADING)
    add("cth_right", sheet["cth"], alignment=TA_RIGHT)
    add("cth_center", sheet["cth"], alignment=TA_CENTER)
    add("ctd", fontSize=COMPACT_SIZE, leading=COMPACT_LEADING)
    add("ctd_right", sheet["ctd"], alignment=TA_RIGHT)
    add("ctd_bold", sheet["ctd"], fontName=fonts.BOLD)
    add("ctd_bold_right", sheet["ctd_right"], fontName=fonts.BOLD)
    add("ctd_small", sheet["ctd"], fontSize=COMPACT_SIZE - 0.5, leading=COMPACT_LEADING - 0.5, textColor=MUTED)

    # summary figures
    add("kpi_value", fontName=fonts.BOLD, fontSize=15, leading=19, textColor=INK)
    add("kpi_label", fontSize=SMALL_SIZE, leading=10.5, textColor=MUTED)
    add("verdict_label", fontSize=SMALL_SIZE, leading=10.5, textColor=MUTED)
    add("verdict", fontName=fonts.BOLD, fontSize=13, leading=17, textColor=INK)

    # findings
    add("finding_number", fontName=fonts.BOLD, fontSize=10.5, leading=14, textColor=INK)
    add("finding_class", fontName=fonts.BOLD, fontSize=8.5, leading=14, textColor=INK)
    add("finding_ref", fontSize=8.5, leading=14, textColor=MUTED, alignment=TA_RIGHT)
    add("finding_statement", body, fontSize=9.5, leading=13.5, spaceAfter=0)

    # contents
    add("toc0", fontName=fonts.BOLD, fontSize=10, leading=14, textColor=INK, spaceBefore=7, leftIndent=0,
        firstLineIndent=0, rightIndent=14 * mm)
    add("toc1", fontSize=9, leading=12.5, textColor=SLATE, spaceBefore=1.5, leftIndent=6 * mm, firstLineIndent=0,
        rightIndent=14 * mm)
    add("toc2", fontSize=8.5, leading=11.5, textColor=MUTED, leftIndent=12 * mm, firstLineIndent=0,
        rightIndent=14 * mm)

    # signatures
    add("signature_name", sheet["td"], fontName=fonts.BOLD)
    return sheet
