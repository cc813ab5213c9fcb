"""The large viewer: one photo (or document) at a time with zoom, previous/next, its caption, and
its annotations drawn over it.

It shows the preview (~1600 px, orientation applied) — at once the cached thumbnail, sharp as
soon as the preview is read in the background. "Show original" reads the original instead,
scaled to at most :data:`ORIGINAL_MAX_PX` and turned upright with ``QImageReader``'s
auto-transform. A PDF shows its first page (QtPdf); other documents their icon. Annotations are
domain shapes relative to the displayed picture, so they fit whichever picture is shown.

Keys: ← / → previous / next, + / − zoom, Ctrl+0 fit, Ctrl+1 100 %, Ctrl+wheel zoom at the pointer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QPoint, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QKeySequence, QPainter, QPixmap, QShortcut, QWheelEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from oekoaudit.domain.changes import Changes
from oekoaudit.domain.evidence import Evidence
from oekoaudit.errors import OekoauditError
from oekoaudit.i18n import _
from oekoaudit.ui import style
from oekoaudit.ui.models.evidence_model import display_name, origin_text, read_image, render_pdf_page
from oekoaudit.ui.prompts import error_text
from oekoaudit.ui.qtcompat import emit
from oekoaudit.ui.widgets.evidence_grid import format_when
from oekoaudit.ui.widgets.evidence_paint import (
    ElidedLabel,
    badge_style,
    document_icon,
    document_label,
    paint_shapes,
)

#: "Show original" reads the original at most this large (the longer side, pixels)
ORIGINAL_MAX_PX = 8000
#: a PDF's first page is rendered this large
PDF_VIEW_PX = 1600
ZOOM_STEP = 1.25
MIN_ZOOM = 0.05
MAX_ZOOM = 8.0


class ImageCanvas(QWidget):
    """The picture at a zoom factor, annotations on top; lives in a scroll area."""

    zoom_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("viewer_canvas")
        self.image: QImage | None = None
        self.shapes: tuple[Any, ...] = ()
        self.text = ""
        self.zoom = 1.0
        self.fitting = True
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def set_image(self, image: QImage | None, shapes: Sequence[Any] = (), text: str = "") -> None:
        self.image = image if image is not None and not image.isNull() else None
        self.shapes = tuple(shapes)
        self.text = text
        self._resize()
        self.update()

    def set_shapes(self, shapes: Sequence[Any]) -> None:
        self.shapes = tuple(shapes)
        self.update()

    def image_size(self) -> QSize:
        return self.image.size() if self.image is not None else QSize(0, 0)

    def set_zoom(self, zoom: float, fitting: bool = False) -> None:
        zoom = max(MIN_ZOOM, min(MAX_ZOOM, zoom))
        self.fitting = fitting
        if abs(zoom - self.zoom) > 1e-9:
            self.zoom = zoom
            self._resize()
            self.update()
        emit(self.zoom_changed, self.zoom)

    def _resize(self) -> None:
        size = self.image_size()
        if size.isEmpty():
            self.resize(self.parentWidget().size() if self.parentWidget() else QSize(400, 300))
            return
        self.resize(max(1, round(size.width() * self.zoom)), max(1, round(size.height() * self.zoom)))

    def paintEvent(self, _event: Any) -> None:  # noqa: N802
        painter = QPainter(self)
        if self.image is None:
            painter.setPen(QColor("#e8eaed"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.text)
            painter.end()
            return
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, self.zoom < 2)
        target = QRectF(0, 0, self.width(), self.height())
        painter.drawImage(target, self.image)
        paint_shapes(painter, target, self.shapes, self.image)
        painter.end()


class ViewerArea(QScrollArea):
    """The scroll area: Ctrl+wheel zooms at the pointer; a plain wheel scrolls."""

    wheel_zoom = Signal(float, QPoint)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120
            if steps:
                emit(self.wheel_zoom, ZOOM_STEP ** steps, event.position().toPoint())
            event.accept()
            return
        super().wheelEvent(event)


class EvidenceViewer(QDialog):
    """One evidence at a time, large; non-modal."""

    def __init__(self, ui: Any, rows: Sequence[Evidence], current_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.rows = list(rows)
        self.position = next((n for n, e in enumerate(self.rows) if e.id == current_id), 0)
        self.evidence: Evidence | None = None
        self.showing_original = False
        #: what is shown is the thumbnail, until the preview has been read
        self.provisional = False
        self._generation = 0
        self.setObjectName("evidence_viewer")
        self.setWindowTitle(_("Photos & evidence"))
        self.setModal(False)
        self.resize(1120, 800)
        self._build()
        self._connect_signals()
        self.show_at(self.position)

    # ---- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(8)
        top = QHBoxLayout()
        top.setSpacing(6)
        self.previous_button = QPushButton("\u25c0", self)
        self.previous_button.setToolTip(_("Previous (←)"))
        self.previous_button.setFixedWidth(36)
        self.next_button = QPushButton("\u25b6", self)
        self.next_button.setToolTip(_("Next (→)"))
        self.next_button.setFixedWidth(36)
        self.position_label = QLabel(self)
        self.position_label.setObjectName("viewer_position")
        self.position_label.setStyleSheet(f"color: {style.MUTED_TEXT};")
        self.name_label = ElidedLabel("", self)
        self.name_label.setObjectName("viewer_name")
        self.name_label.setStyleSheet("font-weight: bold;")
        self.origin_badge = QLabel(self)
        self.fit_button = QPushButton(_("Fit"), self)
        self.fit_button.setToolTip(_("The whole picture in the window (Ctrl+0)"))
        self.actual_button = QPushButton(_("100 %"), self)
        self.actual_button.setToolTip(_("One pixel of the picture per screen pixel (Ctrl+1)"))
        self.zoom_out_button = QPushButton("\u2212", self)
        self.zoom_out_button.setToolTip(_("Zoom out (−)"))
        self.zoom_out_button.setFixedWidth(32)
        self.zoom_label = QLabel(self)
        self.zoom_label.setObjectName("zoom_label")
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_label.setMinimumWidth(self.zoom_label.fontMetrics().horizontalAdvance("8888 %") + 6)
        self.zoom_in_button = QPushButton("+", self)
        self.zoom_in_button.setToolTip(_("Zoom in (+)"))
        self.zoom_in_button.setFixedWidth(32)
        self.original_button = QPushButton(_("Show original"), self)
        self.original_button.setObjectName("original_button")
        self.original_button.setCheckable(True)
        self.original_button.setToolTip(_("Read the original file at full resolution instead of the preview"))
        self.annotate_button = QPushButton(_("Annotate …"), self)
        self.annotate_button.setObjectName("viewer_annotate_button")
        top.addWidget(self.previous_button)
        top.addWidget(self.next_button)
        top.addWidget(self.position_label)
        top.addSpacing(6)
        top.addWidget(self.name_label, 1)
        top.addWidget(self.origin_badge)
        top.addSpacing(10)
        top.addWidget(self.fit_button)
        top.addWidget(self.actual_button)
        top.addWidget(self.zoom_out_button)
        top.addWidget(self.zoom_label)
        top.addWidget(self.zoom_in_button)
        top.addSpacing(10)
        top.addWidget(self.original_button)
        top.addWidget(self.annotate_button)
        layout.addLayout(top)

        self.canvas = ImageCanvas()
        self.area = ViewerArea(self)
        self.area.setObjectName("viewer_area")
        self.area.setWidget(self.canvas)
        self.area.setWidgetResizable(False)
        self.area.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.area.setStyleSheet("QScrollArea#viewer_area { background: #2b2d30; border: none; }"
                                " QScrollArea#viewer_area > QWidget > QWidget { background: #2b2d30; }")
        layout.addWidget(self.area, 1)

        bottom = QHBoxLayout()
        bottom.setSpacing(8)
        caption_label = QLabel(_("Caption:"), self)
        self.caption_edit = QLineEdit(self)
        self.caption_edit.setObjectName("viewer_caption")
        self.caption_edit.setPlaceholderText(_("What does it show? Shown under the photo in the report."))
        caption_label.setBuddy(self.caption_edit)
        self.info_label = QLabel(self)
        self.info_label.setObjectName("viewer_info")
        self.info_label.setStyleSheet(f"color: {style.MUTED_TEXT};")
        bottom.addWidget(caption_label)
        bottom.addWidget(self.caption_edit, 3)
        bottom.addSpacing(10)
        bottom.addWidget(self.info_label, 2)
        layout.addLayout(bottom)

    def _connect_signals(self) -> None:
        self.previous_button.clicked.connect(self.previous)
        self.next_button.clicked.connect(self.next)
        self.fit_button.clicked.connect(self.fit)
        self.actual_button.clicked.connect(self.actual_size)
        self.zoom_in_button.clicked.connect(self.zoom_in)
        self.zoom_out_button.clicked.connect(self.zoom_out)
        self.original_button.toggled.connect(self._on_original_button_toggled)
        self.annotate_button.clicked.connect(self._on_annotate_button_clicked)
        self.caption_edit.editingFinished.connect(self.commit_caption)
        self.canvas.zoom_changed.connect(self._on_canvas_zoom_changed)
        self.area.wheel_zoom.connect(self._on_area_wheel_zoom)
        self.ui.notifier.changed.connect(self._on_notifier_changed)
        self.ui.thumbnails.ready.connect(self._on_thumbnails_ready)
        shortcuts = [("Left", self.previous), ("Right", self.next), ("PgUp", self.previous), ("PgDown", self.next),
                     ("+", self.zoom_in), ("=", self.zoom_in), ("-", self.zoom_out), ("Ctrl+0", self.fit),
                     ("Ctrl+1", self.actual_size)]
        self._shortcuts = []
        for keys, slot in shortcuts:
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)
            self._shortcuts.append(shortcut)

    # ---- what is shown ------------------------------------------------------------------

    def show_at(self, position: int) -> None:
        if not self.rows:
            return
        self.commit_caption()
        self.position = max(0, min(position, len(self.rows) - 1))
        evidence = self.rows[self.position]
        try:
            evidence = self.ui.service.get(evidence.id)
        except OekoauditError:
            pass
        self.rows[self.position] = evidence
        self.evidence = evidence
        self.showing_original = False
        blocked = self.original_button.blockSignals(True)
        self.original_button.setChecked(False)
        self.original_button.blockSignals(blocked)
        self._show_texts(evidence)
        self.canvas.fitting = True
        self._load(evidence, original=False)

    def _show_texts(self, evidence: Evidence) -> None:
        self.position_label.setText(_("{n} of {total}").format(n=self.position + 1, total=len(self.rows)))
        self.name_label.setText(display_name(evidence))
        self.origin_badge.setText(origin_text(evidence.origin))
        self.origin_badge.setStyleSheet(badge_style(evidence.origin))
        self.setWindowTitle(_("{name} – Photos & evidence").format(name=evidence.original_name))
        if not self.caption_edit.hasFocus():
            self.caption_edit.setText(evidence.caption)
        read_only = self.ui.read_only
        self.caption_edit.setReadOnly(read_only)
        self.annotate_button.setEnabled(evidence.is_photo and not read_only)
        self.original_button.setEnabled(evidence.is_photo)
        info = [format_when(evidence.captured_at) if evidence.captured_at else "", evidence.camera]
        if evidence.width and evidence.height:
            info.append(f"{evidence.width} × {evidence.height} px")
        self.info_label.setText("  ·  ".join(part for part in info if part))
        self.previous_button.setEnabled(self.position > 0)
        self.next_button.setEnabled(self.position < len(self.rows) - 1)

    def _load(self, evidence: Evidence, original: bool) -> None:
        """Show the thumbnail now and read the picture to show in the background."""
        self._generation += 1
        generation = self._generation
        thumb = self.ui.thumbnails.pixmap(evidence)
        if evidence.is_photo and thumb is not None and not original:
            self._set_image(thumb.toImage(), evidence, provisional=True)
        elif not evidence.is_photo and evidence.media_type != "application/pdf":
            icon = document_icon(document_label(evidence.original_name, evidence.media_type), 256)
            self._set_image(icon.toImage(), evidence)
            return
        else:
            self.canvas.set_image(None, text=_("Loading …"))
        service = self.ui.service

        def read() -> QImage | None:
            if not evidence.is_photo:
                return render_pdf_page(service.original(evidence), PDF_VIEW_PX)
            if original:
                return read_image(service.original(evidence), ORIGINAL_MAX_PX)
            path = service.preview(evidence)
            return read_image(path) if path is not None else None

        self.ui.tasks.submit(read, lambda image: self._on_read(generation, evidence, image),
                             lambda exc: self._on_read_failed(generation, exc))

    def _on_read(self, generation: int, evidence: Evidence, image: QImage | None) -> None:
        if generation != self._generation:
            return  # the user has moved on
        if image is None or image.isNull():
            self.canvas.set_image(None, text=_("The picture cannot be shown: its file is missing or damaged."))
            return
        self._set_image(image, evidence)

    def _on_read_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self.canvas.set_image(None, text=error_text(exc))

    def _set_image(self, image: QImage, evidence: Evidence, provisional: bool = False) -> None:
        self.canvas.set_image(image, evidence.annotations)
        self.provisional = provisional
        if self.canvas.fitting:
            self.fit()
        else:
            self.canvas.set_zoom(self.canvas.zoom)

    # ---- zoom ---------------------------------------------------------------------------

    def fit_zoom(self) -> float:
        size = self.canvas.image_size()
        if size.isEmpty():
            return 1.0
        room = self.area.viewport().size()
        return min(1.0, (room.width() - 4) / size.width(), (room.height() - 4) / size.height())

    def fit(self) -> None:
        self.canvas.set_zoom(self.fit_zoom(), fitting=True)

    def actual_size(self) -> None:
        self.canvas.set_zoom(1.0)

    def zoom_in(self) -> None:
        self.zoom_at(ZOOM_STEP)

    def zoom_out(self) -> None:
        self.zoom_at(1 / ZOOM_STEP)

    def zoom_at(self, factor: float, anchor: QPoint | None = None) -> None:
        """Zoom by ``factor`` keeping the picture's point under ``anchor`` (viewport; default: centre) in place."""
        viewport = self.area.viewport()
        anchor = anchor if anchor is not None else QPoint(viewport.width() // 2, viewport.height() // 2)
        old = self.canvas.zoom
        canvas_point = QPointF(self.canvas.mapFrom(viewport, anchor))
        relative = QPointF(canvas_point.x() / max(1, self.canvas.width()), canvas_point.y() / max(1, self.canvas.height()))
        self.canvas.set_zoom(old * factor)
        # keep the same point of the picture under the anchor
        hbar, vbar = self.area.horizontalScrollBar(), self.area.verticalScrollBar()
        QTimer.singleShot(0, self, lambda: (
            hbar.setValue(round(relative.x() * self.canvas.width() - anchor.x())),
            vbar.setValue(round(relative.y() * self.canvas.height() - anchor.y()))))

    def _on_area_wheel_zoom(self, factor: float, pos: QPoint) -> None:
        self.zoom_at(factor, pos)

    def _on_canvas_zoom_changed(self, zoom: float) -> None:
        self.zoom_label.setText(_("{percent} %").format(percent=round(zoom * 100)))

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self.canvas.fitting:
            self.fit()

    # ---- navigation and edits -----------------------------------------------------------

    def previous(self) -> None:
        if self.position > 0:
            self.show_at(self.position - 1)

    def next(self) -> None:
        if self.position < len(self.rows) - 1:
            self.show_at(self.position + 1)

    def _on_original_button_toggled(self, checked: bool) -> None:
        if self.evidence is None:
            return
        self.showing_original = checked
        self._load(self.evidence, original=checked)

    def _on_annotate_button_clicked(self) -> None:
        if self.evidence is not None:
            self.ui.annotate(self.evidence, self)

    def commit_caption(self) -> None:
        evidence = self.evidence
        if evidence is None or self.ui.read_only:
            return
        text = " ".join(self.caption_edit.text().split())
        if text != evidence.caption and self.ui.set_caption(evidence, text):
            self.evidence = evidence = _with_caption(evidence, text)
            self.rows[self.position] = evidence

    def _on_notifier_changed(self, changes: Any) -> None:
        """The evidence shown was changed (annotations, caption, undo): show it as it is now."""
        if not isinstance(changes, Changes) or not changes.evidence or self.evidence is None:
            return
        try:
            fresh = self.ui.service.get(self.evidence.id)
        except OekoauditError:
            return
        self.rows[self.position] = fresh
        self.evidence = fresh
        self._show_texts(fresh)
        self.canvas.set_shapes(fresh.annotations)

    def _on_thumbnails_ready(self, sha256: str) -> None:
        evidence = self.evidence
        if evidence is not None and evidence.sha256 == sha256 and self.canvas.image is None and evidence.is_photo:
            thumb = self.ui.thumbnails.pixmap(evidence, load=False)
            if isinstance(thumb, QPixmap):
                self._set_image(thumb.toImage(), evidence, provisional=True)

    def done(self, result: int) -> None:
        self.commit_caption()
        self._generation += 1  # a picture still being read is not wanted any more
        super().done(result)


def _with_caption(evidence: Evidence, caption: str) -> Evidence:
    from dataclasses import replace

    return replace(evidence, caption=caption)
