"""The command line is a contract: commands, options, exit codes and --json keys."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from oekoaudit.__main__ import main


def run(capsys, *argv: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse usage errors and --help
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def demo(capsys, data_dir: Path) -> dict:  # type: ignore[no-untyped-def]
    code, out, _err = run(capsys, "--data-dir", str(data_dir), "demo", "--json")
    assert code == 0
    return json.loads(out)


def test_demo_json(demo: dict) -> None:
    assert demo["organisation"]["name"] == "Muster Metallbau GmbH"
    assert demo["audit"]["answered"] > 0
    assert {f["class"] for f in demo["findings"]} >= {"major_nc", "minor_nc"}


def test_audit_new_creates_the_organisation_and_show_lists_everything(capsys, data_dir: Path) -> None:
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "audit", "new", "--org", "Kläranlage Süd",
                       "--scheme", "iso14001-2015", "--kind", "initial", "--json")
    assert code == 0
    created = json.loads(out)
    assert created["organisation"] == {"id": created["organisation"]["id"], "name": "Kläranlage Süd", "created": True}
    assert created["kind"] == "initial" and created["catalogue"]["id"] == "iso14001-2015"
    audit_id = created["id"]

    assert run(capsys, "--data-dir", str(data_dir), "answer", audit_id[:8], "6.1.2", "major_nc",
               "--note", "Kein Register")[0] == 0
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "audit", "show", audit_id, "--json")
    shown = json.loads(out)
    assert [a["key"] for a in shown["answers"]][:3] == ["4.1", "4.2", "4.3"] and len(shown["answers"]) == 32
    answer = next(a for a in shown["answers"] if a["key"] == "6.1.2")
    assert (answer["result"], answer["note"], answer["rating"]) == ("major_nc", "Kein Register", "major_nc")
    assert shown["progress"]["answered"] == 1 and shown["progress"]["verdict"] == "major_nc"
    assert {s["key"] for s in shown["sections"]} >= {"4", "6", "6.1", "10"}

    code, out, _ = run(capsys, "--data-dir", str(data_dir), "audits", "list", "--json")
    (listed,) = json.loads(out)
    assert listed["id"] == audit_id and listed["progress"] == {"answered": 1, "total": 32, "percent": 3}

    code, out, _ = run(capsys, "--data-dir", str(data_dir), "audit", "new", "--org", "kläranlage süd",
                       "--scheme", "iso14001", "--json")
    assert json.loads(out)["organisation"]["created"] is False


def test_audit_show_text_has_answers_notes_and_findings(capsys, data_dir: Path, demo: dict) -> None:
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "audit", "show", demo["audit"]["id"])
    assert code == 0
    assert "Muster Metallbau GmbH" in out and "Gefahrstofflager" in out and "Umweltaspekte" in out
    assert "wesentliche Abweichung" in out  # German by default


def test_english_on_request(capsys, data_dir: Path, demo: dict) -> None:
    code, out, _ = run(capsys, "--lang", "en", "--data-dir", str(data_dir), "audit", "show", demo["audit"]["id"])
    assert code == 0 and "major nonconformity" in out and "Environmental aspects" in out


@pytest.mark.parametrize(
    "argv",
    [
        ("answer", "{audit}", "4.99", "conform"),
        ("answer", "{audit}", "4.1", "perhaps"),
        ("answer", "00000000", "4.1", "conform"),
        ("audit", "show", "nope-nope"),
        ("audit", "new", "--org", "X", "--scheme", "iso9001"),
        ("audit", "new", "--org", "Neu GmbH", "--scheme", "iso14001-2015", "--kind", "weird"),
    ],
)
def test_user_errors_exit_1_with_one_line_and_change_nothing(capsys, data_dir: Path, demo: dict, argv) -> None:  # type: ignore[no-untyped-def]
    before = run(capsys, "--data-dir", str(data_dir), "audits", "list", "--json")[1]
    shown_before = run(capsys, "--data-dir", str(data_dir), "audit", "show", demo["audit"]["id"], "--json")[1]
    code, out, err = run(capsys, "--data-dir", str(data_dir), *[a.format(audit=demo["audit"]["id"]) for a in argv])
    assert code == 1
    assert err.startswith("Fehler: ") and err.count("\n") == 1 and "Traceback" not in err
    assert run(capsys, "--data-dir", str(data_dir), "audits", "list", "--json")[1] == before
    assert run(capsys, "--data-dir", str(data_dir), "audit", "show", demo["audit"]["id"], "--json")[1] == shown_before
    assert "Neu GmbH" not in before


def test_usage_errors_exit_2(capsys, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    assert run(capsys, "--data-dir", str(data_dir), "frobnicate")[0] == 2
    assert run(capsys, "--data-dir", str(data_dir), "audit", "new", "--org", "X")[0] == 2
    assert run(capsys, "--data-dir", str(data_dir), "answer", "abc")[0] == 2
    assert run(capsys, "--lang", "fr", "audits", "list")[0] == 2


def test_catalogue_commands(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(capsys, "catalogue", "list", "--json")
    ids = {c["id"]: c for c in json.loads(out)}
    assert code == 0 and ids["iso14001-2015"]["items"] == 32
    code, out, _ = run(capsys, "catalogue", "show", "iso14001-2015", "--json")
    shown = json.loads(out)
    assert code == 0 and shown["items"] == 32 and shown["sections"][0]["key"] == "4"
    code, out, _ = run(capsys, "catalogue", "check", "--json")
    assert code == 0 and all(entry["valid"] for entry in json.loads(out))


def test_catalogue_check_reports_problems_and_exits_1(capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "broken.yaml"
    broken.write_text("schema_version: 1\nid: Broken Id\n", encoding="utf-8")
    code, out, err = run(capsys, "--lang", "en", "catalogue", "check", str(broken))
    assert code == 1
    assert f"{broken}: id: is not a valid key" in err
    assert "title: this field is required but missing." in err
    code, out, _ = run(capsys, "catalogue", "check", str(broken), "--json")
    (report,) = json.loads(out)
    assert code == 1 and not report["valid"] and {p["location"] for p in report["problems"]} >= {"id", "sections"}


def test_locked_data_folder_is_a_clear_error(capsys, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    from oekoaudit.services import open_services

    with open_services(data_dir):
        code, _out, err = run(capsys, "--data-dir", str(data_dir), "audits", "list")
    assert code == 1 and "von einem anderen oekoaudit" in err and str(data_dir) in err


def test_no_traceback_in_a_real_process(data_dir: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "oekoaudit", "--data-dir", str(data_dir), "audit", "show", "zzzz"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1


def test_findings_and_closing_on_the_command_line(capsys, data_dir: Path, demo: dict) -> None:  # type: ignore[no-untyped-def]
    d = ["--data-dir", str(data_dir)]
    audit_id = demo["audit"]["id"]
    code, out, _ = run(capsys, *d, "finding", "add", audit_id[:8], "--item", "9.3", "--class", "minor_nc",
                       "--statement", "Managementbewertung ohne Ergebnisse zu Zielen", "--json")
    added = json.loads(out)
    assert code == 0 and added["class"] == "minor_nc" and added["item_key"] == "9.3"
    assert added["requirement_ref"] == "ISO 14001:2015 9.3"
    code, out, _ = run(capsys, *d, "findings", "list", audit_id, "--json")
    assert code == 0 and added["id"] in {f["id"] for f in json.loads(out)} and len(json.loads(out)) == 5

    code, _out, err = run(capsys, *d, "finding", "add", audit_id, "--class", "major_nc", "--statement", " ")
    assert code == 1 and err.startswith("Fehler: ")

    code, _out, err = run(capsys, *d, "audit", "close", audit_id, "--signed-by", "Dr. Maria Lehmann",
                          "--role", "Leitende Auditorin")
    assert code == 1 and "nicht bewertet: 7.4.1" in err and err.count("\n") == 1
    shown = json.loads(run(capsys, *d, "audit", "show", audit_id, "--json")[1])
    assert shown["status"] == "in_progress" and shown["signatures"] == []

    for item in shown["answers"]:
        if item["result"] == "open":
            assert run(capsys, *d, "answer", audit_id, item["key"], "conform")[0] == 0
    code, out, _ = run(capsys, *d, "audit", "close", audit_id, "--signed-by", "Dr. Maria Lehmann",
                       "--role", "Leitende Auditorin", "--place", "Kassel", "--json")
    closed = json.loads(out)
    assert code == 0 and closed["status"] == "closed" and closed["signature"]["place"] == "Kassel"
    code, _out, err = run(capsys, *d, "answer", audit_id, "4.1", "minor_nc")
    assert code == 1 and "abgeschlossen" in err
    assert run(capsys, *d, "audit", "reopen", audit_id)[0] == 2  # --reason is required
    assert run(capsys, *d, "audit", "reopen", audit_id, "--reason", "Nachtrag")[0] == 0
    assert json.loads(run(capsys, *d, "audit", "show", audit_id, "--json")[1])["status"] == "in_progress"


def test_audit_new_takes_the_plan_fields_closing_needs(capsys, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    d = ["--data-dir", str(data_dir)]
    code, out, _ = run(capsys, *d, "audit", "new", "--org", "Planbar AG", "--scheme", "iso14001-2015",
                       "--lead-auditor", "A. Prüferin", "--scope", "Werk 1, Lackiererei", "--objectives",
                       "Wirksamkeit bestätigen", "--json")
    created = json.loads(out)
    assert code == 0 and created["scope"] == "Werk 1, Lackiererei" and created["objectives"] == "Wirksamkeit bestätigen"
    for item in json.loads(run(capsys, *d, "audit", "show", created["id"], "--json")[1])["answers"]:
        run(capsys, *d, "answer", created["id"], item["key"], "na" if item["key"] == "8.2" else "conform")
    code, out, err = run(capsys, *d, "audit", "close", created["id"], "--signed-by", "A. Prüferin",
                         "--role", "Leitende Auditorin")
    assert code == 0, err
