"""Painting of evidence: annotations over a picture, document icons, placeholders and badges.

Annotations are domain :class:`~oekoaudit.domain.evidence.Shape` vectors in coordinates relative
to the displayed picture (0..1 across its width and height); :func:`paint_shapes` draws them
over the rectangle the picture occupies on screen, so the same shapes fit a tile of the grid,
the details pane and the large viewer. Redactions are drawn first (black, or a coarse mosaic of
the picture under them), the other shapes on top, as the renderings that leave the app have them.
Every size (stroke, label, marker, arrow head, mosaic) comes from the domain's
:func:`~oekoaudit.domain.evidence.metrics`, relative to the picture's size on screen, so a tile,
the viewer, the annotation editor and the burnt-in rendering show them alike.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache
from typing import Any

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QPolygonF,
)
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from oekoaudit.domain.evidence import (
    Origin,
    Shape,
    ShapeKind,
    metrics,
    mosaic_grid,
    ring_colour,
    text_colour,
)

ON_SITE_TEXT = "#1b5e20"
ON_SITE_BACKGROUND = "#e6f4e7"
ON_SITE_BORDER = "#a5d6a7"
LATER_TEXT = "#8a5a00"
LATER_BACKGROUND = "#fff4dc"
LATER_BORDER = "#f0c36d"

#: Colour of a document icon by file extension (the rest are grey).
DOCUMENT_COLOURS = {
    "PDF": "#c62828", "DOC": "#1e5aa8", "DOCX": "#1e5aa8", "ODT": "#1e5aa8", "RTF": "#1e5aa8",
    "XLS": "#1e7d45", "XLSX": "#1e7d45", "ODS": "#1e7d45", "CSV": "#1e7d45",
    "PPT": "#c4501b", "PPTX": "#c4501b", "ODP": "#c4501b", "ZIP": "#6d5a9c", "TXT": "#5f6368",
}


def origin_colours(origin: Origin) -> tuple[str, str, str]:
    """(text, background, border) of the origin badge."""
    if origin is Origin.ON_SITE:
        return ON_SITE_TEXT, ON_SITE_BACKGROUND, ON_SITE_BORDER
    return LATER_TEXT, LATER_BACKGROUND, LATER_BORDER


def fit_rect(size: QSize, area: QRectF) -> QRectF:
    """The largest rectangle of ``size``'s proportions centred in ``area``."""
    if size.isEmpty() or area.isEmpty():
        return QRectF(area)
    scale = min(area.width() / size.width(), area.height() / size.height())
    width, height = size.width() * scale, size.height() * scale
    return QRectF(area.x() + (area.width() - width) / 2, area.y() + (area.height() - height) / 2, width, height)


def _point(rect: QRectF, point: tuple[float, float]) -> QPointF:
    return QPointF(rect.x() + point[0] * rect.width(), rect.y() + point[1] * rect.height())


def _box(rect: QRectF, shape: Shape) -> QRectF:
    left, top, right, bottom = shape.box()
    return QRectF(_point(rect, (left, top)), _point(rect, (right, bottom))).normalized()


def _mosaic(source: QImage, box: QRectF, rect: QRectF) -> QImage | None:
    """The part of ``source`` under ``box`` (widget coordinates over ``rect``) as a coarse mosaic."""
    if source.isNull() or rect.width() <= 0 or rect.height() <= 0:
        return None
    sx = source.width() / rect.width()
    sy = source.height() / rect.height()
    area = QRect(int((box.x() - rect.x()) * sx), int((box.y() - rect.y()) * sy),
                 max(1, int(math.ceil(box.width() * sx))), max(1, int(math.ceil(box.height() * sy))))
    area = area.intersected(source.rect())
    if area.isEmpty():
        return None
    part = source.copy(area)
    cols, rows = mosaic_grid(part.width(), part.height())
    return part.scaled(cols, rows, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation)


def _font(base: QFont, size: float, bold: bool = False) -> QFont:
    font = QFont(base)
    font.setPixelSize(max(1, round(size)))
    font.setBold(bold)
    return font


def paint_shapes(painter: QPainter, rect: QRectF, shapes: Sequence[Shape],
                 source: QImage | QPixmap | None = None) -> None:
    """Draw ``shapes`` over the picture shown in ``rect``; ``source`` (the picture itself) gives the
    pixels a blur redaction turns into a mosaic (without it the area is filled dark grey)."""
    if not shapes or rect.isEmpty():
        return
    image = source.toImage() if isinstance(source, QPixmap) else source
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setClipRect(rect)
    for shape in shapes:
        if not shape.kind.redacts:
            continue
        box = _box(rect, shape)
        if shape.kind is ShapeKind.REDACT_BLACK:
            painter.fillRect(box, QColor("#000000"))
            continue
        mosaic = _mosaic(image, box, rect) if image is not None else None
        if mosaic is None:
            painter.fillRect(box, QColor("#5f6368"))
        else:  # smoothed, as the editor previews it and the export blurs it
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            painter.drawImage(box, mosaic)
            painter.restore()
    for shape in shapes:
        if not shape.kind.redacts:
            _paint_shape(painter, rect, shape)
    painter.restore()


def _paint_shape(painter: QPainter, rect: QRectF, shape: Shape) -> None:
    colour = QColor(shape.colour)
    sizes = metrics(shape.width, rect.width(), rect.height())
    pen = QPen(colour, sizes.stroke, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    kind = shape.kind
    if kind is ShapeKind.RECT:
        painter.drawRect(_box(rect, shape))
    elif kind is ShapeKind.ELLIPSE:
        painter.drawEllipse(_box(rect, shape))
    elif kind is ShapeKind.FREEHAND:
        path = QPainterPath(_point(rect, shape.points[0]))
        for point in shape.points[1:]:
            path.lineTo(_point(rect, point))
        painter.drawPath(path)
    elif kind is ShapeKind.ARROW:
        tail, tip = _point(rect, shape.points[0]), _point(rect, shape.points[1])
        geometry = sizes.arrow_head((tail.x(), tail.y()), (tip.x(), tip.y()))
        if geometry is None:
            return
        base, left, right = (QPointF(*p) for p in geometry)
        painter.drawLine(tail, base)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawPolygon(QPolygonF([tip, left, right]))
    elif kind is ShapeKind.MARKER:
        centre = _point(rect, shape.points[0])
        radius = sizes.marker_radius
        painter.setPen(QPen(QColor(ring_colour(shape.colour)), sizes.ring))
        painter.setBrush(colour)
        painter.drawEllipse(centre, radius, radius)
        number = str(shape.number or "")
        painter.setFont(_font(painter.font(), sizes.number_size(number), bold=True))
        painter.setPen(QColor(text_colour(shape.colour)))
        painter.drawText(QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius),
                         Qt.AlignmentFlag.AlignCenter, number)
    elif kind is ShapeKind.TEXT and shape.text:
        font = _font(painter.font(), sizes.text_size)
        painter.setFont(font)
        font_metrics = QFontMetricsF(font)
        pad = sizes.padding
        top_left = _point(rect, shape.points[0])
        lines = shape.text.split("\n")
        text_width = max(font_metrics.horizontalAdvance(line) for line in lines)
        box = QRectF(top_left.x(), top_left.y(), text_width + 2 * pad, font_metrics.height() * len(lines) + 2 * pad)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawRoundedRect(box, pad, pad)
        painter.setPen(QColor(text_colour(shape.colour)))
        painter.drawText(box.adjusted(pad, pad, -pad, -pad), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                         "\n".join(lines))


def document_label(name: str, media_type: str) -> str:
    """What a document icon says: the file's extension (PDF, DOCX, …), else its media type's kind."""
    suffix = name.rsplit(".", 1)[-1].upper() if "." in name else ""
    if suffix and len(suffix) <= 5 and suffix.isalnum():
        return suffix
    if media_type == "application/pdf":
        return "PDF"
    return media_type.split("/")[-1][:4].upper() if media_type else "?"


@cache
def document_icon(label: str, size: int = 128) -> QPixmap:
    """A sheet of paper with a folded corner and a coloured band with ``label`` (PDF, XLSX, …)."""
    ratio = 2.0
    pixmap = QPixmap(int(size * ratio), int(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 128
    colour = QColor(DOCUMENT_COLOURS.get(label, "#6b7075"))
    page = QPainterPath()
    left, top, right, bottom, fold = 24 * s, 8 * s, 104 * s, 120 * s, 26 * s
    page.moveTo(left, top)
    page.lineTo(right - fold, top)
    page.lineTo(right, top + fold)
    page.lineTo(right, bottom)
    page.lineTo(left, bottom)
    page.closeSubpath()
    painter.setPen(QPen(QColor("#b8bdc2"), 1.5 * s))
    painter.setBrush(QColor("#ffffff"))
    painter.drawPath(page)
    corner = QPolygonF([QPointF(right - fold, top), QPointF(right - fold, top + fold), QPointF(right, top + fold)])
    painter.setBrush(QColor("#e3e6e8"))
    painter.drawPolygon(corner)
    painter.setPen(QPen(QColor("#d5d9dc"), 3 * s))
    for y in (40, 50, 60):
        painter.drawLine(QPointF(left + 12 * s, y * s), QPointF(right - 14 * s, y * s))
    band = QRectF(left - 8 * s, 74 * s, right - left + 16 * s, 30 * s)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawRoundedRect(band, 4 * s, 4 * s)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int((18 if len(label) <= 4 else 14) * s))
    painter.setFont(font)
    painter.setPen(QColor("#ffffff"))
    painter.drawText(band, Qt.AlignmentFlag.AlignCenter, label)
    painter.end()
    return pixmap


def paint_placeholder(painter: QPainter, rect: QRectF) -> None:
    """A light frame with a small picture sign: the thumbnail is on its way."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#eef0f2"))
    painter.drawRoundedRect(rect, 4, 4)
    side = min(rect.width(), rect.height()) * 0.3
    glyph = QRectF(rect.center().x() - side / 2, rect.center().y() - side * 0.4, side, side * 0.8)
    painter.setPen(QPen(QColor("#c4c8cc"), max(1.0, side / 14)))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(glyph, side / 10, side / 10)
    mountain = QPolygonF([QPointF(glyph.left() + side * 0.12, glyph.bottom() - side * 0.12),
                          QPointF(glyph.left() + side * 0.4, glyph.top() + side * 0.35),
                          QPointF(glyph.left() + side * 0.6, glyph.bottom() - side * 0.3),
                          QPointF(glyph.left() + side * 0.72, glyph.top() + side * 0.48),
                          QPointF(glyph.right() - side * 0.1, glyph.bottom() - side * 0.12)])
    painter.drawPolyline(mountain)
    painter.setBrush(QBrush(QColor("#c4c8cc")))
    painter.drawEllipse(QPointF(glyph.right() - side * 0.28, glyph.top() + side * 0.24), side * 0.07, side * 0.07)
    painter.restore()


def paint_badge(painter: QPainter, rect: QRectF, text: str, origin: Origin) -> QRectF:
    """A small pill with ``text`` in the origin's colours, its top-left corner at ``rect``'s; returns it."""
    fg, bg, border = origin_colours(origin)
    font = QFont(painter.font())
    font.setPointSizeF(max(6.5, font.pointSizeF() * 0.8))
    font.setBold(True)
    metrics = QFontMetricsF(font)
    pill = QRectF(rect.x(), rect.y(), metrics.horizontalAdvance(text) + 12, metrics.height() + 4)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor(border), 1))
    painter.setBrush(QColor(bg))
    painter.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2)
    painter.setFont(font)
    painter.setPen(QColor(fg))
    painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)
    painter.restore()
    return pill


def badge_style(origin: Origin) -> str:
    """The style sheet of a QLabel shown as the origin badge (details pane, viewer)."""
    fg, bg, border = origin_colours(origin)
    return (f"QLabel {{ color: {fg}; background: {bg}; border: 1px solid {border}; border-radius: 9px;"
            " padding: 1px 9px; font-weight: bold; }")


class ElidedLabel(QLabel):
    """A one-line label that ends in "…" when it is narrower than its text (the tooltip has all)."""

    def __init__(self, text: str = "", parent: QWidget | None = None,
                 mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight) -> None:
        super().__init__(text, parent)
        self._mode = mode
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setTextFormat(Qt.TextFormat.PlainText)

    def setText(self, text: str) -> None:  # noqa: N802
        super().setText(text)
        self.setToolTip(text)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(20, super().minimumSizeHint().height())

    def paintEvent(self, _event: Any) -> None:  # noqa: N802
        painter = QPainter(self)
        rect = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), self._mode, rect.width())
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.setFont(self.font())
        painter.drawText(rect, int(self.alignment()) | int(Qt.AlignmentFlag.AlignVCenter), text)
        painter.end()
