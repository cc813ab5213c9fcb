"""A form dialog whose OK button writes through the DbWorker and shows errors inline."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from oekoaudit.i18n import _
from oekoaudit.ui import style
from oekoaudit.ui.prompts import error_text
from oekoaudit.ui.tasks import DbWorker


class WritingDialog(QDialog):
    """A dialog whose saving runs on the DbWorker (:meth:`submit_write`): its buttons are off and
    Escape waits while the write runs; a refusal is shown inline in ``error_label``, which the
    subclass places in its layout. On success ``result_value`` holds the write's result."""

    def __init__(self, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self.result_value: Any = None
        self._busy = False
        self.buttons: QDialogButtonBox | None = None
        self.error_label = QLabel(self)
        self.error_label.setObjectName("error_label")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"color: {style.ERROR_TEXT};")
        self.error_label.setVisible(False)

    def add_heading(self, outer: QVBoxLayout) -> None:
        """A bold heading (``self.heading``) and a muted notice below it (``self.notice``, hidden
        until there is something to say, e.g. why the record is read-only)."""
        self.heading = QLabel(self)
        self.heading.setWordWrap(True)
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.heading.setFont(font)
        self.notice = QLabel(self)
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(f"color: {style.MUTED_TEXT};")
        self.notice.setVisible(False)
        outer.addWidget(self.heading)
        outer.addWidget(self.notice)

    def show_error(self, message: str, focus: QWidget | None = None) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))
        if focus is not None:
            focus.setFocus(Qt.FocusReason.OtherFocusReason)

    def submit_write(self, write: Callable[[], Any], on_done: Callable[[Any], None] | None = None) -> None:
        """Run ``write`` on the worker; then ``on_done(result)`` (default: keep it and accept)."""
        self._set_busy(True)
        finish = on_done or self._on_write_done

        def done(value: Any) -> None:
            self._set_busy(False)
            finish(value)

        self._worker.submit(write, done, self._on_write_error)

    def reject(self) -> None:
        if self._busy:  # the write is under way; its result decides
            return
        super().reject()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        if self.buttons is not None:
            self.buttons.setEnabled(not busy)
        self.setCursor(Qt.CursorShape.BusyCursor if busy else Qt.CursorShape.ArrowCursor)

    def _on_write_done(self, value: Any) -> None:
        self.result_value = value
        self.accept()

    def _on_write_error(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.show_error(error_text(exc))


class FormDialog(WritingDialog):
    """Subclasses add rows to ``self.form``, implement :meth:`validate` and :meth:`write`."""

    def __init__(self, worker: DbWorker, title: str, parent: QWidget | None = None) -> None:
        super().__init__(worker, parent)
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
        self.submit_write(self.write())
