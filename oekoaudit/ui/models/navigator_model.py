"""The navigator: organisations → sites → audits, over snapshots from the services."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from oekoaudit import i18n
from oekoaudit.domain.audit import AuditSummary, Organisation, Site
from oekoaudit.i18n import _
from oekoaudit.services import labels
from oekoaudit.ui import style
from oekoaudit.ui.qtcompat import emit

ObjectRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2
#: "organisation", "site" or "audit"
KindRole = Qt.ItemDataRole.UserRole + 3
#: the id of the organisation, site or audit
IdRole = Qt.ItemDataRole.UserRole + 4
#: the second line the navigator shows under an audit ("in progress · 18/32")
SecondaryRole = Qt.ItemDataRole.UserRole + 5
#: (answered, total) of an audit
ProgressRole = Qt.ItemDataRole.UserRole + 6

ORGANISATION = "organisation"
SITE = "site"
AUDIT = "audit"

AnyIndex = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    NAME = 0
    STATUS = 1
    PROGRESS = 2


_HEADERS = {
    Column.NAME: i18n.N_("Name"),
    Column.STATUS: i18n.N_("Status"),
    Column.PROGRESS: i18n.N_("Progress"),
}


@dataclass(eq=False)
class _Node:
    kind: str
    obj: Any
    parent: _Node | None
    children: list[_Node] = field(default_factory=list)
    row: int = 0
    uid: int = 0

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, "" if self.obj is None else _id_of(self.kind, self.obj))


def _id_of(kind: str, obj: Any) -> str:
    return obj.audit.id if kind == AUDIT else obj.id


def audit_title(summary_or_audit: Any) -> str:
    """The name of an audit in lists: its title, or the catalogue's title in the current language."""
    audit = getattr(summary_or_audit, "audit", summary_or_audit)
    if audit.title:
        return audit.title
    return audit.catalogue_title_en if i18n.get_language() == "en" else audit.catalogue_title_de


class NavigatorModel(QAbstractItemModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._root = _Node("root", None, None)
        self._nodes: dict[int, _Node] = {}
        self._next_uid = 1

    # ---- loading ------------------------------------------------------------------------

    def set_rows(self, organisations: Iterable[Organisation], sites: Iterable[Site],
                 audits: Iterable[AuditSummary]) -> None:
        """Show these snapshots; keeps indexes (and so selection) when only the data changed."""
        root = self._build(list(organisations), list(sites), list(audits))
        if self._shape(root) == self._shape(self._root):
            self._update_in_place(self._root, root)
            return
        self.beginResetModel()
        self._root = root
        self._nodes = {}
        self._register(root)
        self.endResetModel()

    def _build(self, organisations: list[Organisation], sites: list[Site], audits: list[AuditSummary]) -> _Node:
        root = _Node("root", None, None)
        by_site: dict[str, list[AuditSummary]] = {}
        for summary in audits:
            by_site.setdefault(summary.audit.site_id, []).append(summary)
        sites_of: dict[str, list[Site]] = {}
        for site in sites:
            sites_of.setdefault(site.organisation_id, []).append(site)
        for organisation in sorted(organisations, key=lambda o: o.name.casefold()):
            org_node = _Node(ORGANISATION, organisation, root, row=len(root.children))
            root.children.append(org_node)
            for site in sites_of.get(organisation.id, []):
                site_node = _Node(SITE, site, org_node, row=len(org_node.children))
                org_node.children.append(site_node)
                ordered = sorted(by_site.get(site.id, []),
                                 key=lambda s: (s.audit.start_date.toordinal() if s.audit.start_date else 0),
                                 reverse=True)
                for summary in ordered:
                    site_node.children.append(_Node(AUDIT, summary, site_node, row=len(site_node.children)))
        return root

    def _register(self, node: _Node) -> None:
        for child in node.children:
            child.uid = self._next_uid
            self._next_uid += 1
            self._nodes[child.uid] = child
            self._register(child)

    @staticmethod
    def _shape(node: _Node) -> tuple:
        return tuple((child.key, NavigatorModel._shape(child)) for child in node.children)

    def _update_in_place(self, old: _Node, new: _Node) -> None:
        if not old.children:
            return
        for old_child, new_child in zip(old.children, new.children, strict=True):
            old_child.obj = new_child.obj
            self._update_in_place(old_child, new_child)
        parent = self._index_of(old)
        emit(self.dataChanged, self.index(0, 0, parent), self.index(len(old.children) - 1, len(Column) - 1, parent))

    def _index_of(self, node: _Node) -> QModelIndex:
        if node is self._root or node.parent is None:
            return QModelIndex()
        return self.createIndex(node.row, 0, node.uid)

    def _node(self, index: AnyIndex) -> _Node:
        if not index.isValid():
            return self._root
        return self._nodes[index.internalId()]

    # ---- lookups ------------------------------------------------------------------------

    def index_of_audit(self, audit_id: str) -> QModelIndex:
        return self._find(AUDIT, audit_id)

    def index_of_organisation(self, organisation_id: str) -> QModelIndex:
        return self._find(ORGANISATION, organisation_id)

    def _find(self, kind: str, wanted: str) -> QModelIndex:
        for node in self._nodes.values():
            if node.kind == kind and _id_of(kind, node.obj) == wanted:
                return self._index_of(node)
        return QModelIndex()

    def audit_summaries(self) -> list[AuditSummary]:
        return [n.obj for n in self._nodes.values() if n.kind == AUDIT]

    def is_empty(self) -> bool:
        return not self._root.children

    # ---- QAbstractItemModel -------------------------------------------------------------

    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        node = self._node(parent)
        return self.createIndex(row, column, node.children[row].uid)

    def parent(self, index: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        node = self._node(index)
        if node.parent is None or node.parent is self._root:
            return QModelIndex()
        return self._index_of(node.parent)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(Column):
            return _(_HEADERS[Column(section)])
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self._node(index)
        column = index.column()
        if role == ObjectRole:
            return node.obj
        if role == KindRole:
            return node.kind
        if role == IdRole:
            return _id_of(node.kind, node.obj)
        if node.kind == AUDIT:
            return self._audit_data(node.obj, column, role)
        if role in (Qt.ItemDataRole.DisplayRole, SortRole) and column == Column.NAME:
            return node.obj.name
        if role == Qt.ItemDataRole.FontRole and node.kind == ORGANISATION and column == Column.NAME:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and column == Column.NAME:
            lines = [node.obj.name] + [x for x in (node.obj.address, getattr(node.obj, "contact", "")) if x]
            return "\n".join(lines)
        return None

    def _audit_data(self, summary: AuditSummary, column: int, role: int) -> Any:
        audit = summary.audit
        progress = f"{summary.answered}/{summary.total}"
        if role == ProgressRole:
            return (summary.answered, summary.total)
        if role == SecondaryRole:
            return " · ".join((labels.status(audit.status), progress))
        if role in (Qt.ItemDataRole.DisplayRole, SortRole):
            if column == Column.NAME:
                return audit_title(summary)
            if column == Column.STATUS:
                return labels.status(audit.status)
            if column == Column.PROGRESS:
                return progress if role == Qt.ItemDataRole.DisplayRole else summary.answered
        if role == Qt.ItemDataRole.ToolTipRole:
            catalogue = audit.catalogue_title_en if i18n.get_language() == "en" else audit.catalogue_title_de
            return "\n".join((audit_title(summary), catalogue,
                              _("{kind}, {status}").format(kind=labels.kind(audit.kind),
                                                           status=labels.status(audit.status)),
                              _("{answered} of {total} items answered").format(answered=summary.answered,
                                                                               total=summary.total)))
        if role == Qt.ItemDataRole.DecorationRole and column == Column.STATUS and audit.read_only:
            return style.lock_icon(style.STATUS_COLOURS[audit.status])
        if role == Qt.ItemDataRole.TextAlignmentRole and column == Column.PROGRESS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
