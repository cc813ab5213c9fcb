"""The store: one data directory, opened by one process at a time.

Layout of a data directory::

    oekoaudit.sqlite      the database (WAL mode: also -wal and -shm while open)
    oekoaudit.lock        held while a process has the store open (+ .json: who holds it)
    session.running       exists while the store is open; found at opening = last run crashed
    blobs/                evidence originals by SHA-256 (immutable)
    blobs/.staging/       originals being written by an import (leftovers of a crash are swept at opening)
    cache/                previews and thumbnails (always re-creatable)
    backups/              verified, rotated copies of the database

Opening: lock → sweep of half-written blobs → integrity check (full after a crash, quick
otherwise) → backup when due → migrations (with a backup first) → device id → session marker.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import filelock
from sqlalchemy import Engine, select
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from oekoaudit.durable import atomic_write_bytes
from oekoaudit.errors import N_, ReadOnlyError, StorageFullError, StoreCorruptError, StoreLockedError
from oekoaudit.storage import backup as backups
from oekoaudit.storage.engine import make_engine, read_only
from oekoaudit.storage.migrate import upgrade_to_head
from oekoaudit.storage.orm import StoreMetaRecord

DB_NAME = "oekoaudit.sqlite"
LOCK_NAME = "oekoaudit.lock"
SESSION_MARKER = "session.running"


def _classify(exc: BaseException, db_path: Path, backups_dir: Path) -> Exception | None:
    """Map SQLite failures to the user-facing store errors (None: not a storage condition)."""
    text = str(getattr(exc, "orig", exc)).lower()
    if any(s in text for s in ("database or disk is full", "disk i/o error", "no space left", "file too large",
                               "attempt to write a readonly database", "unable to open database")):
        return StorageFullError(detail=str(getattr(exc, "orig", exc)))
    if any(s in text for s in ("malformed", "file is not a database", "database corrupt")):
        return StoreCorruptError(path=str(db_path), detail=str(getattr(exc, "orig", exc)), backups=str(backups_dir))
    return None


class Store:
    """An open data directory. Use :meth:`open`; close with :meth:`close` (or ``with``)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.db_path = data_dir / DB_NAME
        self.blobs_dir = data_dir / "blobs"
        self.cache_dir = data_dir / "cache"
        self.backups_dir = data_dir / "backups"
        self._lock = filelock.FileLock(data_dir / LOCK_NAME, timeout=0, thread_local=False,
                                       fallback_to_soft=False)
        self._engine: Engine | None = None
        self.device_id = ""
        #: True when the previous session did not close the store (crash, power loss).
        self.recovered_from_crash = False
        #: True when opening applied schema migrations (a backup was made first).
        self.migrated = False
        #: How many half-written blobs of an interrupted import opening removed.
        self.staging_swept = 0
        #: A store built from a package opened for review: :meth:`write` refuses (see ``seal``).
        self.review = False

    # ---- lifecycle ------------------------------------------------------------------

    @classmethod
    def open(cls, data_dir: Path) -> Store:
        store = cls(Path(data_dir))
        store._open()
        return store

    def _open(self) -> None:
        for folder in (self.data_dir, self.blobs_dir, self.cache_dir, self.backups_dir):
            folder.mkdir(parents=True, exist_ok=True)
        self._acquire_lock()
        try:
            marker = self.data_dir / SESSION_MARKER
            self.recovered_from_crash = marker.exists()
            self.staging_swept = self._sweep_staging()
            existed = self.db_path.exists() and self.db_path.stat().st_size > 0
            if existed:
                self._check_integrity(full=self.recovered_from_crash)
                if backups.backup_due(self.backups_dir):
                    self.backup("auto")
            self._engine = make_engine(self.db_path)
            self.migrated = upgrade_to_head(self._engine, self.db_path, self.backup)
            self.device_id = self._device_id()
            atomic_write_bytes(marker, json.dumps(self._holder()).encode())
        except BaseException:
            self._dispose()
            self._release_lock()
            raise

    def close(self) -> None:
        """Release everything; the next opening will not treat this session as crashed."""
        self._dispose()
        with contextlib.suppress(FileNotFoundError):
            (self.data_dir / SESSION_MARKER).unlink()
        self._release_lock()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    # ---- lock -----------------------------------------------------------------------

    def _holder(self) -> dict[str, object]:
        return {"pid": os.getpid(), "host": socket.gethostname(), "since": datetime.now(UTC).isoformat()}

    def _acquire_lock(self) -> None:
        info = self.data_dir / (LOCK_NAME + ".json")
        try:
            self._lock.acquire()
        except filelock.Timeout:
            try:
                holder = json.loads(info.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                holder = {}
            raise StoreLockedError(path=str(self.data_dir), pid=holder.get("pid", "?"),
                                   host=holder.get("host", "?")) from None
        atomic_write_bytes(info, json.dumps(self._holder()).encode())

    def _release_lock(self) -> None:
        if self._lock.is_locked:
            self._lock.release(force=True)

    def _sweep_staging(self) -> int:
        """Remove originals an import staged but never committed (it crashed or was killed); they are
        referenced by nothing. Done under the lock, so no import of this store is running."""
        from oekoaudit.evidence.blobs import BlobStore

        try:
            return BlobStore(self.blobs_dir, self.cache_dir).sweep_staging()
        except OSError:
            return 0  # a leftover that cannot be removed now does no harm; the next opening tries again

    # ---- integrity and backups ------------------------------------------------------

    def _check_integrity(self, full: bool) -> None:
        pragma = "integrity_check" if full else "quick_check"
        try:
            conn = sqlite3.connect(self.db_path)
            try:
                rows = conn.execute(f"PRAGMA {pragma}").fetchall()
            finally:
                conn.close()
        except sqlite3.DatabaseError as exc:
            raise StoreCorruptError(path=str(self.db_path), detail=str(exc), backups=str(self.backups_dir)) from exc
        if rows != [("ok",)]:
            detail = "; ".join(str(r[0]) for r in rows[:3])
            raise StoreCorruptError(path=str(self.db_path), detail=detail, backups=str(self.backups_dir))

    def integrity_check(self) -> list[str]:
        """Full ``PRAGMA integrity_check``; an empty list means the database is sound."""
        with self.engine.connect() as conn:
            rows = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check").fetchall()]
        return [] if rows == ["ok"] else rows

    def backup(self, reason: str = "manual") -> Path | None:
        if not self.db_path.exists():
            return None
        path = backups.make_backup(self.db_path, self.backups_dir, reason)
        backups.rotate(self.backups_dir)
        return path

    # ---- sessions -------------------------------------------------------------------

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise RuntimeError("the store is closed")
        return self._engine

    def seal(self) -> None:
        """From now on nothing may be written: the store shows a package for review."""
        self.review = True

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A unit of work that commits at the end (``BEGIN IMMEDIATE`` … ``COMMIT``)."""
        if self.review:
            raise ReadOnlyError(N_("This audit was opened from a package for review; nothing can be changed. "
                                   "Import the package to work on it."))
        session = Session(self.engine, expire_on_commit=False)
        try:
            yield session
            session.commit()
        except (OperationalError, DBAPIError) as exc:
            session.rollback()
            mapped = _classify(exc, self.db_path, self.backups_dir)
            if mapped is not None:
                raise mapped from exc
            raise
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work (deferred transaction; never blocks the writer)."""
        session = Session(read_only(self.engine), expire_on_commit=False)
        try:
            yield session
        except (OperationalError, DBAPIError) as exc:
            mapped = _classify(exc, self.db_path, self.backups_dir)
            if mapped is not None:
                raise mapped from exc
            raise
        finally:
            session.rollback()
            session.close()

    def _device_id(self) -> str:
        with self.write() as session:
            record = session.get(StoreMetaRecord, "device_id")
            if record is None:
                record = StoreMetaRecord(key="device_id", value=str(uuid.uuid4()))
                session.add(record)
                session.add(StoreMetaRecord(key="created_at", value=datetime.now(UTC).isoformat()))
            return record.value

    def meta(self) -> dict[str, str]:
        with self.read() as session:
            return {r.key: r.value for r in session.scalars(select(StoreMetaRecord))}
