"""Area sets for measures (ÖKOPROFIT areas, municipal action fields) from ``forms/areas/*.yaml``.

API: ``load_area_sets(folders=None) -> dict[str, AreaSet]`` (default: the shipped
``forms/areas``; an invalid file raises ``CatalogueError`` with every problem) and
``check_area_file(path)``. ``Area``/``AreaSet`` are domain dataclasses in
:mod:`oekoaudit.domain.programme`. Kept as data, not an enum, because every Träger and every
municipality cuts its areas a little differently and may ship its own file.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError

from oekoaudit import paths
from oekoaudit.catalogue.loader import _problem, _problems_from_validation, _read_yaml
from oekoaudit.catalogue.schema import CatalogueId, Key, TextModel, _Strict
from oekoaudit.domain.checklist import Text
from oekoaudit.domain.programme import Area, AreaSet
from oekoaudit.errors import N_, CatalogueError, CatalogueProblem


class AreaModel(_Strict):
    key: Key
    label: TextModel
    description: TextModel | None = None


class AreaSetModel(_Strict):
    """A file in ``forms/areas/``."""

    schema_version: Literal[1]
    id: CatalogueId
    title: TextModel
    areas: Annotated[list[AreaModel], Field(min_length=1)]


def areas_dir() -> Path:
    return paths.forms_dir() / "areas"


def check_area_file(path: Path) -> tuple[AreaSet | None, list[CatalogueProblem]]:
    file = str(path)
    data, problems = _read_yaml(path)
    if problems:
        return None, problems
    try:
        model = AreaSetModel.model_validate(data)
    except ValidationError as exc:
        return None, _problems_from_validation(file, data, exc)
    seen: dict[str, int] = {}
    for index, area in enumerate(model.areas):
        if area.key in seen:
            problems.append(_problem(file, f"areas[{index}].key", area.key, N_(
                "the key {key} is already used at {other}; keys must be unique."),
                key=area.key, other=f"areas[{seen[area.key]}]"))
        seen.setdefault(area.key, index)
    if model.id != path.stem:
        problems.append(_problem(file, "id", None, N_("the id {id} must be the file name ({name})."),
                                 id=model.id, name=path.stem))
    if problems:
        return None, problems
    areas = tuple(Area(a.key, Text(a.label.de, a.label.en),
                       Text(a.description.de, a.description.en) if a.description else None) for a in model.areas)
    return AreaSet(model.id, Text(model.title.de, model.title.en), areas), []


def load_area_sets(folders: Iterable[Path] | None = None) -> dict[str, AreaSet]:
    """Every area set in ``folders`` (default: the shipped ``forms/areas``) by id."""
    sets: dict[str, AreaSet] = {}
    for folder in (areas_dir(),) if folders is None else folders:
        for path in sorted(p for p in Path(folder).glob("*.yaml") if p.is_file()):
            found, problems = check_area_file(path)
            if found is None:
                raise CatalogueError(str(path), problems)
            sets[found.id] = found
    return sets
