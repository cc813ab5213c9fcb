"""A pad to sign on: mouse, tablet pen (with pressure) or finger; exports a tight, transparent PNG."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QTabletEvent,
    QTouchEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from oekoaudit.i18n import _
from oekoaudit.ui import style
from oekoaudit.ui.qtcompat import emit

#: The ink: a dark blue, as with a fountain pen.
INK = "#1a2f6d"
#: Width of a stroke in pad pixels at medium pressure (a pen's pressure scales it by 0.6× … 1.4×).
PEN_WIDTH = 2.4
#: Mouse and finger have no pressure: they draw as a pen pressed medium hard.
NO_PRESSURE = 0.5
#: The exported picture is drawn this many times larger than the pad, so it prints sharply.
EXPORT_SCALE = 2
EXPORT_MARGIN = 4

Point = tuple[float, float, float]  # x, y, pressure (NO_PRESSURE for mouse and touch)


class SignaturePad(QWidget):
    """Collects strokes; ``changed`` after every finished stroke and after :meth:`clear`."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signature_pad")
        self._strokes: list[list[Point]] = []
        self._current: list[Point] | None = None
        self._enabled_hint = _("Sign here")
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents, True)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumSize(QSize(300, 130))
        self.setAccessibleName(_("Signature pad"))

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(380, 140)

    # ---- state --------------------------------------------------------------------------

    @property
    def strokes(self) -> list[list[Point]]:
        return [list(stroke) for stroke in self._strokes]

    def is_empty(self) -> bool:
        return not any(len(stroke) >= 1 for stroke in self._strokes)

    def clear(self) -> None:
        if not self._strokes and self._current is None:
            return
        self._strokes = []
        self._current = None
        self.update()
        emit(self.changed)

    # ---- input --------------------------------------------------------------------------

    def _begin(self, pos: QPointF, pressure: float = NO_PRESSURE) -> None:
        if not self.isEnabled():
            return
        self._current = [(pos.x(), pos.y(), pressure)]
        self._strokes.append(self._current)
        self.update()

    def _extend(self, pos: QPointF, pressure: float = NO_PRESSURE) -> None:
        if self._current is None:
            return
        x, y = pos.x(), pos.y()
        last = self._current[-1]
        if abs(last[0] - x) < 0.5 and abs(last[1] - y) < 0.5:
            return
        self._current.append((x, y, pressure))
        self.update()

    def _end(self, pos: QPointF | None = None, pressure: float = NO_PRESSURE) -> None:
        if self._current is None:
            return
        if pos is not None:
            self._extend(pos, pressure)
        self._current = None
        self.update()
        emit(self.changed)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self._begin(event.position())
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._extend(event.position())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self._end(event.position())
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def tabletEvent(self, event: QTabletEvent) -> None:  # noqa: N802
        """A pen: accepted, so that Qt does not also send the same stroke as mouse events."""
        pressure = event.pressure() if event.pressure() > 0 else NO_PRESSURE
        kind = event.type()
        if kind == QEvent.Type.TabletPress:
            self._begin(event.position(), pressure)
        elif kind == QEvent.Type.TabletMove:
            self._extend(event.position(), pressure)
        elif kind == QEvent.Type.TabletRelease:
            self._end(event.position(), pressure)
        event.accept()

    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd,
                    QEvent.Type.TouchCancel) and isinstance(event, QTouchEvent):
            points = event.points()
            if points:
                position = points[0].position()
                if kind == QEvent.Type.TouchBegin:
                    self._begin(position)
                elif kind == QEvent.Type.TouchUpdate:
                    self._extend(position)
                else:
                    self._end(position if kind == QEvent.Type.TouchEnd else None)
            event.accept()
            return True
        return super().event(event)

    # ---- painting -----------------------------------------------------------------------

    @staticmethod
    def _paint_strokes(painter: QPainter, strokes: list[list[Point]], colour: QColor) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for stroke in strokes:
            if not stroke:
                continue
            if len(stroke) == 1:
                x, y, pressure = stroke[0]
                width = _width(pressure)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(colour)
                painter.drawEllipse(QPointF(x, y), width / 2 + 0.3, width / 2 + 0.3)
                continue
            painter.setBrush(Qt.BrushStyle.NoBrush)
            uniform = all(p[2] == stroke[0][2] for p in stroke)
            if uniform:
                painter.setPen(_pen(colour, _width(stroke[0][2])))
                path = QPainterPath(QPointF(stroke[0][0], stroke[0][1]))
                for (x0, y0, _p0), (x1, y1, _p1) in zip(stroke, stroke[1:], strict=False):
                    # smooth: a quadratic curve through the midpoints
                    path.quadTo(QPointF(x0, y0), QPointF((x0 + x1) / 2, (y0 + y1) / 2))
                path.lineTo(QPointF(stroke[-1][0], stroke[-1][1]))
                painter.drawPath(path)
            else:
                for (x0, y0, p0), (x1, y1, p1) in zip(stroke, stroke[1:], strict=False):
                    painter.setPen(_pen(colour, _width((p0 + p1) / 2)))
                    painter.drawLine(QPointF(x0, y0), QPointF(x1, y1))

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        enabled = self.isEnabled()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor("#b8bec4"), 1))
        painter.setBrush(QColor("#ffffff") if enabled else QColor("#f1f3f4"))
        painter.drawRoundedRect(rect, 5, 5)
        # the line to sign on, with its cross
        base_y = rect.bottom() - max(26.0, rect.height() * 0.24)
        painter.setPen(QPen(QColor("#c4c9ce"), 1))
        painter.drawLine(QPointF(rect.left() + 18, base_y), QPointF(rect.right() - 18, base_y))
        painter.setPen(QPen(QColor(style.MUTED_TEXT), 1.4))
        painter.drawLine(QPointF(rect.left() + 20, base_y - 12), QPointF(rect.left() + 28, base_y - 4))
        painter.drawLine(QPointF(rect.left() + 28, base_y - 12), QPointF(rect.left() + 20, base_y - 4))
        if self.is_empty():
            painter.setPen(QColor("#9aa0a6"))
            hint = self._enabled_hint if enabled else _("No drawn signature")
            painter.drawText(QRectF(rect.left(), base_y + 2, rect.width(), rect.bottom() - base_y - 2),
                             Qt.AlignmentFlag.AlignCenter, hint)
        self._paint_strokes(painter, self._strokes, QColor(INK) if enabled else QColor("#9aa0a6"))
        painter.end()

    # ---- export -------------------------------------------------------------------------

    def bounding_rect(self) -> QRectF:
        points = [p for stroke in self._strokes for p in stroke]
        if not points:
            return QRectF()
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        grow = max(_width(p[2]) for p in points) / 2 + 1
        return QRectF(min(xs) - grow, min(ys) - grow, max(xs) - min(xs) + 2 * grow, max(ys) - min(ys) + 2 * grow)

    def to_image(self) -> QImage | None:
        """The strokes on a transparent picture just large enough to hold them (None: nothing drawn)."""
        if self.is_empty():
            return None
        bounds = self.bounding_rect()
        width = int(bounds.width() * EXPORT_SCALE) + 2 * EXPORT_MARGIN
        height = int(bounds.height() * EXPORT_SCALE) + 2 * EXPORT_MARGIN
        image = QImage(max(width, 1), max(height, 1), QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.translate(EXPORT_MARGIN, EXPORT_MARGIN)
        painter.scale(EXPORT_SCALE, EXPORT_SCALE)
        painter.translate(-bounds.left(), -bounds.top())
        self._paint_strokes(painter, self._strokes, QColor(INK))
        painter.end()
        return image

    def to_png(self) -> bytes | None:
        """The drawn signature as PNG bytes (None: nothing drawn)."""
        image = self.to_image()
        if image is None:
            return None
        return image_to_png(image)


def image_to_png(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def _width(pressure: float) -> float:
    return PEN_WIDTH * (0.6 + 0.8 * max(0.0, min(pressure, 1.0)))


def _pen(colour: QColor, width: float) -> QPen:
    pen = QPen(colour, width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen
