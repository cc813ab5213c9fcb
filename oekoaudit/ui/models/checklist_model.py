"""The checklist of one audit: sections and items with their answers and per-section progress."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QFont

from oekoaudit import i18n
from oekoaudit.domain.audit import Answer, AuditDetail
from oekoaudit.domain.checklist import AnswerOption, Item, Rating, Section
from oekoaudit.domain.finding import Finding, FindingClass
from oekoaudit.domain.reuse import assessed_rating
from oekoaudit.domain.scoring import AuditProgress, Verdict, audit_progress
from oekoaudit.i18n import N_, _
from oekoaudit.services import labels
from oekoaudit.ui import style
from oekoaudit.ui.qtcompat import emit

ObjectRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2
#: "section" or "item"
KindRole = Qt.ItemDataRole.UserRole + 3
#: the section's or item's key
KeyRole = Qt.ItemDataRole.UserRole + 4
#: an item's result (option key of the scale); None for sections
ResultRole = Qt.ItemDataRole.UserRole + 5
#: an item's :class:`Rating` or a section's :class:`Verdict`
RatingRole = Qt.ItemDataRole.UserRole + 6
#: an item's note
NoteRole = Qt.ItemDataRole.UserRole + 7

SECTION = "section"
ITEM = "item"

NOTE_MARK = "✎"
#: the mark of an item that has findings (its colour: the most severe finding's class)
FINDING_MARK = "⚑"

AnyIndex = QModelIndex | QPersistentModelIndex

#: The colour of a finding class in the checklist (most severe first).
FINDING_RATING = {
    FindingClass.MAJOR_NC: Rating.MAJOR_NC, FindingClass.MINOR_NC: Rating.MINOR_NC,
    FindingClass.OBSERVATION: Rating.OBSERVATION, FindingClass.IMPROVEMENT: Rating.IMPROVEMENT,
    FindingClass.POSITIVE: Rating.CONFORM,
}


class Column(IntEnum):
    TITLE = 0
    PROGRESS = 1
    RESULT = 2
    NOTE = 3
    FINDING = 4


_HEADERS = {
    Column.TITLE: N_("Requirement"),
    Column.PROGRESS: N_("Done"),
    Column.RESULT: N_("Result"),
    Column.NOTE: N_("Note"),
    Column.FINDING: N_("Findings"),
}


@dataclass(frozen=True, slots=True)
class ChecklistFilter:
    """What the checklist shows: every item, or the items matching all of these."""

    #: words that must all occur in the item's key, reference, title, questions, note or section
    text: str = ""
    #: an option key of the scale: only items with this result
    result: str | None = None
    unanswered: bool = False
    with_findings: bool = False
    mandatory: bool = False
    #: only answers carried over from an earlier audit and not yet confirmed
    carried: bool = False

    @property
    def active(self) -> bool:
        return bool(self.terms or self.result or self.unanswered or self.with_findings or self.mandatory
                    or self.carried)

    @property
    def terms(self) -> tuple[str, ...]:
        return tuple(self.text.casefold().split())


@dataclass(eq=False)
class _Node:
    kind: str
    obj: Section | Item | None
    parent: _Node | None
    children: list[_Node] = field(default_factory=list)
    row: int = 0
    uid: int = 0


class ChecklistModel(QAbstractItemModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._detail: AuditDetail | None = None
        self._answers: dict[str, Answer] = {}
        self._progress: AuditProgress | None = None
        self._root = _Node("root", None, None)
        self._nodes: dict[int, _Node] = {}
        self._by_key: dict[tuple[str, str], _Node] = {}
        self._item_order: list[str] = []
        self._findings: dict[str, list[Finding]] = {}

    # ---- loading ------------------------------------------------------------------------

    @property
    def detail(self) -> AuditDetail | None:
        return self._detail

    @property
    def progress(self) -> AuditProgress | None:
        return self._progress

    @property
    def answers(self) -> dict[str, Answer]:
        return dict(self._answers)

    def set_detail(self, detail: AuditDetail | None) -> None:
        """Show an audit. Reloading the same audit keeps every index (selection, expansion)."""
        self._findings = {}
        for finding in detail.findings if detail else ():
            if finding.item_key:
                self._findings.setdefault(finding.item_key, []).append(finding)
        same = (detail is not None and self._detail is not None and detail.audit.id == self._detail.audit.id
                and detail.checklist.fingerprint == self._detail.checklist.fingerprint)
        if same:
            assert detail is not None
            self._detail = detail
            self._answers = dict(detail.answers)
            self._progress = detail.progress
            self._emit_all_changed(self._root)
            return
        self.beginResetModel()
        self._detail = detail
        self._answers = dict(detail.answers) if detail else {}
        self._progress = detail.progress if detail else None
        self._root = _Node("root", None, None)
        self._nodes = {}
        self._by_key = {}
        self._item_order = []
        if detail is not None:
            for section in detail.checklist.sections:
                self._add(section, self._root)
        self.endResetModel()

    def _add(self, obj: Section | Item, parent: _Node) -> None:
        kind = SECTION if isinstance(obj, Section) else ITEM
        node = _Node(kind, obj, parent, row=len(parent.children), uid=len(self._nodes) + 1)
        parent.children.append(node)
        self._nodes[node.uid] = node
        self._by_key[(kind, obj.key)] = node
        if isinstance(obj, Section):
            for child in obj.children:
                self._add(child, node)
        else:
            self._item_order.append(obj.key)

    def _emit_all_changed(self, node: _Node) -> None:
        if not node.children:
            return
        parent = self._index_of(node)
        emit(self.dataChanged, self.index(0, 0, parent), self.index(len(node.children) - 1, len(Column) - 1, parent))
        for child in node.children:
            self._emit_all_changed(child)

    # ---- optimistic edits -----------------------------------------------------------------

    def set_local_answer(self, item_key: str, result: str | None = None, note: str | None = None) -> None:
        """Show an answer before the store confirms it (the store's reload replaces it)."""
        if self._detail is None:
            return
        scale = self._detail.checklist.scale
        old = self._answers.get(item_key)
        option = scale.option(result) if result is not None else None
        if old is None:
            base = scale.open_option
            old = Answer(item_key=item_key, result=base.key, rating=base.rating, note="", carried_over=False,
                         updated_at=None, revision=0)
        new = old
        if option is not None:
            new = replace(new, result=option.key, rating=option.rating, carried_over=False)
        if note is not None:
            new = replace(new, note=note)
        if new == old and item_key in self._answers:
            return
        self._answers[item_key] = new
        self._progress = audit_progress(self._detail.checklist,
                                        {k: assessed_rating(a) for k, a in self._answers.items()})
        node = self._by_key.get((ITEM, item_key))
        while node is not None and node is not self._root:
            index = self._index_of(node)
            emit(self.dataChanged, index, index.siblingAtColumn(len(Column) - 1))
            node = node.parent

    # ---- lookups ------------------------------------------------------------------------

    def item_keys(self) -> list[str]:
        return list(self._item_order)

    def index_of_item(self, key: str, column: int = 0) -> QModelIndex:
        node = self._by_key.get((ITEM, key))
        return self._index_of(node, column) if node else QModelIndex()

    def index_of_section(self, key: str, column: int = 0) -> QModelIndex:
        node = self._by_key.get((SECTION, key))
        return self._index_of(node, column) if node else QModelIndex()

    def answer(self, item_key: str) -> Answer | None:
        return self._answers.get(item_key)

    def findings_of(self, item_key: str) -> list[Finding]:
        return list(self._findings.get(item_key, ()))

    def option_of(self, item_key: str) -> AnswerOption | None:
        if self._detail is None:
            return None
        scale = self._detail.checklist.scale
        answer = self._answers.get(item_key)
        return scale.option(answer.result) if answer else scale.open_option

    def is_answered(self, item_key: str) -> bool:
        """Answered by the auditor: a carried-over answer not yet confirmed does not count."""
        answer = self._answers.get(item_key)
        if answer is not None and answer.carried_over:
            return False
        option = self.option_of(item_key)
        return option is not None and option.rating is not Rating.OPEN

    def is_carried(self, item_key: str) -> bool:
        answer = self._answers.get(item_key)
        return answer is not None and answer.carried_over

    def next_item(self, key: str) -> str | None:
        try:
            position = self._item_order.index(key)
        except ValueError:
            return None
        return self._item_order[position + 1] if position + 1 < len(self._item_order) else None

    def next_unanswered(self, after: str | None) -> str | None:
        """The next open item after ``after`` (wrapping round); None when all are answered."""
        order = self._item_order
        start = order.index(after) + 1 if after in order else 0
        for key in order[start:] + order[:start]:
            if not self.is_answered(key) and key != after:
                return key
        return None

    def finding_keys(self) -> frozenset[str]:
        """The items that have at least one finding."""
        if self._detail is None:
            return frozenset()
        return frozenset(f.item_key for f in self._detail.findings if f.item_key)

    def _search_text(self, node: _Node, lang: str) -> Iterator[str]:
        obj = node.obj
        if isinstance(obj, Item):
            yield obj.key
            yield obj.ref
            yield obj.title.get(lang)
            for question in obj.questions:
                yield question.get(lang)
            answer = self._answers.get(obj.key)
            if answer is not None:
                yield answer.note
        parent = node.parent
        while parent is not None and isinstance(parent.obj, Section):
            yield parent.obj.ref
            yield parent.obj.title.get(lang)
            parent = parent.parent

    def item_matches(self, key: str, flt: ChecklistFilter, finding_keys: frozenset[str] | None = None) -> bool:
        """Whether the item ``key`` passes every part of ``flt``."""
        node = self._by_key.get((ITEM, key))
        if node is None or not isinstance(node.obj, Item):
            return False
        if flt.mandatory and not node.obj.mandatory:
            return False
        if flt.unanswered and self.is_answered(key):
            return False
        if flt.carried and not self.is_carried(key):
            return False
        if flt.result:
            option = self.option_of(key)
            if option is None or option.key != flt.result:
                return False
        if flt.with_findings and key not in (finding_keys if finding_keys is not None else self.finding_keys()):
            return False
        terms = flt.terms
        if terms:
            haystack = "\n".join(self._search_text(node, i18n.get_language())).casefold()
            if not all(term in haystack for term in terms):
                return False
        return True

    def first_item_in(self, index: AnyIndex) -> str | None:
        node = self._node(index)
        while node.children:
            node = node.children[0]
        return node.obj.key if node.kind == ITEM and node.obj is not None else None

    def _index_of(self, node: _Node, column: int = 0) -> QModelIndex:
        if node is self._root or node.parent is None:
            return QModelIndex()
        return self.createIndex(node.row, column, node.uid)

    def _node(self, index: AnyIndex) -> _Node:
        if not index.isValid():
            return self._root
        return self._nodes[index.internalId()]

    # ---- QAbstractItemModel -------------------------------------------------------------

    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        return self.createIndex(row, column, self._node(parent).children[row].uid)

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
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            marks = {Column.NOTE: NOTE_MARK, Column.FINDING: FINDING_MARK}
            return marks.get(Column(section)) or _(_HEADERS[Column(section)])
        if role == Qt.ItemDataRole.ToolTipRole:
            return _(_HEADERS[Column(section)])
        if role == Qt.ItemDataRole.TextAlignmentRole and section == Column.PROGRESS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.TextAlignmentRole and section in (Column.NOTE, Column.FINDING):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self._node(index)
        obj = node.obj
        if obj is None:
            return None
        if role == ObjectRole:
            return obj
        if role == KindRole:
            return node.kind
        if role == KeyRole:
            return obj.key
        if node.kind == SECTION:
            assert isinstance(obj, Section)
            return self._section_data(obj, index.column(), role)
        assert isinstance(obj, Item)
        return self._item_data(obj, index.column(), role)

    def _section_data(self, section: Section, column: int, role: int) -> Any:
        lang = i18n.get_language()
        progress = self._progress.sections.get(section.key) if self._progress else None
        if role == RatingRole:
            return progress.verdict if progress else Verdict.NOT_ASSESSED
        if role == ResultRole or role == NoteRole:
            return None
        if column == Column.TITLE:
            if role in (Qt.ItemDataRole.DisplayRole, SortRole):
                return f"{section.ref}  {section.title.get(lang)}"
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{section.ref} {section.title.get(lang)}"
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
        if progress is None:
            return None
        if column == Column.PROGRESS:
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{progress.answered}/{progress.total}"
            if role == SortRole:
                return progress.percent
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if role == Qt.ItemDataRole.ForegroundRole:
                return None if progress.complete else QColor(style.MUTED_TEXT)
            if role == Qt.ItemDataRole.ToolTipRole:
                return _("{answered} of {total} items answered").format(answered=progress.answered,
                                                                        total=progress.total)
        if column == Column.RESULT and progress.verdict is not Verdict.NOT_ASSESSED:
            rating = style.verdict_rating(progress.verdict)
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, SortRole):
                return labels.verdict(progress.verdict)
            if role == Qt.ItemDataRole.DecorationRole:
                return style.verdict_icon(progress.verdict)
            if role == Qt.ItemDataRole.ForegroundRole:
                return style.rating_text_colour(rating)
        return None

    def _item_data(self, item: Item, column: int, role: int) -> Any:
        lang = i18n.get_language()
        answer = self._answers.get(item.key)
        option = self.option_of(item.key)
        rating = option.rating if option else Rating.OPEN
        note = answer.note if answer else ""
        if role == ResultRole:
            return option.key if option else None
        if role == RatingRole:
            return rating
        if role == NoteRole:
            return note
        if column == Column.TITLE:
            if role in (Qt.ItemDataRole.DisplayRole, SortRole):
                return f"{item.ref}  {item.title.get(lang)}"
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{item.ref} {item.title.get(lang)}"
        carried = answer is not None and answer.carried_over
        if column == Column.RESULT:
            if role in (Qt.ItemDataRole.DisplayRole, SortRole):
                if carried and (rating is Rating.OPEN or option is None):
                    return _("carried over")
                return "" if rating is Rating.OPEN or option is None else option.label.get(lang)
            if role == Qt.ItemDataRole.ToolTipRole and carried:
                label = option.label.get(lang) if option is not None and rating is not Rating.OPEN else _("note")
                return _("{answer} – carried over from an earlier audit, needs confirmation").format(answer=label)
            if role == Qt.ItemDataRole.ToolTipRole and option is not None:
                return option.label.get(lang)
            if role == Qt.ItemDataRole.FontRole and carried:
                font = QFont()
                font.setItalic(True)
                return font
            if role == Qt.ItemDataRole.ForegroundRole and carried:
                return QColor(style.CARRIED_TEXT)
            if role == Qt.ItemDataRole.DecorationRole:
                return style.rating_icon(None if rating is Rating.OPEN else rating)
            if role == Qt.ItemDataRole.ForegroundRole:
                return style.rating_text_colour(rating)
        if column == Column.NOTE and note:
            if role == Qt.ItemDataRole.DisplayRole:
                return NOTE_MARK
            if role == Qt.ItemDataRole.ToolTipRole:
                return note if len(note) <= 400 else note[:400] + "…"
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignCenter)
        if column == Column.FINDING and item.key in self._findings:
            return self._finding_mark(self._findings[item.key], role)
        return None

    @staticmethod
    def _finding_mark(findings: list[Finding], role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return FINDING_MARK
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(f"{labels.finding_class(f.finding_class)}: {' '.join(f.statement.split())[:120]}"
                             for f in findings)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            worst = min(findings, key=lambda f: list(FINDING_RATING).index(f.finding_class))
            return style.rating_text_colour(FINDING_RATING[worst.finding_class])
        return None


class ChecklistFilterProxy(QSortFilterProxyModel):
    """The checklist as the tree shows it: filtered by a :class:`ChecklistFilter`.

    Sections stay while one of their items matches. The filter is applied when it is set, not
    on every change of an answer: an item answered under "unanswered only" stays in place (with
    its new answer) so that the list does not jump under the user's hands.
    """

    def __init__(self, source: ChecklistModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._filter = ChecklistFilter()
        self._finding_keys: frozenset[str] = frozenset()
        self.setRecursiveFilteringEnabled(True)
        self.setDynamicSortFilter(False)
        self.setSourceModel(source)

    @property
    def checklist(self) -> ChecklistModel:
        source = self.sourceModel()
        assert isinstance(source, ChecklistModel)
        return source

    @property
    def filter(self) -> ChecklistFilter:  # noqa: A003
        return self._filter

    def set_filter(self, flt: ChecklistFilter) -> None:
        """Apply ``flt`` (again): also after answers changed, to re-sort what matches."""
        self.beginFilterChange()
        self._filter = flt
        self._finding_keys = self.checklist.finding_keys()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def matching_items(self) -> list[str]:
        """The keys of the items shown, in checklist order."""
        return [key for key in self.checklist.item_keys()
                if self.mapFromSource(self.checklist.index_of_item(key)).isValid()]

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:  # noqa: N802
        if not self._filter.active:
            return True
        index = self.checklist.index(source_row, 0, source_parent)
        if index.data(KindRole) != ITEM:
            return False  # a section is shown while one of its items is (recursive filtering)
        return self.checklist.item_matches(index.data(KeyRole), self._filter, self._finding_keys)
