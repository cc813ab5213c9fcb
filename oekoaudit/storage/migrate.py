"""Bring a database to the schema this program needs, safely.

1. Read the current revision. A revision this program does not know means the file was
   written by a newer oekoaudit: refuse, change nothing.
2. If the database is behind, make a verified backup first.
3. Run every pending migration in **one** transaction with ``foreign_keys`` off (set outside
   the transaction, as SQLite requires), check ``foreign_key_check``, then commit.

New databases go through the same migrations; ``create_all`` is never used, so new and
upgraded stores cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from oekoaudit.errors import StoreCorruptError, StoreTooNewError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    head = script_directory().get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade_to_head(
    engine: Engine,
    db_path: Path,
    backup: Callable[[str], Path | None],
    target: str = "head",
) -> bool:
    """Upgrade ``engine``'s database; returns True if any migration ran.

    ``backup(reason)`` is called before an existing database is changed.
    """
    scripts = script_directory()
    current = current_revision(engine)
    known = {rev.revision for rev in scripts.walk_revisions()}
    if current is not None and current not in known:
        raise StoreTooNewError(path=str(db_path), revision=current)
    wanted = scripts.get_current_head() if target == "head" else target
    if current == wanted:
        return False
    if current is not None:
        backup(f"before-migration-{current}")
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                command.upgrade(alembic_config(conn), target)
                problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if problems:
                    raise StoreCorruptError(path=str(db_path), detail=f"foreign_key_check: {problems[:3]}",
                                            backups="backups/")
        finally:
            raw.execute("PRAGMA foreign_keys=ON")
    return True
