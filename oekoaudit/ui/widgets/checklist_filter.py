"""The bar above the checklist: search, a result, and "unanswered / with findings / mandatory only"."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from oekoaudit import i18n
from oekoaudit.domain.checklist import AnswerScale, Rating
from oekoaudit.i18n import _
from oekoaudit.ui import style
from oekoaudit.ui.models.checklist_model import ChecklistFilter
from oekoaudit.ui.qtcompat import emit

#: typing in the search waits this long before the list is filtered
SEARCH_IDLE_MS = 150


class ChecklistFilterBar(QWidget):
    #: the filter the user set (a ChecklistFilter)
    changed = Signal(object)
    #: Esc, Enter or ↓ in the search: back to the list
    leave = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checklist_filter_bar")
        self._updating = False
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_IDLE_MS)
        self._build()
        self._connect_signals()

    def _build(self) -> None:
        self.search = QLineEdit(self)
        self.search.setObjectName("checklist_search")
        self.search.setPlaceholderText(_("Search (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip(_("Searches the reference, title, audit questions and note of every item"))
        self.search.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.search.setMinimumWidth(120)
        self.search.installEventFilter(self)

        self.result_combo = QComboBox(self)
        self.result_combo.setObjectName("checklist_result_filter")
        self.result_combo.setToolTip(_("Show only items with this result"))
        self.result_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)

        self.options_button = QPushButton(self)
        self.options_button.setObjectName("checklist_filter_options")
        self.options_menu = QMenu(self.options_button)
        self.action_unanswered = self._option(_("&Unanswered only"))
        self.action_with_findings = self._option(_("With &findings"))
        self.action_mandatory = self._option(_("&Mandatory items only"))
        self.action_carried = self._option(_("&Carried over, not yet confirmed"))
        self.options_button.setMenu(self.options_menu)

        self.count_label = QLabel(self)
        self.count_label.setObjectName("checklist_filter_count")
        self.count_label.setStyleSheet(f"color: {style.MUTED_TEXT};")
        self.reset_button = QPushButton(_("Show all"), self)
        self.reset_button.setObjectName("checklist_filter_reset")
        self.reset_button.setFlat(True)
        self.reset_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.reset_button.setStyleSheet(
            f"QPushButton {{ color: {style.ACCENT}; border: none; padding: 0 4px; text-decoration: underline; }}")
        self.reset_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        row.addWidget(self.search, 1)
        row.addWidget(self.result_combo)
        row.addWidget(self.options_button)
        self.count_row = QWidget(self)
        count_layout = QHBoxLayout(self.count_row)
        count_layout.setContentsMargins(2, 0, 0, 0)
        count_layout.setSpacing(6)
        count_layout.addWidget(self.count_label)
        count_layout.addWidget(self.reset_button)
        count_layout.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.setSpacing(3)
        layout.addLayout(row)
        layout.addWidget(self.count_row)
        self.count_row.setVisible(False)
        self._update_options_button()

    def _option(self, text: str) -> QAction:
        action = QAction(text, self.options_menu)
        action.setCheckable(True)
        self.options_menu.addAction(action)
        return action

    def _connect_signals(self) -> None:
        self.search.textChanged.connect(self._on_search_text_changed)
        self._search_timer.timeout.connect(self._on_filter_changed)
        self.result_combo.currentIndexChanged.connect(self._on_result_combo_current_index_changed)
        for action in (self.action_unanswered, self.action_with_findings, self.action_mandatory,
                       self.action_carried):
            action.toggled.connect(self._on_option_toggled)
        self.reset_button.clicked.connect(lambda _checked=False: self.clear())

    # ---- state --------------------------------------------------------------------------

    def set_scale(self, scale: AnswerScale | None) -> None:
        """Offer the results of this scale (the filter is cleared)."""
        self._updating = True
        try:
            self.result_combo.clear()
            self.result_combo.addItem(_("All results"), None)
            if scale is not None:
                lang = i18n.get_language()
                for option in scale.options:
                    icon = style.rating_icon(None if option.rating is Rating.OPEN else option.rating)
                    self.result_combo.addItem(icon, option.label.get(lang), option.key)
        finally:
            self._updating = False
        self.clear(notify=False)

    def current_filter(self) -> ChecklistFilter:
        return ChecklistFilter(
            text=self.search.text(),
            result=self.result_combo.currentData(),
            unanswered=self.action_unanswered.isChecked(),
            with_findings=self.action_with_findings.isChecked(),
            mandatory=self.action_mandatory.isChecked(),
            carried=self.action_carried.isChecked(),
        )

    def clear(self, notify: bool = True) -> None:
        """Show every item again."""
        self._updating = True
        try:
            self._search_timer.stop()
            self.search.clear()
            self.result_combo.setCurrentIndex(0)
            for action in (self.action_unanswered, self.action_with_findings, self.action_mandatory,
                       self.action_carried):
                action.setChecked(False)
        finally:
            self._updating = False
        self._update_options_button()
        if notify:
            self._on_filter_changed()
        else:
            self.show_count(0, 0)

    def show_count(self, shown: int, total: int) -> None:
        """``shown of total items`` while a filter is set; nothing otherwise."""
        active = self.current_filter().active
        if active:
            text = _("No item matches") if shown == 0 else _("{shown} of {total} items").format(
                shown=shown, total=total)
            self.count_label.setText(text)
        self.count_row.setVisible(active)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _update_options_button(self) -> None:
        count = sum(a.isChecked() for a in (self.action_unanswered, self.action_with_findings,
                                              self.action_mandatory, self.action_carried))
        self.options_button.setText(_("Filter ({count})").format(count=count) if count else _("Filter"))
        self.options_button.setToolTip(_("Unanswered only, with findings, mandatory items only, carried over"))

    # ---- signals ------------------------------------------------------------------------

    def _on_search_text_changed(self, _text: str) -> None:
        if not self._updating:
            self._search_timer.start()

    def _on_result_combo_current_index_changed(self, _index: int) -> None:
        if not self._updating:
            self._on_filter_changed()

    def _on_option_toggled(self, _checked: bool) -> None:
        self._update_options_button()
        if not self._updating:
            self._on_filter_changed()

    def _on_filter_changed(self) -> None:
        self._search_timer.stop()
        emit(self.changed, self.current_filter())

    def apply_now(self) -> None:
        """Filter with what is typed, without waiting for the pause."""
        if self._search_timer.isActive():
            self._on_filter_changed()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.search and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if key == Qt.Key.Key_Escape:
                if self.search.text():
                    self.search.clear()
                self._on_filter_changed()
                emit(self.leave)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Down):
                self.apply_now()
                emit(self.leave)
                return True
        return super().eventFilter(watched, event)
