"""The left side of the window: organisations → sites → audits, with an empty state."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from oekoaudit.domain.audit import AuditStatus
from oekoaudit.i18n import _
from oekoaudit.ui import style
from oekoaudit.ui.models.navigator_model import (
    AUDIT,
    Column,
    IdRole,
    KindRole,
    NavigatorModel,
    ObjectRole,
    ProgressRole,
    SecondaryRole,
)
from oekoaudit.ui.qtcompat import emit

AnyIndex = QModelIndex | QPersistentModelIndex


class AuditRowDelegate(QStyledItemDelegate):
    """Audit rows on two lines: the title, then status and progress with a small bar."""

    BAR_WIDTH = 46

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:  # noqa: N802
        size = super().sizeHint(option, index)
        if index.data(KindRole) == AUDIT:
            metrics = QFontMetrics(option.font)
            size.setHeight(metrics.height() * 2 + 12)
        else:
            size.setHeight(max(size.height(), QFontMetrics(option.font).height() + 8))
        return size

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        if index.data(KindRole) != AUDIT:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        widget = opt.widget
        app_style = widget.style() if widget is not None else None
        title = opt.text
        opt.text = ""
        if app_style is not None:
            app_style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        group = QPalette.ColorGroup.Active if opt.state & QStyle.StateFlag.State_Active \
            else QPalette.ColorGroup.Inactive
        text_colour = opt.palette.color(group, QPalette.ColorRole.HighlightedText if selected
                                        else QPalette.ColorRole.Text)
        muted = text_colour if selected else QColor(style.MUTED_TEXT)
        rect = opt.rect.adjusted(4, 5, -8, -5)
        metrics = QFontMetrics(opt.font)
        painter.save()
        painter.setFont(opt.font)
        painter.setPen(text_colour)
        first = QRect(rect.left(), rect.top(), rect.width(), metrics.height())
        painter.drawText(first, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         metrics.elidedText(title, Qt.TextElideMode.ElideRight, first.width()))
        small = QFont(opt.font)
        small.setPointSizeF(max(small.pointSizeF() * 0.9, 6.0))
        small_metrics = QFontMetrics(small)
        second = QRect(rect.left(), first.bottom() + 3, rect.width() - self.BAR_WIDTH - 8, small_metrics.height())
        summary = index.data(ObjectRole)
        if summary is not None and summary.audit.status is AuditStatus.CLOSED:
            # closed and signed: a padlock before "closed · 32/32"
            side = small_metrics.height() - 2
            lock = QRect(second.left(), second.center().y() - side // 2, side, side)
            colour = "#ffffff" if selected else style.STATUS_COLOURS[AuditStatus.CLOSED]
            style.lock_icon(colour).paint(painter, lock)
            second.setLeft(lock.right() + 4)
        painter.setFont(small)
        painter.setPen(muted)
        painter.drawText(second, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         small_metrics.elidedText(index.data(SecondaryRole) or "", Qt.TextElideMode.ElideRight,
                                                  second.width()))
        answered, total = index.data(ProgressRole) or (0, 0)
        bar = QRect(rect.right() - self.BAR_WIDTH, second.center().y() - 2, self.BAR_WIDTH, 5)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#dfe3e6") if not selected else QColor(255, 255, 255, 90))
        painter.drawRoundedRect(bar, 2, 2)
        if total:
            filled = QRect(bar.left(), bar.top(), max(2, round(bar.width() * answered / total)), bar.height())
            painter.setBrush(QColor(style.ACCENT) if not selected else QColor("#ffffff"))
            painter.drawRoundedRect(filled, 2, 2)
        painter.restore()


class NavigatorView(QStackedWidget):
    """Emits ``audit_selected(audit_id or None)``."""

    audit_selected = Signal(object)
    #: Enter or double-click on an audit: open it for work
    audit_activated = Signal(str)
    new_organisation_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = NavigatorModel(self)
        self.tree = QTreeView(self)
        self.tree.setObjectName("navigator_tree")
        self.tree.setModel(self.model)
        self.tree.setHeaderHidden(True)
        for column in (Column.STATUS, Column.PROGRESS):
            self.tree.setColumnHidden(column, True)
        self.tree.setItemDelegate(AuditRowDelegate(self.tree))
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setIndentation(14)
        self.tree.setUniformRowHeights(False)
        self.tree.setAnimated(False)

        self.empty = QWidget(self)
        self.empty.setObjectName("navigator_empty")
        empty_layout = QVBoxLayout(self.empty)
        empty_layout.setContentsMargins(16, 24, 16, 16)
        self.empty_label = QLabel(_("No organisation yet.\n\nCreate the organisation you audit first; "
                                    "its audits will then be listed here."), self.empty)
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet(f"color: {style.MUTED_TEXT};")
        self.empty_button = QPushButton(_("New organisation…"), self.empty)
        empty_layout.addWidget(self.empty_label)
        empty_layout.addSpacing(8)
        empty_layout.addWidget(self.empty_button)
        empty_layout.addStretch(1)

        self.addWidget(self.tree)
        self.addWidget(self.empty)
        self._restoring = False
        self._connect_signals()
        self._on_model_layout()

    def _connect_signals(self) -> None:
        self.tree.selectionModel().currentRowChanged.connect(self._on_tree_current_row_changed)
        self.tree.activated.connect(self._on_tree_activated)
        self.model.modelReset.connect(self._on_model_layout)
        self.empty_button.clicked.connect(self.new_organisation_requested)

    def _on_model_layout(self) -> None:
        self.tree.expandAll()
        self.setCurrentWidget(self.empty if self.model.is_empty() else self.tree)

    def set_rows(self, organisations: list, sites: list, audits: list) -> None:
        """Show new snapshots and keep the selected audit selected (without announcing it again)."""
        keep = self.selected_audit_id()
        self._restoring = True
        try:
            self.model.set_rows(organisations, sites, audits)
            kept = keep is not None and self.select_audit(keep)
        finally:
            self._restoring = False
        if keep is not None and not kept:
            emit(self.audit_selected, None)

    def selected_audit_id(self) -> str | None:
        index = self.tree.currentIndex()
        return index.data(IdRole) if index.isValid() and index.data(KindRole) == AUDIT else None

    def selected_organisation_id(self) -> str | None:
        """The organisation of the current row (whatever its level)."""
        index = self.tree.currentIndex()
        while index.isValid() and index.parent().isValid():
            index = index.parent()
        return index.data(IdRole) if index.isValid() else None

    def selected_site_id(self) -> str | None:
        index = self.tree.currentIndex()
        while index.isValid():
            if index.data(KindRole) == "site":
                return index.data(IdRole)
            index = index.parent()
        return None

    def select_audit(self, audit_id: str | None) -> bool:
        if audit_id is None:
            self.tree.selectionModel().clearCurrentIndex()
            self.tree.clearSelection()
            return True
        index = self.model.index_of_audit(audit_id)
        if not index.isValid():
            return False
        self.tree.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.tree.scrollTo(index)
        return True

    def _on_tree_activated(self, index: QModelIndex) -> None:
        if index.isValid() and index.data(KindRole) == AUDIT:
            emit(self.audit_activated, index.data(IdRole))

    def _on_tree_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._restoring:
            return
        if current.isValid() and current.data(KindRole) == AUDIT:
            emit(self.audit_selected, current.data(IdRole))
        elif not current.isValid():
            emit(self.audit_selected, None)
