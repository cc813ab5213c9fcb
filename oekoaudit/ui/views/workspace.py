"""The right side of the window: a welcome page, or the open audit's tabs."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from oekoaudit.domain.audit import AuditDetail
from oekoaudit.domain.changes import Changes
from oekoaudit.domain.lifecycle import ProblemKind
from oekoaudit.errors import OekoauditError
from oekoaudit.i18n import _, describe
from oekoaudit.services import Services
from oekoaudit.ui import style
from oekoaudit.ui.evidence_ui import EvidenceUi, watch_rows
from oekoaudit.ui.lifecycle import AuditLifecycle
from oekoaudit.ui.qtcompat import emit
from oekoaudit.ui.tasks import ChangeNotifier, DbWorker, TaskRunner
from oekoaudit.ui.undo import UndoManager
from oekoaudit.ui.views.actions_view import ActionsView
from oekoaudit.ui.views.checklist_view import ChecklistView
from oekoaudit.ui.views.compare_view import CompareView
from oekoaudit.ui.views.findings_view import FindingsView
from oekoaudit.ui.views.gallery_view import GalleryView
from oekoaudit.ui.views.gap_view import GapView
from oekoaudit.ui.views.indicators_view import IndicatorsView
from oekoaudit.ui.views.overview_view import OverviewView
from oekoaudit.ui.views.plan_view import PlanView
from oekoaudit.ui.views.programme_view import ProgrammeView
from oekoaudit.ui.views.report_view import ReportView
from oekoaudit.ui.views.self_assessment import SelfAssessmentView
from oekoaudit.ui.widgets.status_banner import StatusBanner
from oekoaudit.ui.widgets.view_group import ViewGroup

#: The views of an open audit, by the name the screenshot command and the menus use. Each view
#: registers itself in AuditWorkspace.__init__ through _add_view or, sharing a tab with others,
#: _add_group (tab order = registration order).
VIEWS = ("overview", "plan", "checklist", "findings", "evidence", "programme", "indicators",
         "actions", "gap", "compare", "report", "self_assessment")
#: How many recent audits the welcome page offers.
WELCOME_RECENT = 5
BUTTON_WIDTH = 180
#: as wide as the two buttons above it, so that the window needs no more room than before
RECENT_WIDTH = 2 * BUTTON_WIDTH + 8


class WelcomePage(QWidget):
    new_organisation_requested = Signal()
    new_audit_requested = Signal()
    #: a recent audit was chosen (its id)
    recent_audit_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome_page")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 40, 48, 40)
        layout.addStretch(2)
        self.heading = QLabel(_("Welcome to oekoaudit"), self)
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setStyleSheet(f"color: {style.ACCENT};")
        self.heading.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.text.setMaximumWidth(560)
        self.new_organisation_button = QPushButton(_("New organisation…"), self)
        self.new_audit_button = QPushButton(_("New audit…"), self)
        for button in (self.new_organisation_button, self.new_audit_button):
            button.setMinimumHeight(34)
            button.setMinimumWidth(BUTTON_WIDTH)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.new_organisation_button)
        buttons.addSpacing(8)
        buttons.addWidget(self.new_audit_button)
        buttons.addStretch(1)
        text_row = QHBoxLayout()
        text_row.addStretch(1)
        text_row.addWidget(self.text, 4)
        text_row.addStretch(1)
        layout.addWidget(self.heading)
        layout.addSpacing(12)
        layout.addLayout(text_row)
        layout.addSpacing(20)
        layout.addLayout(buttons)
        layout.addSpacing(28)
        layout.addLayout(self._build_recent())
        layout.addStretch(3)
        self.new_organisation_button.clicked.connect(self.new_organisation_requested)
        self.new_audit_button.clicked.connect(self.new_audit_requested)
        self.set_state(has_organisations=False, has_audits=False)
        self.set_recent([])

    def _build_recent(self) -> QHBoxLayout:
        """The audits opened last: a small heading and one link-like button each."""
        self.recent_box = QWidget(self)
        self.recent_box.setObjectName("welcome_recent")
        self.recent_box.setFixedWidth(RECENT_WIDTH)
        box = QVBoxLayout(self.recent_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        self.recent_heading = QLabel(_("Recently opened"), self.recent_box)
        self.recent_heading.setStyleSheet(f"color: {style.MUTED_TEXT}; font-weight: bold;")
        box.addWidget(self.recent_heading)
        box.addSpacing(6)
        self._recent_list = QVBoxLayout()
        self._recent_list.setSpacing(8)
        box.addLayout(self._recent_list)
        self.recent_rows: list[QWidget] = []
        self.recent_buttons: list[QPushButton] = []
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.recent_box)
        row.addStretch(1)
        return row

    def set_recent(self, audits: list[tuple[str, str, str]]) -> None:
        """The recent audits, (id, title, organisation) newest first: the first few, each a link with
        its organisation below it; none hides the list."""
        for row in self.recent_rows:
            self._recent_list.removeWidget(row)
            row.deleteLater()
        self.recent_rows = []
        self.recent_buttons = []
        metrics = self.fontMetrics()
        for audit_id, title, organisation in audits[:WELCOME_RECENT]:
            row = QWidget(self.recent_box)
            lines = QVBoxLayout(row)
            lines.setContentsMargins(0, 0, 0, 0)
            lines.setSpacing(0)
            place = QLabel(metrics.elidedText(organisation, Qt.TextElideMode.ElideRight, RECENT_WIDTH), row)
            place.setStyleSheet(f"color: {style.MUTED_TEXT};")
            place.setTextFormat(Qt.TextFormat.PlainText)
            shown = metrics.elidedText(title, Qt.TextElideMode.ElideRight, RECENT_WIDTH - 4)
            button = QPushButton(shown.replace("&", "&&"), row)
            button.setObjectName("welcome_recent_audit")
            button.setProperty("audit_id", audit_id)
            button.setFlat(True)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            name = _("{audit} – {organisation}").format(audit=title, organisation=organisation)
            button.setToolTip(name)
            button.setAccessibleName(name)
            button.setStyleSheet(f"QPushButton {{ color: {style.ACCENT}; border: none; padding: 3px 0px 1px 0px; "
                                 "text-align: left; }"
                                 "QPushButton:hover, QPushButton:focus { text-decoration: underline; }")
            button.clicked.connect(lambda _checked=False, a=audit_id: emit(self.recent_audit_requested, a))
            lines.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
            lines.addWidget(place)
            self._recent_list.addWidget(row)
            self.recent_rows.append(row)
            self.recent_buttons.append(button)
        self.recent_box.setVisible(bool(self.recent_rows))

    def set_state(self, has_organisations: bool, has_audits: bool) -> None:
        if not has_organisations:
            text = _("There is no organisation yet. Start with the organisation you audit: "
                     "its name, address and first site. Then create an audit with a checklist.")
        elif not has_audits:
            text = _("Create the first audit: choose the organisation, the site and the checklist "
                     "(for example ISO 14001).")
        else:
            text = _("Choose an audit on the left, or create a new one.")
        self.text.setText(text)
        self.new_audit_button.setEnabled(has_organisations)


class AuditWorkspace(QStackedWidget):
    message = Signal(str)
    write_failed = Signal(object)
    note_dirty_changed = Signal(bool)
    #: the audit shown changed (its id, or None)
    audit_changed = Signal(object)
    #: the audit shown, read again (its AuditDetail, or None): its status may have changed
    detail_shown = Signal(object)

    def __init__(self, services: Services, worker: DbWorker, notifier: ChangeNotifier,
                 undo: UndoManager | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._worker = worker
        self._notifier = notifier
        #: every edit goes through here, so that it can be undone
        self.undo = undo or UndoManager(worker, notifier, self)
        self._detail: AuditDetail | None = None
        self._reload_when_idle = False
        #: photos and documents (gallery, the strips of items and findings, imports); made before
        #: the views, so that it hears of a change before they read again
        self.evidence_ui = EvidenceUi(services, worker, notifier, self.undo, TaskRunner(parent=self),
                                      lambda: self._detail, self)
        self.welcome = WelcomePage(self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("workspace_tabs")
        self.tabs.setDocumentMode(False)
        self.tabs.tabBar().setExpanding(False)
        self.overview = OverviewView(self.tabs, award_of=services.reuse.award_for)
        self.checklist = ChecklistView(services, worker, notifier, self.tabs, undo=self.undo)
        self._views: dict[str, QWidget] = {}
        #: the views that share a tab, by name: their group
        self._group_of: dict[str, ViewGroup] = {}
        self._add_view("overview", self.overview, _("Overview"))
        self.plan = PlanView(services, self.undo, self.tabs)
        self._add_view("plan", self.plan, _("Audit plan"))
        self._add_view("checklist", self.checklist, _("Checklist"))
        self.findings = FindingsView(services, worker, notifier, self.undo, self.tabs)
        self._add_view("findings", self.findings, _("Findings"))
        self.gallery = GalleryView(self.evidence_ui, self.tabs)
        self._add_view("evidence", self.gallery, _("Photos & evidence").replace("&", "&&"))
        self.programme = ProgrammeView(services, worker, notifier, self.undo, self.tabs)
        self._add_view("programme", self.programme, _("Environmental programme"))
        self.indicators = IndicatorsView(services, worker, notifier, self.undo, self.tabs)
        self._add_view("indicators", self.indicators, _("Figures"))
        # the audit seen from outside: the organisation's open actions, gap analysis, comparison
        self.actions = ActionsView(services, notifier, self.tabs)
        self.gap = GapView(services, self.tabs)
        self.compare = CompareView(services, self.tabs)
        self.analysis = self._add_group("analysis", _("Analysis"), [
            ("actions", _("Open actions"), self.actions),
            ("gap", _("Gap analysis"), self.gap),
            ("compare", _("Comparison"), self.compare),
        ])
        # the report: made in the background, shown as PDF; it follows the audit shown
        self.report = ReportView(services, parent=self.tabs)
        self._add_view("report", self.report, _("Report"))
        self.detail_shown.connect(self.report.set_detail)
        self.report.message.connect(self.message)
        self.self_assessment = SelfAssessmentView(services, worker, notifier, self.undo, self.tabs)
        self._add_view("self_assessment", self.self_assessment, _("Self-assessment"))
        self.addWidget(self.welcome)
        # the open audit: its status banner above the tabs
        self.audit_page = QWidget(self)
        self.audit_page.setObjectName("audit_page")
        self.banner = StatusBanner(self.audit_page)
        page_layout = QVBoxLayout(self.audit_page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.setSpacing(0)
        page_layout.addWidget(self.banner)
        page_layout.addWidget(self.tabs, 1)
        self.addWidget(self.audit_page)
        self.lifecycle = AuditLifecycle(services, worker, notifier, self.undo, lambda: self._detail,
                                        self.commit_edits, self)
        self._connect_signals()

    def _add_view(self, name: str, widget: QWidget, title: str) -> None:
        assert name in VIEWS, name
        self._views[name] = widget
        self.tabs.addTab(widget, title)

    def _add_group(self, name: str, title: str, pages: list[tuple[str, str, QWidget]]) -> ViewGroup:
        """Several views in one tab (switched by buttons above them); each keeps its own name."""
        group = ViewGroup(pages, self.tabs)
        group.setObjectName(f"{name}_group")
        for page_name, _text, widget in pages:
            assert page_name in VIEWS, page_name
            self._views[page_name] = widget
            self._group_of[page_name] = group
        self.tabs.addTab(group, title)
        return group

    def view(self, name: str) -> QWidget:
        return self._views[name]

    def _connect_signals(self) -> None:
        self._notifier.changed.connect(self._on_notifier_changed)
        self._worker.pending_changed.connect(self._on_worker_pending_changed)
        self.checklist.message.connect(self.message)
        self.checklist.write_failed.connect(self.write_failed)
        self.checklist.note_dirty_changed.connect(self.note_dirty_changed)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.plan.message.connect(self.message)
        self.banner.action_requested.connect(self.lifecycle.trigger)
        self.lifecycle.message.connect(self.message)
        self.lifecycle.problem_chosen.connect(self._on_lifecycle_problem_chosen)
        self.self_assessment.message.connect(self.message)
        # findings: from the checklist (F, a major nonconformity), from the open actions of the organisation
        self.findings.set_answer_source(self.checklist.model.answer)
        self.findings.message.connect(self.message)
        self.actions.message.connect(self.message)
        self.checklist.finding_requested.connect(self.findings.record_for_item)
        self.checklist.answered.connect(self.findings.check_major_answer)
        self.actions.finding_activated.connect(self.findings.edit_finding)
        # gap and comparison: a double-click opens the item of this audit in the checklist
        self.gap.item_requested.connect(self._on_item_requested)
        self.compare.item_requested.connect(self._on_item_requested)
        # photos and documents: the gallery, the strips, drops onto checklist items and findings
        self.gallery.message.connect(self.message)
        self.evidence_ui.message.connect(self.message)
        self.checklist.detail.evidence_strip.attach(self.evidence_ui)
        self.findings.evidence_ui = self.evidence_ui
        self._item_drops = watch_rows(self.evidence_ui, self.checklist.tree)
        self._finding_drops = watch_rows(self.evidence_ui, self.findings.table)
        # the environmental programme and the figures; files dropped onto a measure are linked to it
        self.programme.message.connect(self.message)
        self.indicators.message.connect(self.message)
        self.programme.evidence_ui = self.evidence_ui
        self._measure_drops = watch_rows(self.evidence_ui, self.programme.table)

    @property
    def audit_id(self) -> str | None:
        return self._detail.audit.id if self._detail else None

    @property
    def detail(self) -> AuditDetail | None:
        return self._detail

    def show_audit(self, audit_id: str | None) -> None:
        """Open an audit (read on the GUI thread: one indexed query), or the welcome page."""
        if audit_id is None:
            self.checklist.commit_note()
            self._set_detail(None)
            return
        if audit_id == self.audit_id:
            return
        self._set_detail(self._services.audits.detail(audit_id))

    def reload(self) -> None:
        """Read the open audit again from the store."""
        if self._detail is not None:
            self._set_detail(self._services.audits.detail(self._detail.audit.id))

    def _set_detail(self, detail: AuditDetail | None) -> None:
        changed = (detail.audit.id if detail else None) != self.audit_id
        self._detail = detail
        self.checklist.set_detail(detail)
        self.plan.set_detail(detail)
        self.banner.set_audit(detail.audit if detail is not None else None)
        self._update_self_assessment(detail, changed)
        self.findings.set_detail(detail)
        self.gallery.set_detail(detail)  # reads the evidence only when (or once) its tab is shown
        self.actions.set_detail(detail)
        self.gap.set_detail(detail)  # both compute only when (or once) their tab is shown
        self.compare.set_detail(detail)
        self.programme.set_detail(detail)  # both read only when (or once) their tab is shown
        self.indicators.set_detail(detail)
        if self.tabs.currentWidget() is self.overview or detail is None:
            self.overview.set_detail(detail)
        self.setCurrentWidget(self.audit_page if detail is not None else self.welcome)
        if changed:
            emit(self.audit_changed, detail.audit.id if detail else None)
        emit(self.detail_shown, detail)

    def commit_edits(self) -> None:
        """Write what is being typed (the checklist's note, a field of the audit plan)."""
        self.checklist.commit_note()
        self.plan.commit()
        self.gallery.details.commit_caption()

    def _on_lifecycle_problem_chosen(self, problem: Any) -> None:
        """The sign dialog's "what is missing": go there."""
        kind = getattr(problem, "kind", None)
        if kind in (ProblemKind.ITEM_OPEN, ProblemKind.MAJOR_WITHOUT_FINDING, ProblemKind.CARRIED_UNCONFIRMED):
            self.show_view("checklist")
            self.checklist.select_item(problem.subject)
        elif kind is ProblemKind.FIELD_EMPTY:
            self.show_view("plan")
            self.plan.focus_field(problem.subject)
        elif kind is ProblemKind.FINDING_INCOMPLETE:
            self.show_view("findings")

    def _on_item_requested(self, key: str) -> None:
        self.show_view("checklist")
        self.checklist.select_item(key)

    def show_view(self, name: str) -> None:
        widget = self._views.get(name)
        group = self._group_of.get(name)
        tab = group or widget
        if widget is None or not self.tabs.isTabVisible(self.tabs.indexOf(tab)):
            return
        if group is not None:
            group.show_page(widget)
        self.tabs.setCurrentWidget(tab)
        if name == "checklist":
            self.checklist.tree.setFocus(Qt.FocusReason.OtherFocusReason)

    def current_view(self) -> str:
        current = self.tabs.currentWidget()
        if isinstance(current, ViewGroup):
            current = current.current()
        return next(name for name, widget in self._views.items() if widget is current)

    def _on_tabs_current_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.overview:
            # the overview shows the checklist's latest (possibly not yet confirmed) state
            detail = self._detail
            if detail is not None and self.checklist.model.progress is not None:
                detail = replace(detail, answers=self.checklist.model.answers,
                                 progress=self.checklist.model.progress)
            self.overview.set_detail(detail)
        else:
            self.checklist.commit_note()
        if self.tabs.currentWidget() is not self.plan:
            self.plan.commit()

    def _on_notifier_changed(self, changes: Any) -> None:
        if not isinstance(changes, Changes) or self._detail is None:
            return
        if changes.audit_id not in (None, self._detail.audit.id):
            return
        if not (changes.answers or changes.findings or changes.audits):
            return
        if self._worker.pending:
            # one reload after the burst of writes, whatever the last write was
            self._reload_when_idle = True
            return
        self._reload_now()

    def _on_worker_pending_changed(self, pending: int) -> None:
        if pending == 0 and self._reload_when_idle:
            self._reload_now()

    def _reload_now(self) -> None:
        self._reload_when_idle = False
        try:
            self.reload()
        except OekoauditError as exc:
            emit(self.message, describe(exc))

    def start_view(self, default: str | None = None) -> str | None:
        """The tab the open audit opens on from outside (command line, navigator, recent audits):
        a self-assessment on its own tab, any other audit on ``default``."""
        return "self_assessment" if SelfAssessmentView.opens_first(self._detail) else default

    def _update_self_assessment(self, detail: AuditDetail | None, changed: bool) -> None:
        """The self-assessment tab: shown only if the checklist offers it; a self-assessment opens on it."""
        available = SelfAssessmentView.available(detail)
        if not available and self.tabs.currentWidget() is self.self_assessment:
            self.tabs.setCurrentWidget(self.checklist)
        self.tabs.setTabVisible(self.tabs.indexOf(self.self_assessment), available)
        self.self_assessment.set_detail(detail if available else None)
        if changed and SelfAssessmentView.opens_first(detail):
            self.tabs.setCurrentWidget(self.self_assessment)
