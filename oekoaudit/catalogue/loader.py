"""Load catalogue files, validate them, and turn them into :class:`~oekoaudit.domain.checklist.Checklist`.

Every problem is reported with the file, the location inside it, the key of the nearest
section or item, and what is wrong, as an English msgid with parameters so that the front
ends show it in the user's language.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from oekoaudit import paths
from oekoaudit.catalogue.schema import (
    AwardModel,
    CatalogueModel,
    IncludeModel,
    ItemModel,
    PlainTextModel,
    ScaleModel,
    SectionModel,
    TextModel,
)
from oekoaudit.domain.checklist import (
    AnswerOption,
    AnswerScale,
    AwardRules,
    CatalogueInfo,
    CatalogueMode,
    Checklist,
    DocumentedInformation,
    Item,
    Mapping,
    PlainText,
    Rating,
    Relation,
    Section,
    Text,
)
from oekoaudit.domain.mapping import MappingIndex
from oekoaudit.errors import N_, CatalogueError, CatalogueProblem, NotFoundError, UserInputError

#: Catalogue files larger than this are refused before parsing (they come from outside).
MAX_CATALOGUE_BYTES = 8 * 1024 * 1024

# --------------------------------------------------------------------------------------
# YAML: safe loading, with duplicate keys reported instead of silently overwritten
# --------------------------------------------------------------------------------------

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _DuplicateKey(Exception):
    def __init__(self, key: str, line: int) -> None:
        super().__init__(key)
        self.key = key
        self.line = line


class _StrictLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """SafeLoader that refuses a mapping with the same key twice."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    loader.flatten_mapping(node)
    seen: set[Any] = set()
    for key_node, _value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise _DuplicateKey(str(key), key_node.start_mark.line + 1)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read_yaml(path: Path) -> tuple[Any, list[CatalogueProblem]]:
    file = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_CATALOGUE_BYTES:
            return None, [_problem(file, "", None, N_("The file is too large ({size} bytes)."), size=size)]
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, [_problem(file, "", None, N_("The file does not exist."))]
    except OSError as exc:
        return None, [_problem(file, "", None, N_("The file cannot be read: {reason}"), reason=exc.strerror or str(exc))]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [_problem(file, "", None, N_("The file is not UTF-8 text (byte {position})."), position=exc.start)]
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except _DuplicateKey as exc:
        return None, [
            _problem(file, f"line {exc.line}", None, N_("Line {line}: the key {key} appears twice in the same mapping."),
                     line=exc.line, key=exc.key)
        ]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        reason = getattr(exc, "problem", None) or str(exc)
        return None, [
            _problem(file, f"line {line}", None, N_("Line {line}: this is not valid YAML ({reason})."),
                     line=line, reason=reason)
        ]
    if not isinstance(data, dict):
        return None, [_problem(file, "", None, N_("The file must contain a mapping with the catalogue's fields."))]
    return data, []


def _problem(file: str, location: str, item_key: str | None, template: str, **params: Any) -> CatalogueProblem:
    return CatalogueProblem(file=file, location=location, item_key=item_key, template=template,
                            params=tuple(params.items()))


# --------------------------------------------------------------------------------------
# pydantic errors → problems with a readable location and the nearest key
# --------------------------------------------------------------------------------------

_TAGS = {"section", "item", "include", "str", "ScaleModel"}


def _locate(data: Any, loc: tuple[Any, ...]) -> tuple[str, str | None]:
    """Turn a pydantic ``loc`` into ``sections[2].items[0].title`` and the nearest key."""
    parts: list[str] = []
    node = data
    nearest: str | None = None
    for step in loc:
        if isinstance(node, dict) and isinstance(node.get("key"), str | int | float):
            nearest = str(node["key"])
        if isinstance(step, int):
            parts.append(f"[{step}]")
            node = node[step] if isinstance(node, list) and 0 <= step < len(node) else None
            continue
        if isinstance(node, dict) and step in node:
            parts.append(("." if parts else "") + str(step))
            node = node[step]
            continue
        if step in _TAGS or str(step).startswith(("function-", "union[", "literal[")):
            continue  # a union tag pydantic inserts; not part of the file's structure
        parts.append(("." if parts else "") + str(step))
        node = None
    if isinstance(node, dict) and isinstance(node.get("key"), str | int | float):
        nearest = str(node["key"])
    return "".join(parts), nearest


_MESSAGES: dict[str, str] = {
    "missing": N_("this field is required but missing."),
    "extra_forbidden": N_("unknown field (misspelt, or not part of the catalogue format)."),
    "string_type": N_("must be text (put numbers like 2015 or 4.1 in quotes)."),
    "int_type": N_("must be a whole number."),
    "bool_type": N_("must be true or false."),
    "bool_parsing": N_("must be true or false."),
    "list_type": N_("must be a list."),
    "dict_type": N_("must be a mapping of fields."),
    "model_type": N_("must be a mapping of fields."),
    "model_attributes_type": N_("must be a mapping of fields."),
    "string_too_short": N_("must not be empty."),
    "string_too_long": N_("is too long (at most {max_length} characters)."),
    "string_pattern_mismatch": N_(
        "is not a valid key: use letters, digits, '.', '-' and '_', starting with a letter or digit."
    ),
    "too_short": N_("needs at least {min_length} entries."),
    "literal_error": N_("must be one of: {expected}."),
    "greater_than_equal": N_("must be at least {ge}."),
    "less_than_equal": N_("must be at most {le}."),
    "float_type": N_("must be a number."),
    "float_parsing": N_("must be a number."),
    "enum": N_("must be one of: {expected}."),
}


def _problems_from_validation(file: str, data: Any, error: ValidationError) -> list[CatalogueProblem]:
    problems = []
    for err in error.errors(include_url=False):
        location, key = _locate(data, tuple(err["loc"]))
        template = _MESSAGES.get(err["type"])
        ctx = {k: (str(v) if not isinstance(v, int) else v) for k, v in (err.get("ctx") or {}).items()}
        if template is None:
            template, ctx = N_("{message}"), {"message": err["msg"]}
        else:
            ctx = {k: v for k, v in ctx.items() if "{" + k + "}" in template}
        problems.append(_problem(file, location, key, template, **ctx))
    return problems


# --------------------------------------------------------------------------------------
# Checks the schema cannot express
# --------------------------------------------------------------------------------------


def _check_scale(file: str, scale: ScaleModel, where: str) -> list[CatalogueProblem]:
    problems = []
    opens = [o for o in scale.options if o.rating is Rating.OPEN]
    if len(opens) != 1:
        problems.append(_problem(file, where, scale.key,
                                 N_("the answer scale needs exactly one option rated 'open' (it has {count})."),
                                 count=len(opens)))
    for attr, label in (("key", N_("key")), ("shortcut", N_("shortcut"))):
        seen: set[str] = set()
        for opt in scale.options:
            value = getattr(opt, attr)
            if value in seen:
                problems.append(_problem(file, where, opt.key,
                                         N_("the answer option {field} {value} is used twice."),
                                         field=label, value=value))
            seen.add(value)
    return problems


def _walk(nodes: Iterable[SectionModel | ItemModel],
          prefix: str = "sections") -> Iterator[tuple[str, SectionModel | ItemModel]]:
    """Every section and item with its location (``sections[2].items[0]``), depth first."""
    for index, node in enumerate(nodes):
        location = f"{prefix}[{index}]"
        yield location, node
        if isinstance(node, SectionModel):
            yield from _walk(node.items, f"{location}.items")


def _check_keys(file: str, model: CatalogueModel) -> list[CatalogueProblem]:
    problems = []
    seen: dict[str, str] = {}
    for location, node in _walk(model.sections):
        if node.key in seen:
            problems.append(_problem(file, location, node.key,
                                     N_("the key {key} is already used at {other}; keys must be unique."),
                                     key=node.key, other=seen[node.key]))
        else:
            seen[node.key] = location
    return problems


def _check_modes(file: str, model: CatalogueModel) -> list[CatalogueProblem]:
    """Each mode at most once; with the self-assessment, every item needs its plain block."""
    problems = []
    seen: set[str] = set()
    for index, mode in enumerate(model.modes):
        if mode in seen:
            problems.append(_problem(file, f"modes[{index}]", None, N_("the mode {mode} is listed twice."),
                                     mode=mode.value))
        seen.add(mode)
    if CatalogueMode.SELF_ASSESSMENT in seen:
        for location, node in _walk(model.sections):
            if isinstance(node, ItemModel) and node.plain is None:
                problems.append(_problem(
                    file, f"{location}.plain", node.key,
                    N_("this item needs a 'plain' block with at least a plain-language question, "
                       "because the catalogue offers the mode self_assessment."),
                ))
    return problems


# --------------------------------------------------------------------------------------
# Scales
# --------------------------------------------------------------------------------------


def _scales_dir(forms_dir: Path) -> Path:
    return forms_dir / "scales"


def _load_scale(name: str, forms_dir: Path, file: str) -> tuple[ScaleModel | None, list[CatalogueProblem]]:
    path = _scales_dir(forms_dir) / f"{name}.yaml"
    if not path.is_file():
        known = sorted(p.stem for p in _scales_dir(forms_dir).glob("*.yaml"))
        return None, [_problem(file, "answer_scale", None,
                               N_("the answer scale {name} does not exist (known scales: {known})."),
                               name=name, known=", ".join(known) or "-")]
    data, problems = _read_yaml(path)
    if problems:
        return None, problems
    try:
        scale = ScaleModel.model_validate(data)
    except ValidationError as exc:
        return None, _problems_from_validation(str(path), data, exc)
    return scale, _check_scale(str(path), scale, "")


# --------------------------------------------------------------------------------------
# Model → domain
# --------------------------------------------------------------------------------------


def _text(model: TextModel | None) -> Text | None:
    return None if model is None else Text(de=model.de, en=model.en)


def _plain(model: PlainTextModel | None) -> PlainText | None:
    if model is None:
        return None
    return PlainText(question=Text(model.question.de, model.question.en), why=_text(model.why),
                     proof=_text(model.proof), todo=_text(model.todo))


def _item(model: ItemModel) -> Item:
    return Item(
        key=model.key,
        ref=model.ref or model.key,
        title=Text(model.title.de, model.title.en),
        questions=tuple(Text(q.de, q.en) for q in model.questions),
        guidance=_text(model.guidance),
        evidence=tuple(Text(e.de, e.en) for e in model.evidence),
        documented_information=DocumentedInformation(model.documented_information),
        documented_information_note=_text(model.documented_information_note),
        mandatory=model.mandatory,
        plain=_plain(model.plain),
        applicability=_text(model.applicability),
        legal_refs=tuple(model.legal_refs),
    )


def _section(model: SectionModel) -> Section:
    children = tuple(_section(c) if isinstance(c, SectionModel) else _item(c) for c in model.items)
    return Section(key=model.key, ref=model.ref or model.key, title=Text(model.title.de, model.title.en),
                   intro=_text(model.intro), children=children)


def _award(model: AwardModel | None) -> AwardRules | None:
    if model is None:
        return None
    return AwardRules(
        must_items=tuple(model.must_items),
        min_fulfilled_share=model.min_fulfilled_share,
        measures_implemented=model.measures.implemented if model.measures else None,
        measures_planned=model.measures.planned if model.measures else None,
        measures_per_year=(model.measures.per_year or None) if model.measures else None,
        note=_text(model.note),
    )


def _top_section(model: SectionModel | IncludeModel, included: dict[str, Checklist]) -> Section:
    if isinstance(model, SectionModel):
        return _section(model)
    return Section(key=model.key, ref=model.ref or model.key, title=Text(model.title.de, model.title.en),
                   intro=_text(model.intro), children=included[model.include].sections)


def _mappings(model: CatalogueModel, included: dict[str, Checklist]) -> tuple[Mapping, ...]:
    """The written mappings, plus ``equal`` for every item taken over from an included catalogue."""
    result = [Mapping(target=m.target, key=r.key, to=r.to, relation=Relation(r.type))
              for m in model.mappings for r in m.relations]
    for top in model.sections:
        if isinstance(top, IncludeModel):
            result.extend(Mapping(target=top.include, key=i.key, to=i.key, relation=Relation.EQUAL)
                          for i in included[top.include].items())
    return tuple(result)


def _to_checklist(model: CatalogueModel, scale: ScaleModel,
                  included: dict[str, Checklist] | None = None) -> Checklist:
    included = included or {}
    checklist = Checklist(
        id=model.id,
        scheme=model.scheme,
        edition=model.edition,
        status=model.status,
        title=Text(model.title.de, model.title.en),
        description=_text(model.description),
        source=_text(model.source),
        scale=AnswerScale(
            key=scale.key,
            options=tuple(AnswerOption(o.key, Text(o.label.de, o.label.en), o.shortcut, Rating(o.rating),
                                       plain_label=_text(o.plain_label))
                          for o in scale.options),
        ),
        sections=tuple(_top_section(s, included) for s in model.sections),
        schema_version=model.schema_version,
        modes=tuple(CatalogueMode(m).value for m in model.modes),
        mappings=_mappings(model, included),
        award=_award(model.award),
    )
    return dataclasses.replace(checklist, fingerprint=hashlib.sha256(snapshot_bytes(checklist)).hexdigest())


def _canonical_json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


# --------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------


def _resolve_includes(file: str, model: CatalogueModel, scale_key: str, folders: tuple[Path, ...],
                      allow: bool) -> tuple[dict[str, Checklist], list[CatalogueProblem]]:
    """Load the catalogues this one includes by reference and check they fit."""
    included: dict[str, Checklist] = {}
    problems: list[CatalogueProblem] = []
    own_keys = {node.key for _, node in _walk(model.sections)}
    for index, top in enumerate(model.sections):
        if not isinstance(top, IncludeModel):
            continue
        where = f"sections[{index}].include"
        if not allow:
            problems.append(_problem(file, where, top.key, N_(
                "an included catalogue cannot include another catalogue itself.")))
            continue
        if top.include in included:
            problems.append(_problem(file, where, top.key, N_("the catalogue {id} is included twice."),
                                     id=top.include))
            continue
        path = next((f / f"{top.include}.yaml" for f in folders if (f / f"{top.include}.yaml").is_file()), None)
        if path is None:
            problems.append(_problem(file, where, top.key, N_(
                "the included catalogue {id} does not exist (it must be the file {id}.yaml beside this one)."),
                id=top.include))
            continue
        data, read_problems = _read_yaml(path)
        other, other_problems = (None, read_problems) if read_problems else \
            _validate(data, str(path), folders[-1], (path.parent,), allow_include=False)
        if other is None:
            problems.append(_problem(file, where, top.key, N_("the included catalogue {id} is not valid."),
                                     id=top.include))
            problems.extend(other_problems)
            continue
        if other.scale.key != scale_key:
            problems.append(_problem(file, where, top.key, N_(
                "the included catalogue {id} uses the answer scale {other}, this one {scale}; "
                "both must use the same."), id=top.include, other=other.scale.key, scale=scale_key))
            continue
        other_keys = {s.key for s in other.all_sections()} | {i.key for i in other.items()}
        clashes = sorted(other_keys & own_keys)
        if clashes:
            problems.append(_problem(file, where, top.key, N_(
                "keys of the included catalogue {id} are also used here: {keys}."),
                id=top.include, keys=", ".join(clashes[:10])))
            continue
        included[top.include] = other
    return included, problems


def _check_references(file: str, model: CatalogueModel, checklist: Checklist) -> list[CatalogueProblem]:
    """Mapping keys and award items must be items of this catalogue; mappings not doubled."""
    problems = []
    items = {i.key for i in checklist.items()}
    targets: set[str] = set()
    for m_index, mapping in enumerate(model.mappings):
        where = f"mappings[{m_index}]"
        if mapping.target == model.id:
            problems.append(_problem(file, f"{where}.target", None,
                                     N_("a catalogue cannot be mapped to itself.")))
        if mapping.target in targets:
            problems.append(_problem(file, f"{where}.target", None, N_(
                "the target {id} has two mapping blocks; put its relations in one."), id=mapping.target))
        targets.add(mapping.target)
        seen: set[tuple[str, str]] = set()
        for r_index, rel in enumerate(mapping.relations):
            if rel.key not in items:
                problems.append(_problem(file, f"{where}.relations[{r_index}].key", rel.key, N_(
                    "the mapping names the item {key}, which this catalogue does not have."), key=rel.key))
            if (rel.key, rel.to) in seen:
                problems.append(_problem(file, f"{where}.relations[{r_index}]", rel.key, N_(
                    "the relation {key} → {to} is listed twice."), key=rel.key, to=rel.to))
            seen.add((rel.key, rel.to))
    if model.award is not None:
        for index, key in enumerate(model.award.must_items):
            if key not in items:
                problems.append(_problem(file, f"award.must_items[{index}]", key, N_(
                    "the must criterion {key} is not an item of this catalogue."), key=key))
    return problems


def _validate(data: Any, file: str, forms_dir: Path, folders: tuple[Path, ...] = (),
              allow_include: bool = True) -> tuple[Checklist | None, list[CatalogueProblem]]:
    try:
        model = CatalogueModel.model_validate(data)
    except ValidationError as exc:
        return None, _problems_from_validation(file, data, exc)
    problems = _check_keys(file, model) + _check_modes(file, model)
    if isinstance(model.answer_scale, ScaleModel):
        scale: ScaleModel | None = model.answer_scale
        problems += _check_scale(file, model.answer_scale, "answer_scale")
    else:
        scale, scale_problems = _load_scale(model.answer_scale, forms_dir, file)
        problems += scale_problems
    if problems or scale is None:
        return None, problems
    included, problems = _resolve_includes(file, model, scale.key, (*folders, forms_dir), allow_include)
    if problems:
        return None, problems
    checklist = _to_checklist(model, scale, included)
    problems = _check_references(file, model, checklist)
    if problems:
        return None, problems
    return checklist, []


def check_file(path: str | Path, forms_dir: Path | None = None) -> tuple[Checklist | None, list[CatalogueProblem]]:
    """Validate one catalogue file: the checklist, or the list of problems."""
    path = Path(path)
    data, problems = _read_yaml(path)
    if problems:
        return None, problems
    return _validate(data, str(path), forms_dir or paths.forms_dir(), (path.parent,))


def load_catalogue(path: str | Path, forms_dir: Path | None = None) -> Checklist:
    """Load and validate one catalogue file; raises :class:`CatalogueError`."""
    checklist, problems = check_file(path, forms_dir)
    if checklist is None:
        raise CatalogueError(str(path), problems)
    return checklist


def checklist_snapshot(checklist: Checklist) -> dict[str, Any]:
    """The normalised catalogue as plain JSON data (what an audit stores and keeps).

    The optional fields added to format version 1 later (``modes``, ``plain``, ``plain_label``,
    ``applicability``, ``legal_refs``, ``award``) appear only when they say something, so the snapshot, and with it the fingerprint, of a
    catalogue that does not use them stays what it was before they existed.
    """

    def text(t: Text | None) -> dict[str, str] | None:
        return None if t is None else t.to_dict()

    def plain(p: PlainText | None) -> dict[str, Any] | None:
        if p is None:
            return None
        data = {"question": text(p.question), "why": text(p.why), "proof": text(p.proof), "todo": text(p.todo)}
        return {k: v for k, v in data.items() if v is not None}

    def option(o: AnswerOption) -> dict[str, Any]:
        data: dict[str, Any] = {"key": o.key, "label": text(o.label), "shortcut": o.shortcut,
                                "rating": o.rating.value, "plain_label": text(o.plain_label)}
        return {k: v for k, v in data.items() if v is not None}

    def item(i: Item) -> dict[str, Any]:
        data: dict[str, Any] = {
            "key": i.key, "ref": i.ref, "title": text(i.title),
            "questions": [text(q) for q in i.questions],
            "guidance": text(i.guidance),
            "evidence": [text(e) for e in i.evidence],
            "documented_information": i.documented_information.value,
            "documented_information_note": text(i.documented_information_note),
            "mandatory": i.mandatory,
            "plain": plain(i.plain),
            "applicability": text(i.applicability),
            "legal_refs": list(i.legal_refs) or None,
        }
        return {k: v for k, v in data.items() if v is not None}

    def award(a: AwardRules | None) -> dict[str, Any] | None:
        if a is None:
            return None
        measures = None
        if a.measures_implemented is not None or a.measures_planned is not None or a.measures_per_year:
            measures = {"implemented": a.measures_implemented or 0, "planned": a.measures_planned or 0}
            if a.measures_per_year:  # only when set, so older snapshots and fingerprints stay as they were
                measures["per_year"] = a.measures_per_year
        data = {"must_items": list(a.must_items), "min_fulfilled_share": a.min_fulfilled_share,
                "measures": measures, "note": text(a.note)}
        return {k: v for k, v in data.items() if v is not None}

    def section(s: Section) -> dict[str, Any]:
        data: dict[str, Any] = {
            "key": s.key, "ref": s.ref, "title": text(s.title), "intro": text(s.intro),
            "items": [section(c) if isinstance(c, Section) else item(c) for c in s.children],
        }
        return {k: v for k, v in data.items() if v is not None}

    data: dict[str, Any] = {
        "schema_version": checklist.schema_version,
        "id": checklist.id,
        "scheme": checklist.scheme,
        "edition": checklist.edition,
        "status": checklist.status,
        "title": text(checklist.title),
        "description": text(checklist.description),
        "source": text(checklist.source),
        "modes": None if checklist.modes == (CatalogueMode.AUDIT.value,) else list(checklist.modes),
        "answer_scale": {
            "key": checklist.scale.key,
            "options": [option(o) for o in checklist.scale.options],
        },
        "sections": [section(s) for s in checklist.sections],
        "award": award(checklist.award),
    }
    return {k: v for k, v in data.items() if v is not None}


def checklist_from_snapshot(data: dict[str, Any], origin: str = "snapshot") -> Checklist:
    """Rebuild a checklist from :func:`checklist_snapshot` data (validated like a file)."""
    checklist, problems = _validate(data, origin, paths.forms_dir())
    if checklist is None:
        raise CatalogueError(origin, problems)
    return checklist


def snapshot_bytes(checklist: Checklist) -> bytes:
    return _canonical_json(checklist_snapshot(checklist))


def with_module(host: Checklist, module: Checklist) -> Checklist:
    """``host`` with the sections of ``module`` added at the end (the legal register added to an
    audit): answered on the host's scale, keys unchanged. Raises :class:`UserInputError` when a
    key would be used twice."""
    host_keys = {s.key for s in host.all_sections()} | {i.key for i in host.items()}
    module_keys = {s.key for s in module.all_sections()} | {i.key for i in module.items()}
    clashes = sorted(host_keys & module_keys)
    if clashes:
        raise UserInputError(N_("The catalogue {module} cannot be added to {host}: both use the keys {keys}."),
                             module=module.id, host=host.id, keys=", ".join(clashes[:5]))
    combined = dataclasses.replace(host, sections=host.sections + module.sections, fingerprint="",
                                   _item_index={})
    return dataclasses.replace(combined, fingerprint=hashlib.sha256(snapshot_bytes(combined)).hexdigest())


def mapping_problems(checklists: list[Checklist], files: dict[str, str]) -> list[CatalogueProblem]:
    """Relations naming a catalogue or an item (``to``) that the given catalogues do not have."""
    problems = []
    for p in MappingIndex(checklists).problems:
        file = files.get(p.catalogue_id, p.catalogue_id)
        if p.kind == "catalogue":
            problems.append(_problem(file, "mappings", p.key, N_(
                "the mapping target {target} is not a known catalogue."), target=p.target))
        elif p.kind == "key":
            problems.append(_problem(file, "mappings", p.key, N_(
                "the mapping names the item {key}, which this catalogue does not have."), key=p.key))
        else:
            problems.append(_problem(file, "mappings", p.key, N_(
                "the mapping {key} → {to} names an item {to} that {target} does not have."),
                key=p.key, to=p.to, target=p.target))
    return problems


@dataclass(frozen=True, slots=True)
class _Entry:
    path: Path
    mtime_ns: int
    checklist: Checklist | None
    problems: tuple[CatalogueProblem, ...]


class CatalogueRegistry:
    """The catalogues shipped in ``forms/`` (plus any extra folders), loaded lazily and cached."""

    def __init__(self, *folders: Path) -> None:
        self._folders = folders or (paths.forms_dir(),)
        self._entries: dict[Path, _Entry] = {}
        self._lock = threading.Lock()

    def _files(self) -> list[Path]:
        files: list[Path] = []
        for folder in self._folders:
            files.extend(sorted(p for p in folder.glob("*.yaml") if p.is_file()))
        return files

    def _refresh(self) -> list[_Entry]:
        with self._lock:
            entries = []
            for path in self._files():
                mtime = path.stat().st_mtime_ns
                entry = self._entries.get(path)
                if entry is None or entry.mtime_ns != mtime:
                    checklist, problems = check_file(path, path.parent)
                    entry = _Entry(path, mtime, checklist, tuple(problems))
                    self._entries[path] = entry
                entries.append(entry)
            return entries

    def checklists(self) -> list[Checklist]:
        return [e.checklist for e in self._refresh() if e.checklist is not None]

    def problems(self) -> list[CatalogueProblem]:
        entries = self._refresh()
        return [p for e in entries for p in e.problems] + mapping_problems(
            [e.checklist for e in entries if e.checklist is not None],
            {e.checklist.id: str(e.path) for e in entries if e.checklist is not None})

    def infos(self) -> list[CatalogueInfo]:
        infos = []
        for entry in self._refresh():
            c = entry.checklist
            if c is not None:
                infos.append(CatalogueInfo(id=c.id, scheme=c.scheme, edition=c.edition, status=c.status,
                                           title=c.title, item_count=sum(1 for _ in c.items()),
                                           path=str(entry.path)))
        return sorted(infos, key=lambda i: (i.scheme, i.edition, i.id))

    def get(self, ref: str) -> Checklist:
        """A catalogue by id (``iso14001-2015``), ``scheme:edition`` or scheme (newest published)."""
        checklists = self.checklists()
        wanted = ref.strip().lower()
        for c in checklists:
            if c.id == wanted or f"{c.scheme}:{c.edition}".lower() == wanted:
                return c
        candidates = [c for c in checklists if c.scheme == wanted and c.status == "published"]
        if candidates:
            return max(candidates, key=lambda c: c.edition)
        raise NotFoundError(N_("There is no catalogue {ref}. Known catalogues: {known}."),
                            ref=ref, known=", ".join(sorted(c.id for c in checklists)) or "-")
