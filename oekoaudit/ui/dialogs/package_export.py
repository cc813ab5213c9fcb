"""Export audits as a package (``.oekoaudit``): which audits, where, signed or not, with or
without the photos' GPS position. The export itself runs in the background (``ui/package_ui.py``);
this dialog shows its progress and Cancel, and closes when the file is complete."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSpacerItem,
    QVBoxLayout,
    QWidget,
)

from oekoaudit.domain.audit import AuditSummary
from oekoaudit.i18n import _, ngettext
from oekoaudit.services import labels
from oekoaudit.ui import prompts, style
from oekoaudit.ui.models.navigator_model import audit_title
from oekoaudit.ui.prompts import error_text
from oekoaudit.ui.qtcompat import emit

PACKAGE_SUFFIX = ".oekoaudit"
AuditRole = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True, slots=True)
class ExportRequest:
    audit_ids: tuple[str, ...]
    target: Path
    key_file: Path | None = None
    signer_name: str | None = None
    without_location: bool = False


def default_file_name(summaries: Sequence[AuditSummary], day: date | None = None) -> str:
    """"Testbetrieb GmbH Internes Audit 2026-03-12.oekoaudit" (several audits: the organisation)."""
    from oekoaudit.ui.views.report_view import safe_file_name

    day = day or date.today()
    if not summaries:
        return f"{_('Audit package')} {day.isoformat()}{PACKAGE_SUFFIX}"
    first = summaries[0].audit
    if len(summaries) == 1:
        words = [first.organisation_name, audit_title(first)]
    else:
        organisations = {s.audit.organisation_name for s in summaries}
        words = [first.organisation_name if len(organisations) == 1 else _("Audit package"),
                 ngettext("{n} audit", "{n} audits", len(summaries)).format(n=len(summaries))]
    name = safe_file_name(" ".join(w for w in words if w)) or _("Audit package")
    return f"{name} {day.isoformat()}{PACKAGE_SUFFIX}"


def set_bar(bar: QProgressBar, done: int, total: int) -> None:
    """A share (of bytes) on a 0…1000 scale; busy while the total is not known."""
    if total <= 0:
        bar.setRange(0, 0)
        return
    bar.setRange(0, 1000)
    bar.setValue(max(0, min(1000, int(1000 * done / total))))


def with_suffix(path: Path) -> Path:
    return path if path.suffix.lower() == PACKAGE_SUFFIX else path.with_name(path.name + PACKAGE_SUFFIX)


class PackageExportDialog(QDialog):
    """``export_requested(ExportRequest)`` when the user clicks Export; the caller then calls
    :meth:`set_running` with its task and one of the ``finish_…`` methods at the end."""

    export_requested = Signal(object)

    def __init__(self, audits: Sequence[AuditSummary], selected: Sequence[str], signer: str, folder: Path,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("package_export_dialog")
        self.setWindowTitle(_("Export audit as package"))
        self.setMinimumWidth(660)
        self._folder = folder
        self._summaries = {s.audit.id: s for s in audits}
        self._path_edited = False
        #: the file the save dialog chose (it asked about replacing it already)
        self._confirmed: Path | None = None
        self._task: Any = None
        self._close_when_done = False
        self.result_text = ""
        self._build(audits, selected, signer)
        self._connect_signals()
        self._update()

    # ---- layout -------------------------------------------------------------------------

    def _build(self, audits: Sequence[AuditSummary], selected: Sequence[str], signer: str) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        self.heading = QLabel(_("Export audit as package"), self)
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.heading.setFont(font)
        self.intro = QLabel(_("One file (.oekoaudit) with the audits and everything they hold: checklist, answers, "
                              "findings, measures, figures, photos and documents. Pass it on, archive it, or merge it "
                              "on another computer."), self)
        self.intro.setWordWrap(True)
        self.intro.setStyleSheet(f"color: {style.MUTED_TEXT};")
        layout.addWidget(self.heading)
        layout.addWidget(self.intro)

        self.audit_list = QListWidget(self)
        self.audit_list.setObjectName("export_audits")
        self.audit_list.setAlternatingRowColors(True)
        self.audit_list.setUniformItemSizes(True)
        self.audit_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.audit_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        ordered = sorted(audits, key=lambda s: (s.audit.id not in selected, s.audit.organisation_name.lower(),
                                                audit_title(s).lower()))
        for summary in ordered:
            audit = summary.audit
            text = f"{audit_title(audit)}  —  {audit.organisation_name} · {audit.site_name} · {labels.status(audit.status)}"
            item = QListWidgetItem(text, self.audit_list)
            item.setData(AuditRole, audit.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if audit.id in selected else Qt.CheckState.Unchecked)
            item.setToolTip(audit.id)
        rows = min(max(len(ordered), 3), 7)
        self.audit_list.setFixedHeight(self.audit_list.sizeHintForRow(0) * rows + 2 * self.audit_list.frameWidth() + 4)

        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.form.setHorizontalSpacing(12)
        self.form.setVerticalSpacing(8)
        self.form.addRow(_("Audits:"), self.audit_list)

        self.path_edit = QLineEdit(self)
        self.path_edit.setObjectName("export_path")
        self.browse_button = QPushButton(_("Browse …"), self)
        self.browse_button.setObjectName("export_browse")
        self.form.addRow(_("File:"), self._row(self.path_edit, self.browse_button))
        self.form.addItem(QSpacerItem(0, 0))

        self.sign_check = QCheckBox(_("Sign the package with my key"), self)
        self.sign_check.setObjectName("export_sign")
        self.sign_check.setToolTip(_("Whoever receives the package can then check that it comes from you and "
                                     "was not changed on the way"))
        self.form.addRow("", self.sign_check)
        self.key_edit = QLineEdit(self)
        self.key_edit.setObjectName("export_key")
        self.key_edit.setPlaceholderText(_("your private key file"))
        self.key_button = QPushButton(_("Browse …"), self)
        self.key_button.setObjectName("export_key_browse")
        self.key_row = self._row(self.key_edit, self.key_button)
        self.form.addRow(_("Key file:"), self.key_row)
        self.new_key_button = QPushButton(_("Create a new key pair …"), self)
        self.new_key_button.setObjectName("export_new_key")
        self.new_key_button.setFlat(True)
        self.new_key_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.new_key_button.setStyleSheet(f"QPushButton {{ color: {style.ACCENT}; border: none; padding: 0px;"
                                          " text-align: left; }"
                                          "QPushButton:hover, QPushButton:focus { text-decoration: underline; }"
                                          "QPushButton:disabled { color: #9aa0a6; }")
        self.form.addRow("", self.new_key_button)
        self.signer_edit = QLineEdit(signer, self)
        self.signer_edit.setObjectName("export_signer")
        self.signer_edit.setMaxLength(200)
        self.signer_edit.setPlaceholderText(_("your name"))
        self.form.addRow(_("Signed by:"), self.signer_edit)
        self.form.addItem(QSpacerItem(0, 0))

        self.location_check = QCheckBox(_("Remove the GPS position from the photos"), self)
        self.location_check.setObjectName("export_without_location")
        self.location_check.setToolTip(_("The photos in your data keep their position; only the copies in the "
                                         "package lose it"))
        self.form.addRow("", self.location_check)
        layout.addLayout(self.form)

        self.error_label = QLabel(self)
        self.error_label.setObjectName("error_label")
        self.error_label.setWordWrap(True)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setStyleSheet(f"color: {style.ERROR_TEXT};")
        self.error_label.setVisible(False)
        layout.addWidget(self.error_label)

        self.progress_box = QWidget(self)
        progress_row = QHBoxLayout(self.progress_box)
        progress_row.setContentsMargins(0, 0, 0, 0)
        progress_row.setSpacing(10)
        self.bar = QProgressBar(self.progress_box)
        self.bar.setObjectName("export_progress")
        self.bar.setStyleSheet(style.progress_bar_style())
        self.bar.setTextVisible(False)
        self.bar.setRange(0, 0)
        self.status_label = QLabel(self.progress_box)
        self.status_label.setObjectName("export_status")
        self.status_label.setStyleSheet(f"color: {style.MUTED_TEXT};")
        progress_row.addWidget(self.bar, 1)
        progress_row.addWidget(self.status_label)
        self.progress_box.setVisible(False)
        layout.addWidget(self.progress_box)
        layout.addStretch(1)

        self.buttons = QDialogButtonBox(self)
        self.export_button = self.buttons.addButton(_("Export"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setObjectName("export_button")
        self.export_button.setStyleSheet(style.primary_button_style())
        self.export_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(_("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.setObjectName("export_cancel")
        layout.addWidget(self.buttons)
        self._suggest_path()

    def _row(self, edit: QLineEdit, button: QPushButton) -> QWidget:
        row = QWidget(self)
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(6)
        box.addWidget(edit, 1)
        box.addWidget(button)
        return row

    def _connect_signals(self) -> None:
        self.audit_list.itemChanged.connect(self._on_audit_list_item_changed)
        self.path_edit.textEdited.connect(self._on_path_edit_text_edited)
        self.browse_button.clicked.connect(self.choose_path)
        self.key_button.clicked.connect(self.choose_key)
        self.new_key_button.clicked.connect(self.create_key)
        self.sign_check.toggled.connect(self._update)
        self.key_edit.textChanged.connect(self._update)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.cancel_button.clicked.connect(self.reject)

    # ---- state --------------------------------------------------------------------------

    def selected_ids(self) -> list[str]:
        ids = []
        for row in range(self.audit_list.count()):
            item = self.audit_list.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                ids.append(item.data(AuditRole))
        return ids

    def set_selected(self, audit_ids: Sequence[str]) -> None:
        for row in range(self.audit_list.count()):
            item = self.audit_list.item(row)
            item.setCheckState(Qt.CheckState.Checked if item.data(AuditRole) in audit_ids else Qt.CheckState.Unchecked)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done

    def task_cancelled(self) -> bool:
        return self._task is not None and self._task.cancelled

    def _on_audit_list_item_changed(self, _item: QListWidgetItem) -> None:
        if not self._path_edited:
            self._suggest_path()
        self._update()

    def _on_path_edit_text_edited(self, _text: str) -> None:
        self._path_edited = True
        self._update()

    def _suggest_path(self) -> None:
        summaries = [self._summaries[i] for i in self.selected_ids() if i in self._summaries]
        self.path_edit.setText(str(self._folder / default_file_name(summaries)))

    def _update(self, *_args: object) -> None:
        running = self.running
        signing = self.sign_check.isChecked()
        for widget in (self.audit_list, self.path_edit, self.browse_button, self.sign_check, self.location_check):
            widget.setEnabled(not running)
        for widget in (self.key_edit, self.key_button, self.new_key_button, self.signer_edit):
            widget.setEnabled(signing and not running)
        self.export_button.setEnabled(not running and bool(self.selected_ids()) and bool(self.path_edit.text().strip())
                                      and (not signing or bool(self.key_edit.text().strip())))

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    # ---- choosing files -----------------------------------------------------------------

    def choose_path(self) -> None:
        chosen = prompts.save_file(self, _("Export audit as package"),
                                   _("Audit packages (*.oekoaudit);;All files (*)"), self.path_edit.text())
        if chosen:
            self._confirmed = with_suffix(Path(chosen))
            self.path_edit.setText(str(self._confirmed))
            self._path_edited = True
            self._update()

    def choose_key(self) -> None:
        chosen = prompts.open_file(self, _("Your private key"), _("Key files (*.pem *.key);;All files (*)"),
                                   self.key_edit.text() or str(self._folder))
        if chosen:
            self.key_edit.setText(chosen)

    def create_key(self) -> None:
        """A new Ed25519 key pair: the private key where the user says, the public one beside it."""
        chosen = prompts.save_file(self, _("Create a new key pair"), _("Key files (*.pem *.key);;All files (*)"),
                                   str(self._folder / "oekoaudit-key.pem"))
        if not chosen:
            return
        from oekoaudit.services.packages import new_key_pair

        try:
            pair = new_key_pair(Path(chosen))
        except Exception as exc:  # noqa: BLE001 - shown to the user (an existing file, no permission)
            self.show_error(error_text(exc) if not isinstance(exc, OSError) else str(exc))
            return
        self.key_edit.setText(str(pair.private_path))
        self.sign_check.setChecked(True)
        self.show_error("")
        prompts.information(self, _("Your new key pair:\n\nPrivate key (keep it to yourself): {private}\n"
                                    "Public key (give it to whoever checks your packages): {public}\n\n"
                                    "Key id: {key}").format(private=pair.private_path, public=pair.public_path,
                                                            key=pair.key_id))

    # ---- exporting ----------------------------------------------------------------------

    def request(self) -> ExportRequest | None:
        """What to export, or None after saying what is missing."""
        ids = self.selected_ids()
        if not ids:
            self.show_error(_("Choose at least one audit."))
            return None
        text = self.path_edit.text().strip()
        if not text:
            self.show_error(_("Choose where to write the package."))
            return None
        target = with_suffix(Path(text).expanduser())
        if not target.parent.is_dir():
            self.show_error(_("The folder {path} does not exist.").format(path=str(target.parent)))
            return None
        key_file = None
        if self.sign_check.isChecked():
            key_text = self.key_edit.text().strip()
            if not key_text or not Path(key_text).expanduser().is_file():
                self.show_error(_("Choose the key file to sign with."))
                return None
            key_file = Path(key_text).expanduser()
        signer = " ".join(self.signer_edit.text().split()) or None
        return ExportRequest(tuple(ids), target, key_file, signer if key_file is not None else None,
                             self.location_check.isChecked())

    def _on_export_button_clicked(self) -> None:
        self.show_error("")
        request = self.request()
        if request is None:
            return
        if request.target.exists() and request.target != self._confirmed and not prompts.confirm(
                self, _("The file {name} exists already. Replace it?").format(name=request.target.name)):
            return
        self.path_edit.setText(str(request.target))
        emit(self.export_requested, request)

    def set_running(self, task: Any) -> None:
        self._task = task
        self._close_when_done = False
        task.progressed.connect(self._on_task_progressed)
        self.bar.setRange(0, 0)
        self.status_label.setText(_("Writing the package …"))
        self.progress_box.setVisible(True)
        self.setCursor(Qt.CursorShape.BusyCursor)
        self._update()

    def _on_task_progressed(self, done: int, total: int) -> None:
        set_bar(self.bar, done, total)
        if total > 0 and not self.task_cancelled():
            self.status_label.setText(f"{min(100, int(100 * done / total))} %")

    def reject(self) -> None:
        """Cancel (the button, Escape, closing): stops a running export first; the dialog closes
        when it has stopped, and no file is left behind."""
        if self.running:
            self._task.cancel()
            self._close_when_done = True
            self.cancel_button.setEnabled(False)
            self.status_label.setText(_("Cancelling …"))
            return
        super().reject()

    def _stopped(self) -> None:
        self.progress_box.setVisible(False)
        self.unsetCursor()
        self.cancel_button.setEnabled(True)
        self._update()

    def finish_done(self, text: str) -> None:
        self.result_text = text
        self._stopped()
        self.accept()

    def finish_cancelled(self) -> None:
        self._stopped()
        if self._close_when_done:
            super().reject()
        else:
            self.show_error(_("Export cancelled; no file was written."))

    def finish_failed(self, message: str) -> None:
        self._stopped()
        self.show_error(message)
