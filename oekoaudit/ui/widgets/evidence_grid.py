"""The grid of evidence tiles (gallery and strips): a QListView in icon mode with a delegate that
paints each tile — thumbnail (a placeholder until it is loaded) with its annotations, the
on-site/imported-later badge, how many links, the caption or name.

Dragging tiles inside the grid reorders them (:attr:`EvidenceGrid.moved`); files and pictures
dropped from outside are handed on (:attr:`EvidenceGrid.files_dropped`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDrag,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from oekoaudit import i18n
from oekoaudit.domain.evidence import Evidence
from oekoaudit.i18n import _
from oekoaudit.ui import style
from oekoaudit.ui.evidence_import import carries_evidence
from oekoaudit.ui.models.evidence_model import (
    EVIDENCE_MIME,
    ObjectRole,
    ThumbnailRole,
    display_name,
    evidence_ids,
    origin_text,
)
from oekoaudit.ui.qtcompat import emit
from oekoaudit.ui.widgets.evidence_paint import (
    document_icon,
    document_label,
    fit_rect,
    paint_badge,
    paint_placeholder,
    paint_shapes,
)
from oekoaudit.ui.widgets.tables import open_or_delete_key

AnyIndex = QModelIndex | QPersistentModelIndex

#: a gallery tile: the thumbnail's box and the two lines of text below it
THUMB_BOX = QSize(168, 126)
TILE_PAD = 7
CARD_BORDER = "#dfe2e5"
SELECTED_BACKGROUND = "#e8f2ec"


def format_when(when: datetime | None) -> str:
    """A date and time in the user's language, in local time ("12.05.2025, 10:14")."""
    if when is None:
        return ""
    local = when.astimezone() if when.tzinfo is not None else when
    if i18n.get_language() == "de":
        return local.strftime("%d.%m.%Y, %H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def _chain(painter: QPainter, x: float, y: float, size: float, colour: QColor) -> None:
    """A small chain link sign (two interlocked rounded bars)."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(colour, max(1.2, size / 7)))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.translate(x + size / 2, y + size / 2)
    painter.rotate(-45)
    w, h = size * 0.62, size * 0.36
    painter.drawRoundedRect(QRectF(-w + size * 0.12, -h / 2, w, h), h / 2, h / 2)
    painter.drawRoundedRect(QRectF(-size * 0.12, -h / 2, w, h), h / 2, h / 2)
    painter.restore()


class EvidenceDelegate(QStyledItemDelegate):
    """Paints a tile; ``compact`` tiles (the strips) are a thumbnail with a small badge dot only."""

    def __init__(self, parent: QWidget | None = None, thumb: QSize = THUMB_BOX, compact: bool = False) -> None:
        super().__init__(parent)
        #: the thumbnail's box; the grid widens it so that the tiles fill its rows
        self.thumb = QSize(thumb)
        self.compact = compact

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:  # noqa: N802
        if self.compact:
            return QSize(self.thumb.width() + 8, self.thumb.height() + 8)
        lines = option.fontMetrics.lineSpacing() * 2 + 6
        return QSize(self.thumb.width() + 2 * TILE_PAD + 6, self.thumb.height() + 2 * TILE_PAD + lines + 6)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        evidence = index.data(ObjectRole)
        if not isinstance(evidence, Evidence):
            return
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        card = QRectF(option.rect).adjusted(3, 3, -3, -3)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        if selected:
            painter.setPen(QPen(QColor(style.ACCENT), 2))
            painter.setBrush(QColor(SELECTED_BACKGROUND))
        else:
            painter.setPen(QPen(QColor("#aab1b8" if hovered else CARD_BORDER), 1))
            painter.setBrush(QColor("#ffffff"))
        painter.drawRoundedRect(card.adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
        pad = 4 if self.compact else TILE_PAD
        box = QRectF(card.x() + pad, card.y() + pad, card.width() - 2 * pad,
                     self.thumb.height() if not self.compact else card.height() - 2 * pad)
        pixmap = index.data(ThumbnailRole)
        if isinstance(pixmap, QPixmap) and not pixmap.isNull():
            if evidence.is_photo:
                painter.fillRect(box, QColor("#f1f3f4"))
            size = pixmap.deviceIndependentSize().toSize()
            target = fit_rect(size, box)
            if not evidence.is_photo and size.width() <= box.width() and size.height() <= box.height():
                target = fit_rect(size, QRectF(box.center().x() - size.width() / 2, box.center().y() - size.height() / 2,
                                               size.width(), size.height()))
            painter.drawPixmap(target, pixmap, QRectF(pixmap.rect()))
            if not evidence.is_photo and pixmap is not self._icon_of(evidence):
                painter.setPen(QPen(QColor("#c4c8cc"), 1))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(target.adjusted(0.5, 0.5, -0.5, -0.5))  # the page's edge
            if evidence.annotations:
                paint_shapes(painter, target, evidence.annotations, pixmap)
        else:
            paint_placeholder(painter, box)
        if self.compact:
            self._paint_dot(painter, box, evidence)
        else:
            self._paint_marks(painter, box, evidence)
            self._paint_text(painter, option, card, box, evidence, selected)
        painter.restore()

    @staticmethod
    def _icon_of(evidence: Evidence) -> QPixmap:
        return document_icon(document_label(evidence.original_name, evidence.media_type))

    def _paint_dot(self, painter: QPainter, box: QRectF, evidence: Evidence) -> None:
        from oekoaudit.domain.evidence import Origin
        from oekoaudit.ui.widgets.evidence_paint import ON_SITE_TEXT

        if evidence.origin is Origin.ON_SITE:
            painter.setPen(QPen(QColor("#ffffff"), 1.5))
            painter.setBrush(QColor(ON_SITE_TEXT))
            painter.drawEllipse(QRectF(box.right() - 12, box.top() + 3, 9, 9))

    def _paint_marks(self, painter: QPainter, box: QRectF, evidence: Evidence) -> None:
        paint_badge(painter, QRectF(box.x() + 5, box.y() + 5, 0, 0), origin_text(evidence.origin, short=True),
                    evidence.origin)
        if evidence.links:
            font = QFont(painter.font())
            font.setPointSizeF(max(6.5, font.pointSizeF() * 0.8))
            font.setBold(True)
            metrics = QFontMetrics(font)
            text = str(len(evidence.links))
            height = metrics.height() + 4
            width = metrics.horizontalAdvance(text) + height + 6
            pill = QRectF(box.right() - 5 - width, box.y() + 5, width, height)
            painter.setPen(QPen(QColor("#c9dbef"), 1))
            painter.setBrush(QColor("#eef4fb"))
            painter.drawRoundedRect(pill, height / 2, height / 2)
            _chain(painter, pill.x() + 4, pill.y() + 2, height - 4, QColor("#16538c"))
            painter.setFont(font)
            painter.setPen(QColor("#16538c"))
            painter.drawText(QRectF(pill.x() + height, pill.y(), width - height - 3, height),
                             Qt.AlignmentFlag.AlignCenter, text)

    def _paint_text(self, painter: QPainter, option: QStyleOptionViewItem, card: QRectF, box: QRectF,
                    evidence: Evidence, selected: bool) -> None:
        metrics = option.fontMetrics
        width = int(card.width() - 2 * TILE_PAD)
        top = box.bottom() + 5
        painter.setFont(option.font)
        painter.setPen(QColor("#202124"))
        name = metrics.elidedText(display_name(evidence), Qt.TextElideMode.ElideRight, width)
        painter.drawText(QRect(int(card.x() + TILE_PAD), int(top), width, metrics.lineSpacing()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name)
        if evidence.caption:
            second = evidence.original_name
        elif evidence.captured_at is not None:
            second = format_when(evidence.captured_at)
        else:
            second = _("imported {when}").format(when=format_when(evidence.imported_at))
        painter.setPen(QColor(style.MUTED_TEXT))
        small = QFont(option.font)
        small.setPointSizeF(option.font.pointSizeF() * 0.9)
        painter.setFont(small)
        small_metrics = QFontMetrics(small)
        painter.drawText(QRect(int(card.x() + TILE_PAD), int(top + metrics.lineSpacing() + 1), width,
                               small_metrics.lineSpacing()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         small_metrics.elidedText(second, Qt.TextElideMode.ElideRight, width))


class EvidenceGrid(QListView):
    """Tiles in rows; Enter opens, Delete removes; drag to reorder; drop files to import them."""

    open_requested = Signal(QModelIndex)
    delete_requested = Signal()
    #: files or a picture dropped from outside (the QMimeData)
    files_dropped = Signal(object)
    #: tiles dragged to a new place: their ids, and the row (of the view) they go before
    moved = Signal(list, int)

    def __init__(self, parent: QWidget | None = None, delegate: EvidenceDelegate | None = None,
                 reorder: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("evidence_grid")
        self.delegate = delegate or EvidenceDelegate(self)
        self.setItemDelegate(self.delegate)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setMovement(QListView.Movement.Static)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setUniformItemSizes(True)
        self.setSpacing(2)
        self.setWrapping(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setMouseTracking(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalScrollBar().setSingleStep(24)
        self.setDragEnabled(reorder)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)  # drags arrive at the viewport
        self.setDropIndicatorShown(False)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self._reorder = reorder
        #: where dragged tiles would go (the row they go before), while a drag is over the grid
        self._drop_row: int | None = None
        self.accept_files = True

    # ---- tiles as wide as the rows allow --------------------------------------------------

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.fit_tiles()

    def fit_tiles(self) -> None:
        """Spread the tiles over the width: as many columns as fit, each widened to fill its share
        (up to half as wide again as the smallest tile)."""
        delegate = self.delegate
        if delegate.compact or not self.isWrapping() or self.model() is None:
            return
        spacing = self.spacing()
        room = self.viewport().width() - 2 * spacing - 2
        least = THUMB_BOX.width() + 2 * TILE_PAD + 6 + 2 * spacing
        columns = max(1, room // least)
        thumb_width = room // columns - 2 * spacing - 2 * TILE_PAD - 6
        thumb_width = max(THUMB_BOX.width(), min(thumb_width, THUMB_BOX.width() * 3 // 2))
        size = QSize(thumb_width, thumb_width * 3 // 4)
        if size != delegate.thumb:
            delegate.thumb = size
            emit(delegate.sizeHintChanged, self.model().index(0, 0))

    # ---- keys ---------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if not open_or_delete_key(self, event):
            super().keyPressEvent(event)

    # ---- dragging -----------------------------------------------------------------------

    def startDrag(self, supported: Qt.DropAction) -> None:  # noqa: N802
        indexes = sorted(self.selectedIndexes(), key=lambda i: i.row())
        if not indexes or not self._reorder:
            return
        drag = QDrag(self)
        drag.setMimeData(self.model().mimeData(indexes))
        pixmap = indexes[0].data(ThumbnailRole)
        if isinstance(pixmap, QPixmap) and not pixmap.isNull():
            small = pixmap.scaled(QSize(96, 96), Qt.AspectRatioMode.KeepAspectRatio,
                                  Qt.TransformationMode.SmoothTransformation)
            drag.setPixmap(small)
            drag.setHotSpot(QPoint(small.width() // 2, small.height() // 2))
        drag.exec(Qt.DropAction.MoveAction)
        self._set_drop_row(None)

    def drop_row_at(self, pos: QPoint) -> int:
        """The row dragged tiles go before when dropped at ``pos`` (the row count: at the end)."""
        index = self.indexAt(pos)
        if not index.isValid():
            count = self.model().rowCount() if self.model() is not None else 0
            # beyond the last tile of a row: before the first tile of the next row
            for row in range(count):
                rect = self.visualRect(self.model().index(row, 0))
                if rect.top() <= pos.y() <= rect.bottom() and pos.x() < rect.left():
                    return row
            return count
        rect = self.visualRect(index)
        return index.row() + (1 if pos.x() > rect.center().x() else 0)

    def _internal(self, event: QDropEvent | QDragMoveEvent) -> bool:
        return event.mimeData().hasFormat(EVIDENCE_MIME) and event.source() is self

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if self._internal(event) and self._reorder:
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()
        elif self.accept_files and carries_evidence(event.mimeData()):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        if self._internal(event) and self._reorder:
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()
            self._set_drop_row(self.drop_row_at(event.position().toPoint()))
            self._autoscroll(event.position().toPoint())
        elif self.accept_files and carries_evidence(event.mimeData()):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
        else:
            event.ignore()

    def _autoscroll(self, pos: QPoint) -> None:
        margin = 30
        bar = self.verticalScrollBar()
        if pos.y() < margin:
            bar.setValue(bar.value() - 20)
        elif pos.y() > self.viewport().height() - margin:
            bar.setValue(bar.value() + 20)

    def dragLeaveEvent(self, event: Any) -> None:  # noqa: N802
        self._set_drop_row(None)
        event.accept()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        pos = event.position().toPoint()
        self._set_drop_row(None)
        if self._internal(event) and self._reorder:
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()
            self.drop_ids(evidence_ids(event.mimeData()), self.drop_row_at(pos))
            return
        if self.accept_files and carries_evidence(event.mimeData()):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            emit(self.files_dropped, event.mimeData())
            return
        event.ignore()

    def drop_ids(self, ids: list[str], row: int) -> None:
        """Tiles (by id) dropped before ``row`` of the view: what a drag inside the grid ends in."""
        if ids:
            emit(self.moved, ids, row)

    def _set_drop_row(self, row: int | None) -> None:
        if row != self._drop_row:
            self._drop_row = row
            self.viewport().update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(event)
        row = self._drop_row
        model = self.model()
        if row is None or model is None or model.rowCount() == 0:
            return
        if row < model.rowCount():
            rect = self.visualRect(model.index(row, 0))
            x = rect.left()
        else:
            rect = self.visualRect(model.index(model.rowCount() - 1, 0))
            x = rect.right()
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(style.ACCENT))
        painter.drawRoundedRect(QRectF(x - 2, rect.top() + 6, 4, rect.height() - 12), 2, 2)
        painter.end()

    @property
    def drop_row(self) -> int | None:
        return self._drop_row
