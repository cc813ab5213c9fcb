"""Making user text safe for the PDF: escaping, glyphs the font lacks, long words, amounts."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from oekoaudit.report import fonts
from oekoaudit.report.styles import build_styles
from oekoaudit.report.text import MISSING, clip, number, oneline, para, plain


def test_markup_is_escaped_never_interpreted() -> None:
    assert para("<b>&amp;</script>") == "&lt;b&gt;&amp;amp;&lt;/script&gt;"
    assert para("a </para> b") == "a &lt;/para&gt; b"


def test_newlines_become_line_breaks_and_carriage_returns_are_folded() -> None:
    assert para("eins\r\nzwei\rdrei\n") == "eins<br/>zwei<br/>drei"
    assert para("") == "" and para(None) == ""


def test_control_characters_are_dropped_and_tabs_become_spaces() -> None:
    assert plain("a\x00b\x07c\td\x1b") == "abc d"


def test_characters_without_a_glyph_become_a_box() -> None:
    fonts.register()
    assert fonts.covered(ord("₂")) and fonts.covered(ord("€")) and fonts.covered(ord("ß"))
    assert not fonts.covered(0x1F44D)  # 👍 is not in DejaVu Sans
    assert plain("CO₂ 👍 中") == f"CO₂ {MISSING} {MISSING}"
    assert plain("\ud800") == MISSING  # a lone surrogate
    assert plain("👍\ufe0f") == MISSING  # the variation selector is dropped, not boxed
    assert plain("😀 ☀ ✓") == f"{MISSING} ☀ ✓"  # beyond the BMP: boxed (reportlab's ToUnicode breaks there)
    assert plain("Grüße – „Prüfung“ €") == "Grüße – „Prüfung“ €"


def test_oneline_and_clip() -> None:
    assert oneline("  a\n\n b\tc ") == "a b c"
    assert clip("abcdef", 4) == "abc…"
    assert clip("abc", 4) == "abc"


def test_amounts_do_not_break_between_their_digits() -> None:
    assert number("12 400 kWh") == "12\u00a0400 kWh"
    assert number("<1 000>") == "&lt;1\u00a0000&gt;"


def _lines_fit(markup: str, style_name: str, width: float) -> list[float]:
    style = build_styles()[style_name]
    paragraph = Paragraph(markup, style)
    paragraph.wrap(width, 10_000)
    widths = []
    for line in paragraph.blPara.lines:
        words = line[1] if isinstance(line, tuple) else line.words
        extra = line[0] if isinstance(line, tuple) else line.extraSpace
        widths.append(width - extra)
        assert words
    return widths


def test_a_long_url_without_spaces_wraps_inside_a_narrow_cell() -> None:
    url = "https://example.com/" + "abcdefghij" * 28  # 300 characters, no space
    width = 40 * mm
    widths = _lines_fit(para(f"Siehe {url} am Ende"), "td", width)
    assert len(widths) > 5
    assert all(w <= width + 0.01 for w in widths)


def test_a_very_long_german_word_wraps() -> None:
    word = "Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichen" * 3
    widths = _lines_fit(para(word), "td", 30 * mm)
    assert len(widths) > 2 and all(w <= 30 * mm + 0.01 for w in widths)
