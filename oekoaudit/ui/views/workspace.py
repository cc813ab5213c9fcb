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
from oekoaudit.errors import OekoauditError
from oekoaudit.i18n import _, describe
from oekoaudit.services import Services
from oekoaudit.ui import style
from oekoaudit.ui.qtcompat import emit
from oekoaudit.ui.tasks import ChangeNotifier, DbWorker
from oekoaudit.ui.undo import UndoManager
from oekoaudit.ui.views.checklist_view import ChecklistView
from oekoaudit.ui.views.overview_view import OverviewView

#: The views of an open audit, by the name the screenshot command and the menus use. Each view
#: registers itself in AuditWorkspace.__init__ through _add_view (tab order = registration order).
VIEWS = ("overview", "plan", "checklist", "findings", "actions", "self_assessment")


class WelcomePage(QWidget):
    new_organisation_requested = Signal()
    new_audit_requested = Signal()

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
            button.setMinimumWidth(180)
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
        layout.addStretch(3)
        self.new_organisation_button.clicked.connect(self.new_organisation_requested)
        self.new_audit_button.clicked.connect(self.new_audit_requested)
        self.set_state(has_organisations=False, has_audits=False)

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

    def __init__(self, services: Services, worker: DbWorker, notifier: ChangeNotifier,
                 undo: UndoManager | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._worker = worker
        self._notifier = notifier
        #: every edit goes through here, so that it can be undone
        self.undo = undo or UndoManager(worker, notifier, self)
        self._detail: AuditDetail | None = None
        self.welcome = WelcomePage(self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("workspace_tabs")
        self.tabs.setDocumentMode(False)
        self.tabs.tabBar().setExpanding(False)
        self.overview = OverviewView(self.tabs)
        self.checklist = ChecklistView(services, worker, notifier, self.tabs)
        self._views: dict[str, QWidget] = {}
        self._add_view("overview", self.overview, _("Overview"))
        self._add_view("checklist", self.checklist, _("Checklist"))
        self.addWidget(self.welcome)
        self.addWidget(self.tabs)
        self._connect_signals()

    def _add_view(self, name: str, widget: QWidget, title: str) -> None:
        assert name in VIEWS, name
        self._views[name] = widget
        self.tabs.addTab(widget, title)

    def view(self, name: str) -> QWidget:
        return self._views[name]

    def _connect_signals(self) -> None:
        self._notifier.changed.connect(self._on_notifier_changed)
        self.checklist.message.connect(self.message)
        self.checklist.write_failed.connect(self.write_failed)
        self.checklist.note_dirty_changed.connect(self.note_dirty_changed)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)

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
        if self.tabs.currentWidget() is self.overview or detail is None:
            self.overview.set_detail(detail)
        self.setCurrentWidget(self.tabs if detail is not None else self.welcome)
        if changed:
            emit(self.audit_changed, detail.audit.id if detail else None)

    def show_view(self, name: str) -> None:
        widget = self._views.get(name)
        if widget is None:
            return
        self.tabs.setCurrentWidget(widget)
        if name == "checklist":
            self.checklist.tree.setFocus(Qt.FocusReason.OtherFocusReason)

    def current_view(self) -> str:
        current = self.tabs.currentWidget()
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

    def _on_notifier_changed(self, changes: Any) -> None:
        if not isinstance(changes, Changes) or self._detail is None:
            return
        if changes.audit_id not in (None, self._detail.audit.id):
            return
        if not (changes.answers or changes.findings or changes.audits):
            return
        if self._worker.pending:
            return  # the last write of the burst reloads
        try:
            self.reload()
        except OekoauditError as exc:
            emit(self.message, describe(exc))
