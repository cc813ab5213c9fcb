"""Every message box and file dialog of the window, in one place that tests can monkeypatch."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from oekoaudit.errors import OekoauditError
from oekoaudit.i18n import _, describe


def error(parent: QWidget | None, message: str, title: str | None = None) -> None:
    QMessageBox.critical(parent, title or _("oekoaudit – Error"), message)


def warning(parent: QWidget | None, message: str, title: str | None = None) -> None:
    QMessageBox.warning(parent, title or _("oekoaudit"), message)


def information(parent: QWidget | None, message: str, title: str | None = None) -> None:
    QMessageBox.information(parent, title or _("oekoaudit"), message)


def about(parent: QWidget | None, title: str, rich_text: str) -> None:
    QMessageBox.about(parent, title, rich_text)


def confirm(parent: QWidget | None, message: str, title: str | None = None) -> bool:
    answer = QMessageBox.question(parent, title or _("oekoaudit"), message,
                                  QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def open_file(parent: QWidget | None, caption: str, file_filter: str = "", directory: str = "") -> str | None:
    path, _selected = QFileDialog.getOpenFileName(parent, caption, directory, file_filter)
    return path or None


def save_file(parent: QWidget | None, caption: str, file_filter: str = "", directory: str = "") -> str | None:
    path, _selected = QFileDialog.getSaveFileName(parent, caption, directory, file_filter)
    return path or None


def error_text(exc: BaseException) -> str:
    """The user's-language message for an error from a service (or a short generic one)."""
    if isinstance(exc, OekoauditError):
        return describe(exc)
    return _("Unexpected error: {message}").format(message=str(exc) or type(exc).__name__)
