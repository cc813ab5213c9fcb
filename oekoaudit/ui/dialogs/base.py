"""A form dialog whose OK button writes through the DbWorker and shows errors inline."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from oekoaudit.errors import OekoauditError
from oekoaudit.i18n import _, describe
from oekoaudit.ui import style
from oekoaudit.ui.tasks import DbWorker


class FormDialog(QDialog):
    """Subclasses add rows to ``self.form``, implement :meth:`validate` and :meth:`write`."""

    def __init__(self, worker: DbWorker, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self.result_value: Any = None
        self._busy = False
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.intro.setStyleSheet(f"color: {style.MUTED_TEXT};")
        self.intro.setVisible(False)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.form.setHorizontalSpacing(12)
        self.form.setVerticalSpacing(8)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("error_label")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"color: {style.ERROR_TEXT};")
        self.error_label.setVisible(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.ok_button.setText(_("Create"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)

    @property
    def ok_button(self) -> Any:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def set_intro(self, text: str) -> None:
        self.intro.setText(text)
        self.intro.setVisible(bool(text))

    def show_error(self, message: str, focus: QWidget | None = None) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))
        if focus is not None:
            focus.setFocus(Qt.FocusReason.OtherFocusReason)

    # ---- to implement -------------------------------------------------------------------

    def validate(self) -> bool:
        """Check the fields; show an error and return False if something is missing."""
        return True

    def write(self) -> Callable[[], Any]:
        """The function the worker runs (plain values captured, no widgets)."""
        raise NotImplementedError

    # ---- flow ---------------------------------------------------------------------------

    def _on_buttons_accepted(self) -> None:
        self.show_error("")
        if not self.validate():
            return
        self._set_busy(True)
        self._worker.submit(self.write(), self._on_write_done, self._on_write_error)

    def reject(self) -> None:
        if self._busy:  # the write is under way; its result decides
            return
        super().reject()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.buttons.setEnabled(not busy)
        self.setCursor(Qt.CursorShape.BusyCursor if busy else Qt.CursorShape.ArrowCursor)

    def _on_write_done(self, value: Any) -> None:
        self._set_busy(False)
        self.result_value = value
        self.accept()

    def _on_write_error(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, OekoauditError):
            self.show_error(describe(exc))
        else:
            self.show_error(_("Unexpected error: {message}").format(message=str(exc) or type(exc).__name__))
