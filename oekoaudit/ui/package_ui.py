"""Audit packages in the window: export, import (a summary before anything is written), open for
review, and the conflicts an import left to decide.

Every long step runs off the GUI thread and can be cancelled without leaving anything half done
(the services guarantee it; the window only asks and shows):

* **export** — :class:`~oekoaudit.ui.dialogs.package_export.PackageExportDialog` collects what and
  where; the export waits for the edits still on their way (a no-op on the DbWorker), then runs on
  the TaskRunner, its progress in the dialog. Cancel: no file (the container writes a part file
  and renames it only when complete).
* **import** — stage 1 (``prepare_import``: verify, unpack, check, plan) on the TaskRunner with a
  :class:`ProgressDialog`; nothing is written. Then the
  :class:`~oekoaudit.ui.dialogs.import_summary.ImportSummaryDialog` says what is new, changed,
  unchanged and in conflict. "Import" runs ``commit_import`` on the DbWorker — the one writer, so
  it comes after every edit made before and is one transaction. Cancel or "Cancel" in the summary:
  ``discard``; the store stays as it was.
* **review** — ``open_for_review`` builds a separate, sealed store in a temporary folder; a second
  main window shows it (``MainWindow(..., review=Review)``) under the verification banner, and
  closing it removes the folder. The user's store is not touched.
* **conflicts** — :class:`~oekoaudit.ui.dialogs.conflicts.ConflictsDialog`, side by side.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, Signal
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from oekoaudit.domain.changes import Changes
from oekoaudit.errors import OekoauditError, PackageCancelled
from oekoaudit.i18n import _, describe, ngettext
from oekoaudit.services.settings import load_settings
from oekoaudit.ui import prompts, style
from oekoaudit.ui.dialogs.conflicts import ConflictsDialog
from oekoaudit.ui.dialogs.import_summary import ImportSummaryDialog
from oekoaudit.ui.dialogs.package_export import PACKAGE_SUFFIX, ExportRequest, PackageExportDialog, set_bar
from oekoaudit.ui.prompts import error_text
from oekoaudit.ui.qtcompat import emit
from oekoaudit.ui.tasks import TaskRunner
from oekoaudit.ui.views.gallery_view import format_size
from oekoaudit.ui.widgets.verification_banner import VerificationBanner, facts_from_verification

if TYPE_CHECKING:
    from oekoaudit.ui.main_window import MainWindow

#: at most this often (seconds) a progress report travels to the window
PROGRESS_INTERVAL = 0.05
#: problems of a refused package listed in the error box (the rest are counted)
SHOWN_PROBLEMS = 12


def package_filter() -> str:
    return _("Audit packages (*.oekoaudit);;All files (*)")


def refusal_text(exc: BaseException) -> str:
    """Why a package was refused: the message, then every further problem on its own line."""
    lines = [error_text(exc)]
    problems = list(getattr(exc, "problems", ()) or ())
    described = [describe(p) for p in problems]
    rest = [text for text in described if text != lines[0]]
    for text in rest[:SHOWN_PROBLEMS]:
        lines.append("• " + text)
    if len(rest) > SHOWN_PROBLEMS:
        lines.append(_("… and {n} more").format(n=len(rest) - SHOWN_PROBLEMS))
    return "\n".join(lines)


# ---- one long step ----------------------------------------------------------------------------


class PackageTask(QObject):
    """One export, import or opening under way: progress from the worker, cancel from the window."""

    #: (done, total), on the GUI thread; total 0: not known yet
    progressed = Signal(int, int)
    #: the step's result
    finished = Signal(object)
    #: the exception (PackageCancelled when cancelled)
    failed = Signal(object)
    _relay = Signal(int, int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.cancel_event = threading.Event()
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None
        self._last = 0.0
        self._relay.connect(self._on_relay, Qt.ConnectionType.QueuedConnection)

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def cancel(self) -> None:
        self.cancel_event.set()

    def report_progress(self, done: int, total: int) -> None:  # the worker's thread
        now = time.monotonic()
        if now - self._last < PROGRESS_INTERVAL and done < total:
            return
        self._last = now
        emit(self._relay, int(done), int(total))

    def _on_relay(self, done: int, total: int) -> None:
        if not self.done:
            emit(self.progressed, done, total)

    def succeed(self, result: Any) -> None:
        self.done = True
        self.result = result
        emit(self.finished, result)

    def fail(self, exc: BaseException) -> None:
        self.done = True
        self.error = exc
        emit(self.failed, exc)


def run_task(task: PackageTask, runner: Any, work: Callable[[Callable[[int, int], None], threading.Event], Any]
             ) -> PackageTask:
    """Run ``work(progress, cancel)`` on ``runner`` (a TaskRunner or the DbWorker) for ``task``."""
    runner.submit(lambda: work(task.report_progress, task.cancel_event), task.succeed, task.fail)
    return task


class ProgressDialog(QDialog):
    """A step without a form of its own (checking a package, opening it): heading, bar, Cancel.
    It closes itself when the step ends; Cancel (or Escape, or closing it) cancels the step, which
    ends soon after without leaving anything behind."""

    def __init__(self, task: PackageTask, title: str, heading: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.task = task
        self.setObjectName("package_progress_dialog")
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        self.heading = QLabel(heading, self)
        self.heading.setObjectName("package_progress_heading")
        self.heading.setStyleSheet("font-weight: bold;")
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.bar = QProgressBar(self)
        self.bar.setObjectName("package_progress_bar")
        self.bar.setStyleSheet(style.progress_bar_style())
        self.bar.setTextVisible(False)
        self.bar.setRange(0, 0)
        self.status = QLabel(_("Checking every part of the package …"), self)
        self.status.setObjectName("package_progress_status")
        self.status.setStyleSheet(f"color: {style.MUTED_TEXT};")
        self.buttons = QDialogButtonBox(self)
        self.cancel_button = self.buttons.addButton(_("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.setObjectName("package_progress_cancel")
        layout.addWidget(self.heading)
        layout.addWidget(self.bar)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.cancel_button.clicked.connect(self.reject)
        task.progressed.connect(self._on_task_progressed)
        task.finished.connect(lambda _result: self._close())
        task.failed.connect(lambda _exc: self._close())

    def _on_task_progressed(self, done: int, total: int) -> None:
        set_bar(self.bar, done, total)
        if total > 0 and not self.task.cancelled:
            self.status.setText(_("{done} of {total}").format(done=format_size(done), total=format_size(total)))

    def reject(self) -> None:
        """Cancel the step; the dialog closes when the step has stopped."""
        if self.task.done:
            super().reject()
            return
        self.task.cancel()
        self.cancel_button.setEnabled(False)
        self.status.setText(_("Cancelling …"))

    def _close(self) -> None:
        self.done(QDialog.DialogCode.Accepted if self.task.error is None else QDialog.DialogCode.Rejected)


# ---- review without a store -------------------------------------------------------------------


def open_for_review(path: Path, services: Any | None = None, *, trust: Sequence[Path] = (),
                    progress: Callable[[int, int], None] | None = None,
                    cancel: threading.Event | None = None) -> Any:
    """``services.packages.open_for_review``; without services (``gui --open``: the user's store is
    not opened at all) ``services.packages.open_review``."""
    path = Path(path)
    if not path.is_file():
        from oekoaudit.errors import N_, PackageError

        raise PackageError(N_("There is no package {path}."), path=str(path))
    if services is not None:
        return services.packages.open_for_review(path, trust=tuple(trust), progress=progress, cancel=cancel)
    from oekoaudit.services.packages import open_review

    return open_review(path, trust=tuple(trust), progress=progress, cancel=cancel)


def open_review_modal(path: Path, parent: QWidget | None = None) -> Any:
    """Open a package for review while a progress dialog shows it (a local event loop: used
    before any window exists). Returns the Review or raises the step's error."""
    task = PackageTask()
    dialog = ProgressDialog(task, _("Open package"), _("Checking and opening {name} …").format(name=Path(path).name),
                            parent)
    loop = QEventLoop()
    task.finished.connect(lambda _result: loop.quit())
    task.failed.connect(lambda _exc: loop.quit())
    runner = TaskRunner()
    dialog.show()
    run_task(task, runner, lambda progress, cancel: open_for_review(Path(path), None, progress=progress,
                                                                    cancel=cancel))
    if not task.done:
        loop.exec()
    dialog.close()
    dialog.deleteLater()
    runner.deleteLater()
    if task.error is not None:
        raise task.error
    return task.result


def review_window(review: Any, parent: QWidget | None = None) -> MainWindow:
    """The window of a package opened for review (closing it closes the review)."""
    from oekoaudit.ui.main_window import MainWindow

    window = MainWindow(review.services, review=review, parent=parent)
    return window


class FileOpenFilter(QObject):
    """macOS hands a double-clicked document to the running application as a FileOpen event."""

    def __init__(self, on_open: Callable[[Path], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on_open = on_open

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            name = event.file()
            if name and name.lower().endswith(PACKAGE_SUFFIX):
                self._on_open(Path(name))
                return True
        return False


# ---- the flows of the window ------------------------------------------------------------------


class PackageUi(QObject):
    """File → export, import, open for review, conflicts — for one main window."""

    #: a short message for the status bar
    message = Signal(str)
    #: a review window was opened (the MainWindow)
    review_opened = Signal(object)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        #: the dialog open now (tests reach it here)
        self.dialog: Any = None
        #: the step under way (tests reach it here)
        self.task: PackageTask | None = None
        #: review windows opened from this window
        self.review_windows: list[MainWindow] = []
        self._folder: Path | None = None
        #: what an export runs (tests wrap it to hold it half way)
        self.run_export: Callable[..., Any] = self._export
        #: what opening a package runs
        self.run_open: Callable[..., Any] = open_for_review

    # ---- helpers ---------------------------------------------------------------------------

    @property
    def services(self) -> Any:
        return self._window.services

    @property
    def in_review(self) -> bool:
        return self._window.review is not None

    def _say(self, text: str) -> None:
        emit(self.message, text)

    def _keep(self, dialog: Any) -> Any:
        self.dialog = dialog
        dialog.finished.connect(lambda _result, d=dialog: self._forget(d))
        return dialog

    def _forget(self, dialog: Any) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _start_folder(self) -> Path:
        return self._folder or Path.home()

    def _after_pending_writes(self, then: Callable[[], None]) -> None:
        """Run ``then`` once every edit made so far is written (the note being typed too)."""
        self._window.workspace.commit_edits()
        self._window.worker.submit(lambda: None, lambda _result: then(), lambda _exc: then())

    def busy(self) -> bool:
        return self.task is not None and not self.task.done

    def _refuse_busy(self) -> bool:
        if self.busy():
            self._say(_("Another package is being processed; please wait until it is done."))
            return True
        return False

    # ---- export ----------------------------------------------------------------------------

    def export(self, audit_ids: Sequence[str] | None = None) -> PackageExportDialog | None:
        """File → Export audit as package: the dialog (the open audit chosen)."""
        if self.in_review:
            self._say(_("Import the package to export it from your data."))
            return None
        if self._refuse_busy():
            return None
        try:
            audits = self.services.audits.list()
        except OekoauditError as exc:
            prompts.error(self._window, error_text(exc))
            return None
        if not audits:
            prompts.information(self._window, _("There is no audit to export yet."))
            return None
        current = self._window.workspace.audit_id
        chosen = list(audit_ids) if audit_ids else ([current] if current else [])
        try:
            signer = load_settings(self.services.data_dir).auditor_name
        except OSError:
            signer = ""
        dialog = PackageExportDialog(audits, chosen, signer, self._start_folder(), self._window)
        dialog.export_requested.connect(lambda request, d=dialog: self._on_export_requested(d, request))
        self._keep(dialog)
        dialog.open()
        return dialog

    def _export(self, request: ExportRequest, progress: Callable[[int, int], None], cancel: threading.Event) -> Any:
        return self.services.packages.export(list(request.audit_ids), request.target, key_file=request.key_file,
                                             without_location=request.without_location,
                                             signer_name=request.signer_name, progress=progress, cancel=cancel)

    def _on_export_requested(self, dialog: PackageExportDialog, request: ExportRequest) -> None:
        self._folder = request.target.parent
        task = PackageTask(self)
        self.task = task
        dialog.set_running(task)
        run = self.run_export
        task.finished.connect(lambda result: self._on_export_done(dialog, result))
        task.failed.connect(lambda exc: self._on_export_failed(dialog, exc))
        self._after_pending_writes(lambda: run_task(task, self._window.tasks,
                                                    lambda progress, cancel: run(request, progress, cancel)))

    def _on_export_done(self, dialog: PackageExportDialog, result: Any) -> None:
        audits = len(result.audits)
        text = ngettext("Package written: {file} ({size}, {n} audit).", "Package written: {file} ({size}, {n} audits).",
                        audits).format(file=str(result.path), size=format_size(result.size), n=audits)
        if result.signer_key_id:
            text += " " + _("Signed with key {key}.").format(key=result.signer_key_id)
        self._say(text)
        dialog.finish_done(text)

    def _on_export_failed(self, dialog: PackageExportDialog, exc: BaseException) -> None:
        if isinstance(exc, PackageCancelled) or dialog.task_cancelled():
            self._say(_("Export cancelled; no file was written."))
            dialog.finish_cancelled()
            return
        dialog.finish_failed(refusal_text(exc))

    # ---- import ----------------------------------------------------------------------------

    def import_package(self, path: str | Path | None = None) -> PackageTask | None:
        """File → Import package: check it (nothing is written), then the summary."""
        if self.in_review:
            self._say(_("Packages are imported in the main window."))
            return None
        if self._refuse_busy():
            return None
        if path is None:
            chosen = prompts.open_file(self._window, _("Import package"), package_filter(), str(self._start_folder()))
            if not chosen:
                return None
            path = chosen
        path = Path(path)
        self._folder = path.parent
        task = PackageTask(self)
        self.task = task
        dialog = self._keep(ProgressDialog(task, _("Import package"),
                                           _("Checking {name} …").format(name=path.name), self._window))
        packages = self.services.packages
        task.finished.connect(lambda prepared: self._on_prepared(path, prepared))
        task.failed.connect(lambda exc: self._on_import_failed(exc, _("The package was not imported.")))
        dialog.open()
        self._after_pending_writes(lambda: run_task(task, self._window.tasks, lambda progress, cancel:
                                                    packages.prepare_import(path, progress=progress, cancel=cancel)))
        return task

    def _on_import_failed(self, exc: BaseException, heading: str) -> None:
        if isinstance(exc, PackageCancelled):
            self._say(_("Cancelled; nothing was written."))
            return
        self._say(error_text(exc))
        prompts.error(self._window, heading + "\n\n" + refusal_text(exc))

    def _on_prepared(self, path: Path, prepared: Any) -> None:
        packages = self.services.packages
        if self.task is not None and self.task.cancelled:  # cancelled, but it was done already
            packages.discard(prepared)
            self._say(_("Cancelled; nothing was written."))
            return
        summary = prepared.summary()
        dialog = ImportSummaryDialog(summary, path.name, self._window)
        dialog.setObjectName("import_summary_dialog")
        state = {"committing": False}

        def on_import() -> None:
            state["committing"] = True
            self._commit(prepared, dialog)

        def on_finished(_result: int) -> None:
            if not state["committing"]:
                packages.discard(prepared)
                self._say(_("Import cancelled; your data is unchanged."))

        dialog.import_requested.connect(on_import)
        dialog.banner.check_key_requested.connect(lambda: self.check_key(dialog.banner, path))
        dialog.finished.connect(on_finished)
        self._keep(dialog)
        dialog.open()

    def _commit(self, prepared: Any, dialog: ImportSummaryDialog) -> None:
        task = PackageTask(self)
        self.task = task
        dialog.set_running(task)
        packages = self.services.packages
        task.finished.connect(lambda result: self._on_imported(dialog, result))
        task.failed.connect(lambda exc: self._on_commit_failed(dialog, exc))
        self._window.workspace.commit_edits()
        # the one writer: after every edit made before, in one transaction
        run_task(task, self._window.worker, lambda progress, cancel:
                 packages.commit_import(prepared, progress=progress, cancel=cancel))

    def _on_imported(self, dialog: ImportSummaryDialog, result: dict[str, Any]) -> None:
        dialog.finish()
        emit(self._window.notifier.changed, Changes(organisations=True, audits=True, answers=True, findings=True,
                                                    evidence=True, measures=True, indicators=True))
        conflicts = int(result.get("conflict_fields") or result.get("conflicts") or 0)
        if not result.get("imported"):
            self._say(_("Nothing to import: everything in the package is here already."))
            return
        text = _("Package imported: {new} new, {changed} changed, {unchanged} unchanged.").format(
            new=result.get("new", 0), changed=result.get("changed", 0), unchanged=result.get("unchanged", 0))
        if conflicts:
            text += " " + ngettext("{n} conflict to decide.", "{n} conflicts to decide.", conflicts).format(n=conflicts)
        self._say(text)
        ids = [a.get("id") for a in result.get("audits", ()) if isinstance(a, dict)]
        if ids and self._window.workspace.audit_id is None:
            self._window.open_audit_at_start(str(ids[0]))
        if conflicts:
            self.show_conflicts()

    def _on_commit_failed(self, dialog: ImportSummaryDialog, exc: BaseException) -> None:
        dialog.finish()
        self._on_import_failed(exc, _("The package was not imported; your data is unchanged."))

    # ---- review ----------------------------------------------------------------------------

    def open_review(self, path: str | Path | None = None) -> PackageTask | None:
        """File → Open package (review): a second window shows it; nothing is written to your data."""
        if self._refuse_busy():
            return None
        if path is None:
            chosen = prompts.open_file(self._window, _("Open package for review"), package_filter(),
                                       str(self._start_folder()))
            if not chosen:
                return None
            path = chosen
        path = Path(path)
        self._folder = path.parent
        task = PackageTask(self)
        self.task = task
        dialog = self._keep(ProgressDialog(task, _("Open package"),
                                           _("Checking and opening {name} …").format(name=path.name), self._window))
        services = self.services
        run = self.run_open
        task.finished.connect(self._on_review_ready)
        task.failed.connect(lambda exc: self._on_import_failed(exc, _("The package cannot be opened.")))
        dialog.open()
        run_task(task, self._window.tasks, lambda progress, cancel: run(path, services, progress=progress,
                                                                        cancel=cancel))
        return task

    def _on_review_ready(self, review: Any) -> None:
        if self.task is not None and self.task.cancelled:
            review.close()
            self._say(_("Cancelled."))
            return
        window = review_window(review)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.review_windows.append(window)
        window.destroyed.connect(lambda _obj=None, w=window: self._forget_review(w))
        window.show()
        window.raise_()
        window.activateWindow()
        self._say(_("Package opened for review: {name}").format(name=review.path.name))
        emit(self.review_opened, window)

    def _forget_review(self, window: Any) -> None:
        if window in self.review_windows:
            self.review_windows.remove(window)

    def check_key(self, banner: VerificationBanner, path: Path) -> None:
        """"Check key …": verify the package again against the signer's public key file."""
        chosen = prompts.open_file(self._window, _("The signer's public key"),
                                   _("Public keys (*.pub);;All files (*)"), str(self._start_folder()))
        if not chosen:
            return
        from oekoaudit.services.packages import verify_file

        key = Path(chosen)
        before = banner.facts

        def done(verification: Any) -> None:
            facts = facts_from_verification(verification)
            banner.set_facts(facts)
            if facts.signature == "trusted":
                self._say(_("The signature was made with this key: confirmed."))
            elif before.signature == "valid":
                self._say(_("This key did not make the signature."))
                prompts.warning(self._window, _("The package was not signed with the key in {file}. Ask the signer "
                                                "for their public key, or compare the key id {key} by phone.").format(
                    file=key.name, key=before.key_id or "–"))

        def failed(exc: BaseException) -> None:
            prompts.error(self._window, error_text(exc))

        self._say(_("Checking the signature with {file} …").format(file=key.name))
        self._window.tasks.submit(lambda: verify_file(path, trust=[key]), done, failed)

    # ---- conflicts -------------------------------------------------------------------------

    def show_conflicts(self, audit_id: str | None = None) -> ConflictsDialog | None:
        """File → Conflicts: the values both copies changed differently, side by side."""
        if self.in_review:
            return None
        if isinstance(self.dialog, ConflictsDialog):
            self.dialog.reload()
            self.dialog.raise_()
            return self.dialog
        dialog = ConflictsDialog(self.services, self._window.worker, self._window.notifier, audit_id, self._window)
        dialog.message.connect(self.message)
        self._keep(dialog)
        dialog.open()
        return dialog
