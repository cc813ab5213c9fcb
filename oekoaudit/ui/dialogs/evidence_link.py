""""Link with …": choose the checklist item, finding or measure evidence is attached to."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from oekoaudit import i18n
from oekoaudit.domain.audit import AuditDetail
from oekoaudit.domain.evidence import Target
from oekoaudit.domain.programme import Measure
from oekoaudit.i18n import _
from oekoaudit.services import labels
from oekoaudit.ui import style

TargetRole = Qt.ItemDataRole.UserRole + 1


def _one_line(text: str, most: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= most else text[:most - 1] + "…"


class LinkDialog(QDialog):
    """A searchable list of the audit's items, its findings and the organisation's measures."""

    def __init__(self, detail: AuditDetail, measures: Sequence[Measure], parent: QWidget | None = None,
                 linked: Iterable[Target] = (), count: int = 1) -> None:
        super().__init__(parent)
        self.setObjectName("evidence_link_dialog")
        self.setWindowTitle(_("Link with …"))
        self.setMinimumSize(620, 520)
        self._linked = set(linked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(8)
        intro = QLabel(_("Attach the photo to a checklist item, a finding or a measure:") if count == 1 else
                       _("Attach the {n} photos to a checklist item, a finding or a measure:").format(n=count), self)
        intro.setWordWrap(True)
        self.search = QLineEdit(self)
        self.search.setObjectName("link_search")
        self.search.setPlaceholderText(_("Search (number or words)"))
        self.search.setClearButtonEnabled(True)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("link_tree")
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_("Link"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        layout.addWidget(intro)
        layout.addWidget(self.search)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.buttons)
        self._fill(detail, measures)
        self.search.textChanged.connect(self._on_search_text_changed)
        self.tree.currentItemChanged.connect(self._on_tree_current_item_changed)
        self.tree.itemDoubleClicked.connect(self._on_tree_item_double_clicked)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._update_state()
        self.search.setFocus(Qt.FocusReason.OtherFocusReason)

    def _group(self, title: str) -> QTreeWidgetItem:
        group = QTreeWidgetItem(self.tree, [title])
        font = group.font(0)
        font.setBold(True)
        group.setFont(0, font)
        group.setFlags(Qt.ItemFlag.ItemIsEnabled)
        return group

    def _entry(self, group: QTreeWidgetItem, text: str, target: Target) -> None:
        entry = QTreeWidgetItem(group, [text])
        entry.setData(0, TargetRole, target)
        entry.setToolTip(0, text)
        if target in self._linked:
            entry.setText(0, text + "  " + _("(linked)"))
            entry.setForeground(0, self.palette().placeholderText())
            entry.setFlags(Qt.ItemFlag.ItemIsEnabled)

    def _fill(self, detail: AuditDetail, measures: Sequence[Measure]) -> None:
        lang = i18n.get_language()
        items = self._group(_("Checklist items"))
        for item in detail.checklist.items():
            self._entry(items, f"{item.ref}  {_one_line(item.title.get(lang))}", Target.item(item.key))
        findings = self._group(_("Findings"))
        for finding in detail.findings:
            text = f"{labels.finding_class(finding.finding_class)}: " \
                   f"{_one_line(finding.statement or finding.requirement_ref or _('no statement'))}"
            self._entry(findings, text, Target.finding(finding.id))
        if not detail.findings:
            none = QTreeWidgetItem(findings, [_("No findings yet.")])
            none.setFlags(Qt.ItemFlag.NoItemFlags)
        group = self._group(_("Measures"))
        for measure in measures:
            self._entry(group, _one_line(measure.title), Target.measure(measure.id))
        if not measures:
            none = QTreeWidgetItem(group, [_("No measures yet.")])
            none.setFlags(Qt.ItemFlag.NoItemFlags)
        self.tree.expandAll()
        for index in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(index)
            top.setForeground(0, self._accent())

    def _accent(self):  # type: ignore[no-untyped-def]
        from PySide6.QtGui import QBrush, QColor

        return QBrush(QColor(style.ACCENT))

    def _on_search_text_changed(self, text: str) -> None:
        words = text.casefold().split()
        for index in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(index)
            shown = 0
            for row in range(group.childCount()):
                child = group.child(row)
                hit = all(w in child.text(0).casefold() for w in words)
                child.setHidden(not hit)
                shown += hit
            group.setHidden(bool(words) and not shown)
        self._select_first_shown()

    def _select_first_shown(self) -> None:
        for index in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(index)
            for row in range(group.childCount()):
                child = group.child(row)
                if not child.isHidden() and child.flags() & Qt.ItemFlag.ItemIsSelectable:
                    self.tree.setCurrentItem(child)
                    return
        self.tree.setCurrentItem(None)

    def _on_tree_current_item_changed(self, *_args: object) -> None:
        self._update_state()

    def _on_tree_item_double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        if isinstance(item.data(0, TargetRole), Target) and item.flags() & Qt.ItemFlag.ItemIsSelectable:
            self.accept()

    def _update_state(self) -> None:
        self.ok_button.setEnabled(self.target() is not None)

    def target(self) -> Target | None:
        item = self.tree.currentItem()
        if item is None or not item.flags() & Qt.ItemFlag.ItemIsSelectable:
            return None
        target = item.data(0, TargetRole)
        return target if isinstance(target, Target) else None

    def choose(self, target: Target) -> bool:
        """Make ``target`` the current entry (as a click does); False if it is not offered."""
        for index in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(index)
            for row in range(group.childCount()):
                child = group.child(row)
                if child.data(0, TargetRole) == target and child.flags() & Qt.ItemFlag.ItemIsSelectable:
                    self.tree.setCurrentItem(child)
                    return True
        return False
