"""Importing in the background: the progress window, cancelling while the window stays usable,
the per-file results with translated reasons, and the real import of a folder."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from evidence_support import settle, write_photos

from PySide6.QtCore import QTimer

from oekoaudit.domain.evidence import (
    FileOutcome,
    ImportProgress,
    ImportReport,
    OutcomeStatus,
    Target,
)
from oekoaudit.i18n import _, ngettext
from oekoaudit.ui import evidence_import
from oekoaudit.ui.evidence_import import describe_outcome, outcome_line, summary_text


@pytest.fixture
def window(make_window, audit):  # type: ignore[no-untyped-def]
    window = make_window()
    window.workspace.evidence_ui.importer.workers = 0
    assert window.open_audit(audit.id, "evidence")
    return window


def _slow_import(count: int, delay: float = 0.02):  # type: ignore[no-untyped-def]
    """A fake import of ``count`` files that takes its time and listens to cancel, as the real one does."""

    def run(audit_id, paths, target, progress, cancel: threading.Event) -> ImportReport:  # type: ignore[no-untyped-def]
        files = [Path(f"/fotos/IMG_{n:04d}.jpg") for n in range(count)]
        outcomes: list[FileOutcome] = []
        for path in files:
            if cancel.is_set():
                break
            time.sleep(delay)
            outcome = FileOutcome(str(path), OutcomeStatus.IMPORTED)
            outcomes.append(outcome)
            progress(ImportProgress(len(outcomes), len(files), outcome))
        outcomes += [FileOutcome(str(p), OutcomeStatus.CANCELLED) for p in files[len(outcomes):]]
        return ImportReport(tuple(outcomes), cancelled=cancel.is_set())

    return run


def test_progress_and_cancel_keep_the_window_responsive(qtbot, window, audit, tmp_path) -> None:  # type: ignore[no-untyped-def]
    importer = window.workspace.evidence_ui.importer
    importer.run_import = _slow_import(400)
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(10)
    job = importer.import_paths(audit.id, [tmp_path], None, window)
    dialog = importer.dialogs[-1]
    assert dialog.isVisible() and not dialog.isModal()
    assert dialog.cancel_button.isVisible() and not dialog.close_button.isVisible()
    qtbot.waitUntil(lambda: dialog.bar.value() >= 5, timeout=5000)
    assert dialog.bar.maximum() == 400
    assert "IMG_" in dialog.current.text()
    # the window works meanwhile: the event loop turns, other views can be shown
    window.workspace.show_view("checklist")
    window.workspace.show_view("evidence")
    # the timer keeps ticking while the import runs (waited for: on a fast machine the first five
    # files take less than five ticks of 10 ms)
    qtbot.waitUntil(lambda: len(ticks) >= 5, timeout=5000)
    assert len(ticks) >= 5 and not job.done
    qtbot.mouseClick(dialog.cancel_button, qtbot_left())
    assert job.cancelled and not dialog.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: job.done, timeout=5000)
    timer.stop()
    assert job.report is not None and job.report.cancelled
    done = job.report.count(OutcomeStatus.IMPORTED)
    assert 5 <= done < 400
    assert dialog.heading.text() == _("Import cancelled; the remaining files were not imported.")
    assert dialog.close_button.isVisible() and not dialog.cancel_button.isVisible()
    lines = dialog.result_lines()
    assert len(lines) == 400
    assert lines[0].startswith("\u2013")  # the files not imported come first (before the imported ones)
    assert summary_text(job.report) in dialog.summary.text()
    dialog.close_button.click()
    assert not dialog.isVisible()


def qtbot_left():  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_a_folder_is_imported_and_each_failure_is_explained(qtbot, window, services, audit, tmp_path,
                                                           monkeypatch) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "Begehung"
    write_photos(folder, 3)
    (folder / "Notiz.jpg").write_text("kein Foto, nur Text")  # named like a photo
    (folder / "leer.png").write_bytes(b"")
    monkeypatch.setattr(evidence_import, "choose_folder", lambda parent, caption: str(folder))
    monkeypatch.setattr("oekoaudit.ui.evidence_ui.choose_folder", lambda parent, caption: str(folder))
    window.action_add_evidence_folder.trigger()
    importer = window.workspace.evidence_ui.importer
    dialog = importer.dialogs[-1]
    settle(qtbot, window)
    job = dialog.job
    assert job.report is not None and not job.report.cancelled
    assert job.report.count(OutcomeStatus.IMPORTED) == 3
    failed = {Path(o.path).name: o for o in job.report.failed}
    assert set(failed) == {"Notiz.jpg", "leer.png"}
    lines = dialog.result_lines()
    # failures first, each with its reason in the user's language
    assert lines[0].startswith("\u2717") and lines[1].startswith("\u2717")
    assert "\u2717  " + describe_outcome(failed["Notiz.jpg"]) in lines
    assert describe_outcome(failed["Notiz.jpg"]) == _("{name} is named like a photo but is not a picture.").format(
        name="Notiz.jpg")
    assert dialog.heading.text() == _("Import finished; some files could not be imported.")
    assert "3" in dialog.summary.text()
    # the gallery shows the three photos, the status bar the summary
    assert window.workspace.gallery.model.rowCount() == 3
    assert len(services.evidence.list(audit.id)) == 3
    # the same folder again: already there
    window.action_add_evidence_folder.trigger()
    settle(qtbot, window)
    again = importer.dialogs[-1].job.report
    assert again.count(OutcomeStatus.DUPLICATE) == 3 and again.count(OutcomeStatus.IMPORTED) == 0
    assert len(services.evidence.list(audit.id)) == 3


def test_files_chosen_in_the_checklist_are_linked_to_the_item(qtbot, window, services, audit, tmp_path,
                                                              monkeypatch) -> None:  # type: ignore[no-untyped-def]
    paths = write_photos(tmp_path / "pick", 2)
    monkeypatch.setattr("oekoaudit.ui.evidence_ui.choose_files", lambda parent: [str(p) for p in paths])
    window.workspace.show_view("checklist")
    window.workspace.checklist.select_item("8.1")
    window.action_add_evidence.trigger()
    settle(qtbot, window)
    assert len(services.evidence.list(audit.id, Target.item("8.1"))) == 2
    assert len(window.workspace.checklist.detail.evidence_strip.rows) == 2
    # two files: the result window stays until it is closed
    assert window.workspace.evidence_ui.importer.dialogs[-1].isVisible()


def test_an_import_that_cannot_start_says_why(qtbot, window, audit, tmp_path) -> None:  # type: ignore[no-untyped-def]
    importer = window.workspace.evidence_ui.importer
    job = importer.import_paths(audit.id, [tmp_path], Target.item("no-such-item"), window)
    dialog = importer.dialogs[-1]
    qtbot.waitUntil(lambda: job.done, timeout=5000)
    assert job.error is not None
    assert dialog.heading.text() == _("The import could not start.")
    assert "no-such-item" in dialog.summary.text()


def test_outcome_texts() -> None:
    ok = FileOutcome("/a/IMG_1.jpg", OutcomeStatus.IMPORTED)
    assert outcome_line(ok) == _("{name}: {result}").format(name="IMG_1.jpg", result=_("imported"))
    failed = FileOutcome("/a/x.jpg", OutcomeStatus.FAILED, template="{name}: the file is empty.",
                         params=(("name", "x.jpg"),))
    assert outcome_line(failed) == _("{name}: the file is empty.").format(name="x.jpg")
    report = ImportReport((ok, failed, FileOutcome("/a/y.jpg", OutcomeStatus.DUPLICATE)))
    assert summary_text(report) == " · ".join([
        ngettext("{n} imported", "{n} imported", 1).format(n=1),
        ngettext("{n} already there", "{n} already there", 1).format(n=1),
        ngettext("{n} failed", "{n} failed", 1).format(n=1)])
