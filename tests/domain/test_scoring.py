"""Progress and results per section (pure rules)."""

from __future__ import annotations

from oekoaudit import paths
from oekoaudit.catalogue import load_catalogue
from oekoaudit.domain.checklist import Rating
from oekoaudit.domain.scoring import Verdict, audit_progress, progress_of


def test_nothing_answered_is_not_assessed() -> None:
    p = progress_of([Rating.OPEN, Rating.OPEN])
    assert (p.answered, p.total, p.percent, p.verdict, p.complete) == (0, 2, 0, Verdict.NOT_ASSESSED, False)


def test_the_most_serious_answer_decides() -> None:
    assert progress_of([Rating.CONFORM, Rating.NOT_APPLICABLE]).verdict is Verdict.CONFORM
    assert progress_of([Rating.CONFORM, Rating.IMPROVEMENT]).verdict is Verdict.IMPROVEMENT
    assert progress_of([Rating.IMPROVEMENT, Rating.OBSERVATION]).verdict is Verdict.OBSERVATION
    assert progress_of([Rating.OBSERVATION, Rating.MINOR_NC, Rating.OPEN]).verdict is Verdict.MINOR_NC
    assert progress_of([Rating.MINOR_NC, Rating.MAJOR_NC, Rating.CONFORM]).verdict is Verdict.MAJOR_NC


def test_empty_section_is_complete() -> None:
    p = progress_of([])
    assert p.percent == 100 and p.complete


def test_audit_progress_counts_sub_sections_into_their_parents() -> None:
    checklist = load_catalogue(paths.forms_dir() / "iso14001-2015.yaml")
    ratings = {"6.1.2": Rating.MINOR_NC, "6.2.1": Rating.CONFORM, "4.1": Rating.CONFORM, "9.3": Rating.MAJOR_NC}
    progress = audit_progress(checklist, ratings)
    assert (progress.sections["6.1"].answered, progress.sections["6.1"].total) == (1, 4)
    assert (progress.sections["6"].answered, progress.sections["6"].total) == (2, 6)
    assert progress.sections["6"].verdict is Verdict.MINOR_NC
    assert progress.sections["6.2"].verdict is Verdict.CONFORM
    assert progress.sections["9"].verdict is Verdict.MAJOR_NC
    assert progress.sections["9.1"].verdict is Verdict.NOT_ASSESSED
    assert (progress.overall.answered, progress.overall.total, progress.overall.percent) == (4, 32, 12)
    assert progress.overall.counts[Rating.OPEN] == 28
    assert progress.overall.verdict is Verdict.MAJOR_NC
