"""The open corrective actions of the open audit's organisation, across all its audits.

Overdue ones come first and are highlighted; a double-click (or Enter) opens the finding, whose
edit goes into the undo history of the audit it belongs to.
"""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import QLabel, QStackedWidget, QWidget

from oekoaudit.domain.audit import AuditDetail
from oekoaudit.domain.changes import Changes
from oekoaudit.domain.finding import Finding
from oekoaudit.errors import OekoauditError
from oekoaudit.i18n import _, describe
from oekoaudit.services import Services
from oekoaudit.ui import style
from oekoaudit.ui.models.findings_model import ACTION_COLUMNS, Column, FindingsModel, ObjectRole, SortRole
from oekoaudit.ui.qtcompat import emit
from oekoaudit.ui.tasks import ChangeNotifier
from oekoaudit.ui.views.shown import ReadsWhenShown
from oekoaudit.ui.widgets.tables import RowTable, empty_label, setup_table
from oekoaudit.ui.widgets.view_header import view_frame


class ActionsView(ReadsWhenShown, QWidget):
    #: the user wants to open a finding (a Finding, of any audit of the organisation)
    finding_activated = Signal(object)
    message = Signal(str)

    def __init__(self, services: Services, notifier: ChangeNotifier, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._notifier = notifier
        self._organisation_id: str | None = None
        self._organisation_name = ""
        self._stale = False
        #: the day "overdue" is measured against (tests may set it)
        self.today: date | None = None
        self.setObjectName("actions_view")
        self.model = FindingsModel(ACTION_COLUMNS, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SortRole)
        self._build()
        self._connect_signals()

    def _build(self) -> None:
        frame = view_frame(self)
        layout, self.heading, self.count_label = frame.layout, frame.heading, frame.count_label
        self.heading.setWordWrap(True)
        self.overdue_label = QLabel(self)
        self.overdue_label.setObjectName("overdue_label")
        self.overdue_label.setStyleSheet(f"color: {style.ERROR_TEXT}; font-weight: bold;")
        frame.top.addWidget(self.overdue_label, 0, Qt.AlignmentFlag.AlignBottom)
        self.hint = QLabel(_("Corrective actions whose effectiveness has not been verified yet, from every audit "
                             "of the organisation. Double-click to record progress or the verification."), self)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(f"color: {style.MUTED_TEXT};")
        layout.addWidget(self.hint)

        self.table = RowTable(self)
        self.table.setObjectName("actions_table")
        self.table.setModel(self.proxy)
        col = self.model.column_of
        metrics = self.table.fontMetrics()
        setup_table(self.table, {
            col(Column.AUDIT): metrics.horizontalAdvance("Überwachungsaudit ISO") + 16,
            col(Column.REFERENCE): metrics.horizontalAdvance("ISO 14001:2015 10.2.1") + 40,
            col(Column.OWNER): metrics.horizontalAdvance("Verantwortlich") + 10,
            col(Column.DUE): metrics.horizontalAdvance("00.00.0000") + 24,
            col(Column.STATUS): metrics.horizontalAdvance("in Arbeit – überfällig") + 24,
        }, stretch=col(Column.STATEMENT), wrapped=(col(Column.STATEMENT), col(Column.AUDIT)))
        self.empty = empty_label(self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        layout.addWidget(self.stack, 1)

    def _connect_signals(self) -> None:
        self._notifier.changed.connect(self._on_notifier_changed)
        self.table.doubleClicked.connect(self._on_table_open)
        self.table.open_requested.connect(self._on_table_open)

    # ---- content ------------------------------------------------------------------------

    def set_detail(self, detail: AuditDetail | None) -> None:
        organisation = detail.audit.organisation_id if detail else None
        self._organisation_name = detail.audit.organisation_name if detail else ""
        if organisation != self._organisation_id or detail is None:
            self._organisation_id = organisation
            self.reload()
        else:
            self.read_when_shown()

    def reload(self) -> None:
        self._stale = False
        if self._organisation_id is None:
            self.model.set_rows([])
        else:
            try:
                actions = self._services.audits.open_actions(self._organisation_id, self.today)
            except OekoauditError as exc:
                emit(self.message, describe(exc))
                return
            keep = self.current_finding()
            self.model.set_actions(actions)
            if keep is not None:
                row = self.model.row_of(keep.id)
                if row >= 0:
                    self.table.setCurrentIndex(self.proxy.mapFromSource(self.model.index(row, 0)))
        self._update_labels()

    def _update_labels(self) -> None:
        count = self.model.rowCount()
        overdue = self.model.overdue_count()
        self.heading.setText(_("Open actions – {organisation}").format(organisation=self._organisation_name)
                             if self._organisation_name else _("Open actions"))
        self.overdue_label.setText(_("{count} overdue").format(count=overdue) if overdue else "")
        self.overdue_label.setVisible(bool(overdue))
        self.count_label.setText(_("{count} open").format(count=count) if count else "")
        self.stack.setCurrentWidget(self.table if count else self.empty)
        self.empty.setText("<p style='font-size: large;'>" + escape(_("No open corrective actions.")) + "</p><p>"
                           + escape(_("Nonconformities, and other findings with a corrective action, are listed "
                                      "here until their effectiveness has been verified.")) + "</p>")

    def current_finding(self) -> Finding | None:
        index = self.table.currentIndex()
        return index.data(ObjectRole) if index.isValid() else None

    def _read(self) -> None:
        self.reload()

    def _on_notifier_changed(self, changes: Any) -> None:
        if self._organisation_id is None or not isinstance(changes, Changes):
            return
        if changes.findings or changes.audits:
            self.read_when_shown()

    def _on_table_open(self, index: QModelIndex) -> None:
        finding = index.data(ObjectRole)
        if isinstance(finding, Finding):
            emit(self.finding_activated, finding)
