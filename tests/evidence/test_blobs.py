"""The blob store: content addressing, staged writes, a full disk, the re-creatable cache."""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path

import pytest
from evidence_pictures import jpeg, part_files, shows_upright, staged_files
from PIL import Image

from oekoaudit.evidence import blobs
from oekoaudit.evidence.blobs import BlobStore


@pytest.fixture
def store(tmp_path: Path) -> BlobStore:
    return BlobStore(tmp_path / "blobs", tmp_path / "cache")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_committed_blob_is_the_original_byte_for_byte_under_its_hash(store: BlobStore) -> None:
    data = b"original bytes \x00\xff" * 100
    sha = _sha(data)
    staged = store.stage(data)
    assert staged.parent == store.staging_dir and staged.name.endswith(".part")
    assert not store.has(sha)
    assert store.commit(staged, sha) is True
    assert store.has(sha) and not staged.exists()
    assert store.path(sha) == store.blobs_dir / sha[:2] / sha
    assert store.read(sha) == data
    with store.open(sha) as fh:
        assert fh.read() == data
    assert store.verify(sha)


def test_the_same_content_twice_is_stored_once(store: BlobStore) -> None:
    data = b"same"
    sha = _sha(data)
    first, second = store.stage(data), store.stage(data)
    assert store.commit(first, sha) is True
    assert store.commit(second, sha) is False
    assert not second.exists()
    assert staged_files(store.blobs_dir) == []
    assert [p.name for p in (store.blobs_dir / sha[:2]).iterdir()] == [sha]


def test_a_blob_staged_without_sync_is_flushed_by_commit(store: BlobStore, monkeypatch) -> None:
    data = b"staged by a worker"
    staged = store.stage(data, sync=False)
    flushed: list[int] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        flushed.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(blobs.os, "fsync", fsync)
    assert store.commit(staged, _sha(data))
    assert len(flushed) >= 2  # the file, then its (new) folder and the folder above
    assert store.read(_sha(data)) == data


def test_names_that_are_not_a_hash_are_refused(store: BlobStore) -> None:
    for bad in ("../../etc/passwd", "ABC", "0" * 63, "g" * 64, "A" * 64):
        with pytest.raises(ValueError):
            store.path(bad)
    with pytest.raises(ValueError):
        store.rendering_path("a" * 64, "../x")


def test_verify_notices_a_changed_or_missing_original(store: BlobStore) -> None:
    data = b"evidence"
    sha = _sha(data)
    store.commit(store.stage(data), sha)
    os.chmod(store.path(sha), 0o644)
    store.path(sha).write_bytes(b"tampered")
    assert not store.verify(sha)
    assert not store.verify("0" * 64)


def test_a_full_disk_while_staging_leaves_nothing(store: BlobStore, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(blobs.os, "write", full)
    with pytest.raises(OSError) as caught:
        store.stage(b"x" * 1000)
    assert caught.value.errno == errno.ENOSPC
    assert staged_files(store.blobs_dir) == []


def test_sweep_removes_what_a_crash_left_in_staging(store: BlobStore) -> None:
    store.stage(b"a")
    store.stage(b"b")
    assert store.sweep_staging() == 2
    assert staged_files(store.blobs_dir) == []
    assert store.sweep_staging() == 0


def test_unreferenced_lists_blobs_no_evidence_uses(store: BlobStore) -> None:
    shas = []
    for data in (b"one", b"two", b"three"):
        shas.append(_sha(data))
        store.commit(store.stage(data), shas[-1])
    store.stage(b"staged, not committed")
    assert store.unreferenced({shas[0]}) == sorted(shas[1:])
    assert store.unreferenced(set(shas)) == []


def test_cache_writes_are_atomic_and_leave_no_temporary_file(store: BlobStore, monkeypatch: pytest.MonkeyPatch) -> None:
    target = store.preview_path("a" * 64)
    store.write_cache(target, b"old")

    def fail(src: Path, dst: Path, attempts: int = 5) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(blobs, "replace", fail)
    with pytest.raises(OSError):
        store.write_cache(target, b"new")
    assert target.read_bytes() == b"old"
    assert part_files(store.cache_dir) == []


def test_ensure_derivatives_recreates_a_cleared_cache(store: BlobStore) -> None:
    data = jpeg((400, 300), orientation=6)
    sha = _sha(data)
    store.commit(store.stage(data), sha)
    assert store.ensure_derivatives(sha)
    preview = Image.open(store.preview_path(sha))
    assert preview.size == (400, 300) and shows_upright(preview)  # stored 300×400, orientation 6
    thumb_mtime = store.thumbnail_path(sha).stat().st_mtime_ns
    assert store.ensure_derivatives(sha)  # both there: nothing rewritten
    assert store.thumbnail_path(sha).stat().st_mtime_ns == thumb_mtime


def test_ensure_derivatives_is_false_for_documents(store: BlobStore) -> None:
    data = b"%PDF-1.7\n" + b"x" * 100
    sha = _sha(data)
    store.commit(store.stage(data), sha)
    assert store.ensure_derivatives(sha) is False
    assert not store.preview_path(sha).exists()


def test_rendering_path_carries_the_key(store: BlobStore) -> None:
    sha = "b" * 64
    assert store.rendering_path(sha, "k1-abc") == store.cache_dir / "renders" / "bb" / f"{sha}-k1-abc.jpg"
