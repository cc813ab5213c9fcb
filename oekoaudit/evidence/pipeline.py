"""The import of evidence files, in worker processes, with bounded memory and cancel.

Per file (``prepare_path``, run in a worker): read the file once; hash, decode and stage the
original from those same bytes; write the preview and the thumbnail to the cache. The staged
original is not fsynced by the worker: ``BlobStore.commit`` flushes it on the caller's thread, so
that the wait for the disk overlaps the workers' decoding of the next photos. What reaches
the caller is a ``Prepared`` (the original staged under ``blobs/.staging``, not yet in place) or a
``Failed`` with an English msgid naming the file. The caller (the evidence service) then commits
each staged blob together with its database record, or discards it: nothing under a real blob
name exists before the record does.

``run`` feeds the files to a "spawn" process pool (decoding is CPU work, and a decoder that
crashes on a hostile file takes down a worker, not the app), keeps at most two files per worker
in flight (a 12 MP JPEG and its decoded preview are ~20 MB), and hands the results back in input
order, on the calling thread.

Cancel (``threading.Event``): nothing new is submitted and queued files are dropped; files a
worker is already busy with finish and ARE delivered (as Prepared or Failed): the caller decides
whether to commit them or discard their staged blobs. Files without a result were not imported.

A worker that dies (a decoder crash, the OOM killer) breaks the whole pool. The files that were in
flight are then tried again one at a time in a fresh one-worker pool, so the culprit is found and
reported as Failed (``CRASHED``) while the others are imported; then the run goes on with a new pool.
After ``MAX_CRASHES`` crashes in a row (the pool itself cannot work, e.g. a broken installation)
every remaining file is reported as Failed (``WORKERS_FAILED``). Nothing falls back to decoding in
the app's own process: that is exactly what the pool protects the app from. A worker killed in the
middle of a file may leave a staged file behind; ``BlobStore.sweep_staging`` removes it at the next
start.

A frozen (PyInstaller) app needs ``multiprocessing.freeze_support()`` first thing in ``__main__``.
"""

from __future__ import annotations

import errno
import hashlib
import multiprocessing
import os
import stat
import threading
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oekoaudit.errors import N_
from oekoaudit.evidence.blobs import BlobStore
from oekoaudit.evidence.imaging import MAX_FILE_BYTES, EvidenceFileError, Metadata, derivatives, read_metadata

EMPTY = N_("{name}: the file is empty.")
UNREADABLE = N_("{name}: the file could not be read ({reason}).")
ACCESS_DENIED = N_("{name}: access to the file was denied.")
VANISHED = N_("{name}: the file disappeared before it could be read.")
NOT_A_FILE = N_("{name} is not a file that can be imported.")
TOO_BIG = N_("{name} is larger than {limit} MB.")
DISK_FULL = N_("{name}: not enough space on the disk to store it.")
NOT_STORED = N_("{name} could not be stored ({reason}).")
CRASHED = N_("{name}: reading the file made the import helper crash; the file was skipped.")
WORKERS_FAILED = N_("{name} was not imported: the import helper processes keep stopping.")
UNEXPECTED = N_("{name} could not be imported ({reason}).")

#: Files in flight per worker: enough to keep each worker busy while results are handed over.
IN_FLIGHT_PER_WORKER = 2
#: Pool crashes in a row after which the remaining files are given up.
MAX_CRASHES = 3
#: How often a wait for a result looks at the cancel flag (seconds).
POLL = 0.05

#: OS junk that is never evidence, skipped when a folder is imported.
JUNK_NAMES = frozenset({"thumbs.db", "ehthumbs.db", "desktop.ini", ".ds_store", "icon\r", "__macosx"})
_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)})


@dataclass(frozen=True)
class Prepared:
    """A file ready to be committed: its original staged (or already stored), its cache made."""

    path: str
    original_name: str
    sha256: str
    size: int
    metadata: Metadata
    #: the staged original under blobs/.staging; None when the blob existed already
    staged: Path | None
    #: True when this run wrote the preview and the thumbnail
    made: bool


@dataclass(frozen=True)
class Failed:
    """A file that cannot be imported; template is an English msgid, params fill it in."""

    path: str
    template: str
    params: tuple[tuple[str, Any], ...] = ()

    def english(self) -> str:
        try:
            return self.template.format(**dict(self.params))
        except (KeyError, IndexError, ValueError):
            return self.template


Result = Prepared | Failed


# -- which files -------------------------------------------------------------------------------

def _skipped(name: str) -> bool:
    return name.startswith(".") or name.casefold() in JUNK_NAMES or name.startswith("~$")


def _walk(folder: Path) -> Iterable[Path]:
    """Files below ``folder``, sorted by name (case-insensitively), hidden ones and OS junk left
    out; folder links are not followed (no loops)."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted((d for d in dirs if not _skipped(d)), key=lambda d: (d.casefold(), d))
        for name in sorted((f for f in files if not _skipped(f)), key=lambda f: (f.casefold(), f)):
            yield Path(root) / name


def expand(paths: Sequence[Path]) -> list[Path]:
    """The files to import: folders recursively (sorted), plain files in the order given.

    A file named twice (directly or through a folder) is imported once. A path that does not
    exist is kept: its import fails with a message, instead of it silently vanishing.
    """
    seen: set[str] = set()
    out: list[Path] = []
    for given in paths:
        path = Path(given)
        candidates = _walk(path) if path.is_dir() else (path,)
        for candidate in candidates:
            key = os.path.normcase(os.path.abspath(candidate))
            if key not in seen:
                seen.add(key)
                out.append(candidate)
    return out


# -- one file ----------------------------------------------------------------------------------

class _Refused(Exception):
    def __init__(self, template: str, **params: Any) -> None:
        super().__init__(template)
        self.template = template
        self.params = params


def _failed(path: str, template: str, **params: Any) -> Failed:
    return Failed(path=path, template=template, params=tuple(params.items()))


def _reason(exc: BaseException) -> str:
    return (exc.strerror if isinstance(exc, OSError) and exc.strerror else "") or type(exc).__name__


def _read(path: str, name: str) -> bytes:
    """The whole file, once. ``stat`` first: opening a FIFO would block, a folder is no file."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise _Refused(NOT_A_FILE, name=name)
        if info.st_size > MAX_FILE_BYTES:
            raise _Refused(TOO_BIG, name=name, limit=MAX_FILE_BYTES // (1024 * 1024))
        with open(path, "rb") as fh:
            return fh.read()  # sized from fstat: one allocation; a file grown since is caught later
    except FileNotFoundError:
        raise _Refused(VANISHED, name=name) from None
    except (PermissionError, IsADirectoryError) as exc:
        if isinstance(exc, IsADirectoryError):
            raise _Refused(NOT_A_FILE, name=name) from None
        raise _Refused(ACCESS_DENIED, name=name) from None
    except OSError as exc:
        raise _Refused(UNREADABLE, name=name, reason=_reason(exc)) from None


def _derive(data: bytes, name: str, sha256: str, store: BlobStore) -> tuple[Metadata, bytes | None, bytes | None]:
    """Metadata, preview and thumbnail; the pixels are not decoded again when the cache already
    holds this content's preview and thumbnail (the same photo imported before)."""
    if store.preview_path(sha256).is_file() and store.thumbnail_path(sha256).is_file():
        return read_metadata(data, name), None, None
    return derivatives(data, name)


def _store(data: bytes, path: str, name: str, sha256: str, metadata: Metadata,
           preview: bytes | None, thumb: bytes | None, store: BlobStore) -> Result:
    """Stage the original (unless stored already) and write the cache; on failure nothing stays
    staged and no cache file is half written."""
    staged: Path | None = None
    made = preview is not None and thumb is not None
    try:
        if not store.has(sha256):
            staged = store.stage(data, sync=False)  # commit() flushes it, off the workers
        if preview is not None and thumb is not None:
            store.write_cache(store.preview_path(sha256), preview)
            store.write_cache(store.thumbnail_path(sha256), thumb)
    except BaseException as exc:
        if staged is not None:
            store.discard(staged)
        if not isinstance(exc, OSError):
            raise
        if exc.errno in _FULL_ERRNOS:
            return _failed(path, DISK_FULL, name=name)
        return _failed(path, NOT_STORED, name=name, reason=_reason(exc))
    return Prepared(path=path, original_name=name, sha256=sha256, size=len(data), metadata=metadata,
                    staged=staged, made=made)


def _prepare(data: bytes, path: str, name: str, store: BlobStore) -> Result:
    if not data:
        return _failed(path, EMPTY, name=name)
    if len(data) > MAX_FILE_BYTES:
        return _failed(path, TOO_BIG, name=name, limit=MAX_FILE_BYTES // (1024 * 1024))
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        metadata, preview, thumb = _derive(data, name, sha256, store)
    except EvidenceFileError as exc:
        return Failed(path=path, template=exc.template, params=tuple(exc.params.items()))
    return _store(data, path, name, sha256, metadata, preview, thumb, store)


def _guarded(path: str, name: str, work: Callable[[], Result]) -> Result:
    """Whatever goes wrong with one file is that file's failure, never the import's."""
    try:
        return work()
    except _Refused as exc:
        return Failed(path=path, template=exc.template, params=tuple(exc.params.items()))
    except MemoryError:
        return _failed(path, UNEXPECTED, name=name, reason="out of memory")
    except Exception as exc:  # noqa: BLE001 - a hostile file may make a decoder raise anything
        return _failed(path, UNEXPECTED, name=name, reason=f"{type(exc).__name__}: {exc}"[:200])


def prepare_path(path: str, blobs_dir: str, cache_dir: str) -> Result:
    """Prepare one file (runs in a worker process; top-level so that it pickles by name)."""
    name = os.path.basename(path) or str(path)
    store = BlobStore(Path(blobs_dir), Path(cache_dir))
    return _guarded(str(path), name, lambda: _prepare(_read(str(path), name), str(path), name, store))


def prepare_bytes(data: bytes, name: str, blobs_dir: str, cache_dir: str) -> Result:
    """Prepare content that is not a file (a pasted picture, a camera shot); ``path`` is ``name``."""
    store = BlobStore(Path(blobs_dir), Path(cache_dir))
    return _guarded(name, name, lambda: _prepare(bytes(data), name, name, store))


# -- many files --------------------------------------------------------------------------------

def default_workers() -> int:
    """Two workers where there are two cores (PERFORMANCE.md §1b: the second one gives 1.8×)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(2, cores))


Task = Callable[[str, str, str], Result]


def run(paths: Sequence[Path], blobs_dir: Path, cache_dir: Path, on_result: Callable[[Result], None],
        cancel: threading.Event | None = None, workers: int | None = None) -> bool:
    """Prepare every file; ``on_result`` gets each result in input order, on this thread.

    ``workers``: None → ``default_workers()`` processes; 0 → in this process (tests, one pasted
    picture). Returns True if ``cancel`` was set: files that got no result were not imported,
    and those that did may still be committed or discarded by the caller (see the module text).
    """
    cancel = cancel or threading.Event()
    count = default_workers() if workers is None else workers
    items = [str(p) for p in paths]
    folders = (str(blobs_dir), str(cache_dir))
    if count <= 0:
        for path in items:
            if cancel.is_set():
                break
            on_result(prepare_path(path, *folders))
        return cancel.is_set()
    return _PoolRun(items, folders, on_result, cancel, count).run()


def _discard_staged(result: Any, folders: tuple[str, str]) -> None:
    if isinstance(result, Prepared) and result.staged is not None:
        BlobStore(Path(folders[0]), Path(folders[1])).discard(result.staged)


def _worker_started() -> None:
    """Workers ignore Ctrl+C: the key press reaches every process of the terminal's group, and the
    import is cancelled by the front end (the cancel event), which lets running files finish and
    discards what they staged. An interrupted worker would instead leave a staged file behind."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


class _PoolRun:
    """One run over a spawn process pool; see the module text for cancel and crashes."""

    def __init__(self, items: Sequence[str], folders: tuple[str, str], on_result: Callable[[Result], None],
                 cancel: threading.Event, workers: int, task: Task = prepare_path) -> None:
        self.todo = deque(items)
        self.folders = folders
        self.on_result = on_result
        self.cancel = cancel
        self.workers = workers
        self.task = task
        self.pending: deque[tuple[str, Future[Result]]] = deque()
        self.crashes = 0
        self.pool = self._new_pool(workers)

    def _new_pool(self, workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_worker_started)

    def run(self) -> bool:
        try:
            while self._step():
                pass
        except BaseException:
            self._abandon()
            raise
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)
        return self.cancel.is_set()

    def _step(self) -> bool:
        """Submit, then wait a little for the oldest file; False when nothing is left."""
        if self.cancel.is_set():
            self._drop_queued()
        elif self.crashes >= MAX_CRASHES:
            self._give_up()
        else:
            self._fill()
        if not self.pending:  # done, or a broken pool was just recovered with files still to do
            return bool(self.todo) and not self.cancel.is_set()
        path, future = self.pending[0]
        if not wait([future], timeout=POLL).done:
            return True
        self.pending.popleft()
        try:
            result = future.result()
        except CancelledError:
            return True
        except BrokenProcessPool:
            self._recover([path, *(p for p, _ in self.pending)])
            return True
        except Exception as exc:  # noqa: BLE001 - e.g. a result that could not be pickled
            result = _failed(path, UNEXPECTED, name=os.path.basename(path), reason=type(exc).__name__)
        self.crashes = 0
        self.on_result(result)
        return True

    def _fill(self) -> None:
        while self.todo and len(self.pending) < IN_FLIGHT_PER_WORKER * self.workers:
            path = self.todo.popleft()
            try:
                future = self.pool.submit(self.task, path, *self.folders)
            except BrokenProcessPool:
                self.todo.appendleft(path)
                self._recover([p for p, _ in self.pending])
                return
            self.pending.append((path, future))

    def _drop_queued(self) -> None:
        """Cancel: no new files; queued ones are dropped, running ones stay to be delivered."""
        self.todo.clear()
        self.pending = deque((p, f) for p, f in self.pending if not f.cancel())

    def _give_up(self) -> None:
        while self.todo:
            path = self.todo.popleft()
            self.on_result(_failed(path, WORKERS_FAILED, name=os.path.basename(path)))

    def _recover(self, suspects: list[str]) -> None:
        """A worker died: find which of the files in flight did it, by running each alone."""
        self.pending.clear()
        self.pool.shutdown(wait=True, cancel_futures=True)
        for index, path in enumerate(suspects):
            if self.cancel.is_set():
                return
            if self.crashes >= MAX_CRASHES:
                self.todo.extendleft(reversed(suspects[index:]))
                break
            self.on_result(self._alone(path))
        self.pool = self._new_pool(self.workers)

    def _alone(self, path: str) -> Result:
        pool = self._new_pool(1)
        try:
            result = pool.submit(self.task, path, *self.folders).result()
        except BrokenProcessPool:
            self.crashes += 1
            return _failed(path, CRASHED, name=os.path.basename(path))
        except Exception as exc:  # noqa: BLE001
            return _failed(path, UNEXPECTED, name=os.path.basename(path), reason=type(exc).__name__)
        finally:
            pool.shutdown(wait=True)
        self.crashes = 0
        return result

    def _abandon(self) -> None:
        """on_result raised: let running files finish, then drop what they staged."""
        for _, future in self.pending:
            future.cancel()
        self.pool.shutdown(wait=True, cancel_futures=True)
        for _, future in self.pending:
            if future.done() and not future.cancelled() and future.exception() is None:
                _discard_staged(future.result(), self.folders)
        self.pending.clear()
