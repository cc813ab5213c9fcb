"""The report service: the audit's snapshot in the report's language (ReportData), photos from the
previews, the atomic PDF file, cancel, and the fingerprint — on the demo organisation."""

from __future__ import annotations

import sys
import types
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from oekoaudit import i18n
from oekoaudit.domain.evidence import Shape, ShapeKind, Target
from oekoaudit.errors import OekoauditError, UserInputError
from oekoaudit.evidence.blobs import BlobStore
from oekoaudit.report.data import (
    ALL_PARTS,
    PHOTO_PIXELS,
    Part,
    PhotoSize,
    RenderResult,
    ReportCancelled,
    ReportOptions,
)
from oekoaudit.services.demo import create_demo
from oekoaudit.services.reports import Formatter
from oekoaudit.services.settings import update_settings
from tests.services.test_evidence import PDF, photo

WHEN = datetime(2026, 3, 12, 13, 5, tzinfo=UTC)


@pytest.fixture
def demo(services, tmp_path: Path) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The demo audit with four photos and a document: one on item 8.1 and the major finding (with a
    position), one annotated and redacted, one whose position is hidden, one on a measure."""
    result = create_demo(services.organisations, services.audits, indicators=services.indicators,
                         measures=services.measures)
    audit_id = result.audit_id
    folder = tmp_path / "fotos"
    files = [
        photo(folder / "01_lager.jpg", (200, 40, 30), size=(320, 240), taken=datetime(2026, 3, 12, 9, 30),
              gps=(51.25, 9.5)),
        photo(folder / "02_ibc.jpg", (30, 160, 40), size=(320, 240)),
        photo(folder / "03_kessel.jpg", (40, 60, 200), size=(240, 320), gps=(48.1374, 11.5755)),
        photo(folder / "04_kompressor.png", (120, 120, 20), size=(200, 150), fmt="PNG"),
    ]
    (folder / "Entsorgungsnachweis.pdf").write_bytes(PDF)
    report = services.evidence.import_files(audit_id, [*files, folder / "Entsorgungsnachweis.pdf"], workers=0)
    ids = list(report.evidence_ids)
    major = next(f for f in result.findings if f.finding_class.value == "major_nc")
    measure = next(m for m in result.measures if m.audit_id == audit_id)
    services.evidence.link(ids[0], Target.item("8.1"))
    services.evidence.link(ids[0], Target.finding(major.id))
    services.evidence.set_caption(ids[0], "IBC ohne Auffangwanne")
    services.evidence.set_annotations(ids[1], [Shape(ShapeKind.ARROW, ((0.1, 0.9), (0.5, 0.5))),
                                               Shape(ShapeKind.REDACT_BLACK, ((0.6, 0.1), (0.9, 0.3)))])
    services.evidence.link(ids[1], Target.item("6.1.2"))
    services.evidence.set_hide_location(ids[2], True)
    services.evidence.link(ids[3], Target.measure(measure.id))
    return {"result": result, "audit_id": audit_id, "evidence": ids, "major": major, "measure": measure}


def _data(services, demo, **options: Any):  # type: ignore[no-untyped-def]
    return services.reports.data(demo["audit_id"], ReportOptions(**options), generated_at=WHEN)


def test_every_finding_and_every_answered_item_is_in_the_report(services, demo) -> None:  # type: ignore[no-untyped-def]
    data = _data(services, demo)
    detail = services.audits.detail(demo["audit_id"])
    assert data.lang == "de" and data.draft and data.organisation == "Muster Metallbau GmbH"
    # (German once the lead merged build/tr_r2.json: "Auditbericht – …")
    assert data.title == i18n._("Audit report – {title}").format(title=detail.audit.title)
    # findings: numbered in checklist order (5.2, 6.1.2, 6.2.2, 8.1)
    assert [(f.number, f.item.split()[0]) for f in data.findings] == \
        [("F-1", "5.2"), ("F-2", "6.1.2"), ("F-3", "6.2.2"), ("F-4", "8.1")]
    assert {f.statement for f in data.findings} == {f.statement for f in detail.findings}
    major = next(f for f in data.findings if f.class_key == "major_nc")
    assert major.class_label == "Wesentliche Abweichung" and major.status == "in Arbeit"
    assert major.correction.startswith("IBC noch während") and major.owner == "F. Kaya"
    assert [p.number for p in major.photos] == [1] and major.photos[0].caption == "IBC ohne Auffangwanne"
    # the checklist: every item, the answered ones with their result and note
    rows = {row.ref: row for section in data.checklist for row in section.rows}
    assert set(rows) == {item.ref for item in detail.checklist.items()}
    for key, answer in detail.answers.items():
        row = rows[detail.checklist.item(key).ref]
        assert row.note == answer.note and row.rating_key == answer.rating.value and row.result
    assert rows["8.1"].result == "wesentliche Abweichung" and [p.number for p in rows["8.1"].photos] == [1]
    assert rows["9.1.1"].result == "" and rows["9.1.1"].rating_key == "open"
    assert [s.level for s in data.checklist if s.ref in ("6", "6.1")] == [1, 2]
    # summary: all classes (0 included), sections, actions
    summary = data.summary
    assert [(c.key, c.count) for c in summary.finding_counts] == \
        [("major_nc", 1), ("minor_nc", 1), ("observation", 1), ("improvement", 1), ("positive", 0)]
    assert summary.verdict == "wesentliche Abweichung" and (summary.answered, summary.total) == (18, 32)
    assert [s.ref for s in summary.sections] == ["4", "5", "6", "7", "8", "9", "10"]
    assert summary.sections[4].ratings["major_nc"] == 1 and summary.sections[4].verdict_key == "major_nc"
    assert sum(sum(s.ratings.values()) for s in summary.sections) == 32
    assert summary.open_actions == 2 and summary.rating_labels["not_applicable"]


def test_cover_details_programme_indicators_and_distribution(services, demo) -> None:  # type: ignore[no-untyped-def]
    update_settings(services.data_dir, auditor_organisation="Umweltberatung Nord GmbH")
    services.audits.update_plan(demo["audit_id"], team=[{"name": "K. Yilmaz", "role": "expert"}],
                                people_met=[{"name": "Frank Brandt", "function": "Geschäftsführer"}])
    data = _data(services, demo)
    audit = services.audits.get(demo["audit_id"])
    cover = data.cover
    assert cover.organisation == "Muster Metallbau GmbH" and cover.site == "Werk Nord"
    assert cover.lead_auditor == "Dr. Maria Lehmann" and cover.consultancy == "Umweltberatung Nord GmbH"
    assert cover.document_id == data.document_id == f"OA-{audit.start_date.year}-{audit.id[:8].upper()}"
    assert cover.version == str(audit.revision) == data.version and cover.status == "in Arbeit"
    assert cover.team == (cover.team[0],) and cover.team[0].name == "K. Yilmaz"
    assert cover.dates == audit.start_date.strftime("%d.%m.%Y") and cover.logo is None
    assert data.details.people_met[0].role == "Geschäftsführer"
    assert [p.name for p in data.details.team] == ["Dr. Maria Lehmann", "K. Yilmaz"]
    assert [p.name for p in data.distribution] == ["Frank Brandt", "Dr. Maria Lehmann", "K. Yilmaz"]
    assert data.author == "Dr. Maria Lehmann" and "Muster Metallbau GmbH" in data.keywords
    # the programme of the audit: amounts with units, "–" where nothing is known, totals
    programme = data.programme
    assert programme is not None
    measures = services.measures.programme(demo["audit_id"])
    assert [r.number for r in programme.rows] == [f"M-{n}" for n in range(1, len(measures.measures) + 1)]
    first = programme.rows[0]
    assert (first.title, first.investment, first.savings_eur, first.savings_kwh, first.payback) == \
        ("Druckluftleckagen beseitigen", "1.200 €", "2.100 €", "9.800 kWh", "0,6 Jahre")
    assert first.savings_m3 == "–" and first.savings_t_co2.endswith(" t")
    without_savings = [r for r, v in zip(programme.rows, measures.measures, strict=True)
                       if not v.measure.savings_eur_per_year]
    assert without_savings and all(r.payback == "–" for r in without_savings)
    total = measures.total
    assert programme.total.title == "Gesamt"
    assert programme.total.investment == f"{int(total.investment_eur):,} €".replace(",", ".")
    assert programme.factor_note and "CO₂" in programme.factor_note
    # the indicators: the three newest years, the balance of the newest one
    indicators = data.indicators
    assert indicators is not None and indicators.years == tuple(str(y) for y in demo["result"].figure_years[-3:])
    assert indicators.core[0].label == "Gesamter Energieverbrauch" and len(indicators.core[0].values) == 3
    assert indicators.balance and indicators.balance_year == indicators.years[-1]
    assert indicators.balance_total.endswith(" t") and indicators.balance_by_scope[0][0] == "Scope 1"


def test_english_report_has_english_labels_numbers_and_dates(services, demo) -> None:  # type: ignore[no-untyped-def]
    data = _data(services, demo, lang="en")
    assert i18n.get_language() == "de"  # the window's language is not touched
    assert data.lang == "en" and data.title.startswith("Audit report – ")
    assert data.summary.verdict == "major nonconformity"
    assert [c.label for c in data.summary.finding_counts][:2] == ["Major nonconformity", "Minor nonconformity"]
    assert data.findings[-1].status == "in progress" and data.cover.audit_kind == "Surveillance audit"
    assert data.programme is not None and data.programme.rows[0].investment == "€1,200"
    assert data.programme.rows[0].payback == "0.6 years" and data.programme.total.title == "Total"
    audit = services.audits.get(demo["audit_id"])
    assert data.cover.dates == f"{audit.start_date.day} {audit.start_date.strftime('%b %Y')}"
    assert data.generated == "12 Mar 2026 " + WHEN.astimezone().strftime("%H:%M")
    assert data.checklist[0].title == "Context of the organization"
    assert data.signatures[0].role == "Lead auditor"
    photo = data.photos[0]
    assert photo.location == "51.2500° N, 9.5000° E" and photo.taken == "12 Mar 2026 " + \
        datetime(2026, 3, 12, 9, 30, tzinfo=UTC).astimezone().strftime("%H:%M") + ", imported later"


def test_only_nonconformities_keeps_only_minor_and_major_items(services, demo) -> None:  # type: ignore[no-untyped-def]
    data = _data(services, demo, only_nonconformities=True)
    rows = [(section.ref, row.ref, row.rating_key) for section in data.checklist for row in section.rows]
    assert [(ref, rating) for _s, ref, rating in rows] == [("6.1.2", "minor_nc"), ("8.1", "major_nc")]
    assert [s.ref for s in data.checklist] == ["6", "6.1", "8"]  # the sections leading to them, nothing else
    assert len(data.findings) == 4 and data.summary.total == 32  # the rest of the report stays complete


def test_photos_come_from_the_previews_never_from_the_originals(services, demo, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    opened: list[str] = []

    def forbidden(self, sha256: str):  # type: ignore[no-untyped-def]
        opened.append(sha256)
        raise AssertionError("the original was read")

    monkeypatch.setattr(BlobStore, "open", forbidden)
    monkeypatch.setattr(BlobStore, "read", forbidden)
    seen: list[tuple[int, int, str]] = []
    data = services.reports.data(demo["audit_id"], ReportOptions(photo_size=PhotoSize.SMALL), generated_at=WHEN,
                                 progress=lambda *a: seen.append(a))
    assert opened == []
    evidence = {e.id: e for e in services.evidence.list(demo["audit_id"])}
    ids = demo["evidence"]
    # photos only (the PDF is not printed), in gallery order
    assert [p.number for p in data.photos] == [1, 2, 3, 4]
    assert [p.caption for p in data.photos] == ["IBC ohne Auffangwanne", "02_ibc.jpg", "03_kessel.jpg",
                                                "04_kompressor.png"]
    assert seen[-1] == (4, 4, "04_kompressor.png") and [s[0] for s in seen] == [0, 1, 2, 3, 4]
    plain, annotated = data.photos[0], data.photos[1]
    assert plain.path == services.evidence.preview(evidence[ids[0]])  # the preview itself
    assert annotated.path.parent.parent.name == "renders" and annotated.path.is_file()
    for p in data.photos:
        with Image.open(p.path) as image:
            assert image.format == "JPEG" and image.size == (p.width_px, p.height_px)
            assert max(image.size) <= PHOTO_PIXELS[PhotoSize.SMALL]
            assert not image.getexif()  # no position, no camera
    with Image.open(annotated.path) as image:  # the redaction is burnt in
        assert image.convert("RGB").getpixel((int(0.75 * image.width), int(0.2 * image.height))) == (0, 0, 0)
    assert plain.refers_to == "8.1 Betriebliche Planung und Steuerung; F-4"
    assert data.photos[1].refers_to == "6.1.2 Umweltaspekte" and data.photos[2].refers_to == ""
    measures = [v.measure.id for v in services.measures.programme(demo["audit_id"]).measures]
    assert data.photos[3].refers_to == f"M-{measures.index(demo['measure'].id) + 1}"
    # the position: shown unless hidden
    assert plain.location == "51,2500° N, 9,5000° O" and data.photos[2].location == ""
    assert plain.taken.startswith("12.03.2026 ")


def test_a_large_preview_is_scaled_down_and_cached(services, demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    big = photo(tmp_path / "gross.jpg", size=(2000, 1500))
    (evidence_id,) = services.evidence.import_files(demo["audit_id"], [big], workers=0).evidence_ids
    evidence = services.evidence.get(evidence_id)
    path, width, height = services.evidence.report_image(evidence, 800)
    assert (width, height) == (800, 600) and path != services.evidence.preview(evidence)
    assert services.evidence.report_image(evidence, 800) == (path, 800, 600)  # from the cache
    preview = services.evidence.report_image(evidence, 2000)
    assert preview[0] == services.evidence.preview(evidence)


def test_renderings_of_the_preview_have_keys_of_their_own() -> None:
    from oekoaudit.evidence import render

    shapes = [Shape(ShapeKind.ARROW, ((0.1, 0.9), (0.5, 0.5)))]
    original = render.rendering_key(shapes, 1200)
    assert render.rendering_key(shapes, 1200, render.ORIGINAL) == original  # cached renderings stay valid
    assert render.rendering_key(shapes, 1200, render.PREVIEW) != original


def test_a_preview_is_decoded_at_a_dct_scale_when_that_is_close_enough() -> None:
    import io

    from oekoaudit.evidence import render

    buffer = io.BytesIO()
    Image.new("RGB", (2000, 1500), (90, 120, 30)).save(buffer, "JPEG", quality=85)
    jpeg = buffer.getvalue()
    assert render.render_jpeg_sized(jpeg, [], 1200)[1] == (1200, 900)
    data, size = render.render_jpeg_sized(jpeg, [], 1200, slack=1.25)
    assert size == (1000, 750) and Image.open(io.BytesIO(data)).size == (1000, 750)
    assert render.render_jpeg_sized(jpeg, [], 1600, slack=1.25)[1] == (1600, 1200)  # 1000 is too small
    assert render.render_jpeg_sized(jpeg, [], 800, slack=1.25)[1] == (800, 600)


def test_without_photos_nothing_is_prepared_and_no_photo_is_referred_to(services, demo, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(type(services.evidence), "report_image", lambda *a: pytest.fail("photo prepared"))
    data = _data(services, demo, parts=ALL_PARTS - {Part.PHOTOS})
    assert data.photos == () and all(not f.photos for f in data.findings)
    assert all(not row.photos for section in data.checklist for row in section.rows)


def test_the_same_data_gives_the_same_report_data_and_its_fingerprint(services, demo) -> None:  # type: ignore[no-untyped-def]
    first = _data(services, demo)
    assert _data(services, demo) == first
    assert first.fingerprint == services.reports.fingerprint(demo["audit_id"]) and len(first.fingerprint) == 64
    assert _data(services, demo, lang="en").fingerprint == first.fingerprint  # the data has no language
    services.audits.answer(demo["audit_id"], "9.1.1", "conform", "Messplan liegt vor")
    changed = _data(services, demo)
    assert changed.fingerprint != first.fingerprint
    services.evidence.set_annotations(demo["evidence"][0], [Shape(ShapeKind.MARKER, ((0.5, 0.5),), number=1)])
    assert services.reports.fingerprint(demo["audit_id"]) != changed.fingerprint


def test_a_closed_audit_is_no_draft_and_carries_its_signatures(services, demo) -> None:  # type: ignore[no-untyped-def]
    previous = demo["result"].previous_audit_id
    data = services.reports.data(previous, generated_at=WHEN)
    assert not data.draft and data.signatures and all(s.date for s in data.signatures)
    assert data.cover.status == "abgeschlossen"


def test_an_audit_without_figures_or_measures_has_neither_part(services, audit) -> None:  # type: ignore[no-untyped-def]
    data = services.reports.data(audit.id, generated_at=WHEN)
    assert data.programme is None and data.indicators is None and data.photos == ()
    assert data.findings == () and [c.count for c in data.summary.finding_counts] == [0] * 5


def test_the_logo_is_taken_from_the_options_or_the_settings_and_a_missing_one_is_left_out(
        services, demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    update_settings(services.data_dir, logo="profile/logo.png")
    assert _data(services, demo).cover.logo is None  # set but missing: no logo, no error
    logo = services.data_dir / "profile" / "logo.png"
    logo.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (40, 20), (0, 90, 60)).save(logo)
    assert _data(services, demo).cover.logo == logo
    other = tmp_path / "anderes.png"
    Image.new("RGB", (40, 20), (0, 0, 90)).save(other)
    assert _data(services, demo, logo=other).cover.logo == other
    assert _data(services, demo, logo=tmp_path / "fehlt.png").cover.logo is None


def test_cancel_while_photos_are_prepared_raises_and_writes_nothing(services, demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 2

    target = tmp_path / "out" / "bericht.pdf"
    target.parent.mkdir()
    with pytest.raises(ReportCancelled):
        services.reports.generate(demo["audit_id"], target, cancelled=cancelled)
    assert list(target.parent.iterdir()) == []


def test_formatter_writes_numbers_and_dates_per_language() -> None:
    de, en = Formatter("de"), Formatter("en")
    assert de.number(Decimal("1234.5"), 1) == "1.234,5" and en.number(Decimal("1234.5"), 1) == "1,234.5"
    assert de.number(Decimal("0.0449")) == "0,045" and de.number(None) == "–"
    assert de.number(Decimal("-0.0001"), 1) == "0,0"
    assert de.money(Decimal("58900")) == "58.900 €" and en.money(58900) == "€58,900"
    assert de.day(datetime(2026, 3, 12).date()) == "12.03.2026" and en.day(datetime(2026, 3, 12).date()) == \
        "12 Mar 2026"
    assert de.span(datetime(2026, 3, 12).date(), datetime(2026, 3, 13).date()) == "12.03.2026 – 13.03.2026"
    assert de.position(-33.5, -70.25) == "33,5000° S, 70,2500° W"


# ---- the PDF file -------------------------------------------------------------------------------------


@pytest.fixture
def fake_render(monkeypatch):  # type: ignore[no-untyped-def]
    """A stand-in for the report layer's render_pdf: writes a little, then does what the test says."""
    behaviour: dict[str, Any] = {"cancel": False, "error": None}

    def render_pdf(data, target, *, invariant=True, progress=None, cancelled=None):  # type: ignore[no-untyped-def]
        target.write(b"%PDF-1.4\n" + data.fingerprint.encode())
        if behaviour["cancel"]:
            raise ReportCancelled()
        if behaviour["error"] is not None:
            raise behaviour["error"]
        return RenderResult(pages=3, size=0)

    module = types.ModuleType("oekoaudit.report.render")
    module.render_pdf = render_pdf  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "oekoaudit.report.render", module)
    return behaviour


def test_generate_writes_the_file_atomically(services, demo, tmp_path: Path, fake_render) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "berichte" / "bericht.pdf"
    target.parent.mkdir()
    report = services.reports.generate(demo["audit_id"], target, generated_at=WHEN)
    assert report.path == target and report.pages == 3 and report.size == target.stat().st_size
    assert report.photos == 4 and report.lang == "de" and report.document_id.startswith("OA-")
    assert target.read_bytes() == b"%PDF-1.4\n" + report.fingerprint.encode()
    assert list(target.parent.iterdir()) == [target]


@pytest.mark.parametrize("failure", ["cancel", "error"])
def test_a_cancelled_or_failed_render_leaves_the_old_file_and_no_temporary_one(
        services, demo, tmp_path: Path, fake_render, failure: str) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "bericht.pdf"
    target.write_bytes(b"old report")
    if failure == "cancel":
        fake_render["cancel"] = True
        with pytest.raises(ReportCancelled):
            services.reports.generate(demo["audit_id"], target)
    else:
        fake_render["error"] = OSError(28, "No space left on device")
        with pytest.raises(OekoauditError) as caught:
            services.reports.generate(demo["audit_id"], target)
        assert "bericht.pdf" in i18n.describe(caught.value)
    assert target.read_bytes() == b"old report" and [p.name for p in tmp_path.iterdir() if p.is_file()] == \
        ["bericht.pdf"]


def test_a_target_in_a_missing_folder_or_a_folder_is_refused_in_german(services, demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UserInputError) as caught:
        services.reports.generate(demo["audit_id"], tmp_path / "fehlt" / "bericht.pdf")
    assert i18n.describe(caught.value) == f"Der Ordner {tmp_path / 'fehlt'} existiert nicht."
    with pytest.raises(UserInputError):
        services.reports.generate(demo["audit_id"], tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "fotos"]  # nothing written


# ---- with the real report layer -------------------------------------------------------------------------


def _pdf_text(path: Path) -> tuple[int, str]:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_shows_every_finding_and_the_programme(services, demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("oekoaudit.report.render")
    target = tmp_path / "bericht.pdf"
    report = services.reports.generate(demo["audit_id"], target, generated_at=WHEN)
    pages, text = _pdf_text(target)
    assert pages == report.pages > 1 and report.size == target.stat().st_size
    flat = " ".join(text.split())
    for finding in services.audits.findings(demo["audit_id"]):
        assert " ".join(finding.statement.split())[:40] in flat
    assert "Druckluftleckagen beseitigen" in flat and report.document_id in flat
    # the prepared photos pass through byte for byte, nothing ASCII85-encoded
    pdf = target.read_bytes()
    data = _data(services, demo)
    assert report.photos == len(data.photos) == 4
    assert all(p.path.read_bytes() in pdf for p in data.photos) and b"/ASCII85Decode" not in pdf
    again = tmp_path / "nochmal.pdf"
    services.reports.generate(demo["audit_id"], again, generated_at=WHEN)
    assert again.read_bytes() == target.read_bytes()  # deterministic
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".part" or p.name.startswith(".")) == []


def test_the_pdf_in_english(services, demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("oekoaudit.report.render")
    target = tmp_path / "report.pdf"
    report = services.reports.generate(demo["audit_id"], target, ReportOptions(lang="en"), generated_at=WHEN)
    _pages, text = _pdf_text(target)
    assert report.lang == "en" and "major nonconformity" in " ".join(text.split()).lower()


def test_cancel_while_rendering_leaves_nothing(services, demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("oekoaudit.report.render")
    rendering = {"photos_done": False, "calls": 0}

    def progress(done: int, total: int, what: str) -> None:
        rendering["calls"] += 1

    def cancelled() -> bool:  # only after the photos, while the PDF is being made
        return rendering["calls"] > 6

    target = tmp_path / "bericht.pdf"
    with pytest.raises(ReportCancelled):
        services.reports.generate(demo["audit_id"], target, progress=progress, cancelled=cancelled)
    assert [p for p in tmp_path.iterdir() if p.is_file()] == []


def test_replace_keeps_report_data_frozen(services, demo) -> None:  # type: ignore[no-untyped-def]
    data = _data(services, demo)
    assert replace(data, draft=False).draft is False and data.draft is True


@pytest.mark.parametrize("progressive", [False, True])
def test_the_size_of_a_cached_jpeg_is_read_from_its_frame_header(tmp_path: Path, progressive: bool) -> None:
    from io import BytesIO

    from PIL import Image

    from oekoaudit.evidence.imaging import jpeg_size

    buffer = BytesIO()
    Image.new("RGB", (1203, 677), (40, 90, 120)).save(buffer, "JPEG", quality=80, progressive=progressive)
    jpeg = tmp_path / "a.jpg"
    jpeg.write_bytes(buffer.getvalue())
    assert jpeg_size(jpeg) == (1203, 677)
    png = tmp_path / "b.jpg"
    Image.new("RGB", (10, 10)).save(png, "PNG")
    assert jpeg_size(png) is None
    assert jpeg_size(tmp_path / "missing.jpg") is None
    truncated = tmp_path / "c.jpg"
    truncated.write_bytes(buffer.getvalue()[:6])
    assert jpeg_size(truncated) is None
