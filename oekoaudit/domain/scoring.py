"""Progress and results of an audit, per section and overall (pure functions)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from oekoaudit.domain.checklist import RATING_SEVERITY, Checklist, Rating, Section


class Verdict(StrEnum):
    """The result of a section or a whole audit."""

    NOT_ASSESSED = "not_assessed"  # nothing answered yet
    CONFORM = "conform"  # every answered item conform or not applicable
    IMPROVEMENT = "improvement"  # conform, with opportunities for improvement
    OBSERVATION = "observation"  # conform, with observations
    MINOR_NC = "minor_nc"  # at least one minor nonconformity
    MAJOR_NC = "major_nc"  # at least one major nonconformity


_VERDICT_FOR_RATING = {
    Rating.CONFORM: Verdict.CONFORM,
    Rating.NOT_APPLICABLE: Verdict.CONFORM,
    Rating.IMPROVEMENT: Verdict.IMPROVEMENT,
    Rating.OBSERVATION: Verdict.OBSERVATION,
    Rating.MINOR_NC: Verdict.MINOR_NC,
    Rating.MAJOR_NC: Verdict.MAJOR_NC,
}


@dataclass(frozen=True, slots=True)
class Progress:
    answered: int
    total: int
    counts: Mapping[Rating, int]
    verdict: Verdict
    #: every item answered (the result is final for this section)
    complete: bool

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 100


@dataclass(frozen=True, slots=True)
class AuditProgress:
    overall: Progress
    #: per section key (every section, including sub-sections)
    sections: Mapping[str, Progress]


def progress_of(ratings: list[Rating]) -> Progress:
    counts = Counter(ratings)
    answered = sum(n for r, n in counts.items() if r is not Rating.OPEN)
    worst = max((r for r in counts if r is not Rating.OPEN), key=RATING_SEVERITY.__getitem__, default=None)
    verdict = Verdict.NOT_ASSESSED if worst is None else _VERDICT_FOR_RATING[worst]
    return Progress(
        answered=answered,
        total=len(ratings),
        counts={r: counts.get(r, 0) for r in Rating},
        verdict=verdict,
        complete=answered == len(ratings),
    )


def audit_progress(checklist: Checklist, ratings: Mapping[str, Rating]) -> AuditProgress:
    """Progress for every section and overall; items without an answer count as open."""

    def ratings_of(section: Section) -> list[Rating]:
        return [ratings.get(item.key, Rating.OPEN) for item in section.items()]

    sections = {s.key: progress_of(ratings_of(s)) for s in checklist.all_sections()}
    overall = progress_of([ratings.get(item.key, Rating.OPEN) for item in checklist.items()])
    return AuditProgress(overall=overall, sections=sections)
