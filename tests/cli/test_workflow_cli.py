"""The audit workflow on the command line: plan, status, finding follow-up, open actions, QuB answers."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from tests.cli.test_cli import run


def _cli(capsys, data_dir: Path, *argv: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    return run(capsys, "--data-dir", str(data_dir), *argv)


def _new(capsys, data_dir: Path, org: str = "Plan GmbH", scheme: str = "iso14001-2015") -> str:  # type: ignore[no-untyped-def]
    code, out, _ = _cli(capsys, data_dir, "audit", "new", "--org", org, "--scheme", scheme, "--json")
    assert code == 0
    return json.loads(out)["id"]


def test_audit_plan_sets_only_the_given_fields(capsys, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    audit_id = _new(capsys, data_dir)
    code, out, _ = _cli(capsys, data_dir, "audit", "plan", audit_id[:8], "--scope", "Werk Nord",
                        "--criteria", "ISO 14001:2015", "--places", "Halle 1", "--start", "2026-11-20",
                        "--end", "2026-11-21", "--team", "B. Fach:expert", "--team", "C. Neu",
                        "--met", "D. Chef:Geschäftsführer", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["changed"] is True and data["scope"] == "Werk Nord" and data["places"] == "Halle 1"
    assert data["team"] == [{"name": "B. Fach", "role": "expert"}, {"name": "C. Neu", "role": "auditor"}]
    assert data["people_met"] == [{"name": "D. Chef", "function": "Geschäftsführer"}]
    code, out, _ = _cli(capsys, data_dir, "audit", "plan", audit_id, "--objectives", "Wirksamkeit", "--json")
    data = json.loads(out)
    assert data["objectives"] == "Wirksamkeit" and data["scope"] == "Werk Nord"  # untouched
    code, _out, err = _cli(capsys, data_dir, "audit", "plan", audit_id, "--end", "2026-01-01")
    assert code == 1 and "2026-01-01" in err and err.count("\n") == 1
    code, _out, err = _cli(capsys, data_dir, "audit", "plan", audit_id, "--team", "X:chef")
    assert code == 1 and "chef" in err


def test_audit_status_moves_and_refuses_closing(capsys, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    audit_id = _new(capsys, data_dir)
    code, out, _ = _cli(capsys, data_dir, "audit", "status", audit_id, "in_review", "--json")
    assert code == 0 and json.loads(out) == {"audit_id": audit_id, "status": "in_review", "changed": True}
    code, _out, err = _cli(capsys, data_dir, "audit", "status", audit_id, "closed")
    assert code == 1 and err.strip()


def test_finding_follow_up_and_open_actions(capsys, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    audit_id = _new(capsys, data_dir, "Aktion AG")
    past = (date.today() - timedelta(days=5)).isoformat()
    code, out, _ = _cli(capsys, data_dir, "finding", "add", audit_id, "--item", "8.2", "--class", "major_nc",
                        "--statement", "Kein Notfallplan", "--action", "Plan erstellen", "--owner", "Herr Maier",
                        "--due", past, "--json")
    assert code == 0
    finding = json.loads(out)
    assert finding["corrective_action"] == "Plan erstellen" and finding["due_date"] == past
    code, out, _ = _cli(capsys, data_dir, "actions", "list", "--org", "Aktion AG", "--json")
    actions = json.loads(out)
    assert [(a["id"], a["overdue"]) for a in actions] == [(finding["id"], True)]
    assert actions[0]["organisation"]["name"] == "Aktion AG" and actions[0]["audit"]["id"] == audit_id
    code, _out, err = _cli(capsys, data_dir, "finding", "update", finding["id"][:8], "--status", "verified")
    assert code == 1 and err.count("\n") == 1
    today = date.today().isoformat()
    code, out, _ = _cli(capsys, data_dir, "finding", "update", finding["id"][:8], "--status", "verified",
                        "--verified-on", today, "--verified-by", "A. Prüferin", "--verification-result", "wirksam",
                        "--root-cause", "keine Zuständigkeit", "--json")
    assert code == 0
    updated = json.loads(out)
    assert updated["status"] == "verified" and updated["root_cause"] == "keine Zuständigkeit"
    code, out, _ = _cli(capsys, data_dir, "actions", "list", "--json")
    assert json.loads(out) == []
    code, _out, err = _cli(capsys, data_dir, "actions", "list", "--org", "Unbekannt")
    assert code == 1
    code, _out, _err = _cli(capsys, data_dir, "finding", "update", "zz", "--owner", "x")
    assert code == 1


def test_qub_items_are_answered_by_reference_in_everyday_words(capsys, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    audit_id = _new(capsys, data_dir, "Bäckerei Korn", "qub-2024")
    code, out, _ = _cli(capsys, data_dir, "answer", audit_id, "1.1", "teilweise", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["key"] == "qub.1.1" and data["result"] == "partly_fulfilled"
    code, out, _ = _cli(capsys, data_dir, "answer", audit_id, "qub.1.2", "ja", "--json")
    assert json.loads(out)["result"] == "fulfilled"
    code, out, _ = _cli(capsys, data_dir, "catalogue", "show", "qub-2024", "--json")
    shown = json.loads(out)
    assert shown["modes"] == ["audit", "self_assessment"]
    first = shown["sections"][0]["items"][0]
    assert first["plain"]["question"]["de"] and first["plain"]["todo"]["en"]
