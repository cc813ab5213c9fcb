"""Colours and small painted icons shared by the views (no resources needed)."""

from __future__ import annotations

from functools import cache
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QProxyStyle, QStyle, QStyleOption, QWidget

from oekoaudit.domain.audit import AuditStatus
from oekoaudit.domain.checklist import Rating
from oekoaudit.domain.scoring import Verdict

#: Strong colour of a rating: dots, checked answer buttons, progress bars.
RATING_COLOURS: dict[Rating, str] = {
    Rating.CONFORM: "#2e7d32",
    Rating.MINOR_NC: "#ef8f00",
    Rating.MAJOR_NC: "#c62828",
    Rating.OBSERVATION: "#1e6fb8",
    Rating.IMPROVEMENT: "#00838f",
    Rating.NOT_APPLICABLE: "#8a8f94",
}
#: Darker variant for text on a light background.
RATING_TEXT_COLOURS: dict[Rating, str] = {
    Rating.CONFORM: "#1b5e20",
    Rating.MINOR_NC: "#9a5b00",
    Rating.MAJOR_NC: "#b71c1c",
    Rating.OBSERVATION: "#16538c",
    Rating.IMPROVEMENT: "#006064",
    Rating.NOT_APPLICABLE: "#6b7075",
}

_VERDICT_RATING: dict[Verdict, Rating] = {
    Verdict.CONFORM: Rating.CONFORM,
    Verdict.IMPROVEMENT: Rating.IMPROVEMENT,
    Verdict.OBSERVATION: Rating.OBSERVATION,
    Verdict.MINOR_NC: Rating.MINOR_NC,
    Verdict.MAJOR_NC: Rating.MAJOR_NC,
}

MUTED_TEXT = "#5f6368"
ACCENT = "#2e6b4f"  # oekoaudit green, for headings and the progress bar
ERROR_TEXT = "#b71c1c"
#: an answer carried over from an earlier audit, not yet confirmed (amber: look at it again)
CARRIED_TEXT = "#8a5a00"
CARRIED_BACKGROUND = "#fff8e1"
CARRIED_BORDER = "#f0c36d"


def rating_colour(rating: Rating | None) -> QColor | None:
    if rating is None or rating not in RATING_COLOURS:
        return None
    return QColor(RATING_COLOURS[rating])


def rating_text_colour(rating: Rating | None) -> QColor | None:
    if rating is None or rating not in RATING_TEXT_COLOURS:
        return None
    return QColor(RATING_TEXT_COLOURS[rating])


def verdict_rating(verdict: Verdict) -> Rating | None:
    return _VERDICT_RATING.get(verdict)


@cache
def dot_icon(colour: str, size: int = 12) -> QIcon:
    """A filled circle; for ``open`` answers a hollow grey ring keeps the column aligned."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    rect = QRectF(1.5, 1.5, size - 3, size - 3)
    if colour:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(colour))
    else:
        painter.setPen(QColor("#b0b4b8"))
        painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawEllipse(rect)
    painter.end()
    return QIcon(pixmap)


def rating_icon(rating: Rating | None) -> QIcon:
    return dot_icon(RATING_COLOURS.get(rating, "") if rating is not None else "")


def verdict_icon(verdict: Verdict) -> QIcon:
    rating = verdict_rating(verdict)
    return rating_icon(rating)


def progress_bar_style(colour: str = ACCENT) -> str:
    return (
        "QProgressBar { border: 1px solid #c9cdd1; border-radius: 4px; background: #f1f3f4;"
        " text-align: center; min-height: 16px; }"
        f"QProgressBar::chunk {{ background: {colour}; border-radius: 3px; }}"
    )


def answer_button_style(colour: str) -> str:
    return (
        "QPushButton { text-align: left; padding: 4px 7px; border: 1px solid #c4c8cc;"
        " border-radius: 4px; background: #ffffff; color: #202124; }"
        "QPushButton:hover { border-color: #80868b; background: #f6f8f9; }"
        "QPushButton:focus { border: 2px solid #5b8def; padding: 3px 6px; }"
        f"QPushButton:checked {{ background: {colour}; border-color: {colour}; color: #ffffff; }}"
        "QPushButton:disabled { color: #9aa0a6; }"
    )


class AppStyle(QProxyStyle):
    """The platform style with room for accents: DejaVu's "Ü" rises above the font's ascent,
    and Qt's tabs are just tall enough to clip its dots."""

    def sizeFromContents(self, kind: QStyle.ContentsType, option: QStyleOption | None, size: Any,  # noqa: N802
                         widget: QWidget | None = None) -> Any:
        result = super().sizeFromContents(kind, option, size, widget)
        if kind == QStyle.ContentsType.CT_TabBarTab:
            result.setHeight(result.height() + 6)
        return result


#: The audit's status: strong colour (text, dot), the banner's background and border.
STATUS_COLOURS: dict[AuditStatus, str] = {
    AuditStatus.PLANNED: "#5f6368",
    AuditStatus.IN_PROGRESS: "#16538c",
    AuditStatus.IN_REVIEW: "#9a5b00",
    AuditStatus.CLOSED: "#1b5e20",
}
STATUS_BACKGROUNDS: dict[AuditStatus, str] = {
    AuditStatus.PLANNED: "#f3f4f5",
    AuditStatus.IN_PROGRESS: "#eef4fb",
    AuditStatus.IN_REVIEW: "#fdf5e6",
    AuditStatus.CLOSED: "#edf5ee",
}
STATUS_BORDERS: dict[AuditStatus, str] = {
    AuditStatus.PLANNED: "#dadce0",
    AuditStatus.IN_PROGRESS: "#c9dbef",
    AuditStatus.IN_REVIEW: "#f0dcb4",
    AuditStatus.CLOSED: "#c3dfc6",
}


@cache
def lock_icon(colour: str = "#1b5e20", size: int = 16) -> QIcon:
    """A small padlock (closed, signed audits)."""
    pixmap = QPixmap(size * 2, size * 2)
    pixmap.setDevicePixelRatio(2.0)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 16
    pen = QPen(QColor(colour), 1.8 * s)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawArc(QRectF(4.5 * s, 1.5 * s, 7 * s, 9 * s), 0, 180 * 16)
    painter.drawLine(QPointF(4.5 * s, 6 * s), QPointF(4.5 * s, 7.5 * s))
    painter.drawLine(QPointF(11.5 * s, 6 * s), QPointF(11.5 * s, 7.5 * s))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    painter.drawRoundedRect(QRectF(2.5 * s, 7 * s, 11 * s, 8 * s), 1.5 * s, 1.5 * s)
    painter.setBrush(QColor("#ffffff"))
    painter.drawEllipse(QPointF(8 * s, 10.5 * s), 1.3 * s, 1.3 * s)
    painter.end()
    return QIcon(pixmap)


def primary_button_style(colour: str = ACCENT) -> str:
    """The one button that takes the audit its next step."""
    return (
        f"QPushButton {{ background: {colour}; color: #ffffff; border: 1px solid {colour};"
        " border-radius: 4px; padding: 4px 12px; font-weight: bold; }"
        "QPushButton:hover { background: #245a41; }"
        "QPushButton:focus { border: 2px solid #5b8def; padding: 3px 11px; }"
        "QPushButton:disabled { background: #9aa0a6; border-color: #9aa0a6; }"
    )
