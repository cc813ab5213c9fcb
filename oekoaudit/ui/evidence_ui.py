"""What the gallery, the strips (checklist item, finding) and the viewer share: the thumbnails,
the importer, and every edit of evidence as an undoable command.

Edits go through the audit's undo history (:class:`~oekoaudit.ui.undo.UndoManager`), so they
run on the single writer and each announces ``Changes(evidence=True)``; the views reload from
that. Reads (the list of an audit's evidence) are single queries on the GUI thread, as the
other views do them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QPoint, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QWidget

from oekoaudit.domain.audit import AuditDetail
from oekoaudit.domain.changes import Changes
from oekoaudit.domain.checklist import Item
from oekoaudit.domain.evidence import Evidence, Shape, Source, Target
from oekoaudit.domain.finding import Finding
from oekoaudit.domain.programme import Measure
from oekoaudit.errors import OekoauditError
from oekoaudit.i18n import _, ngettext
from oekoaudit.services import Services
from oekoaudit.ui import prompts
from oekoaudit.ui.evidence_import import DropCatcher, Importer, changes_for, choose_files, choose_folder
from oekoaudit.ui.lifecycle import read_only_message
from oekoaudit.ui.models.evidence_model import ThumbnailProvider
from oekoaudit.ui.prompts import error_text
from oekoaudit.ui.qtcompat import emit
from oekoaudit.ui.tasks import ChangeNotifier, DbWorker, TaskRunner
from oekoaudit.ui.undo import UndoManager

#: the object of a row of the checklist tree or the findings table (as their models name it)
ObjectRole = Qt.ItemDataRole.UserRole + 1


def _short(evidence: Evidence) -> str:
    name = " ".join(evidence.caption.split()) or evidence.original_name
    return name if len(name) <= 40 else name[:39] + "…"


class EvidenceUi(QObject):
    """The evidence of the open audit as the window works with it."""

    #: a short message for the status bar
    message = Signal(str)

    def __init__(self, services: Services, worker: DbWorker, notifier: ChangeNotifier, undo: UndoManager,
                 tasks: TaskRunner, detail: Callable[[], AuditDetail | None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.worker = worker
        self.notifier = notifier
        self.undo = undo
        self.tasks = tasks
        self._detail = detail
        self.thumbnails = ThumbnailProvider(lambda: services.evidence, tasks, self)
        self.importer = Importer(lambda: services.evidence, notifier, tasks, self)
        self.importer.message.connect(self.message)
        self.viewer: Any = None
        self.editor: Any = None
        #: the open audit's evidence as last read: (audit id, list); any change empties it
        self._cache: tuple[str, list[Evidence]] | None = None
        # connected before any view: the views read again after this has forgotten the old list
        notifier.changed.connect(self._on_notifier_changed)

    def _on_notifier_changed(self, changes: Any) -> None:
        # answers alone never change evidence: keep the list while the checklist is answered
        if not isinstance(changes, Changes) or changes.evidence or changes.findings or changes.audits:
            self._cache = None

    # ---- the open audit -----------------------------------------------------------------

    @property
    def service(self) -> Any:
        return self.services.evidence

    @property
    def detail(self) -> AuditDetail | None:
        return self._detail()

    @property
    def audit_id(self) -> str | None:
        detail = self._detail()
        return detail.audit.id if detail is not None else None

    @property
    def read_only(self) -> bool:
        detail = self._detail()
        return detail is None or detail.audit.read_only

    def refused(self) -> bool:
        """True (and the status bar says why) when nothing can be added or changed now."""
        if self.audit_id is None:
            emit(self.message, _("Open an audit first."))
            return True
        if self.read_only:
            emit(self.message, read_only_message(self._detail()))
            return True
        return False

    def list(self, target: Target | None = None) -> list[Evidence]:
        """The open audit's evidence (linked to ``target``), in gallery order; read once per change."""
        audit_id = self.audit_id
        if audit_id is None:
            return []
        if self._cache is None or self._cache[0] != audit_id:
            try:
                self._cache = (audit_id, self.service.list(audit_id))
            except OekoauditError as exc:
                emit(self.message, error_text(exc))
                return []
        rows = self._cache[1]
        return [e for e in rows if e.linked_to(target)] if target is not None else list(rows)

    def forget(self) -> None:
        """Read the evidence again next time (the audit was reloaded)."""
        self._cache = None

    # ---- getting evidence in -----------------------------------------------------------

    def add_files(self, parent: QWidget | None, target: Target | None = None) -> bool:
        if self.refused():
            return False
        paths = choose_files(parent)
        if not paths:
            return False
        self.importer.import_paths(self.audit_id or "", paths, target, parent)
        return True

    def add_folder(self, parent: QWidget | None, target: Target | None = None) -> bool:
        if self.refused():
            return False
        folder = choose_folder(parent, _("Add a folder of photos and files"))
        if not folder:
            return False
        self.importer.import_paths(self.audit_id or "", [folder], target, parent)
        return True

    def import_mime(self, mime: Any, target: Target | None = None, parent: QWidget | None = None) -> bool:
        """A drop: its files and folders, or its picture."""
        if self.refused():
            return False
        return self.importer.import_mime(self.audit_id or "", mime, target, parent)

    def paste(self, parent: QWidget | None, target: Target | None = None) -> bool:
        if self.refused():
            return False
        return self.importer.paste(self.audit_id or "", target, parent)

    def take_photo(self, parent: QWidget | None, target: Target | None = None) -> Any:
        """The camera window; each picture taken is stored at once (``source`` camera)."""
        if self.refused():
            return None
        from oekoaudit.ui.dialogs import camera

        available, reason = camera.availability()
        if not available:
            prompts.information(parent, reason)
            return None
        audit_id = self.audit_id or ""
        dialog = camera.CameraDialog(lambda image: self.importer.import_image(audit_id, image, target, Source.CAMERA),
                                     parent)
        dialog.open()
        return dialog

    # ---- edits (each one step of the audit's undo history) ------------------------------

    def _push(self, audit_id: str, text: str, do: Callable[[], Any], undo: Callable[[], Any],
              target: Target | None = None) -> None:
        changes = changes_for(audit_id, target)

        def run(action: Callable[[], Any]) -> Callable[[], Changes]:
            def call() -> Changes:
                action()
                return changes
            return call

        self.undo.push(audit_id, text, run(do), run(undo))

    def set_caption(self, evidence: Evidence, caption: str) -> bool:
        caption = " ".join(caption.split())
        if caption == evidence.caption or self.refused():
            return False
        service, old, evidence_id = self.service, evidence.caption, evidence.id
        self._push(evidence.audit_id, _("Caption of {name}").format(name=_short(evidence)),
                   lambda: service.set_caption(evidence_id, caption), lambda: service.set_caption(evidence_id, old))
        return True

    def set_hide_location(self, evidence: Evidence, hide: bool) -> bool:
        if hide == evidence.hide_location or self.refused():
            return False
        service, evidence_id = self.service, evidence.id
        text = _("Hide the position of {name}") if hide else _("Show the position of {name}")
        self._push(evidence.audit_id, text.format(name=_short(evidence)),
                   lambda: service.set_hide_location(evidence_id, hide),
                   lambda: service.set_hide_location(evidence_id, not hide))
        return True

    def link(self, evidence: Sequence[Evidence], target: Target) -> bool:
        """Link each of ``evidence`` to ``target`` (those linked already stay as they are)."""
        new = [e.id for e in evidence if not e.linked_to(target)]
        if not new or self.refused():
            return False
        service = self.service
        text = ngettext("Link {n} picture", "Link {n} pictures", len(new)).format(n=len(new))

        def do() -> None:
            for evidence_id in new:
                service.link(evidence_id, target)

        def undo() -> None:
            for evidence_id in new:
                service.unlink(evidence_id, target)

        self._push(evidence[0].audit_id, text, do, undo, target)
        return True

    def unlink(self, evidence: Evidence, target: Target) -> bool:
        if not evidence.linked_to(target) or self.refused():
            return False
        service, evidence_id = self.service, evidence.id
        self._push(evidence.audit_id, _("Unlink {name}").format(name=_short(evidence)),
                   lambda: service.unlink(evidence_id, target), lambda: service.link(evidence_id, target), target)
        return True

    def delete(self, evidence: Sequence[Evidence]) -> bool:
        """Remove (tombstone) the evidence with its links; Ctrl+Z brings it back."""
        if not evidence or self.refused():
            return False
        service = self.service
        ids = [e.id for e in evidence]
        text = _("Delete {name}").format(name=_short(evidence[0])) if len(ids) == 1 else \
            ngettext("Delete {n} picture", "Delete {n} pictures", len(ids)).format(n=len(ids))

        def do() -> None:
            for evidence_id in ids:
                service.delete(evidence_id)

        def undo() -> None:
            for evidence_id in reversed(ids):
                service.restore(evidence_id)

        self._push(evidence[0].audit_id, text, do, undo)
        return True

    def reorder(self, audit_id: str, old: Sequence[str], new: Sequence[str]) -> bool:
        if list(old) == list(new) or self.refused():
            return False
        service, before, after = self.service, list(old), list(new)
        self._push(audit_id, _("Reorder the photos"), lambda: service.reorder(audit_id, after),
                   lambda: service.reorder(audit_id, before))
        return True

    def set_annotations(self, evidence: Evidence, shapes: Sequence[Shape]) -> bool:
        shapes = tuple(shapes)
        if shapes == evidence.annotations or self.refused():
            return False
        service, old, evidence_id = self.service, evidence.annotations, evidence.id
        self._push(evidence.audit_id, _("Annotate {name}").format(name=_short(evidence)),
                   lambda: service.set_annotations(evidence_id, shapes),
                   lambda: service.set_annotations(evidence_id, old))
        return True

    # ---- windows ------------------------------------------------------------------------

    def open_viewer(self, rows: Sequence[Evidence], current: Evidence, parent: QWidget | None) -> Any:
        """The large viewer on ``current``, paging through ``rows``."""
        from oekoaudit.ui.dialogs.evidence_viewer import EvidenceViewer

        if self.viewer is not None:
            self.viewer.close()
        viewer = EvidenceViewer(self, list(rows), current.id, parent)
        viewer.finished.connect(lambda _result, v=viewer: self._forget_viewer(v))
        self.viewer = viewer
        viewer.show()
        return viewer

    def _forget_viewer(self, viewer: Any) -> None:
        if self.viewer is viewer:
            self.viewer = None
        viewer.deleteLater()

    def annotate(self, evidence: Evidence, parent: QWidget | None) -> Any:
        """The annotation editor over the photo's preview; its shapes are saved when it is accepted."""
        if not evidence.is_photo:
            emit(self.message, _("Only photos can be annotated."))
            return None
        if self.refused():
            return None
        try:
            from oekoaudit.ui.dialogs.annotation_editor import AnnotationEditor
        except ImportError:
            emit(self.message, _("The annotation editor is not available."))
            return None
        try:
            image = self.service.preview(evidence)
        except OekoauditError as exc:
            prompts.error(parent, error_text(exc))
            return None
        if image is None:
            prompts.error(parent, _("The picture of {name} cannot be shown: its original is missing.").format(
                name=evidence.original_name))
            return None
        editor = AnnotationEditor(Path(image), evidence.annotations, parent, _short(evidence))
        editor.accepted.connect(lambda: self.set_annotations(evidence, editor.shapes()))
        editor.finished.connect(lambda _result: self._forget_editor(editor))
        self.editor = editor
        editor.open()
        return editor

    def _forget_editor(self, editor: Any) -> None:
        if self.editor is editor:
            self.editor = None
        editor.deleteLater()

    def export_copy(self, evidence: Evidence, parent: QWidget | None, annotated: bool = True,
                    folder: str | None = None) -> bool:
        """Save a copy (with the annotations burnt in, or the original) into a folder the user chooses."""
        folder = folder or choose_folder(parent, _("Save a copy in …"))
        if not folder:
            return False
        service, evidence_id = self.service, evidence.id

        def done(path: Any) -> None:
            emit(self.message, _("Copy saved: {path}").format(path=path))

        def failed(exc: BaseException) -> None:
            prompts.error(parent, _("The copy could not be saved.\n\n{message}").format(message=error_text(exc)))

        self.tasks.submit(lambda: service.export_copy(evidence_id, Path(folder), annotated=annotated), done, failed)
        return True


def watch_rows(ui: EvidenceUi, view: QAbstractItemView) -> DropCatcher:
    """Files dropped onto a row of ``view`` (a checklist item, a finding, a measure) are imported and linked
    to what the row shows; the row becomes the current one while the drag is over it."""

    def where(_watched: Any, pos: QPoint) -> Target | None:
        index = view.indexAt(pos)
        target = row_target(index.data(ObjectRole)) if index.isValid() else None
        if target is not None and view.currentIndex() != index:
            view.setCurrentIndex(index)
        return target

    catcher = DropCatcher(lambda mime, target: ui.import_mime(mime, target, view.window()),
                          lambda: not ui.read_only, view, where)
    catcher.watch(view.viewport())
    return catcher


def row_target(obj: Any) -> Target | None:
    """What a row's object can have evidence linked to: a checklist item, a finding or a measure."""
    if isinstance(obj, Item):
        return Target.item(obj.key)
    if isinstance(obj, Finding):
        return Target.finding(obj.id)
    if isinstance(obj, Measure):
        return Target.measure(obj.id)
    return None
