"""Photos and documents on the command line: photos add, evidence list / show — exit codes and --json keys."""

from __future__ import annotations

import json
import os
import signal
from datetime import datetime
from pathlib import Path

import pytest

from tests.cli.test_cli import run
from tests.services.test_evidence import PDF, photo

EVIDENCE_KEYS = {"id", "sha256", "kind", "media_type", "name", "size", "width", "height", "captured_at", "camera",
                 "location", "imported_at", "imported_by", "source", "origin", "caption", "annotations", "redacted",
                 "links", "position"}


def _cli(capsys, data_dir: Path, *argv: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    return run(capsys, "--data-dir", str(data_dir), *argv)


@pytest.fixture
def audit_id(capsys, data_dir: Path) -> str:  # type: ignore[no-untyped-def]
    code, out, err = _cli(capsys, data_dir, "audit", "new", "--org", "Druckguss Nord GmbH", "--scheme",
                          "iso14001-2015", "--json")
    assert code == 0, err
    return json.loads(out)["id"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "Rundgang"
    photo(folder / "01_kompressor.jpg", (210, 30, 30), taken=datetime(2026, 3, 2, 9, 30), gps=(51.25, 9.5))
    photo(folder / "02_fass.jpg", (30, 150, 30))
    (folder / "Entsorgungsnachweis.pdf").write_bytes(PDF)
    (folder / "Thumbs.db").write_bytes(b"junk")  # never evidence
    return folder


def test_photos_add_a_folder_to_an_item_and_list_it(capsys, data_dir: Path, audit_id: str, folder: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = _cli(capsys, data_dir, "photos", "add", audit_id[:8], str(folder), "--item", "8.1",
                          "--caption", "Rundgang Halle 2", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["audit_id"] == audit_id and report["target"] == {"kind": "item", "ref": "8.1"}
    assert report["cancelled"] is False
    assert report["counts"] == {"imported": 3, "duplicate": 0, "failed": 0, "cancelled": 0}
    assert [Path(f["path"]).name for f in report["files"]] == ["01_kompressor.jpg", "02_fass.jpg",
                                                               "Entsorgungsnachweis.pdf"]
    assert all(f["status"] == "imported" and f["evidence_id"] and f["message"] is None for f in report["files"])

    code, out, _ = _cli(capsys, data_dir, "evidence", "list", audit_id[:6], "--json")
    listed = json.loads(out)
    assert code == 0 and len(listed) == 3 and all(set(e) >= EVIDENCE_KEYS for e in listed)
    first, _second, pdf = listed
    assert (first["name"], first["kind"], first["media_type"], first["width"], first["height"]) == \
        ("01_kompressor.jpg", "photo", "image/jpeg", 96, 64)
    assert first["location"]["latitude"] == pytest.approx(51.25, abs=1e-3) and first["location"]["altitude"] is None
    assert first["captured_at"].startswith("2026-03-02") and first["origin"] in ("on_site", "imported_later")
    assert first["links"][0]["kind"] == "item" and first["links"][0]["ref"] == "8.1"
    assert (first["caption"], first["annotations"], first["redacted"], first["source"]) == \
        ("Rundgang Halle 2", 0, False, "file")
    assert [e["position"] for e in listed] == [0, 1, 2]
    assert (pdf["kind"], pdf["width"], pdf["location"], pdf["captured_at"]) == ("document", None, None, None)

    code, out, _ = _cli(capsys, data_dir, "evidence", "show", first["id"][:8], "--json")
    assert code == 0 and json.loads(out) == first

    code, out, _ = _cli(capsys, data_dir, "evidence", "list", audit_id)
    assert code == 0 and "01_kompressor.jpg" in out and "Rundgang Halle 2" in out and "→ " in out
    assert "Foto" in out or "photo" in out
    code, out, _ = _cli(capsys, data_dir, "--lang", "en", "evidence", "show", first["id"])
    assert code == 0 and "SHA-256: " + first["sha256"] in out and "Linked to: checklist item 8.1" in out


def test_a_failed_file_exits_1_and_the_others_are_imported(capsys, data_dir: Path, audit_id: str, folder: Path,
                                                           tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fake = tmp_path / "kaputt.jpg"
    fake.write_text("kein Bild", encoding="utf-8")
    assert _cli(capsys, data_dir, "photos", "add", audit_id, str(folder / "02_fass.jpg"))[0] == 0
    code, out, err = _cli(capsys, data_dir, "--lang", "en", "photos", "add", audit_id, str(fake),
                          str(folder / "02_fass.jpg"), str(folder / "01_kompressor.jpg"))
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("failed: kaputt.jpg")
    assert lines[1] == f"already there: {folder / '02_fass.jpg'}"
    assert lines[2] == f"imported: {folder / '01_kompressor.jpg'}"
    assert lines[3] == "Files: 1 imported, 1 already there, 1 failed."
    assert err == ""  # no terminal: no progress
    code, out, _ = _cli(capsys, data_dir, "photos", "add", audit_id, str(fake), "--json")
    failed = json.loads(out)["files"][0]
    assert code == 1 and failed["status"] == "failed" and failed["evidence_id"] is None and "kaputt.jpg" in failed["message"]
    assert len(json.loads(_cli(capsys, data_dir, "evidence", "list", audit_id, "--json")[1])) == 2


def test_targets_finding_and_measure_and_their_errors(capsys, data_dir: Path, audit_id: str, folder: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = _cli(capsys, data_dir, "finding", "add", audit_id, "--class", "observation", "--statement",
                        "Fass ohne Etikett", "--json")
    finding_id = json.loads(out)["id"]
    code, out, _ = _cli(capsys, data_dir, "photos", "add", audit_id, str(folder / "02_fass.jpg"), "--finding",
                        finding_id[:8], "--json")
    assert code == 0 and json.loads(out)["counts"]["imported"] == 1
    shown = json.loads(_cli(capsys, data_dir, "evidence", "list", audit_id, "--json")[1])[0]
    assert shown["links"] == [{"kind": "finding", "ref": finding_id, "label": "Fass ohne Etikett"}]
    before = _cli(capsys, data_dir, "evidence", "list", audit_id, "--json")[1]
    for option, value in [("--item", "9.99"), ("--finding", "00000000"), ("--measure", "0000")]:
        code, out, err = _cli(capsys, data_dir, "photos", "add", audit_id, str(folder), option, value)
        assert code == 1 and err.startswith("Fehler: ") and err.count("\n") == 1 and out == ""
    assert _cli(capsys, data_dir, "evidence", "list", audit_id, "--json")[1] == before
    # one target at most
    assert _cli(capsys, data_dir, "photos", "add", audit_id, str(folder), "--item", "4.1", "--finding",
                finding_id)[0] == 2
    assert _cli(capsys, data_dir, "photos", "add", audit_id)[0] == 2
    assert _cli(capsys, data_dir, "evidence", "show", "zzzz")[0] == 1


def test_ctrl_c_cancels_cleanly_with_130(capsys, data_dir: Path, audit_id: str, folder: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from oekoaudit.evidence import pipeline

    real = pipeline.prepare_path

    def prepare_then_interrupt(path: str, blobs_dir: str, cache_dir: str):  # type: ignore[no-untyped-def]
        result = real(path, blobs_dir, cache_dir)
        os.kill(os.getpid(), signal.SIGINT)  # the user presses Ctrl+C while this file is being read
        return result

    monkeypatch.setattr(pipeline, "default_workers", lambda: 0)  # in this process, so the patch applies
    monkeypatch.setattr(pipeline, "prepare_path", prepare_then_interrupt)
    handler = signal.getsignal(signal.SIGINT)
    code, out, err = _cli(capsys, data_dir, "--lang", "en", "photos", "add", audit_id, str(folder), "--json")
    assert code == 130 and signal.getsignal(signal.SIGINT) is handler  # the handler is given back
    report = json.loads(out)
    assert report["cancelled"] is True
    assert report["counts"] == {"imported": 0, "duplicate": 0, "failed": 0, "cancelled": 3}
    assert "Import cancelled; 3 files were not imported." in err
    assert json.loads(_cli(capsys, data_dir, "evidence", "list", audit_id, "--json")[1]) == []
    staging = data_dir / "blobs" / ".staging"
    assert not staging.exists() or list(staging.iterdir()) == []
    assert [p for p in (data_dir / "blobs").glob("??/*")] == []


def test_evidence_list_of_an_audit_without_evidence(capsys, data_dir: Path, audit_id: str) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = _cli(capsys, data_dir, "evidence", "list", audit_id, "--json")
    assert code == 0 and json.loads(out) == []
    code, out, _ = _cli(capsys, data_dir, "--lang", "en", "evidence", "list", audit_id)
    assert code == 0 and "No photos or documents yet" in out
