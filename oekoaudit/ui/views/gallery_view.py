"""Photos & evidence of the open audit: a grid of thumbnails, a filter, and the details of the
photo chosen (caption, when and with what it was taken, its position, where it was imported
from, what it is linked to).

The grid opens at once with placeholders and fills in as the thumbnails arrive from the cache
(:class:`~oekoaudit.ui.models.evidence_model.ThumbnailProvider`). Every change — caption, links,
order, hiding the position, deleting, annotations — is one step of the audit's undo history.
Files and folders dropped onto the grid, pasted (Ctrl+V) or chosen with "Add photos/files…" are
imported in the background; while the filter shows one checklist item, they are linked to it.
"""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QFocusEvent, QKeySequence, QPainter, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from oekoaudit import i18n
from oekoaudit.domain.audit import AuditDetail
from oekoaudit.domain.changes import Changes
from oekoaudit.domain.evidence import MAX_CAPTION, Evidence, EvidenceKind, GeoPoint, Target, TargetKind
from oekoaudit.errors import OekoauditError
from oekoaudit.i18n import _, ngettext
from oekoaudit.ui import prompts, style
from oekoaudit.ui.evidence_ui import EvidenceUi
from oekoaudit.ui.models.evidence_model import (
    EvidenceFilter,
    EvidenceFilterProxy,
    EvidenceModel,
    ObjectRole,
    Show,
    link_text,
    origin_text,
    source_text,
)
from oekoaudit.ui.qtcompat import emit
from oekoaudit.ui.views.shown import ReadsWhenShown
from oekoaudit.ui.widgets.evidence_grid import EvidenceGrid, format_when
from oekoaudit.ui.widgets.evidence_paint import (
    ElidedLabel,
    badge_style,
    fit_rect,
    paint_placeholder,
    paint_shapes,
)
from oekoaudit.ui.widgets.tables import empty_label
from oekoaudit.ui.widgets.view_header import view_frame

CAPTION_IDLE_MS = 800
DETAILS_WIDTH = 340


def format_size(size: int) -> str:
    """A file size in the user's language: "2,4 MB", "380 kB"."""
    if size < 1000:
        text = _("{n} bytes").format(n=size)
    elif size < 1000 * 1000:
        text = _("{n} kB").format(n=f"{size / 1000:.0f}")
    else:
        text = _("{n} MB").format(n=f"{size / 1000 / 1000:.1f}")
    return text.replace(".", ",") if i18n.get_language() == "de" else text


def format_position(point: GeoPoint) -> str:
    """Latitude, longitude as maps take them ("51.31181, 9.49756"), and the altitude if known."""
    text = f"{point.latitude:.5f}, {point.longitude:.5f}"
    if point.altitude is not None:
        text += " · " + _("{metres} m above sea level").format(metres=f"{point.altitude:.0f}")
    return text


class Picture(QWidget):
    """A picture (the thumbnail) with its annotations drawn over it; a double-click opens the viewer."""

    activated = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pixmap: QPixmap | None = None
        self._evidence: Evidence | None = None
        self.setMinimumHeight(190)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def set_picture(self, evidence: Evidence | None, pixmap: QPixmap | None) -> None:
        self._evidence = evidence
        self._pixmap = pixmap
        self.setToolTip(_("Double-click: view large") if evidence is not None else "")
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(DETAILS_WIDTH - 30, 190)

    def paintEvent(self, _event: Any) -> None:  # noqa: N802
        if self._evidence is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        area = QRectF(self.rect())
        pixmap = self._pixmap
        if pixmap is None or pixmap.isNull():
            paint_placeholder(painter, area)
            return
        if self._evidence.is_photo:
            painter.fillRect(area, QColor("#f1f3f4"))
            target = fit_rect(pixmap.deviceIndependentSize().toSize(), area)
        else:
            size = pixmap.deviceIndependentSize().toSize()
            target = fit_rect(size, area) if size.width() > area.width() or size.height() > area.height() else \
                QRectF(area.center().x() - size.width() / 2, area.center().y() - size.height() / 2,
                       size.width(), size.height())
        painter.drawPixmap(target, pixmap, QRectF(pixmap.rect()))
        paint_shapes(painter, target, self._evidence.annotations, pixmap)
        painter.end()

    def mouseDoubleClickEvent(self, event: Any) -> None:  # noqa: N802
        if self._evidence is not None:
            emit(self.activated)
        event.accept()


class CaptionEdit(QPlainTextEdit):
    """The caption: saved after a pause in typing, when focus leaves, and on Ctrl+Enter."""

    commit = Signal()

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        super().focusOutEvent(event)
        emit(self.commit)

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            emit(self.commit)  # a caption is one line: Enter saves it
            event.accept()
            return
        super().keyPressEvent(event)


def _section(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setStyleSheet(f"color: {style.ACCENT}; font-weight: bold;")
    return label


def _value(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class EvidenceDetails(QScrollArea):
    """The details pane: the picture, its caption, its metadata and links, and what can be done."""

    caption_committed = Signal(str)
    hide_location_toggled = Signal(bool)
    unlink_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("evidence_details")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.evidence: Evidence | None = None
        self._read_only = False
        self._caption_timer = QTimer(self)
        self._caption_timer.setSingleShot(True)
        self._caption_timer.setInterval(CAPTION_IDLE_MS)
        self._build()
        self._caption_timer.timeout.connect(self.commit_caption)
        self.caption_edit.commit.connect(self.commit_caption)
        self.caption_edit.textChanged.connect(self._on_caption_edit_text_changed)
        self.hide_check.toggled.connect(self._on_hide_check_toggled)
        self.show_evidence(None)

    def _build(self) -> None:
        body = QWidget(self)
        body.setObjectName("evidence_details_body")
        layout = QVBoxLayout(body)
        layout.setContentsMargins(14, 10, 14, 12)
        layout.setSpacing(7)
        self.picture = Picture(body)
        self.name_label = QLabel(body)
        self.name_label.setObjectName("evidence_name")
        self.name_label.setWordWrap(True)
        self.name_label.setTextFormat(Qt.TextFormat.PlainText)
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.name_label.setStyleSheet("font-weight: bold;")
        badges = QHBoxLayout()
        badges.setSpacing(8)
        self.origin_badge = QLabel(body)
        self.origin_badge.setObjectName("origin_badge")
        badges.addWidget(self.origin_badge)
        badges.addStretch(1)
        self.source_label = QLabel(body)
        self.source_label.setWordWrap(True)
        self.source_label.setStyleSheet(f"color: {style.MUTED_TEXT};")

        self.caption_heading = _section(_("Caption"), body)
        self.caption_edit = CaptionEdit(body)
        self.caption_edit.setObjectName("caption_edit")
        self.caption_edit.setPlaceholderText(_("What does it show? Shown under the photo in the report."))
        self.caption_edit.setTabChangesFocus(True)
        lines = self.caption_edit.fontMetrics().lineSpacing()
        self.caption_edit.setFixedHeight(lines * 3 + 14)

        self.info_heading = _section(_("Details"), body)
        self.form = QFormLayout()
        self.form.setHorizontalSpacing(10)
        self.form.setVerticalSpacing(5)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.captured_value = _value(body)
        self.camera_value = _value(body)
        self.size_value = _value(body)
        self.pixels_value = _value(body)
        self.position_value = _value(body)
        self.hide_check = QCheckBox(_("Hide in reports"), body)
        self.hide_check.setObjectName("hide_location_check")
        self.hide_check.setToolTip(_("The position stays stored, but reports and exported copies leave it out."))
        self.position_value.setWordWrap(False)
        self.imported_value = _value(body)
        self.form.addRow(_("Captured:"), self.captured_value)
        self.form.addRow(_("Camera:"), self.camera_value)
        self.form.addRow(_("File size:"), self.size_value)
        self.form.addRow(_("Pixels:"), self.pixels_value)
        self.form.addRow(_("Position:"), self.position_value)
        self.form.addRow("", self.hide_check)
        self.form.addRow(_("Imported:"), self.imported_value)

        self.links_heading = _section(_("Linked to"), body)
        self.links_box = QVBoxLayout()
        self.links_box.setSpacing(3)
        self.link_button = QPushButton(_("Link with …"), body)
        self.link_button.setObjectName("link_button")
        self.link_button.setToolTip(_("Attach to a checklist item, a finding or a measure"))

        self.actions_heading = _section(_("Actions"), body)
        self.view_button = QPushButton(_("View"), body)
        self.view_button.setToolTip(_("View large, with zoom (Enter)"))
        self.annotate_button = QPushButton(_("Annotate …"), body)
        self.annotate_button.setObjectName("annotate_button")
        self.annotate_button.setToolTip(_("Arrows, boxes, text, numbered markers; black out or blur faces and names"))
        self.export_button = QPushButton(_("Save a copy …"), body)
        self.export_button.setObjectName("export_button")
        self.delete_button = QPushButton(_("Delete"), body)
        self.delete_button.setObjectName("delete_evidence_button")
        self.forward_button = QPushButton("\u25c0  " + _("Move forward"), body)
        self.forward_button.setToolTip(_("One place to the front of the gallery and the report (Ctrl+←)"))
        self.back_button = QPushButton(_("Move back") + "  \u25b6", body)
        self.back_button.setToolTip(_("One place to the back of the gallery and the report (Ctrl+→)"))
        grid_rows = [(self.view_button, self.annotate_button), (self.export_button, self.delete_button),
                     (self.forward_button, self.back_button)]

        layout.addWidget(self.picture)
        layout.addSpacing(2)
        layout.addWidget(self.name_label)
        layout.addLayout(badges)
        layout.addWidget(self.source_label)
        layout.addSpacing(4)
        layout.addWidget(self.caption_heading)
        layout.addWidget(self.caption_edit)
        layout.addSpacing(4)
        layout.addWidget(self.info_heading)
        layout.addLayout(self.form)
        layout.addSpacing(4)
        layout.addWidget(self.links_heading)
        layout.addLayout(self.links_box)
        link_row = QHBoxLayout()
        link_row.addWidget(self.link_button)
        link_row.addStretch(1)
        layout.addLayout(link_row)
        layout.addSpacing(4)
        layout.addWidget(self.actions_heading)
        for left, right in grid_rows:
            row = QHBoxLayout()
            row.setSpacing(6)
            row.addWidget(left, 1)
            row.addWidget(right, 1)
            layout.addLayout(row)
        layout.addStretch(1)
        self.nothing = QLabel(body)
        self.nothing.setObjectName("details_nothing")
        self.nothing.setWordWrap(True)
        self.nothing.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.nothing.setStyleSheet(f"color: {style.MUTED_TEXT}; padding: 30px 10px;")
        layout.insertWidget(0, self.nothing)
        self.setWidget(body)
        self.body = body
        self.link_rows: list[QWidget] = []

    # ---- content ------------------------------------------------------------------------

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self._apply_read_only()

    def _apply_read_only(self) -> None:
        read_only = self._read_only
        evidence = self.evidence
        self.caption_edit.setReadOnly(read_only)
        self.caption_edit.setPlaceholderText("" if read_only else
                                             _("What does it show? Shown under the photo in the report."))
        self.hide_check.setEnabled(not read_only)
        self.link_button.setEnabled(not read_only)
        self.annotate_button.setEnabled(not read_only and evidence is not None and evidence.is_photo)
        self.delete_button.setEnabled(not read_only)
        self.forward_button.setEnabled(not read_only)
        self.back_button.setEnabled(not read_only)
        for row in self.link_rows:
            for button in row.findChildren(QToolButton):
                button.setEnabled(not read_only)
        if read_only:
            self.annotate_button.setToolTip(_("The audit is closed: its evidence stays as signed."))
        elif evidence is not None and not evidence.is_photo:
            self.annotate_button.setToolTip(_("Only photos can be annotated."))
        else:
            self.annotate_button.setToolTip(_("Arrows, boxes, text, numbered markers; black out or blur faces "
                                              "and names"))

    def _set_parts_visible(self, visible: bool) -> None:
        for index in range(self.body.layout().count()):
            item = self.body.layout().itemAt(index)
            widget = item.widget()
            if widget is not None and widget is not self.nothing:
                widget.setVisible(visible)
            elif item.layout() is not None:
                _set_layout_visible(item.layout(), visible)
        self.nothing.setVisible(not visible)

    def show_evidence(self, evidence: Evidence | None, pixmap: QPixmap | None = None, count: int = 0) -> None:
        """Show one evidence (keeps a caption being typed for the same one); None: say what to do."""
        same = evidence is not None and self.evidence is not None and evidence.id == self.evidence.id
        if not same:
            self.commit_caption()
        self.evidence = evidence
        if evidence is None:
            self._set_parts_visible(False)
            self.nothing.setText(_("{n} selected.").format(n=count) if count > 1 else
                                 _("Choose a photo to see its details."))
            return
        self._set_parts_visible(True)
        self.picture.set_picture(evidence, pixmap)
        self.name_label.setText(evidence.original_name)
        self.origin_badge.setText(origin_text(evidence.origin))
        self.origin_badge.setStyleSheet(badge_style(evidence.origin))
        kind = _("Photo") if evidence.kind is EvidenceKind.PHOTO else _("Document")
        self.source_label.setText(f"{kind}, {source_text(evidence.source)}")
        if not same or not self.caption_edit.hasFocus():
            self._set_caption(evidence.caption)
        self.captured_value.setText(format_when(evidence.captured_at) or _("unknown"))
        self.camera_value.setText(evidence.camera or _("unknown"))
        self.size_value.setText(format_size(evidence.size))
        self.pixels_value.setText(_("{width} × {height} px").format(width=evidence.width, height=evidence.height)
                                  if evidence.width and evidence.height else "–")
        if evidence.location is not None:
            self.position_value.setText(format_position(evidence.location))
            self.form.setRowVisible(self.hide_check, True)
            blocked = self.hide_check.blockSignals(True)
            self.hide_check.setChecked(evidence.hide_location)
            self.hide_check.blockSignals(blocked)
        else:
            self.position_value.setText(_("none recorded"))
            self.form.setRowVisible(self.hide_check, False)
        who = evidence.imported_by
        when = format_when(evidence.imported_at)
        self.imported_value.setText(_("{when} by {who}").format(when=when, who=who) if who else when or "–")
        self.form.setRowVisible(self.camera_value, evidence.is_photo)
        self.form.setRowVisible(self.pixels_value, evidence.is_photo)
        self.export_button.setText(_("Save a copy …"))
        self.export_button.setToolTip(_("With the annotations burnt in, without metadata") if evidence.annotations
                                      else _("The original file"))
        self._show_links(evidence)
        self._apply_read_only()

    def set_pixmap(self, pixmap: QPixmap | None) -> None:
        if self.evidence is not None:
            self.picture.set_picture(self.evidence, pixmap)

    def _show_links(self, evidence: Evidence) -> None:
        for row in self.link_rows:
            self.links_box.removeWidget(row)
            row.hide()
            row.deleteLater()
        self.link_rows = []
        if not evidence.links:
            none = QLabel(_("Not linked yet: attach it to an item, a finding or a measure."), self.body)
            none.setWordWrap(True)
            none.setStyleSheet(f"color: {style.MUTED_TEXT};")
            self.links_box.addWidget(none)
            self.link_rows.append(none)
            return
        for link in evidence.links:
            row = QWidget(self.body)
            row.setObjectName("link_row")
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            line.setSpacing(4)
            label = QLabel(row)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)
            label.setText(link_text(link))
            label.setToolTip(link_text(link))
            unlink = QToolButton(row)
            unlink.setObjectName("unlink_button")
            unlink.setText("\u2715")
            unlink.setAutoRaise(True)
            unlink.setToolTip(_("Remove this link (the photo stays)"))
            unlink.clicked.connect(lambda _checked=False, t=link.target: emit(self.unlink_requested, t))
            line.addWidget(label, 1)
            line.addWidget(unlink, 0, Qt.AlignmentFlag.AlignTop)
            self.links_box.addWidget(row)
            self.link_rows.append(row)

    # ---- the caption --------------------------------------------------------------------

    def _set_caption(self, text: str) -> None:
        blocked = self.caption_edit.blockSignals(True)
        try:
            self.caption_edit.setPlainText(text)
        finally:
            self.caption_edit.blockSignals(blocked)

    def _on_caption_edit_text_changed(self) -> None:
        if len(self.caption_edit.toPlainText()) > MAX_CAPTION:
            cursor = self.caption_edit.textCursor()
            self._set_caption(self.caption_edit.toPlainText()[:MAX_CAPTION])
            self.caption_edit.setTextCursor(cursor)
        self._caption_timer.start()

    def commit_caption(self) -> None:
        """Save the caption being typed (if it differs from the stored one)."""
        self._caption_timer.stop()
        evidence = self.evidence
        if evidence is None or self._read_only:
            return
        text = " ".join(self.caption_edit.toPlainText().split())
        if text != evidence.caption:
            emit(self.caption_committed, text)

    def _on_hide_check_toggled(self, checked: bool) -> None:
        emit(self.hide_location_toggled, checked)


def _set_layout_visible(layout: Any, visible: bool) -> None:
    for index in range(layout.count()):
        item = layout.itemAt(index)
        if item.widget() is not None:
            item.widget().setVisible(visible)
        elif item.layout() is not None:
            _set_layout_visible(item.layout(), visible)


class GalleryView(ReadsWhenShown, QWidget):
    """The "Photos & evidence" tab."""

    #: a short message for the status bar
    message = Signal(str)

    def __init__(self, ui: EvidenceUi, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self._detail: AuditDetail | None = None
        self._stale = False
        self._filling = False
        #: select these (new) evidence after the next reload
        self._select_next: list[str] = []
        self.setObjectName("gallery_view")
        self.model = EvidenceModel(ui.thumbnails, self)
        self.proxy = EvidenceFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self._build()
        self._build_actions()
        self._connect_signals()
        self._update_state()

    # ---- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        frame = view_frame(self, _("Photos & evidence"))
        layout, top, self.heading, self.count_label = frame.layout, frame.top, frame.heading, frame.count_label
        self.count_label.setObjectName("gallery_count")
        self.add_button = QPushButton(_("Add photos/files …"), self)
        self.add_button.setObjectName("add_files_button")
        self.add_button.setToolTip(_("Photos (JPEG, PNG, TIFF, WebP, HEIC) and documents such as PDFs; "
                                     "you can also drop them here or paste with Ctrl+V"))
        self.add_button.setStyleSheet(style.primary_button_style())
        self.folder_button = QPushButton(_("Add folder …"), self)
        self.folder_button.setObjectName("add_folder_button")
        self.camera_button = QPushButton(_("Take photo …"), self)
        self.camera_button.setObjectName("camera_button")
        top.addWidget(self.add_button)
        top.addWidget(self.folder_button)
        top.addWidget(self.camera_button)

        filters = QHBoxLayout()
        filters.setSpacing(8)
        filter_label = QLabel(_("Show:"), self)
        self.filter_combo = QComboBox(self)
        self.filter_combo.setObjectName("gallery_filter")
        self.filter_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.filter_combo.setMinimumContentsLength(28)
        self.filter_combo.currentTextChanged.connect(self.filter_combo.setToolTip)
        filter_label.setBuddy(self.filter_combo)
        self.shown_label = QLabel(self)
        self.shown_label.setStyleSheet(f"color: {style.MUTED_TEXT};")
        self.hint_label = ElidedLabel(_("Drag to reorder · drop files to add them · Ctrl+V pastes a picture"), self)
        self.hint_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.hint_label.setStyleSheet(f"color: {style.MUTED_TEXT};")
        filters.addWidget(filter_label)
        filters.addWidget(self.filter_combo)
        filters.addWidget(self.shown_label)
        filters.addSpacing(12)
        filters.addWidget(self.hint_label, 1)
        layout.addLayout(filters)

        self.grid = EvidenceGrid(self)
        self.grid.setModel(self.proxy)
        self.grid.setFrameShape(QFrame.Shape.StyledPanel)
        self.grid.setStyleSheet("QListView#evidence_grid { background: #f7f8f9; border: 1px solid #dfe2e5;"
                                " border-radius: 4px; }")
        self.empty = empty_label(self)
        self.empty.setObjectName("gallery_empty")
        self.empty.setAcceptDrops(True)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.grid)
        self.stack.addWidget(self.empty)
        self.details = EvidenceDetails(self)
        self.details.setMinimumWidth(DETAILS_WIDTH - 40)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("gallery_splitter")
        self.splitter.addWidget(self.stack)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setChildrenCollapsible(False)
        layout.addWidget(self.splitter, 1)

        from oekoaudit.ui.evidence_import import DropCatcher

        # the empty page takes drops as the grid does
        self.drop_catcher = DropCatcher(lambda mime, _spot: self.drop(mime), lambda: not self.ui.read_only, self)
        self.drop_catcher.watch(self.empty)

    def _build_actions(self) -> None:
        def action(text: str, slot: Any, shortcut: Any = None, name: str = "") -> QAction:
            act = QAction(text, self)
            if shortcut is not None:
                act.setShortcut(QKeySequence(shortcut))
                act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            if name:
                act.setObjectName(name)
            act.triggered.connect(lambda _checked=False: slot())
            self.grid.addAction(act)
            return act

        self.action_open = action(_("View"), self.open_current, name="action_view_evidence")
        self.action_annotate = action(_("Annotate …"), self.annotate_current, name="action_annotate")
        self.action_link = action(_("Link with …"), self.link_current, name="action_link")
        self.action_export = action(_("Save a copy …"), lambda: self.export_current(True), name="action_export")
        self.action_export_original = action(_("Save the original …"), lambda: self.export_current(False),
                                             name="action_export_original")
        self.action_forward = action(_("Move forward"), lambda: self.move_current(-1), "Ctrl+Left",
                                     "action_move_forward")
        self.action_back = action(_("Move back"), lambda: self.move_current(1), "Ctrl+Right", "action_move_back")
        self.action_delete = action(_("Delete"), self.delete_current, name="action_delete_evidence")

    def _connect_signals(self) -> None:
        self.ui.notifier.changed.connect(self._on_notifier_changed)
        self.ui.importer.imported.connect(self._on_importer_imported)
        self.grid.selectionModel().selectionChanged.connect(self._on_grid_selection_changed)
        self.grid.selectionModel().currentChanged.connect(self._on_grid_selection_changed)
        self.grid.doubleClicked.connect(self._on_grid_open)
        self.grid.open_requested.connect(self._on_grid_open)
        self.grid.delete_requested.connect(self.delete_current)
        self.grid.files_dropped.connect(self._on_grid_files_dropped)
        self.grid.moved.connect(self._on_grid_moved)
        self.grid.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.grid.customContextMenuRequested.connect(self._on_grid_context_menu)
        self.filter_combo.currentIndexChanged.connect(self._on_filter_combo_changed)
        self.add_button.clicked.connect(self.add_files)
        self.folder_button.clicked.connect(self.add_folder)
        self.camera_button.clicked.connect(self.take_photo)
        self.ui.thumbnails.ready.connect(self._on_thumbnails_ready)
        details = self.details
        details.caption_committed.connect(self._on_details_caption_committed)
        details.hide_location_toggled.connect(self._on_details_hide_location_toggled)
        details.unlink_requested.connect(self._on_details_unlink_requested)
        details.link_button.clicked.connect(self.link_current)
        details.view_button.clicked.connect(self.open_current)
        details.annotate_button.clicked.connect(self.annotate_current)
        details.export_button.clicked.connect(lambda: self.export_current(True))
        details.delete_button.clicked.connect(self.delete_current)
        details.forward_button.clicked.connect(lambda: self.move_current(-1))
        details.back_button.clicked.connect(lambda: self.move_current(1))
        details.picture.activated.connect(self.open_current)

    # ---- state --------------------------------------------------------------------------

    @property
    def audit_id(self) -> str | None:
        return self._detail.audit.id if self._detail is not None else None

    @property
    def read_only(self) -> bool:
        return self._detail is None or self._detail.audit.read_only

    def set_detail(self, detail: AuditDetail | None) -> None:
        """The open audit; its evidence is read now if the tab is shown, else when it is."""
        other = detail is None or self._detail is None or detail.audit.id != self._detail.audit.id
        self._detail = detail
        if other:
            self.details.commit_caption()
            self.model.set_rows([])
            with self._quietly():
                self.filter_combo.clear()
            self.proxy.set_filter(EvidenceFilter())
        if detail is None:
            self._stale = False
            self._update_state()
            return
        if self.isVisible():
            self.reload()
        else:
            self._stale = True
            self._update_state()

    def reload(self) -> None:
        """Read the audit's evidence again (keeps the selection and the filter)."""
        self._stale = False
        if self._detail is None:
            return
        keep = self._select_next or [e.id for e in self.selected()]
        current = self.current()
        self._select_next = []
        self.model.set_rows(self.ui.list())
        self._fill_filter()
        if not any(self.model.row_of(i) >= 0 for i in keep) and self.proxy.rowCount():
            keep = [self.proxy.index(0, 0).data(ObjectRole).id]  # the details show something at once
        self._restore_selection(keep, current.id if current is not None else None)
        self._update_state()

    def _read(self) -> None:
        self.reload()

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        available, reason = _camera_state()
        self.camera_button.setEnabled(available and self._detail is not None and not self.read_only)
        self.camera_button.setToolTip(reason or _("Take a photo with this computer's camera"))

    def _restore_selection(self, ids: list[str], current: str | None) -> None:
        selection = self.grid.selectionModel()
        selection.clearSelection()
        first = None
        for evidence_id in ids:
            row = self.model.row_of(evidence_id)
            if row < 0:
                continue
            index = self.proxy.mapFromSource(self.model.index(row))
            if index.isValid():
                selection.select(index, QItemSelectionModel.SelectionFlag.Select)
                if first is None or evidence_id == current:
                    first = index
        if first is not None:
            selection.setCurrentIndex(first, QItemSelectionModel.SelectionFlag.NoUpdate)
            self.grid.scrollTo(first)
        self._show_current()

    def _quietly(self) -> Any:
        view = self

        class _Quiet:
            def __enter__(self) -> None:
                view._filling = True

            def __exit__(self, *exc: object) -> None:
                view._filling = False

        return _Quiet()

    def _fill_filter(self) -> None:
        """All, by kind of link, unlinked, photos, documents; then each item that has evidence."""
        current = self.proxy.filter
        lang = i18n.get_language()
        detail = self._detail
        keys: dict[str, str] = {}
        for evidence in self.model.rows:
            for link in evidence.links:
                if link.target.kind is TargetKind.ITEM and link.target.ref not in keys:
                    item = detail.checklist.item(link.target.ref) if detail is not None else None
                    keys[link.target.ref] = f"{item.ref}  {item.title.get(lang)}" if item else link.target.ref
        with self._quietly():
            self.filter_combo.clear()
            for text, flt in ((_("All photos and documents"), EvidenceFilter()),
                              (_("Linked to a checklist item"), EvidenceFilter(Show.ITEMS)),
                              (_("Linked to a finding"), EvidenceFilter(Show.FINDINGS)),
                              (_("Linked to a measure"), EvidenceFilter(Show.MEASURES)),
                              (_("Not linked"), EvidenceFilter(Show.UNLINKED)),
                              (_("Photos only"), EvidenceFilter(Show.PHOTOS)),
                              (_("Documents only"), EvidenceFilter(Show.DOCUMENTS))):
                self.filter_combo.addItem(text, _encode(flt))
            if keys:
                self.filter_combo.insertSeparator(self.filter_combo.count())
                order = {item.key: n for n, item in enumerate(detail.checklist.items())} if detail else {}
                for key in sorted(keys, key=lambda k: order.get(k, 10**6)):
                    self.filter_combo.addItem(_("Item {label}").format(label=keys[key]),
                                              _encode(EvidenceFilter(Show.ITEM, key)))
            index = self.filter_combo.findData(_encode(current))
            if index < 0 and current.show is Show.ITEM:
                # the item has no evidence any more: keep showing it (empty) rather than jump
                self.filter_combo.addItem(_("Item {label}").format(label=current.key), _encode(current))
                index = self.filter_combo.count() - 1
            self.filter_combo.setCurrentIndex(max(index, 0))

    def set_filter(self, flt: EvidenceFilter) -> bool:
        """Show what ``flt`` lets through (as choosing it in the combo does)."""
        index = self.filter_combo.findData(_encode(flt))
        if index < 0:
            if flt.show is not Show.ITEM:
                return False
            with self._quietly():
                self.filter_combo.addItem(_("Item {label}").format(label=flt.key), _encode(flt))
            index = self.filter_combo.count() - 1
        self.filter_combo.setCurrentIndex(index)
        self._apply_filter(flt)
        return True

    def _on_filter_combo_changed(self, _index: int) -> None:
        if self._filling:
            return
        data = self.filter_combo.currentData()
        if isinstance(data, str):
            self._apply_filter(_decode(data))

    def _apply_filter(self, flt: EvidenceFilter) -> None:
        keep = [e.id for e in self.selected()]
        self.proxy.set_filter(flt)
        self._restore_selection(keep, None)
        self._update_state()

    def current_target(self) -> Target | None:
        """What new evidence is linked to: the item the filter shows, if it shows one."""
        flt = self.proxy.filter
        return Target.item(flt.key) if flt.show is Show.ITEM and flt.key else None

    def current(self) -> Evidence | None:
        index = self.grid.currentIndex()
        evidence = index.data(ObjectRole) if index.isValid() else None
        if evidence is not None and self.grid.selectionModel().isSelected(index):
            return evidence
        selected = self.selected()
        return selected[0] if selected else None

    def selected(self) -> list[Evidence]:
        """The selected evidence in gallery order."""
        indexes = sorted(self.grid.selectionModel().selectedIndexes(), key=lambda i: i.row())
        return [i.data(ObjectRole) for i in indexes if isinstance(i.data(ObjectRole), Evidence)]

    def select(self, evidence_id: str) -> bool:
        row = self.model.row_of(evidence_id)
        index = self.proxy.mapFromSource(self.model.index(row)) if row >= 0 else QModelIndex()
        if not index.isValid():
            return False
        self.grid.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.grid.scrollTo(index)
        return True

    def _update_state(self) -> None:
        rows = self.model.rows
        photos = sum(1 for e in rows if e.is_photo)
        documents = len(rows) - photos
        parts = []
        if photos:
            parts.append(ngettext("{n} photo", "{n} photos", photos).format(n=photos))
        if documents:
            parts.append(ngettext("{n} document", "{n} documents", documents).format(n=documents))
        self.count_label.setText(" · ".join(parts))
        shown = self.proxy.rowCount()
        self.shown_label.setText(_("{shown} of {total} shown").format(shown=shown, total=len(rows))
                                 if rows and shown != len(rows) else "")
        writable = self._detail is not None and not self.read_only
        for button in (self.add_button, self.folder_button):
            button.setEnabled(writable)
        if self.read_only and self._detail is not None:
            self.add_button.setToolTip(_("The audit is closed: its evidence stays as signed."))
        else:
            self.add_button.setToolTip(_("Photos (JPEG, PNG, TIFF, WebP, HEIC) and documents such as PDFs; "
                                         "you can also drop them here or paste with Ctrl+V"))
        if _CAMERA is not None:  # looked up when the tab was first shown
            self.camera_button.setEnabled(_CAMERA[0] and writable)
        self.grid.accept_files = writable
        self.details.set_read_only(not writable)
        self.hint_label.setVisible(writable and bool(rows))
        self.filter_combo.setEnabled(bool(rows))
        self.stack.setCurrentWidget(self.grid if shown else self.empty)
        self.details.setVisible(bool(rows))
        if self._detail is None:
            self.empty.setText("")
        elif not rows and not writable:
            self.empty.setText(escape(_("This audit has no photos or documents.")))
        elif not rows:
            self.empty.setText(
                "<p style='font-size: large;'>" + escape(_("No photos or documents yet.")) + "</p><p>"
                + escape(_("Drop photos, documents or whole folders here, paste a picture with Ctrl+V, or choose "
                           "“Add photos/files …”. The import runs in the background.")) + "</p><p>"
                + escape(_("In the checklist, photos dropped onto a requirement are linked to it.")) + "</p>")
        else:
            self.empty.setText("<p style='font-size: large;'>" + escape(_("Nothing matches the filter.")) + "</p>")
        self._update_actions()

    def _update_actions(self) -> None:
        evidence = self.current()
        writable = self._detail is not None and not self.read_only
        has = evidence is not None
        self.action_open.setEnabled(has)
        self.action_annotate.setEnabled(has and writable and evidence is not None and evidence.is_photo)
        self.action_link.setEnabled(has and writable)
        self.action_export.setEnabled(has)
        self.action_export_original.setEnabled(has and evidence is not None and evidence.is_photo
                                               and bool(evidence.annotations))
        self.action_delete.setEnabled(has and writable)
        self.action_forward.setEnabled(has and writable)
        self.action_back.setEnabled(has and writable)

    def _show_current(self) -> None:
        selected = self.selected()
        evidence = self.current()
        if evidence is None or len(selected) > 1 and evidence not in selected:
            self.details.show_evidence(None, count=len(selected))
        else:
            self.details.show_evidence(evidence, self.ui.thumbnails.pixmap(evidence))
        self._update_actions()

    def _on_grid_selection_changed(self, *_args: Any) -> None:
        self._show_current()

    def _on_thumbnails_ready(self, sha256: str) -> None:
        evidence = self.details.evidence
        if evidence is not None and evidence.sha256 == sha256:
            self.details.set_pixmap(self.ui.thumbnails.pixmap(evidence, load=False))

    def _on_notifier_changed(self, changes: Any) -> None:
        if not isinstance(changes, Changes) or self._detail is None:
            return
        if changes.audit_id not in (None, self._detail.audit.id):
            return
        if not (changes.evidence or changes.findings):
            return
        self.read_when_shown()

    def _on_importer_imported(self, report: Any) -> None:
        ids = list(getattr(report, "evidence_ids", ()) or ())
        evidence_id = getattr(report, "evidence_id", None)
        if evidence_id:
            ids = [evidence_id]
        if ids:
            self._select_next = ids[:1]
            if self.isVisible():
                self.reload()

    # ---- getting evidence in -----------------------------------------------------------

    def add_files(self) -> bool:
        return self.ui.add_files(self.window(), self.current_target())

    def add_folder(self) -> bool:
        return self.ui.add_folder(self.window(), self.current_target())

    def take_photo(self) -> Any:
        return self.ui.take_photo(self.window(), self.current_target())

    def paste(self) -> bool:
        """Ctrl+V in the gallery: the clipboard's picture or files."""
        return self.ui.paste(self.window(), self.current_target())

    def drop(self, mime: Any) -> bool:
        """Files or a picture dropped onto the gallery (what a real drop does)."""
        return self.ui.import_mime(mime, self.current_target(), self.window())

    def _on_grid_files_dropped(self, mime: Any) -> None:
        self.drop(mime)

    # ---- edits --------------------------------------------------------------------------

    def _on_details_caption_committed(self, caption: str) -> None:
        evidence = self.details.evidence
        if evidence is not None:
            self.ui.set_caption(evidence, caption)

    def _on_details_hide_location_toggled(self, hide: bool) -> None:
        evidence = self.details.evidence
        if evidence is not None:
            self.ui.set_hide_location(evidence, hide)

    def _on_details_unlink_requested(self, target: Any) -> None:
        evidence = self.details.evidence
        if evidence is not None and isinstance(target, Target):
            self.ui.unlink(evidence, target)

    def link_current(self) -> Any:
        """"Link with …": choose an item, a finding or a measure for the selected evidence."""
        selected = self.selected()
        if not selected or self._detail is None or self.ui.refused():
            return None
        from oekoaudit.ui.dialogs.evidence_link import LinkDialog

        try:
            measures = self.ui.services.measures.list(organisation_id=self._detail.audit.organisation_id)
        except OekoauditError:
            measures = []
        linked = {link.target for link in selected[0].links} if len(selected) == 1 else set()
        dialog = LinkDialog(self._detail, measures, self.window(), linked=linked, count=len(selected))
        dialog.accepted.connect(lambda: self._on_link_dialog_accepted(dialog, selected))
        dialog.finished.connect(lambda _result: dialog.deleteLater())
        self.link_dialog = dialog
        dialog.open()
        return dialog

    def _on_link_dialog_accepted(self, dialog: Any, selected: list[Evidence]) -> None:
        target = dialog.target()
        if target is not None:
            self.ui.link(selected, target)

    def delete_current(self) -> bool:
        selected = self.selected()
        if not selected or self.ui.refused():
            return False
        if len(selected) == 1:
            question = _("Delete “{name}” from the audit?").format(name=selected[0].original_name)
        else:
            question = ngettext("Delete {n} photo from the audit?", "Delete {n} photos and documents from the audit?",
                                len(selected)).format(n=len(selected))
        if not prompts.confirm(self, question + "\n\n" + _("Its links go with it. You can undo it with Ctrl+Z.")):
            return False
        self.ui.delete(selected)
        emit(self.message, _("Deleted. Ctrl+Z brings it back."))
        return True

    def move_current(self, step: int) -> bool:
        """"Move forward" (-1) or "Move back" (+1) by one place in the gallery."""
        selected = self.selected()
        if not selected or self.audit_id is None:
            return False
        order = self.model.ids()
        moving = [e.id for e in selected]
        shown = [e.id for e in self.proxy.shown()]
        # one place among the evidence shown (the filter may hide some in between)
        positions = [shown.index(i) for i in moving if i in shown]
        if not positions:
            return False
        if step < 0:
            target = min(positions) - 1
            return target >= 0 and self._move(moving, shown[target])
        target = max(positions) + 1
        if target >= len(shown):
            return False
        rest = [i for i in order if i not in moving]
        following = rest.index(shown[target]) + 1
        return self._move(moving, rest[following] if following < len(rest) else None)

    def _on_grid_moved(self, ids: list[str], row: int) -> None:
        shown = [e.id for e in self.proxy.shown()]
        before = next((i for i in shown[row:] if i not in ids), None) if row < len(shown) else None
        self._move(ids, before)

    def _move(self, ids: list[str], before: str | None) -> bool:
        """Put ``ids`` (in their gallery order) before the evidence ``before`` (None: at the end)."""
        audit_id = self.audit_id
        if audit_id is None:
            return False
        order = self.model.ids()
        moving = [i for i in order if i in ids]
        rest = [i for i in order if i not in ids]
        at = rest.index(before) if before in rest else len(rest)
        new = rest[:at] + moving + rest[at:]
        if new == order:
            return False
        # show the new order at once; the write follows on the single writer
        rows = {e.id: e for e in self.model.rows}
        self._select_next = moving
        self.model.set_rows([rows[i] for i in new])
        self._restore_selection(moving, moving[0])
        return self.ui.reorder(audit_id, order, new)

    # ---- windows ------------------------------------------------------------------------

    def open_current(self) -> Any:
        evidence = self.current()
        if evidence is None:
            return None
        return self.ui.open_viewer(self.proxy.shown(), evidence, self.window())

    def _on_grid_open(self, index: QModelIndex) -> None:
        evidence = index.data(ObjectRole)
        if isinstance(evidence, Evidence):
            self.ui.open_viewer(self.proxy.shown(), evidence, self.window())

    def annotate_current(self) -> Any:
        evidence = self.current()
        return self.ui.annotate(evidence, self.window()) if evidence is not None else None

    def export_current(self, annotated: bool = True) -> bool:
        evidence = self.current()
        if evidence is None:
            return False
        return self.ui.export_copy(evidence, self.window(), annotated=annotated and bool(evidence.annotations))

    def _on_grid_context_menu(self, pos: Any) -> None:
        index = self.grid.indexAt(pos)
        if index.isValid() and not self.grid.selectionModel().isSelected(index):
            self.grid.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        menu = QMenu(self)
        if self.current() is not None:
            for act in (self.action_open, self.action_annotate, self.action_link):
                menu.addAction(act)
            menu.addSeparator()
            menu.addAction(self.action_export)
            if self.action_export_original.isEnabled():
                menu.addAction(self.action_export_original)
            menu.addSeparator()
            menu.addAction(self.action_forward)
            menu.addAction(self.action_back)
            menu.addSeparator()
            menu.addAction(self.action_delete)
            menu.addSeparator()
        add = menu.addAction(_("Add photos/files …"), self.add_files)
        add.setEnabled(not self.read_only)
        paste = menu.addAction(_("Paste"), self.paste)
        paste.setEnabled(not self.read_only)
        menu.popup(self.grid.viewport().mapToGlobal(pos))
        self.context_menu = menu


def _encode(flt: EvidenceFilter) -> str:
    """A filter as the combo keeps it (a string compares as the combo's findData needs)."""
    return f"{flt.show.value}:{flt.key}"


def _decode(data: str) -> EvidenceFilter:
    show, _sep, key = data.partition(":")
    return EvidenceFilter(Show(show), key)


_CAMERA: tuple[bool, str] | None = None


def _camera_state() -> tuple[bool, str]:
    """Whether "Take photo…" can work, looked up once (Qt Multimedia is loaded for it)."""
    global _CAMERA
    if _CAMERA is None:
        from oekoaudit.ui.dialogs import camera

        _CAMERA = camera.availability()
    return _CAMERA


def reset_camera_state() -> None:
    """Look for a camera again next time (a camera plugged in; tests)."""
    global _CAMERA
    _CAMERA = None
