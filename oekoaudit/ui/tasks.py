"""Background work with results delivered on the GUI thread (STYLE §2.4).

* :class:`DbWorker` — the one writer: a single-thread executor (Anki's
  ``ThreadPoolExecutor(max_workers=1)``) that runs every database write in submission order.
* :class:`TaskRunner` — other background work on ``QThreadPool`` (Picard's ``run_task``).
* :class:`ChangeNotifier` — ``changed(Changes)`` after a write; each model decides whether to reload.

Both runners take ``submit(fn, on_done, on_error)``. ``fn`` runs off the GUI thread and must
receive and return plain values (domain dataclasses, strings); ``on_done(result)`` or
``on_error(exc)`` then run on the GUI thread, carried there by a relay ``QObject``'s signal.
"""

from __future__ import annotations

import sys
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QDeadlineTimer,
    QEvent,
    QObject,
    QRunnable,
    Qt,
    QThreadPool,
    Signal,
    Slot,
)

from oekoaudit.ui.qtcompat import emit

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


def _report_unhandled(exc: BaseException) -> None:
    traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)


class ChangeNotifier(QObject):
    """Tells the views what a command changed (a :class:`oekoaudit.domain.changes.Changes`)."""

    changed = Signal(object)


class _Relay(QObject):
    """Lives in the GUI thread; a queued signal brings (callback, value) pairs to it."""

    delivered = Signal(object)

    def __init__(self, on_delivered: Callable[[tuple[Any, Any]], None]) -> None:
        super().__init__()
        self._on_delivered = on_delivered
        # queued even when emitted on the GUI thread (a job that finished before its callback was
        # registered): results never arrive re-entrantly inside submit()
        self.delivered.connect(self._on_relay_delivered, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _on_relay_delivered(self, payload: tuple[Any, Any]) -> None:
        self._on_delivered(payload)


def _deliver(payload: tuple[Callable[[Any], None] | None, Any]) -> None:
    callback, value = payload
    if callback is not None:
        callback(value)
    elif isinstance(value, BaseException):
        _report_unhandled(value)


class DbWorker(QObject):
    """The single writer. ``pending`` counts writes whose callbacks have not run yet."""

    #: emitted on the GUI thread when the number of pending writes changes
    pending_changed = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor: ThreadPoolExecutor | None = ThreadPoolExecutor(max_workers=1,
                                                                       thread_name_prefix="oekoaudit-db")
        self._relay = _Relay(self._on_delivered)
        self._futures: set[Future[Any]] = set()
        self._lock = threading.Lock()
        self._pending = 0

    @property
    def pending(self) -> int:
        return self._pending

    def submit(self, fn: Callable[[], Any], on_done: Done | None = None, on_error: Failed | None = None) -> None:
        if self._executor is None:
            raise RuntimeError("the database worker has been shut down")
        self._pending += 1
        emit(self.pending_changed, self._pending)

        def run() -> tuple[Callable[[Any], None] | None, Any]:
            try:
                return on_done, fn()
            except BaseException as exc:  # delivered to on_error on the GUI thread
                return on_error, exc

        future = self._executor.submit(run)
        with self._lock:
            self._futures.add(future)
        future.add_done_callback(self._on_future_done)

    def _on_future_done(self, future: Future[Any]) -> None:  # worker thread
        with self._lock:
            self._futures.discard(future)
        emit(self._relay.delivered, future.result())

    def _on_delivered(self, payload: tuple[Any, Any]) -> None:  # GUI thread
        self._pending -= 1
        try:
            _deliver(payload)
        finally:
            emit(self.pending_changed, self._pending)

    def flush(self, timeout: float | None = 30.0) -> bool:
        """Wait until every submitted write has run and its callback was delivered."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._lock:
                futures = list(self._futures)
            for future in futures:
                future.exception(timeout=timeout)
            # Results travel as posted events to the relay: deliver them now.
            QCoreApplication.sendPostedEvents(self._relay, QEvent.Type.MetaCall)
            with self._lock:
                idle = not self._futures
            if idle and self._pending <= 0:
                return True
            if deadline is not None and time.monotonic() > deadline:
                return False
            if idle:
                # a delivery may still be on its way from the worker thread
                time.sleep(0.001)

    def shutdown(self) -> None:
        """Flush, then stop the thread. Further submits raise."""
        if self._executor is None:
            return
        self.flush()
        self._executor.shutdown(wait=True)
        self._executor = None


class SyncDbWorker(DbWorker):
    """Runs writes inline on the calling thread (for unit tests of single widgets)."""

    def submit(self, fn: Callable[[], Any], on_done: Done | None = None, on_error: Failed | None = None) -> None:
        self._pending += 1
        emit(self.pending_changed, self._pending)
        try:
            payload: tuple[Any, Any] = (on_done, fn())
        except BaseException as exc:
            payload = (on_error, exc)
        self._on_delivered(payload)


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[], Any], on_done: Done | None, on_error: Failed | None,
                 relay: _Relay) -> None:
        super().__init__()
        self._fn = fn
        self._on_done = on_done
        self._on_error = on_error
        self._relay = relay

    def run(self) -> None:
        try:
            payload: tuple[Any, Any] = (self._on_done, self._fn())
        except BaseException as exc:
            payload = (self._on_error, exc)
        emit(self._relay.delivered, payload)


class TaskRunner(QObject):
    """Background work that is not a database write (reports, imports, thumbnails)."""

    def __init__(self, pool: QThreadPool | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = pool or QThreadPool.globalInstance()
        self._relay = _Relay(self._on_delivered)
        self._active = 0

    @property
    def active(self) -> int:
        return self._active

    def submit(self, fn: Callable[[], Any], on_done: Done | None = None, on_error: Failed | None = None) -> None:
        self._active += 1
        self._pool.start(_Runnable(fn, on_done, on_error, self._relay))

    def _on_delivered(self, payload: tuple[Any, Any]) -> None:
        self._active -= 1
        _deliver(payload)

    def wait(self, msecs: int = 30_000) -> bool:
        """Wait for the pool's threads, then deliver their results (close, tests)."""
        done = self._pool.waitForDone(QDeadlineTimer(msecs))
        QCoreApplication.sendPostedEvents(self._relay, QEvent.Type.MetaCall)
        return done
