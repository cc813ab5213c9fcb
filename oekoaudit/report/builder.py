"""The story of the report: a pure function from a :class:`ReportData` to a list of flowables.

Order (ISO 19011 6.5): cover, contents, audit details, summary (with the results chart), findings,
checklist by section, environmental programme, indicators, photo appendix, signatures and
distribution list. A part is left out when it is switched off in ``data.options.parts`` or has
nothing to show (no findings, no programme, no indicators, no photos); the contents then skip it
as well. Every string from the audit passes through :func:`oekoaudit.report.text.para` (or
``plain``) — nothing a user typed is ever read as markup.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from PIL import Image as PILImage
from PIL import UnidentifiedImageError
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib.styles import StyleSheet1
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    HRFlowable,
    Image,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from oekoaudit import i18n
from oekoaudit.errors import N_, UserInputError
from oekoaudit.i18n import _
from oekoaudit.report import fonts
from oekoaudit.report import styles as S
from oekoaudit.report.data import (
    ChecklistSection,
    FindingEntry,
    MeasureRow,
    Part,
    Person,
    PhotoRef,
    PhotoSize,
    ReportData,
)
from oekoaudit.report.data import Photo as PhotoData
from oekoaudit.report.templates import BODY, Anchor, Contents, Heading, OutlineMark
from oekoaudit.report.text import clip, number, oneline, para, plain

#: a logo is fitted into this box on the cover, its aspect ratio kept
LOGO_BOX = (52 * mm, 22 * mm)
#: photos per row in the appendix
PHOTOS_PER_ROW = {PhotoSize.SMALL: 3, PhotoSize.MEDIUM: 2, PhotoSize.LARGE: 1}
PHOTO_GAP = 6 * mm
#: the tallest a photo may be printed (portrait photos are narrower, never taller)
PHOTO_MAX_HEIGHT = {PhotoSize.SMALL: 42 * mm, PhotoSize.MEDIUM: 62 * mm, PhotoSize.LARGE: 100 * mm}
#: captions longer than this (all texts of a row together) are printed below the photo, not in a grid
GRID_CAPTION_LIMIT = 700
SIGNATURE_BOX = (44 * mm, 15 * mm)
MARKER = "\u25cf"  # ●


class ReportImageError(UserInputError):
    """An image meant for the report (the logo) cannot be read."""

    template = N_("The image {path} cannot be used in the report ({detail}).")


class ReportPhotoError(UserInputError):
    """A photo prepared for the report is missing or unreadable."""

    template = N_("Photo {number} cannot be printed: {path} cannot be read ({detail}).")


def build_story(data: ReportData, styles: StyleSheet1 | None = None) -> list[Flowable]:
    """The report's flowables for ``data``, with the report's own words in ``data.lang``."""
    with i18n.language(data.lang):
        return _Builder(data, styles or S.build_styles()).build()


def _fit(width: float, height: float, box_w: float, box_h: float) -> tuple[float, float]:
    """``width`` × ``height`` scaled to fit into ``box_w`` × ``box_h`` (aspect kept)."""
    if width <= 0 or height <= 0:
        return box_w, box_h
    scale = min(box_w / width, box_h / height)
    return width * scale, height * scale


def grid_style(header_rows: int = 1, *, compact: bool = False, extra: Iterable[tuple[Any, ...]] = ()) -> TableStyle:
    """The house table: light rules between rows, a tinted header row with a teal rule under it."""
    pad_x = 3.5 if compact else S.CELL_PAD_X
    pad_y = 2.5 if compact else S.CELL_PAD_Y
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad_x),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad_x),
        ("TOPPADDING", (0, 0), (-1, -1), pad_y),
        ("BOTTOMPADDING", (0, 0), (-1, -1), pad_y + 1),
        ("LINEBELOW", (0, 0), (-1, -1), S.RULE_WIDTH, S.RULE),
    ]
    if header_rows:
        commands += [
            ("BACKGROUND", (0, 0), (-1, header_rows - 1), S.ACCENT_TINT),
            ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.9, S.ACCENT),
            ("VALIGN", (0, 0), (-1, header_rows - 1), "BOTTOM"),
        ]
    commands.extend(extra)
    return TableStyle(commands)


class PhotoBox(Flowable):
    """A photo centred in a light box of fixed size, so a row of photos lines up."""

    def __init__(self, photo: Image, box_w: float, box_h: float) -> None:
        super().__init__()
        self.photo = photo
        self.width, self.height = box_w, box_h

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        canv.saveState()
        canv.setFillColor(S.PANEL)
        canv.rect(0, 0, self.width, self.height, stroke=0, fill=1)
        canv.restoreState()
        photo = self.photo
        x = (self.width - photo.drawWidth) / 2
        y = (self.height - photo.drawHeight) / 2
        photo.drawOn(canv, x, y)


class PhotoRow(Flowable):
    """A row of photo cells (anchor, photo box, caption paragraphs) side by side, never split.

    Lighter than a one-row Table: each caption is wrapped once per width, the cells are drawn
    directly (a report may hold a few hundred photos)."""

    def __init__(self, cells: Sequence[Sequence[Flowable]], cell_width: float, gap: float) -> None:
        super().__init__()
        self.cells = [list(cell) for cell in cells]
        self.cell_width = cell_width
        self.gap = gap
        self._size: tuple[float, float, float] | None = None  # (availWidth, width, height)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        if self._size is None or self._size[0] != availWidth:
            height = 0.0
            for cell in self.cells:
                h = 0.0
                for i, flowable in enumerate(cell):
                    _w, fh = flowable.wrap(self.cell_width, 1e6)
                    h += fh + (flowable.getSpaceBefore() if i else 0)
                height = max(height, h)
            width = len(self.cells) * self.cell_width + (len(self.cells) - 1) * self.gap
            self._size = (availWidth, width, height)
        return self._size[1], self._size[2]

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        return []

    def draw(self) -> None:
        assert self._size is not None
        height = self._size[2]
        for n, cell in enumerate(self.cells):
            x = n * (self.cell_width + self.gap)
            y = height
            for i, flowable in enumerate(cell):
                _w, fh = flowable.wrap(self.cell_width, 1e6)
                if i:
                    y -= flowable.getSpaceBefore()
                y -= fh
                flowable.drawOn(self.canv, x, y)


class _Builder:
    def __init__(self, data: ReportData, styles: StyleSheet1) -> None:
        self.data = data
        self.st = styles
        self.parts = data.options.parts
        self._key = 0
        #: appendix photos that findings and checklist rows may link to
        self.photo_numbers = {p.number for p in data.photos} if self._has(Part.PHOTOS) else set()

    # -- small helpers ----------------------------------------------------------------------------
    def _has(self, part: Part) -> bool:
        data = self.data
        if part not in self.parts:
            return False
        if part is Part.FINDINGS:
            return bool(data.findings)
        if part is Part.PROGRAMME:
            return data.programme is not None
        if part is Part.INDICATORS:
            return data.indicators is not None and bool(data.indicators.core or data.indicators.balance
                                                        or data.indicators.notes)
        if part is Part.PHOTOS:
            return bool(data.photos)
        if part is Part.SIGNATURES:
            return bool(data.signatures or data.distribution)
        return True

    def p(self, text: object, style: str = "body") -> Paragraph:
        """A paragraph of user text (escaped)."""
        return Paragraph(para(text), self.st[style])

    def n(self, text: object, style: str = "ctd_right") -> Paragraph:
        """An amount (escaped; never broken between its digits); empty prints a dash."""
        return Paragraph(number(text) if str(text or "").strip() else "\u2013", self.st[style])

    def m(self, markup: str, style: str = "body") -> Paragraph:
        """A paragraph of markup the report made itself (user parts already escaped)."""
        return Paragraph(markup, self.st[style])

    def value(self, text: object, style: str = "td") -> Paragraph:
        """A table value; an empty one prints a muted dash."""
        if not str(text or "").strip():
            return Paragraph("\u2013", self.st["td_muted"])
        return self.p(text, style)

    def next_key(self, prefix: str) -> str:
        self._key += 1
        return f"{prefix}-{self._key}"

    def heading(self, text: str, style: str = "h1", *, level: int = 0, toc: int | None = 0) -> Heading:
        plain_text = clip(oneline(text), 160)
        return Heading(para(text), self.st[style], key=self.next_key("h"), outline=plain_text or "\u2013",
                       outline_level=level, toc_level=toc, toc_markup=para(plain_text))

    def sub(self, text: str, style: str = "h2", *, level: int = 1, toc: int | None = None,
            room: float = 34 * mm) -> list[Flowable]:
        """A heading over a long table: a new page unless ``room`` is left, then heading and table
        flow on (``keepWithNext`` would move a long table whole to the next page)."""
        heading = self.heading(text, style, level=level, toc=toc)
        heading.keepWithNext = 0
        return [CondPageBreak(room), heading]

    def part(self, title: str) -> list[Flowable]:
        """A new part: a fresh page and a first-level heading (in the contents and outline)."""
        return [PageBreak(), self.heading(title, "h1", level=0, toc=0)]

    @staticmethod
    def marker(colour: Any) -> str:
        return f'<font color="{S.hexcolour(colour)}">{MARKER}</font>'

    def photo_numbers_markup(self, photos: Sequence[PhotoRef]) -> str:
        """"3, 7" with each number linked to the appendix when the photo is printed there."""
        numbers = []
        for ref in photos:
            if ref.number in self.photo_numbers:
                numbers.append(f'<a href="#photo-{ref.number}" color="{S.hexcolour(S.ACCENT)}">{ref.number}</a>')
            else:
                numbers.append(str(ref.number))
        return ", ".join(numbers)

    def kv_table(self, rows: Sequence[tuple[str, Flowable | str]], label_width: float = 40 * mm,
                 width: float = S.FRAME_WIDTH, extra: Iterable[tuple[Any, ...]] = (), label_style: str = "label") -> Table:
        """Label | value rows with light rules (label in muted text)."""
        data = [[self.m(para(label), label_style), value] for label, value in rows]
        table = Table(data, colWidths=[label_width, width - label_width], splitInRow=S.SPLIT_IN_ROW, hAlign="LEFT")
        table.setStyle(grid_style(0, extra=[("LINEABOVE", (0, 0), (-1, 0), S.RULE_WIDTH, S.RULE), *extra]))
        return table

    def people(self, people: Sequence[Person], style: str = "td") -> Paragraph:
        if not people:
            return self.value("", style)
        lines = []
        for person in people:
            line = f"<b>{para(person.name)}</b>" if person.name else ""
            if person.role:
                line += (" \u2013 " if line else "") + para(person.role)
            lines.append(line)
        return self.m("<br/>".join(lines), style)

    # -- the story --------------------------------------------------------------------------------
    def build(self) -> list[Flowable]:
        story: list[Flowable] = []
        story += self.cover()
        story += self.contents()
        if self._has(Part.DETAILS):
            story += self.details()
        if self._has(Part.SUMMARY):
            story += self.summary()
        if self._has(Part.FINDINGS):
            story += self.findings()
        if self._has(Part.CHECKLIST):
            story += self.checklist()
        if self._has(Part.PROGRAMME):
            story += self.programme()
        if self._has(Part.INDICATORS):
            story += self.indicators()
        if self._has(Part.PHOTOS):
            story += self.photos()
        if self._has(Part.SIGNATURES):
            story += self.signatures()
        return story

    # -- cover ------------------------------------------------------------------------------------
    def logo(self) -> Flowable | None:
        path = self.data.cover.logo
        if path is None:
            return None
        try:
            with PILImage.open(path) as im:
                kind = im.format
                size = im.size
                im.load()
        except (OSError, UnidentifiedImageError, ValueError, PILImage.DecompressionBombError) as exc:
            raise ReportImageError(path=str(path), detail=str(exc) or type(exc).__name__) from exc
        if kind not in ("PNG", "JPEG"):
            raise ReportImageError(path=str(path), detail=_("not a PNG or JPEG file"))
        w, h = _fit(size[0], size[1], *LOGO_BOX)
        image = Image(str(path), w, h, hAlign="RIGHT")
        return image

    def cover(self) -> list[Flowable]:
        data, cover = self.data, self.data.cover
        story: list[Flowable] = []
        logo = self.logo()
        consultancy = self.p(cover.consultancy, "cover_consultancy") if cover.consultancy.strip() else ""
        top = Table([[consultancy, logo or ""]], colWidths=[S.FRAME_WIDTH - LOGO_BOX[0] - 6 * mm, LOGO_BOX[0] + 6 * mm],
                    hAlign="LEFT", splitInRow=S.SPLIT_IN_ROW)
        top.setStyle(TableStyle([
            ("VALIGN", (0, 0), (0, 0), "TOP"), ("VALIGN", (1, 0), (1, 0), "TOP"), ("ALIGN", (1, 0), (1, 0), "RIGHT"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ]))
        story.append(top)
        story.append(Spacer(1, 40 * mm))
        story.append(self.m(para(_("Audit report").upper()), "cover_kicker"))
        story.append(self.p(cover.audit_title or data.title, "cover_title"))
        if cover.organisation:
            story.append(self.p(cover.organisation, "cover_subtitle"))
        if cover.site:
            story.append(self.p(cover.site, "cover_site"))
        story.append(Spacer(1, 9 * mm))
        story.append(HRFlowable(width=28 * mm, thickness=2.2, color=S.ACCENT, hAlign="LEFT", spaceAfter=7 * mm))

        scheme = cover.scheme
        if cover.edition and cover.edition not in cover.scheme:
            scheme = f"{cover.scheme} ({cover.edition})" if cover.scheme else cover.edition
        team = [p for p in cover.team if p.name != cover.lead_auditor] if cover.lead_auditor else list(cover.team)
        rows: list[tuple[str, Flowable | str]] = [
            (_("Standard / scheme"), self.value(scheme, "cover_value")),
            (_("Type of audit"), self.value(cover.audit_kind, "cover_value")),
            (_("Audit dates"), self.value(cover.dates, "cover_value")),
            (_("Lead auditor"), self.value(cover.lead_auditor, "cover_value")),
        ]
        if team:
            rows.append((_("Audit team"), self.people(team, "cover_value")))
        rows += [
            (_("Document ID"), self.value(data.document_id or cover.document_id, "cover_value")),
            (_("Version"), self.value(data.version or cover.version, "cover_value")),
            (_("Status"), self.value(cover.status, "cover_value")),
            (_("Generated"), self.value(data.generated, "cover_value")),
        ]
        table = self.kv_table(rows, label_width=42 * mm, width=S.FRAME_WIDTH * 0.82, label_style="cover_label", extra=[
            ("TOPPADDING", (0, 0), (-1, -1), 4.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ("LEFTPADDING", (0, 0), (0, -1), 0),
        ])
        story.append(table)
        story += [NextPageTemplate(BODY), PageBreak()]
        return story

    # -- contents ---------------------------------------------------------------------------------
    def contents(self) -> list[Flowable]:
        toc = Contents(levelStyles=[self.st["toc0"], self.st["toc1"], self.st["toc2"]], dotsMinLevel=1,
                              rightColumnWidth=14 * mm, tableStyle=TableStyle([
                                  ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                  ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
        title = Heading(para(_("Contents")), self.st["h1"], key="contents", outline=oneline(_("Contents")),
                        outline_level=0, toc_level=None)
        return [title, Spacer(1, 2 * mm), toc]

    # -- audit details ----------------------------------------------------------------------------
    def details(self) -> list[Flowable]:
        d = self.data.details
        rows: list[tuple[str, Flowable | str]] = [
            (_("Audit objectives"), self.value(d.objectives)),
            (_("Audit scope"), self.value(d.scope)),
            (_("Audit criteria"), self.value(d.criteria)),
            (_("Audit dates"), self.value(d.dates)),
            (_("Locations"), self.value(d.location)),
            (_("Audit team"), self.people(d.team)),
            (_("People interviewed"), self.people(d.people_met)),
        ]
        if d.modules:
            rows.append((_("Additional modules"), self.m("<br/>".join(para(m) for m in d.modules), "td")))
        return [*self.part(_("Audit details")), self.kv_table(rows, label_width=42 * mm)]

    # -- summary ----------------------------------------------------------------------------------
    def summary(self) -> list[Flowable]:
        s = self.data.summary
        story = self.part(_("Summary"))
        verdict = Table([[self.m(para(_("Overall result")), "verdict_label")],
                         [self.p(s.verdict or "\u2013", "verdict")]], colWidths=[S.FRAME_WIDTH], hAlign="LEFT",
                        splitInRow=S.SPLIT_IN_ROW)
        verdict.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, -1), S.PANEL),
            ("LINEBEFORE", (0, 0), (0, -1), 4, S.colour(S.VERDICT_COLOURS, s.verdict_key)),
            ("LEFTPADDING", (0, 0), (-1, -1), 12), ("RIGHTPADDING", (0, 0), (-1, -1), 12),
            ("TOPPADDING", (0, 0), (-1, 0), 9), ("BOTTOMPADDING", (0, -1), (-1, -1), 10),
            ("TOPPADDING", (0, 1), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, 0), 1),
        ]))
        story += [verdict, Spacer(1, 5 * mm)]

        figures = [
            (f"{s.answered}\u202f/\u202f{s.total}", _("Items assessed")),
            (f"{s.percent}\u202f%", _("Progress")),
            (str(s.open_actions), _("Open corrective actions")),
            (str(s.overdue_actions), _("Overdue corrective actions")),
        ]
        cells = [[self.m(para(v), "kpi_value") for v, _label in figures],
                 [self.m(para(label), "kpi_label") for _v, label in figures]]
        kpi = Table(cells, colWidths=[S.FRAME_WIDTH / 4] * 4, hAlign="LEFT", splitInRow=S.SPLIT_IN_ROW)
        kpi.setStyle(TableStyle([
            ("LINEBEFORE", (1, 0), (-1, -1), S.RULE_WIDTH, S.RULE),
            ("LEFTPADDING", (0, 0), (0, -1), 0), ("LEFTPADDING", (1, 0), (-1, -1), 12),
            ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]))
        story += [kpi]

        if s.finding_counts:
            story.append(self.heading(_("Findings by class"), "h2", level=1, toc=None))
            rows: list[list[Any]] = [[self.m(para(_("Class")), "th"), self.m(para(_("Count")), "th_right")]]
            for count in s.finding_counts:
                mark = self.marker(S.colour(S.FINDING_COLOURS, count.key))
                rows.append([self.m(f"{mark}\u00a0 {para(count.label)}", "td"), self.m(str(count.count), "td_right")])
            total = sum(c.count for c in s.finding_counts)
            rows.append([self.m(para(_("Total")), "td_bold"), self.m(str(total), "td_bold_right")])
            table = Table(rows, colWidths=[70 * mm, 22 * mm], hAlign="LEFT", repeatRows=1, splitInRow=S.SPLIT_IN_ROW)
            table.setStyle(grid_style(1, extra=[("ALIGN", (1, 0), (1, -1), "RIGHT"),
                                                ("LINEABOVE", (0, -1), (-1, -1), 0.8, S.RULE_STRONG)]))
            story.append(table)

        if s.sections:
            story.append(self.heading(_("Results by section"), "h2", level=1, toc=None))
            chart = self.results_chart()
            if chart is not None:
                story += [chart, Spacer(1, 3 * mm)]
            rows = [[self.m(para(_("Ref.")), "th"), self.m(para(_("Section")), "th"),
                     self.m(para(_("Assessed")), "th_right"), self.m(para(_("Result")), "th")]]
            for sec in s.sections:
                mark = self.marker(S.colour(S.VERDICT_COLOURS, sec.verdict_key))
                rows.append([self.p(sec.ref, "td_muted"), self.p(sec.title, "td"),
                             self.m(f"{sec.answered}\u202f/\u202f{sec.total}", "td_right"),
                             self.m(f"{mark}\u00a0 {para(sec.verdict)}", "td")])
            table = Table(rows, colWidths=[14 * mm, 74 * mm, 22 * mm, S.FRAME_WIDTH - 110 * mm], repeatRows=1,
                          splitInRow=S.SPLIT_IN_ROW, hAlign="LEFT")
            table.setStyle(grid_style(1))
            story.append(table)

        if s.award_checks:
            story.append(self.heading(_("Award criteria"), "h2", level=1, toc=None))
            story.append(self.checks(s.award_checks))
        return story

    def checks(self, checks: Sequence[tuple[str, bool]]) -> Table:
        rows = []
        for text, met in checks:
            mark = (f'<font color="{S.hexcolour(S.MET)}">\u2713</font>' if met
                    else f'<font color="{S.hexcolour(S.NOT_MET)}">\u2717</font>')
            word = _("met") if met else _("not met")
            rows.append([self.m(f"<b>{mark}</b>", "td"), self.p(text, "td"), self.m(para(word), "td_muted")])
        table = Table(rows, colWidths=[7 * mm, S.FRAME_WIDTH - 37 * mm, 30 * mm], hAlign="LEFT", splitInRow=S.SPLIT_IN_ROW)
        table.setStyle(grid_style(0, extra=[("LINEABOVE", (0, 0), (-1, 0), S.RULE_WIDTH, S.RULE)]))
        return table

    def results_chart(self) -> Drawing | None:
        s = self.data.summary
        sections = list(s.sections)
        keys = [k for k in S.RATING_ORDER if any(sec.ratings.get(k, 0) for sec in sections)]
        keys += sorted({k for sec in sections for k, v in sec.ratings.items() if v and k not in keys})
        totals = [sum(sec.ratings.get(k, 0) for k in keys) for sec in sections]
        if not keys or not sections or max(totals) <= 0:
            return None
        n = len(sections)
        label_w = 64 * mm
        legend_h = 16 + 11 * self._legend_rows(keys, S.FRAME_WIDTH)
        axis_h = 16
        # the chart is one drawing and cannot split: at most three quarters of a page
        per_bar = min(15.0, (S.FRAME_HEIGHT * 0.75 - legend_h - axis_h - 6) / n)
        if per_bar < 5:
            return None  # too many sections for bars; the table below has the figures
        label_size = min(7.5, per_bar * 0.8)
        height = n * per_bar + axis_h + legend_h + 6
        drawing = Drawing(S.FRAME_WIDTH, height)
        chart = HorizontalBarChart()
        chart.x = label_w
        chart.y = legend_h + axis_h
        chart.width = S.FRAME_WIDTH - label_w - 6 * mm
        chart.height = n * per_bar
        ordered = list(reversed(sections))  # the first section at the top
        chart.data = [[sec.ratings.get(k, 0) for sec in ordered] for k in keys]
        chart.categoryAxis.style = "stacked"
        chart.categoryAxis.categoryNames = [clip(oneline(f"{sec.ref} {sec.title}".strip()), 42) for sec in ordered]
        chart.categoryAxis.labels.fontName = fonts.REGULAR
        chart.categoryAxis.labels.fontSize = label_size
        chart.categoryAxis.labels.fillColor = S.INK
        chart.categoryAxis.labels.boxAnchor = "e"
        chart.categoryAxis.labels.dx = -5
        chart.categoryAxis.visibleTicks = 0
        chart.categoryAxis.strokeColor = S.RULE_STRONG
        chart.categoryAxis.strokeWidth = 0.6
        top = max(totals)
        step = next(st for st in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 10**9) if top / st <= 8)
        chart.valueAxis.valueMin = 0
        chart.valueAxis.valueMax = ((top + step - 1) // step) * step
        chart.valueAxis.valueStep = step
        chart.valueAxis.labels.fontName = fonts.REGULAR
        chart.valueAxis.labels.fontSize = 7
        chart.valueAxis.labels.fillColor = S.MUTED
        chart.valueAxis.strokeColor = S.RULE_STRONG
        chart.valueAxis.strokeWidth = 0.6
        chart.valueAxis.visibleGrid = 1
        chart.valueAxis.gridStrokeColor = S.RULE
        chart.valueAxis.gridStrokeWidth = 0.4
        chart.valueAxis.tickDown = 3
        chart.barWidth = per_bar * 0.6
        chart.groupSpacing = per_bar * 0.4
        chart.barSpacing = 0
        for i, key in enumerate(keys):
            chart.bars[i].fillColor = S.colour(S.RATING_COLOURS, key)
            chart.bars[i].strokeColor = S.WHITE
            chart.bars[i].strokeWidth = 0.4
        drawing.add(chart)

        for item in self._legend(keys, x=0, top=legend_h - 2, width=S.FRAME_WIDTH):
            drawing.add(item)
        return drawing

    def _legend_rows(self, keys: Sequence[str], width: float) -> int:
        labels = [clip(oneline(self.data.summary.rating_labels.get(k, k)), 30) for k in keys]
        column = max(stringWidth(label, fonts.REGULAR, 7.5) for label in labels) + 18
        columns = max(1, min(len(keys), int(width // column)))
        return (len(keys) - 1) // columns

    def _legend(self, keys: Sequence[str], *, x: float, top: float, width: float) -> list[Any]:
        """Swatches with labels in as many columns as fit under the bars."""
        labels = [clip(oneline(self.data.summary.rating_labels.get(k, k)), 30) for k in keys]
        size = 7.5
        column = max(stringWidth(label, fonts.REGULAR, size) for label in labels) + 18
        columns = max(1, min(len(keys), int(width // column)))
        column = width / columns
        items: list[Any] = []
        for i, (key, label) in enumerate(zip(keys, labels, strict=True)):
            cx = x + (i % columns) * column
            cy = top - 11 * (i // columns)
            items.append(Rect(cx, cy - 6.5, 7, 7, fillColor=S.colour(S.RATING_COLOURS, key), strokeColor=None))
            items.append(String(cx + 11, cy - 6, label, fontName=fonts.REGULAR, fontSize=size, fillColor=S.INK))
        return items

    # -- findings ---------------------------------------------------------------------------------
    def findings(self) -> list[Flowable]:
        story = self.part(_("Findings"))
        for index, finding in enumerate(self.data.findings):
            if index:
                story.append(Spacer(1, 5 * mm))
            story += self.finding(finding)
        return story

    def finding(self, f: FindingEntry) -> list[Flowable]:
        colour = S.colour(S.FINDING_COLOURS, f.class_key)
        number = f"<b>{para(f.number)}</b>"
        klass = f"{self.marker(colour)}\u00a0 {para(f.class_label)}"
        ref = para(f.requirement_ref)
        requirement = para(_("Requirement"))
        head_ref = f"{requirement} {ref}" if ref else ""
        head = Table([[self.m(number, "finding_number"), self.m(klass, "finding_class"),
                       self.m(head_ref, "finding_ref")]],
                     colWidths=[22 * mm, 58 * mm, S.FRAME_WIDTH - 80 * mm], hAlign="LEFT", splitInRow=S.SPLIT_IN_ROW)
        head.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, -1), S.PANEL),
            ("LINEBEFORE", (0, 0), (0, -1), S.MARKER_BAR, colour),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (0, -1), 9), ("LEFTPADDING", (1, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 8),
            ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ]))
        nonconformity = f.class_key in ("major_nc", "minor_nc")
        rows: list[tuple[str, Flowable | str]] = [(_("Finding"), self.value(f.statement, "td"))]

        def add(label: str, text: str, *, always: bool = False) -> None:
            if text.strip() or always:
                rows.append((label, self.value(text)))

        add(_("Checklist item"), f.item)
        add(_("Objective evidence"), f.objective_evidence, always=True)
        add(_("Correction"), f.correction, always=nonconformity)
        add(_("Root cause"), f.root_cause, always=nonconformity)
        add(_("Corrective action"), f.corrective_action, always=nonconformity)
        add(_("Responsible"), f.owner, always=nonconformity)
        add(_("Due date"), f.due_date, always=nonconformity)
        add(_("Status"), f.status)
        if f.photos:
            rows.append((_("Photos"), self.m(self.photo_numbers_markup(f.photos), "td")))
        body = self.kv_table(rows, label_width=42 * mm, extra=[
            ("LINEBEFORE", (0, 0), (0, -1), S.MARKER_BAR, colour),
            ("LEFTPADDING", (0, 0), (0, -1), 9),
            ("LINEABOVE", (0, 0), (-1, 0), 0, S.WHITE),
        ])
        mark = OutlineMark(self.next_key("finding"), clip(oneline(f"{f.number} {f.class_label}"), 80), 1)
        head.keepWithNext = 1
        height = head.wrap(S.FRAME_WIDTH, S.FRAME_HEIGHT)[1] + body.wrap(S.FRAME_WIDTH, S.FRAME_HEIGHT)[1]
        if height <= S.FRAME_HEIGHT * 0.6:
            return [KeepTogether([mark, head, body])]
        # a long finding starts where it is (unless the page is nearly full) and runs over the pages
        head.keepWithNext = 0
        return [CondPageBreak(45 * mm), mark, head, body]

    # -- checklist --------------------------------------------------------------------------------
    def checklist(self) -> list[Flowable]:
        options = self.data.options
        story = self.part(_("Checklist"))
        if options.only_nonconformities:
            story.append(self.m(para(_("Only items answered as a nonconformity are listed.")), "note"))
        sections = list(self.data.checklist)
        shown = self._sections_with_rows(sections)
        if not any(section.rows for section in sections):
            text = (_("No nonconformities were recorded.") if options.only_nonconformities
                    else _("The checklist has no items to show."))
            story.append(self.m(para(text), "muted"))
            return story
        # ref | item | marker | result | note; short refs, markers and results are plain strings (no
        # Paragraph to parse and wrap: the checklist is most of a report's text)
        widths = [15 * mm, 56 * mm, 5 * mm, 28 * mm]
        widths.append(S.FRAME_WIDTH - sum(widths))
        header = [self.m(para(_("Ref.")), "th"), self.m(para(_("Item")), "th"), self.m(para(_("Result")), "th"), "",
                  self.m(para(_("Note")), "th")]
        td = self.st["td"]
        pad = 2 * S.CELL_PAD_X
        ref_room, result_room = widths[0] - pad, widths[3] - S.CELL_PAD_X - 1.5
        open_label = _("open")
        base = [
            ("SPAN", (2, 0), (3, 0)),
            ("FONTNAME", (0, 1), (-1, -1), td.fontName), ("FONTSIZE", (0, 1), (-1, -1), td.fontSize),
            ("LEADING", (0, 1), (-1, -1), td.leading), ("TEXTCOLOR", (0, 1), (-1, -1), td.textColor),
            ("TEXTCOLOR", (0, 1), (0, -1), S.MUTED),
            ("RIGHTPADDING", (2, 0), (2, -1), 0), ("LEFTPADDING", (3, 0), (3, -1), 1.5),
            ("LEFTPADDING", (2, 1), (2, -1), S.CELL_PAD_X),
        ]
        after_heading = False
        for section, show in zip(sections, shown, strict=True):
            if not show:
                continue
            title = f"{section.ref} {section.title}".strip()
            level_style, toc = ("h2", 1) if section.level <= 1 else ("h3", None)
            room = 34 * mm if section.rows else 48 * mm
            heading = self.sub(title, level_style, level=max(1, section.level), toc=toc, room=room)
            # a section without rows is followed by its first subsection: the room asked for covers both
            story += heading[1:] if after_heading else heading
            after_heading = not section.rows
            if not section.rows:
                continue
            rows: list[list[Any]] = [header]
            colours: list[tuple[Any, ...]] = []
            for i, row in enumerate(section.rows, start=1):
                colours.append(("TEXTCOLOR", (2, i), (2, i), S.colour(S.RATING_COLOURS, row.rating_key)))
                ref = self.short(row.ref, td, ref_room) or Paragraph(para(row.ref), self.st["td_muted"])
                if row.result.strip():
                    result: Any = self.short(row.result, td, result_room) or Paragraph(para(row.result), td)
                else:
                    result = open_label
                    colours.append(("TEXTCOLOR", (3, i), (3, i), S.MUTED))
                note = para(row.note)
                if row.photos:
                    refs = para(_("Photos: {numbers}")).replace("{numbers}", self.photo_numbers_markup(row.photos))
                    refs = f'<font size="7.5" color="{S.hexcolour(S.MUTED)}">{refs}</font>'
                    note = f"{note}<br/>{refs}" if note else refs
                rows.append([ref, Paragraph(para(row.title), td), MARKER, result, Paragraph(note, td) if note else ""])
            table = Table(rows, colWidths=widths, repeatRows=1, splitInRow=S.SPLIT_IN_ROW, hAlign="LEFT")
            table.setStyle(grid_style(1, extra=[*base, *colours]))
            story.append(table)
        return story

    @staticmethod
    def short(text: str, style: Any, room: float) -> str | None:
        """``text`` as a plain table string when it fits on one line (cheaper than a Paragraph), else None."""
        value = plain(text)
        if "\n" in value or stringWidth(value, style.fontName, style.fontSize) > room:
            return None
        return value

    @staticmethod
    def _sections_with_rows(sections: Sequence[ChecklistSection]) -> list[bool]:
        """For each section: print it? (it has rows, or a deeper section below it has)."""
        shown = [bool(s.rows) for s in sections]
        for i in range(len(sections) - 1, -1, -1):
            if shown[i]:
                continue
            level = sections[i].level
            j = i + 1
            while j < len(sections) and sections[j].level > level:
                if shown[j]:
                    shown[i] = True
                    break
                j += 1
        return shown

    # -- environmental programme ------------------------------------------------------------------
    def programme(self) -> list[Flowable]:
        prog = self.data.programme
        assert prog is not None
        story = self.part(_("Environmental programme"))
        if not prog.rows:
            story.append(self.m(para(_("No measures have been recorded.")), "muted"))
        else:
            story.append(self.measure_table(prog.rows, prog.total))
        if prog.by_area:
            story += self.sub(_("Totals by area"))
            story.append(self.area_table(prog.by_area))
        if prog.factor_note.strip():
            story += [Spacer(1, 3 * mm), self.p(prog.factor_note, "small")]
        if prog.award_checks:
            story.append(self.heading(_("Award criteria"), "h2", level=1, toc=None))
            story.append(self.checks(prog.award_checks))
        return story

    #: the amount columns: field, the unit its values usually end with (dropped, the header shows it), width
    _AMOUNTS: tuple[tuple[str, tuple[str, ...], float], ...] = (
        ("investment", ("€", "EUR"), 19.5 * mm),
        ("savings_eur", ("€/a", "€ / a", "EUR/a", "€"), 15 * mm),
        ("savings_kwh", ("kWh/a", "kWh"), 15.5 * mm),
        ("savings_m3", ("m³/a", "m³"), 12 * mm),
        ("savings_t", ("t/a", "t"), 11 * mm),
        ("savings_t_co2", ("t CO₂/a", "t CO₂e", "t CO₂", "t"), 13 * mm),
        ("payback", ("Jahre", "years", "a"), 21.5 * mm),
    )

    @staticmethod
    def _number(value: str, units: tuple[str, ...]) -> str:
        """"24 000 €" (or "€24,000") → "24 000" when the column's header carries the unit; anything
        else unchanged."""
        text = value.strip()
        for unit in units:
            if text.startswith(unit) and text[len(unit):].lstrip()[:1].isdigit():
                return text[len(unit):].lstrip()
            if text.endswith(" " + unit) or text.endswith("\u00a0" + unit) or text.endswith("\u202f" + unit):
                head = text[: -len(unit)].rstrip()
                if head and head[-1].isdigit():
                    return head
        return text or "\u2013"

    def _amount_header(self, first: Any) -> list[list[Any]]:
        """Two header rows: investment | savings per year (€, kWh, m³, t, t CO₂) | payback."""
        row1: list[Any] = list(first) if isinstance(first, tuple) else [first]
        row2: list[Any] = [""] * len(row1)
        row1 += [self.m(para(_("Investment")), "cth_right"), self.m(para(_("Savings per year")), "cth_center"),
                 "", "", "", "", self.m(para(_("Payback")), "cth_right")]
        row2 += [self.m("€", "cth_right")] + [self.m(para(u), "cth_right") for u in ("€", "kWh", "m³", "t", "t CO₂")]
        row2 += [self.m(para(_("years")), "cth_right")]
        return [row1, row2]

    def _amount_style(self, lead: int, extra: Iterable[tuple[Any, ...]] = ()) -> TableStyle:
        first_saving = lead + 1
        return grid_style(2, compact=True, extra=[
            *[("SPAN", (c, 0), (c, 1)) for c in range(lead)],
            ("SPAN", (first_saving, 0), (first_saving + 4, 0)),
            ("LINEBELOW", (0, 0), (-1, 0), S.RULE_WIDTH, S.ACCENT_TINT),
            ("LINEBELOW", (first_saving, 0), (first_saving + 4, 0), S.RULE_WIDTH, S.RULE_STRONG),
            *extra,
        ])

    def _amounts(self, row: MeasureRow, style: str) -> list[Paragraph]:
        return [self.n(self._number(getattr(row, name), units), style) for name, units, _w in self._AMOUNTS]

    def measure_table(self, rows: Sequence[MeasureRow], total: MeasureRow) -> Table:
        amount_widths = [w for _n, _u, w in self._AMOUNTS]
        widths = [10 * mm, S.FRAME_WIDTH - 10 * mm - sum(amount_widths), *amount_widths]
        data = self._amount_header((self.m(para(_("No.")), "cth"), self.m(para(_("Measure")), "cth")))
        muted = S.hexcolour(S.MUTED)
        for row in rows:
            cell = f"<b>{para(row.title)}</b>" if row.title.strip() else "\u2013"
            details = [para(x) for x in (row.area, row.owner, row.due_date) if x.strip()]
            if row.status.strip():
                details.append(f'<font color="{S.hexcolour(S.ACCENT)}">{para(row.status)}</font>')
            if details:
                joined = " \u00b7 ".join(details)
                cell += f'<br/><font size="6.8" color="{muted}">{joined}</font>'
            if row.description.strip():
                cell += f'<br/><font size="6.8" color="{muted}">{para(row.description)}</font>'
            data.append([self.p(row.number, "ctd"), self.m(cell, "ctd"), *self._amounts(row, "ctd_right")])
        label = total.title or _("Total")
        data.append(["", self.p(label, "ctd_bold"), *self._amounts(total, "ctd_bold_right")])
        table = Table(data, colWidths=widths, repeatRows=2, splitInRow=S.SPLIT_IN_ROW, hAlign="LEFT")
        table.setStyle(self._amount_style(2, extra=[
            ("BACKGROUND", (0, -1), (-1, -1), S.PANEL),
            ("LINEABOVE", (0, -1), (-1, -1), 0.9, S.RULE_STRONG),
        ]))
        return table

    def area_table(self, rows: Sequence[MeasureRow]) -> Table:
        amount_widths = [w for _n, _u, w in self._AMOUNTS]
        widths = [S.FRAME_WIDTH - sum(amount_widths), *amount_widths]
        data = self._amount_header(self.m(para(_("Area")), "cth"))
        for row in rows:
            data.append([self.p(row.area or row.title, "ctd"), *self._amounts(row, "ctd_right")])
        table = Table(data, colWidths=widths, repeatRows=2, splitInRow=S.SPLIT_IN_ROW, hAlign="LEFT")
        table.setStyle(self._amount_style(1))
        return table

    # -- indicators -------------------------------------------------------------------------------
    def indicators(self) -> list[Flowable]:
        ind = self.data.indicators
        assert ind is not None
        story = self.part(_("Environmental indicators"))
        if ind.core and ind.years:
            story.append(self.heading(_("Core indicators (EMAS)"), "h2", level=1, toc=None))
            label = para(_("Reference figure B: {label}")).replace("{label}", "</b>" + (para(ind.reference_label) or "\u2013"))
            ref = f"<b>{label}"
            story.append(self.m(ref, "body_tight"))
            if ind.reference_justification.strip():
                story.append(self.p(ind.reference_justification, "small"))
            story.append(Spacer(1, 3 * mm))
            years = list(ind.years)
            for start in range(0, len(years), 3):
                if start:
                    story.append(Spacer(1, 4 * mm))
                story.append(self.core_table(ind.core, years, start, min(start + 3, len(years))))
            story.append(Spacer(1, 1.5 * mm))
            story.append(self.m(para(_("A: annual input or impact; B: reference figure; R = A / B.")), "small"))
        if ind.balance:
            title = _("CO₂ balance {year}").format(year=ind.balance_year).strip()
            story += self.sub(title)
            story.append(self.balance_table())
            if ind.balance_by_scope:
                story.append(Spacer(1, 4 * mm))
                rows = [[self.m(para(_("GHG scope")), "cth"), self.m(para(_("t CO₂e")), "cth_right")]]
                rows += [[self.p(scope, "ctd"), self.n(amount)] for scope, amount in ind.balance_by_scope]
                table = Table(rows, colWidths=[50 * mm, 24 * mm], hAlign="LEFT", repeatRows=1, splitInRow=S.SPLIT_IN_ROW)
                table.setStyle(grid_style(1, compact=True))
                story.append(table)
        if ind.notes:
            story.append(self.heading(_("Notes"), "h3", level=2, toc=None))
            story += [Paragraph(para(note), self.st["bullet"], bulletText="\u2013") for note in ind.notes]
        return story

    def core_table(self, core: Sequence[Any], years: list[str], start: int, stop: int) -> Table:
        n = stop - start
        a_w, b_w, r_w = (14 * mm, 10.5 * mm, 12 * mm) if n == 3 else (18 * mm, 14 * mm, 16 * mm)
        unit_w = 13 * mm
        label_w = S.FRAME_WIDTH - unit_w - n * (a_w + b_w + r_w)
        head1: list[Any] = [self.m(para(_("Indicator")), "cth"), self.m(para(_("Unit of A")), "cth")]
        head2: list[Any] = ["", ""]
        spans = []
        for i, year in enumerate(years[start:stop]):
            col = 2 + 3 * i
            head1 += [self.p(clip(oneline(year), 20), "cth_center"), "", ""]  # a repeated header row stays short
            head2 += [self.m("A", "cth_right"), self.m("B", "cth_right"), self.m("R", "cth_right")]
            spans += [("SPAN", (col, 0), (col + 2, 0)), ("LINEBEFORE", (col, 0), (col, -1), S.RULE_WIDTH, S.RULE)]
        data: list[list[Any]] = [head1, head2]
        for row in core:
            cells: list[Any] = [self.p(row.label, "ctd"), self.p(row.unit, "ctd_small")]
            for i in range(start, stop):
                a, b, r = row.values[i] if i < len(row.values) else ("", "", "")
                cells += [self.n(a), self.n(b), self.n(r, "ctd_bold_right")]
            data.append(cells)
        table = Table(data, colWidths=[label_w, unit_w] + [a_w, b_w, r_w] * n, repeatRows=2, splitInRow=S.SPLIT_IN_ROW,
                      hAlign="LEFT")
        table.setStyle(grid_style(2, compact=True, extra=[*spans, ("SPAN", (0, 0), (0, 1)), ("SPAN", (1, 0), (1, 1)),
                                                          ("LINEBELOW", (2, 0), (-1, 0), S.RULE_WIDTH, S.RULE)]))
        return table

    def balance_table(self) -> Table:
        ind = self.data.indicators
        assert ind is not None
        widths = [22 * mm, 0.0, 28 * mm, 50 * mm, 22 * mm]
        widths[1] = S.FRAME_WIDTH - sum(widths)
        data: list[list[Any]] = [[self.m(para(_("GHG scope")), "cth"), self.m(para(_("Source")), "cth"),
                                  self.m(para(_("Amount")), "cth_right"), self.m(para(_("Emission factor")), "cth"),
                                  self.m(para(_("t CO₂e")), "cth_right")]]
        for row in ind.balance:
            data.append([self.p(row.scope, "ctd"), self.p(row.source, "ctd"), self.n(row.amount),
                         self.p(row.factor, "ctd_small"), self.n(row.t_co2e)])
        data.append([self.m(para(_("Total")), "ctd_bold"), "", "", "", self.n(ind.balance_total, "ctd_bold_right")])
        table = Table(data, colWidths=widths, repeatRows=1, splitInRow=S.SPLIT_IN_ROW, hAlign="LEFT")
        table.setStyle(grid_style(1, compact=True, extra=[
            ("BACKGROUND", (0, -1), (-1, -1), S.PANEL), ("LINEABOVE", (0, -1), (-1, -1), 0.9, S.RULE_STRONG)]))
        return table

    # -- photo appendix ---------------------------------------------------------------------------
    def photos(self) -> list[Flowable]:
        size = self.data.options.photo_size
        per_row = PHOTOS_PER_ROW.get(size, 2)
        cell_w = (S.FRAME_WIDTH - PHOTO_GAP * (per_row - 1)) / per_row
        box_h = min(cell_w * 0.75, PHOTO_MAX_HEIGHT.get(size, 62 * mm))
        story = self.part(_("Photo appendix"))
        photos = list(self.data.photos)
        for start in range(0, len(photos), per_row):
            group = photos[start:start + per_row]
            cells = [self.photo_cell(photo, cell_w, box_h) for photo in group]
            text_length = sum(len(p.caption) + len(p.refers_to) + len(p.taken) + len(p.location) for p in group)
            if text_length > GRID_CAPTION_LIMIT * len(group):
                # long captions: one photo after the other, the text free to run over pages
                for photo in group:
                    story += [*self.photo_stacked(photo, cell_w, box_h), Spacer(1, 5 * mm)]
                continue
            story += [PhotoRow(cells, cell_w, PHOTO_GAP), Spacer(1, 6 * mm)]
        return story

    def photo_box(self, photo: PhotoData, cell_w: float, box_h: float) -> PhotoBox:
        """The image in its box, sized from the data's pixel size (the JPEG is never decoded)."""
        w, h = _fit(photo.width_px, photo.height_px, cell_w, box_h)
        try:
            image = Image(str(photo.path), w, h)  # by path: the JPEG's bytes pass through
        except OSError as exc:
            raise ReportPhotoError(number=photo.number, path=str(photo.path), detail=exc.strerror or str(exc)) from exc
        return PhotoBox(image, cell_w, box_h)

    def photo_stacked(self, photo: PhotoData, cell_w: float, box_h: float) -> list[Flowable]:
        """A photo with a long caption: image and number kept together, the text free to run on."""
        label = "<b>" + para(_("Photo {number}").format(number=photo.number)) + "</b>"
        cell = self.photo_cell(photo, cell_w, box_h, title=False)
        return [KeepTogether([cell[0], cell[1], self.m(label, "caption_title")]), *cell[2:]]

    def photo_cell(self, photo: PhotoData, cell_w: float, box_h: float, *, title: bool = True) -> list[Flowable]:
        """[anchor, photo box, title line, details…]."""
        cell: list[Flowable] = [Anchor(f"photo-{photo.number}"), self.photo_box(photo, cell_w, box_h)]
        if title:
            line = "<b>" + para(_("Photo {number}").format(number=photo.number)) + "</b>"
            if photo.caption.strip():
                line += f" \u2013 {para(photo.caption)}"
            cell.append(self.m(line, "caption_title"))
        elif photo.caption.strip():
            cell.append(self.p(photo.caption, "caption"))
        details = []
        if photo.refers_to.strip():
            details.append(para(_("Refers to: {items}").format(items=photo.refers_to)))
        if photo.taken.strip():
            details.append(para(photo.taken))
        if photo.location.strip():
            details.append(para(photo.location))
        if details:
            cell.append(self.m("<br/>".join(details), "caption"))
        return cell

    # -- signatures and distribution --------------------------------------------------------------
    def signature_image(self, png: bytes | None) -> Flowable | None:
        """The drawn signature, or None when there is none or it cannot be read (then the name is printed)."""
        if not png:
            return None
        try:
            with PILImage.open(io.BytesIO(png)) as im:
                im.load()
                size = im.size
        except (OSError, UnidentifiedImageError, ValueError, PILImage.DecompressionBombError):
            return None
        w, h = _fit(size[0], size[1], *SIGNATURE_BOX)
        return Image(io.BytesIO(png), w, h, hAlign="LEFT")

    def signatures(self) -> list[Flowable]:
        data = self.data
        story = self.part(_("Signatures"))
        if data.signatures:
            widths = [46 * mm, 36 * mm, 38 * mm]
            widths.append(S.FRAME_WIDTH - sum(widths))
            rows: list[list[Any]] = [[self.m(para(_("Name")), "th"), self.m(para(_("Role")), "th"),
                                      self.m(para(_("Place, date")), "th"), self.m(para(_("Signature")), "th")]]
            for sig in data.signatures:
                place_date = ", ".join(x for x in (sig.place.strip(), sig.date.strip()) if x)
                image = self.signature_image(sig.image_png)
                mark: Any = image if image is not None else self.m(
                    "<i>" + para(_("signed {name}").format(name=sig.name)) + "</i>" if sig.name.strip() else "\u2013",
                    "td")
                rows.append([self.p(sig.name, "signature_name"), self.value(sig.role), self.value(place_date), mark])
            table = Table(rows, colWidths=widths, repeatRows=1, splitInRow=S.SPLIT_IN_ROW, hAlign="LEFT")
            table.setStyle(grid_style(1, extra=[("TOPPADDING", (0, 1), (-1, -1), 8),
                                                ("BOTTOMPADDING", (0, 1), (-1, -1), 8),
                                                ("VALIGN", (0, 1), (-1, -1), "MIDDLE")]))
            story.append(table)
        if data.distribution:
            story += self.sub(_("Distribution list"), toc=1)
            rows = [[self.m(para(_("Name")), "th"), self.m(para(_("Role")), "th")]]
            rows += [[self.p(p.name, "td"), self.value(p.role)] for p in data.distribution]
            table = Table(rows, colWidths=[70 * mm, S.FRAME_WIDTH - 70 * mm], repeatRows=1, splitInRow=S.SPLIT_IN_ROW, hAlign="LEFT")
            table.setStyle(grid_style(1))
            story.append(table)
        return story


def toc_entries(story: Sequence[Flowable]) -> list[tuple[int, str, int, str]]:
    """The contents lines the story will produce, with page 0 (for the first pass's layout)."""
    entries: list[tuple[int, str, int, str]] = []

    def walk(flowables: Sequence[Flowable]) -> None:
        for f in flowables:
            if isinstance(f, Heading) and f.toc_level is not None:
                entries.append((f.toc_level, f.toc_markup, 0, f.key))
            elif isinstance(f, KeepTogether):
                walk(f._content)  # noqa: SLF001
    walk(story)
    return entries


