"""Before an import writes anything: what the package holds, whether it is intact and signed, and
what importing it would do — new, changed, unchanged and in conflict, kind by kind. "Import" then
writes it all in one transaction (``ui/package_ui.py``); "Cancel" leaves the data as it is."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from oekoaudit.i18n import N_, _, ngettext
from oekoaudit.ui import style
from oekoaudit.ui.dialogs.package_export import set_bar
from oekoaudit.ui.qtcompat import emit
from oekoaudit.ui.widgets.verification_banner import (
    COLOURS,
    UNCONFIRMED,
    VerificationBanner,
    facts_from_summary,
)

#: the kinds of records in the order of an audit, with their names in the table
KIND_LABELS: tuple[tuple[str, str], ...] = (
    ("organisation", N_("Organisations")),
    ("site", N_("Sites")),
    ("audit", N_("Audits")),
    ("answer", N_("Answers")),
    ("finding", N_("Findings")),
    ("measure", N_("Measures")),
    ("figure", N_("Figures")),
    ("evidence", N_("Photos and documents")),
    ("link", N_("Links of photos and documents")),
    ("signature", N_("Signatures")),
)
#: the columns: the summary's key and the heading
COLUMNS: tuple[tuple[str, str], ...] = (
    ("new", N_("New")),
    ("changed", N_("Changed")),
    ("unchanged", N_("Unchanged")),
    ("conflict", N_("Conflict")),
)
COLUMN_COLOURS = {"new": "#1b5e20", "changed": "#16538c", "unchanged": style.MUTED_TEXT,
                  "conflict": COLOURS[UNCONFIRMED][0]}


def totals_text(summary: Mapping[str, Any]) -> str:
    """"12 new · 3 changed · 40 unchanged · 1 in conflict" (records)."""
    parts = [ngettext("{n} new", "{n} new", int(summary.get("new") or 0)).format(n=int(summary.get("new") or 0)),
             ngettext("{n} changed", "{n} changed", int(summary.get("changed") or 0)).format(
                 n=int(summary.get("changed") or 0)),
             ngettext("{n} unchanged", "{n} unchanged", int(summary.get("unchanged") or 0)).format(
                 n=int(summary.get("unchanged") or 0))]
    conflicts = int(summary.get("conflicts") or 0)
    if conflicts:
        parts.append(ngettext("{n} in conflict", "{n} in conflict", conflicts).format(n=conflicts))
    return " · ".join(parts)


class ImportSummaryDialog(QDialog):
    """``import_requested`` when the user clicks Import; the caller then calls :meth:`set_running`
    with its task and :meth:`finish` at the end. Rejected without import: the caller discards."""

    import_requested = Signal()

    def __init__(self, summary: Mapping[str, Any], file_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = dict(summary)
        self.setObjectName("import_summary_dialog")
        self.setWindowTitle(_("Import package"))
        self.setMinimumWidth(680)
        self._task: Any = None
        self._build(file_name)

    # ---- layout -------------------------------------------------------------------------

    def _build(self, file_name: str) -> None:
        summary = self.summary
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        self.heading = QLabel(_("Import {file}?").format(file=file_name), self)
        self.heading.setObjectName("import_summary_heading")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setWordWrap(True)
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.heading.setFont(font)
        layout.addWidget(self.heading)

        self.banner = VerificationBanner(self)
        self.banner.set_facts(facts_from_summary(summary))
        layout.addWidget(self.banner)

        audits = [a for a in summary.get("audits") or () if isinstance(a, Mapping)]
        lines = [f"•  {a.get('title') or '–'}  —  {a.get('organisation') or ''}".rstrip(" —") for a in audits]
        self.audits_label = QLabel(self)
        self.audits_label.setObjectName("import_summary_audits")
        self.audits_label.setTextFormat(Qt.TextFormat.PlainText)
        self.audits_label.setWordWrap(True)
        self.audits_label.setText(ngettext("The package holds {n} audit:", "The package holds {n} audits:",
                                           len(audits)).format(n=len(audits)) + "\n" + "\n".join(lines))
        layout.addWidget(self.audits_label)

        self.totals_label = QLabel(self)
        self.totals_label.setObjectName("import_summary_totals")
        self.totals_label.setTextFormat(Qt.TextFormat.PlainText)
        self.totals_label.setStyleSheet("font-weight: bold;")
        self.totals_label.setText(_("What the import does: {totals}").format(totals=totals_text(summary)))
        layout.addWidget(self.totals_label)
        self.table = self._build_table(summary)
        layout.addWidget(self.table)

        self.conflict_label = QLabel(self)
        self.conflict_label.setObjectName("import_summary_conflicts")
        self.conflict_label.setWordWrap(True)
        self.conflict_label.setTextFormat(Qt.TextFormat.PlainText)
        colour, background, border = COLOURS[UNCONFIRMED]
        self.conflict_label.setStyleSheet(f"QLabel {{ color: {colour}; background: {background};"
                                          f" border: 1px solid {border}; border-radius: 4px; padding: 7px 9px; }}")
        fields = int(summary.get("conflict_fields") or 0)
        self.conflict_label.setText(ngettext(
            "{n} value was changed both here and in the package. Nothing is lost: your value stays, the package's "
            "is kept beside it, and you decide afterwards, side by side.",
            "{n} values were changed both here and in the package. Nothing is lost: your values stay, the "
            "package's are kept beside them, and you decide afterwards, side by side.", fields).format(n=fields))
        self.conflict_label.setVisible(fields > 0)
        layout.addWidget(self.conflict_label)

        notes = []
        blobs = int(summary.get("blobs_new") or 0)
        if blobs:
            notes.append(ngettext("{n} new photo or document file.", "{n} new photo and document files.",
                                  blobs).format(n=blobs))
        if summary.get("location_removed"):
            notes.append(_("The photos in the package carry no GPS position (removed at export); the positions "
                           "of photos you have already stay as they are."))
        self.notes_label = QLabel(" ".join(notes), self)
        self.notes_label.setObjectName("import_summary_notes")
        self.notes_label.setWordWrap(True)
        self.notes_label.setVisible(bool(notes))
        layout.addWidget(self.notes_label)

        self.nothing = bool(summary.get("nothing_to_do"))
        self.hint_label = QLabel(self)
        self.hint_label.setObjectName("import_summary_hint")
        self.hint_label.setWordWrap(True)
        self.hint_label.setStyleSheet(f"color: {style.MUTED_TEXT};")
        self.hint_label.setText(
            _("Everything in the package is here already: there is nothing to import.") if self.nothing else
            _("Nothing has been written yet. Import writes all of it in one step; Cancel leaves your data as it is."))
        layout.addWidget(self.hint_label)

        self.progress_box = QWidget(self)
        row = QHBoxLayout(self.progress_box)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(10)
        self.bar = QProgressBar(self.progress_box)
        self.bar.setObjectName("import_summary_progress")
        self.bar.setStyleSheet(style.progress_bar_style())
        self.bar.setTextVisible(False)
        self.status_label = QLabel(self.progress_box)
        self.status_label.setStyleSheet(f"color: {style.MUTED_TEXT};")
        row.addWidget(self.bar, 1)
        row.addWidget(self.status_label)
        self.progress_box.setVisible(False)
        layout.addWidget(self.progress_box)

        self.buttons = QDialogButtonBox(self)
        self.import_button = self.buttons.addButton(_("Import"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setObjectName("import_summary_import")
        self.import_button.setStyleSheet(style.primary_button_style())
        self.cancel_button = self.buttons.addButton(_("Close") if self.nothing else _("Cancel"),
                                                    QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.setObjectName("import_summary_cancel")
        self.import_button.setVisible(not self.nothing)
        (self.cancel_button if self.nothing else self.import_button).setDefault(True)
        layout.addWidget(self.buttons)
        self.import_button.clicked.connect(self._on_import_button_clicked)
        self.cancel_button.clicked.connect(self.reject)

    def _build_table(self, summary: Mapping[str, Any]) -> QTableWidget:
        by_kind = summary.get("by_kind") or {}
        rows = [(kind, label) for kind, label in KIND_LABELS
                if any(int((by_kind.get(kind) or {}).get(key) or 0) for key, _h in COLUMNS)]
        table = QTableWidget(len(rows), len(COLUMNS) + 1, self)
        table.setObjectName("import_summary_table")
        table.setHorizontalHeaderLabels([_("Records")] + [_(heading) for _key, heading in COLUMNS])
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        table.setAlternatingRowColors(True)
        table.setShowGrid(False)
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for column in range(1, len(COLUMNS) + 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            table.setColumnWidth(column, 104)
            table.horizontalHeaderItem(column).setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        for row, (kind, label) in enumerate(rows):
            counts = by_kind.get(kind) or {}
            table.setItem(row, 0, QTableWidgetItem(_(label)))
            for column, (key, _heading) in enumerate(COLUMNS, start=1):
                value = int(counts.get(key) or 0)
                item = QTableWidgetItem(str(value) if value else "–")
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                item.setData(Qt.ItemDataRole.UserRole, value)
                if value:
                    item.setForeground(QColor(COLUMN_COLOURS[key]))
                    if key == "conflict":
                        bold = QFont(item.font())
                        bold.setBold(True)
                        item.setFont(bold)
                else:
                    item.setForeground(QColor("#9aa0a6"))
                table.setItem(row, column, item)
        row_height = table.fontMetrics().height() + 10
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.verticalHeader().setDefaultSectionSize(row_height)
        height = row_height * len(rows) + header.sizeHint().height() + 2 * table.frameWidth() + 2
        table.setFixedHeight(min(height, 12 * row_height))
        return table

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        # the wrapped texts need their height at the dialog's width (Qt sized it by its hint)
        needed = self.layout().totalHeightForWidth(self.width())
        if self.height() < needed:
            self.resize(self.width(), needed)

    # ---- reading it (tests, accessibility) -----------------------------------------------

    def count(self, kind: str, key: str) -> int:
        """The number the table shows for a kind ("answer") and a column ("changed")."""
        labels = dict(KIND_LABELS)
        column = [k for k, _h in COLUMNS].index(key) + 1
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).text() == _(labels[kind]):
                return int(self.table.item(row, column).data(Qt.ItemDataRole.UserRole))
        return 0

    # ---- importing ------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done

    def _on_import_button_clicked(self) -> None:
        if self.running or self.nothing:
            return
        emit(self.import_requested)

    def set_running(self, task: Any) -> None:
        self._task = task
        task.progressed.connect(self._on_task_progressed)
        self.import_button.setEnabled(False)
        self.bar.setRange(0, 0)
        self.status_label.setText(_("Importing …"))
        self.hint_label.setText(_("Importing: all of it or nothing."))
        self.progress_box.setVisible(True)
        self.setCursor(Qt.CursorShape.BusyCursor)

    def _on_task_progressed(self, done: int, total: int) -> None:
        set_bar(self.bar, done, total)

    def reject(self) -> None:
        """Cancel: before the import, nothing happens; during it, the import is asked to stop (if it
        is not writing its one transaction already) and the dialog closes when it has ended."""
        if self.running:
            self._task.cancel()
            self.cancel_button.setEnabled(False)
            self.status_label.setText(_("Cancelling …"))
            return
        super().reject()

    def finish(self) -> None:
        """The import ended (done, cancelled or refused): the caller says how."""
        self.unsetCursor()
        self.accept()
