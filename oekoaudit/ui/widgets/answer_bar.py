"""One checkable button per option of the answer scale, with its keyboard shortcut."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractButton, QButtonGroup, QPushButton, QWidget

from oekoaudit import i18n
from oekoaudit.domain.checklist import AnswerScale, Rating
from oekoaudit.i18n import _
from oekoaudit.ui import style
from oekoaudit.ui.qtcompat import emit
from oekoaudit.ui.widgets.flow_layout import FlowLayout

_OPEN_COLOUR = "#5f6368"


class AnswerBar(QWidget):
    """Emits ``answer_chosen(option_key)`` when the user clicks (or presses Space on) a button."""

    answer_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = FlowLayout(self, spacing=6)
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self._buttons: dict[str, QPushButton] = {}
        self._scale: AnswerScale | None = None
        self._connect_signals()

    def _connect_signals(self) -> None:
        self._group.buttonClicked.connect(self._on_group_button_clicked)

    @property
    def buttons(self) -> dict[str, QPushButton]:
        return dict(self._buttons)

    def set_scale(self, scale: AnswerScale) -> None:
        if self._scale == scale:
            return
        for button in self._buttons.values():
            self._group.removeButton(button)
            self._layout.removeWidget(button)
            button.deleteLater()
        self._buttons = {}
        self._scale = scale
        lang = i18n.get_language()
        for option in scale.options:
            label = option.label.get(lang)
            button = QPushButton(f"{option.shortcut}  {label}" if option.shortcut else label, self)
            button.setCheckable(True)
            button.setProperty("option_key", option.key)
            button.setToolTip(_("{answer} (key {shortcut})").format(answer=label, shortcut=option.shortcut)
                              if option.shortcut else label)
            button.setAccessibleName(label)
            colour = style.RATING_COLOURS.get(option.rating, _OPEN_COLOUR) \
                if option.rating is not Rating.OPEN else _OPEN_COLOUR
            button.setStyleSheet(style.answer_button_style(colour))
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            self._group.addButton(button)
            self._layout.addWidget(button)
            self._buttons[option.key] = button
        self.updateGeometry()

    def set_current(self, option_key: str | None) -> None:
        """Check the button of ``option_key`` (None or unknown: none checked)."""
        self._group.setExclusive(False)
        for key, button in self._buttons.items():
            button.setChecked(key == option_key)
        self._group.setExclusive(True)

    def current(self) -> str | None:
        button = self._group.checkedButton()
        return button.property("option_key") if button is not None else None

    def _on_group_button_clicked(self, button: QAbstractButton) -> None:
        emit(self.answer_chosen, button.property("option_key"))
