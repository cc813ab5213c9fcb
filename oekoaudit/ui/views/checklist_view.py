"""The checklist runner: the tree of sections and items, the item's detail, keyboard-first answering.

Keys (focus in the tree or on an answer button, never while typing in the note):

* the scale's shortcuts (``1`` conform … ``6`` not applicable, ``0`` open) answer the current
  item, then the next item is selected;
* Up/Down move, Left/Right collapse and expand sections;
* ``N`` or Ctrl+Down jump to the next unanswered item;
* Enter goes to the note; Ctrl+Enter or Esc in the note saves it and comes back.

Every answer is written at once through the :class:`~oekoaudit.ui.tasks.DbWorker`; the note is
written after a short pause in typing, when it loses focus, when another item is chosen and
when the window closes.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QSplitter, QTreeView, QVBoxLayout, QWidget

from oekoaudit import i18n
from oekoaudit.domain.audit import AuditDetail, AuditStatus
from oekoaudit.domain.checklist import Item, Section
from oekoaudit.i18n import _
from oekoaudit.services import Services
from oekoaudit.ui.models.checklist_model import ITEM, NOTE_MARK, ChecklistModel, Column, KindRole, ObjectRole
from oekoaudit.ui.qtcompat import emit
from oekoaudit.ui.tasks import ChangeNotifier, DbWorker
from oekoaudit.ui.widgets.item_detail import ItemDetail

NOTE_IDLE_MS = 800


class ChecklistTree(QTreeView):
    """The tree; it refuses Qt's type-ahead search so that letters and digits stay shortcuts."""

    def keyboardSearch(self, search: str) -> None:  # noqa: N802
        return


class ChecklistView(QWidget):
    #: the note being edited has (True) or no longer has (False) unsaved text
    note_dirty_changed = Signal(bool)
    #: a write failed (the exception); the view has reloaded from the store
    write_failed = Signal(object)
    #: a short message for the status bar
    message = Signal(str)
    #: an answer or note was written (Changes)
    saved = Signal(object)

    def __init__(self, services: Services, worker: DbWorker, notifier: ChangeNotifier,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._worker = worker
        self._notifier = notifier
        self._note_key: str | None = None  # the item whose note is in the editor
        self._note_dirty = False
        self._note_timer = QTimer(self)
        self._note_timer.setSingleShot(True)
        self._note_timer.setInterval(NOTE_IDLE_MS)
        self.model = ChecklistModel(self)
        self._build()
        self._connect_signals()

    # ---- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        self.tree = ChecklistTree(self)
        self.tree.setModel(self.model)
        self.tree.setObjectName("checklist_tree")
        self.tree.setUniformRowHeights(True)
        self.tree.setAllColumnsShowFocus(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setIndentation(16)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(24)
        header.setSectionResizeMode(Column.TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(Column.PROGRESS, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(Column.RESULT, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(Column.NOTE, QHeaderView.ResizeMode.Fixed)
        metrics = self.tree.fontMetrics()
        header.resizeSection(Column.PROGRESS, metrics.horizontalAdvance("00/00") + 16)
        header.resizeSection(Column.RESULT, metrics.horizontalAdvance("geringfügige Abweichung") + 30)
        header.resizeSection(Column.NOTE, metrics.horizontalAdvance(NOTE_MARK) + 16)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

        self.detail = ItemDetail(self)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("checklist_splitter")
        self.splitter.addWidget(self.tree)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 11)
        self.splitter.setStretchFactor(1, 10)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

        self.tree.installEventFilter(self)
        self.tree.viewport().installEventFilter(self)

    def _connect_signals(self) -> None:
        self.tree.selectionModel().currentRowChanged.connect(self._on_tree_current_row_changed)
        self.model.modelReset.connect(self._on_model_reset)
        self.detail.answer_chosen.connect(self._on_detail_answer_chosen)
        self.detail.note_edit.textChanged.connect(self._on_note_edit_text_changed)
        self.detail.note_edit.focus_left.connect(self._on_note_edit_focus_left)
        self.detail.note_edit.done.connect(self._on_note_edit_done)
        self._note_timer.timeout.connect(self._on_note_timer_timeout)
        self.splitter.splitterMoved.connect(self._on_splitter_splitter_moved)

    def _on_splitter_splitter_moved(self, _pos: int, _index: int) -> None:
        self.splitter.setProperty("user_sized", True)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        # keep the splitter's first layout in proportion until the user moves it
        if not self.splitter.property("user_sized"):
            total = max(self.splitter.width(), 1)
            self.splitter.setSizes([total * 56 // 100, total - total * 56 // 100])

    # ---- state --------------------------------------------------------------------------

    @property
    def audit_id(self) -> str | None:
        detail = self.model.detail
        return detail.audit.id if detail else None

    @property
    def read_only(self) -> bool:
        detail = self.model.detail
        return detail is None or detail.audit.status is AuditStatus.CLOSED

    def has_unsaved_note(self) -> bool:
        return self._note_dirty

    def current_item_key(self) -> str | None:
        index = self.tree.currentIndex()
        if index.isValid() and index.data(KindRole) == ITEM:
            return index.data(ObjectRole).key
        return None

    def set_detail(self, detail: AuditDetail | None) -> None:
        """Show an audit (or nothing). The same audit again: keep the place, keep a note being typed."""
        same = detail is not None and detail.audit.id == self.audit_id
        if not same:
            self.commit_note()
        self.model.set_detail(detail)
        if same:
            if self._note_dirty and self._note_key:
                self.model.set_local_answer(self._note_key, note=self.detail.note_edit.toPlainText())
            self._refresh_detail()

    def _on_model_reset(self) -> None:
        self._note_key = None
        self._set_note_dirty(False)
        self.detail.show_nothing()
        self.tree.expandAll()
        if self.model.detail is None:
            return
        start = self.model.next_unanswered(None) or next(iter(self.model.item_keys()), None)
        if start is not None:
            self.select_item(start)

    def select_item(self, key: str) -> bool:
        index = self.model.index_of_item(key)
        if not index.isValid():
            return False
        self.tree.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.tree.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        return True

    def reveal_current(self) -> None:
        """Scroll so that the current row is visible with as much of the list above it as fits."""
        index = self.tree.currentIndex()
        if index.isValid():
            self.tree.scrollToTop()
            self.tree.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        QTimer.singleShot(0, self, self.reveal_current)

    def _path_of(self, index: QModelIndex) -> list[Section]:
        path = []
        parent = index.parent()
        while parent.isValid():
            path.insert(0, parent.data(ObjectRole))
            parent = parent.parent()
        return path

    def _refresh_detail(self) -> None:
        """Show the current row in the detail panel (keeps a note that is being typed)."""
        index = self.tree.currentIndex()
        detail = self.model.detail
        if not index.isValid() or detail is None:
            self.detail.show_nothing()
            return
        obj = index.data(ObjectRole)
        if isinstance(obj, Item):
            answer = self.model.answer(obj.key)
            option = self.model.option_of(obj.key)
            if self.detail.item is not None and self.detail.item.key == obj.key:
                self.detail.set_result(option.key if option else None)
                if not self._note_dirty:
                    self.detail.set_note(answer.note if answer else "")
                return
            self.detail.show_item(obj, detail.checklist.scale, option.key if option else None,
                                  answer.note if answer else "", self._path_of(index), read_only=self.read_only)
            self._note_key = obj.key
            self._watch_answer_buttons()
        elif isinstance(obj, Section):
            progress = self.model.progress.sections.get(obj.key) if self.model.progress else None
            self.detail.show_section(obj, progress, self._path_of(index))
            self._note_key = None

    def _watch_answer_buttons(self) -> None:
        for button in self.detail.answer_bar.buttons.values():
            if not button.property("watched"):
                button.installEventFilter(self)
                button.setProperty("watched", True)

    # ---- keyboard -----------------------------------------------------------------------

    def _fit_columns(self) -> None:
        """Give the result column what its longest answer needs, but never more than a third."""
        metrics = self.tree.fontMetrics()
        detail = self.model.detail
        lang = i18n.get_language()
        labels_ = [o.label.get(lang) for o in detail.checklist.scale.options] if detail else []
        natural = max((metrics.horizontalAdvance(text) for text in labels_), default=150) + 34
        available = self.tree.viewport().width()
        width = min(natural, max(110, available * 34 // 100))
        if self.tree.header().sectionSize(Column.RESULT) != width:
            self.tree.header().resizeSection(Column.RESULT, width)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize and watched is self.tree.viewport():
            self._fit_columns()
            return False
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if self._handle_key(watched, event):
                event.accept()
                return True
        return super().eventFilter(watched, event)

    def _handle_key(self, watched: QObject, event: QKeyEvent) -> bool:
        key = event.key()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if key == Qt.Key.Key_Down and mods == Qt.KeyboardModifier.ControlModifier:
            self.go_to_next_unanswered()
            return True
        if mods not in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
            return False
        text = event.text()
        if key == Qt.Key.Key_N:
            self.go_to_next_unanswered()
            return True
        detail = self.model.detail
        if detail is not None and text and not text.isspace():
            option = detail.checklist.scale.by_shortcut(text.lower())
            if option is not None:
                if self.current_item_key() is None:
                    emit(self.message, _("Choose an item first: the answer keys apply to items, not sections."))
                else:
                    self.answer_current(option.key)
                return True
        if watched is not self.tree:  # an answer button
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                self.tree.setFocus(Qt.FocusReason.OtherFocusReason)
                self._step(-1 if key == Qt.Key.Key_Up else 1)
                return True
            return False
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.current_item_key() is not None \
                and not self.read_only:
            self.detail.note_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.detail.note_edit.moveCursor(self.detail.note_edit.textCursor().MoveOperation.End)
            return True
        return False

    def _step(self, delta: int) -> None:
        current = self.tree.currentIndex()
        target = self.tree.indexBelow(current) if delta > 0 else self.tree.indexAbove(current)
        if target.isValid():
            self.tree.setCurrentIndex(target)

    def go_to_next_unanswered(self) -> None:
        key = self.model.next_unanswered(self.current_item_key())
        if key is None:
            emit(self.message, _("Every item is answered."))
            return
        self.select_item(key)

    # ---- answering ----------------------------------------------------------------------

    def answer_current(self, option_key: str, advance: bool = True) -> None:
        key = self.current_item_key()
        detail = self.model.detail
        if key is None or detail is None:
            return
        if self.read_only:
            emit(self.message, _("The audit is closed and cannot be changed."))
            return
        self.model.set_local_answer(key, result=option_key)
        self.detail.set_result(option_key)
        audit_id = detail.audit.id
        audits = self._services.audits
        self._worker.submit(lambda: audits.answer(audit_id, key, option_key, None),
                            self._on_write_done, self._on_write_error)
        if advance:
            following = self.model.next_item(key)
            if following is not None:
                self.select_item(following)

    def _on_detail_answer_chosen(self, option_key: str) -> None:
        self.answer_current(option_key)

    def _on_write_done(self, changes: Any) -> None:
        emit(self.saved, changes)
        emit(self._notifier.changed, changes)

    def _on_write_error(self, exc: BaseException) -> None:
        emit(self.write_failed, exc)

    # ---- the note -----------------------------------------------------------------------

    def _set_note_dirty(self, dirty: bool) -> None:
        if dirty != self._note_dirty:
            self._note_dirty = dirty
            emit(self.note_dirty_changed, dirty)

    def _on_note_edit_text_changed(self) -> None:
        if self._note_key is None or self.detail.note_edit.isReadOnly():
            return
        self._set_note_dirty(True)
        self._note_timer.start()

    def _on_note_timer_timeout(self) -> None:
        self.commit_note()

    def _on_note_edit_focus_left(self) -> None:
        self.commit_note()

    def _on_note_edit_done(self) -> None:
        self.commit_note()
        self.tree.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def commit_note(self) -> None:
        """Write the note in the editor if it has unsaved text."""
        self._note_timer.stop()
        detail = self.model.detail
        key = self._note_key
        if not self._note_dirty or key is None or detail is None:
            return
        note = self.detail.note_edit.toPlainText()
        self._set_note_dirty(False)
        self.model.set_local_answer(key, note=note)
        audit_id = detail.audit.id
        audits = self._services.audits

        def failed(exc: BaseException) -> None:
            # keep the typed text on screen and unsaved, so nothing is lost
            if self._note_key == key and self.audit_id == audit_id:
                self._set_note_dirty(True)
            self._on_write_error(exc)

        self._worker.submit(lambda: audits.answer(audit_id, key, None, note), self._on_write_done, failed)

    def _on_tree_current_row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        self.commit_note()
        self._refresh_detail()
