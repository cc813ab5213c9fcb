"""What is already known, used again: carry-over, gap and recertification comparison.

Pure functions over checklists, answers and the links of :mod:`oekoaudit.domain.mapping`; the
services fetch the data and store the results.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from oekoaudit.domain.audit import Answer
from oekoaudit.domain.checklist import RATING_SEVERITY, AnswerOption, AnswerScale, Checklist, Rating, Relation
from oekoaudit.domain.mapping import RELATION_STRENGTH, Link

NONCONFORMING = frozenset({Rating.MINOR_NC, Rating.MAJOR_NC})

#: Where the target scale has no option of a rating, the nearest one that says the same about
#: conformity (an observation or an opportunity for improvement is not a nonconformity).
_FALLBACK = {Rating.OBSERVATION: Rating.CONFORM, Rating.IMPROVEMENT: Rating.CONFORM}


def assessed_rating(answer: Answer | None) -> Rating:
    """The rating an answer counts with: a carried-over answer not yet confirmed counts as open."""
    if answer is None or answer.carried_over:
        return Rating.OPEN
    return answer.rating


def option_for_rating(scale: AnswerScale, rating: Rating) -> AnswerOption | None:
    for wanted in (rating, _FALLBACK.get(rating)):
        for option in scale.options:
            if wanted is not None and option.rating is wanted:
                return option
    return None


# --------------------------------------------------------------------------------------
# Carry-over
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CarriedAnswer:
    """An answer proposed for an item of the new audit, to be confirmed by the auditor."""

    target_key: str
    #: an option of the target scale; the open option when only notes travel
    result: str
    note: str
    source_keys: tuple[str, ...]
    #: the strongest relation among the sources
    relation: Relation


def carry_answers(source: Checklist, answers: Mapping[str, Answer], target: Checklist,
                  links_by_target: Mapping[str, Sequence[Link]], source_label: str) -> list[CarriedAnswer]:
    """The answers of an earlier audit, moved to the items of a new one through the links.

    An answer travels where the earlier item asks for the same or for more (``equal``,
    ``superset``); where several do, the most serious result wins. Notes travel along every link,
    each marked with where it came from unless it comes from the same item (same key, equal).
    Nothing comes over from an item that was itself carried over and never confirmed.
    """
    carried = []
    open_key = target.scale.open_option.key
    for item in target.items():
        links = links_by_target.get(item.key, ())
        ratings: list[Rating] = []
        notes: list[str] = []
        used: list[Link] = []
        for link in links:
            answer = answers.get(link.source_key)
            source_item = source.item(link.source_key)
            if answer is None or source_item is None:
                continue
            rating = assessed_rating(answer)
            note = answer.note.strip() if not answer.carried_over else ""
            if rating is Rating.OPEN and not note:
                continue
            used.append(link)
            if link.relation.carries_answer and rating is not Rating.OPEN:
                ratings.append(rating)
            if note:
                same = link.relation is Relation.EQUAL and link.source_key == link.target_key
                notes.append(note if same else f"[{source_label} {source_item.ref}] {note}")
        if not used:
            continue
        result = open_key
        if ratings:
            worst = max(ratings, key=RATING_SEVERITY.__getitem__)
            option = option_for_rating(target.scale, worst)
            result = option.key if option is not None else open_key
        carried.append(CarriedAnswer(
            target_key=item.key, result=result, note="\n\n".join(notes),
            source_keys=tuple(link.source_key for link in used),
            relation=min((link.relation for link in used), key=_strength),
        ))
    return carried


def carry_target(links_by_source: Mapping[str, Sequence[Link]], source_key: str | None) -> str | None:
    """The item of the new audit that an earlier finding on ``source_key`` belongs to, if any."""
    if source_key is None:
        return None
    links = sorted(links_by_source.get(source_key, ()), key=lambda x: (_strength(x.relation), x.target_key))
    return links[0].target_key if links else None


def _strength(relation: Relation) -> int:
    return RELATION_STRENGTH[relation]


# --------------------------------------------------------------------------------------
# Gap: what is missing to reach another scheme
# --------------------------------------------------------------------------------------


class GapStatus(StrEnum):
    #: an item asking for the same or more was answered conform (or not applicable)
    COVERED = "covered"
    #: only items covering part of it were answered conform: the rest is still to be shown
    PARTLY = "partly"
    #: a related item has a nonconformity
    NONCONFORM = "nonconform"
    #: related items exist but have not been assessed
    NOT_ASSESSED = "not_assessed"
    #: nothing in the audit relates to it: it is new work
    MISSING = "missing"


#: Order of urgency for lists: what needs work first.
GAP_ORDER = {GapStatus.NONCONFORM: 0, GapStatus.MISSING: 1, GapStatus.NOT_ASSESSED: 2, GapStatus.PARTLY: 3,
             GapStatus.COVERED: 4}


@dataclass(frozen=True, slots=True)
class GapSource:
    key: str
    ref: str
    relation: Relation
    result: str
    rating: Rating


@dataclass(frozen=True, slots=True)
class GapItem:
    key: str
    ref: str
    section_key: str
    mandatory: bool
    status: GapStatus
    sources: tuple[GapSource, ...]


@dataclass(frozen=True, slots=True)
class Gap:
    source_id: str
    target_id: str
    items: tuple[GapItem, ...]

    @property
    def counts(self) -> dict[GapStatus, int]:
        counted = Counter(i.status for i in self.items)
        return {s: counted.get(s, 0) for s in GapStatus}

    @property
    def covered_percent(self) -> int:
        return round(100 * self.counts[GapStatus.COVERED] / len(self.items)) if self.items else 100


def gap(source: Checklist, answers: Mapping[str, Answer], target: Checklist,
        links_by_target: Mapping[str, Sequence[Link]]) -> Gap:
    items = []
    for section in target.sections:
        for item in section.items():
            sources = []
            for link in links_by_target.get(item.key, ()):
                source_item = source.item(link.source_key)
                if source_item is None:
                    continue
                answer = answers.get(link.source_key)
                rating = assessed_rating(answer)
                result = answer.result if answer is not None and rating is not Rating.OPEN \
                    else source.scale.open_option.key
                sources.append(GapSource(link.source_key, source_item.ref, link.relation, result, rating))
            items.append(GapItem(item.key, item.ref, section.key, item.mandatory, _gap_status(sources),
                                 tuple(sources)))
    return Gap(source.id, target.id, tuple(items))


def _gap_status(sources: Sequence[GapSource]) -> GapStatus:
    if not sources:
        return GapStatus.MISSING
    answered = [s for s in sources if s.rating is not Rating.OPEN]
    if any(s.rating in NONCONFORMING for s in answered):
        return GapStatus.NONCONFORM
    if any(s.relation.carries_answer for s in answered):
        return GapStatus.COVERED
    if answered:
        return GapStatus.PARTLY
    return GapStatus.NOT_ASSESSED


# --------------------------------------------------------------------------------------
# Recertification comparison
# --------------------------------------------------------------------------------------


class ChangeKind(StrEnum):
    IMPROVED = "improved"
    WORSENED = "worsened"
    NEW_NC = "new_nc"
    CLOSED = "closed"
    UNCHANGED = "unchanged"
    #: one of the two audits has no assessed answer for it
    NOT_ASSESSED = "not_assessed"
    #: only the later audit asks for it (no equal item in the earlier one)
    NEW_ITEM = "new_item"
    #: only the earlier audit asked for it
    DROPPED = "dropped"


@dataclass(frozen=True, slots=True)
class ComparedItem:
    key: str
    ref: str
    #: the earlier audit's item (None for a new item)
    earlier_key: str | None
    earlier_result: str | None
    earlier_rating: Rating | None
    later_result: str | None
    later_rating: Rating | None
    change: ChangeKind


def compare(earlier: Checklist, earlier_answers: Mapping[str, Answer], later: Checklist,
            later_answers: Mapping[str, Answer], links: Sequence[Link]) -> list[ComparedItem]:
    """Audit N against audit N−1, item by item (like for like: ``equal`` relations only)."""
    equal = {link.target_key: link.source_key for link in links if link.relation is Relation.EQUAL}
    used: set[str] = set()
    rows = []
    for item in later.items():
        later_answer = later_answers.get(item.key)
        later_rating = assessed_rating(later_answer)
        later_result = later_answer.result if later_answer is not None and later_rating is not Rating.OPEN else None
        source_key = equal.get(item.key)
        if source_key is None or earlier.item(source_key) is None:
            rows.append(ComparedItem(item.key, item.ref, None, None, None, later_result,
                                     later_rating if later_result else None, ChangeKind.NEW_ITEM))
            continue
        used.add(source_key)
        earlier_answer = earlier_answers.get(source_key)
        earlier_rating = assessed_rating(earlier_answer)
        earlier_result = earlier_answer.result if earlier_answer is not None and earlier_rating is not Rating.OPEN \
            else None
        rows.append(ComparedItem(item.key, item.ref, source_key, earlier_result,
                                 earlier_rating if earlier_result else None, later_result,
                                 later_rating if later_result else None,
                                 _change(earlier_rating, later_rating)))
    for item in earlier.items():
        if item.key in used:
            continue
        answer = earlier_answers.get(item.key)
        rating = assessed_rating(answer)
        result = answer.result if answer is not None and rating is not Rating.OPEN else None
        rows.append(ComparedItem(item.key, item.ref, item.key, result, rating if result else None, None, None,
                                 ChangeKind.DROPPED))
    return rows


def _change(before: Rating, after: Rating) -> ChangeKind:
    if before is Rating.OPEN or after is Rating.OPEN:
        return ChangeKind.NOT_ASSESSED
    was_nc, is_nc = before in NONCONFORMING, after in NONCONFORMING
    if is_nc and not was_nc:
        return ChangeKind.NEW_NC
    if was_nc and not is_nc:
        return ChangeKind.CLOSED
    a, b = RATING_SEVERITY[before], RATING_SEVERITY[after]
    if b < a:
        return ChangeKind.IMPROVED
    if b > a:
        return ChangeKind.WORSENED
    return ChangeKind.UNCHANGED
