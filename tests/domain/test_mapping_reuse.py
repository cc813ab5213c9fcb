"""The mapping graph and the pure reuse functions: relations, chains, carry-over, gap, comparison, award."""

from __future__ import annotations

from datetime import datetime

import pytest

from oekoaudit.domain.audit import Answer
from oekoaudit.domain.award import AwardRule, evaluate_award
from oekoaudit.domain.checklist import (
    AnswerOption,
    AnswerScale,
    AwardRules,
    Checklist,
    Item,
    Mapping,
    Rating,
    Relation,
    Section,
    Text,
)
from oekoaudit.domain.mapping import MappingIndex
from oekoaudit.domain.programme import Measure, MeasureStatus
from oekoaudit.domain.reuse import ChangeKind, GapStatus, carry_answers, compare, gap

R = Relation


def _scale(*ratings: Rating) -> AnswerScale:
    return AnswerScale("s", tuple(AnswerOption(r.value, Text(r.value, r.value), str(i), r)
                                  for i, r in enumerate(ratings)))


STANDARD = _scale(Rating.OPEN, Rating.CONFORM, Rating.MINOR_NC, Rating.MAJOR_NC, Rating.OBSERVATION,
                  Rating.IMPROVEMENT, Rating.NOT_APPLICABLE)
FULFILMENT = _scale(Rating.OPEN, Rating.CONFORM, Rating.MINOR_NC, Rating.MAJOR_NC, Rating.NOT_APPLICABLE)


def _checklist(cid: str, keys: list[str], mappings: tuple[Mapping, ...] = (), scale: AnswerScale = STANDARD,
               award: AwardRules | None = None) -> Checklist:
    items = tuple(Item(k, k, Text(k, k), (Text("?", "?"),), None, ()) for k in keys)
    return Checklist(cid, cid, "1", "published", Text(cid, cid), None, None, scale,
                     (Section("s", "s", Text("S", "S"), None, items),), mappings=mappings, award=award)


def _answers(**results: str) -> dict[str, Answer]:
    answers = {}
    for key, value in results.items():
        key = key.replace("_", ".")
        carried = value.startswith("~")
        result, _, note = value.lstrip("~").partition("|")
        answers[key] = Answer(key, result, Rating(result), note, carried, datetime(2025, 1, 1), 1)
    return answers


@pytest.mark.parametrize(("a", "b", "chained"), [
    (R.EQUAL, R.SUBSET, R.SUBSET), (R.SUPERSET, R.EQUAL, R.SUPERSET), (R.SUBSET, R.SUBSET, R.SUBSET),
    (R.SUPERSET, R.SUPERSET, R.SUPERSET), (R.SUBSET, R.SUPERSET, R.INTERSECT), (R.INTERSECT, R.EQUAL, R.INTERSECT),
])
def test_relations_chain_and_invert(a: Relation, b: Relation, chained: Relation) -> None:
    assert a.then(b) is chained
    assert R.SUBSET.inverse() is R.SUPERSET and R.EQUAL.inverse() is R.EQUAL and R.INTERSECT.inverse() is R.INTERSECT
    assert R.EQUAL.carries_answer and R.SUPERSET.carries_answer
    assert not R.SUBSET.carries_answer and not R.INTERSECT.carries_answer


def test_index_reads_mappings_both_ways_and_chains_through_a_third_catalogue() -> None:
    old = _checklist("iso-old", ["4.1", "6.1.1", "6.1.4"])
    new = _checklist("iso-new", ["4.1", "6.1.5", "6.3"], (
        Mapping("iso-old", "4.1", "4.1", R.SUPERSET), Mapping("iso-old", "6.1.5", "6.1.4", R.EQUAL)))
    small = _checklist("qub", ["q1", "q2", "q3"], (
        Mapping("iso-old", "q1", "4.1", R.SUBSET), Mapping("iso-old", "q2", "6.1.4", R.EQUAL),
        Mapping("iso-old", "q9", "4.1", R.EQUAL), Mapping("nowhere", "q1", "x", R.EQUAL),
        Mapping("iso-old", "q3", "9.9", R.EQUAL)))
    index = MappingIndex([old, new, small])
    # written from new to old; read from old to new as the inverse
    back = {(link.source_key, link.target_key): link.relation for link in index.links("iso-old", "iso-new")}
    assert back == {("4.1", "4.1"): R.SUBSET, ("6.1.4", "6.1.5"): R.EQUAL}
    # qub → iso-new has no direct mapping: chained through iso-old
    chained = index.links("qub", "iso-new")
    assert {(x.source_key, x.target_key, x.relation, x.via) for x in chained} == {
        ("q1", "4.1", R.SUBSET, "iso-old"),  # subset then (4.1 old subset of 4.1 new) = subset
        ("q2", "6.1.5", R.EQUAL, "iso-old"),
    }
    # the same catalogue maps each item onto itself
    assert [x.relation for x in index.links("qub", "qub")] == [R.EQUAL] * 3
    # relations to unknown catalogues or items are reported, not used
    kinds = {(p.target, p.to, p.kind) for p in index.problems}
    assert kinds == {("nowhere", "x", "catalogue"), ("iso-old", "9.9", "item"), ("iso-old", "4.1", "key")}


def test_carry_over_moves_answers_only_where_the_old_item_asks_for_as_much() -> None:
    source = _checklist("a", ["x", "y", "z", "w", "v"], scale=STANDARD)
    target = _checklist("b", ["X", "Y", "Z", "W"], scale=FULFILMENT)
    links = MappingIndex([source, _checklist("b", ["X", "Y", "Z", "W"], (
        Mapping("a", "X", "x", R.EQUAL), Mapping("a", "Y", "y", R.SUBSET), Mapping("a", "Y", "v", R.SUBSET),
        Mapping("a", "Z", "z", R.SUPERSET), Mapping("a", "W", "w", R.EQUAL)), scale=FULFILMENT)])
    by_target: dict = {}
    for link in links.links("a", "b"):
        by_target.setdefault(link.target_key, []).append(link)
    answers = _answers(x="observation|Notiz x", y="major_nc", z="conform|Notiz z", w="~conform|unbestätigt",
                       v="minor_nc")
    carried = {c.target_key: c for c in carry_answers(source, answers, target, by_target, "a")}
    # equal: the result travels (an observation becomes conform on a scale without observations)
    assert carried["X"].result == "conform" and carried["X"].note == "[a x] Notiz x"
    # z asks for less than Z (source subset of the target): the note travels, the result does not
    assert carried["Z"].result == "open" and "[a z] Notiz z" in carried["Z"].note
    # Y is asked in more detail by y and v (supersets of it): the most serious result wins
    assert carried["Y"].result == "major_nc" and carried["Y"].source_keys == ("v", "y")
    # an answer that was itself carried over and never confirmed does not travel
    assert "W" not in carried


def test_gap_statuses() -> None:
    source = _checklist("a", ["x", "y", "z", "n"])
    target = _checklist("t", ["covered", "partly", "nc", "open", "missing"], (
        Mapping("a", "covered", "x", R.SUBSET), Mapping("a", "partly", "y", R.INTERSECT),
        Mapping("a", "nc", "z", R.EQUAL), Mapping("a", "open", "n", R.EQUAL)))
    index = MappingIndex([source, target])
    by_target: dict = {}
    for link in index.links("a", "t"):
        by_target.setdefault(link.target_key, []).append(link)
    result = gap(source, _answers(x="conform", y="conform", z="minor_nc", n="~conform"), target, by_target)
    assert {i.key: i.status for i in result.items} == {
        "covered": GapStatus.COVERED, "partly": GapStatus.PARTLY, "nc": GapStatus.NONCONFORM,
        "open": GapStatus.NOT_ASSESSED, "missing": GapStatus.MISSING}
    assert result.covered_percent == 20 and result.counts[GapStatus.MISSING] == 1


def test_compare_classifies_every_item() -> None:
    earlier = _checklist("a", ["1", "2", "3", "4", "5", "6", "old"])
    later = _checklist("a", ["1", "2", "3", "4", "5", "6", "new"])
    links = [x for x in MappingIndex([earlier]).links("a", "a") if x.source_key != "old"]
    rows = {r.key: r.change for r in compare(
        earlier, _answers(**{"1": "major_nc", "2": "conform", "3": "minor_nc", "4": "observation",
                             "5": "conform", "6": "conform", "old": "conform"}),
        later, _answers(**{"1": "minor_nc", "2": "minor_nc", "3": "conform", "4": "conform", "5": "conform",
                           "new": "conform"}), links)}
    assert rows == {"1": ChangeKind.IMPROVED, "2": ChangeKind.NEW_NC, "3": ChangeKind.CLOSED,
                    "4": ChangeKind.IMPROVED, "5": ChangeKind.UNCHANGED, "6": ChangeKind.NOT_ASSESSED,
                    "new": ChangeKind.NEW_ITEM, "old": ChangeKind.DROPPED}


def test_award_rules() -> None:
    rules = AwardRules(must_items=("m1", "m2"), min_fulfilled_share=0.5, measures_implemented=2, measures_planned=1)
    checklist = _checklist("o", ["m1", "m2", "a", "b"], scale=FULFILMENT, award=rules)

    def measure(status: MeasureStatus) -> Measure:
        return Measure(id="x", organisation_id="o", title="t", status=status)

    result = evaluate_award(checklist, _answers(m1="conform", m2="not_applicable", a="conform", b="major_nc"),
                            [measure(MeasureStatus.DONE), measure(MeasureStatus.DONE),
                             measure(MeasureStatus.IN_PROGRESS), measure(MeasureStatus.DROPPED)])
    assert result is not None and result.passed
    result = evaluate_award(checklist, _answers(m1="minor_nc", a="major_nc"), [measure(MeasureStatus.DONE)])
    assert result is not None and not result.passed
    failed = {(c.rule, c.key, c.assessed) for c in result.failed}
    assert failed == {(AwardRule.MUST_ITEM, "m1", True), (AwardRule.MUST_ITEM, "m2", False),
                      (AwardRule.FULFILLED_SHARE, None, True), (AwardRule.MEASURES_IMPLEMENTED, None, True),
                      (AwardRule.MEASURES_PLANNED, None, True)}
    assert evaluate_award(_checklist("p", ["a"]), {}, []) is None
