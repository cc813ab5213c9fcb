"""The drawing surface of the annotation editor: the picture and its shapes on a QGraphicsScene.

Why QGraphicsView and not a painted QWidget (as the signature pad is): the editor needs hit
testing of thin lines, selection with a rubber band, moving several shapes at once, zoom about
the cursor with scroll bars, and repainting only what changed. The graphics view framework gives
all of these; a plain widget would have to re-implement each of them.

Scene coordinates are the pixels of the *displayed* picture (EXIF orientation applied), so a
:class:`~oekoaudit.domain.evidence.Shape`'s points are scene points divided by the picture's
width and height. Every shape the canvas holds is normalised (its JSON round trip), and every
change goes through :attr:`AnnotationCanvas.undo_stack`.

How shapes look (as the gallery's ``evidence_paint`` and the core's burn-in draw them; every
size comes from :func:`oekoaudit.domain.evidence.metrics`, ``s`` = the picture's shorter side,
``w`` = the shape's width × ``s``): lines ``w`` wide with round caps; an arrow's head
``max(6, ARROW_HEAD·w)`` long (at most 60 % of the arrow), ``ARROW_HEAD_SPREAD`` of that wide on
each side; a text label ``TEXT_SCALE·w`` pixels high (4 % of ``s`` at the medium width) on a box
of its colour with ``LABEL_PADDING·size`` padding, the text dark or white, whichever reads better;
a marker a disc of radius ``MARKER_SCALE·w`` (3.2 % of ``s`` at the medium width) with a white
ring and its number. The thin/medium/thick choice thus also makes labels and markers smaller or
larger. A blurred redaction is previewed as the export makes it: a mosaic of at most
``MOSAIC_BLOCKS`` blocks on its longer side, smoothed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLineF, QPoint, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFocusEvent,
    QFont,
    QFontMetricsF,
    QImage,
    QImageReader,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPixmap,
    QPolygonF,
    QResizeEvent,
    QTransform,
    QUndoCommand,
    QUndoStack,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsItem,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsView,
    QLineEdit,
    QStyleOptionGraphicsItem,
    QWidget,
)

from oekoaudit.domain.evidence import (
    DEFAULT_COLOUR,
    DEFAULT_WIDTH,
    MAX_LABEL,
    MAX_POINTS,
    MAX_SHAPES,
    Metrics,
    Shape,
    ShapeKind,
    metrics,
    mosaic_grid,
    next_marker_number,
    parse_shape,
    ring_colour,
    text_colour,
)
from oekoaudit.i18n import _
from oekoaudit.ui.qtcompat import emit

#: The editor works on at most this many pixels on the longer side (an original is scaled down).
MAX_EDIT_PX = 4096
MIN_ZOOM = 0.02
MAX_ZOOM = 16.0
ZOOM_STEP = 1.25
#: Screen pixels: how far from a line a click still hits it, a handle's size, a drag's minimum.
PICK_PX = 6.0
HANDLE_PX = 9.0
MIN_DRAG_PX = 4.0

#: kinds drawn by dragging a box (two opposite corners)
BOX_KINDS = frozenset({ShapeKind.RECT, ShapeKind.ELLIPSE, ShapeKind.REDACT_BLACK, ShapeKind.REDACT_BLUR})

#: merge id of nudging with the arrow keys (consecutive nudges are one undo step)
_MERGE_NUDGE = 41


class Tool(StrEnum):
    SELECT = "select"
    ARROW = "arrow"
    RECT = "rect"
    ELLIPSE = "ellipse"
    FREEHAND = "freehand"
    TEXT = "text"
    MARKER = "marker"
    REDACT_BLUR = "redact_blur"
    REDACT_BLACK = "redact_black"

    @property
    def kind(self) -> ShapeKind | None:
        return None if self is Tool.SELECT else ShapeKind(self.value)


def load_image(path: Path, max_px: int = MAX_EDIT_PX) -> tuple[QImage, str]:
    """The picture as displayed (EXIF orientation applied), at most ``max_px`` on its longer
    side; on failure a null image and the reader's reason."""
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid() and max(size.width(), size.height()) > max_px:
        # the same factor on both sides, so the orientation applied afterwards does not matter
        factor = max_px / max(size.width(), size.height())
        reader.setScaledSize(QSize(max(1, round(size.width() * factor)), max(1, round(size.height() * factor))))
    image = reader.read()
    if image.isNull():
        return QImage(), reader.errorString()
    return image, ""


def normalised(shape: Shape) -> Shape:
    """The shape as it comes back from storage (rounded, lower-case colour, defaults of redactions)."""
    return parse_shape(shape.to_json())


def contrast_colour(colour: QColor) -> QColor:
    """Dark or white, whichever reads better on ``colour``."""
    return QColor(text_colour(colour.name()))


def _pen(colour: QColor, width: float) -> QPen:
    pen = QPen(colour, width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _smooth_path(points: Sequence[QPointF]) -> QPainterPath:
    path = QPainterPath(points[0])
    for p0, p1 in zip(points, points[1:], strict=False):
        path.quadTo(p0, (p0 + p1) / 2)
    path.lineTo(points[-1])
    return path


def label_font(size: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(max(1, round(size)))
    font.setBold(bold)
    return font


class ShapeItem(QGraphicsItem):
    """One shape on the picture; :attr:`model` is the domain shape it shows (at ``pos()`` 0, 0)."""

    def __init__(self, canvas: AnnotationCanvas, model: Shape) -> None:
        super().__init__()
        self._canvas = canvas
        self.model = model
        self._hit = QPainterPath()
        self._bounds = QRectF()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges, True)
        self._build()

    # ---- geometry -----------------------------------------------------------------------

    def set_model(self, model: Shape) -> None:
        self.prepareGeometryChange()
        self.model = model
        self.setPos(0, 0)
        self._build()
        self.update()

    def rebuild(self) -> None:
        self.prepareGeometryChange()
        self._build()
        self.update()

    def points(self) -> list[QPointF]:
        w, h = self._canvas.picture_size()
        return [QPointF(x * w, y * h) for x, y in self.model.points]

    def metrics(self) -> Metrics:
        """The shape's sizes in picture pixels (the domain's, as every rendering has them)."""
        return metrics(self.model.width, *self._canvas.picture_size())

    def stroke_px(self) -> float:
        return self.metrics().stroke

    def box_rect(self) -> QRectF:
        a, b = self.points()[:2]
        return QRectF(a, b).normalized()

    def text_rect(self) -> QRectF:
        sizes = self.metrics()
        font_metrics = QFontMetricsF(label_font(sizes.text_size))
        pad = sizes.padding
        text = self.model.text or " "
        lines = text.split("\n")
        width = max(font_metrics.horizontalAdvance(line) for line in lines)
        top_left = self.points()[0]
        return QRectF(top_left.x(), top_left.y(), width + 2 * pad, font_metrics.height() * len(lines) + 2 * pad)

    def marker_radius(self) -> float:
        return self.metrics().marker_radius

    def arrow_geometry(self) -> tuple[QLineF, QPolygonF]:
        tail, head = self.points()[:2]
        geometry = self.metrics().arrow_head((tail.x(), tail.y()), (head.x(), head.y()))
        if geometry is None:
            return QLineF(tail, head), QPolygonF()
        base, left, right = (QPointF(*p) for p in geometry)
        return QLineF(tail, base), QPolygonF([head, left, right, head])

    def outline(self) -> QPainterPath:
        """The drawn shape as a path (lines not yet widened)."""
        kind = self.model.kind
        path = QPainterPath()
        if kind is ShapeKind.RECT:
            path.addRect(self.box_rect())
        elif kind is ShapeKind.ELLIPSE:
            path.addEllipse(self.box_rect())
        elif kind is ShapeKind.ARROW:
            shaft, head = self.arrow_geometry()
            path.moveTo(shaft.p1())
            path.lineTo(shaft.p2())
            path.addPolygon(head)
        elif kind is ShapeKind.FREEHAND:
            path = _smooth_path(self.points())
        return path

    def _build(self) -> None:
        kind = self.model.kind
        tolerance = self._canvas.pick_tolerance()
        if kind in (ShapeKind.REDACT_BLACK, ShapeKind.REDACT_BLUR):
            hit = QPainterPath()
            hit.addRect(self.box_rect().adjusted(-tolerance, -tolerance, tolerance, tolerance))
        elif kind is ShapeKind.TEXT:
            hit = QPainterPath()
            hit.addRect(self.text_rect())
        elif kind is ShapeKind.MARKER:
            hit = QPainterPath()
            r = self.marker_radius() + tolerance
            hit.addEllipse(self.points()[0], r, r)
        else:
            stroker = QPainterPathStroker()
            stroker.setWidth(self.stroke_px() + 2 * tolerance)
            stroker.setCapStyle(Qt.PenCapStyle.RoundCap)
            stroker.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            hit = stroker.createStroke(self.outline())
            if kind is ShapeKind.ARROW:
                hit.addPolygon(self.arrow_geometry()[1])
        self._hit = hit
        self._bounds = hit.boundingRect().adjusted(-tolerance, -tolerance, tolerance, tolerance)

    def boundingRect(self) -> QRectF:  # noqa: N802
        return self._bounds

    def shape(self) -> QPainterPath:
        return self._hit

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:  # noqa: N802
        """A moved shape stays on the picture."""
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionChange and isinstance(value, QPointF):
            w, h = self._canvas.picture_size()
            left, top, right, bottom = self.model.box()
            dx = min(max(value.x(), min(0.0, -left * w)), max(0.0, (1 - right) * w))
            dy = min(max(value.y(), min(0.0, -top * h)), max(0.0, (1 - bottom) * h))
            return QPointF(dx, dy)
        return super().itemChange(change, value)

    # ---- painting -----------------------------------------------------------------------

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        paint_shape(painter, self, self._canvas)
        if self.isSelected():
            rect = self._hit.boundingRect()
            painter.setBrush(Qt.BrushStyle.NoBrush)
            under = QPen(QColor(255, 255, 255, 220), 3)
            under.setCosmetic(True)
            painter.setPen(under)
            painter.drawRect(rect)
            over = QPen(QColor("#1a73e8"), 1.5, Qt.PenStyle.DashLine)
            over.setCosmetic(True)
            painter.setPen(over)
            painter.drawRect(rect)


def paint_shape(painter: QPainter, item: ShapeItem, canvas: AnnotationCanvas) -> None:
    model = item.model
    kind = model.kind
    colour = QColor(model.colour)
    sizes = item.metrics()
    stroke = sizes.stroke
    if kind is ShapeKind.REDACT_BLACK:
        painter.fillRect(item.box_rect(), QColor("#000000"))
        _paint_redaction_frame(painter, item.box_rect())
    elif kind is ShapeKind.REDACT_BLUR:
        rect = item.box_rect()
        offset = item.pos()  # while it is dragged: the blur of where it is now
        mosaic = canvas.mosaic(rect.translated(offset))
        if mosaic is not None:
            painter.drawImage(QRectF(mosaic[0]).translated(-offset), mosaic[1])
        _paint_redaction_frame(painter, rect)
    elif kind is ShapeKind.ARROW:
        shaft, head = item.arrow_geometry()
        painter.setPen(_pen(colour, stroke))
        painter.drawLine(shaft)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawPolygon(head)
    elif kind in (ShapeKind.RECT, ShapeKind.ELLIPSE, ShapeKind.FREEHAND):
        painter.setPen(_pen(colour, stroke))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(item.outline())
    elif kind is ShapeKind.TEXT:
        rect = item.text_rect()
        pad = sizes.padding
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawRoundedRect(rect, pad, pad)
        painter.setPen(contrast_colour(colour))
        painter.setFont(label_font(sizes.text_size))
        painter.drawText(rect.adjusted(pad, pad, -pad, -pad),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop), model.text)
    elif kind is ShapeKind.MARKER:
        centre = item.points()[0]
        radius = sizes.marker_radius
        painter.setPen(QPen(QColor(ring_colour(model.colour)), sizes.ring))  # a white marker: grey ring
        painter.setBrush(colour)
        painter.drawEllipse(centre, radius, radius)
        number = str(model.number or "")
        painter.setFont(label_font(sizes.number_size(number), bold=True))
        painter.setPen(contrast_colour(colour))
        painter.drawText(QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius),
                         int(Qt.AlignmentFlag.AlignCenter), number)


def _paint_redaction_frame(painter: QPainter, rect: QRectF) -> None:
    """A thin dashed frame (editor only): where the redaction is, even over a dark area."""
    painter.setBrush(Qt.BrushStyle.NoBrush)
    pen = QPen(QColor(255, 255, 255, 200), 1, Qt.PenStyle.DashLine)
    pen.setCosmetic(True)
    painter.setPen(pen)
    painter.drawRect(rect)


# ---- undo commands ------------------------------------------------------------------------


class _AddShapes(QUndoCommand):
    def __init__(self, canvas: AnnotationCanvas, entries: list[tuple[int, Shape]], text: str) -> None:
        super().__init__(text)
        self._canvas = canvas
        self._entries = sorted(entries, key=lambda e: e[0])

    def redo(self) -> None:
        for index, shape in self._entries:
            self._canvas._insert(index, shape)
        self._canvas._after_change([index for index, _shape in self._entries])

    def undo(self) -> None:
        for index, _shape in reversed(self._entries):
            self._canvas._remove(index)
        self._canvas._after_change([])


class _RemoveShapes(_AddShapes):
    def redo(self) -> None:
        super().undo()

    def undo(self) -> None:
        super().redo()


class _ReplaceShapes(QUndoCommand):
    def __init__(self, canvas: AnnotationCanvas, entries: list[tuple[int, Shape, Shape]], text: str,
                 merge: int = -1) -> None:
        super().__init__(text)
        self._canvas = canvas
        self._entries = entries
        self._merge = merge

    def redo(self) -> None:
        for index, _old, new in self._entries:
            self._canvas._replace(index, new)
        self._canvas._after_change([index for index, _old, _new in self._entries])

    def undo(self) -> None:
        for index, old, _new in self._entries:
            self._canvas._replace(index, old)
        self._canvas._after_change([index for index, _old, _new in self._entries])

    def id(self) -> int:
        return self._merge

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802
        if not isinstance(other, _ReplaceShapes) or other._merge != self._merge or self._merge < 0:
            return False
        if [e[0] for e in other._entries] != [e[0] for e in self._entries]:
            return False
        self._entries = [(index, old, new) for (index, old, _mid), (_i, _m, new)
                         in zip(self._entries, other._entries, strict=True)]
        return True


# ---- the inline label editor ----------------------------------------------------------------


class LabelEdit(QLineEdit):
    """Typing a label on the picture: Enter keeps it, Escape drops it, clicking elsewhere keeps it."""

    finished = Signal(bool)  # True: keep the text

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()  # not on to the dialog, whose default button would close it
            emit(self.finished, True)
            return
        if event.key() == Qt.Key.Key_Escape:
            event.accept()
            emit(self.finished, False)
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        super().focusOutEvent(event)
        # another window or a menu for a moment: the label is still being typed
        if event.reason() not in (Qt.FocusReason.PopupFocusReason, Qt.FocusReason.ActiveWindowFocusReason):
            emit(self.finished, True)


# ---- the canvas ---------------------------------------------------------------------------


class AnnotationCanvas(QGraphicsView):
    """The picture with its shapes. Tools draw; the select tool selects, moves and resizes."""

    #: the shapes changed (a command done, undone or redone)
    changed = Signal()
    selection_changed = Signal()
    #: the zoom factor (1.0: one picture pixel per screen pixel)
    zoom_changed = Signal(float)
    #: something the user tried could not be done: the message
    notice = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("annotation_canvas")
        self.setAccessibleName(_("Picture with annotations"))
        self._scene = QGraphicsScene(self)
        self.setScene(self._scene)
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(500)
        self._image = QImage()
        self._pixmap_item: QGraphicsPixmapItem | None = None
        self._items: list[ShapeItem] = []
        self._mosaics: dict[tuple[int, int, int, int], tuple[QRect, QImage]] = {}
        self._tool = Tool.SELECT
        self.colour = DEFAULT_COLOUR
        self.line_width = DEFAULT_WIDTH
        self._fit = True
        self._tolerance = PICK_PX
        # the gesture under way
        self._draft: ShapeItem | None = None
        self._draft_points: list[QPointF] = []
        self._press_view: QPointF | None = None
        self._resizing: tuple[ShapeItem, int, Shape] | None = None
        self._panning: QPoint | None = None
        self._selecting = False
        self.text_edit: LabelEdit | None = None
        self._text_anchor = QPointF()
        self._text_index: int | None = None
        #: shown in the middle when there is no picture (it could not be read)
        self.empty_text = ""

        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.SmoothPixmapTransform)
        self.setBackgroundBrush(QBrush(QColor("#3c4043")))
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)  # set_zoom keeps its anchor
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(320, 240)
        self._scene.selectionChanged.connect(self._on_scene_selection_changed)
        self.set_tool(Tool.SELECT)

    # ---- content ------------------------------------------------------------------------

    def load(self, image: QImage, shapes: Sequence[Shape]) -> None:
        """Show ``image`` (as displayed) with ``shapes``; the history starts empty."""
        self.undo_stack.clear()
        self._scene.clear()
        self._items = []
        self._mosaics = {}
        self._image = image.convertToFormat(QImage.Format.Format_RGB32) if not image.isNull() else QImage()
        self._pixmap_item = QGraphicsPixmapItem(QPixmap.fromImage(self._image))
        self._pixmap_item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self._pixmap_item.setZValue(0)
        self._scene.addItem(self._pixmap_item)
        self._scene.setSceneRect(QRectF(0, 0, *self.picture_size()))
        for index, shape in enumerate(shapes):
            self._insert(index, shape)
        self._restack()
        self.undo_stack.setClean()
        self.fit()

    def has_picture(self) -> bool:
        return not self._image.isNull()

    def picture_size(self) -> tuple[int, int]:
        return max(1, self._image.width()), max(1, self._image.height())

    def short_side(self) -> float:
        return float(min(self.picture_size()))

    def shapes(self) -> tuple[Shape, ...]:
        return tuple(item.model for item in self._items)

    def items_in_order(self) -> list[ShapeItem]:
        return list(self._items)

    def selected_indices(self) -> list[int]:
        return [i for i, item in enumerate(self._items) if item.isSelected()]

    def select(self, indices: Sequence[int]) -> None:
        self._scene.clearSelection()
        for index in indices:
            if 0 <= index < len(self._items):
                self._items[index].setSelected(True)

    def mosaic(self, rect: QRectF) -> tuple[QRect, QImage] | None:
        """The blurred preview of a part of the picture (cached)."""
        area = rect.toAlignedRect().intersected(self._image.rect())
        if area.isEmpty():
            return None
        key = (area.x(), area.y(), area.width(), area.height())
        found = self._mosaics.get(key)
        if found is not None:
            return found
        cols, rows = mosaic_grid(area.width(), area.height())
        small = self._image.copy(area).scaled(cols, rows, Qt.AspectRatioMode.IgnoreAspectRatio,
                                              Qt.TransformationMode.SmoothTransformation)
        image = small.scaled(area.width(), area.height(), Qt.AspectRatioMode.IgnoreAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
        if len(self._mosaics) > 64:
            self._mosaics.clear()
        self._mosaics[key] = (area, image)
        return self._mosaics[key]

    # ---- changes (through the undo stack) ----------------------------------------------------

    def add_shape(self, shape: Shape, text: str) -> bool:
        if len(self._items) >= MAX_SHAPES:
            emit(self.notice, _("A picture can carry at most {count} annotations.").format(count=MAX_SHAPES))
            return False
        self.undo_stack.push(_AddShapes(self, [(len(self._items), normalised(shape))], text))
        return True

    def undo(self) -> None:
        """Undo the last change (a label being typed is kept first, so this drops it again)."""
        self.finish_text(True)
        self.undo_stack.undo()

    def redo(self) -> None:
        self.finish_text(True)
        self.undo_stack.redo()

    def delete_selected(self) -> bool:
        self.finish_text(True)
        indices = self.selected_indices()
        if not indices:
            return False
        self.undo_stack.push(_RemoveShapes(self, [(i, self._items[i].model) for i in indices], _("Delete")))
        return True

    def replace_shapes(self, changes: Sequence[tuple[int, Shape]], text: str, merge: int = -1) -> None:
        entries = [(index, self._items[index].model, normalised(new)) for index, new in changes]
        entries = [e for e in entries if e[1] != e[2]]
        if entries:
            self.undo_stack.push(_ReplaceShapes(self, entries, text, merge))

    def set_colour(self, colour: str) -> None:
        """The colour of new shapes, and of the selected ones."""
        self.colour = colour
        self.replace_shapes([(i, replace(self._items[i].model, colour=colour)) for i in self.selected_indices()
                             if not self._items[i].model.kind.redacts], _("Change colour"))
        self._style_text_edit()

    def set_width(self, width: float) -> None:
        """The line width (a label's and a marker's size) of new shapes, and of the selected ones."""
        self.line_width = width
        self.replace_shapes([(i, replace(self._items[i].model, width=width)) for i in self.selected_indices()
                             if not self._items[i].model.kind.redacts], _("Change line width"))
        self._style_text_edit()

    def move_selected(self, dx: float, dy: float, merge: int = -1) -> None:
        """Move the selected shapes by ``dx``, ``dy`` (relative to the picture), within the picture."""
        changes = []
        for index in self.selected_indices():
            model = self._items[index].model
            left, top, right, bottom = model.box()
            ddx = min(max(dx, min(0.0, -left)), max(0.0, 1 - right))
            ddy = min(max(dy, min(0.0, -top)), max(0.0, 1 - bottom))
            changes.append((index, _moved(model, ddx, ddy)))
        self.replace_shapes(changes, _("Move"), merge)

    def _insert(self, index: int, shape: Shape) -> None:
        item = ShapeItem(self, shape)
        item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable, self._tool is Tool.SELECT)
        item.setVisible(self.has_picture())  # without a picture they are kept, not shown
        self._items.insert(index, item)
        self._scene.addItem(item)

    def _remove(self, index: int) -> None:
        item = self._items.pop(index)
        self._scene.removeItem(item)

    def _replace(self, index: int, shape: Shape) -> None:
        self._items[index].set_model(shape)

    def _after_change(self, select: Sequence[int]) -> None:
        self._restack()
        if self.text_edit is None:
            self.select(select)
        self.viewport().update()
        emit(self.changed)

    def _restack(self) -> None:
        # redactions lie under the other shapes, as in the burnt-in rendering
        for index, item in enumerate(self._items):
            item.setZValue((1 if item.model.kind.redacts else 2) * 10_000 + index)

    # ---- tools --------------------------------------------------------------------------

    @property
    def tool(self) -> Tool:
        return self._tool

    def set_tool(self, tool: Tool) -> None:
        self._cancel_gesture()
        self._tool = tool
        selecting = tool is Tool.SELECT
        for item in self._items:
            item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable, selecting)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag if selecting else QGraphicsView.DragMode.NoDrag)
        cursor = (Qt.CursorShape.ArrowCursor if selecting else
                  Qt.CursorShape.IBeamCursor if tool is Tool.TEXT else Qt.CursorShape.CrossCursor)
        self.viewport().setCursor(cursor)
        self.viewport().update()

    def next_marker_number(self) -> int:
        return next_marker_number(self.shapes())

    # ---- zoom ---------------------------------------------------------------------------

    def zoom(self) -> float:
        return self.transform().m11()

    def pick_tolerance(self) -> float:
        return self._tolerance

    def set_zoom(self, factor: float, anchor: QPointF | None = None, *, keep_fit: bool = False) -> None:
        """Zoom to ``factor``; the picture point at the viewport position ``anchor`` (default: the
        centre) stays where it is."""
        factor = min(max(factor, MIN_ZOOM), MAX_ZOOM)
        self._fit = keep_fit
        if anchor is None:
            anchor = QPointF(self.viewport().rect().center())
        fixed = self.mapToScene(anchor.toPoint())
        self.setTransform(QTransform.fromScale(factor, factor))
        drift = QPointF(self.mapFromScene(fixed)) - anchor
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + round(drift.x()))
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() + round(drift.y()))
        tolerance = PICK_PX / factor
        if abs(tolerance - self._tolerance) > 1e-9:
            self._tolerance = tolerance
            for item in self._items:
                item.rebuild()
        self._place_text_edit()
        emit(self.zoom_changed, factor)

    def zoom_by(self, steps: float, anchor: QPointF | None = None) -> None:
        self.set_zoom(self.zoom() * ZOOM_STEP ** steps, anchor)

    def fit(self) -> None:
        """The whole picture in the window (and so on when the window is resized)."""
        if not self.has_picture():
            self.set_zoom(1.0, keep_fit=True)
            return
        w, h = self.picture_size()
        view = self.viewport().size()
        margin = 12
        factor = min((view.width() - 2 * margin) / w, (view.height() - 2 * margin) / h)
        self.set_zoom(max(factor, MIN_ZOOM), keep_fit=True)
        self.centerOn(w / 2, h / 2)

    def actual_size(self) -> None:
        self.set_zoom(1.0)

    def is_fitted(self) -> bool:
        return self._fit

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self._fit:
            self.fit()

    def scrollContentsBy(self, dx: int, dy: int) -> None:  # noqa: N802
        super().scrollContentsBy(dx, dy)
        self._place_text_edit()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            delta = event.angleDelta().y() or event.angleDelta().x()
            if delta:
                self.zoom_by(delta / 120, event.position())
            event.accept()
            return
        super().wheelEvent(event)

    # ---- mapping ------------------------------------------------------------------------

    def _scene_point(self, pos: QPointF) -> QPointF:
        """The picture point under a viewport position, kept on the picture."""
        point = self.mapToScene(pos.toPoint())
        w, h = self.picture_size()
        return QPointF(min(max(point.x(), 0.0), w), min(max(point.y(), 0.0), h))

    def _relative(self, point: QPointF) -> tuple[float, float]:
        w, h = self.picture_size()
        return point.x() / w, point.y() / h

    def _new_shape(self, kind: ShapeKind, points: Sequence[QPointF], **extra: Any) -> Shape:
        return Shape(kind=kind, points=tuple(self._relative(p) for p in points), colour=self.colour,
                     width=self.line_width, **extra)

    def _draft_kind(self) -> ShapeKind:
        kind = self._tool.kind
        assert kind is not None
        return kind

    # ---- handles (select tool, one shape selected) --------------------------------------------

    def _handle_item(self) -> ShapeItem | None:
        if self._tool is not Tool.SELECT:
            return None
        selected = [item for item in self._items if item.isSelected()]
        if len(selected) != 1 or selected[0].model.kind not in BOX_KINDS | {ShapeKind.ARROW}:
            return None
        return selected[0]

    def handles(self) -> list[QPointF]:
        """Scene points of the selected shape's handles: a box's corners (clockwise from top
        left), an arrow's tail and head."""
        item = self._handle_item()
        if item is None:
            return []
        offset = item.pos()
        if item.model.kind is ShapeKind.ARROW:
            return [p + offset for p in item.points()]
        rect = item.box_rect().translated(offset)
        return [rect.topLeft(), rect.topRight(), rect.bottomRight(), rect.bottomLeft()]

    def _handle_at(self, pos: QPointF) -> int | None:
        for index, point in enumerate(self.handles()):
            screen = QPointF(self.mapFromScene(point))
            if abs(screen.x() - pos.x()) <= HANDLE_PX and abs(screen.y() - pos.y()) <= HANDLE_PX:
                return index
        return None

    def _resized(self, item: ShapeItem, handle: int, point: QPointF) -> Shape:
        model = item.model
        if model.kind is ShapeKind.ARROW:
            points = list(model.points)
            points[handle] = self._relative(point)
            return replace(model, points=tuple(points))
        rect = item.box_rect()
        corners = [rect.topLeft(), rect.topRight(), rect.bottomRight(), rect.bottomLeft()]
        fixed = corners[(handle + 2) % 4]
        return replace(model, points=(self._relative(fixed), self._relative(point)))

    def drawForeground(self, painter: QPainter, rect: QRectF | QRect) -> None:  # noqa: N802
        super().drawForeground(painter, rect)
        if not self.has_picture() and self.empty_text:
            painter.save()
            painter.resetTransform()
            painter.setPen(QColor("#e8eaed"))
            painter.drawText(QRectF(self.viewport().rect()).adjusted(24, 24, -24, -24),
                             int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), self.empty_text)
            painter.restore()
        handles = self.handles()
        if not handles:
            return
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor("#1a73e8"), 1.5))
        painter.setBrush(QColor("#ffffff"))
        half = HANDLE_PX / 2
        for point in handles:
            centre = QPointF(self.mapFromScene(point))
            painter.drawRect(QRectF(centre.x() - half, centre.y() - half, HANDLE_PX, HANDLE_PX))
        painter.restore()

    # ---- mouse --------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.MiddleButton:
            self._panning = event.position().toPoint()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        if event.button() != Qt.MouseButton.LeftButton or not self.has_picture():
            super().mousePressEvent(event)
            return
        if self.text_edit is not None:  # a click beside the label being typed keeps it
            self.finish_text(True)
            event.accept()
            return
        pos = event.position()
        if self._tool is Tool.SELECT:
            handle = self._handle_at(pos)
            item = self._handle_item()
            if handle is not None and item is not None:
                self._resizing = (item, handle, item.model)
                event.accept()
                return
            self._selecting = True
            super().mousePressEvent(event)
            return
        event.accept()
        point = self._scene_point(pos)
        if self._tool is Tool.TEXT:
            hit = self._label_at(pos)
            self.edit_text(hit) if hit is not None else self.open_text(point)
            return
        if self._tool is Tool.MARKER:
            number = self.next_marker_number()
            if number >= 1000:
                emit(self.notice, _("No more numbered markers fit on this picture."))
                return
            self.add_shape(self._new_shape(ShapeKind.MARKER, [point], number=number), _("Numbered marker"))
            return
        self._press_view = pos
        self._draft_points = [point, point]
        self._draft = ShapeItem(self, normalised(self._new_shape(self._draft_kind(), self._draft_points)))
        self._draft.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, False)
        self._draft.setZValue(100_000)
        self._scene.addItem(self._draft)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        pos = event.position()
        if self._panning is not None:
            delta = pos.toPoint() - self._panning
            self._panning = pos.toPoint()
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - delta.x())
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - delta.y())
            event.accept()
            return
        if self._resizing is not None:
            item, handle, original = self._resizing
            item.set_model(original)
            item.set_model(self._resized(item, handle, self._scene_point(pos)))
            event.accept()
            return
        if self._draft is not None:
            point = self._scene_point(pos)
            if self._tool is Tool.FREEHAND:
                last = self._draft_points[-1]
                if QLineF(last, point).length() * self.zoom() >= 1.5:
                    if len(self._draft_points) == 2 and self._draft_points[0] == self._draft_points[1]:
                        self._draft_points[1] = point
                    else:
                        self._draft_points.append(point)
            else:
                self._draft_points[1] = point
            self._draft.set_model(self._new_shape(self._draft_kind(), self._draft_points[:MAX_POINTS]))
            event.accept()
            return
        if self._tool is Tool.SELECT and not event.buttons():
            over_handle = self._handle_at(pos) is not None
            self.viewport().setCursor(Qt.CursorShape.SizeAllCursor if over_handle else Qt.CursorShape.ArrowCursor)
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.MiddleButton and self._panning is not None:
            self._panning = None
            self.set_tool(self._tool)  # its cursor again
            event.accept()
            return
        if event.button() != Qt.MouseButton.LeftButton:
            super().mouseReleaseEvent(event)
            return
        if self._resizing is not None:
            item, handle, original = self._resizing
            self._resizing = None
            new = item.model
            item.set_model(original)
            index = self._items.index(item)
            if new.box() != original.box() or new.points != original.points:
                self.replace_shapes([(index, new)], _("Resize"))
            event.accept()
            return
        if self._draft is not None:
            self._finish_draft(event.position())
            event.accept()
            return
        super().mouseReleaseEvent(event)
        if self._selecting:
            self._selecting = False
            self._commit_drag_moves()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._tool is Tool.SELECT and event.button() == Qt.MouseButton.LeftButton:
            hit = self._label_at(event.position())
            if hit is not None:
                self.edit_text(hit)
                event.accept()
                return
        super().mouseDoubleClickEvent(event)

    def _finish_draft(self, pos: QPointF) -> None:
        draft, self._draft = self._draft, None
        assert draft is not None
        self._scene.removeItem(draft)
        press, self._press_view = self._press_view, None
        points = self._draft_points
        self._draft_points = []
        if self._tool is Tool.FREEHAND:
            if len(points) < 2 or (len(points) == 2 and points[0] == points[1]):
                return
            while len(points) > MAX_POINTS:
                points = points[::2]
            self.add_shape(self._new_shape(ShapeKind.FREEHAND, points), _("Freehand line"))
            return
        if press is None or QLineF(press, pos).length() < MIN_DRAG_PX:
            return  # a click, not a drag
        names = {Tool.ARROW: _("Arrow"), Tool.RECT: _("Rectangle"), Tool.ELLIPSE: _("Ellipse"),
                 Tool.REDACT_BLUR: _("Blur"), Tool.REDACT_BLACK: _("Black box")}
        self.add_shape(self._new_shape(self._draft_kind(), points), names.get(self._tool, ""))

    def _commit_drag_moves(self) -> None:
        """Shapes dragged with the select tool: their new places become one undo step."""
        w, h = self.picture_size()
        changes = []
        for index, item in enumerate(self._items):
            offset = item.pos()
            if offset.isNull():
                continue
            changes.append((index, _moved(item.model, offset.x() / w, offset.y() / h)))
        if not changes:
            return
        for index, _new in changes:
            self._items[index].setPos(0, 0)
        self.replace_shapes(changes, _("Move"))

    def _cancel_gesture(self) -> None:
        if self._draft is not None:
            self._scene.removeItem(self._draft)
            self._draft = None
            self._draft_points = []
        if self._resizing is not None:
            item, _handle, original = self._resizing
            item.set_model(original)
            self._resizing = None
        if self.text_edit is not None:
            self.finish_text(True)

    # ---- keys ---------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        steps = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0), Qt.Key.Key_Up: (0, -1),
                 Qt.Key.Key_Down: (0, 1)}
        if key in steps and self.selected_indices():
            pixels = 10 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else 1
            w, h = self.picture_size()
            sx, sy = steps[Qt.Key(key)]
            self.move_selected(sx * pixels / self.zoom() / w, sy * pixels / self.zoom() / h, _MERGE_NUDGE)
            event.accept()
            return
        if key == Qt.Key.Key_Escape and (self._draft is not None or self._resizing is not None):
            self._cancel_gesture()
            event.accept()
            return
        if key == Qt.Key.Key_Escape and self.selected_indices():
            self._scene.clearSelection()
            event.accept()
            return
        super().keyPressEvent(event)

    # ---- text labels --------------------------------------------------------------------

    def _label_at(self, pos: QPointF) -> int | None:
        point = self.mapToScene(pos.toPoint())
        for index in range(len(self._items) - 1, -1, -1):
            item = self._items[index]
            if item.model.kind is ShapeKind.TEXT and item.shape().contains(point - item.pos()):
                return index
        return None

    def open_text(self, point: QPointF) -> None:
        """Start typing a new label with its top left at ``point``."""
        self._start_text_edit(point, None, "")

    def edit_text(self, index: int) -> None:
        """Edit the text of the label ``index`` in place."""
        model = self._items[index].model
        w, h = self.picture_size()
        self._items[index].setVisible(False)
        self._start_text_edit(QPointF(model.points[0][0] * w, model.points[0][1] * h), index, model.text)

    def _start_text_edit(self, point: QPointF, index: int | None, text: str) -> None:
        if self.text_edit is not None:
            self.finish_text(True)
        edit = LabelEdit(self.viewport())
        edit.setObjectName("label_edit")
        edit.setMaxLength(MAX_LABEL)
        edit.setPlaceholderText(_("Label text"))
        edit.setAccessibleName(_("Label text"))
        edit.setText(text)
        self.text_edit = edit
        self._text_anchor = point
        self._text_index = index
        self._style_text_edit()
        edit.textChanged.connect(self._on_text_edit_text_changed)
        edit.finished.connect(self.finish_text)
        self._place_text_edit()
        edit.show()
        edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _style_text_edit(self) -> None:
        """The label being typed looks like the label it will be (its colour)."""
        if self.text_edit is None:
            return
        model = self._items[self._text_index].model if self._text_index is not None else None
        colour = QColor(model.colour if model is not None else self.colour)
        self.text_edit.setStyleSheet(
            f"QLineEdit {{ background: {colour.name()}; color: {contrast_colour(colour).name()};"
            " border: 2px solid #1a73e8; border-radius: 3px; padding: 0 4px; }")
        self._place_text_edit()

    def _on_text_edit_text_changed(self, _text: str) -> None:
        self._place_text_edit()

    def _place_text_edit(self) -> None:
        edit = self.text_edit
        if edit is None:
            return
        model = self._items[self._text_index].model if self._text_index is not None else None
        width = model.width if model is not None else self.line_width
        size = metrics(width, *self.picture_size()).text_size * self.zoom()
        font = label_font(min(max(size, 11.0), 160.0))
        edit.setFont(font)
        font_metrics = QFontMetricsF(font)
        text_width = font_metrics.horizontalAdvance(edit.text() or edit.placeholderText())
        edit.resize(QSize(int(max(text_width + 24, 120)), int(font_metrics.height() + 12)))
        edit.move(self.mapFromScene(self._text_anchor))

    def finish_text(self, keep: bool) -> None:
        """End typing a label: ``keep`` stores the text (an emptied label is deleted)."""
        edit, self.text_edit = self.text_edit, None
        if edit is None:
            return
        index, self._text_index = self._text_index, None
        text = edit.text().strip()
        edit.finished.disconnect(self.finish_text)
        edit.hide()
        edit.deleteLater()
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        if index is not None:
            item = self._items[index]
            item.setVisible(True)
            if not keep or text == item.model.text:
                return
            if not text:
                self.undo_stack.push(_RemoveShapes(self, [(index, item.model)], _("Delete")))
            else:
                self.replace_shapes([(index, replace(item.model, text=text))], _("Edit label"))
            return
        if keep and text:
            self.add_shape(self._new_shape(ShapeKind.TEXT, [self._text_anchor], text=text), _("Text label"))

    # ---- selection ----------------------------------------------------------------------

    def _on_scene_selection_changed(self) -> None:
        self.viewport().update()
        emit(self.selection_changed)


def _moved(shape: Shape, dx: float, dy: float) -> Shape:
    return replace(shape, points=tuple((x + dx, y + dy) for x, y in shape.points))
