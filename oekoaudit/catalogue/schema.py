"""The catalogue schema (format version 1), as pydantic models.

``forms/schema/catalogue.schema.json`` is generated from :class:`CatalogueModel`
(``python build/build_schema.py``); a test keeps it in step. The format is documented in
``docs/catalogue-format.md``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, StringConstraints, Tag

from oekoaudit.domain.checklist import CatalogueMode, DocumentedInformation, Rating, Relation

KEY_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"

Key = Annotated[str, StringConstraints(pattern=KEY_PATTERN, max_length=64)]
CatalogueId = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=64)]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TextModel(_Strict):
    """A text in German and English; both are required."""

    de: NonEmpty
    en: NonEmpty


class OptionModel(_Strict):
    key: Key
    label: TextModel
    shortcut: Annotated[str, StringConstraints(min_length=1, max_length=1)]
    rating: Rating
    plain_label: TextModel | None = None


class ScaleModel(_Strict):
    key: Key
    options: Annotated[list[OptionModel], Field(min_length=2)]


class PlainTextModel(_Strict):
    """An item in plain words, for a business owner's guided self-assessment."""

    question: TextModel
    why: TextModel | None = None
    proof: TextModel | None = None
    todo: TextModel | None = None


class ItemModel(_Strict):
    key: Key
    ref: str | None = None
    title: TextModel
    questions: Annotated[list[TextModel], Field(min_length=1)]
    guidance: TextModel | None = None
    evidence: list[TextModel] = []
    documented_information: DocumentedInformation = DocumentedInformation.NONE
    documented_information_note: TextModel | None = None
    mandatory: bool = True
    plain: PlainTextModel | None = None
    applicability: TextModel | None = None
    legal_refs: list[NonEmpty] = []


def _node_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "section" if "items" in value else "item"
    return "section" if hasattr(value, "items") and isinstance(value.items, list) else "item"


def _top_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "include" if "include" in value and "items" not in value else "section"
    return "include" if isinstance(value, IncludeModel) else "section"


Node = Annotated[
    Annotated["SectionModel", Tag("section")] | Annotated[ItemModel, Tag("item")],
    Discriminator(_node_kind),
]


class SectionModel(_Strict):
    key: Key
    ref: str | None = None
    title: TextModel
    intro: TextModel | None = None
    items: Annotated[list[Node], Field(min_length=1)]


class IncludeModel(_Strict):
    """A top-level section whose items are those of another catalogue, by reference."""

    key: Key
    ref: str | None = None
    title: TextModel
    intro: TextModel | None = None
    include: CatalogueId


TopSection = Annotated[
    Annotated[SectionModel, Tag("section")] | Annotated[IncludeModel, Tag("include")],
    Discriminator(_top_kind),
]


class RelationModel(_Strict):
    key: Key
    to: Key
    type: Relation


class MappingModel(_Strict):
    target: CatalogueId
    relations: Annotated[list[RelationModel], Field(min_length=1)]


class AwardMeasuresModel(_Strict):
    implemented: Annotated[int, Field(ge=0)] = 0
    planned: Annotated[int, Field(ge=0)] = 0
    #: documented (not dropped) measures in each programme year, e.g. QuB's one a year
    per_year: Annotated[int, Field(ge=0)] = 0


class AwardModel(_Strict):
    must_items: list[Key] = []
    min_fulfilled_share: Annotated[float, Field(ge=0, le=1)] | None = None
    measures: AwardMeasuresModel | None = None
    note: TextModel | None = None


class CatalogueModel(_Strict):
    """A checklist catalogue file."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        title="oekoaudit checklist catalogue",
        json_schema_extra={"$id": "https://oekoaudit.invalid/schema/catalogue-1.json"},
    )

    schema_version: Literal[1]
    id: CatalogueId
    scheme: CatalogueId
    edition: NonEmpty
    status: Literal["draft", "published"]
    title: TextModel
    description: TextModel | None = None
    source: TextModel | None = None
    modes: Annotated[list[CatalogueMode], Field(min_length=1)] = [CatalogueMode.AUDIT]
    answer_scale: Key | ScaleModel
    sections: Annotated[list[TopSection], Field(min_length=1)]
    mappings: list[MappingModel] = []
    award: AwardModel | None = None


SectionModel.model_rebuild()
CatalogueModel.model_rebuild()

#: pydantic error types that describe the location well enough on their own; the rest fall
#: back to pydantic's English message.
ERROR_TYPE_TAGS = {
    "string_type",
    "int_type",
    "bool_type",
    "bool_parsing",
    "list_type",
    "dict_type",
    "model_type",
    "model_attributes_type",
    "missing",
    "extra_forbidden",
    "string_too_short",
    "string_too_long",
    "string_pattern_mismatch",
    "too_short",
    "literal_error",
    "enum",
    "union_tag_invalid",
    "greater_than_equal",
    "less_than_equal",
    "float_type",
    "float_parsing",
}
