"""The checklist runner: the tree of sections and items, the item's detail, keyboard-first answering.

Keys (focus in the tree or on an answer button, never while typing in the note):

* the scale's shortcuts (``1`` conform … ``6`` not applicable, ``0`` open) answer the current
  item, then the next item is selected;
* Up/Down move, Left/Right collapse and expand sections;
* ``N`` or Ctrl+Down jump to the next unanswered item;
* ``F`` records a finding on the current item (pre-filled from its answer and note);
* Enter goes to the note; Ctrl+Enter or Esc in the note saves it and comes back;
* Ctrl+F goes to the search above the list; Esc there clears it and comes back;
* Ctrl+Z / Ctrl+Shift+Z undo and redo answers and notes (in the note, while it has typing to
  undo, they undo the typing first).

Every answer is written at once through the undo manager (on the
:class:`~oekoaudit.ui.tasks.DbWorker`); the note is written after a short pause in typing, when
it loses focus, when another item is chosen and when the window closes. The writes of one
editing session of a note are one step of the history.

The filter (search, result, unanswered, with findings, mandatory) is applied when it is set: an
item answered while it is shown stays shown, and the keys move through the items shown.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QSplitter, QTreeView, QVBoxLayout, QWidget

from oekoaudit import i18n
from oekoaudit.domain.audit import AuditDetail
from oekoaudit.domain.checklist import Item, Section
from oekoaudit.errors import OekoauditError
from oekoaudit.i18n import _
from oekoaudit.services import Services
from oekoaudit.ui.lifecycle import read_only_message
from oekoaudit.ui.models.checklist_model import (
    FINDING_MARK,
    ITEM,
    NOTE_MARK,
    ChecklistFilter,
    ChecklistFilterProxy,
    ChecklistModel,
    Column,
    KindRole,
    ObjectRole,
)
from oekoaudit.ui.qtcompat import emit
from oekoaudit.ui.tasks import ChangeNotifier, DbWorker
from oekoaudit.ui.undo import UndoManager, push_answer, push_confirm, push_note
from oekoaudit.ui.widgets.checklist_filter import ChecklistFilterBar
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
    #: the user wants a finding on this item (F, "Record finding…"); its note is committed first
    finding_requested = Signal(str)
    #: the user answered an item (item key, option key)
    answered = Signal(str, str)

    def __init__(self, services: Services, worker: DbWorker, notifier: ChangeNotifier,
                 parent: QWidget | None = None, undo: UndoManager | None = None) -> None:
        super().__init__(parent)
        #: the audit whose answers were carried over into this one (shown on unconfirmed answers)
        self._carried_from = ""
        self._services = services
        self._worker = worker
        self._notifier = notifier
        #: every answer and note goes through here, so that it can be undone
        self._undo = undo or UndoManager(worker, notifier, self)
        self._note_key: str | None = None  # the item whose note is in the editor
        self._note_dirty = False
        self._note_base = ""  # the item's note as stored before the editor's text (undo restores it)
        self._note_session = 0  # one editing session of a note is one undo step
        self._note_timer = QTimer(self)
        self._note_timer.setSingleShot(True)
        self._note_timer.setInterval(NOTE_IDLE_MS)
        self.model = ChecklistModel(self)
        self.proxy = ChecklistFilterProxy(self.model, self)
        self._build()
        self._connect_signals()

    # ---- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        self.filter_bar = ChecklistFilterBar(self)
        self.tree = ChecklistTree(self)
        self.tree.setModel(self.proxy)
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
        header.setSectionResizeMode(Column.FINDING, QHeaderView.ResizeMode.Fixed)
        metrics = self.tree.fontMetrics()
        header.resizeSection(Column.PROGRESS, metrics.horizontalAdvance("00/00") + 16)
        header.resizeSection(Column.RESULT, metrics.horizontalAdvance("geringfügige Abweichung") + 30)
        header.resizeSection(Column.NOTE, metrics.horizontalAdvance(NOTE_MARK) + 16)
        header.resizeSection(Column.FINDING, metrics.horizontalAdvance(FINDING_MARK) + 16)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

        self.detail = ItemDetail(self)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("checklist_splitter")
        self.list_pane = QWidget(self)
        list_layout = QVBoxLayout(self.list_pane)
        list_layout.setContentsMargins(0, 6, 0, 0)
        list_layout.setSpacing(0)
        list_layout.addWidget(self.filter_bar)
        list_layout.addWidget(self.tree, 1)
        self.splitter.addWidget(self.list_pane)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 11)
        self.splitter.setStretchFactor(1, 10)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

        self.tree.installEventFilter(self)
        self.tree.viewport().installEventFilter(self)
        self.detail.note_edit.installEventFilter(self)

        self.action_find = QAction(_("Search in the checklist"), self)
        self.action_find.setShortcuts(QKeySequence.StandardKey.Find)
        self.action_find.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.addAction(self.action_find)

    def _connect_signals(self) -> None:
        self.detail.finding_requested.connect(self.request_finding)
        self.detail.confirm_requested.connect(self.confirm_current)
        self.detail.set_findings_source(self.model.findings_of)
        self.tree.selectionModel().currentRowChanged.connect(self._on_tree_current_row_changed)
        self.model.modelReset.connect(self._on_model_reset)
        self.detail.answer_chosen.connect(self._on_detail_answer_chosen)
        self.detail.note_edit.textChanged.connect(self._on_note_edit_text_changed)
        self.detail.note_edit.focus_left.connect(self._on_note_edit_focus_left)
        self.detail.note_edit.done.connect(self._on_note_edit_done)
        self._note_timer.timeout.connect(self._on_note_timer_timeout)
        self.splitter.splitterMoved.connect(self._on_splitter_splitter_moved)
        self.filter_bar.changed.connect(self._on_filter_bar_changed)
        self.filter_bar.leave.connect(self._on_filter_bar_leave)
        self.action_find.triggered.connect(self.filter_bar.focus_search)

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
        return detail is None or detail.audit.read_only

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
            self._carried_from = self._source_title(detail)
            # another audit: every item again, and the results of its scale to filter by
            self.filter_bar.set_scale(detail.checklist.scale if detail else None)
            self.proxy.set_filter(ChecklistFilter())
        self.model.set_detail(detail)
        if same:
            if self._note_dirty and self._note_key:
                self.model.set_local_answer(self._note_key, note=self.detail.note_edit.toPlainText())
            self._refresh_detail()

    def _source_title(self, detail: AuditDetail | None) -> str:
        """The name of the audit this one's answers were carried over from (for the "confirm" note)."""
        source_id = detail.audit.carried_from_audit_id if detail is not None else None
        if not source_id:
            return ""
        try:
            source = self._services.audits.get(source_id)
        except OekoauditError:
            return ""
        when = source.start_date.strftime("%d.%m.%Y" if i18n.get_language() == "de" else "%Y-%m-%d") \
            if source.start_date else ""
        name = source.title or source.catalogue_id
        return f"{name} ({when})" if when else name

    def confirm_current(self) -> None:
        """Take the current item's carried-over answer as it is (B)."""
        key = self.current_item_key()
        detail = self.model.detail
        answer = self.model.answer(key) if key else None
        if key is None or detail is None or answer is None or not answer.carried_over:
            emit(self.message, _("This answer needs no confirmation."))
            return
        if self.read_only:
            emit(self.message, read_only_message(self.model.detail))
            return
        self.model.set_local_answer(key, result=answer.result)
        self.detail.set_carried(False)
        audit_id = detail.audit.id
        item = self.model.index_of_item(key).data(ObjectRole)
        push_confirm(self._undo, self._services.audits, audit_id, key,
                     _("Confirm {ref}").format(ref=item.ref if item else key),
                     on_replay=lambda _undone: self._show_change(audit_id, key))
        following = self.next_shown_item(key)
        if following is not None:
            self.select_item(following)

    def _on_model_reset(self) -> None:
        self._note_key = None
        self._set_note_dirty(False)
        self.detail.show_nothing()
        self.tree.expandAll()
        if self.model.detail is None:
            return
        self._select_first_shown()

    def _select_first_shown(self) -> None:
        shown = self.proxy.matching_items()
        start = self._next_unanswered_in(shown, None) or next(iter(shown), None)
        if start is not None:
            self.select_item(start)

    def select_item(self, key: str) -> bool:
        """Make an item the current row; False if it is not in the list (or hidden by the filter)."""
        index = self.proxy.mapFromSource(self.model.index_of_item(key))
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
            carried = answer is not None and answer.carried_over
            if self.detail.item is not None and self.detail.item.key == obj.key:
                self.detail.set_read_only(self.read_only)  # the audit may have been closed or reopened
                self.detail.set_result(option.key if option else None)
                self.detail.set_carried(carried, self._carried_from)
                if not self._note_dirty:
                    self._note_base = answer.note if answer else ""
                    self.detail.set_note(self._note_base)
                return
            self.detail.show_item(obj, detail.checklist.scale, option.key if option else None,
                                  answer.note if answer else "", self._path_of(index), read_only=self.read_only)
            self.detail.set_carried(carried, self._carried_from)
            self._note_key = obj.key
            self._note_base = answer.note if answer else ""
            self._note_session += 1
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
        if watched is self.detail.note_edit:
            if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
                return self._note_shortcut_override(event)
            return False
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
        if key == Qt.Key.Key_F:
            self.request_finding()
            return True
        if key == Qt.Key.Key_B and self.current_item_key() is not None:
            self.confirm_current()
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

    def _note_shortcut_override(self, event: QKeyEvent) -> bool:
        """Ctrl+Z in the note undoes the typing while there is typing to undo, then the audit's edits."""
        document = self.detail.note_edit.document()
        if (event.matches(QKeySequence.StandardKey.Undo) and not document.isUndoAvailable()) or \
                (event.matches(QKeySequence.StandardKey.Redo) and not document.isRedoAvailable()):
            event.ignore()  # not the editor's: the window's Undo / Redo take it
            return True
        return False

    def _step(self, delta: int) -> None:
        current = self.tree.currentIndex()
        target = self.tree.indexBelow(current) if delta > 0 else self.tree.indexAbove(current)
        if target.isValid():
            self.tree.setCurrentIndex(target)

    def _next_unanswered_in(self, keys: list[str], after: str | None) -> str | None:
        """The next open item of ``keys`` after ``after`` (wrapping round)."""
        start = keys.index(after) + 1 if after in keys else 0
        for key in keys[start:] + keys[:start]:
            if key != after and not self.model.is_answered(key):
                return key
        return None

    def go_to_next_unanswered(self) -> None:
        """Select the next open item the list shows."""
        key = self._next_unanswered_in(self.proxy.matching_items(), self.current_item_key())
        if key is None:
            if self.proxy.filter.active and self.model.next_unanswered(self.current_item_key()) is not None:
                emit(self.message, _("Every item shown is answered; \"Show all\" shows the others."))
            else:
                emit(self.message, _("Every item is answered."))
            return
        self.select_item(key)

    def next_shown_item(self, key: str) -> str | None:
        """The item after ``key`` in the list as it is shown (filtered)."""
        shown = self.proxy.matching_items()
        if key not in shown:
            return None
        position = shown.index(key)
        return shown[position + 1] if position + 1 < len(shown) else None

    # ---- answering ----------------------------------------------------------------------

    def answer_current(self, option_key: str, advance: bool = True) -> None:
        key = self.current_item_key()
        detail = self.model.detail
        if key is None or detail is None:
            return
        if self.read_only:
            emit(self.message, read_only_message(self.model.detail))
            return
        scale = detail.checklist.scale
        option = scale.option(option_key)
        if option is None:
            return
        before = self.model.answer(key)
        old_key = before.result if before is not None else scale.open_option.key
        unchanged = before is not None and old_key == option.key and not before.carried_over
        self.model.set_local_answer(key, result=option.key)
        self.detail.set_result(option.key)
        self.detail.set_carried(False)
        if not unchanged and not (before is None and option.key == scale.open_option.key):
            audit_id = detail.audit.id
            audits = self._services.audits
            new_key = option.key
            item = self.model.index_of_item(key).data(ObjectRole)
            text = _("Answer {ref}: {answer}").format(ref=item.ref if item else key,
                                                      answer=option.label.get(i18n.get_language()))
            push_answer(self._undo, audits, audit_id, key, new_key, old_key, text,
                        on_replay=lambda _undone: self._show_change(audit_id, key))
        emit(self.answered, key, option.key)
        if advance:
            following = self.next_shown_item(key)
            if following is not None:
                self.select_item(following)

    def _show_change(self, audit_id: str, key: str) -> None:
        """An answer or note was undone or redone: show its item (after the history has moved)."""
        def show() -> None:
            if self.audit_id == audit_id and self.current_item_key() != key:
                self.select_item(key)
        QTimer.singleShot(0, self, show)

    def request_finding(self) -> None:
        """Ask for a finding on the current item (the workspace opens the dialog)."""
        key = self.current_item_key()
        if key is None:
            emit(self.message, _("Choose an item first: findings are recorded on items (or in the Findings tab)."))
            return
        if self.read_only:
            emit(self.message, read_only_message(self.model.detail))
            return
        self.commit_note()
        emit(self.finding_requested, key)

    def _on_detail_answer_chosen(self, option_key: str) -> None:
        self.answer_current(option_key)

    # ---- the filter ---------------------------------------------------------------------

    def set_filter(self, flt: ChecklistFilter) -> None:
        """Show the items matching ``flt``; the current item stays if it is shown, else the first open one."""
        key = self.current_item_key()
        self.commit_note()
        self.proxy.set_filter(flt)
        self.tree.expandAll()
        shown = self.proxy.matching_items()
        self.filter_bar.show_count(len(shown), len(self.model.item_keys()))
        if key is not None and key in shown:
            self.select_item(key)
        elif shown:
            self._select_first_shown()
        else:
            self.tree.selectionModel().clearCurrentIndex()
            self.tree.clearSelection()
            self._refresh_detail()

    def _on_filter_bar_changed(self, flt: object) -> None:
        if isinstance(flt, ChecklistFilter):
            self.set_filter(flt)

    def _on_filter_bar_leave(self) -> None:
        self.tree.setFocus(Qt.FocusReason.ShortcutFocusReason)

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
        self._note_session += 1

    def _on_note_edit_done(self) -> None:
        self.commit_note()
        self._note_session += 1
        self.tree.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def commit_note(self) -> None:
        """Write the note in the editor if it has unsaved text."""
        self._note_timer.stop()
        detail = self.model.detail
        key = self._note_key
        if not self._note_dirty or key is None or detail is None:
            return
        note = self.detail.note_edit.toPlainText()
        old = self._note_base
        self._set_note_dirty(False)
        self.model.set_local_answer(key, note=note)
        if note == old:
            return
        self._note_base = note
        audit_id = detail.audit.id
        audits = self._services.audits

        def refused(_exc: BaseException) -> None:
            # keep the typed text on screen and unsaved (the window reloads next), so nothing is lost
            if self._note_key == key and self.audit_id == audit_id \
                    and self.detail.note_edit.toPlainText() == note:
                self._note_base = old
                self._set_note_dirty(True)

        item = self.model.index_of_item(key).data(ObjectRole)
        push_note(self._undo, audits, audit_id, key, note, old, _("Note {ref}").format(ref=item.ref if item else key),
                  self._note_session, on_refused=refused, on_replay=lambda _undone: self._show_change(audit_id, key))

    def _on_tree_current_row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        self.commit_note()
        self._refresh_detail()
