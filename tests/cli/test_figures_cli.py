"""Figures and the environmental programme on the command line: indicators import / show / export,
measures list / import / export — exit codes, messages naming the cell, and the --json keys of docs/cli.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_cli import run

VALUE_KEYS = {"id", "site", "year", "key", "category", "label", "value", "unit", "canonical_value", "canonical_unit",
              "source", "details", "created_at", "updated_at", "revision"}
MEASURE_KEYS = {"id", "title", "description", "area", "area_label", "owner", "organisation_id", "audit_id", "site_id",
                "start_date", "due_date", "completed_on", "status", "priority", "investment_eur", "savings_eur_once",
                "savings_eur_per_year", "savings_kwh_per_year", "energy_carrier", "savings_m3_per_year",
                "savings_t_per_year", "savings_t_co2_per_year", "co2", "payback_years", "finding_ids", "evidence_ids",
                "carried_from_measure_id", "superseded", "created_at", "updated_at", "revision"}
TOTAL_KEYS = {"count", "investment_eur", "savings_eur_once", "savings_eur_per_year", "savings_kwh_per_year",
              "savings_m3_per_year", "savings_t_per_year", "savings_t_co2_per_year", "co2_derived", "payback_years"}


def _cli(capsys, data_dir: Path, *argv: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    return run(capsys, "--data-dir", str(data_dir), *argv)


@pytest.fixture
def demo(capsys, data_dir: Path) -> dict:  # type: ignore[no-untyped-def]
    code, out, err = _cli(capsys, data_dir, "demo", "--json")
    assert code == 0, err
    return json.loads(out)


def test_the_demo_has_three_years_of_figures_and_a_programme(demo: dict) -> None:
    assert demo["figures"]["count"] >= 60 and len(demo["figures"]["years"]) == 3
    assert len(demo["measures"]) == 10
    assert {m["status"] for m in demo["measures"]} == {"planned", "in_progress", "done", "dropped"}
    assert {m["audit_id"] for m in demo["measures"]} == {demo["audit"]["id"], demo["previous_audit"]["id"]}


def test_indicators_show_json(capsys, data_dir: Path, demo: dict) -> None:  # type: ignore[no-untyped-def]
    code, out, err = _cli(capsys, data_dir, "indicators", "show", "Muster Metallbau GmbH", "--json")
    assert code == 0, err
    shown = json.loads(out)
    years = demo["figures"]["years"]
    assert set(shown) == {"organisation", "year", "years", "settings", "factors", "values", "core_indicators", "co2",
                          "warnings"}
    assert shown["organisation"]["id"] == demo["organisation"]["id"] and shown["year"] is None
    assert shown["years"] == years and all(set(v) == VALUE_KEYS for v in shown["values"])
    gas = next(v for v in shown["values"] if v["key"] == "natural_gas" and v["year"] == years[0])
    assert (gas["value"], gas["unit"], gas["canonical_unit"]) == ("26800", "m³", "kWh")
    assert gas["canonical_value"] == "276040"  # 26 800 m³ × 10.3 kWh/m³ (the demo's gas bill)
    waste = [v for v in shown["values"] if v["key"] == "waste" and v["details"]["hazardous"]]
    assert {v["details"]["waste_code"] for v in waste} >= {"120109"}
    core = shown["core_indicators"]
    assert core["enough_years"] and core["reference"]["key"] == "output" and core["reference"]["justification"]
    energy = next(r for r in core["rows"] if r["key"] == "energy_total")
    assert set(energy["years"]) == {str(y) for y in years} and set(energy["years"][str(years[0])]) == {"a", "b", "r"}
    assert {r["key"] for r in core["rows"]} >= {"energy_total", "water_total", "waste_total", "waste_hazardous",
                                                "land_total", "ghg_total", "materials_total"}
    balance = shown["co2"][-1]
    assert balance["year"] == years[-1] and set(balance["scopes"]) == {"1", "2"}
    grid = next(line for line in balance["lines"] if line["key"] == "electricity_grid")
    assert grid["factor"]["fallback"] is (years[-1] > 2024) and grid["factor"]["value"]
    assert shown["warnings"] == []


def test_indicators_show_text_and_one_year(capsys, data_dir: Path, demo: dict) -> None:  # type: ignore[no-untyped-def]
    year = demo["figures"]["years"][-1]
    code, out, _ = _cli(capsys, data_dir, "indicators", "show", demo["organisation"]["id"][:8], "--year", str(year))
    assert code == 0
    assert "Erdgas" in out and "23.900 m³" in out and "Scope 1" in out and "12 01 09*" in out
    code, out, _ = _cli(capsys, data_dir, "indicators", "show", "Muster Metallbau GmbH", "--year", str(year),
                        "--json")
    shown = json.loads(out)
    assert shown["year"] == year and {v["year"] for v in shown["values"]} == {year}
    assert shown["core_indicators"]["years"] == [year - 2, year - 1, year]
    assert [b["year"] for b in shown["co2"]] == [year]
    code, _out, err = _cli(capsys, data_dir, "indicators", "show", "Muster Metallbau GmbH", "--year", "letztes")
    assert code == 1 and "letztes" in err
    code, _out, err = _cli(capsys, data_dir, "indicators", "show", "Niemand GmbH")
    assert code == 1 and "Niemand GmbH" in err


def test_indicators_export_import_round_trip(capsys, data_dir: Path, demo: dict, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for suffix in (".csv", ".xlsx"):
        path = tmp_path / f"Kennzahlen{suffix}"
        code, out, _ = _cli(capsys, data_dir, "indicators", "export", "Muster Metallbau GmbH", "-o", str(path),
                            "--json")
        assert code == 0 and json.loads(out)["count"] == demo["figures"]["count"] and path.exists()
        code, out, err = _cli(capsys, data_dir, "indicators", "import", str(path), "--org", "Muster Metallbau GmbH",
                              "--json")
        assert code == 0, err
        result = json.loads(out)
        assert set(result) == {"organisation", "file", "created", "updated", "unchanged", "years", "warnings"}
        assert (result["created"], result["updated"], result["unchanged"]) == (0, 0, demo["figures"]["count"])
    code, out, _ = _cli(capsys, data_dir, "indicators", "import", str(tmp_path / "Kennzahlen.csv"), "--org",
                        "Muster Metallbau GmbH")
    assert code == 0 and ("0 neu" in out or "0 new" in out)


def test_indicators_import_names_every_bad_cell(capsys, data_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert _cli(capsys, data_dir, "audit", "new", "--org", "Beize Ost", "--scheme", "iso14001-2015")[0] == 0
    path = tmp_path / "fehler.csv"
    path.write_text("Jahr;Größe;Wert;Einheit;Abfallschlüssel;Entsorgungsweg\n"
                    "2025;Abfall;-3;t;15 01 01;Recycling\n"
                    "2025;Erdgas;viel;m³;;\n"
                    "2025;Diesel;4000;Fass;;\n"
                    "2999;Strom;1000;kWh;;\n"
                    "2025;Trinkwasser (öffentliches Netz);870;m³;;\n", encoding="utf-8")
    code, out, err = run(capsys, "--lang", "en", "--data-dir", str(data_dir), "indicators", "import", str(path),
                         "--org", "Beize Ost")
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert lines[0].startswith("Error: Nothing was imported from") and "4" in lines[0]
    assert [line.split(": ")[1] for line in lines[1:]] == ["C2", "C3", "D4", "A5"]
    assert "Row 2, column C (Wert)" in lines[1] and "Row 5, column A (Jahr)" in lines[4] and "future" in lines[4]
    code, out, _ = _cli(capsys, data_dir, "indicators", "show", "Beize Ost", "--json")
    assert json.loads(out)["values"] == []
    code, _out, err = _cli(capsys, data_dir, "indicators", "import", str(path), "--org", "Unbekannt")
    assert code == 1 and "Unbekannt" in err


def test_measures_list_json_and_text(capsys, data_dir: Path, demo: dict) -> None:  # type: ignore[no-untyped-def]
    code, out, err = _cli(capsys, data_dir, "measures", "list", demo["audit"]["id"][:8], "--json")
    assert code == 0, err
    programme = json.loads(out)
    assert set(programme) == {"organisation", "audit", "factor_set", "measures", "totals", "by_area", "by_year",
                              "by_status"}
    assert programme["audit"]["id"] == demo["audit"]["id"]
    assert all(set(m) == MEASURE_KEYS for m in programme["measures"])
    assert set(programme["totals"]) == TOTAL_KEYS and all(set(t) == TOTAL_KEYS for t in programme["by_area"].values())
    major = next(f["id"] for f in demo["findings"] if f["class"] == "major_nc")
    assert any(major in m["finding_ids"] for m in programme["measures"])
    code, out, _ = _cli(capsys, data_dir, "measures", "list", "Muster Metallbau GmbH", "--json")
    whole = json.loads(out)
    assert whole["audit"] is None and len(whole["measures"]) == 10
    assert whole["totals"]["count"] == 9  # the dropped measure saves nothing
    assert whole["by_status"]["dropped"]["count"] == 1
    done = [m for m in whole["measures"] if m["status"] == "done"]
    assert all(m["completed_on"] for m in done)
    derived = [m for m in whole["measures"] if m["co2"]["origin"] == "derived"]
    assert derived and all(m["co2"]["factor"]["set"] == "de-2024" for m in derived)
    code, out, _ = _cli(capsys, data_dir, "measures", "list", "Muster Metallbau GmbH")
    assert code == 0 and "Druckluftleckagen beseitigen" in out and "€" in out
    code, _out, err = _cli(capsys, data_dir, "measures", "list", "zz")
    assert code == 1 and "zz" in err


def test_measures_export_import(capsys, data_dir: Path, demo: dict, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "Programm.xlsx"
    code, out, _ = _cli(capsys, data_dir, "measures", "export", demo["audit"]["id"], "-o", str(path), "--json")
    assert code == 0 and json.loads(out) == {"organisation": demo["organisation"], "audit_id": demo["audit"]["id"],
                                             "path": str(path), "count": 6}
    code, out, err = _cli(capsys, data_dir, "measures", "import", str(path), "--org", "Muster Metallbau GmbH",
                          "--json")
    assert code == 0, err
    result = json.loads(out)
    assert set(result) == {"organisation", "audit_id", "file", "created", "updated", "unchanged", "measure_ids"}
    assert (result["created"], result["updated"], result["unchanged"]) == (0, 0, 6)
    new = tmp_path / "neu.csv"
    new.write_text("Titel;Bereich;Investition (€);Einsparung €/Jahr\nDruckluft-Zähler;Energie;1.500;300\n",
                   encoding="utf-8")
    code, out, _ = _cli(capsys, data_dir, "measures", "import", str(new), "--org", "Muster Metallbau GmbH",
                        "--audit", demo["audit"]["id"][:8])
    assert code == 0 and "1" in out
    code, out, _ = _cli(capsys, data_dir, "measures", "list", demo["audit"]["id"], "--json")
    added = next(m for m in json.loads(out)["measures"] if m["title"] == "Druckluft-Zähler")
    assert (added["investment_eur"], added["payback_years"], added["area"]) == ("1500", "5", "energy")
    bad = tmp_path / "bad.csv"
    bad.write_text("Titel;Priorität\nA;sehr hoch\n", encoding="utf-8")
    code, _out, err = _cli(capsys, data_dir, "measures", "import", str(bad), "--org", "Muster Metallbau GmbH")
    assert code == 1 and "B2" in err


def test_audit_new_from_reports_continued_measures(capsys, data_dir: Path, demo: dict) -> None:  # type: ignore[no-untyped-def]
    code, out, err = _cli(capsys, data_dir, "audit", "new", "--org", "Muster Metallbau GmbH", "--scheme",
                          "iso14001-2015", "--from", demo["audit"]["id"], "--json")
    assert code == 0, err
    assert json.loads(out)["carried_over"]["measures"] == 5  # 3 planned + 2 in progress of this year's audit


def test_help_lists_the_new_commands(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(capsys, "--lang", "en", "--help")
    assert code == 0 and "indicators" in out and "measures" in out
    for argv in (("indicators", "--help"), ("measures", "--help"), ("indicators", "import", "--help")):
        code, out, _ = run(capsys, "--lang", "en", *argv)
        assert code == 0
    code, _out, err = run(capsys, "indicators", "import")
    assert code == 2
