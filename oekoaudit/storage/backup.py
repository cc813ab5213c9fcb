"""Automatic, verified, rotated backups of the database through SQLite's online backup API.

A backup is written to a temporary file in ``backups/``, checked with ``integrity_check``,
fsynced and only then renamed to its final name, so a file named ``*.sqlite`` in
``backups/`` is always a complete, consistent copy.

Rotation keeps the newest :data:`KEEP_RECENT` automatic backups, the newest backup of each
of the last :data:`KEEP_DAYS` days, and the newest :data:`KEEP_MIGRATION` backups made
before a schema migration.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from oekoaudit.durable import fsync_dir, replace

KEEP_RECENT = 10
KEEP_DAYS = 14
KEEP_MIGRATION = 10
#: An automatic backup at opening is made when the newest one is older than this.
AUTO_INTERVAL = timedelta(minutes=30)

_NAME = re.compile(r"^oekoaudit-(?P<stamp>\d{8}T\d{6}\d{6}Z)-(?P<reason>[a-z0-9-]+)\.sqlite$")


@dataclass(frozen=True, slots=True)
class BackupFile:
    path: Path
    taken_at: datetime
    reason: str


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def list_backups(folder: Path) -> list[BackupFile]:
    """Completed backups, newest first."""
    backups = []
    if folder.is_dir():
        for path in folder.iterdir():
            match = _NAME.match(path.name)
            if match:
                taken = datetime.strptime(match["stamp"], "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
                backups.append(BackupFile(path, taken, match["reason"]))
    return sorted(backups, key=lambda b: b.taken_at, reverse=True)


def make_backup(db_path: Path, folder: Path, reason: str, now: datetime | None = None) -> Path:
    """Copy the live database ``db_path`` into ``folder``; returns the backup's path."""
    folder.mkdir(parents=True, exist_ok=True)
    reason = re.sub(r"[^a-z0-9-]+", "-", reason.lower()).strip("-") or "manual"
    final = folder / f"oekoaudit-{_stamp(now or datetime.now(UTC))}-{reason}.sqlite"
    tmp = final.with_suffix(".sqlite.part")
    source = sqlite3.connect(db_path)
    try:
        target = sqlite3.connect(tmp)
        try:
            source.backup(target)
            # The copy keeps the source's WAL mode; a backup is a single self-contained file.
            target.execute("PRAGMA journal_mode=DELETE")
            result = target.execute("PRAGMA integrity_check").fetchone()
            if result is None or result[0] != "ok":
                raise sqlite3.DatabaseError(f"backup failed its integrity check: {result}")
        finally:
            target.close()
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        replace(tmp, final)
        fsync_dir(folder)
    finally:
        source.close()
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return final


def rotate(folder: Path, now: datetime | None = None) -> list[Path]:
    """Delete backups outside the retention rules; returns the deleted paths."""
    now = now or datetime.now(UTC)
    backups = list_backups(folder)
    migration = [b for b in backups if b.reason.startswith("before-migration")]
    automatic = [b for b in backups if not b.reason.startswith("before-migration")]
    keep: set[Path] = {b.path for b in migration[:KEEP_MIGRATION]}
    keep |= {b.path for b in automatic[:KEEP_RECENT]}
    days_seen: set[str] = set()
    for b in automatic:  # newest first: the first one met on a day is that day's newest
        day = b.taken_at.strftime("%Y-%m-%d")
        if now - b.taken_at <= timedelta(days=KEEP_DAYS) and day not in days_seen:
            keep.add(b.path)
            days_seen.add(day)
    deleted = []
    for b in backups:
        if b.path not in keep:
            with contextlib.suppress(FileNotFoundError):
                b.path.unlink()
            deleted.append(b.path)
    return deleted


def backup_due(folder: Path, now: datetime | None = None) -> bool:
    now = now or datetime.now(UTC)
    newest = next((b for b in list_backups(folder) if not b.reason.startswith("before-migration")), None)
    return newest is None or now - newest.taken_at >= AUTO_INTERVAL
