"""The report PDF: content (via pypdf text extraction), page numbers, outline, images, metadata,
determinism, progress and cancel, parts switched off, and a rendered page that is not blank."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader
from report_support import english, page_texts, squash
from sample_data import answered_rows

from oekoaudit import i18n
from oekoaudit.errors import OekoauditError
from oekoaudit.report.data import ALL_PARTS, Part, ReportCancelled, ReportData
from oekoaudit.report.render import fingerprint_groups, render_pdf

Render = Callable[[ReportData], bytes]


def _tr(lang: str, message: str) -> str:
    """The report's word in ``lang`` as the catalogue has it (English until a German entry exists)."""
    with i18n.language(lang):
        return i18n._(message)


def _page_label_numbers(texts: list[str], lang: str) -> list[tuple[int, int]]:
    pattern = re.escape(_tr(lang, "Page {page} of {pages}")).replace(r"\{page\}", r"(\d+)").replace(
        r"\{pages\}", r"(\d+)")
    found = []
    for text in texts:
        match = re.search(pattern, text)
        assert match, text[:300]
        found.append((int(match.group(1)), int(match.group(2))))
    return found


def _images(pdf: bytes) -> list[tuple[str, object]]:
    """(filter, xobject) of every image XObject on every page."""
    reader = PdfReader(io.BytesIO(pdf))
    seen: dict[int, tuple[str, object]] = {}
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        xobjects = resources.get("/XObject") or {}
        for name in xobjects:
            ref = xobjects.raw_get(name)
            obj = xobjects[name].get_object()
            if obj.get("/Subtype") == "/Image":
                filters = obj.get("/Filter")
                text = str(filters if not isinstance(filters, list) else [str(f) for f in filters])
                seen[getattr(ref, "idnum", id(obj))] = (text, obj)
    return list(seen.values())


# -- content ---------------------------------------------------------------------------------------
def test_every_finding_appears_with_number_statement_and_fields(report_data: ReportData, rendered: Render) -> None:
    text = squash("".join(page_texts(rendered(report_data))))
    for finding in report_data.findings:
        for value in (finding.number, finding.statement, finding.class_label, finding.requirement_ref,
                      finding.objective_evidence, finding.corrective_action, finding.owner, finding.due_date):
            assert squash(value) in text, value


def test_every_answered_item_appears_with_result_and_note(report_data: ReportData, rendered: Render) -> None:
    text = squash("".join(page_texts(rendered(report_data))))
    rows = answered_rows(report_data)
    assert len(rows) >= 30
    for row in rows:
        assert squash(f"{row.ref}") in text
        assert squash(row.title) in text, row.title
        assert squash(row.result) in text
        if row.note:
            assert squash(row.note) in text, row.note


def test_cover_details_and_summary(report_data: ReportData, rendered: Render) -> None:
    texts = page_texts(rendered(report_data))
    cover = squash(texts[0])
    for value in (report_data.cover.audit_title, report_data.cover.organisation, report_data.cover.site,
                  report_data.cover.lead_auditor, report_data.document_id, report_data.cover.consultancy,
                  report_data.cover.dates):
        assert squash(value) in cover, value
    text = squash("".join(texts))
    assert squash(report_data.details.objectives) in text
    assert squash(report_data.summary.verdict) in text
    assert squash(f"{report_data.summary.answered}\u202f/\u202f{report_data.summary.total}") in text
    for person in report_data.details.people_met:
        assert squash(person.name) in text


def test_programme_totals_and_measures(report_data: ReportData, rendered: Render) -> None:
    text = squash("".join(page_texts(rendered(report_data))))
    programme = report_data.programme
    assert programme is not None
    for row in programme.rows:
        assert squash(row.title) in text and row.number in text
    # the totals row: the numbers without the unit the column header carries
    for value in ("160 800", "27 300", "108 000", "54,3", "5,9"):
        assert squash(value) in text, value
    assert squash(programme.total.title) in text
    for area in programme.by_area:
        assert squash(area.area) in text


def test_indicators_and_co2_balance(report_data: ReportData, rendered: Render) -> None:
    text = squash("".join(page_texts(rendered(report_data))))
    indicators = report_data.indicators
    assert indicators is not None
    for year in indicators.years:
        assert year in text
    for row in indicators.core:
        assert squash(row.label) in text
    for line in indicators.balance:
        assert squash(line.source) in text and squash(line.factor) in text
    assert squash(indicators.balance_total) in text
    assert "CO₂" in text  # the subscript two survives (DejaVu, not Helvetica)


def test_photos_signatures_and_distribution(report_data: ReportData, rendered: Render) -> None:
    text = squash("".join(page_texts(rendered(report_data))))
    for photo in report_data.photos:
        assert squash(photo.caption) in text and squash(photo.refers_to) in text
        assert squash(photo.taken) in text
    for signature in report_data.signatures:
        assert squash(signature.name) in text and squash(signature.place) in text
    for person in report_data.distribution:
        assert squash(person.name) in text


def test_page_x_of_y_on_every_page(report_data: ReportData, rendered: Render) -> None:
    pdf = rendered(report_data)
    texts = page_texts(pdf)
    numbers = _page_label_numbers(texts, "de")
    assert numbers == [(i, len(texts)) for i in range(1, len(texts) + 1)]
    assert len(texts) >= 10


def test_footer_has_document_id_date_and_grouped_fingerprint(report_data: ReportData, rendered: Render) -> None:
    groups = fingerprint_groups(report_data.fingerprint)
    assert re.fullmatch(r"[0-9a-f]{4}( [0-9a-f]{4}){3}", groups)
    for text in page_texts(rendered(report_data)):
        assert groups in text and report_data.document_id in text and report_data.generated in text


def test_english_report_has_english_words(report_data: ReportData, rendered: Render) -> None:
    pdf = rendered(english(report_data))
    texts = page_texts(pdf)
    assert _page_label_numbers(texts, "en") == [(i, len(texts)) for i in range(1, len(texts) + 1)]
    text = "\n".join(texts)
    for heading in ("AUDIT REPORT", "Contents", "Audit details", "Summary", "Findings", "Checklist",
                    "Environmental programme", "Environmental indicators", "Photo appendix", "Signatures",
                    "Distribution list", "Objective evidence", "Root cause", "Corrective action", "Overall result"):
        assert heading in text, heading
    assert i18n.get_language() == "de"  # the window's language is untouched


def test_german_report_uses_the_catalogue(report_data: ReportData, rendered: Render) -> None:
    """German headings as the catalogue has them (the lead merges build/tr_r1.json into it)."""
    text = "\n".join(page_texts(rendered(report_data)))
    for msgid in ("Contents", "Findings", "Checklist", "Summary", "Signatures", "Objective evidence"):
        assert _tr("de", msgid) in text


def test_contents_lists_the_parts_with_their_pages(report_data: ReportData, rendered: Render) -> None:
    pdf = rendered(english(report_data))
    texts = page_texts(pdf)
    contents = PdfReader(io.BytesIO(pdf)).pages[1].extract_text(extraction_mode="layout")
    assert "Contents" in contents
    listed = {m.group(1).strip(): int(m.group(2)) for m in re.finditer(r"^\s*(\S.*?)[\s.]+(\d+)\s*$", contents, re.M)}
    for heading in ("Audit details", "Summary", "Findings", "Checklist", "Environmental programme", "Photo appendix",
                    "Signatures", "4 Kontext der Organisation", "10 Verbesserung"):
        page = listed[heading]
        assert re.search(rf"^{re.escape(heading)}$", texts[page - 1], re.M), (heading, page)
        if not heading[0].isdigit():  # (section titles also label the summary's chart)
            assert not any(re.search(rf"^{re.escape(heading)}$", t, re.M) for t in texts[2:page - 1]), heading


def test_outline_has_parts_sections_and_findings(report_data: ReportData, rendered: Render) -> None:
    reader = PdfReader(io.BytesIO(rendered(english(report_data))))
    outline = reader.outline
    assert outline
    top = [item.title for item in outline if not isinstance(item, list)]
    for title in ("Contents", "Summary", "Findings", "Checklist", "Photo appendix", "Signatures"):
        assert title in top
    nested = [item for item in outline if isinstance(item, list)]
    children = [getattr(child, "title", "") for group in nested for child in group if not isinstance(child, list)]
    assert any(child.startswith("F-1") for child in children)
    assert "4 Kontext der Organisation" in children
    findings = next(item for item in outline if not isinstance(item, list) and item.title == "Findings")
    page = reader.get_destination_page_number(findings)
    assert "Findings" in reader.pages[page].extract_text()


# -- images ----------------------------------------------------------------------------------------
def test_no_ascii85_and_photos_pass_through_as_jpeg(report_data: ReportData, rendered: Render) -> None:
    pdf = rendered(report_data)
    assert b"/ASCII85Decode" not in pdf and b"/A85" not in pdf
    images = _images(pdf)
    jpegs = [obj for kind, obj in images if "DCTDecode" in kind]
    assert len(jpegs) == len(report_data.photos)
    for photo in report_data.photos:
        assert photo.path.read_bytes() in pdf  # byte for byte, not re-encoded


def test_every_image_is_dct_without_logo_and_drawn_signatures(make_data: Callable[..., ReportData],
                                                              rendered: Render) -> None:
    base = make_data()
    data = replace(base, cover=replace(base.cover, logo=None),
                   signatures=tuple(replace(s, image_png=None) for s in base.signatures))
    images = _images(rendered(data))
    assert len(images) == len(data.photos)
    assert all("DCTDecode" in kind for kind, _obj in images)


def test_logo_and_drawn_signature_are_embedded(report_data: ReportData, rendered: Render) -> None:
    images = _images(rendered(report_data))
    assert len(images) == len(report_data.photos) + 2  # + logo + one drawn signature


@pytest.mark.parametrize("size", ["small", "medium", "large"])
def test_photo_sizes_fit_the_frame(make_data: Callable[..., ReportData], size: str) -> None:
    from oekoaudit.report import styles as S
    from oekoaudit.report.builder import PHOTO_MAX_HEIGHT, PhotoBox, build_story
    from oekoaudit.report.data import PhotoSize

    base = make_data()
    data = replace(base, options=replace(base.options, photo_size=PhotoSize(size)))
    boxes = []

    def walk(flowables: list) -> None:  # type: ignore[type-arg]
        for f in flowables:
            if isinstance(f, (list, tuple)):
                walk(list(f))
            elif isinstance(f, PhotoBox):
                boxes.append(f)
            else:
                walk(list(getattr(f, "_cellvalues", None) or getattr(f, "_content", None) or getattr(f, "cells", None)
                          or []))
    walk(build_story(data))
    assert len(boxes) == len(data.photos)
    portrait = next(p for p in data.photos if p.height_px > p.width_px)
    for box, photo in zip(boxes, data.photos, strict=True):
        assert box.width <= S.FRAME_WIDTH + 0.01 and box.height <= PHOTO_MAX_HEIGHT[PhotoSize(size)] + 0.01
        assert box.photo.drawWidth <= box.width + 0.01 and box.photo.drawHeight <= box.height + 0.01
        # aspect ratio kept
        assert abs(box.photo.drawWidth / box.photo.drawHeight - photo.width_px / photo.height_px) < 0.01
    portrait_box = boxes[data.photos.index(portrait)]
    assert portrait_box.photo.drawWidth < portrait_box.width  # narrower, not taller


# -- metadata, determinism, progress, cancel -------------------------------------------------------
def test_metadata(report_data: ReportData, rendered: Render) -> None:
    meta = PdfReader(io.BytesIO(rendered(report_data))).metadata
    assert meta is not None
    assert meta.title == report_data.title
    assert meta.author == report_data.author
    assert meta.subject == report_data.subject
    assert meta["/Keywords"] == ", ".join(report_data.keywords)
    assert meta.creator.startswith("oekoaudit")
    assert meta["/CreationDate"].startswith("D:20260314093000")


def test_same_data_gives_the_same_bytes(report_data: ReportData, tmp_path: Path) -> None:
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    result = render_pdf(report_data, first)
    render_pdf(report_data, second)
    assert first.read_bytes() == second.read_bytes()
    assert result.size == first.stat().st_size and result.pages == len(PdfReader(first).pages)
    assert result.extra["passes"] == 1  # one layout pass (templates.AuditCanvas)


def test_changed_data_gives_other_bytes(report_data: ReportData, rendered: Render) -> None:
    assert rendered(report_data) != rendered(replace(report_data, version="4"))


def test_progress_increases_to_the_total(report_data: ReportData) -> None:
    calls: list[tuple[int, int, str]] = []
    render_pdf(report_data, io.BytesIO(), progress=lambda done, total, what: calls.append((done, total, what)))
    assert len(calls) >= 5
    dones = [c[0] for c in calls]
    assert dones == sorted(dones) and len(set(dones)) == len(dones)
    assert all(0 <= done <= total for done, total, _ in calls)
    assert calls[-1][0] == calls[-1][1]
    assert all(what for _, _, what in calls)


def test_cancel_raises_report_cancelled(report_data: ReportData) -> None:
    polls = 0

    def cancelled() -> bool:
        nonlocal polls
        polls += 1
        return polls > 40

    with pytest.raises(ReportCancelled):
        render_pdf(report_data, io.BytesIO(), cancelled=cancelled)
    assert polls == 41


def test_cancel_before_start(report_data: ReportData) -> None:
    with pytest.raises(ReportCancelled):
        render_pdf(report_data, io.BytesIO(), cancelled=lambda: True)


# -- parts, draft, empty data ----------------------------------------------------------------------
def test_parts_switched_off_are_left_out(report_data: ReportData, rendered: Render) -> None:
    data = english(report_data)
    parts = ALL_PARTS - {Part.PHOTOS, Part.PROGRAMME, Part.FINDINGS}
    pdf = rendered(replace(data, options=replace(data.options, parts=parts)))
    text = "\n".join(page_texts(pdf))
    assert "Photo appendix" not in text and "Environmental programme" not in text
    assert report_data.findings[0].statement not in text.replace("\n", " ")
    assert "Checklist" in text and "Environmental indicators" in text
    assert not [kind for kind, _ in _images(pdf) if "DCTDecode" in kind]
    outline = [item.title for item in PdfReader(io.BytesIO(pdf)).outline if not isinstance(item, list)]
    assert "Findings" not in outline and "Photo appendix" not in outline
    # the photo numbers are still printed by the checklist rows, just not linked
    assert "Photos: 2, 3" in text


def test_parts_without_data_are_left_out(report_data: ReportData, rendered: Render) -> None:
    data = replace(english(report_data), programme=None, indicators=None, photos=(), findings=(), signatures=(),
                   distribution=())
    text = "\n".join(page_texts(rendered(data)))
    for heading in ("Environmental programme", "Environmental indicators", "Photo appendix", "Signatures"):
        assert heading not in text
    assert re.search(r"^Findings$", text, re.M) is None  # "Findings by class" in the summary stays
    assert "Checklist" in text


def test_an_empty_checklist_says_so(report_data: ReportData, rendered: Render) -> None:
    data = english(report_data)
    empty = tuple(replace(section, rows=()) for section in data.checklist)
    only_nc = replace(data, checklist=empty, options=replace(data.options, only_nonconformities=True))
    text = " ".join(page_texts(rendered(only_nc)))
    assert "No nonconformities were recorded." in text
    assert "Only items answered as a nonconformity are listed." in text
    text = " ".join(page_texts(rendered(replace(data, checklist=()))))
    assert "The checklist has no items to show." in text


def test_draft_watermark_only_while_draft(report_data: ReportData, rendered: Render) -> None:
    word = _tr("de", "DRAFT")
    draft = page_texts(rendered(replace(report_data, draft=True)))
    assert all(word in text for text in draft)
    final = page_texts(rendered(report_data))
    assert not any(word in text for text in final)
    english_draft = page_texts(rendered(replace(english(report_data), draft=True)))
    assert all("DRAFT" in text for text in english_draft)


# -- errors ----------------------------------------------------------------------------------------
def test_a_bad_logo_is_a_user_error(report_data: ReportData, tmp_path: Path) -> None:
    bad = tmp_path / "logo.png"
    bad.write_bytes(b"not an image at all")
    data = replace(report_data, cover=replace(report_data.cover, logo=bad))
    with pytest.raises(OekoauditError) as caught:
        render_pdf(data, io.BytesIO())
    assert str(bad) in i18n.describe(caught.value)
    missing = replace(report_data, cover=replace(report_data.cover, logo=tmp_path / "nope.png"))
    with pytest.raises(OekoauditError):
        render_pdf(missing, io.BytesIO())
    gif = tmp_path / "logo.gif"
    from PIL import Image

    Image.new("RGB", (10, 10)).save(gif, "GIF")
    with pytest.raises(OekoauditError):
        render_pdf(replace(report_data, cover=replace(report_data.cover, logo=gif)), io.BytesIO())


def test_a_wide_logo_keeps_its_aspect(report_data: ReportData, tmp_path: Path) -> None:
    from PIL import Image

    from oekoaudit.report.builder import LOGO_BOX, _Builder
    from oekoaudit.report.styles import build_styles

    wide = tmp_path / "wide.jpg"
    Image.new("RGB", (1000, 100), (10, 110, 110)).save(wide, "JPEG")
    data = replace(report_data, cover=replace(report_data.cover, logo=wide))
    logo = _Builder(data, build_styles()).logo()
    assert logo is not None
    assert abs(logo.drawWidth - LOGO_BOX[0]) < 0.01 and abs(logo.drawHeight - LOGO_BOX[0] / 10) < 0.01


def test_a_missing_photo_is_a_user_error(report_data: ReportData, tmp_path: Path) -> None:
    photos = (replace(report_data.photos[0], path=tmp_path / "gone.jpg"),) + report_data.photos[1:]
    with pytest.raises(OekoauditError):
        render_pdf(replace(report_data, photos=photos), io.BytesIO())


def test_a_broken_drawn_signature_prints_the_name(report_data: ReportData, rendered: Render) -> None:
    signatures = (replace(report_data.signatures[0], image_png=b"\x89PNG broken"),)
    pdf = rendered(replace(english(report_data), signatures=signatures))
    assert f"signed {signatures[0].name}" in " ".join(page_texts(pdf))


# -- a person's check ------------------------------------------------------------------------------
def _pages_to_png(pdf: Path, folder: Path, last: int) -> None:
    """Pages 1…last as PNG: with pdftoppm (poppler-utils) where installed, else with QtPdf (a
    dependency of the app, so the test runs on every machine)."""
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", str(last), str(pdf), str(folder / "page")],
                       check=True, timeout=120)
        return
    from PySide6.QtCore import QSize
    from PySide6.QtPdf import QPdfDocument

    document = QPdfDocument(None)
    assert document.load(str(pdf)) == QPdfDocument.Error.None_
    for page in range(last):
        size = document.pagePointSize(page)
        image = document.render(page, QSize(round(size.width() * 30 / 72), round(size.height() * 30 / 72)))
        assert image.save(str(folder / f"page-{page + 1}.png"))
    document.close()


def test_pages_render_to_non_blank_pictures(qapp, report_data: ReportData, rendered: Render,  # type: ignore[no-untyped-def]
                                            tmp_path: Path) -> None:
    from PIL import Image, ImageStat

    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(rendered(report_data))
    _pages_to_png(pdf, tmp_path, 4)
    pictures = sorted(tmp_path.glob("page-*.png"))
    assert len(pictures) == 4
    for picture in pictures:
        with Image.open(picture) as image:
            grey = image.convert("L")
            stat = ImageStat.Stat(grey)
            dark = sum(grey.histogram()[:160])
            assert stat.stddev[0] > 10 and dark > 200, picture.name
    with Image.open(pictures[0]) as cover:  # the accent band across the top of the cover
        r, g, b = cover.convert("RGB").getpixel((cover.width // 2, 2))
        assert g > r + 40 and b > r + 40


def test_a_big_report_is_laid_out_in_one_pass(report_data: ReportData) -> None:
    """300 items and 60 photos: one layout pass (what keeps the report near reportlab's floor),
    every item and photo printed, the contents and page numbers right."""
    from oekoaudit.report.data import ChecklistRow, ChecklistSection, PhotoSize

    sections = tuple(
        ChecklistSection(ref=str(s), title=f"Abschnitt {s}", level=1, rows=tuple(
            ChecklistRow(ref=f"{s}.{r}", title=f"Prüfpunkt {s}.{r} mit einem Titel über zwei Zeilen im Bericht",
                         result="erfüllt", rating_key="conform", note="Nachweis eingesehen." if r % 3 else "")
            for r in range(1, 21)))
        for s in range(1, 16))
    photos = tuple(replace(report_data.photos[i % len(report_data.photos)], number=i + 1) for i in range(60))
    data = replace(english(report_data), checklist=sections, photos=photos,
                   options=replace(report_data.options, lang="en", photo_size=PhotoSize.SMALL))
    buffer = io.BytesIO()
    result = render_pdf(data, buffer)
    assert result.extra["passes"] == 1
    texts = page_texts(buffer.getvalue())
    assert result.pages == len(texts) > 30
    assert _page_label_numbers(texts, "en") == [(i, len(texts)) for i in range(1, len(texts) + 1)]
    text = squash("".join(texts))
    for s in range(1, 16):
        for r in range(1, 21):
            assert squash(f"Prüfpunkt {s}.{r} mit") in text
    for n in range(1, 61):
        assert f"Photo{n}–" in text


def test_photo_references_link_to_the_appendix(report_data: ReportData, rendered: Render) -> None:
    reader = PdfReader(io.BytesIO(rendered(english(report_data))))
    pages = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)}
    texts = [page.extract_text() for page in reader.pages]
    photo_pages = {i for i, text in enumerate(texts) for p in report_data.photos if f"Photo {p.number} – {p.caption}" in text}
    targets = set()
    for i, page in enumerate(reader.pages):
        for annotation in page.get("/Annots", []):
            destination = annotation.get_object().get("/Dest")
            if destination is not None and i != 1:  # (page 2: the contents' own links)
                targets.add(pages[destination[0].idnum])
    assert targets and targets <= photo_pages
    contents_targets = {pages[a.get_object()["/Dest"][0].idnum] for a in reader.pages[1].get("/Annots", [])}
    assert len(contents_targets) >= 8  # every contents line links to its page
