"""The content-addressed store of evidence originals, and the cache of their previews.

Originals live under ``blobs/<sha[:2]>/<sha>``, named by the SHA-256 of their bytes, and never
change: the same file imported twice is stored once, and the hash recorded at import is the
evidence's identity (``verify`` re-hashes it). A blob reaches its place in two steps so that a
crash or a full disk never leaves half a file under a real name:

1. ``stage`` writes the bytes to ``blobs/.staging/<uuid>.part`` (a worker process does this,
   next to decoding the preview);
2. ``commit`` fsyncs the staged file, renames it into place with ``os.replace`` and fsyncs the
   folder (the service does this, in the same step as the database record).

Whatever stays in ``.staging`` after a crash is removed by ``sweep_staging`` when the store opens.

The cache (``previews/``, ``thumbs/``, ``renders/``) holds JPEGs derived from the originals. It is
disposable: files are replaced atomically (so a reader never sees half a JPEG) but not fsynced,
and ``ensure_derivatives`` re-creates a photo's preview and thumbnail when the cache was cleared.

This module must not import Pillow at import time (the command line starts without it); the
imaging functions are imported where they are needed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import uuid
from pathlib import Path
from typing import BinaryIO

from oekoaudit.durable import fsync_dir, replace

STAGING = ".staging"
PART_SUFFIX = ".part"
_SHA256 = re.compile(r"[0-9a-f]{64}")
#: Read originals in pieces of this size when hashing them again.
_CHUNK = 1024 * 1024


def _unlink_quietly(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _check_sha(sha256: str) -> str:
    """A blob name is exactly 64 lower-case hex digits; anything else could escape the folder."""
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return sha256


def _mkdir_durable(folder: Path) -> None:
    """Create ``folder`` (and parents); fsync the parent when a new folder appeared, so that the
    rename that follows cannot outlive its own folder after a power cut."""
    if folder.is_dir():
        return
    folder.mkdir(parents=True, exist_ok=True)
    fsync_dir(folder.parent)


class BlobStore:
    """Originals by SHA-256 under ``blobs_dir``, derived JPEGs under ``cache_dir``.

    Every method may run in a worker process as well as in the app: the store keeps no state
    but its two folders, so a worker builds its own ``BlobStore`` from the paths.
    """

    def __init__(self, blobs_dir: Path, cache_dir: Path) -> None:
        self.blobs_dir = Path(blobs_dir)
        self.cache_dir = Path(cache_dir)
        self.staging_dir = self.blobs_dir / STAGING

    # -- originals -------------------------------------------------------------------------

    def path(self, sha256: str) -> Path:
        sha = _check_sha(sha256)
        return self.blobs_dir / sha[:2] / sha

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def stage(self, data: bytes, *, sync: bool = True) -> Path:
        """Write ``data`` to a new file in ``.staging`` and fsync it; returns its path.

        ``sync=False`` leaves the flush to ``commit`` (which always fsyncs the staged file before
        renaming it): the import's workers stage that way, so the wait for the disk happens on
        the committing thread while the workers decode the next photos, not in the workers.
        On any error (a full disk above all) the partial file is removed and the error raised.
        """
        self.staging_dir.mkdir(parents=True, exist_ok=True)
        staged = self.staging_dir / f"{uuid.uuid4().hex}{PART_SUFFIX}"
        try:
            fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
            try:
                view = memoryview(data)
                while view:
                    written = os.write(fd, view)
                    view = view[written:]
                if sync:
                    os.fsync(fd)
            finally:
                os.close(fd)
        except BaseException:
            _unlink_quietly(staged)
            raise
        return staged

    def commit(self, staged: Path, sha256: str) -> bool:
        """Move a staged file into place, durably; True if the blob is new.

        The staged file is fsynced first (cheap if ``stage`` did it already), then renamed, then
        its folder is fsynced: after a power cut the blob is either complete or absent. If the
        blob exists already (the same content imported before, or by another file of the same
        import) the staged copy is dropped: blobs are immutable, so the existing one is kept.
        """
        target = self.path(sha256)
        if target.is_file():
            self.discard(staged)
            return False
        _fsync_file(Path(staged))
        _mkdir_durable(target.parent)
        replace(Path(staged), target)
        fsync_dir(target.parent)
        return True

    def discard(self, staged: Path) -> None:
        _unlink_quietly(Path(staged))

    def sweep_staging(self) -> int:
        """Remove what a crash left in ``.staging``; returns how many files were removed.

        Call it only while no import runs (when the store opens): staged files of a running
        import are not yet committed.
        """
        if not self.staging_dir.is_dir():
            return 0
        removed = 0
        for entry in self.staging_dir.iterdir():
            if entry.is_file() or entry.is_symlink():
                _unlink_quietly(entry)
                removed += 1
            elif entry.is_dir():  # a package being imported (services/packages.py)
                shutil.rmtree(entry, ignore_errors=True)
                removed += 1
        return removed

    def open(self, sha256: str) -> BinaryIO:
        return self.path(sha256).open("rb")

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def verify(self, sha256: str) -> bool:
        """Hash the stored original again, in pieces; False if it is missing or its bytes changed."""
        digest = hashlib.sha256()
        try:
            with self.open(sha256) as fh:
                while chunk := fh.read(_CHUNK):
                    digest.update(chunk)
        except FileNotFoundError:
            return False
        return digest.hexdigest() == sha256

    def unreferenced(self, referenced: set[str]) -> list[str]:
        """Blobs no evidence refers to (sorted); the staging folder and stray names are ignored."""
        found = []
        if not self.blobs_dir.is_dir():
            return found
        for sub in self.blobs_dir.iterdir():
            if sub.name == STAGING or not sub.is_dir() or len(sub.name) != 2:
                continue
            for entry in sub.iterdir():
                name = entry.name
                if _SHA256.fullmatch(name) and name[:2] == sub.name and name not in referenced and entry.is_file():
                    found.append(name)
        return sorted(found)

    # -- cache -----------------------------------------------------------------------------

    def preview_path(self, sha256: str) -> Path:
        sha = _check_sha(sha256)
        return self.cache_dir / "previews" / sha[:2] / f"{sha}.jpg"

    def thumbnail_path(self, sha256: str) -> Path:
        sha = _check_sha(sha256)
        return self.cache_dir / "thumbs" / sha[:2] / f"{sha}.jpg"

    def rendering_path(self, sha256: str, key: str) -> Path:
        sha = _check_sha(sha256)
        if not re.fullmatch(r"[0-9A-Za-z_-]{1,64}", key):
            raise ValueError(f"not a rendering key: {key!r}")
        return self.cache_dir / "renders" / sha[:2] / f"{sha}-{key}.jpg"

    def write_cache(self, path: Path, data: bytes) -> None:
        """Replace a cache file atomically: readers see the old file or the new one, never half.

        No fsync: the cache can be re-created from the originals. The temporary name is unique,
        so two workers writing the same preview (the same photo twice in one import) do not
        collide; on any error it is removed and the error raised.
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}{PART_SUFFIX}")
        try:
            with open(tmp, "wb") as fh:
                fh.write(data)
            replace(tmp, path)
        except BaseException:
            _unlink_quietly(tmp)
            raise

    def ensure_derivatives(self, sha256: str) -> bool:
        """Make sure a photo's preview and thumbnail are in the cache, re-creating them from the
        original if not; False if the original is not a picture (or cannot be decoded).

        Cheap when both exist (two ``stat`` calls). A document is recognised from the first
        bytes of its original, without reading the whole file.
        """
        preview, thumb = self.preview_path(sha256), self.thumbnail_path(sha256)
        if preview.is_file() and thumb.is_file():
            return True
        from oekoaudit.evidence import imaging

        with self.open(sha256) as fh:
            head = fh.read(imaging.SNIFF_BYTES)
        if not imaging.looks_like_image(head):
            return False
        try:
            _, preview_jpeg, thumb_jpeg = imaging.derivatives(self.read(sha256), "")
        except imaging.EvidenceFileError:
            return False
        if preview_jpeg is None or thumb_jpeg is None:
            return False
        self.write_cache(preview, preview_jpeg)
        self.write_cache(thumb, thumb_jpeg)
        return True
