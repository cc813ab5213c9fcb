"""``oekoaudit report``: exit codes, the --json keys, the languages, and a PDF that pypdf reads."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

from tests.cli.test_cli import run
from tests.services.test_evidence import photo

REPORT_KEYS = {"path", "pages", "size", "fingerprint", "document_id", "lang", "photos"}


def _cli(capsys, data_dir: Path, *argv: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    return run(capsys, "--data-dir", str(data_dir), *argv)


@pytest.fixture
def demo(capsys, data_dir: Path, tmp_path: Path) -> dict:  # type: ignore[no-untyped-def]
    code, out, err = _cli(capsys, data_dir, "demo", "--json")
    assert code == 0, err
    created = json.loads(out)
    folder = tmp_path / "Rundgang"
    photo(folder / "01_lager.jpg", (210, 30, 30), size=(320, 240))
    photo(folder / "02_fass.jpg", (30, 150, 30), size=(320, 240))
    code, _out, err = _cli(capsys, data_dir, "photos", "add", created["audit"]["id"], str(folder), "--item", "8.1")
    assert code == 0, err
    return created


def _pages(path: Path) -> tuple[int, str]:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    return len(reader.pages), " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_report_writes_a_pdf_and_prints_its_facts_as_json(capsys, data_dir: Path, demo: dict,  # type: ignore[no-untyped-def]
                                                          tmp_path: Path) -> None:
    pytest.importorskip("oekoaudit.report.render")
    target = tmp_path / "bericht.pdf"
    code, out, err = _cli(capsys, data_dir, "report", demo["audit"]["id"][:8], "-o", str(target), "--json")
    assert code == 0, err
    facts = json.loads(out)
    assert set(facts) == REPORT_KEYS
    assert facts["path"] == str(target) and facts["lang"] == "de" and facts["photos"] == 2
    assert facts["size"] == target.stat().st_size and len(facts["fingerprint"]) == 64
    assert facts["document_id"].startswith("OA-") and demo["audit"]["id"][:8].upper() in facts["document_id"]
    pages, text = _pages(target)
    assert pages == facts["pages"] > 1
    code, out, _err = _cli(capsys, data_dir, "findings", "list", demo["audit"]["id"], "--json")
    for finding in json.loads(out):  # every finding of the demo is in the PDF
        assert " ".join(finding["statement"].split())[:40] in text
    assert "Muster Metallbau GmbH" in text and facts["document_id"] in text
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_report_in_english_without_photos(capsys, data_dir: Path, demo: dict, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("oekoaudit.report.render")
    target = tmp_path / "report.pdf"
    code, out, err = _cli(capsys, data_dir, "--lang", "en", "report", demo["audit"]["id"], "-o", str(target),
                          "--no-photos", "--only-nonconformities", "--photo-size", "large", "--json")
    assert code == 0, err
    facts = json.loads(out)
    assert facts["lang"] == "en" and facts["photos"] == 0
    _pages_count, text = _pages(target)
    assert "major nonconformity" in text.lower()
    code, out, err = _cli(capsys, data_dir, "--lang", "en", "report", demo["audit"]["id"], "-o", str(target))
    assert code == 0 and out.startswith(f"Report written to {target}: ") and out.rstrip().endswith(".")


def test_report_errors_exit_1_and_write_nothing(capsys, data_dir: Path, demo: dict, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "bericht.pdf"
    code, out, err = _cli(capsys, data_dir, "report", "zzzzzzzz", "-o", str(target))
    assert (code, out, err) == (1, "", "Fehler: Es gibt kein Audit zzzzzzzz.\n")
    code, out, err = _cli(capsys, data_dir, "report", demo["audit"]["id"], "-o", str(tmp_path / "fehlt" / "b.pdf"))
    assert code == 1 and err == f"Fehler: Der Ordner {tmp_path / 'fehlt'} existiert nicht.\n"
    assert not target.exists()
    # usage errors
    assert _cli(capsys, data_dir, "report", demo["audit"]["id"])[0] == 2  # -o is required
    assert _cli(capsys, data_dir, "report", demo["audit"]["id"], "-o", str(target), "--photo-size", "huge")[0] == 2


def test_ctrl_c_cancels_the_report_cleanly_with_130(capsys, data_dir: Path, demo: dict, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from oekoaudit.services.evidence import EvidenceService

    real = EvidenceService.report_image

    def prepare_then_interrupt(self, evidence, max_px):  # type: ignore[no-untyped-def]
        result = real(self, evidence, max_px)
        os.kill(os.getpid(), signal.SIGINT)  # the user presses Ctrl+C while the photos are prepared
        return result

    monkeypatch.setattr(EvidenceService, "report_image", prepare_then_interrupt)
    monkeypatch.setattr(EvidenceService, "cached_report_image", lambda self, evidence, max_px: None)
    handler = signal.getsignal(signal.SIGINT)
    target = tmp_path / "bericht.pdf"
    code, out, err = _cli(capsys, data_dir, "--lang", "en", "report", demo["audit"]["id"], "-o", str(target))
    assert code == 130 and err.endswith("Cancelled.\n") and out == ""
    assert signal.getsignal(signal.SIGINT) is handler  # the handler is given back
    assert [p for p in tmp_path.iterdir() if p.is_file()] == []
