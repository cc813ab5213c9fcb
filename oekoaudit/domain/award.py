"""Whether an audit meets a scheme's award rules (ÖKOPROFIT's Muss-Kriterien and measure counts).

Measure rules: ``measures_implemented`` (done), ``measures_planned`` (planned or in progress)
and ``measures_per_year`` (QuB: at least N documented measures in each programme year; one
check per year asked for, see :func:`evaluate_award`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from oekoaudit.domain.audit import Answer
from oekoaudit.domain.checklist import Checklist, Rating
from oekoaudit.domain.programme import Measure, MeasureStatus, measure_year
from oekoaudit.domain.reuse import assessed_rating


class AwardRule(StrEnum):
    MUST_ITEM = "must_item"
    FULFILLED_SHARE = "fulfilled_share"
    MEASURES_IMPLEMENTED = "measures_implemented"
    MEASURES_PLANNED = "measures_planned"
    MEASURES_PER_YEAR = "measures_per_year"


@dataclass(frozen=True, slots=True)
class AwardCheck:
    rule: AwardRule
    #: the item of a must criterion
    key: str | None
    #: what is asked: 1 for a must item, a share (0–1) or a number of measures
    required: float
    actual: float
    passed: bool
    #: False while a must item is still unanswered (the check cannot pass yet)
    assessed: bool = True
    #: the programme year of a measures-per-year check
    year: int | None = None


@dataclass(frozen=True, slots=True)
class AwardResult:
    checks: tuple[AwardCheck, ...]

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    @property
    def failed(self) -> tuple[AwardCheck, ...]:
        return tuple(c for c in self.checks if not c.passed)


_PASSING = frozenset({Rating.CONFORM, Rating.NOT_APPLICABLE})


def evaluate_award(checklist: Checklist, answers: Mapping[str, Answer],
                   measures: Iterable[Measure], *, years: Iterable[int] | None = None) -> AwardResult | None:
    """The award checks of the catalogue's rules, or None if the catalogue has none.

    ``years``: the programme years the per-year rule is checked for, one check each (an audit
    passes its own year, a recertification the years since the last one); default: this year.
    A measure counts for the year :func:`~oekoaudit.domain.programme.measure_year` gives it
    (done: completed; otherwise due, start, entered); dropped measures do not count.
    """
    rules = checklist.award
    if rules is None:
        return None
    checks = []
    for key in rules.must_items:
        rating = assessed_rating(answers.get(key))
        checks.append(AwardCheck(AwardRule.MUST_ITEM, key, 1, 1 if rating in _PASSING else 0,
                                 rating in _PASSING, assessed=rating is not Rating.OPEN))
    if rules.min_fulfilled_share is not None:
        ratings = [assessed_rating(answers.get(item.key)) for item in checklist.items()]
        applicable = [r for r in ratings if r is not Rating.NOT_APPLICABLE]
        share = (sum(1 for r in applicable if r is Rating.CONFORM) / len(applicable)) if applicable else 1.0
        checks.append(AwardCheck(AwardRule.FULFILLED_SHARE, None, rules.min_fulfilled_share, round(share, 4),
                                 share + 1e-9 >= rules.min_fulfilled_share))
    measures = list(measures)
    if rules.measures_implemented:
        done = sum(1 for m in measures if m.status is MeasureStatus.DONE)
        checks.append(AwardCheck(AwardRule.MEASURES_IMPLEMENTED, None, rules.measures_implemented, done,
                                 done >= rules.measures_implemented))
    if rules.measures_planned:
        planned = sum(1 for m in measures if m.status in (MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS))
        checks.append(AwardCheck(AwardRule.MEASURES_PLANNED, None, rules.measures_planned, planned,
                                 planned >= rules.measures_planned))
    if rules.measures_per_year:
        per_year: dict[int | None, int] = {}
        for m in measures:
            if m.status is not MeasureStatus.DROPPED:
                year = measure_year(m)
                per_year[year] = per_year.get(year, 0) + 1
        for year in sorted(set(years) if years is not None else {date.today().year}):
            count = per_year.get(year, 0)
            # key: the year as text, so front ends that show "{key}" name the year without a change
            checks.append(AwardCheck(AwardRule.MEASURES_PER_YEAR, str(year), rules.measures_per_year, count,
                                     count >= rules.measures_per_year, year=year))
    return AwardResult(tuple(checks))
