"""The evidence of an audit for the gallery and the strips: a list model, its filter, and the
thumbnails behind them.

Thumbnails come from the store's cache (:meth:`EvidenceService.thumbnail`), read off the GUI
thread in small batches on the :class:`~oekoaudit.ui.tasks.TaskRunner` and kept as pixmaps in
a byte-bounded LRU (:class:`ThumbnailCache`). A row asks for its thumbnail when it is painted
and shows a placeholder until it arrives; opening a gallery also queues every thumbnail in
gallery order, so 300 photos fill in within moments of each other. A PDF without a thumbnail
has its first page rendered with QtPdf (in the worker) and handed to
:meth:`EvidenceService.store_thumbnail`, so that it is made once; other documents show an icon
with their type.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QBuffer,
    QByteArray,
    QIODevice,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QImage, QImageReader, QPainter, QPixmap

from oekoaudit.domain.evidence import Evidence, EvidenceKind, Origin, Source, TargetKind
from oekoaudit.errors import OekoauditError
from oekoaudit.i18n import _
from oekoaudit.services import labels
from oekoaudit.ui.qtcompat import emit
from oekoaudit.ui.tasks import TaskRunner
from oekoaudit.ui.widgets.evidence_paint import document_icon, document_label

AnyIndex = QModelIndex | QPersistentModelIndex

ObjectRole = Qt.ItemDataRole.UserRole + 1
#: the thumbnail as a QPixmap, or None while it is loading
ThumbnailRole = Qt.ItemDataRole.UserRole + 2

#: the MIME type of evidence dragged inside the window (their ids, one a line)
EVIDENCE_MIME = "application/x-oekoaudit-evidence"
#: a PDF's first page is rendered this large for its thumbnail (the longer side, pixels)
PDF_THUMB_PX = 256
#: a link's label (a finding's statement…) is cut to this many characters
LINK_LABEL_MAX = 90
#: how many thumbnails one background job reads, and how many jobs run at once
BATCH = 12
PARALLEL = 2


def origin_text(origin: Origin, short: bool = False) -> str:
    """"captured on site" / "imported later" (the badge of a tile: "on site" / "afterwards")."""
    if short:
        return _("on site") if origin is Origin.ON_SITE else _("afterwards")
    return labels.origin(origin)


def source_text(source: Source) -> str:
    return {Source.FILE: _("from a file"), Source.CLIPBOARD: _("pasted from the clipboard"),
            Source.CAMERA: _("taken with the camera")}.get(source, "")


def display_name(evidence: Evidence) -> str:
    """What a tile says: the caption, else the file's name."""
    return " ".join(evidence.caption.split()) or evidence.original_name


# ---- thumbnails -----------------------------------------------------------------------------


class ThumbnailCache:
    """Pixmaps by key, the least recently used dropped first once ``limit_bytes`` is exceeded."""

    def __init__(self, limit_bytes: int = 96 * 1024 * 1024) -> None:
        self._limit = limit_bytes
        self._pixmaps: OrderedDict[str, QPixmap] = OrderedDict()
        self._bytes = 0

    @staticmethod
    def cost(pixmap: QPixmap) -> int:
        return max(1, pixmap.width() * pixmap.height() * max(pixmap.depth(), 8) // 8)

    def get(self, key: str) -> QPixmap | None:
        pixmap = self._pixmaps.get(key)
        if pixmap is not None:
            self._pixmaps.move_to_end(key)
        return pixmap

    def put(self, key: str, pixmap: QPixmap) -> None:
        old = self._pixmaps.pop(key, None)
        if old is not None:
            self._bytes -= self.cost(old)
        self._pixmaps[key] = pixmap
        self._bytes += self.cost(pixmap)
        while self._bytes > self._limit and len(self._pixmaps) > 1:
            _key, dropped = self._pixmaps.popitem(last=False)
            self._bytes -= self.cost(dropped)

    def discard(self, key: str) -> None:
        old = self._pixmaps.pop(key, None)
        if old is not None:
            self._bytes -= self.cost(old)

    def __contains__(self, key: object) -> bool:
        return key in self._pixmaps

    def __len__(self) -> int:
        return len(self._pixmaps)

    @property
    def size_bytes(self) -> int:
        return self._bytes


def read_image(path: Any, max_side: int | None = None) -> QImage:
    """A picture file as a QImage, EXIF orientation applied, at most ``max_side`` pixels on its longer side."""
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    reader.setAllocationLimit(1024)  # MB; the largest picture the store takes fits
    if max_side:
        size = reader.size()
        if size.isValid() and max(size.width(), size.height()) > max_side:
            # the scaled size applies before the rotation; within a square box that is the same
            reader.setScaledSize(size.scaled(max_side, max_side, Qt.AspectRatioMode.KeepAspectRatio))
    return reader.read()


def jpeg_bytes(image: QImage, quality: int = 85) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.convertToFormat(QImage.Format.Format_RGB32).save(buffer, "JPEG", quality)
    buffer.close()
    return bytes(data.data())


def render_pdf_page(path: Any, max_side: int, page: int = 0) -> QImage | None:
    """A PDF's page rendered with QtPdf on white, ``max_side`` pixels on its longer side (None if it cannot be)."""
    try:
        from PySide6.QtPdf import QPdfDocument
    except ImportError:
        return None
    document = QPdfDocument()
    try:
        if document.load(str(path)) != QPdfDocument.Error.None_ or document.pageCount() <= page:
            return None
        points = document.pagePointSize(page)
        if points.width() <= 0 or points.height() <= 0:
            return None
        size = points.toSize().scaled(max_side, max_side, Qt.AspectRatioMode.KeepAspectRatio)
        rendered = document.render(page, size)
        if rendered.isNull():
            return None
        page_image = QImage(rendered.size(), QImage.Format.Format_RGB32)
        page_image.fill(QColor("#ffffff"))
        painter = QPainter(page_image)
        painter.drawImage(0, 0, rendered)
        painter.end()
        return page_image
    finally:
        document.close()


def load_thumbnails(service: Any, batch: Sequence[Evidence]) -> list[tuple[str, QImage | None]]:
    """Runs off the GUI thread: each evidence's thumbnail from the cache (re-made by the service
    if missing); a PDF without one gets its first page rendered and stored as its thumbnail."""
    loaded: list[tuple[str, QImage | None]] = []
    for evidence in batch:
        image: QImage | None = None
        try:
            path = service.thumbnail(evidence)
            if path is not None:
                image = read_image(path)
            elif evidence.media_type == "application/pdf":
                image = render_pdf_page(service.original(evidence), PDF_THUMB_PX)
                if image is not None:
                    service.store_thumbnail(evidence, jpeg_bytes(image))
        except (OekoauditError, OSError, ValueError):
            image = None
        loaded.append((evidence.sha256, image if image is not None and not image.isNull() else None))
    return loaded


class ThumbnailProvider(QObject):
    """Thumbnails of evidence by content (SHA-256): from the LRU at once, else loaded in the background."""

    #: a thumbnail arrived (or turned out not to exist): the evidence's sha256
    ready = Signal(str)

    def __init__(self, service: Callable[[], Any], tasks: TaskRunner, parent: QObject | None = None,
                 cache: ThumbnailCache | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._tasks = tasks
        self.cache = cache or ThumbnailCache()
        self._queue: deque[Evidence] = deque()
        self._queued: set[str] = set()
        self._loading: set[str] = set()
        #: content without a thumbnail (a document that is not a PDF, a missing original)
        self._none: set[str] = set()
        self._running = 0

    def pixmap(self, evidence: Evidence, load: bool = True) -> QPixmap | None:
        """The thumbnail (a document icon for a document without one); None while it is loading."""
        pixmap = self.cache.get(evidence.sha256)
        if pixmap is not None:
            return pixmap
        if evidence.sha256 in self._none:
            return document_icon(document_label(evidence.original_name, evidence.media_type))
        if load:
            self.request(evidence)
        return None

    def has(self, evidence: Evidence) -> bool:
        return evidence.sha256 in self.cache or evidence.sha256 in self._none

    @property
    def busy(self) -> bool:
        return bool(self._queue or self._running)

    def request(self, evidence: Evidence, urgent: bool = True) -> None:
        key = evidence.sha256
        if key in self.cache or key in self._none or key in self._loading:
            return
        if key in self._queued:
            if urgent:  # painted now: to the front
                for queued in list(self._queue):
                    if queued.sha256 == key:
                        self._queue.remove(queued)
                        self._queue.appendleft(queued)
                        break
        else:
            self._queued.add(key)
            if urgent:
                self._queue.appendleft(evidence)
            else:
                self._queue.append(evidence)
        self._pump()

    def prefetch(self, evidence: Iterable[Evidence]) -> None:
        """Queue the thumbnails of ``evidence`` (in that order) behind the ones being painted."""
        for item in evidence:
            self.request(item, urgent=False)

    def forget(self, sha256: str) -> None:
        """Drop a thumbnail (it changed, e.g. a document's first page was rendered again)."""
        self.cache.discard(sha256)
        self._none.discard(sha256)

    def _pump(self) -> None:
        while self._running < PARALLEL and self._queue:
            batch: list[Evidence] = []
            while self._queue and len(batch) < BATCH:
                item = self._queue.popleft()
                self._queued.discard(item.sha256)
                if item.sha256 in self._loading:
                    continue
                self._loading.add(item.sha256)
                batch.append(item)
            if not batch:
                return
            self._running += 1
            service = self._service()
            keys = [item.sha256 for item in batch]
            self._tasks.submit(lambda s=service, b=tuple(batch): load_thumbnails(s, b), self._on_loaded,
                               lambda exc, k=tuple(keys): self._on_failed(k, exc))

    def _on_loaded(self, loaded: list[tuple[str, QImage | None]]) -> None:
        self._running -= 1
        for key, image in loaded:
            self._loading.discard(key)
            if image is None:
                self._none.add(key)
            else:
                self.cache.put(key, QPixmap.fromImage(image))
            emit(self.ready, key)
        self._pump()

    def _on_failed(self, keys: Sequence[str], _exc: BaseException) -> None:
        self._running -= 1
        for key in keys:
            self._loading.discard(key)
            self._none.add(key)
            emit(self.ready, key)
        self._pump()


# ---- the model --------------------------------------------------------------------------


class EvidenceModel(QAbstractListModel):
    """An audit's evidence in gallery order; each row's thumbnail from the :class:`ThumbnailProvider`."""

    def __init__(self, thumbnails: ThumbnailProvider, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thumbnails = thumbnails
        self._rows: list[Evidence] = []
        self._rows_by_sha: dict[str, list[int]] = {}
        thumbnails.ready.connect(self._on_thumbnails_ready)

    # ---- content ------------------------------------------------------------------------

    def set_rows(self, rows: Iterable[Evidence]) -> None:
        """Show ``rows``; the same evidence in the same order keeps the view's place and selection."""
        rows = list(rows)
        if [e.id for e in rows] == [e.id for e in self._rows]:
            self._rows = rows
            self._index_rows()
            if rows:
                emit(self.dataChanged, self.index(0), self.index(len(rows) - 1))
        else:
            self.beginResetModel()
            self._rows = rows
            self._index_rows()
            self.endResetModel()
        self.thumbnails.prefetch(rows)

    def _index_rows(self) -> None:
        self._rows_by_sha = {}
        for row, evidence in enumerate(self._rows):
            self._rows_by_sha.setdefault(evidence.sha256, []).append(row)

    @property
    def rows(self) -> list[Evidence]:
        return list(self._rows)

    def ids(self) -> list[str]:
        return [e.id for e in self._rows]

    def row_of(self, evidence_id: str) -> int:
        return next((row for row, e in enumerate(self._rows) if e.id == evidence_id), -1)

    def evidence(self, evidence_id: str) -> Evidence | None:
        row = self.row_of(evidence_id)
        return self._rows[row] if row >= 0 else None

    def evidence_at(self, index: AnyIndex) -> Evidence | None:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self._rows[index.row()]

    def _on_thumbnails_ready(self, sha256: str) -> None:
        for row in self._rows_by_sha.get(sha256, ()):
            index = self.index(row)
            emit(self.dataChanged, index, index, [ThumbnailRole, Qt.ItemDataRole.DecorationRole])

    # ---- QAbstractListModel -------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        evidence = self.evidence_at(index)
        if evidence is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return display_name(evidence)
        if role in (ThumbnailRole, Qt.ItemDataRole.DecorationRole):
            return self.thumbnails.pixmap(evidence)
        if role == ObjectRole:
            return evidence
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [evidence.original_name]
            if evidence.caption:
                lines.append(evidence.caption)
            lines.append(origin_text(evidence.origin))
            if evidence.links:
                lines.append(_("Linked to: {targets}").format(targets=", ".join(link_text(link) for link in
                                                                                 evidence.links)))
            return "\n".join(lines)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{display_name(evidence)} ({origin_text(evidence.origin)})"
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [EVIDENCE_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:  # noqa: N802
        mime = QMimeData()
        rows = sorted({i.row() for i in indexes if i.isValid()})
        mime.setData(EVIDENCE_MIME, QByteArray("\n".join(self._rows[r].id for r in rows).encode()))
        return mime

    def supportedDragActions(self) -> Qt.DropAction:  # noqa: N802
        return Qt.DropAction.MoveAction

    def supportedDropActions(self) -> Qt.DropAction:  # noqa: N802
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction


def evidence_ids(mime: QMimeData) -> list[str]:
    """The ids of evidence dragged inside the window (empty for anything else)."""
    if not mime.hasFormat(EVIDENCE_MIME):
        return []
    return [line for line in bytes(mime.data(EVIDENCE_MIME).data()).decode().splitlines() if line]


def link_text(link: Any) -> str:
    """A link as a short text: "Item 6.1.2", "Finding: …", "Measure: …"."""
    target = link.target
    label = " ".join((link.label or target.ref).split())
    if len(label) > LINK_LABEL_MAX:
        label = label[:LINK_LABEL_MAX - 1].rstrip() + "…"
    if target.kind is TargetKind.ITEM:
        return _("Item {label}").format(label=label)
    if target.kind is TargetKind.FINDING:
        return _("Finding: {label}").format(label=label)
    return _("Measure: {label}").format(label=label)


# ---- the filter -------------------------------------------------------------------------


class Show(StrEnum):
    ALL = "all"
    ITEMS = "items"
    FINDINGS = "findings"
    MEASURES = "measures"
    UNLINKED = "unlinked"
    ITEM = "item"  # linked to one item (``key``)
    PHOTOS = "photos"
    DOCUMENTS = "documents"


@dataclass(frozen=True, slots=True)
class EvidenceFilter:
    show: Show = Show.ALL
    key: str = ""

    def accepts(self, evidence: Evidence) -> bool:
        kinds = {link.target.kind for link in evidence.links}
        show = self.show
        if show is Show.ITEMS:
            return TargetKind.ITEM in kinds
        if show is Show.FINDINGS:
            return TargetKind.FINDING in kinds
        if show is Show.MEASURES:
            return TargetKind.MEASURE in kinds
        if show is Show.UNLINKED:
            return not evidence.links
        if show is Show.ITEM:
            return any(link.target.kind is TargetKind.ITEM and link.target.ref == self.key for link in evidence.links)
        if show is Show.PHOTOS:
            return evidence.kind is EvidenceKind.PHOTO
        if show is Show.DOCUMENTS:
            return evidence.kind is EvidenceKind.DOCUMENT
        return True


class EvidenceFilterProxy(QSortFilterProxyModel):
    """The gallery's rows that match an :class:`EvidenceFilter` (in gallery order)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._filter = EvidenceFilter()

    @property
    def filter(self) -> EvidenceFilter:
        return self._filter

    def set_filter(self, flt: EvidenceFilter) -> None:
        self.beginFilterChange()
        self._filter = flt
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:  # noqa: N802
        evidence = self.sourceModel().index(source_row, 0, source_parent).data(ObjectRole)
        return isinstance(evidence, Evidence) and self._filter.accepts(evidence)

    def shown(self) -> list[Evidence]:
        return [self.index(row, 0).data(ObjectRole) for row in range(self.rowCount())]


def scaled_pixmap(pixmap: QPixmap, size: QSize) -> QPixmap:
    return pixmap.scaled(size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
