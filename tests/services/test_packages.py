"""PackageService: what an export carries, atomic writing and cancel, photos without their
position, texts that travel as typed, the review store, and the golden package of format 1."""

from __future__ import annotations

import threading
import zipfile
from pathlib import Path

import pytest

from oekoaudit.errors import PackageCancelled, ReadOnlyError
from oekoaudit.services import open_services
from oekoaudit.services.packages import open_review
from tests.services.test_evidence import _gps_of, photo

GOLDEN = Path(__file__).resolve().parents[1] / "fixtures" / "packages"


def _members(package: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(package) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def test_the_package_carries_the_audit_with_its_report_fingerprint(services, audit, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    services.audits.answer(audit.id, "4.1", "conform", "Zeile eins\x0bZeile zwei (aus Word) – Ümlaute ✓")
    result = services.packages.export([audit.id[:6]], tmp_path / "a.oekoaudit")
    assert result.audits[0]["fingerprint"] == services.reports.fingerprint(audit.id)
    names = set(_members(result.path))
    assert {"mimetype", "manifest.json", f"audits/{audit.id}.json"} <= names
    assert any(n.startswith("catalogues/") for n in names)
    with open_services(tmp_path / "other") as other:
        summary = other.packages.import_package(result.path)
        assert summary["imported"] and summary["conflicts"] == 0
        note = other.audits.detail(audit.id).answers["4.1"].note
        assert note == "Zeile eins\x0bZeile zwei (aus Word) – Ümlaute ✓"  # the text travels as typed
        assert other.reports.fingerprint(audit.id) == result.audits[0]["fingerprint"]


def test_cancelled_export_leaves_no_file_and_keeps_an_existing_one(services, audit, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "a.oekoaudit"
    target.write_bytes(b"the previous package")
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(PackageCancelled):
        services.packages.export([audit.id], target, cancel=cancel)
    assert target.read_bytes() == b"the previous package"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.oekoaudit", "data"]


def test_without_location_the_photos_travel_without_gps(services, audit, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    picture = photo(tmp_path / "dach.jpg", gps=(52.52, 13.4))
    services.evidence.import_files(audit.id, [picture])
    [original] = services.evidence.list(audit.id)
    assert original.location is not None
    result = services.packages.export([audit.id], tmp_path / "ohne.oekoaudit", without_location=True)
    assert result.location_removed
    blobs = {n: d for n, d in _members(result.path).items() if n.startswith("blobs/")}
    assert len(blobs) == 1 and _gps_of(next(iter(blobs.values()))) == {}
    with open_services(tmp_path / "other") as other:
        other.packages.import_package(result.path)
        [copy] = other.evidence.list(audit.id)
        assert copy.location is None and copy.sha256 != original.sha256
    # coming back, the copy without position never replaces the original here
    with open_services(tmp_path / "other") as other:
        other.audits.answer(audit.id, "4.1", "conform", "vor Ort ergänzt")
        other.packages.export([audit.id], tmp_path / "zurueck.oekoaudit")
    summary = services.packages.import_package(tmp_path / "zurueck.oekoaudit")
    assert summary["conflicts"] == 0
    [kept] = services.evidence.list(audit.id)
    assert kept.sha256 == original.sha256 and kept.location == original.location
    assert services.audits.detail(audit.id).answers["4.1"].note == "vor Ort ergänzt"


def test_the_review_store_is_sealed_and_the_users_store_untouched(services, audit, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = services.packages.export([audit.id], tmp_path / "a.oekoaudit")
    review = open_review(result.path)
    try:
        assert review.audit_ids == (audit.id,) and review.verification.ok
        detail = review.services.audits.detail(audit.id)
        assert detail.audit.review and detail.audit.read_only
        assert review.services.reports.fingerprint(audit.id) == result.audits[0]["fingerprint"]
        with pytest.raises(ReadOnlyError):
            review.services.audits.answer(audit.id, "4.1", "conform", "nein")
        assert not str(review.folder).startswith(str(services.data_dir))
    finally:
        review.close()
    assert not review.folder.exists()


def test_the_golden_package_of_format_1_imports(tmp_path: Path) -> None:
    """Every package format ever written stays importable (docs/package-format.md, Versions)."""
    golden = sorted(GOLDEN.glob("v*.oekoaudit"))
    assert [p.name for p in golden] == ["v1.oekoaudit"]
    with open_services(tmp_path / "data") as services:
        for package in golden:
            assert services.packages.verify(package).ok
            summary = services.packages.import_package(package)
            assert summary["imported"] and summary["audits"][0]["title"] == "Golden package, format 1"
            audit_id = summary["audits"][0]["id"]
            detail = services.audits.detail(audit_id)
            assert detail.answers["4.1"].note == "Kontext geprüft – ok ✓"
            assert [f.statement for f in detail.findings] == ["Es gibt keinen Notfallplan."]
            assert len(services.evidence.list(audit_id)) == 1
            assert services.reports.fingerprint(audit_id) == summary["audits"][0]["fingerprint"]
