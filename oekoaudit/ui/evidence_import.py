"""Getting photos and documents into an audit: file and folder dialogs, drag & drop, the
clipboard, and the background import with its progress window.

An import of files runs :meth:`EvidenceService.import_files` on the
:class:`~oekoaudit.ui.tasks.TaskRunner` (its pipeline uses worker processes); its progress
arrives here after each file, carried to the GUI thread by a queued signal, and a non-modal
:class:`ImportDialog` shows the bar, the file just done and "Cancel" — the window stays usable.
At the end the dialog lists what became of each file (imported, already there, failed and why,
in the user's language). Pasted pictures and camera shots are single pictures:
:meth:`EvidenceService.import_bytes`, also off the GUI thread. Every import ends with a
``Changes(evidence=True)`` on the notifier, so the gallery and the strips reload.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QMimeData, QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QGuiApplication, QImage
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from oekoaudit.domain.changes import Changes
from oekoaudit.domain.evidence import (
    FileOutcome,
    ImportProgress,
    ImportReport,
    OutcomeStatus,
    Source,
    Target,
    TargetKind,
)
from oekoaudit.i18n import _, ngettext
from oekoaudit.ui import style
from oekoaudit.ui.models.evidence_model import jpeg_bytes
from oekoaudit.ui.prompts import error_text
from oekoaudit.ui.qtcompat import emit
from oekoaudit.ui.tasks import ChangeNotifier, TaskRunner
from oekoaudit.ui.widgets.evidence_paint import LATER_TEXT, ON_SITE_TEXT

#: What the file dialog offers first (any file can be chosen: it becomes a document).
PHOTO_PATTERNS = "*.jpg *.jpeg *.png *.tif *.tiff *.webp *.heic *.heif"

STATUS_COLOURS = {OutcomeStatus.IMPORTED: ON_SITE_TEXT, OutcomeStatus.DUPLICATE: style.MUTED_TEXT,
                  OutcomeStatus.FAILED: style.ERROR_TEXT, OutcomeStatus.CANCELLED: LATER_TEXT}
STATUS_MARKS = {OutcomeStatus.IMPORTED: "\u2713", OutcomeStatus.DUPLICATE: "=", OutcomeStatus.FAILED: "\u2717",
                OutcomeStatus.CANCELLED: "\u2013"}

#: ``(audit_id, paths, target, progress, cancel) -> ImportReport``: what an import runs (tests swap it)
ImportFunction = Callable[[str, list[Path], Target | None, Callable[[ImportProgress], None], threading.Event],
                          ImportReport]


# ---- texts --------------------------------------------------------------------------------


def describe_outcome(outcome: FileOutcome) -> str:
    """What became of one file, in the user's language (a failure's reason translated)."""
    if outcome.status is OutcomeStatus.IMPORTED:
        return _("imported")
    if outcome.status is OutcomeStatus.DUPLICATE:
        return _("already there")
    if outcome.status is OutcomeStatus.CANCELLED:
        return _("not imported (cancelled)")
    if not outcome.template:
        return _("failed")
    translated = _(outcome.template)
    try:
        return translated.format(**dict(outcome.params))
    except (KeyError, IndexError, ValueError):
        return translated


def outcome_line(outcome: FileOutcome) -> str:
    """"IMG_1001.jpg: imported", or the reason of a failure where it names the file itself."""
    name = Path(outcome.path).name
    text = describe_outcome(outcome)
    if outcome.status is OutcomeStatus.FAILED and name and name in text:
        return text
    return _("{name}: {result}").format(name=name, result=text)


def summary_text(report: ImportReport) -> str:
    """"3 imported · 1 already there · 1 failed" (the parts that are not zero)."""
    parts = []
    counts = [(OutcomeStatus.IMPORTED, report.count(OutcomeStatus.IMPORTED)),
              (OutcomeStatus.DUPLICATE, report.count(OutcomeStatus.DUPLICATE)),
              (OutcomeStatus.FAILED, report.count(OutcomeStatus.FAILED)),
              (OutcomeStatus.CANCELLED, report.count(OutcomeStatus.CANCELLED))]
    for status, count in counts:
        if not count:
            continue
        if status is OutcomeStatus.IMPORTED:
            parts.append(ngettext("{n} imported", "{n} imported", count).format(n=count))
        elif status is OutcomeStatus.DUPLICATE:
            parts.append(ngettext("{n} already there", "{n} already there", count).format(n=count))
        elif status is OutcomeStatus.FAILED:
            parts.append(ngettext("{n} failed", "{n} failed", count).format(n=count))
        else:
            parts.append(ngettext("{n} not imported", "{n} not imported", count).format(n=count))
    return " · ".join(parts) or _("No files.")


def changes_for(audit_id: str, target: Target | None = None) -> Changes:
    """What an evidence change tells the views."""
    keys = (target.ref,) if target is not None and target.kind is TargetKind.ITEM else ()
    return Changes(evidence=True, audit_id=audit_id, item_keys=keys)


# ---- what a drop or the clipboard carries -------------------------------------------------


def local_paths(mime: QMimeData) -> list[Path]:
    """The local files and folders named by a drop or the clipboard (web links left out)."""
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile() and url.toLocalFile()]


def mime_image(mime: QMimeData) -> QImage | None:
    if not mime.hasImage():
        return None
    data = mime.imageData()
    image = data if isinstance(data, QImage) else QImage(data) if data is not None else QImage()
    return None if image.isNull() else image


def carries_evidence(mime: QMimeData | None) -> bool:
    """Whether a drop or paste brings files or a picture (not plain text)."""
    return mime is not None and (bool(local_paths(mime)) or mime.hasImage())


def png_bytes(image: QImage) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def stamped_name(prefix: str, suffix: str) -> str:
    return f"{prefix}-{datetime.now():%Y%m%d-%H%M%S}.{suffix}"


def file_urls(paths: Sequence[Path | str]) -> QMimeData:
    """A drop of these files (what a file manager sends); for tests and for dragging out."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


# ---- file dialogs (one place, so tests can replace them) ----------------------------------


def choose_files(parent: QWidget | None) -> list[str]:
    files, _selected = QFileDialog.getOpenFileNames(
        parent, _("Add photos and files"), "",
        _("Photos ({patterns});;All files (*)").format(patterns=PHOTO_PATTERNS))
    return list(files)


def choose_folder(parent: QWidget | None, caption: str) -> str | None:
    folder = QFileDialog.getExistingDirectory(parent, caption)
    return folder or None


# ---- drops onto any widget ----------------------------------------------------------------


class DropCatcher(QObject):
    """Lets widgets take dropped files and pictures: ``on_drop(mime, spot)`` receives them while
    ``enabled()`` says so. ``where(widget, pos)``, if given, names the spot under the pointer (a
    finding's row…; None: no drop there). Text still goes where it went, but a file dropped onto
    a text field becomes evidence, not its path as text. ``hovering(bool)`` follows a drag."""

    hovering = Signal(bool)

    def __init__(self, on_drop: Callable[[QMimeData, Any], None], enabled: Callable[[], bool],
                 parent: QObject | None = None, where: Callable[[QObject, Any], Any] | None = None) -> None:
        super().__init__(parent)
        self._on_drop = on_drop
        self._enabled = enabled
        self._where = where

    def watch(self, *widgets: QWidget) -> None:
        for widget in widgets:
            targets = [widget]
            if isinstance(widget, QAbstractScrollArea):
                targets.append(widget.viewport())
            for target in targets:
                target.setAcceptDrops(True)
                target.installEventFilter(self)

    def accepts(self, mime: QMimeData | None) -> bool:
        return carries_evidence(mime) and self._enabled()

    def drop(self, mime: QMimeData, spot: Any = None) -> bool:
        """Take a drop (what a real drop does); False if it brings nothing to import."""
        emit(self.hovering, False)
        if not self.accepts(mime):
            return False
        self._on_drop(mime, spot)
        return True

    def _spot(self, watched: QObject, event: QDropEvent | QDragMoveEvent) -> tuple[bool, Any]:
        if self._where is None:
            return True, None
        spot = self._where(watched, event.position().toPoint())
        return spot is not None, spot

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove) and isinstance(event, QDragEnterEvent | QDragMoveEvent):
            if not self.accepts(event.mimeData()):
                return False
            found, _spot = self._spot(watched, event)
            if found:
                event.setDropAction(Qt.DropAction.CopyAction)
                event.accept()
            else:
                event.ignore()
            emit(self.hovering, found)
            return True
        if kind == QEvent.Type.DragLeave:
            emit(self.hovering, False)
            return False
        if kind == QEvent.Type.Drop and isinstance(event, QDropEvent):
            if self.accepts(event.mimeData()):
                found, spot = self._spot(watched, event)
                if found:
                    event.setDropAction(Qt.DropAction.CopyAction)
                    event.accept()
                    self.drop(event.mimeData(), spot)
                    return True
            emit(self.hovering, False)
        return False


# ---- the import and its window ------------------------------------------------------------


class ImportJob(QObject):
    """One import of files under way: progress from the worker, cancel from the window."""

    #: an ImportProgress (delivered on the GUI thread)
    progressed = Signal(object)
    #: the ImportReport
    finished = Signal(object)
    #: the import did not start (closed audit, unknown target…): the exception
    failed = Signal(object)

    def __init__(self, audit_id: str, paths: list[Path], target: Target | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.audit_id = audit_id
        self.paths = paths
        self.target = target
        self.cancel_event = threading.Event()
        self.report: ImportReport | None = None
        self.error: BaseException | None = None
        self.progress: ImportProgress | None = None
        self.done = False
        # the worker emits; queued, so the receivers run on the GUI thread
        self._relay.connect(self._on_relay, Qt.ConnectionType.QueuedConnection)

    _relay = Signal(object)

    def cancel(self) -> None:
        self.cancel_event.set()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def report_progress(self, progress: ImportProgress) -> None:  # any thread
        emit(self._relay, progress)

    def _on_relay(self, progress: Any) -> None:
        if isinstance(progress, ImportProgress) and not self.done:
            self.progress = progress
            emit(self.progressed, progress)


class ImportDialog(QDialog):
    """Non-modal: the progress of an import, "Cancel", then what became of each file."""

    def __init__(self, job: ImportJob, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job = job
        self.setObjectName("import_dialog")
        self.setWindowTitle(_("Import photos and files"))
        self.setModal(False)
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        self.heading = QLabel(self)
        self.heading.setObjectName("import_heading")
        self.heading.setStyleSheet("font-weight: bold;")
        self.heading.setWordWrap(True)
        self.bar = QProgressBar(self)
        self.bar.setObjectName("import_progress")
        self.bar.setStyleSheet(style.progress_bar_style())
        self.bar.setRange(0, 0)  # until the first file is done: busy
        self.bar.setFormat(_("{done} of {total}").replace("{done}", "%v").replace("{total}", "%m"))
        self.current = QLabel(self)
        self.current.setObjectName("import_current")
        self.current.setStyleSheet(f"color: {style.MUTED_TEXT};")
        self.current.setTextFormat(Qt.TextFormat.PlainText)
        self.summary = QLabel(self)
        self.summary.setObjectName("import_summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setVisible(False)
        self.results = QListWidget(self)
        self.results.setObjectName("import_results")
        self.results.setAlternatingRowColors(True)
        self.results.setWordWrap(True)
        self.results.setVisible(False)
        self.results.setMinimumHeight(180)
        self.buttons = QDialogButtonBox(self)
        self.cancel_button = self.buttons.addButton(_("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.setObjectName("import_cancel")
        self.close_button = self.buttons.addButton(_("Close"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button.setObjectName("import_close")
        self.close_button.setVisible(False)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        layout.addLayout(top)
        layout.addWidget(self.bar)
        layout.addWidget(self.current)
        layout.addWidget(self.summary)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.buttons)
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.close_button.clicked.connect(self.accept)
        job.progressed.connect(self._on_job_progressed)
        job.finished.connect(self._on_job_finished)
        job.failed.connect(self._on_job_failed)
        count = len(job.paths)
        self.heading.setText(ngettext("Importing {n} file or folder …", "Importing {n} files and folders …",
                                      count).format(n=count))
        self.current.setText(_("Reading the files …"))

    def _on_cancel_button_clicked(self) -> None:
        if self.job.done:
            self.reject()
            return
        self.job.cancel()
        self.cancel_button.setEnabled(False)
        self.heading.setText(_("Cancelling … the files being read are finished first."))

    def reject(self) -> None:
        """Escape or the window's close button: cancel a running import, then close."""
        if not self.job.done:
            self.job.cancel()
        super().reject()

    def _on_job_progressed(self, progress: ImportProgress) -> None:
        self.bar.setRange(0, max(progress.total, 1))
        self.bar.setValue(progress.done)
        if progress.outcome is not None:
            self.current.setText(outcome_line(progress.outcome))

    def _on_job_finished(self, report: ImportReport) -> None:
        self.bar.setRange(0, max(len(report.outcomes), 1))
        self.bar.setValue(len(report.outcomes) if not report.cancelled else
                          len(report.outcomes) - report.count(OutcomeStatus.CANCELLED))
        if report.cancelled:
            self.heading.setText(_("Import cancelled; the remaining files were not imported."))
        elif report.failed:
            self.heading.setText(_("Import finished; some files could not be imported."))
        else:
            self.heading.setText(_("Import finished."))
        self.current.setVisible(False)
        self.summary.setText(summary_text(report))
        self.summary.setVisible(True)
        self.results.clear()
        # failures first: they are what the user has to act on
        order = {OutcomeStatus.FAILED: 0, OutcomeStatus.CANCELLED: 1, OutcomeStatus.DUPLICATE: 2,
                 OutcomeStatus.IMPORTED: 3}
        for outcome in sorted(report.outcomes, key=lambda o: order[o.status]):
            self._add_result(outcome)
        self.results.setVisible(bool(report.outcomes))
        self._finish()

    def _add_result(self, outcome: FileOutcome) -> None:
        item = QListWidgetItem(f"{STATUS_MARKS[outcome.status]}  {outcome_line(outcome)}", self.results)
        item.setForeground(_colour(STATUS_COLOURS[outcome.status]))
        item.setToolTip(outcome.path)
        item.setData(Qt.ItemDataRole.UserRole, outcome.status.value)

    def _on_job_failed(self, exc: BaseException) -> None:
        self.heading.setText(_("The import could not start."))
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        self.current.setVisible(False)
        self.summary.setText(error_text(exc))
        self.summary.setStyleSheet(f"color: {style.ERROR_TEXT};")
        self.summary.setVisible(True)
        self._finish()

    def _finish(self) -> None:
        self.cancel_button.setVisible(False)
        self.close_button.setVisible(True)
        self.close_button.setDefault(True)
        self.close_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self.adjustSize()

    def result_lines(self) -> list[str]:
        return [self.results.item(i).text() for i in range(self.results.count())]


def _colour(name: str) -> Any:
    from PySide6.QtGui import QColor

    return QColor(name)


class Importer(QObject):
    """Starts imports (files in the background, single pictures from the clipboard or the camera)
    and announces what they changed."""

    #: a short message for the status bar
    message = Signal(str)
    #: an import ended (its ImportReport, or a FileOutcome for a single picture)
    imported = Signal(object)

    def __init__(self, service: Callable[[], Any], notifier: ChangeNotifier, tasks: TaskRunner,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._notifier = notifier
        self._tasks = tasks
        #: the pipeline's worker processes (None: its default pool; tests use 0: in-process)
        self.workers: int | None = None
        #: what an import of files runs (tests put a slow fake here)
        self.run_import: ImportFunction = self._import_files
        self.jobs: list[ImportJob] = []
        self.dialogs: list[ImportDialog] = []

    @property
    def busy(self) -> bool:
        return any(not job.done for job in self.jobs)

    def _import_files(self, audit_id: str, paths: list[Path], target: Target | None,
                      progress: Callable[[ImportProgress], None], cancel: threading.Event) -> ImportReport:
        return self._service().import_files(audit_id, paths, target, progress=progress, cancel=cancel,
                                            workers=self.workers)

    def import_paths(self, audit_id: str, paths: Sequence[Path | str], target: Target | None = None,
                     parent: QWidget | None = None, show: bool = True) -> ImportJob | None:
        """Import files and folders in the background; the progress window opens (non-modal)."""
        paths = [Path(p) for p in paths]
        if not paths:
            return None
        job = ImportJob(audit_id, paths, target, self)
        self.jobs.append(job)
        if show:
            dialog = ImportDialog(job, parent)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
            dialog.finished.connect(lambda _result, d=dialog: self._forget_dialog(d))
            self.dialogs.append(dialog)
            dialog.show()
        run = self.run_import
        self._tasks.submit(lambda: run(audit_id, paths, target, job.report_progress, job.cancel_event),
                           lambda report: self._on_import_done(job, report),
                           lambda exc: self._on_import_failed(job, exc))
        return job

    def _forget_dialog(self, dialog: ImportDialog) -> None:
        """Closed (a running import was cancelled by closing it): the window goes."""
        if dialog in self.dialogs:
            self.dialogs.remove(dialog)
        dialog.deleteLater()

    def _on_import_done(self, job: ImportJob, report: ImportReport) -> None:
        job.done = True
        job.report = report
        if job in self.jobs:
            self.jobs.remove(job)
        emit(job.finished, report)
        if report.count(OutcomeStatus.IMPORTED) or report.count(OutcomeStatus.DUPLICATE):
            emit(self._notifier.changed, changes_for(job.audit_id, job.target))
        emit(self.message, summary_text(report))
        emit(self.imported, report)
        self._close_quiet_dialog(job, report)

    def _close_quiet_dialog(self, job: ImportJob, report: ImportReport) -> None:
        """One file that went in: no window to close by hand, the status bar says it."""
        if len(report.outcomes) == 1 and not report.failed and not report.cancelled:
            for dialog in list(self.dialogs):
                if dialog.job is job:
                    dialog.accept()

    def _on_import_failed(self, job: ImportJob, exc: BaseException) -> None:
        job.done = True
        job.error = exc
        if job in self.jobs:
            self.jobs.remove(job)
        emit(job.failed, exc)
        emit(self.message, error_text(exc))

    def cancel_all(self) -> None:
        for job in self.jobs:
            job.cancel()

    # ---- single pictures ----------------------------------------------------------------

    def import_picture(self, audit_id: str, data: bytes, name: str, target: Target | None, source: Source,
                       on_done: Callable[[FileOutcome], None] | None = None,
                       on_error: Callable[[BaseException], None] | None = None) -> None:
        """Store one picture that is not a file (clipboard, camera) in the background."""
        service = self._service()

        def done(outcome: FileOutcome) -> None:
            if outcome.status in (OutcomeStatus.IMPORTED, OutcomeStatus.DUPLICATE):
                emit(self._notifier.changed, changes_for(audit_id, target))
                emit(self.message, _("Picture added.") if outcome.status is OutcomeStatus.IMPORTED
                     else _("The picture is already there."))
            else:
                emit(self.message, describe_outcome(outcome))
            emit(self.imported, outcome)
            if on_done is not None:
                on_done(outcome)

        def failed(exc: BaseException) -> None:
            emit(self.message, error_text(exc))
            if on_error is not None:
                on_error(exc)

        self._tasks.submit(lambda: service.import_bytes(audit_id, data, name, target, source=source), done, failed)

    def import_image(self, audit_id: str, image: QImage, target: Target | None = None,
                     source: Source = Source.CLIPBOARD, **callbacks: Any) -> None:
        """A picture from the clipboard (PNG, lossless) or the camera (JPEG, as cameras save)."""
        if source is Source.CAMERA:
            data, name = jpeg_bytes(image, 92), stamped_name("camera", "jpg")
        else:
            data, name = png_bytes(image), stamped_name("clipboard", "png")
        self.import_picture(audit_id, data, name, target, source, **callbacks)

    def import_mime(self, audit_id: str, mime: QMimeData, target: Target | None = None,
                    parent: QWidget | None = None) -> bool:
        """Whatever a drop or the clipboard brings: files and folders, else a picture."""
        paths = local_paths(mime)
        if paths:
            self.import_paths(audit_id, paths, target, parent)
            return True
        image = mime_image(mime)
        if image is not None:
            self.import_image(audit_id, image, target, Source.CLIPBOARD)
            return True
        return False

    def paste(self, audit_id: str, target: Target | None = None, parent: QWidget | None = None) -> bool:
        """Ctrl+V: the clipboard's files or picture; False (and a message) if it holds neither."""
        mime = QGuiApplication.clipboard().mimeData()
        if mime is None or not self.import_mime(audit_id, mime, target, parent):
            emit(self.message, _("The clipboard holds no picture and no files."))
            return False
        return True
