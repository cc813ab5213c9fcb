"""A small bar chart of one indicator over the years, drawn with QPainter (no QtCharts).

One bar per year (the latest in the accent colour), its value above it, the year below, a light
grid on "nice" steps from zero, and in the title row the change against the year before
("▲ 4,2 % ggü. 2024"). Years without a value leave a gap with a dash. Values are Decimals; only
the geometry is computed in floats.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from oekoaudit.domain.checklist import Rating
from oekoaudit.i18n import _
from oekoaudit.ui import style
from oekoaudit.ui.numbers import format_decimal, format_quantity

BAR_COLOUR = "#a9c8b8"
LATEST_COLOUR = style.ACCENT
GRID_COLOUR = "#e3e6e8"
AXIS_COLOUR = "#9aa0a6"
#: change against the year before: rising and falling (neutral colours: whether more is better
#: depends on the indicator, see ``TrendChart.set_series(lower_is_better=…)``)
GOOD_COLOUR = style.RATING_TEXT_COLOURS[Rating.CONFORM]
BAD_COLOUR = style.ERROR_TEXT


@dataclass(frozen=True, slots=True)
class Point:
    year: int
    value: Decimal | None
    #: shown under the value as a tooltip-like hint (e.g. a plausibility warning): the bar is hatched
    warning: str = ""


def nice_step(span: float, ticks: int = 4) -> float:
    """A round step (1, 2, 2.5 or 5 × 10ⁿ) that divides ``span`` into about ``ticks`` parts."""
    if span <= 0:
        return 1.0
    raw = span / max(ticks, 1)
    power = 10.0 ** _floor_log10(raw)
    for factor in (1.0, 2.0, 2.5, 5.0, 10.0):
        if raw <= factor * power * 1.0000001:
            return factor * power
    return 10.0 * power  # pragma: no cover - the loop always returns


def _floor_log10(value: float) -> int:
    exponent = 0
    while value >= 10:
        value /= 10
        exponent += 1
    while value < 1:
        value *= 10
        exponent -= 1
    return exponent


def axis_range(values: Sequence[float], ticks: int = 4) -> tuple[float, float, float]:
    """(bottom, top, step) of an axis that starts at zero (or below it for negative values) and
    ends on a round step at or above the largest value."""
    high = max([0.0, *values])
    low = min([0.0, *values])
    if high == low:
        return 0.0, 1.0, nice_step(1.0, ticks)
    step = nice_step(high - low or 1.0, ticks)
    top = step * _ceil(high / step) if high > 0 else 0.0
    bottom = -step * _ceil(-low / step) if low < 0 else 0.0
    if top == bottom:
        top = bottom + step
    return bottom, top, step


def _ceil(value: float) -> int:
    whole = int(value)
    return whole if whole >= value - 1e-9 else whole + 1


def change_percent(points: Sequence[Point]) -> tuple[int, int, Decimal] | None:
    """(previous year, latest year, change in %) between the last two years with a value, if the
    earlier one is not zero."""
    known = [p for p in points if p.value is not None]
    if len(known) < 2:
        return None
    before, latest = known[-2], known[-1]
    assert before.value is not None and latest.value is not None
    if before.value == 0:
        return None
    return before.year, latest.year, (latest.value - before.value) / abs(before.value) * 100


class TrendChart(QWidget):
    """``set_series(title, unit, points)``; ``clear()`` shows only the hint."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trend_chart")
        self._title = ""
        self._unit = ""
        self._points: tuple[Point, ...] = ()
        self._lower_is_better: bool | None = None
        self._hint = _("Choose a row to see its trend.")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(220, 170)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, False)

    # ---- content ------------------------------------------------------------------------

    @property
    def title(self) -> str:
        return self._title

    @property
    def points(self) -> tuple[Point, ...]:
        return self._points

    def set_series(self, title: str, unit: str, points: Sequence[Point], *,
                   lower_is_better: bool | None = None) -> None:
        """The indicator's values by year (in year order; missing years may be None). Whether a
        fall is good colours the change (None: neutral)."""
        self._title = title
        self._unit = unit
        self._points = tuple(sorted(points, key=lambda p: p.year))
        self._lower_is_better = lower_is_better
        self.setToolTip(self._summary())
        self.setAccessibleName(self._summary())
        self.update()

    def clear(self, hint: str | None = None) -> None:
        self._title = ""
        self._unit = ""
        self._points = ()
        if hint is not None:
            self._hint = hint
        self.setToolTip("")
        self.update()

    def change_text(self) -> str:
        """"▲ 4,2 % ggü. 2024", or "" when there is nothing to compare."""
        change = change_percent(self._points)
        if change is None:
            return ""
        before, _latest, percent = change
        arrow = "\u25b2" if percent > 0 else "\u25bc" if percent < 0 else "\u25b6"
        change = format_decimal(abs(percent), 1 if abs(percent) < 100 else 0) + " %"
        return _("{arrow} {change} vs. {year}").format(arrow=arrow, change=change, year=before)

    def _summary(self) -> str:
        values = ", ".join(f"{p.year}: {format_quantity(p.value) if p.value is not None else '–'}"
                           for p in self._points)
        unit = f" ({self._unit})" if self._unit else ""
        change = self.change_text()
        return f"{self._title}{unit} – {values}" + (f" – {change}" if change else "") if self._title else ""

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(340, 220)

    # ---- painting -----------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            self.paint(painter, QRectF(self.rect()))
        finally:
            painter.end()

    def paint(self, painter: QPainter, rect: QRectF) -> None:
        """Draw into ``rect`` (also used to render the chart elsewhere, e.g. into an image)."""
        painter.fillRect(rect, QColor("#ffffff"))
        painter.setPen(QColor("#dadce0"))
        painter.drawRect(rect.adjusted(0.5, 0.5, -0.5, -0.5))
        inner = rect.adjusted(12, 10, -12, -8)
        font = QFont(self.font())
        metrics = QFontMetrics(font)
        if not self._title:
            painter.setPen(QColor(style.MUTED_TEXT))
            painter.setFont(font)
            painter.drawText(inner, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._hint)
            return
        top = self._paint_title(painter, inner, font, metrics)
        known = [p for p in self._points if p.value is not None]
        if not known:
            painter.setPen(QColor(style.MUTED_TEXT))
            painter.setFont(font)
            painter.drawText(QRectF(inner.left(), top, inner.width(), inner.bottom() - top),
                             Qt.AlignmentFlag.AlignCenter, _("No figures yet."))
            return
        self._paint_bars(painter, QRectF(inner.left(), top + 4, inner.width(), inner.bottom() - top - 4), font)

    def _paint_title(self, painter: QPainter, inner: QRectF, font: QFont, metrics: QFontMetrics) -> float:
        bold = QFont(font)
        bold.setBold(True)
        bold_metrics = QFontMetrics(bold)
        change = self.change_text()
        change_width = metrics.horizontalAdvance(change) + 8 if change else 0
        painter.setFont(bold)
        painter.setPen(QColor("#202124"))
        title = bold_metrics.elidedText(self._title, Qt.TextElideMode.ElideRight,
                                        int(inner.width() - change_width))
        line = bold_metrics.height()
        painter.drawText(QRectF(inner.left(), inner.top(), inner.width() - change_width, line),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
        if change:
            painter.setFont(font)
            painter.setPen(self._change_colour())
            painter.drawText(QRectF(inner.right() - change_width, inner.top(), change_width, line),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, change)
        top = inner.top() + line
        if self._unit:
            painter.setFont(font)
            painter.setPen(QColor(style.MUTED_TEXT))
            painter.drawText(QRectF(inner.left(), top, inner.width(), metrics.height()),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             metrics.elidedText(self._unit, Qt.TextElideMode.ElideRight, int(inner.width())))
            top += metrics.height()
        return top + 2

    def _change_colour(self) -> QColor:
        change = change_percent(self._points)
        if change is None or self._lower_is_better is None or change[2] == 0:
            return QColor(style.MUTED_TEXT)
        good = (change[2] < 0) == self._lower_is_better
        return QColor(GOOD_COLOUR if good else BAD_COLOUR)

    def _paint_bars(self, painter: QPainter, area: QRectF, font: QFont) -> None:
        small = QFont(font)
        small.setPointSizeF(max(font.pointSizeF() * 0.85, 7.0))
        small_metrics = QFontMetrics(small)
        values = [float(p.value) for p in self._points if p.value is not None]
        bottom, top, step = axis_range(values)
        labels = []
        tick = bottom
        while tick <= top + step / 1000:
            labels.append((tick, format_decimal(Decimal(repr(round(tick, 6))), None)))
            tick += step
        axis_width = max(small_metrics.horizontalAdvance(text) for _tick, text in labels) + 6
        plot = QRectF(area.left() + axis_width, area.top() + small_metrics.height() + 2,
                      area.width() - axis_width, area.height() - 2 * small_metrics.height() - 6)
        if plot.height() < 20 or plot.width() < 20:
            return

        def y_of(value: float) -> float:
            return plot.bottom() - (value - bottom) / (top - bottom) * plot.height()

        painter.setFont(small)
        for tick, text in labels:
            y = y_of(tick)
            painter.setPen(QPen(QColor(AXIS_COLOUR if tick == 0 else GRID_COLOUR), 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(QColor(style.MUTED_TEXT))
            painter.drawText(QRectF(area.left(), y - small_metrics.height() / 2, axis_width - 6,
                                    small_metrics.height()),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)
        count = len(self._points)
        slot = plot.width() / count
        bar_width = min(slot * 0.62, 64.0)
        latest = max((p.year for p in self._points if p.value is not None), default=None)
        zero = y_of(0.0)
        for index, point in enumerate(self._points):
            centre = plot.left() + slot * (index + 0.5)
            year_rect = QRectF(centre - slot / 2, plot.bottom() + 3, slot, small_metrics.height())
            painter.setPen(QColor("#3c4043"))
            painter.drawText(year_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, str(point.year))
            if point.value is None:
                painter.setPen(QColor(AXIS_COLOUR))
                painter.drawText(QRectF(centre - slot / 2, zero - small_metrics.height() - 2, slot,
                                        small_metrics.height()), Qt.AlignmentFlag.AlignCenter, "–")
                continue
            y = y_of(float(point.value))
            bar = QRectF(centre - bar_width / 2, min(y, zero), bar_width, max(abs(zero - y), 1.0))
            colour = QColor(LATEST_COLOUR if point.year == latest else BAR_COLOUR)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawRoundedRect(bar, 2, 2)
            if point.warning:
                painter.setBrush(QBrush(QColor(style.CARRIED_TEXT), Qt.BrushStyle.BDiagPattern))
                painter.setPen(QPen(QColor(style.CARRIED_TEXT), 1))
                painter.drawRoundedRect(bar, 2, 2)
            text = format_quantity(point.value)
            label_rect = QRectF(centre - slot / 2, (y if point.value >= 0 else zero) - small_metrics.height() - 1,
                                slot, small_metrics.height())
            painter.setPen(QColor(style.CARRIED_TEXT if point.warning else "#202124"))
            painter.drawText(label_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                             small_metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(slot)))
