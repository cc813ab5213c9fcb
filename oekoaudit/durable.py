"""Durable file operations: atomic replace with fsync of file and folder.

At the bottom of the layers (next to ``paths``), so that the store, the evidence originals and
settings all write files the same way.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from pathlib import Path


def fsync_dir(folder: Path) -> None:
    """Make a rename inside ``folder`` durable (POSIX; a no-op where folders cannot be opened)."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace(src: Path, dst: Path, attempts: int = 5) -> None:
    """``os.replace`` that retries briefly on Windows, where a virus scanner may hold the target."""
    for attempt in range(attempts):
        try:
            os.replace(src, dst)
            return
        except PermissionError:
            if os.name != "nt" or attempt == attempts - 1:
                raise
            time.sleep(0.1 * (attempt + 1))


def atomic_copy(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` (streamed) so that a crash leaves the old target or the whole new one."""
    tmp = target.with_name(f".{target.name}.part")
    try:
        with open(source, "rb") as src, open(tmp, "wb") as dst:
            shutil.copyfileobj(src, dst, 1024 * 1024)
            dst.flush()
            os.fsync(dst.fileno())
        replace(tmp, target)
        fsync_dir(target.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def atomic_write_bytes(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` so that a crash leaves either the old or the new file."""
    tmp = target.with_name(f".{target.name}.part")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        replace(tmp, target)
        fsync_dir(target.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
