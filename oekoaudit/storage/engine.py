"""One SQLAlchemy engine per database file, with the pragmas our durability promise rests on.

* ``journal_mode=WAL``: readers never block the writer, a crash never corrupts the file.
* ``synchronous=FULL``: a committed answer survives a dead battery (one fsync per commit;
  our writes are human-paced, so this costs nothing noticeable).
* ``foreign_keys=ON``, ``busy_timeout=5000``.
* Transactions are begun by us (``BEGIN IMMEDIATE`` for writes, ``BEGIN`` for reads) with the
  DBAPI in autocommit mode, so DDL inside a transaction rolls back too (pysqlite otherwise
  commits it silently; see SQLAlchemy's SQLite dialect notes).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

READ_ONLY = "oekoaudit_read_only"


def make_engine(db_path: Path) -> Engine:
    # A small pool: opening a connection (and setting its pragmas) costs more than a whole
    # autosave. Pooled connections are handed to one thread at a time (SQLAlchemy's default
    # for file databases, with check_same_thread off); Store.close() disposes of the pool
    # before anything copies or removes the file.
    engine = create_engine(f"sqlite:///{db_path}", pool_size=4, max_overflow=4, pool_pre_ping=False,
                           connect_args={"timeout": 5.0})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see module doc)
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=5000")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def read_only(engine: Engine) -> Engine:
    """The same engine, beginning deferred (read) transactions that never take the write lock."""
    return engine.execution_options(**{READ_ONLY: True})
