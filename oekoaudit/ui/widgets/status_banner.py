"""The strip above an open audit's tabs: its status, the steps of its life, the moves allowed now."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from oekoaudit.domain.audit import Audit, AuditStatus
from oekoaudit.i18n import _
from oekoaudit.services import labels
from oekoaudit.ui import style
from oekoaudit.ui.lifecycle import ACTIONS, allowed_actions, primary_action
from oekoaudit.ui.qtcompat import emit

_STEPS = (AuditStatus.PLANNED, AuditStatus.IN_PROGRESS, AuditStatus.IN_REVIEW, AuditStatus.CLOSED)


class StatusBanner(QFrame):
    """Emits ``action_requested(name)`` with a name of :data:`oekoaudit.ui.lifecycle.ACTIONS`."""

    action_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("status_banner")
        self._status: AuditStatus | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 7, 10, 7)
        outer.setSpacing(5)
        row = QHBoxLayout()
        row.setSpacing(10)
        self.lock_label = QLabel(self)
        self.lock_label.setPixmap(style.lock_icon(style.STATUS_COLOURS[AuditStatus.CLOSED]).pixmap(QSize(16, 16)))
        self.lock_label.setVisible(False)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("status_label")
        self.status_label.setTextFormat(Qt.TextFormat.RichText)
        self.status_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.status_label.setToolTip(_("Status of the audit: planned › in progress › in review › closed"))
        row.addWidget(self.lock_label)
        row.addWidget(self.status_label, 1)
        self.buttons: dict[str, QPushButton] = {}
        for name, action in ACTIONS.items():
            button = QPushButton(_(action.label), self)
            button.setObjectName(f"status_{name}_button")
            button.setToolTip(_(action.tip))
            button.setVisible(False)
            button.clicked.connect(lambda _checked=False, n=name: emit(self.action_requested, n))
            self.buttons[name] = button
            row.addWidget(button)
        outer.addLayout(row)
        self.closed_label = QLabel(
            _("This audit is closed and signed – read-only. Reopen it to change anything."), self)
        self.closed_label.setObjectName("closed_label")
        self.closed_label.setWordWrap(True)
        self.closed_label.setVisible(False)
        outer.addWidget(self.closed_label)
        self.set_audit(None)

    @property
    def status(self) -> AuditStatus | None:
        return self._status

    def set_audit(self, audit: Audit | None) -> None:
        status = audit.status if audit is not None else None
        self._status = status
        self.setVisible(audit is not None)
        if status is None:
            return
        colour = style.STATUS_COLOURS[status]
        self.setStyleSheet(
            f"QFrame#status_banner {{ background: {style.STATUS_BACKGROUNDS[status]};"
            f" border-bottom: 1px solid {style.STATUS_BORDERS[status]}; }}")
        self.status_label.setText(self._steps_html(status))
        self.status_label.setAccessibleName(_("Status: {status}").format(status=labels.status(status)))
        closed = status is AuditStatus.CLOSED
        self.lock_label.setVisible(closed)
        self.closed_label.setVisible(closed)
        self.closed_label.setStyleSheet(f"color: {colour}; font-weight: bold;")
        allowed = allowed_actions(status)
        primary = primary_action(status)
        for name, button in self.buttons.items():
            button.setVisible(name in allowed)
            button.setDefault(False)
            button.setStyleSheet(style.primary_button_style() if name == primary else "")

    @staticmethod
    def _steps_html(current: AuditStatus) -> str:
        index = _STEPS.index(current)
        parts = []
        for position, step in enumerate(_STEPS):
            text = escape(labels.status(step))
            if position == index:
                colour = style.STATUS_COLOURS[step]
                parts.append(f"<span style='color:{colour}'>●</span>&nbsp;<b style='color:{colour}'>{text}</b>")
            elif position < index:
                parts.append(f"<span style='color:{style.MUTED_TEXT}'>{text}</span>")
            else:
                parts.append(f"<span style='color:#9aa0a6'>{text}</span>")
        arrow = " <span style='color:#9aa0a6'>&nbsp;›&nbsp;</span> "
        return arrow.join(parts)
