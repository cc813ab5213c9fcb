"""Emission factor sets and area sets as data in forms/, and the checklist registry beside them."""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import pytest

from oekoaudit import paths
from oekoaudit.__main__ import main
from oekoaudit.catalogue.areas import check_area_file, load_area_sets
from oekoaudit.catalogue.factors import check_factor_file, latest_factor_set, load_factor_sets
from oekoaudit.catalogue.loader import CatalogueRegistry, checklist_from_snapshot, checklist_snapshot
from oekoaudit.domain.co2 import FactorKind, co2_balance
from oekoaudit.domain.indicators import ENERGY_CARRIERS, IndicatorValue
from oekoaudit.errors import CatalogueError


def test_the_shipped_factor_sets_load() -> None:
    sets = load_factor_sets()
    assert set(sets) == {"de-2023", "de-2024"}
    assert latest_factor_set(sets) is sets["de-2024"]
    de = sets["de-2024"]
    assert de.gwp_report == "AR5" and de.source is not None
    # every energy carrier that burns or is bought has a factor (own generation burns nothing)
    assert set(ENERGY_CARRIERS) - {"electricity_own_generation"} <= set(de.keys())
    gas = de.factor("natural_gas", 2024)
    assert gas.value == D("0.201") and gas.scope == 1 and gas.basis == "Hi" and "BAFA" in gas.source
    assert de.factor("district_heating", 2024).value == D("0.280")
    r410a = de.factor("r410a", 2024)
    assert r410a.kind is FactorKind.GWP and r410a.value == D(1924) and r410a.unit == "kg CO2e/kg"


def test_grid_mix_selection_by_year() -> None:
    sets = load_factor_sets()
    de = sets["de-2024"]
    # 2023 has its value: 380 g CO2/kWh
    f2023 = de.factor("electricity_grid", 2023)
    assert f2023.value == D("0.380") and f2023.year == 2023 and not f2023.fallback
    # 2025 is not in the set: the latest earlier year, 2024's 363 g, and it says so
    f2025 = de.factor("electricity_grid", 2025)
    assert f2025.value == D("0.363") and f2025.year == 2024 and f2025.requested_year == 2025 and f2025.fallback
    # a year in a gap of the series: 2010 → 1990's 764 g
    assert de.factor("electricity_grid", 2010).value == D("0.764")
    # the older set knows values only up to 2022: for 2023 it falls back to 2022's 434 g
    old = sets["de-2023"].factor("electricity_grid", 2023)
    assert old.value == D("0.434") and old.year == 2022 and old.fallback and old.set_id == "de-2023"
    # the same consumption in two sets: 180 000 kWh × 0.380 = 68.4 t (de-2024) vs × 0.434 = 78.12 t (de-2023)
    values = [IndicatorValue("v", "s", 2023, "electricity_grid", D(180000), "kWh")]
    assert co2_balance(values, 2023, de).total == D("68.4")
    assert co2_balance(values, 2023, sets["de-2023"]).total == D("78.12")


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


HEAD = """schema_version: 1
id: bad
edition: 2024
title: {de: "x", en: "x"}
gwp_report: AR5
factors:
"""


@pytest.mark.parametrize(("body", "words"), [
    ("  - {key: natural_gas, scope: 1, unit: kg CO2/kWh, value: 0.2, series: {2020: 0.2}, source: s}\n",
     "either value"),
    ("  - {key: steam, scope: 1, unit: kg CO2/kWh, value: 0.2, source: s}\n", "not an energy carrier"),
    ("  - {key: natural_gas, scope: 1, unit: kg CO2/kWh, value: -0.2, source: s}\n", "0"),
    ("  - {key: natural_gas, scope: 4, unit: kg CO2/kWh, value: 0.2, source: s}\n", "1, 2 or 3"),
    ("  - {key: R-32, kind: gwp, scope: 1, unit: kg CO2/kWh, value: 677, source: s}\n", "GWP"),
    ("  - {key: natural_gas, scope: 1, unit: kg CO2/kWh, value: 0.2, source: s}\n"
     "  - {key: natural_gas, scope: 1, unit: kg CO2/kWh, value: 0.3, source: s}\n", "already given"),
    ("  - {key: natural_gas, scope: 1, unit: kg CO2/kWh, value: 0.2}\n", "required"),
])
def test_a_bad_factor_file_is_refused_with_its_location(tmp_path: Path, body: str, words: str) -> None:
    path = _write(tmp_path, "bad.yaml", HEAD + body)
    found, problems = check_factor_file(path)
    assert found is None and problems
    assert any(words in p.english() for p in problems), [p.english() for p in problems]
    assert all(p.file == str(path) for p in problems)
    assert problems[0].location.startswith("factors[")
    with pytest.raises(CatalogueError):
        load_factor_sets([tmp_path])


def test_the_id_must_be_the_file_name(tmp_path: Path) -> None:
    path = _write(tmp_path, "other.yaml", HEAD + "  - {key: diesel, scope: 1, unit: kg CO2/kWh, value: 0.266, source: s}\n")
    found, problems = check_factor_file(path)
    assert found is None and "file name" in problems[0].english()


def test_the_shipped_area_sets() -> None:
    sets = load_area_sets()
    assert set(sets) == {"oekoprofit", "klimaschutz-kommunal"}
    oeko = sets["oekoprofit"]
    assert oeko.area("energy") is not None and oeko.area("energy").label.de == "Energie"  # type: ignore[union-attr]
    assert len(oeko.areas) == 10 and len(sets["klimaschutz-kommunal"].areas) == 12
    assert sets["klimaschutz-kommunal"].area("mobility").label.en == "Mobility and transport"  # type: ignore[union-attr]


def test_a_bad_area_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "x.yaml", """schema_version: 1
id: x
title: {de: "x", en: "x"}
areas:
  - {key: a, label: {de: "A", en: "A"}}
  - {key: a, label: {de: "B"}}
""")
    found, problems = check_area_file(path)
    assert found is None
    assert [p.location for p in problems] == ["areas[1].label.en"]
    path.write_text(path.read_text(encoding="utf-8").replace('{de: "B"}', '{de: "B", en: "B"}'), encoding="utf-8")
    found, problems = check_area_file(path)
    assert found is None and "already used" in problems[0].english()


def test_factor_and_area_files_are_not_checklists(capsys: pytest.CaptureFixture[str]) -> None:
    forms = paths.forms_dir()
    assert (forms / "factors" / "de-2024.yaml").is_file() and (forms / "areas" / "oekoprofit.yaml").is_file()
    top_level = {p.stem for p in forms.glob("*.yaml")}
    registry = CatalogueRegistry(forms)
    assert {i.id for i in registry.infos()} == top_level
    assert not [p for p in registry.problems() if "factors" in p.file or "areas" in p.file]
    assert main(["catalogue", "list", "--json"]) == 0
    listed = {c["id"] for c in json.loads(capsys.readouterr().out)}
    assert top_level <= listed and not listed & {"de-2023", "de-2024", "oekoprofit", "klimaschutz-kommunal"}


def test_qub_asks_for_one_measure_a_year_and_the_snapshot_keeps_it() -> None:
    registry = CatalogueRegistry(paths.forms_dir())
    qub = registry.get("qub-2024")
    assert qub.award is not None and qub.award.measures_per_year == 1
    assert not qub.award.must_items and not qub.award.measures_implemented
    assert checklist_from_snapshot(checklist_snapshot(qub)).award == qub.award
    # catalogues without the rule keep their snapshot (and fingerprint) unchanged: no per_year key
    oeko = registry.get("oekoprofit-2026")
    assert oeko.award is not None and oeko.award.measures_per_year is None
    assert "per_year" not in checklist_snapshot(oeko)["award"]["measures"]
