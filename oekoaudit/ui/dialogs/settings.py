"""File → Settings: the auditor's profile (name, qualification, organisation, logo for reports),
the language, and where the data and the backups are.

Written on Save, on the GUI thread: settings.json and the logo are small files of their own,
not the database (a job on the DbWorker would hold up the workspace's reload after the
database writes). The language applies when oekoaudit starts again (as with View → Language).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QFont, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from oekoaudit import i18n
from oekoaudit.errors import OekoauditError, UserInputError
from oekoaudit.i18n import N_, _, describe
from oekoaudit.services import Services
from oekoaudit.services.settings import (
    Settings,
    load_settings,
    logo_path,
    prepare_logo,
    remove_logo,
    store_logo,
    update_settings,
)
from oekoaudit.ui import prompts, style
from oekoaudit.ui.dialogs.base import FormDialog
from oekoaudit.ui.tasks import DbWorker

LANGUAGE_NAMES = {"de": "Deutsch", "en": "English"}
LOGO_PREVIEW = QSize(220, 72)


def open_folder(path: Path) -> bool:
    """Show a folder in the system's file manager (tests replace this)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class SettingsDialog(FormDialog):
    """On Save ``result_value`` is the written :class:`~oekoaudit.services.settings.Settings`."""

    def __init__(self, services: Services, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(worker, _("Settings"), parent)
        self.setObjectName("settings_dialog")
        self.setMinimumWidth(600)
        self._services = services
        self._data_dir = services.data_dir
        try:
            self._settings = load_settings(self._data_dir)
        except OSError:
            self._settings = Settings()
        self._new_logo: bytes | None = None  # a chosen picture, written on Save
        self._remove_logo = False
        self.ok_button.setText(_("Save"))
        self.ok_button.setObjectName("save_button")
        self._build()
        self._show_logo()

    # ---- layout -------------------------------------------------------------------------

    def _heading(self, text: str, first: bool = False) -> None:
        label = QLabel(text, self)
        font = QFont(label.font())
        font.setBold(True)
        label.setFont(font)
        label.setStyleSheet(f"color: {style.ACCENT};" + ("" if first else " margin-top: 10px;"))
        self.form.addRow(label)

    def _hint(self, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setWordWrap(True)
        label.setStyleSheet(f"color: {style.MUTED_TEXT}; font-size: small;")
        return label

    def _folder_row(self, path: Path, name: str) -> tuple[QLineEdit, QPushButton, QWidget]:
        row = QWidget(self)
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        edit = QLineEdit(str(path), row)
        edit.setObjectName(f"{name}_edit")
        edit.setReadOnly(True)
        edit.setCursorPosition(0)
        edit.setToolTip(str(path))
        button = QPushButton(_("Open folder"), row)
        button.setObjectName(f"{name}_open_button")
        layout.addWidget(edit, 1)
        layout.addWidget(button)
        return edit, button, row

    def _build(self) -> None:
        settings = self._settings
        self._heading(_("Auditor profile"), first=True)
        self.name_edit = QLineEdit(settings.auditor_name, self)
        self.name_edit.setObjectName("auditor_name_edit")
        self.name_edit.setMaxLength(200)
        self.name_edit.setPlaceholderText(_("e.g. Dr. Anna Grün"))
        self.qualification_edit = QLineEdit(settings.auditor_qualification, self)
        self.qualification_edit.setObjectName("auditor_qualification_edit")
        self.qualification_edit.setMaxLength(300)
        self.qualification_edit.setPlaceholderText(_("e.g. EMAS environmental verifier, ISO 14001 lead auditor"))
        self.organisation_edit = QLineEdit(settings.auditor_organisation, self)
        self.organisation_edit.setObjectName("auditor_organisation_edit")
        self.organisation_edit.setMaxLength(300)
        self.organisation_edit.setPlaceholderText(_("Your company or consultancy"))
        self.form.addRow(_("Name"), self.name_edit)
        self.form.addRow(_("Qualification"), self.qualification_edit)
        self.form.addRow(_("Organisation"), self.organisation_edit)

        self.logo_preview = QLabel(self)
        self.logo_preview.setObjectName("logo_preview")
        self.logo_preview.setFixedSize(LOGO_PREVIEW)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo_preview.setFrameShape(QFrame.Shape.StyledPanel)
        self.logo_preview.setStyleSheet("QLabel#logo_preview { background: #ffffff; border: 1px solid #dadce0;"
                                        f" border-radius: 4px; color: {style.MUTED_TEXT}; }}")
        self.choose_logo_button = QPushButton(_("Choose…"), self)
        self.choose_logo_button.setObjectName("choose_logo_button")
        self.remove_logo_button = QPushButton(_("Remove"), self)
        self.remove_logo_button.setObjectName("remove_logo_button")
        buttons = QVBoxLayout()
        buttons.setSpacing(6)
        buttons.addWidget(self.choose_logo_button)
        buttons.addWidget(self.remove_logo_button)
        buttons.addStretch(1)
        logo_row = QWidget(self)
        logo_layout = QHBoxLayout(logo_row)
        logo_layout.setContentsMargins(0, 0, 0, 0)
        logo_layout.setSpacing(10)
        logo_layout.addWidget(self.logo_preview)
        logo_layout.addLayout(buttons)
        logo_layout.addStretch(1)
        logo_box = QWidget(self)
        logo_box_layout = QVBoxLayout(logo_box)
        logo_box_layout.setContentsMargins(0, 0, 0, 0)
        logo_box_layout.setSpacing(3)
        logo_box_layout.addWidget(logo_row)
        logo_box_layout.addWidget(self._hint(_("For the reports. PNG or JPEG, at most 5 MB and 4000×4000 pixels.")))
        self.form.addRow(_("Logo"), logo_box)

        self._heading(_("Language"))
        self.language_combo = QComboBox(self)
        self.language_combo.setObjectName("language_combo")
        configured = i18n.known_language(settings.language) or i18n.get_language()
        for code in i18n.LANGUAGES:
            self.language_combo.addItem(LANGUAGE_NAMES.get(code, code), code)
            if code == configured:
                self.language_combo.setCurrentIndex(self.language_combo.count() - 1)
        language_box = QWidget(self)
        language_layout = QVBoxLayout(language_box)
        language_layout.setContentsMargins(0, 0, 0, 0)
        language_layout.setSpacing(3)
        language_layout.addWidget(self.language_combo, 0, Qt.AlignmentFlag.AlignLeft)
        language_layout.addWidget(self._hint(_("The language changes when oekoaudit is started again.")))
        self.form.addRow(_("Window language"), language_box)

        self._heading(_("Data"))
        try:
            backups = self._services.info().backups_dir
        except OekoauditError:
            backups = self._data_dir / "backups"
        self.data_dir_edit, self.open_data_dir_button, data_row = self._folder_row(self._data_dir, "data_dir")
        self.backups_edit, self.open_backups_button, backups_row = self._folder_row(backups, "backups")
        self._backups_dir = backups
        self.form.addRow(_("Data folder"), data_row)
        self.form.addRow(_("Backups"), backups_row)
        self.form.addRow("", self._hint(_("Everything is stored in the data folder. To use another one, start "
                                          "oekoaudit with --data-dir or set OEKOAUDIT_DATA_DIR.")))

        self.choose_logo_button.clicked.connect(self.choose_logo)
        self.remove_logo_button.clicked.connect(self._on_remove_logo_button_clicked)
        self.open_data_dir_button.clicked.connect(lambda: self._open(self._data_dir))
        self.open_backups_button.clicked.connect(lambda: self._open(self._backups_dir))
        self.name_edit.setFocus()

    # ---- the logo -----------------------------------------------------------------------

    def _current_logo_pixmap(self) -> QPixmap | None:
        pixmap = QPixmap()
        if self._new_logo is not None:
            if pixmap.loadFromData(self._new_logo, "PNG"):
                return pixmap
            return None
        if self._remove_logo:
            return None
        path = logo_path(self._data_dir, self._settings)
        if path is not None and pixmap.load(str(path)):
            return pixmap
        return None

    def _show_logo(self) -> None:
        pixmap = self._current_logo_pixmap()
        if pixmap is None or pixmap.isNull():
            self.logo_preview.setPixmap(QPixmap())
            self.logo_preview.setText(_("No logo"))
            self.remove_logo_button.setEnabled(False)
            return
        inner = LOGO_PREVIEW - QSize(12, 12)
        self.logo_preview.setPixmap(pixmap.scaled(inner, Qt.AspectRatioMode.KeepAspectRatio,
                                                  Qt.TransformationMode.SmoothTransformation))
        self.remove_logo_button.setEnabled(True)

    def choose_logo(self) -> None:
        path = prompts.open_file(self, _("Choose a logo"), _("Pictures (*.png *.jpg *.jpeg)"))
        if path:
            self.use_logo_file(Path(path))

    def use_logo_file(self, path: Path) -> bool:
        """Check a picture and show it; it is stored on Save. False (and a message) if it is refused."""
        self.show_error("")
        self.setCursor(Qt.CursorShape.BusyCursor)
        try:
            png = prepare_logo(path)
        except OekoauditError as exc:
            self.show_error(describe(exc))
            return False
        finally:
            self.setCursor(Qt.CursorShape.ArrowCursor)
        self._new_logo = png
        self._remove_logo = False
        self._show_logo()
        return True

    def _on_remove_logo_button_clicked(self) -> None:
        self._new_logo = None
        self._remove_logo = True
        self._show_logo()

    def _open(self, path: Path) -> None:
        if not open_folder(path):
            self.show_error(_("The folder {path} could not be opened.").format(path=path))

    # ---- saving -------------------------------------------------------------------------

    @property
    def language(self) -> str:
        return str(self.language_combo.currentData())

    def _on_buttons_accepted(self) -> None:
        self.show_error("")
        try:
            value = self.write()()
        except OekoauditError as exc:
            self.show_error(describe(exc))
            return
        self._on_write_done(value)

    def write(self) -> Callable[[], Any]:
        data_dir = self._data_dir
        new_logo = self._new_logo
        remove = self._remove_logo
        logo = self._settings.logo
        values = {
            "auditor_name": self.name_edit.text().strip(),
            "auditor_qualification": self.qualification_edit.text().strip(),
            "auditor_organisation": self.organisation_edit.text().strip(),
            "language": self.language,
        }

        def write() -> Any:
            try:
                name = logo
                if new_logo is not None:
                    name = store_logo(data_dir, new_logo)
                elif remove:
                    remove_logo(data_dir)
                    name = ""
                return update_settings(data_dir, logo=name, **values)
            except OSError as exc:
                raise UserInputError(N_("The settings could not be saved: {message}"),
                                     message=exc.strerror or str(exc)) from exc

        return write
