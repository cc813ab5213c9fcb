"""Emission factor sets from ``forms/factors/*.yaml``, validated and turned into domain objects.

API: ``load_factor_sets(folders=None) -> dict[str, FactorSet]`` (default: the shipped
``forms/factors``; a file that does not pass raises ``CatalogueError`` with every problem),
``check_factor_file(path) -> (FactorSet | None, problems)``, ``latest_factor_set(sets)``.
``FactorSet``, ``Factor`` and ``FactorOverride`` live in :mod:`oekoaudit.domain.co2` (the
balance needs them without YAML); they are re-exported here.

The files sit in a subfolder of ``forms/`` on purpose: the checklist registry reads only the
top level of ``forms/`` (``*.yaml``), so factor and area files are never mistaken for
checklists, and ``paths.forms_dir()`` finds them in a checkout, a wheel and a bundle alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, ValidationError, model_validator

from oekoaudit import paths
from oekoaudit.catalogue.loader import _problem, _problems_from_validation, _read_yaml
from oekoaudit.catalogue.schema import ID_PATTERN, NonEmpty, TextModel, _Strict
from oekoaudit.domain.checklist import Text
from oekoaudit.domain.co2 import ENERGY_UNIT, GWP_UNIT, Factor, FactorKind, FactorOverride, FactorSet
from oekoaudit.domain.indicators import ENERGY_CARRIERS, Basis, normalize_gas
from oekoaudit.errors import N_, CatalogueError, CatalogueProblem

__all__ = ["Factor", "FactorOverride", "FactorSet", "check_factor_file", "factors_dir", "latest_factor_set",
           "load_factor_sets"]

SetId = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=64)]
FactorKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=64)]
Year = Annotated[int, Field(ge=1900, le=2200)]
Amount = Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]

#: kg CO2e per kWh is allowed beside kg CO2 per kWh: biogenic factors include other gases.
ENERGY_UNITS = (ENERGY_UNIT, "kg CO2e/kWh")


class FactorModel(_Strict):
    key: FactorKey
    kind: FactorKind = FactorKind.ENERGY
    scope: Literal[1, 2, 3]
    unit: Literal["kg CO2/kWh", "kg CO2e/kWh", "kg CO2e/kg"]
    basis: Basis | None = None
    source: NonEmpty
    note: str = ""
    #: a single value …
    value: Amount | None = None
    year: Year | None = None
    #: … or a series by year (the grid mix)
    series: dict[Year, Amount] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> FactorModel:
        if (self.value is None) == (self.series is None):
            raise ValueError("give either value (with year) or series, not both and not neither")
        if self.series is not None and (not self.series or self.year is not None):
            raise ValueError("a series needs at least one year: value, and no separate year")
        if self.kind is FactorKind.GWP and self.unit != GWP_UNIT:
            raise ValueError(f"a GWP is given in {GWP_UNIT}")
        if self.kind is FactorKind.ENERGY:
            if self.unit not in ENERGY_UNITS:
                raise ValueError(f"an energy factor is given in {ENERGY_UNIT}")
            if self.key not in ENERGY_CARRIERS:
                raise ValueError(f"{self.key} is not an energy carrier; use one of: {', '.join(ENERGY_CARRIERS)}")
        return self


class FactorSetModel(_Strict):
    """A file in ``forms/factors/``."""

    schema_version: Literal[1]
    id: SetId
    edition: Year
    title: TextModel
    gwp_report: Literal["AR4", "AR5", "AR6"]
    source: TextModel | None = None
    note: TextModel | None = None
    factors: Annotated[list[FactorModel], Field(min_length=1)]


def factors_dir() -> Path:
    return paths.forms_dir() / "factors"


def _text(model: TextModel | None) -> Text | None:
    return None if model is None else Text(model.de, model.en)


def _to_domain(model: FactorSetModel) -> FactorSet:
    factors: list[Factor] = []
    for f in model.factors:
        key = f.key if f.kind is FactorKind.ENERGY else normalize_gas(f.key)
        common = {"key": key, "unit": f.unit, "scope": f.scope, "source": f.source, "basis": f.basis,
                  "kind": f.kind, "note": f.note}
        if f.series is not None:
            factors.extend(Factor(value=v, year=y, **common) for y, v in sorted(f.series.items()))
        else:
            assert f.value is not None
            factors.append(Factor(value=f.value, year=f.year, **common))
    return FactorSet(id=model.id, title=Text(model.title.de, model.title.en), edition=model.edition,
                     gwp_report=model.gwp_report, factors=tuple(factors), source=_text(model.source),
                     note=_text(model.note))


def check_factor_file(path: Path) -> tuple[FactorSet | None, list[CatalogueProblem]]:
    """The set in ``path``, or None and every problem (location, nearest key, what is wrong)."""
    file = str(path)
    data, problems = _read_yaml(path)
    if problems:
        return None, problems
    try:
        model = FactorSetModel.model_validate(data)
    except ValidationError as exc:
        return None, _problems_from_validation(file, data, exc)
    seen: dict[str, int] = {}
    for index, f in enumerate(model.factors):
        key = f.key if f.kind is FactorKind.ENERGY else normalize_gas(f.key)
        if key in seen:
            problems.append(_problem(file, f"factors[{index}].key", f.key, N_(
                "the factor {key} is already given at factors[{other}]; put its values in one series."),
                key=f.key, other=seen[key]))
        seen.setdefault(key, index)
    if model.id != path.stem:
        problems.append(_problem(file, "id", None, N_("the id {id} must be the file name ({name})."),
                                 id=model.id, name=path.stem))
    if problems:
        return None, problems
    return _to_domain(model), []


def load_factor_sets(folders: Iterable[Path] | None = None) -> dict[str, FactorSet]:
    """Every factor set in ``folders`` (default: the shipped ``forms/factors``) by id."""
    sets: dict[str, FactorSet] = {}
    for folder in (factors_dir(),) if folders is None else folders:
        for path in sorted(p for p in Path(folder).glob("*.yaml") if p.is_file()):
            found, problems = check_factor_file(path)
            if found is None:
                raise CatalogueError(str(path), problems)
            sets[found.id] = found
    return sets


def latest_factor_set(sets: dict[str, FactorSet]) -> FactorSet | None:
    """The newest set (highest edition): the default for a new audit."""
    return max(sets.values(), key=lambda s: (s.edition, s.id), default=None)
