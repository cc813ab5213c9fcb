"""The report of the open audit („Bericht“): what it contains on the left, the PDF on the right.

Left, the options (:class:`~oekoaudit.report.data.ReportOptions`): the report's language, its
parts, the checklist with only its nonconformities, the size of the photos, the logo on the
cover (the one from the settings, another picture, or none), and "Create report". Right, the
PDF as made (QtPdf): every page below the other, as wide as the preview at first, zoom, the page
shown; "Save as …" copies it where the user wants it, "Open" shows it in the system's PDF viewer.

The report is made on the task runner by ``services.reports.generate`` into the data folder
(``cache/reports/<audit>.new.pdf``); its progress is shown below the button with "Cancel". Only
when it is complete does it replace the audit's last report (``<audit>.pdf``, with what the
status line says of it in ``<audit>.json``) — the preview lets go of the old file first — so a
cancelled or failed run leaves the previous report and its preview as they were. An audit
opened again shows its last report. A closed audit can be reported on (without "draft").
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime
from glob import escape as glob_escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from oekoaudit import durable, i18n
from oekoaudit.domain.audit import AuditDetail
from oekoaudit.i18n import N_, _, ngettext
from oekoaudit.report.data import Part, PhotoSize, ReportCancelled, ReportOptions, fingerprint_groups
from oekoaudit.services import Services
from oekoaudit.services.settings import load_settings, logo_path, prepare_logo
from oekoaudit.ui import prompts, style
from oekoaudit.ui.prompts import error_text
from oekoaudit.ui.qtcompat import emit
from oekoaudit.ui.tasks import TaskRunner
from oekoaudit.ui.views.gallery_view import format_size
from oekoaudit.ui.widgets.pdf_preview import PdfPreview
from oekoaudit.ui.widgets.tables import heading_label

#: the options panel's width
OPTIONS_WIDTH = 290
LOGO_PREVIEW = QSize(150, 56)
#: the parts in the order of the report, with their names
PART_LABELS: tuple[tuple[Part, str], ...] = (
    (Part.DETAILS, N_("Audit details")),
    (Part.SUMMARY, N_("Summary")),
    (Part.FINDINGS, N_("Findings")),
    (Part.CHECKLIST, N_("Checklist")),
    (Part.PROGRAMME, N_("Environmental programme")),
    (Part.INDICATORS, N_("Figures")),
    (Part.PHOTOS, N_("Photo appendix")),
    (Part.SIGNATURES, N_("Signatures")),
)
PHOTO_SIZE_LABELS: tuple[tuple[PhotoSize, str], ...] = (
    (PhotoSize.SMALL, N_("Small (three per row)")),
    (PhotoSize.MEDIUM, N_("Medium (two per row)")),
    (PhotoSize.LARGE, N_("Large (one per row)")),
)
#: the languages a report is written in, each named in its own language
LANGUAGE_NAMES: tuple[tuple[str, str], ...] = (("de", "Deutsch"), ("en", "English"))
#: the logo: the settings' (or none if there is none), a picture chosen here, none
LOGO_SETTINGS = "settings"
LOGO_FILE = "file"
LOGO_NONE = "none"
#: the logo handed to the service for "no logo": a path that is no file, which the service leaves
#: out (ReportOptions.logo None means the settings' logo, and there is no other way to say "none")
NO_LOGO = Path(os.devnull)
#: photos as the service names them while it prepares them (progress' ``what``)
PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp", ".heic", ".heif", ".gif", ".bmp"})
#: at most this often (seconds) a progress report travels to the window
PROGRESS_INTERVAL = 0.05
#: characters a file name cannot hold on some system
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def reports_dir(data_dir: Path) -> Path:
    """Where the reports made in the window are kept (the last one per audit)."""
    return data_dir / "cache" / "reports"


def _file_key(audit_id: str) -> str:
    return _UNSAFE.sub("_", audit_id).strip(". ") or "audit"


def report_file(data_dir: Path, audit_id: str) -> Path:
    """The audit's last report made in the window."""
    return reports_dir(data_dir) / f"{_file_key(audit_id)}.pdf"


def safe_file_name(text: str, most: int = 90) -> str:
    """``text`` as part of a file name on every system: no path signs, one space between words."""
    cleaned = " ".join(_UNSAFE.sub(" ", text).split()).strip(". ")
    return cleaned[:most].rstrip(". ")


def default_name(organisation: str, lang: str, day: date) -> str:
    """"Auditbericht Muster GmbH 2026-03-12.pdf" — in the report's language."""
    with i18n.language(lang):
        word = _("Audit report")
    parts = [word, safe_file_name(organisation), day.isoformat()]
    return " ".join(p for p in parts if p) + ".pdf"


def progress_text(done: int, total: int, what: str) -> str:
    """What is being done, in the window's language: the service names each photo it prepares (by
    its file name); the report's own steps come in the report's language, so only their share is told."""
    if what and Path(what).suffix.lower() in PHOTO_SUFFIXES and total > 0:
        return _("Preparing the photos: {done} of {total}").format(done=min(done, total), total=total)
    percent = int(100 * done / total) if total > 0 else 0
    return _("Creating the report … {percent} %").format(percent=max(0, min(percent, 100)))


@dataclass(frozen=True, slots=True)
class ShownReport:
    """What the status line says of a report: read from the service's GeneratedReport, kept beside
    the PDF as JSON so an audit opened again shows it."""

    path: Path
    pages: int
    size: int
    fingerprint: str
    document_id: str
    lang: str
    photos: int
    made_at: str  # ISO date and time

    def to_json(self) -> bytes:
        values = {"pages": self.pages, "size": self.size, "fingerprint": self.fingerprint,
                  "document_id": self.document_id, "lang": self.lang, "photos": self.photos,
                  "made_at": self.made_at}
        return json.dumps(values, ensure_ascii=False, indent=1).encode("utf-8")

    @classmethod
    def read(cls, path: Path) -> ShownReport | None:
        """The report at ``path`` with what its JSON says (None: no such report)."""
        if not path.is_file():
            return None
        try:
            raw = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raw = {}
        if not isinstance(raw, dict):
            raw = {}

        def number(key: str) -> int:
            value = raw.get(key)
            return value if isinstance(value, int) and not isinstance(value, bool) else 0

        def text(key: str) -> str:
            value = raw.get(key)
            return value if isinstance(value, str) else ""

        size = number("size") or path.stat().st_size
        return cls(path, number("pages"), size, text("fingerprint"), text("document_id"), text("lang"),
                   number("photos"), text("made_at"))


class ReportJob(QObject):
    """One report being made: progress from the worker thread, cancel from the window."""

    #: (done, total, what), delivered on the GUI thread
    progressed = Signal(int, int, str)
    _relay = Signal(int, int, str)

    def __init__(self, audit_id: str, target: Path, options: ReportOptions, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.audit_id = audit_id
        self.target = target
        self.options = options
        self.cancel_event = threading.Event()
        self.done = False
        self._last = 0.0
        self._relay.connect(self._on_relay, Qt.ConnectionType.QueuedConnection)

    def _remove_leftovers(self, final: Path) -> None:
        """Unfinished reports of this audit that no run here is making any more (left by a crash)."""
        for path in final.parent.glob(f"{glob_escape(final.stem)}.*.new.pdf"):
            if path not in self._running:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()

    def cancel(self) -> None:
        self.cancel_event.set()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def report_progress(self, done: int, total: int, what: str = "") -> None:  # the worker's thread
        now = time.monotonic()
        if now - self._last < PROGRESS_INTERVAL and done < total:
            return
        self._last = now
        emit(self._relay, int(done), int(total), str(what or ""))

    def _on_relay(self, done: int, total: int, what: str) -> None:
        if not self.done:
            emit(self.progressed, done, total, what)


class ReportView(QWidget):
    #: a short message for the status bar
    message = Signal(str)
    #: a report was made and is shown (its ShownReport)
    report_shown = Signal(object)

    def __init__(self, services: Services, tasks: TaskRunner | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("report_view")
        self._services = services
        self._tasks = tasks or TaskRunner(parent=self)
        self._detail: AuditDetail | None = None
        self._stale = False
        self.job: ReportJob | None = None
        #: the report shown (None: none yet)
        self.shown: ShownReport | None = None
        self._logo_mode = LOGO_SETTINGS
        self._logo_file: Path | None = None
        self._save_dir: Path | None = None
        self._saving = False
        #: the reports being made (also those of an audit shown before, cancelled), by their file
        self._running: dict[Path, ReportJob] = {}
        self._runs = 0
        self._build()
        self._connect_signals()
        self._show_logo()
        self._update_state()

    # ---- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(14)
        layout.addWidget(self._build_options())
        layout.addLayout(self._build_preview(), 1)

    def _build_options(self) -> QWidget:
        panel = QWidget(self)
        panel.setObjectName("report_options_panel")
        panel.setFixedWidth(OPTIONS_WIDTH)
        outer = QVBoxLayout(panel)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(8)
        self.heading = heading_label(panel)
        self.heading.setText(_("Report"))
        outer.addWidget(self.heading)

        scroll = QScrollArea(panel)
        scroll.setObjectName("report_options_scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.viewport().setAutoFillBackground(False)
        body = QWidget(scroll)
        body.setObjectName("report_options")
        box = QVBoxLayout(body)
        box.setContentsMargins(0, 0, 6, 0)
        box.setSpacing(4)

        language_row = QHBoxLayout()
        language_row.setSpacing(8)
        language_label = QLabel(_("Language:"), body)
        self.language_combo = QComboBox(body)
        self.language_combo.setObjectName("report_language")
        for code, name in LANGUAGE_NAMES:
            self.language_combo.addItem(name, code)
        # the window's language at first; a choice stays for the next audits
        self.language_combo.setCurrentIndex(max(self.language_combo.findData(i18n.get_language()), 0))
        language_label.setBuddy(self.language_combo)
        language_row.addWidget(language_label)
        language_row.addWidget(self.language_combo, 1)
        box.addLayout(language_row)

        box.addSpacing(8)
        box.addWidget(self._section_label(_("Contents"), body))
        self.part_boxes: dict[Part, QCheckBox] = {}
        for part, label in PART_LABELS:
            check = QCheckBox(_(label), body)
            check.setObjectName(f"report_part_{part.value}")
            check.setChecked(True)
            self.part_boxes[part] = check
            box.addWidget(check)
            if part is Part.CHECKLIST:
                self.only_nc_box = QCheckBox(_("Only nonconformities in the checklist"), body)
                self.only_nc_box.setObjectName("report_only_nonconformities")
                self.only_nc_box.setToolTip(_("The checklist lists only the items answered as a major or "
                                              "minor nonconformity"))
                indented = QHBoxLayout()
                indented.setContentsMargins(22, 0, 0, 0)
                indented.addWidget(self.only_nc_box)
                box.addLayout(indented)
        self.cover_note = QLabel(_("The cover page and the table of contents are always included."), body)
        self.cover_note.setWordWrap(True)
        self.cover_note.setStyleSheet(f"color: {style.MUTED_TEXT};")
        box.addWidget(self.cover_note)

        box.addSpacing(8)
        box.addWidget(self._section_label(_("Photo size"), body))
        self.photo_size_combo = QComboBox(body)
        self.photo_size_combo.setObjectName("report_photo_size")
        for size, label in PHOTO_SIZE_LABELS:
            self.photo_size_combo.addItem(_(label), size.value)
        self.photo_size_combo.setCurrentIndex(self.photo_size_combo.findData(PhotoSize.MEDIUM.value))
        box.addWidget(self.photo_size_combo)

        box.addSpacing(8)
        box.addWidget(self._section_label(_("Logo on the cover page"), body))
        logo_row = QHBoxLayout()
        logo_row.setSpacing(10)
        self.logo_preview = QLabel(body)
        self.logo_preview.setObjectName("report_logo_preview")
        self.logo_preview.setFixedSize(LOGO_PREVIEW)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo_preview.setStyleSheet("QLabel#report_logo_preview { background: #ffffff; border: 1px solid #dadce0;"
                                        f" border-radius: 4px; color: {style.MUTED_TEXT}; }}")
        logo_buttons = QVBoxLayout()
        logo_buttons.setSpacing(4)
        self.choose_logo_button = QPushButton(_("Choose logo …"), body)
        self.choose_logo_button.setObjectName("report_choose_logo")
        self.no_logo_button = QPushButton(_("No logo"), body)
        self.no_logo_button.setObjectName("report_no_logo")
        logo_buttons.addWidget(self.choose_logo_button)
        logo_buttons.addWidget(self.no_logo_button)
        logo_buttons.addStretch(1)
        logo_row.addWidget(self.logo_preview)
        logo_row.addLayout(logo_buttons, 1)
        box.addLayout(logo_row)
        self.logo_label = QLabel(body)
        self.logo_label.setObjectName("report_logo_label")
        self.logo_label.setWordWrap(True)
        self.logo_label.setTextFormat(Qt.TextFormat.PlainText)
        self.logo_label.setStyleSheet(f"color: {style.MUTED_TEXT};")
        box.addWidget(self.logo_label)
        self.settings_logo_button = QPushButton(_("Use the logo from the settings"), body)
        self.settings_logo_button.setObjectName("report_settings_logo")
        self.settings_logo_button.setFlat(True)
        self.settings_logo_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.settings_logo_button.setStyleSheet(f"QPushButton {{ color: {style.ACCENT}; border: none; padding: 0px;"
                                                " text-align: left; }"
                                                "QPushButton:hover, QPushButton:focus { text-decoration: underline; }")
        box.addWidget(self.settings_logo_button, 0, Qt.AlignmentFlag.AlignLeft)
        box.addStretch(1)
        scroll.setWidget(body)
        body.setAutoFillBackground(False)  # setWidget turned it on: the panel's background shows through
        outer.addWidget(scroll, 1)

        self.draft_note = QLabel(body)
        self.draft_note.setObjectName("report_draft_note")
        self.draft_note.setWordWrap(True)
        self.draft_note.setStyleSheet(f"color: {style.MUTED_TEXT};")
        outer.addWidget(self.draft_note)
        self.generate_button = QPushButton(_("&Create report"), panel)
        self.generate_button.setObjectName("report_generate")
        self.generate_button.setStyleSheet(style.primary_button_style())
        self.generate_button.setMinimumHeight(34)
        self.generate_button.setDefault(True)
        outer.addWidget(self.generate_button)

        progress_row = QHBoxLayout()
        progress_row.setSpacing(6)
        self.progress = QProgressBar(panel)
        self.progress.setObjectName("report_progress")
        self.progress.setStyleSheet(style.progress_bar_style())
        self.progress.setTextVisible(False)
        self.progress.setRange(0, 0)
        self.cancel_button = QPushButton(_("Cancel"), panel)
        self.cancel_button.setObjectName("report_cancel")
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)
        self.progress_box = QWidget(panel)
        self.progress_box.setLayout(progress_row)
        progress_row.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.progress_box)
        self.status_label = QLabel(panel)
        self.status_label.setObjectName("report_status")
        self.status_label.setWordWrap(True)
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        outer.addWidget(self.status_label)
        self.save_button = QPushButton(_("Save as …"), panel)
        self.save_button.setObjectName("report_save_as")
        self.save_button.setToolTip(_("Save a copy of the report as a PDF file"))
        self.open_button = QPushButton(_("Open"), panel)
        self.open_button.setObjectName("report_open")
        self.open_button.setToolTip(_("Open the report in the system's PDF viewer"))
        file_row = QHBoxLayout()
        file_row.setSpacing(6)
        file_row.addWidget(self.save_button, 1)
        file_row.addWidget(self.open_button, 1)
        outer.addLayout(file_row)
        self._set_status("")
        return panel

    def _section_label(self, text: str, parent: QWidget) -> QLabel:
        label = QLabel(text, parent)
        label.setStyleSheet(f"color: {style.MUTED_TEXT}; font-weight: bold;")
        return label

    def _build_preview(self) -> QVBoxLayout:
        column = QVBoxLayout()
        column.setSpacing(6)
        self.preview = PdfPreview(self)
        column.addWidget(self.preview, 1)
        return column

    def _connect_signals(self) -> None:
        self.generate_button.clicked.connect(self.generate)
        self.cancel_button.clicked.connect(self.cancel)
        self.save_button.clicked.connect(self.save_as)
        self.open_button.clicked.connect(self.open_external)
        self.choose_logo_button.clicked.connect(self.choose_logo)
        self.no_logo_button.clicked.connect(lambda: self.set_logo(LOGO_NONE))
        self.settings_logo_button.clicked.connect(lambda: self.set_logo(LOGO_SETTINGS))
        self.part_boxes[Part.CHECKLIST].toggled.connect(self._update_options)
        self.part_boxes[Part.PHOTOS].toggled.connect(self._update_options)

    # ---- state ---------------------------------------------------------------------------

    @property
    def audit_id(self) -> str | None:
        return self._detail.audit.id if self._detail is not None else None

    @property
    def busy(self) -> bool:
        return self.job is not None

    def set_detail(self, detail: AuditDetail | None) -> None:
        """The open audit (read again after every change of it); another audit shows its last report."""
        other = (detail.audit.id if detail else None) != self.audit_id
        self._detail = detail
        if other:
            if self.job is not None:  # made for the audit shown before: dropped
                self.cancel()
                self.job = None
            self.shown = None
            self.preview.show_placeholder("")
            self._set_status("")
            if detail is not None and self.isVisible():
                self._show_last_report()
            else:
                self._stale = detail is not None
        self._update_state()

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        self._show_logo()
        if self._stale:
            self._show_last_report()

    def _show_last_report(self) -> None:
        self._stale = False
        audit_id = self.audit_id
        if audit_id is None or self.job is not None:
            return
        last = ShownReport.read(report_file(self._services.data_dir, audit_id))
        if last is not None and self.preview.load(last.path):
            self._shown(last, latest=False)
        else:
            self.shown = None
            self._update_state()

    def _placeholder_text(self) -> str:
        if self._detail is None:
            return ""
        return _("No report has been created for this audit yet.<br>Choose on the left what it should contain, "
                 "then click <b>Create report</b>.")

    def _update_state(self) -> None:
        has_audit = self._detail is not None
        running = self.job is not None
        self.generate_button.setEnabled(has_audit and not running)
        self.progress_box.setVisible(running)
        self.cancel_button.setEnabled(running and not self.job.cancelled if self.job else False)
        shown = self.shown is not None and self.preview.path is not None
        self.save_button.setEnabled(shown and not self._saving)
        self.open_button.setEnabled(shown)
        if not shown and self.preview.path is None:
            self.preview.placeholder.setText(self._placeholder_text())
        if self._detail is None:
            self.draft_note.setText("")
        elif self._detail.audit.read_only:
            self.draft_note.setText(_("The audit is closed: the report is final, without the draft watermark."))
        else:
            self.draft_note.setText(_("The audit is not closed yet: every page is marked as a draft."))
        self._update_options()

    def _update_options(self, *_args: object) -> None:
        self.only_nc_box.setEnabled(self.part_boxes[Part.CHECKLIST].isChecked())
        self.photo_size_combo.setEnabled(self.part_boxes[Part.PHOTOS].isChecked())

    def _set_status(self, text: str, error: bool = False) -> None:
        self.status_label.setText(text)
        self.status_label.setStyleSheet(f"color: {style.ERROR_TEXT if error else style.MUTED_TEXT};")
        self.status_label.setVisible(bool(text))

    # ---- options ------------------------------------------------------------------------

    def options(self) -> ReportOptions:
        """The report as chosen on the left."""
        parts = frozenset(part for part, check in self.part_boxes.items() if check.isChecked())
        size = PhotoSize(self.photo_size_combo.currentData() or PhotoSize.MEDIUM.value)
        return ReportOptions(lang=self.language_combo.currentData() or i18n.DEFAULT_LANGUAGE, parts=parts,
                             only_nonconformities=self.only_nc_box.isChecked(), photo_size=size,
                             logo=self._option_logo())

    def set_options(self, options: ReportOptions) -> None:
        """Show ``options`` on the left (the logo is not among them: see :meth:`set_logo`)."""
        self.language_combo.setCurrentIndex(max(self.language_combo.findData(options.lang), 0))
        for part, check in self.part_boxes.items():
            check.setChecked(part in options.parts)
        self.only_nc_box.setChecked(options.only_nonconformities)
        self.photo_size_combo.setCurrentIndex(max(self.photo_size_combo.findData(options.photo_size.value), 0))

    def settings_logo(self) -> Path | None:
        return logo_path(self._services.data_dir, load_settings(self._services.data_dir))

    def logo(self) -> Path | None:
        """The logo the cover shows: the chosen picture, the settings' one, or None for none."""
        if self._logo_mode == LOGO_FILE:
            return self._logo_file
        if self._logo_mode == LOGO_SETTINGS:
            return self.settings_logo()
        return None

    def _option_logo(self) -> Path | None:
        """:attr:`ReportOptions.logo` for the logo chosen (None: the settings' one)."""
        if self._logo_mode == LOGO_FILE:
            return self._logo_file
        if self._logo_mode == LOGO_SETTINGS:
            return None
        return NO_LOGO

    @property
    def logo_mode(self) -> str:
        return self._logo_mode

    def set_logo(self, mode: str, path: Path | None = None) -> None:
        self._logo_mode = mode
        self._logo_file = path if mode == LOGO_FILE else None
        self._show_logo()

    def choose_logo(self) -> None:
        chosen = prompts.open_file(self, _("Choose logo"), _("Pictures (*.png *.jpg *.jpeg)"))
        if not chosen:
            return
        path = Path(chosen)
        try:
            prepare_logo(path)  # says why a picture cannot be a logo (not PNG/JPEG, too large, damaged)
        except Exception as exc:  # noqa: BLE001 - shown to the user
            self._set_status(error_text(exc), error=True)
            emit(self.message, error_text(exc))
            return
        self.set_logo(LOGO_FILE, path)

    def _show_logo(self) -> None:
        settings_logo = self.settings_logo()
        path = self.logo()
        pixmap = QPixmap(str(path)) if path is not None else QPixmap()
        if pixmap.isNull():
            self.logo_preview.setPixmap(QPixmap())
            self.logo_preview.setText(_("no logo"))
        else:
            room = LOGO_PREVIEW - QSize(12, 12)
            self.logo_preview.setPixmap(pixmap.scaled(room, Qt.AspectRatioMode.KeepAspectRatio,
                                                      Qt.TransformationMode.SmoothTransformation))
        if self._logo_mode == LOGO_FILE and path is not None:
            self.logo_label.setText(path.name)
        elif self._logo_mode == LOGO_SETTINGS and settings_logo is not None:
            self.logo_label.setText(_("The logo from the settings"))
        elif self._logo_mode == LOGO_SETTINGS:
            self.logo_label.setText(_("No logo is set in the settings."))
        else:
            self.logo_label.setText(_("The cover page has no logo."))
        self.no_logo_button.setEnabled(path is not None)
        self.settings_logo_button.setVisible(settings_logo is not None and self._logo_mode != LOGO_SETTINGS)

    # ---- making the report --------------------------------------------------------------------

    def generate(self) -> ReportJob | None:
        """Make the report in the background (one at a time); the preview shows it when complete."""
        if self._detail is None or self.job is not None:
            return None
        audit_id = self._detail.audit.id
        final = report_file(self._services.data_dir, audit_id)
        self._runs += 1
        fresh = final.with_name(f"{final.stem}.{os.getpid()}-{self._runs}.new.pdf")
        options = self.options()
        try:
            service = self._services.reports
            final.parent.mkdir(parents=True, exist_ok=True)
            self._remove_leftovers(final)
        except (OSError, AttributeError) as exc:
            self._failed(exc)
            return None
        job = ReportJob(audit_id, fresh, options, self)
        self.job = job
        self._running[fresh] = job
        job.progressed.connect(self._on_job_progressed)
        self.progress.setRange(0, 0)
        self._set_status(_("Creating the report …"))
        self._tasks.submit(lambda: service.generate(audit_id, fresh, options, progress=job.report_progress,
                                                    cancelled=job.cancel_event.is_set),
                           lambda result: self._on_job_done(job, result),
                           lambda exc: self._on_job_failed(job, exc))
        self._update_state()
        return job

    def _remove_leftovers(self, final: Path) -> None:
        """Unfinished reports of this audit that no run here is making any more (left by a crash)."""
        for path in final.parent.glob(f"{glob_escape(final.stem)}.*.new.pdf"):
            if path not in self._running:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()

    def cancel(self) -> None:
        """Stop the report being made; the report shown stays."""
        if self.job is None or self.job.cancelled:
            return
        self.job.cancel()
        self.cancel_button.setEnabled(False)
        self._set_status(_("Cancelling …"))

    def _on_job_progressed(self, done: int, total: int, what: str) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        if self.job is not None and not self.job.cancelled:
            self._set_status(progress_text(done, total, what))

    def _finish(self, job: ReportJob) -> bool:
        """The job ended; False if it is not the current one any more (the audit changed)."""
        job.done = True
        job.deleteLater()
        self._running.pop(job.target, None)
        if self.job is not job:
            return False
        self.job = None
        return True

    def _on_job_done(self, job: ReportJob, result: Any) -> None:
        current = self._finish(job)
        if job.cancelled or not current:
            # cancelled, but it was complete before it noticed: dropped all the same
            with contextlib.suppress(OSError):
                job.target.unlink()
            if current:
                self._cancelled()
            return
        final = report_file(self._services.data_dir, job.audit_id)
        was_shown = self.preview.path is not None
        self.preview.release()  # the old file is closed before it is replaced
        made_at = datetime.now().isoformat(timespec="seconds")
        try:
            durable.replace(job.target, final)
            durable.fsync_dir(final.parent)
            size = final.stat().st_size
        except OSError as exc:
            with contextlib.suppress(OSError):
                job.target.unlink()
            if was_shown and self.shown is not None:
                self.preview.load(self.shown.path)
            self._failed(exc)
            return
        report = ShownReport(final, int(getattr(result, "pages", 0) or 0), size,
                             str(getattr(result, "fingerprint", "") or ""), str(getattr(result, "document_id", "") or ""),
                             str(getattr(result, "lang", "") or job.options.lang), int(getattr(result, "photos", 0) or 0),
                             made_at)
        with contextlib.suppress(OSError):
            durable.atomic_write_bytes(final.with_suffix(".json"), report.to_json())
        if not self.preview.load(final):
            self.shown = None
            self._set_status(_("The report was created, but the preview cannot show it."), error=True)
            self._update_state()
            return
        self._shown(report, latest=True)

    def _shown(self, report: ShownReport, latest: bool) -> None:
        pages = report.pages or self.preview.page_count()
        self.shown = ShownReport(report.path, pages, report.size, report.fingerprint, report.document_id,
                                 report.lang, report.photos, report.made_at)
        parts = [ngettext("{n} page", "{n} pages", pages).format(n=pages), format_size(report.size)]
        if report.fingerprint:
            parts.append(_("fingerprint {prefix}").format(prefix=fingerprint_groups(report.fingerprint)))
        summary = " · ".join(parts)
        if latest:
            self._set_status(_("Report created: {summary}").format(summary=summary))
            emit(self.message, _("Report created ({summary}).").format(summary=summary))
        else:
            self._set_status(_("Last report, created {when}: {summary}").format(
                when=self._format_time(report.made_at), summary=summary))
        self._update_state()
        emit(self.report_shown, self.shown)

    @staticmethod
    def _format_time(iso: str) -> str:
        try:
            moment = datetime.fromisoformat(iso)
        except ValueError:
            return "–"
        return moment.strftime("%d.%m.%Y %H:%M" if i18n.get_language() == "de" else "%Y-%m-%d %H:%M")

    def _on_job_failed(self, job: ReportJob, exc: BaseException) -> None:
        current = self._finish(job)
        with contextlib.suppress(OSError):
            job.target.unlink()
        if not current:
            return
        if isinstance(exc, ReportCancelled) or job.cancelled:
            self._cancelled()
        else:
            self._failed(exc)

    def _cancelled(self) -> None:
        text = (_("Cancelled; the report shown is the previous one.") if self.shown is not None
                else _("Cancelled."))
        self._set_status(text)
        emit(self.message, _("The report was cancelled."))
        self._update_state()

    def _failed(self, exc: BaseException) -> None:
        text = error_text(exc) if not isinstance(exc, OSError) else _(
            "The report could not be written: {reason}").format(reason=exc.strerror or str(exc))
        self._set_status(text, error=True)
        emit(self.message, text)
        self._update_state()

    # ---- save and open ---------------------------------------------------------------------

    def default_name(self) -> str:
        organisation = self._detail.audit.organisation_name if self._detail is not None else ""
        lang = self.shown.lang if self.shown is not None and self.shown.lang else self.options().lang
        return default_name(organisation, lang, date.today())

    def save_as(self) -> None:
        """Copy the report shown where the user wants it (in the background; atomically)."""
        if self.shown is None or self._saving:
            return
        folder = self._save_dir or Path.home()
        chosen = prompts.save_file(self, _("Save report"), _("PDF files (*.pdf)"), str(folder / self.default_name()))
        if not chosen:
            return
        target = Path(chosen)
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        self._save_dir = target.parent
        source = self.shown.path
        self._saving = True
        self._update_state()
        self._tasks.submit(lambda: durable.atomic_copy(source, target),
                           lambda _result: self._on_saved(target),
                           lambda exc: self._on_save_failed(target, exc))

    def _on_saved(self, target: Path) -> None:
        self._saving = False
        emit(self.message, _("Report saved as {path}.").format(path=str(target)))
        self._update_state()

    def _on_save_failed(self, target: Path, exc: BaseException) -> None:
        self._saving = False
        reason = exc.strerror or str(exc) if isinstance(exc, OSError) else error_text(exc)
        text = _("The report could not be saved as {path}: {reason}").format(path=str(target), reason=reason)
        self._set_status(text, error=True)
        emit(self.message, text)
        self._update_state()

    def open_external(self) -> bool:
        """Show the report in the system's PDF viewer — a copy under its file name, so that the viewer
        keeps no hold on the file the next report replaces."""
        if self.shown is None:
            return False
        copy = reports_dir(self._services.data_dir) / "opened" / self.default_name()
        try:
            copy.parent.mkdir(parents=True, exist_ok=True)
            durable.atomic_copy(self.shown.path, copy)
        except OSError:
            copy = self.shown.path  # the copy is open elsewhere (Windows): the report itself
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(copy))):
            emit(self.message, _("No program to show PDF files was found."))
            return False
        return True
