"""A checklist catalogue as the rest of the program sees it (validated, immutable)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Text:
    """A bilingual text from a catalogue."""

    de: str
    en: str

    def get(self, lang: str) -> str:
        return (self.en or self.de) if lang == "en" else (self.de or self.en)

    def to_dict(self) -> dict[str, str]:
        return {"de": self.de, "en": self.en}


class Rating(StrEnum):
    """How an answer option counts in progress and results (shared by every scale)."""

    CONFORM = "conform"
    MINOR_NC = "minor_nc"
    MAJOR_NC = "major_nc"
    OBSERVATION = "observation"
    IMPROVEMENT = "improvement"
    NOT_APPLICABLE = "not_applicable"
    OPEN = "open"


#: Severity used for a section's result: the highest wins.
RATING_SEVERITY: dict[Rating, int] = {
    Rating.OPEN: -1,
    Rating.NOT_APPLICABLE: 0,
    Rating.CONFORM: 0,
    Rating.IMPROVEMENT: 1,
    Rating.OBSERVATION: 2,
    Rating.MINOR_NC: 3,
    Rating.MAJOR_NC: 4,
}


class CatalogueMode(StrEnum):
    """What a catalogue can be used for."""

    #: an auditor assesses the organisation against the criteria (the auditor's wording)
    AUDIT = "audit"
    #: the business owner checks the business themselves, guided by each item's plain block
    SELF_ASSESSMENT = "self_assessment"


class DocumentedInformation(StrEnum):
    NONE = "none"
    MAINTAIN = "maintain"
    RETAIN = "retain"
    MAINTAIN_AND_RETAIN = "maintain_and_retain"


@dataclass(frozen=True, slots=True)
class AnswerOption:
    key: str
    label: Text
    shortcut: str
    rating: Rating
    #: the option in everyday words for the self-assessment ("Ja, erledigt"); None: use ``label``
    plain_label: Text | None = None


@dataclass(frozen=True, slots=True)
class AnswerScale:
    key: str
    options: tuple[AnswerOption, ...]

    def option(self, key: str) -> AnswerOption | None:
        for opt in self.options:
            if opt.key == key:
                return opt
        return None

    @property
    def open_option(self) -> AnswerOption:
        return next(o for o in self.options if o.rating is Rating.OPEN)

    def by_shortcut(self, shortcut: str) -> AnswerOption | None:
        for opt in self.options:
            if opt.shortcut == shortcut:
                return opt
        return None


@dataclass(frozen=True, slots=True)
class PlainText:
    """An item in plain words, for a business owner's guided self-assessment."""

    #: the question in plain language ("Wissen Sie, welche Abfälle bei Ihnen anfallen?")
    question: Text
    #: why it matters
    why: Text | None = None
    #: what would count as proof
    proof: Text | None = None
    #: what to do if it is not fulfilled yet (it may become a measure)
    todo: Text | None = None


@dataclass(frozen=True, slots=True)
class Item:
    key: str
    ref: str
    title: Text
    questions: tuple[Text, ...]
    guidance: Text | None
    evidence: tuple[Text, ...]
    documented_information: DocumentedInformation = DocumentedInformation.NONE
    documented_information_note: Text | None = None
    mandatory: bool = True
    #: the item in plain words for the self-assessment; required when the catalogue offers it
    plain: PlainText | None = None
    #: the question that decides whether the obligation applies at all (legal register)
    applicability: Text | None = None
    #: legal sources as cited ("GewAbfV §§ 3–4")
    legal_refs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    ref: str
    title: Text
    intro: Text | None
    children: tuple[Section | Item, ...]

    def items(self) -> Iterator[Item]:
        """Every item of this section and its sub-sections, in order."""
        for child in self.children:
            if isinstance(child, Item):
                yield child
            else:
                yield from child.items()

    def sections(self) -> Iterator[Section]:
        """This section and every sub-section, depth first."""
        yield self
        for child in self.children:
            if isinstance(child, Section):
                yield from child.sections()


class Relation(StrEnum):
    """How an item of one catalogue relates to an item of another."""

    #: both ask for the same
    EQUAL = "equal"
    #: this item asks for part of what the other asks
    SUBSET = "subset"
    #: this item asks for everything the other asks, and more
    SUPERSET = "superset"
    #: the two overlap in part
    INTERSECT = "intersect"

    def inverse(self) -> Relation:
        return {Relation.SUBSET: Relation.SUPERSET, Relation.SUPERSET: Relation.SUBSET}.get(self, self)

    def then(self, other: Relation) -> Relation:
        """The relation of a chain: this one, then ``other`` (A→B, B→C gives A→C)."""
        if self is Relation.EQUAL:
            return other
        if other is Relation.EQUAL:
            return self
        if self is other and self in (Relation.SUBSET, Relation.SUPERSET):
            return self
        return Relation.INTERSECT

    @property
    def carries_answer(self) -> bool:
        """Whether an answer to this item tells the answer to the other item (to be confirmed)."""
        return self in (Relation.EQUAL, Relation.SUPERSET)


@dataclass(frozen=True, slots=True)
class Mapping:
    """One line of a cross-walk: item ``key`` of this catalogue relates to ``to`` of ``target``."""

    target: str
    key: str
    to: str
    relation: Relation


@dataclass(frozen=True, slots=True)
class AwardRules:
    """What a scheme that grants an award (ÖKOPROFIT) asks for; configurable per edition."""

    #: the "Muss-Kriterien": each must be answered conform (or be not applicable)
    must_items: tuple[str, ...] = ()
    #: share of the applicable items that must be answered conform (0–1), if any
    min_fulfilled_share: float | None = None
    #: at least this many measures of the organisation done / planned or in progress
    measures_implemented: int | None = None
    measures_planned: int | None = None
    #: at least this many documented measures in each programme year (QuB: one a year)
    measures_per_year: int | None = None
    note: Text | None = None


@dataclass(frozen=True, slots=True)
class Checklist:
    id: str
    scheme: str
    edition: str
    status: str
    title: Text
    description: Text | None
    source: Text | None
    scale: AnswerScale
    sections: tuple[Section, ...]
    schema_version: int = 1
    #: the :class:`CatalogueMode` values this catalogue offers, in the file's order
    modes: tuple[str, ...] = (CatalogueMode.AUDIT.value,)
    #: SHA-256 of the normalised content; identifies the exact text an audit was run against.
    fingerprint: str = ""
    #: relations of this catalogue's items to other catalogues (not part of the snapshot)
    mappings: tuple[Mapping, ...] = field(default=(), compare=False)
    #: award rules, for schemes that grant one
    award: AwardRules | None = None
    _item_index: dict[str, Item] = field(default_factory=dict, compare=False, repr=False)

    @property
    def self_assessment(self) -> bool:
        """Whether the catalogue offers a guided self-assessment (every item has a plain block)."""
        return CatalogueMode.SELF_ASSESSMENT.value in self.modes

    def items(self) -> Iterator[Item]:
        for section in self.sections:
            yield from section.items()

    def all_sections(self) -> Iterator[Section]:
        for section in self.sections:
            yield from section.sections()

    def cite(self, ref: str) -> str:
        """How a finding cites one of its requirements: "ISO 14001:2015 8.1"."""
        return f"{self.title.get('en').split(' – ')[0]} {ref}".strip()

    def item(self, key: str) -> Item | None:
        if not self._item_index:
            self._item_index.update({i.key: i for i in self.items()})
        return self._item_index.get(key)


@dataclass(frozen=True, slots=True)
class CatalogueInfo:
    """One line of the catalogue list."""

    id: str
    scheme: str
    edition: str
    status: str
    title: Text
    item_count: int
    path: str
