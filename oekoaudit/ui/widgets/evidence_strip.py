"""A row of thumbnails of the evidence linked to one checklist item or finding, with "Add photo…"
and a drop target: files and pictures dropped onto the strip — or onto the widgets it watches
(the whole item detail, the finding dialog) — are imported and linked to that item or finding.

The strip does nothing until :meth:`EvidenceStrip.attach` gives it the window's
:class:`~oekoaudit.ui.evidence_ui.EvidenceUi`; it then follows the notifier's evidence changes.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QSize, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from oekoaudit.domain.changes import Changes
from oekoaudit.domain.evidence import Evidence, Target
from oekoaudit.i18n import _
from oekoaudit.ui import style
from oekoaudit.ui.evidence_import import DropCatcher
from oekoaudit.ui.models.evidence_model import EvidenceModel, ObjectRole, ThumbnailProvider
from oekoaudit.ui.widgets.evidence_grid import EvidenceDelegate, EvidenceGrid

STRIP_THUMB = QSize(72, 60)


class EvidenceStrip(QFrame):
    """Thumbnails of one target's evidence (double-click: the viewer), "Add photo…", a drop target."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("evidence_strip")
        self.ui: Any = None
        self.target: Target | None = None
        self._read_only = False
        self.model: EvidenceModel | None = None
        self.drops = DropCatcher(self._on_dropped, self._can_drop, self)
        self._build()
        self._set_hover(False)
        self.setVisible(False)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 5, 8, 6)
        layout.setSpacing(4)
        top = QHBoxLayout()
        top.setSpacing(6)
        self.heading = QLabel(self)
        self.heading.setObjectName("strip_heading")
        self.heading.setStyleSheet(f"color: {style.ACCENT}; font-weight: bold;")
        self.hint = QLabel(self)
        self.hint.setObjectName("strip_hint")
        self.hint.setStyleSheet(f"color: {style.MUTED_TEXT};")
        self.add_button = QToolButton(self)
        self.add_button.setObjectName("strip_add_button")
        self.add_button.setText(_("Add photo …"))
        self.add_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.add_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.menu = QMenu(self)
        self.action_files = QAction(_("Photos/files …"), self)
        self.action_folder = QAction(_("Folder …"), self)
        self.action_paste = QAction(_("Paste from the clipboard"), self)
        self.action_camera = QAction(_("Take photo …"), self)
        for action in (self.action_files, self.action_folder, self.action_paste, self.action_camera):
            self.menu.addAction(action)
        self.add_button.setMenu(self.menu)
        top.addWidget(self.heading)
        top.addWidget(self.hint, 1)
        top.addWidget(self.add_button)
        layout.addLayout(top)
        self.grid = EvidenceGrid(self, EvidenceDelegate(None, STRIP_THUMB, compact=True), reorder=False)
        self.grid.setObjectName("strip_grid")
        self.grid.setFlow(QListView.Flow.LeftToRight)
        self.grid.setWrapping(False)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.grid.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.grid.setFrameShape(QFrame.Shape.NoFrame)
        self.grid.setStyleSheet("QListView#strip_grid { background: transparent; }")
        self.grid.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        height = STRIP_THUMB.height() + 14 + self.grid.horizontalScrollBar().sizeHint().height()
        self.grid.setFixedHeight(height)
        layout.addWidget(self.grid)
        self.add_button.clicked.connect(self.add_files)
        self.action_files.triggered.connect(self.add_files)
        self.action_folder.triggered.connect(self.add_folder)
        self.action_paste.triggered.connect(self.paste)
        self.action_camera.triggered.connect(self.take_photo)
        self.grid.doubleClicked.connect(self._on_grid_open)
        self.grid.open_requested.connect(self._on_grid_open)
        self.grid.files_dropped.connect(lambda mime: self.drops.drop(mime))
        self.drops.hovering.connect(self._set_hover)
        self.menu.aboutToShow.connect(self._on_menu_about_to_show)

    # ---- wiring -------------------------------------------------------------------------

    def attach(self, ui: Any) -> None:
        """Start working with the window's evidence (thumbnails, importer, edits)."""
        self.ui = ui
        thumbnails: ThumbnailProvider = ui.thumbnails
        self.model = EvidenceModel(thumbnails, self)
        self.grid.setModel(self.model)
        ui.notifier.changed.connect(self._on_notifier_changed)
        self.refresh()

    def watch_drops(self, *widgets: QWidget) -> None:
        """Files dropped onto these widgets are linked to the strip's target, too."""
        self.drops.watch(*widgets)

    def set_target(self, target: Target | None) -> None:
        """Show the evidence of ``target`` (None: nothing; the strip hides)."""
        self.target = target
        self.refresh()

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self._update_state()

    @property
    def rows(self) -> list[Evidence]:
        return self.model.rows if self.model is not None else []

    def refresh(self) -> None:
        ui = self.ui
        if ui is None or self.target is None or ui.audit_id is None or self.model is None:
            if self.model is not None:
                self.model.set_rows([])
            self.setVisible(False)
            return
        self.model.set_rows(ui.list(self.target))
        self.setVisible(True)
        self._update_state()

    def _update_state(self) -> None:
        count = len(self.rows)
        self.heading.setText(_("Photos & evidence") + (f" ({count})" if count else ""))
        writable = self._writable()
        self.add_button.setEnabled(writable)
        self.grid.accept_files = writable
        self.grid.setVisible(bool(count))
        if count:
            self.hint.setText("")
        elif writable:
            self.hint.setText(_("none yet – drop photos or files here"))
        else:
            self.hint.setText(_("none"))
        self.setToolTip(_("Drop photos or files here to link them; double-click a photo to view it large")
                        if writable else "")

    def _writable(self) -> bool:
        return self.ui is not None and self.target is not None and not self._read_only and not self.ui.read_only

    def _set_hover(self, hovering: bool) -> None:
        border = style.ACCENT if hovering else "#e0e3e6"
        background = "#e8f2ec" if hovering else "#f7f8f9"
        width = 2 if hovering else 1
        self.setStyleSheet(f"QFrame#evidence_strip {{ background: {background}; border: {width}px solid {border};"
                           " border-radius: 5px; }")

    def _on_notifier_changed(self, changes: Any) -> None:
        if isinstance(changes, Changes) and not (changes.evidence or changes.findings or changes.audits):
            return
        if self.isVisible() or self.target is not None:
            self.refresh()

    def _on_menu_about_to_show(self) -> None:
        from oekoaudit.ui.dialogs import camera

        available, reason = camera.availability()
        self.action_camera.setEnabled(available and self._writable())
        self.action_camera.setToolTip(reason)
        self.menu.setToolTipsVisible(True)

    # ---- adding -------------------------------------------------------------------------

    def _can_drop(self) -> bool:
        return self._writable()

    def _on_dropped(self, mime: Any, _spot: Any) -> None:
        if self.ui is not None and self.target is not None:
            self.ui.import_mime(mime, self.target, self.window())

    def drop(self, mime: Any) -> bool:
        """Files or a picture dropped onto the strip or a watched widget (what a real drop does)."""
        return self.drops.drop(mime)

    def add_files(self) -> bool:
        return self._writable() and self.ui.add_files(self.window(), self.target)

    def add_folder(self) -> bool:
        return self._writable() and self.ui.add_folder(self.window(), self.target)

    def paste(self) -> bool:
        return self._writable() and self.ui.paste(self.window(), self.target)

    def take_photo(self) -> Any:
        return self.ui.take_photo(self.window(), self.target) if self._writable() else None

    def _on_grid_open(self, index: QModelIndex) -> None:
        evidence = index.data(ObjectRole)
        if isinstance(evidence, Evidence) and self.ui is not None:
            self.ui.open_viewer(self.rows, evidence, self.window())
