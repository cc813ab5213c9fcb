"""The audit's findings: a table with class, requirement, statement, owner, due date and status.

New, edit and delete go through the undo history of the finding's audit. This view also opens the
finding dialog for the checklist (F, "Record finding…"), for the open actions of other audits and
for the window's menu, and reminds of major nonconformities that have no finding yet.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QLabel,
    QPushButton,
    QStackedWidget,
    QWidget,
)

from oekoaudit import i18n
from oekoaudit.domain.audit import Answer, AuditDetail
from oekoaudit.domain.checklist import Rating
from oekoaudit.domain.finding import FINDING_CLASS_FOR_RATING, Finding, FindingClass
from oekoaudit.domain.lifecycle import ProblemKind, close_problems
from oekoaudit.errors import OekoauditError
from oekoaudit.i18n import _, describe
from oekoaudit.services import Services
from oekoaudit.ui import prompts, style
from oekoaudit.ui.dialogs.finding import FindingDialog, FindingTarget, push_deleted
from oekoaudit.ui.lifecycle import read_only_message
from oekoaudit.ui.models.findings_model import FINDING_COLUMNS, Column, FindingsModel, ObjectRole, SortRole
from oekoaudit.ui.qtcompat import emit
from oekoaudit.ui.tasks import ChangeNotifier, DbWorker
from oekoaudit.ui.undo import UndoManager
from oekoaudit.ui.widgets.tables import RowTable, empty_label, setup_table
from oekoaudit.ui.widgets.view_header import view_frame

AnswerSource = Callable[[str], Answer | None]


class FindingsView(QWidget):
    #: a short message for the status bar
    message = Signal(str)

    def __init__(self, services: Services, worker: DbWorker, notifier: ChangeNotifier, undo: UndoManager,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._worker = worker
        self._notifier = notifier
        self._undo = undo
        self._detail: AuditDetail | None = None
        self._answer_source: AnswerSource | None = None
        self._dialog: FindingDialog | None = None
        #: the window's evidence (EvidenceUi): the dialog shows the finding's photos
        self.evidence_ui: Any = None
        self.setObjectName("findings_view")
        self.model = FindingsModel(FINDING_COLUMNS, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SortRole)
        self._build()
        self._connect_signals()
        self._update_state()

    # ---- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        frame = view_frame(self)
        layout, top, self.heading, self.count_label = frame.layout, frame.top, frame.heading, frame.count_label
        self.new_button = QPushButton(_("New finding…"), self)
        self.new_button.setToolTip(_("A finding without a checklist item (Ctrl+Shift+F). From the checklist: F."))
        self.edit_button = QPushButton(_("Edit…"), self)
        self.delete_button = QPushButton(_("Delete"), self)
        top.addWidget(self.new_button)
        top.addWidget(self.edit_button)
        top.addWidget(self.delete_button)

        self.reminder = QLabel(self)
        self.reminder.setObjectName("major_reminder")
        self.reminder.setWordWrap(True)
        self.reminder.setTextFormat(Qt.TextFormat.RichText)
        self.reminder.setStyleSheet(f"background: #fdecea; color: {style.ERROR_TEXT}; border-radius: 4px;"
                                    " padding: 6px 10px;")
        self.reminder.setVisible(False)
        layout.addWidget(self.reminder)

        self.table = RowTable(self)
        self.table.setObjectName("findings_table")
        self.table.setModel(self.proxy)
        col = self.model.column_of
        metrics = self.table.fontMetrics()
        setup_table(self.table, {
            col(Column.CLASS): metrics.horizontalAdvance("geringfügige Abweichung") + 40,
            col(Column.REFERENCE): metrics.horizontalAdvance("ISO 14001:2015 10.2.1") + 20,
            col(Column.OWNER): metrics.horizontalAdvance("Verantwortlich") + 30,
            col(Column.DUE): metrics.horizontalAdvance("00.00.0000") + 24,
            col(Column.STATUS): metrics.horizontalAdvance("in Arbeit – überfällig") + 24,
        }, stretch=col(Column.STATEMENT), wrapped=(col(Column.STATEMENT),))
        self.empty = empty_label(self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        layout.addWidget(self.stack, 1)

    def _connect_signals(self) -> None:
        self.new_button.clicked.connect(self._on_new_button_clicked)
        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        self.delete_button.clicked.connect(self.delete_current)
        self.table.doubleClicked.connect(self._on_table_open)
        self.table.open_requested.connect(self._on_table_open)
        self.table.delete_requested.connect(self.delete_current)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_row_changed)
        self.reminder.linkActivated.connect(self._on_reminder_link_activated)

    # ---- state --------------------------------------------------------------------------

    @property
    def detail(self) -> AuditDetail | None:
        return self._detail

    @property
    def closed(self) -> bool:
        return self._detail is not None and self._detail.audit.read_only

    @property
    def active_dialog(self) -> FindingDialog | None:
        return self._dialog

    def set_answer_source(self, source: AnswerSource | None) -> None:
        """Where the latest answers are (the checklist's, which may be ahead of the store)."""
        self._answer_source = source

    def set_detail(self, detail: AuditDetail | None) -> None:
        keep = self.current_finding()
        if detail is None or self._detail is None or detail.audit.id != self._detail.audit.id:
            keep = None
        self._detail = detail
        self.model.set_findings(detail.findings if detail else ())
        if keep is not None:
            self.select_finding(keep.id)
        self._update_state()

    def current_finding(self) -> Finding | None:
        index = self.table.currentIndex()
        return index.data(ObjectRole) if index.isValid() else None

    def select_finding(self, finding_id: str) -> bool:
        row = self.model.row_of(finding_id)
        if row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        return True

    def majors_without_finding(self) -> list[str]:
        if self._detail is None:
            return []
        return [p.subject for p in close_problems(self._detail) if p.kind is ProblemKind.MAJOR_WITHOUT_FINDING]

    def _update_state(self) -> None:
        detail = self._detail
        count = self.model.rowCount()
        self.heading.setText(_("Findings"))
        if count:
            overdue = self.model.overdue_count()
            text = _("{count} findings").format(count=count) if count != 1 else _("1 finding")
            if overdue:
                text += " · " + _("{count} overdue").format(count=overdue)
            self.count_label.setText(text)
        else:
            self.count_label.setText("")
        writable = detail is not None and not self.closed
        self.new_button.setEnabled(writable)
        has_current = self.current_finding() is not None
        self.edit_button.setEnabled(has_current)
        self.delete_button.setEnabled(writable and has_current)
        if self.closed:
            self.delete_button.setToolTip(_("The audit is closed: its findings stay as signed."))
        else:
            self.delete_button.setToolTip(_("Delete the finding (it can be undone)"))
        self.stack.setCurrentWidget(self.table if count else self.empty)
        if detail is None:
            self.empty.setText("")
        elif self.closed:
            self.empty.setText(escape(_("This audit has no findings.")))
        else:
            self.empty.setText(
                "<p style='font-size: large;'>" + escape(_("No findings yet.")) + "</p><p>"
                + escape(_("In the checklist, choose a requirement and press F (or “Record finding…”): the "
                           "finding is pre-filled with the requirement, the assessment and the note.")) + "</p><p>"
                + escape(_("A finding without a checklist item: “New finding…” above (Ctrl+Shift+F).")) + "</p>")
        majors = self.majors_without_finding()
        if majors:
            links = ", ".join(f"<a href='{escape(k)}'>{escape(k)}</a>" for k in majors)
            self.reminder.setText(escape(_("A major nonconformity needs a finding. Missing for:")) + " " + links
                                  + " — " + escape(_("click to record it.")))
        self.reminder.setVisible(bool(majors) and not self.closed)

    def _on_table_current_row_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._update_state()

    # ---- opening the dialog -------------------------------------------------------------

    def _show_dialog(self, dialog: FindingDialog) -> FindingDialog:
        if self._dialog is not None:
            self._dialog.close()
        self._dialog = dialog
        if self.evidence_ui is not None:
            dialog.attach_evidence(self.evidence_ui)
        dialog.saved.connect(self._on_dialog_saved)
        dialog.finished.connect(lambda _result: self._forget_dialog(dialog))
        dialog.open()
        return dialog

    def _forget_dialog(self, dialog: FindingDialog) -> None:
        if self._dialog is dialog:
            self._dialog = None
        dialog.deleteLater()

    def _on_dialog_saved(self, finding: Any) -> None:
        if isinstance(finding, Finding):
            emit(self.message, _("Finding saved: {ref}").format(ref=finding.requirement_ref or _("no requirement")))

    def _refuse_closed(self) -> bool:
        if self._detail is None:
            emit(self.message, _("Open an audit first."))
            return True
        if self.closed:
            emit(self.message, read_only_message(self._detail))
            return True
        return False

    def new_finding(self) -> FindingDialog | None:
        """A finding without a checklist item."""
        if self._refuse_closed():
            return None
        assert self._detail is not None
        target = FindingTarget(self._detail.audit.id, prefill={"finding_class": FindingClass.OBSERVATION})
        return self._show_dialog(FindingDialog(self._services, self._worker, self._undo, target,
                                               parent=self.window()))

    def record_for_item(self, item_key: str) -> FindingDialog | None:
        """A finding on a checklist item, pre-filled from its answer and note."""
        if self._refuse_closed():
            return None
        detail = self._detail
        assert detail is not None
        item = detail.checklist.item(item_key)
        if item is None:
            return None
        answer = self._answer_source(item_key) if self._answer_source else None
        if answer is None:
            answer = detail.answers.get(item_key)
        rating = answer.rating if answer else Rating.OPEN
        cls = FINDING_CLASS_FOR_RATING.get(rating)
        if cls is None:
            cls = FindingClass.POSITIVE if rating is Rating.CONFORM else FindingClass.OBSERVATION
        prefill = {"finding_class": cls, "requirement_ref": detail.checklist.cite(item.ref),
                   "statement": answer.note if answer else ""}
        lang = i18n.get_language()
        target = FindingTarget(detail.audit.id, item_key=item.key, item_title=f"{item.ref}  {item.title.get(lang)}",
                               prefill=prefill)
        return self._show_dialog(FindingDialog(self._services, self._worker, self._undo, target,
                                               parent=self.window()))

    def edit_finding(self, finding: Finding) -> FindingDialog | None:
        """Edit a finding of this audit or of another one (the open actions of the organisation)."""
        try:
            if self._detail is not None and finding.audit_id == self._detail.audit.id:
                detail = self._detail
                finding = next((f for f in detail.findings if f.id == finding.id), finding)
            else:
                detail = self._services.audits.detail(finding.audit_id)
                finding = self._services.audits.finding(finding.id)
        except OekoauditError as exc:
            prompts.error(self, describe(exc))
            return None
        lang = i18n.get_language()
        item = detail.checklist.item(finding.item_key) if finding.item_key else None
        title = f"{item.ref}  {item.title.get(lang)}" if item else ""
        if detail is not self._detail:
            title = f"{detail.audit.title} · {title}" if title else detail.audit.title
        target = FindingTarget(finding.audit_id, closed=detail.audit.read_only,
                               item_key=finding.item_key, item_title=title)
        return self._show_dialog(FindingDialog(self._services, self._worker, self._undo, target, finding,
                                               parent=self.window()))

    def _on_new_button_clicked(self) -> None:
        self.new_finding()

    def _on_edit_button_clicked(self) -> None:
        finding = self.current_finding()
        if finding is not None:
            self.edit_finding(finding)

    def _on_table_open(self, index: QModelIndex) -> None:
        finding = index.data(ObjectRole)
        if isinstance(finding, Finding):
            self.edit_finding(finding)

    def _on_reminder_link_activated(self, link: str) -> None:
        self.record_for_item(link)

    # ---- deleting -----------------------------------------------------------------------

    def delete_current(self) -> None:
        finding = self.current_finding()
        if finding is None or self._refuse_closed():
            return
        statement = " ".join(finding.statement.split())
        if len(statement) > 80:
            statement = statement[:80] + "…"
        question = _("Delete the finding “{statement}”?").format(statement=statement or finding.requirement_ref)
        if not prompts.confirm(self, question + "\n\n" + _("You can undo it with Ctrl+Z.")):
            return
        push_deleted(self._undo, self._services, finding)
        emit(self.message, _("Finding deleted. Ctrl+Z brings it back."))

    # ---- the rule: a major nonconformity needs a finding --------------------------------

    def check_major_answer(self, item_key: str, option_key: str) -> None:
        """After an answer: a major nonconformity without a finding asks for one."""
        detail = self._detail
        if detail is None or self.closed:
            return
        option = detail.checklist.scale.option(option_key)
        if option is None or option.rating is not Rating.MAJOR_NC:
            return
        if any(f.item_key == item_key and f.finding_class is FindingClass.MAJOR_NC for f in detail.findings):
            return
        audit_id = detail.audit.id
        QTimer.singleShot(0, self, lambda: self._ask_major(audit_id, item_key))

    def _ask_major(self, audit_id: str, item_key: str) -> None:
        if self._detail is None or self._detail.audit.id != audit_id or self._dialog is not None:
            return
        item = self._detail.checklist.item(item_key)
        ref = item.ref if item else item_key
        question = _("A major nonconformity needs a finding. Record it now?")
        if prompts.confirm(self.window(), f"{ref}: {question}", _("Major nonconformity")):
            self.record_for_item(item_key)
        else:
            emit(self.message, _("{ref}: the major nonconformity still needs a finding (F in the checklist, "
                                 "or the Findings tab).").format(ref=ref))
