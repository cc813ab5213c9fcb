"""Several views in one tab, switched by joined buttons above them.

The workspace has more views than a tab bar of a 1280 px window can show; the ones that look at
the audit from outside (open actions of the organisation, gap analysis, comparison) share the
tab *Auswertung*. Each page keeps its own heading; the buttons sit above, as in the figures tab.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QStackedWidget, QVBoxLayout, QWidget

from oekoaudit.ui.qtcompat import emit
from oekoaudit.ui.widgets.view_header import VIEW_MARGINS, segments


class ViewGroup(QWidget):
    #: the page shown changed (the page widget)
    current_changed = Signal(object)

    def __init__(self, pages: Sequence[tuple[str, str, QWidget]], parent: QWidget | None = None) -> None:
        """``pages``: (name, button text, widget) in order."""
        super().__init__(parent)
        self._pages = [widget for _name, _text, widget in pages]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        bar = QHBoxLayout()
        left, top, right, _bottom = VIEW_MARGINS
        bar.setContentsMargins(left, top, right, 0)
        self.buttons = segments(self, [(name, text) for name, text, _widget in pages], bar)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.stack = QStackedWidget(self)
        for widget in self._pages:
            self.stack.addWidget(widget)
        layout.addWidget(self.stack, 1)
        self.buttons.idClicked.connect(self._on_buttons_id_clicked)

    def pages(self) -> list[QWidget]:
        return list(self._pages)

    def current(self) -> QWidget:
        return self.stack.currentWidget()

    def show_page(self, widget: QWidget) -> None:
        index = self._pages.index(widget)
        self.buttons.button(index).setChecked(True)
        if self.stack.currentIndex() != index:
            self.stack.setCurrentIndex(index)
            emit(self.current_changed, widget)

    def _on_buttons_id_clicked(self, index: int) -> None:
        self.show_page(self._pages[index])
