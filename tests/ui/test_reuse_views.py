"""The gap view (what is missing to reach another scheme) and the comparison with another audit of
the organisation (recertification), in a real window on real services.

With ``OEKOAUDIT_SHOTS=<dir>`` each screen is saved as a PNG while the test runs (off by default).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget

from oekoaudit.domain.checklist import Relation
from oekoaudit.domain.reuse import GAP_ORDER, ChangeKind, GapStatus
from oekoaudit.errors import N_, UserInputError
from oekoaudit.i18n import _
from oekoaudit.services import labels
from oekoaudit.ui.views.compare_view import CompareColumn, CompareRow, default_other
from oekoaudit.ui.views.gap_view import GapColumn, GapRow, default_target
from oekoaudit.ui.views.lazy_view import ObjectRole

REPO = Path(__file__).resolve().parents[2]
LEFT = Qt.MouseButton.LeftButton

#: the earlier audit's answers; the later one changes some of them (see ``reuse``)
EARLIER_ANSWERS = {"4.1": "conform", "4.2": "conform", "5.2": "conform", "6.1.2": "minor_nc", "8.1": "conform",
                   "8.2": "major_nc"}
LATER_CHANGES = {"6.1.2": "conform", "8.2": "conform", "8.1": "minor_nc", "5.2": "observation"}


class Shots:
    """Saves a widget as ``reuse-NN-name.png`` when OEKOAUDIT_SHOTS names a folder."""

    def __init__(self, qtbot: Any) -> None:
        self.qtbot = qtbot
        folder = os.environ.get("OEKOAUDIT_SHOTS")
        self.folder = Path(folder) if folder else None
        self.count = 0
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)

    def __call__(self, name: str, widget: QWidget) -> None:
        if self.folder is None:
            return
        self.qtbot.wait(50)
        self.count += 1
        path = self.folder / f"reuse-{self.count:02d}-{name}.png"
        assert widget.grab().save(str(path)), path


@pytest.fixture
def shots(qtbot: Any) -> Shots:
    return Shots(qtbot)


@pytest.fixture
def reuse(services: Any) -> Any:
    """An organisation with an ISO 14001 audit answered in part, and a later one carried over from
    it with some answers changed (4.1 confirmed as it was; the rest of the carried answers unconfirmed)."""
    organisation = services.organisations.create("Wiederholungs GmbH")
    earlier = services.audits.create(organisation.id, "iso14001-2015", kind="initial", title="Zertifizierung 2025",
                                     start_date=date(2025, 3, 10))
    for key, result in EARLIER_ANSWERS.items():
        services.audits.answer(earlier.id, key, result)
    later = services.audits.create(organisation.id, "iso14001-2015", carry_from=earlier.id, kind="recertification",
                                   title="Rezertifizierung 2028", start_date=date(2028, 3, 8))
    for key, result in LATER_CHANGES.items():
        services.audits.answer(later.id, key, result)
    services.audits.confirm(later.id, ["4.1"])

    class Data:
        pass

    data = Data()
    data.organisation, data.earlier, data.later = organisation, earlier, later
    return data


def _rows(view: Any) -> list[Any]:
    """The rows as the table shows them (filtered, in the shown order)."""
    return [view.proxy.index(r, 0).data(ObjectRole) for r in range(view.proxy.rowCount())]


def _cell(view: Any, row: int, column: int) -> str:
    return view.proxy.index(row, column).data()


def _proxy_row(view: Any, predicate: Any) -> QModelIndex:
    for r in range(view.proxy.rowCount()):
        if predicate(view.proxy.index(r, 0).data(ObjectRole)):
            return view.proxy.index(r, 0)
    raise AssertionError("no such row")


def _double_click(qtbot: Any, view: Any, index: QModelIndex) -> None:
    view.table.scrollTo(index)
    rect = view.table.visualRect(index.siblingAtColumn(1))
    qtbot.mouseClick(view.table.viewport(), LEFT, pos=rect.center())
    qtbot.mouseDClick(view.table.viewport(), LEFT, pos=rect.center())


# ------------------------------------------------------------------------------------------
# Gap
# ------------------------------------------------------------------------------------------


def test_the_gap_to_emas_lists_what_is_missing_most_urgent_first(qtbot, make_window, services, reuse,  # type: ignore[no-untyped-def]
                                                                  shots) -> None:
    window = make_window()
    assert window.open_audit(reuse.earlier.id, "gap")
    view = window.workspace.gap
    assert window.workspace.current_view() == "gap"
    # an ISO 14001 audit heads for EMAS; its own catalogue is not offered
    assert view.target_id == "emas-2009"
    offered = [view.target_combo.itemData(i) for i in range(view.target_combo.count())]
    assert "iso14001-2015" not in offered and {"emas-2009", "qub-2024"} <= set(offered)
    assert "(emas-2009" in view.target_combo.currentText()

    _detail, _target, expected = services.reuse.gap(reuse.earlier.id, "emas-2009")
    counts = expected.counts
    assert view.gap == expected
    total = len(expected.items)
    assert counts[GapStatus.NONCONFORM] > 0 and counts[GapStatus.MISSING] > 0 and counts[GapStatus.COVERED] > 0
    # the summary: percent, counts per status
    assert view.percent_label.text() == _("covered: {percent} %").format(percent=expected.covered_percent)
    for status in GapStatus:
        chip = view.chips[status].text()
        assert labels.gap_status(status) in chip and f"<b>{counts[status]}</b>" in chip
    # covered rows are hidden at first; the rest most urgent first, then in the catalogue's order
    assert view.hide_covered.isChecked()
    rows = _rows(view)
    assert len(rows) == total - counts[GapStatus.COVERED]
    assert all(r.item.status is not GapStatus.COVERED for r in rows)
    assert [(GAP_ORDER[r.item.status], r.order) for r in rows] == sorted((GAP_ORDER[r.item.status], r.order)
                                                                           for r in rows)
    assert rows[0].item.status is GapStatus.NONCONFORM
    assert view.count_label.text() == _("{shown} of {total} shown").format(shown=len(rows), total=total)
    # the cells: reference, title in the user's language, status label, sources with their relation
    aspects = next(i for i, r in enumerate(rows) if r.item.key == "6.1.2")
    assert _cell(view, aspects, GapColumn.REFERENCE) == "6.1.2"
    assert _cell(view, aspects, GapColumn.TITLE) == "Umweltaspekte"
    assert _cell(view, aspects, GapColumn.STATUS) == labels.gap_status(GapStatus.NONCONFORM)
    assert _cell(view, aspects, GapColumn.SOURCES).replace("\u00a0", " ") == f"6.1.2 ({labels.relation(Relation.EQUAL)})"
    assert _cell(view, aspects, GapColumn.MANDATORY) == _("yes")
    missing = next(i for i, r in enumerate(rows) if r.item.status is GapStatus.MISSING)
    assert _cell(view, missing, GapColumn.SOURCES) == "–"
    # 4.1 answered conform covers EMAS 4.1: shown only without the filter
    assert not any(r.item.key == "4.1" for r in rows)
    shots("gap", window)

    view.hide_covered.setChecked(False)
    rows = _rows(view)
    assert len(rows) == total
    covered = [r for r in rows if r.item.status is GapStatus.COVERED]
    assert "4.1" in {r.item.key for r in covered} and rows[-len(covered):] == covered
    view.hide_covered.setChecked(True)
    assert len(_rows(view)) == total - counts[GapStatus.COVERED]


def test_the_gap_follows_the_chosen_target_and_new_answers_when_shown_again(qtbot, make_window, services,  # type: ignore[no-untyped-def]
                                                                             reuse, shots) -> None:
    window = make_window()
    assert window.open_audit(reuse.earlier.id, "checklist")
    view = window.workspace.gap
    assert view.gap is None  # a hidden tab computes nothing
    window.workspace.show_view("gap")
    assert view.gap is not None and view.gap.target_id == "emas-2009"

    assert view.set_target("iso14001-2026")
    assert view.gap.target_id == "iso14001-2026"
    assert view.target_id == "iso14001-2026"
    shots("gap-iso2026", window)

    # the answers change while the tab is hidden: computed again when it is shown, target kept
    window.workspace.show_view("checklist")
    before = view.gap
    services.audits.answer(reuse.earlier.id, "6.1.2", "conform")
    window.workspace.reload()
    assert view.gap is before
    window.workspace.show_view("gap")
    assert view.target_id == "iso14001-2026"
    assert view.gap is not before
    assert next(i for i in view.gap.items if i.key == "6.1.2").status is not GapStatus.NONCONFORM


def test_a_double_click_opens_the_source_item_in_the_checklist(qtbot, make_window, reuse) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    assert window.open_audit(reuse.earlier.id, "gap")
    view = window.workspace.gap
    index = _proxy_row(view, lambda r: isinstance(r, GapRow) and r.item.key == "emas.I.8")  # from 8.1
    _double_click(qtbot, view, index)
    assert window.workspace.current_view() == "checklist"
    assert window.workspace.checklist.current_item_key() == "8.1"


def test_an_error_of_the_service_is_shown_in_the_view(qtbot, make_window, services, reuse, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    assert window.open_audit(reuse.earlier.id, "gap")
    view = window.workspace.gap

    def broken(*_args: Any) -> Any:
        raise UserInputError(N_("Choose two different audits to compare."))

    monkeypatch.setattr(services.reuse, "gap", broken)
    view.refresh()
    assert view.stack.currentWidget() is view.error
    assert _("Choose two different audits to compare.") in view.error.text()
    assert view.gap is None and not view.summary.isVisible()


def test_the_default_target_scheme(services) -> None:  # type: ignore[no-untyped-def]
    catalogues = services.catalogues.list()

    def target(own: str) -> str | None:
        return default_target(services.catalogues.get(own), [c for c in catalogues if c.id != own])

    assert target("qub-2024") == "iso14001-2015"
    assert target("iso14001-2015") == "emas-2009"
    assert target("iso14001-2026") == "emas-2009"
    assert target("oekoprofit-2026") == "emas-2009"
    assert default_target(None, []) is None


# ------------------------------------------------------------------------------------------
# Comparison
# ------------------------------------------------------------------------------------------


def test_the_comparison_lists_new_and_closed_nonconformities(qtbot, make_window, services, reuse, shots) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    assert window.open_audit(reuse.later.id, "compare")
    view = window.workspace.compare
    assert view.other_id == reuse.earlier.id
    assert "Zertifizierung 2025" in view.other_combo.currentText()
    comparison = view.comparison
    assert comparison is not None
    assert (comparison.earlier.audit.id, comparison.later.audit.id) == (reuse.earlier.id, reuse.later.id)

    changes = {r.item.key: r.item.change for r in _rows(view)}
    assert changes["8.1"] is ChangeKind.NEW_NC
    assert changes["6.1.2"] is ChangeKind.CLOSED and changes["8.2"] is ChangeKind.CLOSED
    assert changes["5.2"] is ChangeKind.WORSENED
    assert changes["4.2"] is ChangeKind.NOT_ASSESSED  # carried over, not confirmed yet
    assert "4.1" not in changes  # unchanged: hidden at first
    assert "9.3" not in changes  # assessed in neither: nothing to compare, hidden too
    # what matters most first
    assert [r.item.key for r in _rows(view)[:4]] == ["8.1", "5.2", "6.1.2", "8.2"]
    counts = comparison.counts
    assert (counts[ChangeKind.NEW_NC], counts[ChangeKind.CLOSED], counts[ChangeKind.UNCHANGED]) == (1, 2, 1)
    for kind in (ChangeKind.NEW_NC, ChangeKind.CLOSED, ChangeKind.WORSENED, ChangeKind.IMPROVED):
        assert view.chips[kind].isVisible()
        assert f"<b>{counts[kind]}</b>" in view.chips[kind].text()
    assert not view.chips[ChangeKind.DROPPED].isVisible()  # none: not named
    assert _("(this audit)") in view.direction_label.text()

    row = next(i for i, r in enumerate(_rows(view)) if r.item.key == "8.1")
    assert _cell(view, row, CompareColumn.REFERENCE) == "8.1"
    assert _cell(view, row, CompareColumn.TITLE) == "Betriebliche Planung und Steuerung"
    scale = comparison.later.checklist.scale
    assert _cell(view, row, CompareColumn.EARLIER) == scale.option("conform").label.get("de")
    assert _cell(view, row, CompareColumn.LATER) == scale.option("minor_nc").label.get("de")
    assert _cell(view, row, CompareColumn.CHANGE) == labels.change(ChangeKind.NEW_NC)
    unassessed = next(i for i, r in enumerate(_rows(view)) if r.item.key == "4.2")
    assert _cell(view, unassessed, CompareColumn.LATER) == "–"
    shots("compare", window)

    view.hide_unchanged.setChecked(False)
    assert {"4.1", "9.3"} <= {r.item.key for r in _rows(view)}
    assert len(_rows(view)) == len(comparison.items)


def test_the_earlier_audit_compares_with_the_later_one(qtbot, make_window, reuse) -> None:  # type: ignore[no-untyped-def]
    """Nothing older: the newest other audit, and the comparison still runs from earlier to later."""
    window = make_window()
    assert window.open_audit(reuse.earlier.id, "compare")
    view = window.workspace.compare
    assert view.other_id == reuse.later.id
    assert view.comparison.earlier.audit.id == reuse.earlier.id
    # a double-click opens this (the earlier) audit's item
    index = _proxy_row(view, lambda r: isinstance(r, CompareRow) and r.item.key == "6.1.2")
    _double_click(qtbot, view, index)
    assert window.workspace.current_view() == "checklist"
    assert window.workspace.checklist.current_item_key() == "6.1.2"


def test_an_audit_without_another_one_shows_a_friendly_empty_state(qtbot, make_window, audit, shots) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    assert window.open_audit(audit.id, "compare")
    view = window.workspace.compare
    assert view.comparison is None
    assert view.stack.currentWidget() is view.empty
    assert _("No other audit of this organisation to compare with yet.") in view.empty.text()
    assert not view.other_combo.isVisible() and not view.summary.isVisible()
    assert view.model.rowCount() == 0
    shots("compare-empty", window)


def test_the_audit_to_compare_with_by_default(services, reuse) -> None:  # type: ignore[no-untyped-def]
    middle = services.audits.create(reuse.organisation.id, "iso14001-2015", title="Überwachung 2026",
                                    start_date=date(2026, 3, 9))
    audits = {a.id: a for a in (services.audits.get(x) for x in (reuse.earlier.id, middle.id, reuse.later.id))}
    later, earlier = audits[reuse.later.id], audits[reuse.earlier.id]
    assert default_other(later, [audits[middle.id], earlier]).id == middle.id
    assert default_other(audits[middle.id], [earlier, later]).id == reuse.earlier.id
    assert default_other(earlier, [later, audits[middle.id]]).id == reuse.later.id  # nothing older: newest
    assert default_other(earlier, []) is None


# ------------------------------------------------------------------------------------------
# The screenshot command knows the two views
# ------------------------------------------------------------------------------------------


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OEKOAUDIT_")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    return subprocess.run([sys.executable, "-m", "oekoaudit", *args], cwd=REPO, env=env, text=True,
                          capture_output=True, timeout=120)


def test_screenshot_of_the_gap_and_comparison_views(tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder = str(tmp_path / "data")
    done = _run("--data-dir", folder, "demo", "--json")
    assert done.returncode == 0, done.stderr
    audit_id = json.loads(done.stdout)["audit"]["id"]
    for view in ("gap", "compare"):
        png = tmp_path / f"{view}.png"
        done = _run("--data-dir", folder, "screenshot", "--audit", audit_id[:8], "--view", view,
                    "--size", "1100x720", "-o", str(png))
        assert done.returncode == 0, done.stderr
        image = QImage(str(png))
        assert (image.width(), image.height()) == (1100, 720)
        colours = {image.pixel(x, y) for x in range(0, 1100, 37) for y in range(0, 720, 29)}
        assert len(colours) > 8
