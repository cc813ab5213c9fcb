"""Reuse on the command line: audit new --from, confirm, extend, gap, compare, award, catalogue import."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import run

IMPORTS = Path(__file__).resolve().parent.parent / "fixtures" / "catalogues" / "import"


def _cli(capsys, data_dir: Path, *argv: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    return run(capsys, "--data-dir", str(data_dir), *argv)


def _json(capsys, data_dir: Path, *argv: str) -> dict:  # type: ignore[no-untyped-def]
    code, out, err = _cli(capsys, data_dir, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def test_carry_over_gap_compare_on_the_command_line(capsys, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    first = _json(capsys, data_dir, "audit", "new", "--org", "Gärtnerei Grün", "--scheme", "iso14001-2015",
                  "--title", "Audit 2025")["id"]
    for key, result in [("4.1", "conform"), ("6.1.2", "minor_nc"), ("8.2", "major_nc")]:
        assert _cli(capsys, data_dir, "answer", first, key, result, "--note", f"Notiz {key}")[0] == 0
    assert _cli(capsys, data_dir, "finding", "add", first, "--item", "8.2", "--class", "major_nc",
                "--statement", "Kein Notfallplan", "--action", "Plan erstellen")[0] == 0

    second = _json(capsys, data_dir, "audit", "new", "--org", "Gärtnerei Grün", "--scheme", "iso14001-2026",
                   "--from", first[:8], "--title", "Audit 2026")
    assert second["carried_from_audit_id"] == first
    # 4.1 of 2026 asks for more than 4.1 of 2015 and 6.3 overlaps 6.1.2: only the notes come over there
    assert second["carried_over"] == {"from": "Audit 2025", "answers": 4, "with_result": 2, "findings": 1,
                                      "measures": 0}
    shown = _json(capsys, data_dir, "audit", "show", second["id"])
    assert shown["progress"]["answered"] == 0
    carried = {a["key"]: a for a in shown["answers"] if a["carried_over"]}
    assert set(carried) == {"4.1", "6.1.2", "6.3", "8.2"}
    assert carried["8.2"]["result"] == "major_nc" and carried["4.1"]["result"] == "open"
    assert "Notiz 4.1" in carried["4.1"]["note"] and "Notiz 6.1.2" in carried["6.3"]["note"]
    findings = _json(capsys, data_dir, "findings", "list", second["id"])
    assert findings[0]["carried_from_finding_id"] and findings[0]["item_key"] == "8.2"

    confirmed = _json(capsys, data_dir, "audit", "confirm", second["id"], "6.1.2")
    assert confirmed["confirmed"] == ["6.1.2"]
    code, _out, err = _cli(capsys, data_dir, "audit", "confirm", second["id"])
    assert code == 1 and "--all" in err
    assert len(_json(capsys, data_dir, "audit", "confirm", second["id"], "--all")["confirmed"]) == 3
    assert _cli(capsys, data_dir, "answer", second["id"], "8.2", "conform")[0] == 0

    gap = _json(capsys, data_dir, "gap", first, "--to", "emas-2009")
    statuses = {i["key"]: i["status"] for i in gap["items"]}
    assert statuses["4.1"] == "covered" and statuses["8.2"] == "nonconform"
    assert any(k.startswith("emas.IV") and s == "missing" for k, s in statuses.items())
    assert set(gap["counts"]) == {"covered", "partly", "nonconform", "not_assessed", "missing"}
    assert gap["target"]["id"] == "emas-2009" and 0 <= gap["covered_percent"] <= 100
    code, out, _err = _cli(capsys, data_dir, "gap", first, "--to", "emas-2009")
    assert code == 0 and "Anhang IV" in out

    comparison = _json(capsys, data_dir, "compare", second["id"], first)
    assert comparison["earlier"]["id"] == first and comparison["later"]["id"] == second["id"]
    changes = {i["key"]: i["change"] for i in comparison["items"]}
    assert changes["8.2"] == "closed" and changes["6.1.2"] == "unchanged" and changes["6.3"] == "new_item"
    code, out, _err = _cli(capsys, data_dir, "compare", first, second["id"])
    assert code == 0 and "8.2" in out

    code, _out, err = _cli(capsys, data_dir, "gap", first, "--to", "nope")
    assert code == 1 and "nope" in err
    code, _out, err = _cli(capsys, data_dir, "audit", "new", "--org", "Andere GmbH", "--scheme", "iso14001-2015",
                           "--from", first)
    assert code == 1 and "Gärtnerei Grün" in err


def test_award_and_legal_register(capsys, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    audit = _json(capsys, data_dir, "audit", "new", "--org", "Hotel See", "--scheme", "oekoprofit-2026",
                  "--with", "rechtskataster-2026")
    assert audit["modules"] == ["rechtskataster-2026"]
    award = _json(capsys, data_dir, "award", audit["id"])
    assert award["rules"] is True and award["passed"] is False
    rules = {c["rule"] for c in award["checks"]}
    assert {"must_item", "measures_implemented", "measures_planned"} <= rules
    code, out, _err = _cli(capsys, data_dir, "award", audit["id"])
    assert code == 0 and "✗" in out or "?" in out
    iso = _json(capsys, data_dir, "audit", "new", "--org", "Hotel See", "--scheme", "iso14001-2015")
    assert _json(capsys, data_dir, "award", iso["id"])["rules"] is False
    extended = _json(capsys, data_dir, "audit", "extend", iso["id"], "--with", "rechtskataster-2026")
    assert extended["modules"] == ["rechtskataster-2026"]
    code, _out, err = _cli(capsys, data_dir, "audit", "extend", iso["id"], "--with", "rechtskataster-2026")
    assert code == 1 and "rechtskataster-2026" in err
    show = _json(capsys, data_dir, "audit", "show", iso["id"])
    assert any(a["key"].startswith("rk.") for a in show["answers"])


def test_catalogue_import(capsys, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    imported = _json(capsys, data_dir, "catalogue", "import", str(IMPORTS / "betriebscheck-semikolon.csv"))
    assert imported["outcome"] == "created" and imported["status"] == "draft" and imported["items"] > 0
    listed = _json(capsys, data_dir, "catalogue", "list")
    assert imported["id"] in {c["id"] for c in listed}
    again = _json(capsys, data_dir, "catalogue", "import", str(IMPORTS / "betriebscheck-semikolon.csv"))
    assert again["outcome"] in ("unchanged", "replaced")
    audit = _json(capsys, data_dir, "audit", "new", "--org", "Eigen GmbH", "--scheme", imported["id"])
    assert audit["catalogue"]["id"] == imported["id"]
    code, _out, err = _cli(capsys, data_dir, "catalogue", "import", str(IMPORTS / "fehler.csv"))
    assert code == 1
    assert "Zeile 3, Spalte B" in err and "Zeile 5, Spalte C" in err  # every problem, row and column
