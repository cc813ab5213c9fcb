"""The store's promises: pragmas, one process per folder, integrity checks, backups."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from oekoaudit.errors import StoreCorruptError, StoreLockedError, StoreTooNewError
from oekoaudit.storage import backup as backups
from oekoaudit.storage.store import SESSION_MARKER, Store


def test_connection_pragmas_promise_durability(data_dir: Path) -> None:
    with Store.open(data_dir) as store, store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_a_second_instance_is_refused_and_the_first_keeps_working(data_dir: Path) -> None:
    first = Store.open(data_dir)
    try:
        with pytest.raises(StoreLockedError) as caught:
            Store.open(data_dir)
        assert str(data_dir) in caught.value.english()
        assert "process" in caught.value.english()
        assert first.integrity_check() == []
    finally:
        first.close()
    Store.open(data_dir).close()  # released: opens again


def test_ddl_inside_a_failed_transaction_is_rolled_back(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        with pytest.raises(RuntimeError), store.write() as session:
            session.connection().exec_driver_sql("CREATE TABLE scratch (x)")
            raise RuntimeError("abort")
        with store.engine.connect() as conn:
            names = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master")}
        assert "scratch" not in names


def test_crash_marker_is_noticed_and_cleared(data_dir: Path) -> None:
    Store.open(data_dir).close()
    (data_dir / SESSION_MARKER).write_text("{}")  # as if the last session had died
    with Store.open(data_dir) as store:
        assert store.recovered_from_crash
    with Store.open(data_dir) as store:
        assert not store.recovered_from_crash


def test_a_damaged_database_is_refused_and_left_untouched(data_dir: Path) -> None:
    Store.open(data_dir).close()
    db = data_dir / "oekoaudit.sqlite"
    damaged = b"SQLite format 3\x00" + b"\xff" * 4000
    db.write_bytes(damaged)
    with pytest.raises(StoreCorruptError):
        Store.open(data_dir)
    assert db.read_bytes() == damaged
    Store.open(data_dir.parent / "other").close()  # the lock was released on failure too
    with pytest.raises(StoreCorruptError):
        Store.open(data_dir)


def test_a_database_from_a_newer_version_is_refused_unchanged(data_dir: Path) -> None:
    Store.open(data_dir).close()
    db = data_dir / "oekoaudit.sqlite"
    conn = sqlite3.connect(db)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    with pytest.raises(StoreTooNewError) as caught:
        Store.open(data_dir)
    assert "9999" in caught.value.english()
    assert db.read_bytes() == before


def test_backups_are_complete_databases(data_dir: Path, services) -> None:  # type: ignore[no-untyped-def]
    organisation = services.organisations.create("Backup GmbH")
    path = services.backup("manual")
    assert path is not None and path.parent == data_dir / "backups"
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        names = [r[0] for r in conn.execute("SELECT name FROM organisations")]
    finally:
        conn.close()
    assert names == [organisation.name]
    assert not list((data_dir / "backups").glob("*.part"))


def test_backup_rotation_keeps_recent_daily_and_migration_copies(tmp_path: Path) -> None:
    db = tmp_path / "live.sqlite"
    sqlite3.connect(db).close()
    folder = tmp_path / "backups"
    now = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
    made = []
    for hours in range(0, 24 * 20, 6):  # every 6 h for 20 days
        made.append(backups.make_backup(db, folder, "auto", now=now - timedelta(hours=hours)))
    migration = backups.make_backup(db, folder, "before-migration-0001", now=now - timedelta(days=300))
    backups.rotate(folder, now=now)
    kept = {b.path for b in backups.list_backups(folder)}
    assert migration in kept
    assert set(made[: backups.KEEP_RECENT]) <= kept
    days = {b.taken_at.date() for b in backups.list_backups(folder) if b.reason == "auto"}
    assert len(days) >= backups.KEEP_DAYS
    assert made[-1] not in kept  # 20 days old, not among the recent ones
    assert len(kept) < len(made)


def test_opening_makes_a_backup_when_one_is_due(data_dir: Path) -> None:
    Store.open(data_dir).close()  # new: nothing to back up yet
    assert backups.list_backups(data_dir / "backups") == []
    Store.open(data_dir).close()
    assert len(backups.list_backups(data_dir / "backups")) == 1
    Store.open(data_dir).close()  # not due again within the interval
    assert len(backups.list_backups(data_dir / "backups")) == 1


def test_opening_sweeps_blobs_an_interrupted_import_left_half_written(data_dir: Path) -> None:
    Store.open(data_dir).close()
    staging = data_dir / "blobs" / ".staging"
    staging.mkdir(parents=True, exist_ok=True)
    (staging / "3f2a.part").write_bytes(b"half a photo")
    sha = "ab" + "0" * 62
    kept = data_dir / "blobs" / "ab" / sha
    kept.parent.mkdir(parents=True)
    kept.write_bytes(b"a committed original")
    with Store.open(data_dir) as store:
        assert store.staging_swept == 1
    assert list(staging.iterdir()) == [] and kept.read_bytes() == b"a committed original"
    with Store.open(data_dir) as store:
        assert store.staging_swept == 0
