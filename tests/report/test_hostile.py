"""Hostile user text renders safely: markup shows as text, 10 000 characters run over pages, emoji
and missing glyphs do not crash, empty fields are fine, a URL without spaces wraps."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable
from dataclasses import replace

import pytest
from report_support import english, page_texts, squash

from oekoaudit.report.data import ReportData
from oekoaudit.report.render import render_pdf
from oekoaudit.report.text import MISSING

Render = Callable[[ReportData], bytes]

MARKUP = "<b>&amp;</script> </para> <font size=40>x</font> & < >"
URL = "https://example.com/" + "abcdefghij" * 28  # 300 characters without a space
LONG = " ".join(f"Wort{i:05d}" for i in range(1100))  # 10 000+ characters


def _hostile(data: ReportData) -> ReportData:
    section = data.checklist[0]
    rows = list(section.rows)
    rows[0] = replace(rows[0], title=MARKUP, note=LONG)
    rows[1] = replace(rows[1], title="", note="", result="", ref="")
    rows[2] = replace(rows[2], note=f"Siehe {URL}")
    rows[3] = replace(rows[3], note="Emoji 😀 und 👍🏽 und 中文 und CO₂ ☀ ✓")
    checklist = (replace(section, rows=tuple(rows), title=MARKUP),) + data.checklist[1:]
    finding = replace(data.findings[0], statement=LONG, objective_evidence=MARKUP, correction="", root_cause="",
                      owner="", due_date="", requirement_ref=URL)
    photos = (replace(data.photos[0], caption=LONG),
              replace(data.photos[1], caption=MARKUP, refers_to="", taken="", location="")) + data.photos[2:]
    cover = replace(data.cover, audit_title=MARKUP, site="", consultancy="", team=())
    return replace(data, checklist=checklist, findings=(finding,) + data.findings[1:], photos=photos, cover=cover,
                   title=MARKUP, organisation=URL, keywords=("<x>", "😀"))


@pytest.fixture
def hostile(report_data: ReportData) -> ReportData:
    return _hostile(english(report_data))


def test_markup_in_user_text_is_printed_literally(hostile: ReportData, rendered: Render) -> None:
    texts = page_texts(rendered(hostile))
    text = squash("".join(texts))
    assert squash(MARKUP) in text
    assert squash(MARKUP) in squash(texts[0])  # the cover title


def test_a_10000_character_text_runs_over_pages(hostile: ReportData, rendered: Render) -> None:
    texts = page_texts(rendered(hostile))
    first, last = "Wort00000", "Wort01099"
    # the note in the checklist, the statement of the finding and a photo caption: all of it printed
    assert sum(text.count(last) for text in texts) == 3
    for start in (first, last):
        assert any(start in text for text in texts)
    note_pages = [i for i, text in enumerate(texts) if "Wort00550" in text]
    assert len(note_pages) == 3
    # each long text spans several pages
    spans = [[i for i, text in enumerate(texts) if f"Wort{n:05d}" in text] for n in (0, 1099)]
    assert all(len(set(pages)) >= 1 for pages in spans)
    checklist_start = next(i for i, t in enumerate(texts) if "Checklist" in t and i > 2)
    checklist_pages = [i for i, t in enumerate(texts) if i >= checklist_start and "Wort00" in t]
    assert len(checklist_pages) >= 3


def test_a_url_without_spaces_wraps_and_is_all_there(hostile: ReportData, rendered: Render) -> None:
    text = squash("".join(page_texts(rendered(hostile))))
    assert text.count(URL) >= 2  # the checklist note and the finding's requirement


def test_emoji_and_missing_glyphs_do_not_crash(hostile: ReportData, rendered: Render) -> None:
    text = "".join(page_texts(rendered(hostile)))
    # 中 is not in the font, 😀 is beyond the BMP (reportlab would write a broken ToUnicode entry): boxes
    expected = f"Emoji {MISSING} und {MISSING}{MISSING} und {MISSING}{MISSING} und CO₂ ☀ ✓"
    assert expected in text
    assert "😀" not in text


def test_empty_fields_and_metadata_with_markup(hostile: ReportData, rendered: Render) -> None:
    from io import BytesIO

    from pypdf import PdfReader

    meta = PdfReader(BytesIO(rendered(hostile))).metadata
    assert meta is not None and meta.title == MARKUP
    assert meta["/Keywords"] == "<x>, 😀"


def test_hostile_german_draft_renders(report_data: ReportData, rendered: Render) -> None:
    pdf = rendered(replace(_hostile(report_data), draft=True))
    assert pdf.startswith(b"%PDF") and len(page_texts(pdf)) > 15


# every text field of the snapshot (the first element of every list) at once -------------------------
_KEYS = {"lang", "rating_key", "class_key", "verdict_key", "key", "fingerprint"}


def _fuzz(value: object, text: str) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes: dict[str, object] = {}
        for f in dataclasses.fields(value):
            current = getattr(value, f.name)
            if f.name in _KEYS:
                continue
            if isinstance(current, str):
                changes[f.name] = text
            elif isinstance(current, dict) and all(isinstance(v, str) for v in current.values()):
                changes[f.name] = {k: text for k in current}
            elif isinstance(current, (tuple,)) or dataclasses.is_dataclass(current):
                changes[f.name] = _fuzz(current, text)
        return dataclasses.replace(value, **changes)
    if isinstance(value, tuple) and value:
        first = value[0]
        head = text if isinstance(first, str) else _fuzz(first, text)
        return (head, *value[1:])
    return value


@pytest.mark.slow
def test_every_text_field_may_be_huge(report_data: ReportData) -> None:
    """No field, however long, breaks the layout: repeated header rows stay short, the contents
    lines are shortened, every table may split inside a row, a heading may split over pages."""
    text = "<b>x</b> & </para> 😀 " + "Wort " * 540  # ~2 700 characters: more than a page at full width in 13 pt
    data = _fuzz(report_data, text)
    assert isinstance(data, ReportData) and data.findings[0].statement == text
    buffer = io.BytesIO()
    result = render_pdf(data, buffer)
    assert result.pages > 20 and buffer.getvalue().startswith(b"%PDF")
