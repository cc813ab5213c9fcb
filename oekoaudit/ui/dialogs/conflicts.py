"""Conflicts, side by side: values that both copies of an audit changed differently since they
last met. Until the user decides, this computer's value stays; the package's is kept beside it.

Left, the open conflicts (which record, which field); right, for the one chosen, "On this
computer" and "From the package" next to each other, each with its button. Deciding writes
through the DbWorker (``services.packages.resolve``) and tells the views what changed.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from oekoaudit import i18n
from oekoaudit.errors import OekoauditError
from oekoaudit.i18n import _, ngettext
from oekoaudit.services.labels import conflict_field_name as field_name
from oekoaudit.services.labels import conflict_kind_name as kind_name
from oekoaudit.ui import style
from oekoaudit.ui.models.navigator_model import audit_title
from oekoaudit.ui.prompts import error_text
from oekoaudit.ui.qtcompat import emit
from oekoaudit.ui.tasks import ChangeNotifier, DbWorker

ConflictRole = Qt.ItemDataRole.UserRole + 1

EMPTY = "—"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def format_value(value: Any) -> str:
    """A value as a person reads it: text as text, nothing as "—", yes/no, dates in the user's
    way, lists and records indented."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return EMPTY
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, str):
        german = i18n.get_language() == "de"
        if _DATE.match(value):
            try:
                day = date.fromisoformat(value)
            except ValueError:
                return value
            return day.strftime("%d.%m.%Y") if german else day.isoformat()
        if _TIME.match(value):
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                return value
            if moment.tzinfo is not None:
                moment = moment.astimezone()
            return moment.strftime("%d.%m.%Y %H:%M" if german else "%Y-%m-%d %H:%M")
        return value
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | tuple) and not value:
        return EMPTY
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)


class ValuePane(QFrame):
    """One side: a heading, the value (read-only, selectable) and the button that keeps it."""

    def __init__(self, title: str, button_text: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"conflict_{name}_pane")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.title = QLabel(title, self)
        self.title.setStyleSheet(f"color: {style.MUTED_TEXT}; font-weight: bold;")
        self.value = QPlainTextEdit(self)
        self.value.setObjectName(f"conflict_{name}_value")
        self.value.setReadOnly(True)
        self.value.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.value.setStyleSheet("QPlainTextEdit { background: #ffffff; border: 1px solid #c9cdd1;"
                                 " border-radius: 4px; padding: 4px; }")
        self.button = QPushButton(button_text, self)
        self.button.setObjectName(f"conflict_keep_{name}")
        self.button.setMinimumHeight(30)
        self.button.setAutoDefault(False)  # Enter never decides a conflict by accident
        layout.addWidget(self.title)
        layout.addWidget(self.value, 1)
        layout.addWidget(self.button)

    def set_value(self, value: Any) -> None:
        text = format_value(value)
        self.value.setPlainText(text)
        empty = text == EMPTY
        self.value.setStyleSheet("QPlainTextEdit { background: #ffffff; border: 1px solid #c9cdd1;"
                                 f" border-radius: 4px; padding: 4px; {'color: #9aa0a6;' if empty else ''} }}")


class ConflictsDialog(QDialog):
    #: a short message for the status bar
    message = Signal(str)

    def __init__(self, services: Any, worker: DbWorker, notifier: ChangeNotifier, audit_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conflicts_dialog")
        self.setWindowTitle(_("Conflicts"))
        self.setMinimumSize(880, 540)
        self._services = services
        self._worker = worker
        self._notifier = notifier
        self._audit_id = audit_id
        self._busy = False
        self._audit_titles: dict[str, str] = {}
        self._scales: dict[str, Any] = {}
        self.conflicts: list[Any] = []
        self._build()
        self.reload()

    # ---- layout ---------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        top = QHBoxLayout()
        top.setSpacing(12)
        self.heading = QLabel(_("Conflicts"), self)
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.heading.setFont(font)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("conflicts_count")
        self.count_label.setStyleSheet(f"color: {style.MUTED_TEXT};")
        top.addWidget(self.heading)
        top.addWidget(self.count_label, 0, Qt.AlignmentFlag.AlignBaseline)
        top.addStretch(1)
        layout.addLayout(top)
        self.intro = QLabel(_("These values were changed differently on this computer and in an imported package. "
                              "Until you decide, the value on this computer applies. Choose for each which one "
                              "to keep."), self)
        self.intro.setWordWrap(True)
        self.intro.setStyleSheet(f"color: {style.MUTED_TEXT};")
        layout.addWidget(self.intro)

        self.stack = QStackedWidget(self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self.stack)
        self.splitter.setChildrenCollapsible(False)
        self.list = QTreeWidget(self.splitter)
        self.list.setObjectName("conflicts_list")
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setAlternatingRowColors(True)
        self.list.setHeaderLabels([_("Record"), _("Field")])
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.list.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.list.header().setStretchLastSection(False)
        self.list.setMinimumWidth(260)
        self.list.setStyleSheet("QTreeWidget::item { padding: 3px 8px 3px 2px; }")

        detail = QWidget(self.splitter)
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(14, 0, 0, 0)
        detail_layout.setSpacing(6)
        self.title_label = QLabel(detail)
        self.title_label.setObjectName("conflict_title")
        self.title_label.setWordWrap(True)
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        self.title_label.setStyleSheet("font-weight: bold;")
        self.meta_label = QLabel(detail)
        self.meta_label.setObjectName("conflict_meta")
        self.meta_label.setWordWrap(True)
        self.meta_label.setTextFormat(Qt.TextFormat.PlainText)
        self.meta_label.setStyleSheet(f"color: {style.MUTED_TEXT};")
        panes = QHBoxLayout()
        panes.setSpacing(14)
        self.local_pane = ValuePane(_("On this computer"), _("Keep this one"), "local", detail)
        self.incoming_pane = ValuePane(_("From the package"), _("Take the package's value"), "incoming", detail)
        panes.addWidget(self.local_pane, 1)
        panes.addWidget(self.incoming_pane, 1)
        self.error_label = QLabel(detail)
        self.error_label.setObjectName("error_label")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"color: {style.ERROR_TEXT};")
        self.error_label.setVisible(False)
        detail_layout.addWidget(self.title_label)
        detail_layout.addWidget(self.meta_label)
        detail_layout.addSpacing(4)
        detail_layout.addLayout(panes, 1)
        detail_layout.addWidget(self.error_label)
        self.splitter.addWidget(self.list)
        self.splitter.addWidget(detail)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([300, 560])
        self.empty_label = QLabel(self.stack)
        self.empty_label.setObjectName("conflicts_empty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet(f"color: {style.MUTED_TEXT}; font-size: large;")
        self.empty_label.setText(_("No open conflicts."))
        self.stack.addWidget(self.splitter)
        self.stack.addWidget(self.empty_label)
        layout.addWidget(self.stack, 1)

        self.buttons = QDialogButtonBox(self)
        self.close_button = self.buttons.addButton(_("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        self.close_button.setObjectName("conflicts_close")
        layout.addWidget(self.buttons)
        self.close_button.clicked.connect(self.reject)
        self.list.currentItemChanged.connect(self._on_list_current_item_changed)
        self.local_pane.button.clicked.connect(lambda _checked=False: self.resolve_current("local"))
        self.incoming_pane.button.clicked.connect(lambda _checked=False: self.resolve_current("incoming"))

    # ---- content ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the open conflicts again; the one chosen stays chosen (else the next one)."""
        current = self.current()
        row = self.list.indexOfTopLevelItem(self.list.currentItem()) if self.list.currentItem() else 0
        try:
            self.conflicts = list(self._services.packages.conflicts(self._audit_id))
        except OekoauditError as exc:
            self.conflicts = []
            self._show_error(error_text(exc))
        self.list.blockSignals(True)
        self.list.clear()
        for conflict in self.conflicts:
            item = QTreeWidgetItem([f"{kind_name(conflict.kind)} {conflict.label}".strip(),
                                    field_name(conflict.field)])
            item.setData(0, ConflictRole, conflict.id)
            item.setToolTip(0, self._audit_title(conflict.audit_id))
            self.list.addTopLevelItem(item)
        self.list.blockSignals(False)
        count = len(self.conflicts)
        self.count_label.setText(ngettext("{n} open", "{n} open", count).format(n=count) if count else "")
        self.stack.setCurrentWidget(self.splitter if count else self.empty_label)
        if count:
            ids = [c.id for c in self.conflicts]
            index = ids.index(current.id) if current is not None and current.id in ids else min(max(row, 0), count - 1)
            self.list.setCurrentItem(self.list.topLevelItem(index))
        self._show_current()

    def current(self) -> Any:
        item = self.list.currentItem()
        if item is None:
            return None
        conflict_id = item.data(0, ConflictRole)
        return next((c for c in self.conflicts if c.id == conflict_id), None)

    def select(self, conflict_id: str) -> bool:
        for row in range(self.list.topLevelItemCount()):
            item = self.list.topLevelItem(row)
            if item.data(0, ConflictRole) == conflict_id:
                self.list.setCurrentItem(item)
                return True
        return False

    def _on_list_current_item_changed(self, *_args: object) -> None:
        self._show_error("")
        self._show_current()

    def _show_current(self) -> None:
        conflict = self.current()
        for pane in (self.local_pane, self.incoming_pane):
            pane.button.setEnabled(conflict is not None and not self._busy)
        if conflict is None:
            self.title_label.setText("")
            self.meta_label.setText("")
            self.local_pane.value.setPlainText("")
            self.incoming_pane.value.setPlainText("")
            return
        self.title_label.setText(_("{record} – {field}").format(
            record=f"{kind_name(conflict.kind)} {conflict.label}".strip(), field=field_name(conflict.field)))
        meta = []
        title = self._audit_title(conflict.audit_id)
        if title:
            meta.append(_("Audit: {title}").format(title=title))
        if conflict.detected_at is not None:
            meta.append(_("found on {date}").format(date=format_value(conflict.detected_at.isoformat())))
        if conflict.incoming_device:
            meta.append(_("package from the computer {device}").format(device=conflict.incoming_device[:8]))
        self.meta_label.setText(" · ".join(meta))
        self.local_pane.set_value(self._readable(conflict, conflict.local))
        self.incoming_pane.set_value(self._readable(conflict, conflict.incoming))

    def _audit_title(self, audit_id: str | None) -> str:
        if not audit_id:
            return ""
        if audit_id not in self._audit_titles:
            try:
                self._audit_titles[audit_id] = audit_title(self._services.audits.get(audit_id))
            except OekoauditError:
                self._audit_titles[audit_id] = ""
        return self._audit_titles[audit_id]

    def _readable(self, conflict: Any, value: Any) -> Any:
        """An answer's result by the name of its option in the audit's scale ("conform" → "konform")."""
        if conflict.kind != "answer" or conflict.field != "result" or not isinstance(value, str) or not value:
            return value
        audit_id = conflict.audit_id
        if audit_id not in self._scales:
            try:
                self._scales[audit_id] = self._services.audits.detail(audit_id).checklist.scale
            except OekoauditError:
                self._scales[audit_id] = None
        scale = self._scales.get(audit_id)
        option = scale.option(value) if scale is not None else None
        return option.label.get(i18n.get_language()) if option is not None else value

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    # ---- deciding --------------------------------------------------------------------------

    def resolve_current(self, keep: str) -> bool:
        """Keep the ``local`` or the ``incoming`` value of the conflict chosen (on the DbWorker)."""
        conflict = self.current()
        if conflict is None or self._busy:
            return False
        self._busy = True
        self._show_current()
        self.setCursor(Qt.CursorShape.BusyCursor)
        packages = self._services.packages
        conflict_id = conflict.id
        self._worker.submit(lambda: packages.resolve(conflict_id, keep),
                            lambda changes: self._on_resolved(keep, changes), self._on_resolve_failed)
        return True

    def _on_resolved(self, keep: str, changes: Any) -> None:
        self._busy = False
        self.unsetCursor()
        emit(self._notifier.changed, changes)
        emit(self.message, _("Conflict decided: the package's value applies now.") if keep == "incoming"
             else _("Conflict decided: the value on this computer stays."))
        self.reload()

    def _on_resolve_failed(self, exc: BaseException) -> None:
        self._busy = False
        self.unsetCursor()
        self._show_error(error_text(exc))
        self.reload()

    def reject(self) -> None:
        if self._busy:  # a decision is being written; its result decides
            return
        super().reject()
