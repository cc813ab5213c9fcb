"""The main window: navigator on the left, the audit workspace on the right, autosave in the status bar."""

from __future__ import annotations

import sys
import traceback
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QDeadlineTimer, QSettings, Qt, QThreadPool
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QSplitter, QVBoxLayout, QWidget

from oekoaudit import __version__, i18n
from oekoaudit.domain.audit import AuditKind
from oekoaudit.domain.changes import Changes
from oekoaudit.domain.checklist import Rating
from oekoaudit.domain.evidence import Target
from oekoaudit.errors import OekoauditError, ReadOnlyError
from oekoaudit.i18n import _, describe, ngettext
from oekoaudit.services import Services
from oekoaudit.services.settings import load_settings, update_settings
from oekoaudit.ui import prompts, style
from oekoaudit.ui.dialogs.new_audit import NewAuditDialog
from oekoaudit.ui.dialogs.new_organisation import NewOrganisationDialog
from oekoaudit.ui.dialogs.settings import SettingsDialog
from oekoaudit.ui.lifecycle import ACTIONS, allowed_actions
from oekoaudit.ui.models.navigator_model import audit_title
from oekoaudit.ui.package_ui import PackageUi
from oekoaudit.ui.prompts import error_text
from oekoaudit.ui.qtcompat import emit
from oekoaudit.ui.recent import RecentAudits
from oekoaudit.ui.tasks import ChangeNotifier, DbWorker, TaskRunner
from oekoaudit.ui.undo import UndoManager
from oekoaudit.ui.views.navigator_view import NavigatorView
from oekoaudit.ui.views.programme_view import SCOPE_ORGANISATION
from oekoaudit.ui.views.workspace import AuditWorkspace
from oekoaudit.ui.widgets.verification_banner import VerificationBanner, facts_from_verification

LANGUAGE_NAMES = {"de": "Deutsch", "en": "English"}


class MainWindow(QMainWindow):
    """The window of the user's data — or, with ``review`` (a package opened for review, see
    ``services.packages.open_for_review``), of a package's sealed copy: the verification banner
    above everything, every action that writes disabled, and closing the window closes the review
    (its temporary folder is removed)."""

    def __init__(self, services: Services, notifier: ChangeNotifier | None = None, worker: DbWorker | None = None,
                 tasks: TaskRunner | None = None, ui_settings: QSettings | None = None,
                 parent: QWidget | None = None, review: Any = None) -> None:
        super().__init__(parent)
        self.services = services
        #: the package shown (``Review``), None for the user's own data
        self.review = review
        self._review_closed = False
        self.notifier = notifier or ChangeNotifier(self)
        self.worker = worker or DbWorker(self)
        # a review window's own work waits for nothing of the main window's (closing it is quick)
        self.tasks = tasks or TaskRunner(QThreadPool(self) if review is not None else None, parent=self)
        self.undo = UndoManager(self.worker, self.notifier, self)
        self._ui_settings = ui_settings
        self._write_failed = False
        self._last_saved: datetime | None = None  # when the last write finished (status bar)
        self._last_pending = 0
        self.recent = RecentAudits(services, self)
        self._dialog: Any = None  # the open New … dialog (tests reach it here)
        self.setObjectName("main_window")
        self.setWindowTitle("oekoaudit")
        self.resize(1280, 800)
        self.packages = PackageUi(self)
        self._build()
        self._build_menus()
        self._connect_signals()
        self.reload_navigator()
        self._update_save_state()
        self._restore_ui_state()
        if review is not None:
            self._start_review()

    # ---- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        self.navigator = NavigatorView(self)
        self.navigator.setMinimumWidth(200)
        self.workspace = AuditWorkspace(self.services, self.worker, self.notifier, self.undo, self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("main_splitter")
        self.splitter.addWidget(self.navigator)
        self.splitter.addWidget(self.workspace)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([290, 990])
        if self.review is None:
            self.verification_banner = None
            self.setCentralWidget(self.splitter)
        else:
            # a package opened for review: its verification state above everything it shows
            central = QWidget(self)
            central.setObjectName("review_page")
            column = QVBoxLayout(central)
            column.setContentsMargins(8, 8, 8, 0)
            column.setSpacing(6)
            self.verification_banner = VerificationBanner(central, review=True)
            self.verification_banner.set_facts(facts_from_verification(self.review.verification))
            column.addWidget(self.verification_banner)
            column.addWidget(self.splitter, 1)
            self.setCentralWidget(central)
        self.save_state_label = QLabel(self)
        self.save_state_label.setObjectName("save_state_label")
        self.save_state_label.setContentsMargins(8, 0, 8, 0)
        self.statusBar().addPermanentWidget(self.save_state_label)

    def _build_menus(self) -> None:
        menu_bar = self.menuBar()
        #: the View menu's entries for tabs: enabled while an audit is open
        self.tab_actions: list[QAction] = []
        file_menu = menu_bar.addMenu(_("&File"))
        self.action_new_organisation = QAction(_("New &organisation…"), self)
        self.action_new_organisation.setShortcut(QKeySequence("Ctrl+Shift+N"))
        self.action_new_audit = QAction(_("&New audit…"), self)
        self.action_new_audit.setShortcut(QKeySequence.StandardKey.New)
        self.action_quit = QAction(_("&Quit"), self)
        self.action_quit.setShortcut(QKeySequence("Ctrl+Q"))
        self.action_quit.setMenuRole(QAction.MenuRole.QuitRole)
        file_menu.addAction(self.action_new_organisation)
        file_menu.addAction(self.action_new_audit)
        file_menu.addSeparator()
        file_menu.addMenu(self.recent.menu)
        self._build_package_actions(file_menu)
        self.action_import_catalogue = QAction(_("&Import catalogue…"), self)
        self.action_import_catalogue.setObjectName("action_import_catalogue")
        self.action_import_catalogue.setStatusTip(_("Your own checklist from a spreadsheet (CSV, XLSX) or a YAML file"))
        self.action_import_catalogue.triggered.connect(lambda _checked=False: self.import_catalogue())
        file_menu.addAction(self.action_import_catalogue)
        self._build_figures_actions(file_menu)
        self.action_settings = QAction(_("&Settings…"), self)
        self.action_settings.setObjectName("action_settings")
        self.action_settings.setShortcut(QKeySequence("Ctrl+,"))
        self.action_settings.setMenuRole(QAction.MenuRole.PreferencesRole)
        file_menu.addAction(self.action_settings)
        file_menu.addSeparator()
        file_menu.addAction(self.action_quit)

        self.edit_menu = menu_bar.addMenu(_("&Edit"))
        self.action_undo = self.undo.group.createUndoAction(self, _("&Undo"))
        self.action_undo.setShortcuts(QKeySequence.StandardKey.Undo)
        self.action_redo = self.undo.group.createRedoAction(self, _("&Redo"))
        # every platform binding (Ctrl+Shift+Z and Ctrl+Y), not only the first
        self.action_redo.setShortcuts(list(dict.fromkeys(
            QKeySequence.keyBindings(QKeySequence.StandardKey.Redo) + [QKeySequence("Ctrl+Shift+Z")])))
        self.edit_menu.addAction(self.action_undo)
        self.edit_menu.addAction(self.action_redo)

        self._build_lifecycle_actions(menu_bar)
        self._build_findings_actions(menu_bar)
        self._build_reuse_actions()
        self._build_evidence_actions(menu_bar)

        view_menu = menu_bar.addMenu(_("&View"))
        self.action_show_overview = QAction(_("&Overview"), self)
        self.action_show_overview.setShortcut(QKeySequence("Ctrl+1"))
        self.action_show_checklist = QAction(_("&Checklist"), self)
        self.action_show_checklist.setShortcut(QKeySequence("Ctrl+2"))
        view_menu.addAction(self.action_show_overview)
        view_menu.addAction(self.action_show_checklist)
        # the tabs without a place in another menu, with the next free number keys (Ctrl+3: plan,
        # Ctrl+4: photos, Ctrl+5: findings are in the Audit and Evidence menus)
        self.action_show_programme = QAction(_("Environmental &programme"), self)
        self.action_show_programme.setShortcut(QKeySequence("Ctrl+6"))
        self.action_show_indicators = QAction(_("&Figures"), self)
        self.action_show_indicators.setShortcut(QKeySequence("Ctrl+7"))
        self.action_show_analysis = QAction(_("&Analysis"), self)
        self.action_show_analysis.setShortcut(QKeySequence("Ctrl+8"))
        self.action_show_report = QAction(_("&Report"), self)
        self.action_show_report.setShortcut(QKeySequence("Ctrl+9"))
        for name, action in (("programme", self.action_show_programme), ("indicators", self.action_show_indicators),
                             ("report", self.action_show_report)):
            view_menu.addAction(action)
            action.triggered.connect(lambda _checked=False, n=name: self.workspace.show_view(n))
            self.tab_actions.append(action)
        view_menu.insertAction(self.action_show_report, self.action_show_analysis)
        self.action_show_analysis.triggered.connect(self._on_action_show_analysis_triggered)
        self.tab_actions.append(self.action_show_analysis)
        view_menu.addSeparator()
        language_menu = view_menu.addMenu(_("&Language"))
        self.language_group = QActionGroup(self)
        self.language_group.setExclusive(True)
        self.language_actions: dict[str, QAction] = {}
        for code in i18n.LANGUAGES:
            action = QAction(LANGUAGE_NAMES.get(code, code), self)
            action.setCheckable(True)
            action.setChecked(code == i18n.get_language())
            action.setData(code)
            self.language_group.addAction(action)
            language_menu.addAction(action)
            self.language_actions[code] = action

        help_menu = menu_bar.addMenu(_("&Help"))
        self.action_shortcuts = QAction(_("&Keyboard shortcuts"), self)
        self.action_shortcuts.setShortcut(QKeySequence.StandardKey.HelpContents)
        self.action_about = QAction(_("&About oekoaudit"), self)
        self.action_about.setMenuRole(QAction.MenuRole.AboutRole)
        help_menu.addAction(self.action_shortcuts)
        help_menu.addAction(self.action_about)

    def _build_package_actions(self, file_menu: Any) -> None:
        """File → audit packages: open for review, import, export, the conflicts an import left."""
        file_menu.addSeparator()
        self.action_open_package = QAction(_("Open package (review) …"), self)
        self.action_open_package.setObjectName("action_open_package")
        self.action_open_package.setShortcut(QKeySequence("Ctrl+Shift+O"))
        self.action_open_package.setStatusTip(_("Look at an audit package, its photos and its report without "
                                                "importing it; nothing is written to your data"))
        self.action_import_package = QAction(_("Import package …"), self)
        self.action_import_package.setObjectName("action_import_package")
        self.action_import_package.setShortcut(QKeySequence("Ctrl+Shift+I"))
        self.action_import_package.setStatusTip(_("Merge an audit package into your data (you see what changes "
                                                  "before anything is written)"))
        self.action_export_package = QAction(_("Export audit as package …"), self)
        self.action_export_package.setObjectName("action_export_package")
        self.action_export_package.setShortcut(QKeySequence("Ctrl+Shift+E"))
        self.action_export_package.setStatusTip(_("Write one or several audits with their photos into one "
                                                  ".oekoaudit file, signed if you like"))
        self.action_conflicts = QAction(_("Conflicts …"), self)
        self.action_conflicts.setObjectName("action_conflicts")
        self.action_conflicts.setStatusTip(_("Values changed differently here and in an imported package: "
                                             "decide which to keep"))
        for action in (self.action_open_package, self.action_import_package, self.action_export_package,
                       self.action_conflicts):
            file_menu.addAction(action)
        file_menu.addSeparator()
        self.action_open_package.triggered.connect(lambda _checked=False: self.packages.open_review())
        self.action_import_package.triggered.connect(lambda _checked=False: self.packages.import_package())
        self.action_export_package.triggered.connect(lambda _checked=False: self.packages.export())
        self.action_conflicts.triggered.connect(lambda _checked=False: self.packages.show_conflicts())
        self.packages.message.connect(self._on_workspace_message)

    def _build_findings_actions(self, menu_bar: Any) -> None:
        """Findings and corrective actions in the Audit menu (created here if nobody else did)."""
        if getattr(self, "audit_menu", None) is None:
            self.audit_menu = menu_bar.addMenu(_("&Audit"))
        else:
            self.audit_menu.addSeparator()
        self.action_new_finding = QAction(_("New &finding…"), self)
        self.action_new_finding.setShortcut(QKeySequence("Ctrl+Shift+F"))
        self.action_new_finding.setToolTip(_("A finding without a checklist item; in the checklist, F records one "
                                             "on the current item."))
        self.action_show_findings = QAction(_("Fin&dings"), self)
        self.action_show_findings.setShortcut(QKeySequence("Ctrl+5"))
        self.action_show_actions = QAction(_("Open &actions"), self)
        self.audit_menu.addAction(self.action_new_finding)
        self.audit_menu.addAction(self.action_show_findings)
        self.audit_menu.addAction(self.action_show_actions)
        self.action_new_finding.triggered.connect(self._on_action_new_finding_triggered)
        self.action_show_findings.triggered.connect(lambda: self.workspace.show_view("findings"))
        self.action_show_actions.triggered.connect(lambda: self.workspace.show_view("actions"))

    def _build_reuse_actions(self) -> None:
        """What is already known: the legal register, the gap to another scheme, the last audit."""
        self.audit_menu.addSeparator()
        self.action_add_legal_register = QAction(_("Add the &legal register"), self)
        self.action_add_legal_register.setObjectName("action_add_legal_register")
        self.action_add_legal_register.setStatusTip(_("Add the common environmental legal obligations to this "
                                                      "audit's checklist, each with its applicability question"))
        self.action_show_gap = QAction(_("&Gap analysis"), self)
        self.action_show_compare = QAction(_("Co&mparison with an earlier audit"), self)
        self.audit_menu.addAction(self.action_add_legal_register)
        self.audit_menu.addAction(self.action_show_gap)
        self.audit_menu.addAction(self.action_show_compare)
        self.action_add_legal_register.triggered.connect(lambda _checked=False: self.add_legal_register())
        self.action_show_gap.triggered.connect(lambda: self.workspace.show_view("gap"))
        self.action_show_compare.triggered.connect(lambda: self.workspace.show_view("compare"))
        self._on_workspace_detail_shown(self.workspace.detail)

    def _build_evidence_actions(self, menu_bar: Any) -> None:
        """Photos and documents: add files or a folder, paste, take a photo; the gallery."""
        self._camera_available: bool | None = None
        self.evidence_menu = menu_bar.addMenu(_("E&vidence"))
        self.evidence_menu.setObjectName("evidence_menu")
        self.evidence_menu.setToolTipsVisible(True)
        self.action_add_evidence = QAction(_("Add &photos/files …"), self)
        self.action_add_evidence.setObjectName("action_add_evidence")
        self.action_add_evidence.setStatusTip(_("Import photos and documents into the open audit (in the "
                                                "checklist: linked to the current item)"))
        self.action_add_evidence_folder = QAction(_("Add &folder …"), self)
        self.action_add_evidence_folder.setObjectName("action_add_evidence_folder")
        self.action_take_photo = QAction(_("&Take photo …"), self)
        self.action_take_photo.setObjectName("action_take_photo")
        self.action_paste_evidence = QAction(_("&Paste picture or files"), self)
        self.action_paste_evidence.setObjectName("action_paste_evidence")
        self.action_paste_evidence.setShortcuts(QKeySequence.StandardKey.Paste)
        self.action_paste_evidence.setStatusTip(_("Add the picture or the files on the clipboard to the audit"))
        self.action_show_evidence = QAction(_("Photos & evidence").replace("&", "&&"), self)
        self.action_show_evidence.setShortcut(QKeySequence("Ctrl+4"))
        for action in (self.action_add_evidence, self.action_add_evidence_folder, self.action_take_photo,
                       self.action_paste_evidence):
            self.evidence_menu.addAction(action)
        self.evidence_menu.addSeparator()
        self.evidence_menu.addAction(self.action_show_evidence)
        ui = self.workspace.evidence_ui
        self.action_add_evidence.triggered.connect(lambda _checked=False: ui.add_files(self, self.evidence_target()))
        self.action_add_evidence_folder.triggered.connect(
            lambda _checked=False: ui.add_folder(self, self.evidence_target()))
        self.action_take_photo.triggered.connect(lambda _checked=False: ui.take_photo(self, self.evidence_target()))
        self.action_paste_evidence.triggered.connect(lambda _checked=False: ui.paste(self, self.evidence_target()))
        self.action_show_evidence.triggered.connect(lambda: self.workspace.show_view("evidence"))
        self.evidence_menu.aboutToShow.connect(self.update_camera_action)
        self.workspace.detail_shown.connect(self._on_evidence_detail_shown)
        self._on_evidence_detail_shown(self.workspace.detail)

    def _on_evidence_detail_shown(self, detail: Any) -> None:
        writable = detail is not None and not detail.audit.read_only
        for action in (self.action_add_evidence, self.action_add_evidence_folder, self.action_paste_evidence):
            action.setEnabled(writable)
        # whether there is a camera is looked up when the menu opens (it loads Qt Multimedia)
        self.action_take_photo.setEnabled(writable and self._camera_available is not False)
        self.action_show_evidence.setEnabled(detail is not None)

    def update_camera_action(self) -> bool:
        """"Take photo…" works only with Qt Multimedia and a camera; otherwise its tooltip says why."""
        from oekoaudit.ui.dialogs import camera

        available, reason = camera.availability()
        self._camera_available = available
        detail = self.workspace.detail
        self.action_take_photo.setEnabled(available and detail is not None and not detail.audit.read_only)
        self.action_take_photo.setToolTip(reason or _("Take a photo with this computer's camera"))
        self.action_take_photo.setStatusTip(reason)
        return available

    def evidence_target(self) -> Target | None:
        """What evidence added from the menu is linked to: the checklist's item, the finding chosen,
        the item the gallery shows; else nothing."""
        view = self.workspace.current_view() if self.workspace.detail is not None else ""
        if view == "checklist":
            key = self.workspace.checklist.current_item_key()
            return Target.item(key) if key else None
        if view == "findings":
            finding = self.workspace.findings.current_finding()
            return Target.finding(finding.id) if finding is not None else None
        if view == "evidence":
            return self.workspace.gallery.current_target()
        return None

    def add_legal_register(self) -> None:
        """Add the legal register to the open audit (its answers stay as they are)."""
        detail = self.workspace.detail
        if detail is None:
            self.statusBar().showMessage(_("Open an audit first."), 6000)
            return
        legal = self.services.catalogues.legal_register()
        register = legal.id if legal is not None else None
        if register is None:
            prompts.information(self, _("No legal register catalogue is installed."))
            return
        if register in detail.audit.modules or register == detail.audit.catalogue_id:
            self.statusBar().showMessage(_("The legal register is already part of this audit."), 6000)
            return
        self.workspace.commit_edits()
        audit_id = detail.audit.id
        audits = self.services.audits

        def done(changes: Any) -> None:
            emit(self.notifier.changed, changes)
            self.workspace.reload()
            self.statusBar().showMessage(_("The legal register was added at the end of the checklist."), 8000)

        def failed(exc: BaseException) -> None:
            prompts.error(self, prompts.error_text(exc))

        self.worker.submit(lambda: audits.add_module(audit_id, register), done, failed)

    def import_catalogue(self, path: str | None = None) -> None:
        """Import a checklist of one's own (CSV, XLSX, YAML) on the worker; every problem is listed."""
        if path is None:
            path = prompts.open_file(self, _("Import catalogue"),
                                     _("Catalogues (*.csv *.xlsx *.yaml *.yml *.tsv *.txt);;All files (*)"))
            if path is None:
                return
        catalogues = self.services.catalogues
        self.statusBar().showMessage(_("Importing {file} …").format(file=Path(path).name))

        def done(result: Any) -> None:
            c = result.checklist
            items = sum(1 for _ in c.items())
            text = {
                "created": _("Catalogue imported: {title} ({n} items). It is now offered for new audits."),
                "replaced": _("Catalogue replaced: {title} ({n} items). Audits keep the text they were started with."),
                "unchanged": _("The catalogue {title} is already there, unchanged."),
            }[result.outcome].format(title=c.title.get(i18n.get_language()), n=items)
            self.statusBar().showMessage(text, 10000)
            prompts.information(self, text)

        def failed(exc: BaseException) -> None:
            problems = list(getattr(exc, "problems", ()))
            lines = [prompts.error_text(exc)]
            lines += ["• " + i18n.describe(p) for p in problems[:25]]
            if len(problems) > 25:
                lines.append(_("… and {n} more").format(n=len(problems) - 25))
            self.statusBar().clearMessage()
            prompts.error(self, "\n".join(lines))

        self.worker.submit(lambda: catalogues.import_result(path), done, failed)

    # ---- figures and measures as spreadsheets ----------------------------------------------

    def _build_figures_actions(self, file_menu: Any) -> None:
        """File → import and export the figures and the measures of the open audit's organisation."""
        file_menu.addSeparator()
        self.action_import_figures = QAction(_("Import &figures…"), self)
        self.action_import_figures.setObjectName("action_import_figures")
        self.action_import_figures.setStatusTip(_("Environmental figures from a spreadsheet (CSV, XLSX): year, "
                                                  "figure, value, unit"))
        self.action_export_figures = QAction(_("Export figures…"), self)
        self.action_export_figures.setObjectName("action_export_figures")
        self.action_import_measures = QAction(_("Import &measures…"), self)
        self.action_import_measures.setObjectName("action_import_measures")
        self.action_import_measures.setStatusTip(_("Measures of the environmental programme from a spreadsheet "
                                                   "(CSV, XLSX), into the open audit"))
        self.action_export_measures = QAction(_("Export measures…"), self)
        self.action_export_measures.setObjectName("action_export_measures")
        for action in (self.action_import_figures, self.action_export_figures, self.action_import_measures,
                       self.action_export_measures):
            file_menu.addAction(action)
        self.action_import_figures.triggered.connect(lambda _checked=False: self.import_figures())
        self.action_export_figures.triggered.connect(lambda _checked=False: self.export_figures())
        self.action_import_measures.triggered.connect(lambda _checked=False: self.import_measures())
        self.action_export_measures.triggered.connect(lambda _checked=False: self.export_measures())
        self.workspace.detail_shown.connect(self._on_figures_detail_shown)
        self._on_figures_detail_shown(self.workspace.detail)

    def _on_figures_detail_shown(self, detail: Any) -> None:
        for action in (self.action_import_figures, self.action_export_figures, self.action_export_measures):
            action.setEnabled(detail is not None)
        self.action_import_measures.setEnabled(detail is not None and not detail.audit.read_only)

    def _spreadsheet_failed(self, exc: BaseException) -> None:
        """Every problem of a refused import (row and column), as for catalogues."""
        problems = list(getattr(exc, "problems", ()))
        lines = [prompts.error_text(exc)]
        lines += ["• " + i18n.describe(p) for p in problems[:25]]
        if len(problems) > 25:
            lines.append(_("… and {n} more").format(n=len(problems) - 25))
        self.statusBar().clearMessage()
        prompts.error(self, "\n".join(lines))

    def _open_detail(self) -> Any:
        """The open audit's detail, or None after telling the user to open one."""
        detail = self.workspace.detail
        if detail is None:
            self.statusBar().showMessage(_("Open an audit first."), 6000)
        return detail

    def _spreadsheet_source(self, caption: str, path: str | None) -> str | None:
        """The spreadsheet to import (``path``, else the user's choice), announced in the status bar."""
        if path is None:
            path = prompts.open_file(self, caption, _("Spreadsheets (*.csv *.xlsx *.tsv *.txt);;All files (*)"))
            if path is None:
                return None
        self.statusBar().showMessage(_("Importing {file} …").format(file=Path(path).name))
        return path

    def _spreadsheet_path(self, caption: str, name: str) -> str | None:
        """Where to export: the user's choice, with .xlsx added when no known suffix is given."""
        path = prompts.save_file(self, caption, _("Excel workbook (*.xlsx);;CSV file (*.csv)"), name)
        if path is None:
            return None
        if Path(path).suffix.lower() not in (".xlsx", ".csv", ".tsv", ".txt"):
            path += ".xlsx"
        return path

    def import_figures(self, path: str | None = None) -> bool:
        """Import figures into the open audit's organisation, on the task runner; nothing is
        imported when a cell is wrong (every problem is listed with its row and column)."""
        detail = self._open_detail()
        if detail is None or (path := self._spreadsheet_source(_("Import figures"), path)) is None:
            return False
        indicators, organisation_id, audit_id = self.services.indicators, detail.audit.organisation_id, detail.audit.id

        def done(result: Any) -> None:
            emit(self.notifier.changed, Changes(indicators=True, audit_id=audit_id))
            text = _("Figures imported from {file}: {created} new, {updated} changed, {unchanged} unchanged.").format(
                file=Path(path).name, created=result.created, updated=result.updated, unchanged=result.unchanged)
            self.statusBar().showMessage(text, 10000)
            warnings = list(result.warnings)
            if warnings:
                from oekoaudit.ui.models.indicators_model import warning_text

                text += "\n\n" + _("Please check:") + "\n" + "\n".join("• " + warning_text(w) for w in warnings[:10])
            prompts.information(self, text)

        self.tasks.submit(lambda: indicators.import_file(path, organisation_id), done, self._spreadsheet_failed)
        return True

    def export_figures(self, path: str | None = None) -> bool:
        detail = self._open_detail()
        if detail is None:
            return False
        path = path or self._spreadsheet_path(_("Export figures"), _("Figures {name}.xlsx").format(
            name=detail.audit.organisation_name))
        if path is None:
            return False
        indicators, organisation_id = self.services.indicators, detail.audit.organisation_id

        def done(count: Any) -> None:
            self.statusBar().showMessage(ngettext("{n} figure exported to {file}.", "{n} figures exported to {file}.",
                                                  count).format(n=count, file=path), 10000)

        self.tasks.submit(lambda: indicators.export_file(organisation_id, path), done, self._spreadsheet_failed)
        return True

    def import_measures(self, path: str | None = None) -> bool:
        """Import measures into the open audit's programme, on the task runner (all or nothing)."""
        detail = self._open_detail()
        if detail is None:
            return False
        if detail.audit.read_only:
            self.statusBar().showMessage(_("The audit is closed: new measures go into the organisation's current "
                                           "audit."), 6000)
            return False
        if (path := self._spreadsheet_source(_("Import measures"), path)) is None:
            return False
        measures, organisation_id, audit_id = self.services.measures, detail.audit.organisation_id, detail.audit.id

        def done(result: Any) -> None:
            emit(self.notifier.changed, Changes(measures=True, audit_id=audit_id))
            text = _("Measures imported from {file}: {created} new, {updated} changed, {unchanged} unchanged.").format(
                file=Path(path).name, created=result.created, updated=result.updated, unchanged=result.unchanged)
            self.statusBar().showMessage(text, 10000)
            prompts.information(self, text)

        self.tasks.submit(lambda: measures.import_file(path, organisation_id, audit_id), done,
                          self._spreadsheet_failed)
        return True

    def export_measures(self, path: str | None = None) -> bool:
        """Export the programme the tab shows (this audit's, or the whole organisation's)."""
        detail = self._open_detail()
        if detail is None:
            return False
        path = path or self._spreadsheet_path(_("Export measures"), _("Measures {name}.xlsx").format(
            name=detail.audit.organisation_name))
        if path is None:
            return False
        whole = self.workspace.programme.scope == SCOPE_ORGANISATION
        measures, ref = self.services.measures, detail.audit.organisation_id if whole else detail.audit.id

        def done(count: Any) -> None:
            self.statusBar().showMessage(ngettext("{n} measure exported to {file}.", "{n} measures exported to "
                                                  "{file}.", count).format(n=count, file=path), 10000)

        self.tasks.submit(lambda: measures.export_file(ref, path), done, self._spreadsheet_failed)
        return True

    def _on_action_new_finding_triggered(self) -> None:
        if self.workspace.audit_id is None:
            self.statusBar().showMessage(_("Open an audit first."), 6000)
            return
        self.workspace.findings.new_finding()

    def _build_lifecycle_actions(self, menu_bar: Any) -> None:
        """The audit plan and the audit's life (start, review, sign, reopen) in the Audit menu."""
        if getattr(self, "audit_menu", None) is None:
            self.audit_menu = menu_bar.addMenu(_("&Audit"))
        self.action_show_plan = QAction(_("Audit &plan"), self)
        self.action_show_plan.setShortcut(QKeySequence("Ctrl+3"))
        self.action_show_plan.triggered.connect(lambda: self.workspace.show_view("plan"))
        self.audit_menu.addAction(self.action_show_plan)
        self.audit_menu.addSeparator()
        self.lifecycle_actions: dict[str, QAction] = {}
        for name in ("start", "submit", "sign", "reopen", "back_to_progress", "back_to_planned"):
            lifecycle_action = ACTIONS[name]
            if name == "back_to_progress":
                self.audit_menu.addSeparator()
            action = QAction(_(lifecycle_action.label), self)
            action.setStatusTip(_(lifecycle_action.tip))
            action.triggered.connect(lambda _checked=False, n=name: self.workspace.lifecycle.trigger(n))
            self.audit_menu.addAction(action)
            self.lifecycle_actions[name] = action
        self.workspace.detail_shown.connect(self._on_workspace_detail_shown)
        self._on_workspace_detail_shown(None)

    def _on_workspace_detail_shown(self, detail: Any) -> None:
        """Enable the lifecycle moves the open audit's status allows."""
        allowed = allowed_actions(detail.audit.status if detail is not None else None)
        self.action_show_plan.setEnabled(detail is not None)
        for action in self.tab_actions:
            action.setEnabled(detail is not None)
        if hasattr(self, "action_add_legal_register"):
            self.action_add_legal_register.setEnabled(detail is not None and not detail.audit.read_only)
            self.action_show_gap.setEnabled(detail is not None)
            self.action_show_compare.setEnabled(detail is not None)
        for name, action in self.lifecycle_actions.items():
            action.setEnabled(name in allowed)

    def _connect_signals(self) -> None:
        self.action_new_organisation.triggered.connect(self.new_organisation)
        self.action_new_audit.triggered.connect(self.new_audit)
        self.action_quit.triggered.connect(self.close)
        self.action_show_overview.triggered.connect(self._on_action_show_overview_triggered)
        self.action_show_checklist.triggered.connect(self._on_action_show_checklist_triggered)
        self.language_group.triggered.connect(self._on_language_group_triggered)
        self.action_shortcuts.triggered.connect(self.show_shortcuts)
        self.action_about.triggered.connect(self.show_about)

        self.navigator.audit_selected.connect(self._on_navigator_audit_selected)
        self.navigator.audit_activated.connect(self._on_navigator_audit_activated)
        self.navigator.new_organisation_requested.connect(self.new_organisation)
        self.workspace.welcome.new_organisation_requested.connect(self.new_organisation)
        self.workspace.welcome.new_audit_requested.connect(self.new_audit)
        self.workspace.welcome.recent_audit_requested.connect(self._on_recent_open_requested)
        self.workspace.message.connect(self._on_workspace_message)
        self.workspace.write_failed.connect(self._on_workspace_write_failed)
        self.workspace.note_dirty_changed.connect(self._on_workspace_note_dirty_changed)
        self.workspace.audit_changed.connect(self._on_workspace_audit_changed)
        self.undo.saved.connect(self._on_checklist_saved)
        self.action_settings.triggered.connect(self.open_settings)
        self.recent.open_requested.connect(self._on_recent_open_requested)
        self.worker.pending_changed.connect(self._on_worker_pending_changed)
        self.undo.failed.connect(self._on_workspace_write_failed)
        self.notifier.changed.connect(self._on_notifier_changed)
        self.splitter.splitterMoved.connect(self._on_splitter_splitter_moved)

    # ---- navigation ---------------------------------------------------------------------

    def reload_navigator(self) -> None:
        try:
            organisations = self.services.organisations.list()
            sites = self.services.organisations.sites()
            audits = self.services.audits.list()
        except OekoauditError as exc:
            self.statusBar().showMessage(describe(exc))
            return
        self.navigator.set_rows(organisations, sites, audits)
        self.workspace.welcome.set_state(has_organisations=bool(organisations), has_audits=bool(audits))
        self.recent.set_known(s.audit for s in audits)
        self.workspace.welcome.set_recent(self.recent.audits())

    def open_audit(self, audit_id: str, view: str | None = None) -> bool:
        """Select an audit (full id) and show it; ``view`` is "overview" or "checklist"."""
        if not self.navigator.select_audit(audit_id) or self.workspace.audit_id != audit_id:
            self._show_audit(audit_id)
        if self.workspace.audit_id != audit_id:
            return False
        if view is not None:
            self.workspace.show_view(view)
        return True

    def open_audit_at_start(self, audit_id: str, view: str | None = None) -> bool:
        """Open an audit from outside its tabs (command line, navigator, recent audits): a
        self-assessment on its Self-assessment tab, any other audit on ``view`` (None: the tab shown)."""
        if not self.open_audit(audit_id):
            return False
        start = self.workspace.start_view(view)
        if start is not None:
            self.workspace.show_view(start)
        return True

    def _show_audit(self, audit_id: str | None) -> None:
        try:
            self.workspace.show_audit(audit_id)
        except OekoauditError as exc:
            self.statusBar().showMessage(describe(exc))
            prompts.error(self, describe(exc))

    def _on_navigator_audit_selected(self, audit_id: object) -> None:
        self._show_audit(audit_id if isinstance(audit_id, str) else None)

    def _on_navigator_audit_activated(self, audit_id: str) -> None:
        if self.workspace.audit_id == audit_id:
            self.workspace.show_view(self.workspace.start_view("checklist") or "checklist")

    def _on_workspace_audit_changed(self, audit_id: object) -> None:
        self.undo.activate(audit_id if isinstance(audit_id, str) else None)
        if isinstance(audit_id, str):
            self.recent.add(audit_id)
        else:
            self.workspace.welcome.set_recent(self.recent.audits())  # the welcome page is shown
        detail = self.workspace.detail
        if self.review is not None:
            self.setWindowTitle(_("Review – {file}").format(file=self.review.path.name))
        elif detail is not None:
            self.setWindowTitle(_("{audit} – oekoaudit").format(audit=audit_title(detail.audit)))
        else:
            self.setWindowTitle("oekoaudit")

    def _on_action_show_overview_triggered(self) -> None:
        self.workspace.show_view("overview")

    def _on_action_show_analysis_triggered(self) -> None:
        """The analysis tab on the page it showed last."""
        workspace = self.workspace
        workspace.show_view(next(n for n in ("actions", "gap", "compare")
                                 if workspace.view(n) is workspace.analysis.current()))

    def _on_action_show_checklist_triggered(self) -> None:
        self.workspace.show_view("checklist")

    # ---- creating -----------------------------------------------------------------------

    def new_organisation(self) -> NewOrganisationDialog | None:
        if self.review is not None:
            return None
        dialog = NewOrganisationDialog(self.services, self.worker, self)
        dialog.accepted.connect(lambda: self._on_organisation_created(dialog.result_value))
        dialog.finished.connect(lambda _result: self._forget_dialog(dialog))
        self._dialog = dialog
        dialog.open()
        return dialog

    def _on_organisation_created(self, organisation: Any) -> None:
        emit(self.notifier.changed, Changes(organisations=True))
        if organisation is not None:
            self.statusBar().showMessage(_("Organisation {name} created.").format(name=organisation.name), 6000)
            index = self.navigator.model.index_of_organisation(organisation.id)
            if index.isValid():
                self.navigator.tree.setCurrentIndex(index)

    def new_audit(self) -> NewAuditDialog | NewOrganisationDialog | None:
        if self.review is not None:
            return None
        if not self.services.organisations.list():
            prompts.information(self, _("Create the organisation first; then the audit."))
            return self.new_organisation()
        try:
            lead = load_settings(self.services.data_dir).auditor_name
        except OSError:
            lead = ""
        dialog = NewAuditDialog(self.services, self.worker, self.navigator.selected_organisation_id(),
                                self.navigator.selected_site_id(), lead_auditor=lead, parent=self)
        dialog.accepted.connect(lambda: self._on_audit_created(dialog.result_value))
        dialog.finished.connect(lambda _result: self._forget_dialog(dialog))
        self._dialog = dialog
        dialog.open()
        return dialog

    def _on_audit_created(self, audit: Any) -> None:
        if audit is None:
            return
        emit(self.notifier.changed, Changes(audits=True, audit_id=audit.id))
        if audit.kind is AuditKind.SELF_ASSESSMENT and self.open_audit(audit.id, "self_assessment") \
                and self.workspace.current_view() == "self_assessment":
            self.statusBar().showMessage(_("Self-assessment created: one question at a time."), 8000)
            return
        self.open_audit(audit.id, "checklist")
        self.statusBar().showMessage(_("Audit created. Answer with the number keys."), 8000)

    def _forget_dialog(self, dialog: Any) -> None:
        if self._dialog is dialog:
            self._dialog = None
        dialog.deleteLater()

    @property
    def active_dialog(self) -> Any:
        return self._dialog

    # ---- changes and saving -------------------------------------------------------------

    def _on_notifier_changed(self, changes: Any) -> None:
        if isinstance(changes, Changes) and (changes.organisations or changes.audits or changes.answers):
            self.reload_navigator()

    def _on_checklist_saved(self, _changes: Any) -> None:
        self._write_failed = False
        self._update_save_state()

    def _on_worker_pending_changed(self, pending: int) -> None:
        if pending < self._last_pending and not self._write_failed:
            self._last_saved = datetime.now()
        self._last_pending = pending
        self._update_save_state()

    def _on_workspace_note_dirty_changed(self, _dirty: bool) -> None:
        self._update_save_state()

    def _update_save_state(self) -> None:
        if self.review is not None:
            self.save_state_label.setText(_("Review – nothing is saved"))
            self.save_state_label.setToolTip(str(self.review.path))
            self.save_state_label.setStyleSheet(f"color: {style.CARRIED_TEXT}; font-weight: bold;")
            return
        if self._write_failed:
            text, colour = _("Not saved"), style.ERROR_TEXT
        elif self.worker.pending or self.workspace.checklist.has_unsaved_note():
            text, colour = _("Saving …"), style.MUTED_TEXT
        else:
            text, colour = _("All changes saved"), style.RATING_TEXT_COLOURS[Rating.CONFORM]
            if self._last_saved is not None:
                text = f"{text} · {self._last_saved:%H:%M}"
        self.save_state_label.setToolTip(_("Last saved at {time}").format(
            time=self._last_saved.strftime("%H:%M:%S")) if self._last_saved else "")
        self.save_state_label.setText(text)
        self.save_state_label.setStyleSheet(f"color: {colour};")

    def _on_workspace_message(self, message: str) -> None:
        self.statusBar().showMessage(message, 6000)

    def _on_workspace_write_failed(self, exc: Any) -> None:
        if self.review is not None and isinstance(exc, ReadOnlyError):
            # a review's store is sealed: the change is refused, the views show what it holds
            self.statusBar().showMessage(_("Review – nothing is saved. Import the package to work on it."), 10000)
            try:
                self.workspace.reload()
            except OekoauditError:
                pass
            return
        if not isinstance(exc, OekoauditError):
            traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
        message = error_text(exc)
        self._write_failed = True
        self._update_save_state()
        self.statusBar().showMessage(_("Not saved: {message}").format(message=message))
        # show what the store really holds, so nothing unsaved looks saved
        try:
            self.workspace.reload()
        except OekoauditError:
            pass
        self.reload_navigator()
        prompts.error(self, _("The change could not be saved.\n\n{message}").format(message=message))

    def flush(self) -> bool:
        """Write the note being typed and wait for every pending write."""
        self.workspace.checklist.commit_note()
        self.workspace.self_assessment.commit_note()
        self.workspace.plan.commit()
        self.recent.save()
        return self.worker.flush()

    # ---- settings and help --------------------------------------------------------------

    def _on_language_group_triggered(self, action: QAction) -> None:
        code = action.data()
        try:
            update_settings(self.services.data_dir, language=code)
        except OSError as exc:
            prompts.error(self, _("The setting could not be saved: {message}").format(message=str(exc)))
            return
        if code != i18n.get_language():
            prompts.information(self, _("The language changes when oekoaudit is started again."))

    def open_settings(self) -> SettingsDialog:
        """File → Settings: the auditor's profile, the language, the data folder."""
        dialog = SettingsDialog(self.services, self.worker, self)
        dialog.accepted.connect(lambda: self._on_settings_saved(dialog.result_value))
        dialog.finished.connect(lambda _result: self._forget_dialog(dialog))
        self._dialog = dialog
        dialog.open()
        return dialog

    def _on_settings_saved(self, settings: Any) -> None:
        if settings is None:
            return
        code = i18n.known_language(settings.language) or i18n.get_language()
        action = self.language_actions.get(code)
        if action is not None:
            action.setChecked(True)
        self.statusBar().showMessage(_("Settings saved."), 6000)
        if code != i18n.get_language():
            prompts.information(self, _("The language changes when oekoaudit is started again."))

    def _on_recent_open_requested(self, audit_id: str) -> None:
        if not self.open_audit_at_start(audit_id):
            self.statusBar().showMessage(_("The audit no longer exists."), 6000)

    def show_shortcuts(self) -> None:
        detail = self.workspace.detail
        lang = i18n.get_language()
        lines = []
        if detail is not None:
            for option in detail.checklist.scale.options:
                lines.append((option.shortcut, option.label.get(lang)))
        else:
            lines.append(("1 … 6, 0", _("answer the current item")))
        lines += [
            ("↑ / ↓", _("previous / next row")),
            ("← / →", _("collapse / expand a section")),
            (_("N or Ctrl+↓"), _("next unanswered item")),
            ("F", _("record a finding on the item")),
            (_("Enter"), _("write a note on the item")),
            (_("Ctrl+Enter or Esc"), _("back from the note to the checklist")),
            ("Ctrl+1 / Ctrl+2", _("overview / checklist")),
            ("Ctrl+F", _("search and filter the checklist (Esc clears the search)")),
            ("Ctrl+Z / Ctrl+Shift+Z", _("undo / redo an answer or note")),
            ("Ctrl+3", _("audit plan")),
            ("Ctrl+4 / Ctrl+5", _("photos and evidence / findings")),
            ("Ctrl+6 / Ctrl+7", _("environmental programme / figures")),
            ("Ctrl+8 / Ctrl+9", _("analysis (open actions, gap analysis, comparison) / report")),
        ]
        rows = "".join(f"<tr><td><b>{escape(k)}</b>&nbsp;&nbsp;</td><td>{escape(v)}</td></tr>" for k, v in lines)
        intro = escape(_("In the checklist, the answer keys apply while the list or an answer button has the "
                         "focus (not while you type a note). After an answer the next item is selected."))
        prompts.about(self, _("Keyboard shortcuts"), f"<p>{intro}</p><table>{rows}</table>")

    def show_about(self) -> None:
        info = self.services.info()
        text = (
            f"<h3>oekoaudit {escape(__version__)}</h3>"
            "<p>" + escape(_("Environmental audits (EMAS, ISO 14001, ÖKOPROFIT, QuB) offline on your computer."))
            + "</p><p>" + escape(_("Data folder: {path}").format(path=info.data_dir)) + "<br>"
            + escape(_("Database: {path}").format(path=info.database)) + "<br>"
            + escape(_("Backups: {count} in {path}").format(count=info.backup_count, path=info.backups_dir))
            + "</p>"
        )
        prompts.about(self, _("About oekoaudit"), text)

    # ---- a package opened for review -------------------------------------------------------

    def writing_actions(self) -> list[QAction]:
        """The actions that change data (or the settings): all off in a review window."""
        return [self.action_new_organisation, self.action_new_audit, self.action_import_catalogue,
                self.action_import_figures, self.action_import_measures, self.action_settings,
                self.action_add_legal_register, self.action_new_finding, self.action_add_evidence,
                self.action_add_evidence_folder, self.action_take_photo, self.action_paste_evidence,
                self.action_import_package, self.action_export_package, self.action_conflicts,
                *self.lifecycle_actions.values(), *self.language_actions.values()]

    def _start_review(self) -> None:
        review = self.review
        self.setWindowTitle(_("Review – {file}").format(file=review.path.name))
        # connected last: runs after every handler that enables actions for the audit shown
        self.workspace.detail_shown.connect(self._lock_for_review)
        self.evidence_menu.aboutToShow.connect(self._lock_for_review)
        self._lock_for_review()
        banner = self.verification_banner
        banner.check_key_requested.connect(lambda: self.packages.check_key(banner, review.path))
        for audit_id in review.audit_ids:
            if self.open_audit_at_start(audit_id, "overview"):
                break

    def _lock_for_review(self, *_args: object) -> None:
        for action in self.writing_actions():
            action.setEnabled(False)
        for button in self.workspace.banner.buttons.values():  # start, submit, sign, reopen …
            button.setVisible(False)

    def close_review(self) -> None:
        """Close the review's store and remove its temporary folder (once)."""
        if self.review is None or self._review_closed:
            return
        self._review_closed = True
        self.worker.shutdown()
        self.tasks.wait()
        # the views' own background work (thumbnails, a report being cancelled) reads the review's
        # folder: let it end, briefly, before the folder goes
        QThreadPool.globalInstance().waitForDone(QDeadlineTimer(3000))
        try:
            self.review.close()
        except OekoauditError as exc:
            self.statusBar().showMessage(describe(exc))

    # ---- window state -------------------------------------------------------------------

    def _restore_ui_state(self) -> None:
        settings = self._ui_settings
        if settings is None:
            return
        geometry = settings.value("main_window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        splitter = settings.value("main_window/splitter")
        if isinstance(splitter, QByteArray) and self.splitter.restoreState(splitter):
            self.splitter.setProperty("user_sized", True)
        checklist = settings.value("checklist/splitter")
        if isinstance(checklist, QByteArray) and self.workspace.checklist.splitter.restoreState(checklist):
            self.workspace.checklist.splitter.setProperty("user_sized", True)

    def _save_ui_state(self) -> None:
        settings = self._ui_settings
        if settings is None:
            return
        settings.setValue("main_window/geometry", self.saveGeometry())
        if self.splitter.property("user_sized"):
            settings.setValue("main_window/splitter", self.splitter.saveState())
        if self.workspace.checklist.splitter.property("user_sized"):
            settings.setValue("checklist/splitter", self.workspace.checklist.splitter.saveState())
        settings.sync()

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        if not self.splitter.property("user_sized"):
            total = max(self.splitter.width(), 1)
            left = min(320, max(210, total * 23 // 100))
            self.splitter.setSizes([left, total - left])

    def _on_splitter_splitter_moved(self, _pos: int, _index: int) -> None:
        self.splitter.setProperty("user_sized", True)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.flush()
        self.workspace.evidence_ui.importer.cancel_all()  # files being read are finished, the rest dropped
        self.workspace.report.cancel()  # a report being made is dropped (the last one made stays)
        self.tasks.wait()
        self._save_ui_state()
        super().closeEvent(event)
        if self.review is not None:
            self.close_review()
