"""Evidence: import (per file, all or nothing), duplicates, targets, cancel, links, order, annotations,
renderings, export and verification — through the service, on real (small) pictures."""

from __future__ import annotations

import io
import threading
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from oekoaudit.domain.changes import Changes
from oekoaudit.domain.evidence import (
    EvidenceKind,
    ImportProgress,
    Origin,
    OutcomeStatus,
    Shape,
    ShapeKind,
    Source,
    Target,
)
from oekoaudit.errors import NotFoundError, ReadOnlyError, UserInputError
from oekoaudit.services.settings import update_settings

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def photo(path: Path, colour: tuple[int, int, int] = (200, 40, 30), size: tuple[int, int] = (96, 64),
          taken: datetime | None = None, gps: tuple[float, float] | None = None, fmt: str = "JPEG") -> Path:
    """A small picture that does not compress to nothing, with EXIF capture time and GPS if asked."""
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    for i in range(0, size[0], 7):
        draw.line([(i, 0), (size[0] - i, size[1])], fill=((colour[0] + 3 * i) % 256, colour[1], 255 - colour[2]))
    draw.rectangle([size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2], fill=(255, 255, 255))
    exif = Image.Exif()
    if taken is not None:
        exif.get_ifd(0x8769)[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S")
        exif[0x010F], exif[0x0110] = "Fotohersteller", "Modell X"
    if gps is not None:
        lat, lon = gps
        exif.get_ifd(0x8825).update({1: "N", 2: (float(int(lat)), float(round((lat % 1) * 60, 4)), 0.0),
                                     3: "E", 4: (float(int(lon)), float(round((lon % 1) * 60, 4)), 0.0)})
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, fmt, **({"exif": exif} if fmt == "JPEG" else {}))
    return path


def _gps_of(data: bytes) -> dict:  # type: ignore[type-arg]
    with Image.open(io.BytesIO(data)) as image:
        return dict(image.getexif().get_ifd(0x8825))


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "Baustelle"
    return {
        "a": photo(folder / "a_kompressor.jpg", (200, 40, 30), taken=datetime(2026, 3, 2, 10, 15)),
        "b": photo(folder / "b_fass.jpg", (30, 160, 40)),
        "c": photo(folder / "unter" / "c_container.png", (40, 60, 200), fmt="PNG"),
        "pdf": _write(folder / "Genehmigung.pdf", PDF),
    }


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _blobs(services) -> list[Path]:  # type: ignore[no-untyped-def]
    root = services.data_dir / "blobs"
    return sorted(p for p in root.glob("??/*") if p.is_file())


def _staging(services) -> list[Path]:  # type: ignore[no-untyped-def]
    staging = services.data_dir / "blobs" / ".staging"
    return sorted(staging.iterdir()) if staging.is_dir() else []


def _closed(services, audit) -> None:  # type: ignore[no-untyped-def]
    services.audits.update_plan(audit.id, scope="Werk", lead_auditor="A. Prüferin")
    for item in services.audits.detail(audit.id).checklist.items():
        services.audits.answer(audit.id, item.key, "conform")
    services.audits.close(audit.id, "A. Prüferin", "Leitende Auditorin")


# ---- import ----------------------------------------------------------------------------------


def test_a_folder_is_imported_with_metadata_previews_and_who_imported_it(services, audit, files) -> None:  # type: ignore[no-untyped-def]
    update_settings(services.data_dir, auditor_name="  Dr.  Erika Prüfer ")
    seen: list[ImportProgress] = []
    report = services.evidence.import_files(audit.id[:8], [files["a"].parent], caption=" Rundgang  Halle 2 ",
                                            progress=seen.append, workers=0)
    assert [o.status for o in report.outcomes] == [OutcomeStatus.IMPORTED] * 4 and not report.cancelled
    assert [(p.done, p.total) for p in seen] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    listed = services.evidence.list(audit.id)
    assert [e.id for e in listed] == list(report.evidence_ids)  # gallery order = import order
    by_name = {e.original_name: e for e in listed}
    assert set(by_name) == {"a_kompressor.jpg", "b_fass.jpg", "c_container.png", "Genehmigung.pdf"}
    a, pdf = by_name["a_kompressor.jpg"], by_name["Genehmigung.pdf"]
    assert (a.kind, a.media_type, a.width, a.height) == (EvidenceKind.PHOTO, "image/jpeg", 96, 64)
    assert a.captured_at is not None and a.camera == "Fotohersteller Modell X"
    assert (pdf.kind, pdf.media_type, pdf.width) == (EvidenceKind.DOCUMENT, "application/pdf", None)
    assert {e.caption for e in listed} == {"Rundgang Halle 2"}
    assert {e.imported_by for e in listed} == {"Dr. Erika Prüfer"}
    assert all(e.source is Source.FILE and e.imported_at is not None and not e.links for e in listed)
    assert [e.position for e in listed] == [0, 1, 2, 3]
    assert len(_blobs(services)) == 4 and _staging(services) == []
    for e in listed:
        assert services.evidence.original(e).read_bytes() == files[_key(e.original_name)].read_bytes()
    assert services.evidence.thumbnail(a) is not None and services.evidence.preview(a) is not None
    assert services.evidence.preview(pdf) is None
    assert services.evidence.get(a.id[:6]) == a


def _key(name: str) -> str:
    return {"a_kompressor.jpg": "a", "b_fass.jpg": "b", "c_container.png": "c", "Genehmigung.pdf": "pdf"}[name]


def test_the_os_login_name_stands_in_when_no_auditor_is_set(services, audit, files, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import getpass

    monkeypatch.setattr(getpass, "getuser", lambda: "mmuster")
    report = services.evidence.import_files(audit.id, [files["b"]], workers=0)
    assert services.evidence.get(report.evidence_ids[0]).imported_by == "mmuster"


def test_the_same_content_twice_in_an_audit_is_one_evidence_linked_to_both_targets(services, audit, files,
                                                                                   tmp_path) -> None:  # type: ignore[no-untyped-def]
    first = services.evidence.import_files(audit.id, [files["a"]], workers=0)
    copy = _write(tmp_path / "anderswo" / "IMG_0001.JPG", files["a"].read_bytes())
    again = services.evidence.import_files(audit.id, [copy, files["a"]], target=Target.item("6.1.2"), workers=0)
    assert [o.status for o in again.outcomes] == [OutcomeStatus.DUPLICATE, OutcomeStatus.DUPLICATE]
    assert set(again.evidence_ids) == set(first.evidence_ids)
    (only,) = services.evidence.list(audit.id)
    assert only.original_name == "a_kompressor.jpg" and [link.target for link in only.links] == [Target.item("6.1.2")]
    assert len(_blobs(services)) == 1 and _staging(services) == []


def test_the_same_content_in_another_audit_is_new_evidence_over_the_same_blob(services, audit, files) -> None:  # type: ignore[no-untyped-def]
    other = services.audits.create(services.organisations.create("Zweitbetrieb AG").id, "iso14001-2015")
    one = services.evidence.import_files(audit.id, [files["b"]], workers=0).evidence_ids[0]
    two = services.evidence.import_files(other.id, [files["b"]], workers=0)
    assert two.outcomes[0].status is OutcomeStatus.IMPORTED and two.evidence_ids[0] != one
    assert services.evidence.get(one).sha256 == services.evidence.get(two.evidence_ids[0]).sha256
    assert len(_blobs(services)) == 1
    assert [e.id for e in services.evidence.list(other.id)] == list(two.evidence_ids)


def test_every_kind_of_target(services, audit, files) -> None:  # type: ignore[no-untyped-def]
    finding = services.audits.add_finding(audit.id, "minor_nc", "Fass ohne Kennzeichnung", item_key="8.1")
    measure = services.measures.create(audit.organisation_id, "Auffangwanne beschaffen", audit_id=audit.id)
    assert "6.1.2" not in services.audits.detail(audit.id).answers
    item = services.evidence.import_files(audit.id, [files["a"]], target=Target.item("6.1.2"), workers=0)
    on_finding = services.evidence.import_files(audit.id, [files["b"]], target=Target.finding(finding.id[:6]),
                                                workers=0)
    on_measure = services.evidence.import_files(audit.id, [files["pdf"]], target=Target.measure(measure.id[:5]),
                                                workers=0)
    answer = services.audits.detail(audit.id).answers["6.1.2"]
    assert answer.result == "open"  # an item without an answer gets an open one to carry the link
    assert [e.id for e in services.evidence.list(audit.id, Target.item("6.1.2"))] == list(item.evidence_ids)
    assert [e.id for e in services.evidence.list(audit.id, Target.finding(finding.id))] == \
        list(on_finding.evidence_ids)
    assert [e.id for e in services.evidence.list(audit.id, Target.measure(measure.id))] == \
        list(on_measure.evidence_ids)
    labelled = services.evidence.get(item.evidence_ids[0]).links[0]
    assert labelled.target == Target.item("6.1.2") and labelled.label.startswith("6.1.2 ")
    assert services.evidence.get(on_finding.evidence_ids[0]).links[0].label == "Fass ohne Kennzeichnung"
    assert services.evidence.get(on_measure.evidence_ids[0]).links[0].label == "Auffangwanne beschaffen"
    # an item by its reference in a checklist with modules: the legal register's keys
    services.audits.add_module(audit.id, "rechtskataster-2026")
    linked = services.evidence.link(item.evidence_ids[0], Target.item("rk.abfall.1"))
    assert Target.item("rk.abfall.1") in [link.target for link in linked.links]


def test_unknown_targets_are_refused_before_anything_is_stored(services, audit, files) -> None:  # type: ignore[no-untyped-def]
    other_org = services.organisations.create("Fremd GmbH")
    other = services.audits.create(other_org.id, "iso14001-2015")
    foreign_finding = services.audits.add_finding(other.id, "observation", "anderswo")
    foreign_measure = services.measures.create(other_org.id, "fremde Maßnahme")
    for target, error in [(Target.item("9.99"), NotFoundError), (Target.finding(foreign_finding.id), NotFoundError),
                          (Target.measure(foreign_measure.id), NotFoundError),
                          (Target.finding("0000"), NotFoundError), (Target.finding("ab"), UserInputError)]:
        with pytest.raises(error):
            services.evidence.import_files(audit.id, [files["a"]], target=target, workers=0)
    assert services.evidence.list(audit.id) == [] and _blobs(services) == [] and _staging(services) == []


def test_a_closed_audit_refuses_evidence_changes(services, audit, files) -> None:  # type: ignore[no-untyped-def]
    evidence_id = services.evidence.import_files(audit.id, [files["a"]], workers=0).evidence_ids[0]
    _closed(services, audit)
    with pytest.raises(ReadOnlyError):
        services.evidence.import_files(audit.id, [files["b"]], workers=0)
    with pytest.raises(ReadOnlyError):
        services.evidence.import_bytes(audit.id, files["b"].read_bytes(), "b.jpg")
    for change in (lambda: services.evidence.set_caption(evidence_id, "neu"),
                   lambda: services.evidence.link(evidence_id, Target.item("4.1")),
                   lambda: services.evidence.delete(evidence_id),
                   lambda: services.evidence.reorder(audit.id, [evidence_id]),
                   lambda: services.evidence.set_annotations(evidence_id, []),
                   lambda: services.evidence.set_hide_location(evidence_id, True)):
        with pytest.raises(ReadOnlyError):
            change()
    assert len(_blobs(services)) == 1 and [e.id for e in services.evidence.list(audit.id)] == [evidence_id]
    assert services.evidence.rendering(evidence_id).is_file()  # reading still works


def test_cancel_keeps_what_was_stored_and_discards_the_rest(services, audit, files) -> None:  # type: ignore[no-untyped-def]
    cancel = threading.Event()

    def progress(p: ImportProgress) -> None:
        cancel.set()  # after the first file

    report = services.evidence.import_files(audit.id, [files["a"], files["b"], files["c"]], progress=progress,
                                            cancel=cancel, workers=0)
    assert report.cancelled
    assert [o.status for o in report.outcomes] == [OutcomeStatus.IMPORTED, OutcomeStatus.CANCELLED,
                                                   OutcomeStatus.CANCELLED]
    assert [o.path for o in report.outcomes] == [str(files["a"]), str(files["b"]), str(files["c"])]
    assert len(services.evidence.list(audit.id)) == 1 and len(_blobs(services)) == 1 and _staging(services) == []


def test_a_database_failure_fails_that_file_only_and_leaves_nothing_of_it(services, audit, files,
                                                                          monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy.exc import OperationalError

    from oekoaudit.storage.repositories import Repository

    real = Repository.add_evidence

    def add_evidence(self, audit_id, **fields):  # type: ignore[no-untyped-def]
        if fields["original_name"] == "b_fass.jpg":
            raise OperationalError("INSERT INTO evidence", {}, Exception("disk I/O error"))
        return real(self, audit_id, **fields)

    monkeypatch.setattr(Repository, "add_evidence", add_evidence)
    report = services.evidence.import_files(audit.id, [files["a"], files["b"], files["c"]], workers=0)
    assert [o.status for o in report.outcomes] == [OutcomeStatus.IMPORTED, OutcomeStatus.FAILED,
                                                   OutcomeStatus.IMPORTED]
    failed = report.failed[0]
    assert failed.template and "disk" in failed.english()
    assert sorted(e.original_name for e in services.evidence.list(audit.id)) == ["a_kompressor.jpg",
                                                                                "c_container.png"]
    assert len(_blobs(services)) == 2 and _staging(services) == []


def test_a_failed_commit_takes_the_new_blob_back(services, audit, files, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Even when the database refuses only at COMMIT (after the blob was moved into place)."""
    from sqlalchemy.orm import Session

    def commit(self) -> None:  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Session, "commit", commit)
    report = services.evidence.import_files(audit.id, [files["a"]], workers=0)
    monkeypatch.undo()
    assert report.outcomes[0].status is OutcomeStatus.FAILED
    assert services.evidence.list(audit.id) == [] and _blobs(services) == [] and _staging(services) == []


def test_bad_files_fail_one_by_one(services, audit, files, tmp_path) -> None:  # type: ignore[no-untyped-def]
    empty = _write(tmp_path / "leer.jpg", b"")
    fake = _write(tmp_path / "kein_bild.jpg", b"this is text, not a picture\n" * 10)
    report = services.evidence.import_files(audit.id, [empty, files["a"], fake, tmp_path / "weg.jpg"], workers=0)
    assert [o.status for o in report.outcomes] == [OutcomeStatus.FAILED, OutcomeStatus.IMPORTED,
                                                   OutcomeStatus.FAILED, OutcomeStatus.FAILED]
    assert all(o.template and "{" not in o.english() for o in report.failed)
    assert len(services.evidence.list(audit.id)) == 1 and len(_blobs(services)) == 1 and _staging(services) == []


def test_the_default_worker_pool_imports_in_order(services, audit, files) -> None:  # type: ignore[no-untyped-def]
    paths = [files["c"], files["a"], files["pdf"], files["b"]]
    report = services.evidence.import_files(audit.id, paths, target=Target.item("4.1"))
    assert [o.path for o in report.outcomes] == [str(p) for p in paths]
    assert report.count(OutcomeStatus.IMPORTED) == 4
    assert [e.original_name for e in services.evidence.list(audit.id, Target.item("4.1"))] == \
        [p.name for p in paths]
    assert len(_blobs(services)) == 4 and _staging(services) == []


def test_pasted_pictures_and_origin(services, audit, tmp_path) -> None:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 200, 90)).save(buffer, "PNG")
    outcome = services.evidence.import_bytes(audit.id, buffer.getvalue(), "Zwischenablage.png",
                                             target=Target.item("4.1"), caption="eingefügt")
    assert outcome.status is OutcomeStatus.IMPORTED
    pasted = services.evidence.get(outcome.evidence_id)
    assert (pasted.source, pasted.caption, pasted.origin) == (Source.CLIPBOARD, "eingefügt", Origin.ON_SITE)
    old = photo(tmp_path / "alt.jpg", (90, 90, 90), taken=datetime(2019, 5, 4, 12, 0))
    imported = services.evidence.import_files(audit.id, [old], workers=0).evidence_ids[0]
    assert services.evidence.get(imported).origin is Origin.IMPORTED_LATER
    services.audits.update_plan(audit.id, start_date=date(2019, 5, 3), end_date=date(2019, 5, 3))
    assert services.evidence.get(imported).origin is Origin.ON_SITE  # a day either side counts
    assert services.evidence.import_bytes(audit.id, buffer.getvalue(), "nochmal.png").status is \
        OutcomeStatus.DUPLICATE


# ---- working with evidence ------------------------------------------------------------------


def test_delete_and_restore_bring_the_links_back(services, audit, files) -> None:  # type: ignore[no-untyped-def]
    evidence_id = services.evidence.import_files(audit.id, [files["a"]], target=Target.item("4.1"),
                                                 workers=0).evidence_ids[0]
    services.evidence.link(evidence_id, Target.item("4.2"))
    services.evidence.unlink(evidence_id, Target.item("4.2"))  # unlinked before: stays unlinked
    services.evidence.delete(evidence_id)
    assert services.evidence.list(audit.id) == [] and services.evidence.list(audit.id, Target.item("4.1")) == []
    (gone,) = services.evidence.list(audit.id, include_deleted=True)
    assert gone.deleted and [link.target for link in gone.links] == [Target.item("4.1")]
    services.evidence.delete(evidence_id)  # again: nothing more happens
    services.evidence.restore(evidence_id)
    (back,) = services.evidence.list(audit.id)
    assert not back.deleted and [link.target for link in back.links] == [Target.item("4.1")]
    with pytest.raises(NotFoundError):
        services.evidence.get("ffffffff")


def test_link_and_unlink_are_idempotent(services, audit, files) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from oekoaudit.storage.orm import EvidenceLinkRecord

    finding = services.audits.add_finding(audit.id, "observation", "Lager unordentlich")
    evidence_id = services.evidence.import_files(audit.id, [files["b"]], workers=0).evidence_ids[0]
    for _ in range(2):
        linked = services.evidence.link(evidence_id[:8], Target.finding(finding.id[:8]))
    assert [link.target for link in linked.links] == [Target.finding(finding.id)]
    for _ in range(2):
        unlinked = services.evidence.unlink(evidence_id, Target.finding(finding.id))
    assert unlinked.links == ()
    assert services.evidence.unlink(evidence_id, Target.item("5.1")).links == ()  # never linked: no answer made
    assert "5.1" not in services.evidence._audits.detail(audit.id).answers
    services.evidence.link(evidence_id, Target.finding(finding.id))
    assert [e.id for e in services.evidence.list(audit.id, Target.finding(finding.id))] == [evidence_id]
    assert services.evidence.list(audit.id, unlinked=True) == []
    with services.evidence._store.read() as session:  # the old link came back rather than a second one
        assert session.scalar(select(func.count()).select_from(EvidenceLinkRecord)) == 1
    # a removed finding hides its links; its return brings them back
    services.audits.delete_finding(finding.id)
    assert services.evidence.get(evidence_id).links == ()
    services.audits.restore_finding(finding.id)
    assert len(services.evidence.get(evidence_id).links) == 1


def test_reorder_checks_that_the_evidence_belongs_to_the_audit(services, audit, files) -> None:  # type: ignore[no-untyped-def]
    a, b, c = services.evidence.import_files(audit.id, [files["a"], files["b"], files["c"]], workers=0).evidence_ids
    services.evidence.reorder(audit.id, [c, a[:8]])
    assert [e.id for e in services.evidence.list(audit.id)] == [c, a, b]
    other = services.audits.create(audit.organisation_id, "iso14001-2015")
    foreign = services.evidence.import_files(other.id, [files["pdf"]], workers=0).evidence_ids[0]
    with pytest.raises(NotFoundError):
        services.evidence.reorder(audit.id, [b, foreign])
    assert [e.id for e in services.evidence.list(audit.id)] == [c, a, b]  # unchanged
    new = services.evidence.import_files(audit.id, [files["pdf"]], workers=0).evidence_ids[0]
    assert [e.id for e in services.evidence.list(audit.id)] == [c, a, b, new]  # new ones come last


def test_annotations_round_trip_and_edit(services, audit, files) -> None:  # type: ignore[no-untyped-def]
    evidence_id = services.evidence.import_files(audit.id, [files["a"]], workers=0).evidence_ids[0]
    shapes = [Shape(ShapeKind.ARROW, ((0.1, 0.1), (0.5, 0.4))),
              Shape(ShapeKind.MARKER, ((0.7, 0.7),), number=1),
              Shape(ShapeKind.TEXT, ((0.2, 0.8),), text="Leckage Ventil 3")]
    assert services.evidence.set_annotations(evidence_id, shapes).annotations == tuple(shapes)
    reloaded = services.evidence.get(evidence_id)
    assert reloaded.annotations == tuple(shapes) and not reloaded.redacted
    edited = [*reloaded.annotations[1:], Shape(ShapeKind.REDACT_BLACK, ((0.0, 0.0), (0.3, 0.3)))]
    services.evidence.set_annotations(evidence_id, edited)
    again = services.evidence.get(evidence_id)
    assert again.annotations == tuple(edited) and again.redacted
    with pytest.raises(UserInputError):
        services.evidence.set_annotations(evidence_id, [Shape(ShapeKind.RECT, ((0.1, 0.1),))])
    document = services.evidence.import_files(audit.id, [files["pdf"]], workers=0).evidence_ids[0]
    with pytest.raises(UserInputError):
        services.evidence.set_annotations(document, shapes)


def test_captions_are_tidied_and_limited(services, audit, files) -> None:  # type: ignore[no-untyped-def]
    evidence_id = services.evidence.import_files(audit.id, [files["a"]], workers=0).evidence_ids[0]
    assert services.evidence.set_caption(evidence_id, "  Ölfleck \n unter\tPresse ").caption == "Ölfleck unter Presse"
    with pytest.raises(UserInputError):
        services.evidence.set_caption(evidence_id, "x" * 2001)
    with pytest.raises(UserInputError):
        services.evidence.import_files(audit.id, [files["b"]], caption="x" * 2001, workers=0)


def test_rendering_is_cached_and_follows_the_annotations(services, audit, files, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from oekoaudit.evidence import render

    evidence_id = services.evidence.import_files(audit.id, [files["a"]], workers=0).evidence_ids[0]
    calls = []
    real = render.render_jpeg
    monkeypatch.setattr(render, "render_jpeg", lambda *a, **k: calls.append(1) or real(*a, **k))
    first = services.evidence.rendering(evidence_id)
    assert services.evidence.rendering(evidence_id) == first and len(calls) == 1
    services.evidence.set_annotations(evidence_id, [Shape(ShapeKind.REDACT_BLACK, ((0.0, 0.0), (0.5, 0.5)))])
    second = services.evidence.rendering(evidence_id)
    assert second != first and len(calls) == 2
    with Image.open(second) as image:
        assert image.format == "JPEG" and not image.getexif()
        assert max(image.convert("L").getpixel((5, 5)), image.convert("L").getpixel((20, 10))) < 30  # blacked out
    assert services.evidence.rendering(evidence_id, max_px=32) != second
    document = services.evidence.import_files(audit.id, [files["pdf"]], workers=0).evidence_ids[0]
    with pytest.raises(UserInputError):
        services.evidence.rendering(document)


def test_hidden_location_is_removed_from_exported_originals(services, audit, tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = photo(tmp_path / "gps.jpg", (120, 30, 30), taken=datetime(2026, 3, 2, 9, 0), gps=(51.3125, 9.4875))
    evidence_id = services.evidence.import_files(audit.id, [source], workers=0).evidence_ids[0]
    located = services.evidence.get(evidence_id)
    assert located.location is not None and abs(located.location.latitude - 51.3125) < 0.001
    out = tmp_path / "export"
    out.mkdir()
    plain = services.evidence.export_copy(evidence_id, out, annotated=False)
    assert plain.read_bytes() == source.read_bytes()  # byte for byte while the position is not hidden
    assert services.evidence.set_hide_location(evidence_id, True).hide_location
    private = services.evidence.export_copy(evidence_id, out, annotated=False)
    assert private.name == "gps (2).jpg" and _gps_of(private.read_bytes()) == {}
    assert _gps_of(services.evidence.original(located).read_bytes())  # the original keeps it
    assert services.evidence.get(evidence_id).location is not None


def test_export_never_overwrites(services, audit, files, tmp_path) -> None:  # type: ignore[no-untyped-def]
    evidence_id = services.evidence.import_files(audit.id, [files["c"]], workers=0).evidence_ids[0]
    document = services.evidence.import_files(audit.id, [files["pdf"]], workers=0).evidence_ids[0]
    out = tmp_path / "export"
    out.mkdir()
    (out / "c_container.jpg").write_bytes(b"mine")
    first = services.evidence.export_copy(evidence_id, out)
    second = services.evidence.export_copy(evidence_id, out)
    assert [first.name, second.name] == ["c_container (2).jpg", "c_container (3).jpg"]
    assert (out / "c_container.jpg").read_bytes() == b"mine"
    with Image.open(first) as image:
        assert image.format == "JPEG" and image.size == (96, 64)  # full size
    assert services.evidence.export_copy(document, out).read_bytes() == PDF
    assert services.evidence.export_copy(document, out).name == "Genehmigung (2).pdf"
    with pytest.raises(UserInputError):
        services.evidence.export_copy(evidence_id, tmp_path / "nicht-da")


def test_verify_finds_missing_and_altered_originals(services, audit, files) -> None:  # type: ignore[no-untyped-def]
    a, b, c = services.evidence.import_files(audit.id, [files["a"], files["b"], files["c"]], workers=0).evidence_ids
    assert services.evidence.verify() == [] and services.evidence.verify(audit.id[:8]) == []
    altered = services.evidence.original(services.evidence.get(a))
    altered.chmod(0o644)
    altered.write_bytes(altered.read_bytes()[:-10] + b"0123456789")
    services.evidence.original(services.evidence.get(c)).unlink()
    assert sorted(services.evidence.verify(audit.id)) == sorted([(a, "altered"), (c, "missing")])


def test_thumbnails_come_back_after_the_cache_was_cleared(services, audit, files) -> None:  # type: ignore[no-untyped-def]
    import shutil

    evidence_id = services.evidence.import_files(audit.id, [files["a"], files["pdf"]], workers=0).evidence_ids[0]
    evidence = services.evidence.get(evidence_id)
    shutil.rmtree(services.data_dir / "cache")
    thumb = services.evidence.thumbnail(evidence)
    assert thumb is not None and thumb.is_file() and services.evidence.preview(evidence) is not None
    document = services.evidence.list(audit.id)[1]
    assert services.evidence.thumbnail(document) is None
    jpeg = io.BytesIO()
    Image.new("RGB", (20, 28), "white").save(jpeg, "JPEG")
    stored = services.evidence.store_thumbnail(document, jpeg.getvalue())
    assert services.evidence.thumbnail(document) == stored


def test_carry_over_copies_the_evidence_with_its_details(services, files, tmp_path) -> None:  # type: ignore[no-untyped-def]
    organisation = services.organisations.create("Folgeaudit GmbH")
    first = services.audits.create(organisation.id, "iso14001-2015", start_date=date(2026, 3, 2))
    services.audits.answer(first.id, "8.2", "minor_nc", "Feuerlöscher abgelaufen")
    source = photo(tmp_path / "loescher.jpg", (200, 0, 0), taken=datetime(2026, 3, 2, 11, 0), gps=(48.5, 9.25))
    evidence_id = services.evidence.import_files(first.id, [source], target=Target.item("8.2"),
                                                 workers=0).evidence_ids[0]
    services.evidence.set_hide_location(evidence_id, True)
    services.evidence.set_annotations(evidence_id, [Shape(ShapeKind.MARKER, ((0.5, 0.5),), number=1)])
    original = services.evidence.get(evidence_id)
    second = services.audits.create(organisation.id, "iso14001-2015", carry_from=first.id)
    (copy,) = services.evidence.list(second.id)
    assert copy.id != original.id and copy.audit_id == second.id
    for name in ("sha256", "kind", "media_type", "original_name", "size", "width", "height", "captured_at",
                 "camera", "location", "hide_location", "imported_at", "imported_by", "source", "caption",
                 "annotations"):
        assert getattr(copy, name) == getattr(original, name), name
    assert [link.target for link in copy.links] == [Target.item("8.2")]
    assert len(_blobs(services)) == 1


def test_evidence_writes_are_announced_as_evidence_changes() -> None:
    changes = Changes(evidence=True, audit_id="x")
    assert changes.evidence and not changes.answers


def test_imported_at_is_now(services, audit, files) -> None:  # type: ignore[no-untyped-def]
    before = datetime.now(UTC)
    evidence_id = services.evidence.import_files(audit.id, [files["b"]], workers=0).evidence_ids[0]
    imported_at = services.evidence.get(evidence_id).imported_at
    assert imported_at is not None and before <= imported_at <= datetime.now(UTC)
