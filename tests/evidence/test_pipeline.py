"""The import pipeline: one file's outcomes, many files in order, cancel, crashes, bad input."""

from __future__ import annotations

import errno
import hashlib
import os
import threading
from pathlib import Path

import pytest
from evidence_pictures import crash_on_name, jpeg, part_files, staged_files

from oekoaudit.evidence import blobs, pipeline
from oekoaudit.evidence.blobs import BlobStore
from oekoaudit.evidence.imaging import DAMAGED, NOT_A_PICTURE, TOO_MANY_PIXELS
from oekoaudit.evidence.pipeline import Failed, Prepared, expand, prepare_bytes, prepare_path, run


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    return tmp_path / "data" / "blobs", tmp_path / "data" / "cache"


@pytest.fixture
def store(folders: tuple[Path, Path]) -> BlobStore:
    return BlobStore(*folders)


def _prepare(path: Path, folders: tuple[Path, Path]) -> Prepared | Failed:
    return prepare_path(str(path), str(folders[0]), str(folders[1]))


def _assert_failed(result: Prepared | Failed, template: str, name: str) -> None:
    assert isinstance(result, Failed), result
    assert result.template == template
    assert dict(result.params)["name"] == name
    assert name in result.english()


def _nothing_half_stored(folders: tuple[Path, Path]) -> None:
    assert staged_files(folders[0]) == []
    assert part_files(folders[1]) == []


def _photos(folder: Path, count: int, size: tuple[int, int] = (320, 240)) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"IMG_{i:04d}.jpg"
        path.write_bytes(jpeg(size, orientation=(1, 6, 3, 8)[i % 4], seed=i + 1))
        paths.append(path)
    return paths


# -- one file ----------------------------------------------------------------------------------

def test_a_photo_is_staged_and_its_preview_and_thumbnail_made(tmp_path: Path, folders, store) -> None:
    path = tmp_path / "leak.jpg"
    data = jpeg((640, 480), orientation=6)
    path.write_bytes(data)
    result = _prepare(path, folders)
    assert isinstance(result, Prepared)
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert (result.path, result.original_name, result.size) == (str(path), "leak.jpg", len(data))
    assert (result.metadata.width, result.metadata.height) == (640, 480)
    assert result.staged is not None and result.staged.read_bytes() == data
    assert result.made
    assert store.preview_path(result.sha256).is_file() and store.thumbnail_path(result.sha256).is_file()
    assert store.commit(result.staged, result.sha256)
    assert store.read(result.sha256) == data


def test_content_already_stored_is_not_staged_or_decoded_again(tmp_path: Path, folders, store) -> None:
    path = tmp_path / "a.jpg"
    path.write_bytes(jpeg())
    first = _prepare(path, folders)
    assert isinstance(first, Prepared) and first.staged is not None
    store.commit(first.staged, first.sha256)
    again = _prepare(path, folders)
    assert isinstance(again, Prepared)
    assert again.staged is None and not again.made
    assert again.metadata == first.metadata
    _nothing_half_stored(folders)


def test_a_document_has_no_preview(tmp_path: Path, folders, store) -> None:
    path = tmp_path / "Genehmigung.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"0" * 500)
    result = _prepare(path, folders)
    assert isinstance(result, Prepared)
    assert result.metadata.media_type == "application/pdf" and result.metadata.width is None
    assert not result.made and not store.preview_path(result.sha256).exists()


def test_prepare_bytes_for_pasted_pictures(folders) -> None:
    result = prepare_bytes(jpeg(orientation=8), "Clipboard.png", str(folders[0]), str(folders[1]))
    assert isinstance(result, Prepared) and result.path == "Clipboard.png" and result.made
    _assert_failed(prepare_bytes(b"", "empty.png", str(folders[0]), str(folders[1])), pipeline.EMPTY, "empty.png")


# -- bad input: a clear message, nothing half-stored -------------------------------------------

def test_a_zero_byte_file(tmp_path: Path, folders) -> None:
    (tmp_path / "empty.jpg").write_bytes(b"")
    _assert_failed(_prepare(tmp_path / "empty.jpg", folders), pipeline.EMPTY, "empty.jpg")
    _nothing_half_stored(folders)


def test_a_text_file_named_jpg(tmp_path: Path, folders) -> None:
    (tmp_path / "notes.jpg").write_text("Druckluftleckage an Halle 3")
    result = _prepare(tmp_path / "notes.jpg", folders)
    _assert_failed(result, NOT_A_PICTURE, "notes.jpg")
    assert result.english() == "notes.jpg is named like a photo but is not a picture."  # type: ignore[union-attr]
    _nothing_half_stored(folders)


def test_a_truncated_photo(tmp_path: Path, folders) -> None:
    data = jpeg((800, 600))
    (tmp_path / "cut.jpg").write_bytes(data[: len(data) // 2])
    _assert_failed(_prepare(tmp_path / "cut.jpg", folders), DAMAGED, "cut.jpg")
    _nothing_half_stored(folders)


def test_a_decompression_bomb(tmp_path: Path, folders) -> None:
    from evidence_pictures import png_header

    (tmp_path / "bomb.png").write_bytes(png_header(12_000, 12_000))
    _assert_failed(_prepare(tmp_path / "bomb.png", folders), TOO_MANY_PIXELS, "bomb.png")
    _nothing_half_stored(folders)


def test_a_file_that_vanished_after_it_was_listed(tmp_path: Path, folders) -> None:
    photos = _photos(tmp_path / "in", 3)
    listed = expand([tmp_path / "in"])
    photos[1].unlink()
    results: list[Prepared | Failed] = []
    run(listed, *folders, results.append, workers=0)
    assert [type(r) for r in results] == [Prepared, Failed, Prepared]
    _assert_failed(results[1], pipeline.VANISHED, "IMG_0001.jpg")


def test_an_unreadable_file(tmp_path: Path, folders, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.jpg"
    path.write_bytes(jpeg())

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(pipeline, "open", denied, raising=False)  # root may read anything: simulate
    _assert_failed(_prepare(path, folders), pipeline.ACCESS_DENIED, "secret.jpg")


def test_a_read_error(tmp_path: Path, folders, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "stick.jpg"
    path.write_bytes(jpeg())

    def io_error(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(pipeline, "open", io_error, raising=False)
    result = _prepare(path, folders)
    _assert_failed(result, pipeline.UNREADABLE, "stick.jpg")
    assert dict(result.params)["reason"] == "Input/output error"  # type: ignore[union-attr]


def test_folders_and_fifos_are_not_files(tmp_path: Path, folders) -> None:
    (tmp_path / "sub").mkdir()
    _assert_failed(_prepare(tmp_path / "sub", folders), pipeline.NOT_A_FILE, "sub")
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.jpg")
        _assert_failed(_prepare(tmp_path / "pipe.jpg", folders), pipeline.NOT_A_FILE, "pipe.jpg")


def test_a_file_above_the_size_limit(tmp_path: Path, folders, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "MAX_FILE_BYTES", 1000)
    (tmp_path / "big.pdf").write_bytes(b"%PDF-" + b"0" * 2000)
    result = _prepare(tmp_path / "big.pdf", folders)
    _assert_failed(result, pipeline.TOO_BIG, "big.pdf")


def test_a_full_disk_while_staging_the_original(tmp_path: Path, folders, monkeypatch) -> None:
    path = tmp_path / "full.jpg"
    path.write_bytes(jpeg())

    def full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(blobs.os, "write", full)
    _assert_failed(_prepare(path, folders), pipeline.DISK_FULL, "full.jpg")
    _nothing_half_stored(folders)


def test_a_full_disk_while_writing_the_preview(tmp_path: Path, folders, store, monkeypatch) -> None:
    path = tmp_path / "full.jpg"
    data = jpeg()
    path.write_bytes(data)
    real_open = open

    class FullFile:
        def __init__(self, file: str, mode: str) -> None:
            self.fh = real_open(file, mode)

        def __enter__(self) -> FullFile:
            return self

        def __exit__(self, *exc: object) -> None:
            self.fh.close()

        def write(self, data: bytes) -> int:
            self.fh.write(data[:100])
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(blobs, "open", FullFile, raising=False)
    _assert_failed(_prepare(path, folders), pipeline.DISK_FULL, "full.jpg")
    _nothing_half_stored(folders)
    sha = hashlib.sha256(data).hexdigest()
    assert not store.preview_path(sha).exists() and not store.has(sha)


def test_an_unexpected_error_is_that_files_failure(tmp_path: Path, folders, monkeypatch) -> None:
    path = tmp_path / "odd.jpg"
    path.write_bytes(jpeg())

    def boom(*args: object) -> None:
        raise RuntimeError("decoder bug")

    monkeypatch.setattr(pipeline, "derivatives", boom)
    result = _prepare(path, folders)
    _assert_failed(result, pipeline.UNEXPECTED, "odd.jpg")
    assert "decoder bug" in result.english()  # type: ignore[union-attr]
    _nothing_half_stored(folders)


# -- which files -------------------------------------------------------------------------------

def test_expand_walks_folders_sorted_and_skips_junk(tmp_path: Path) -> None:
    root = tmp_path / "visit"
    (root / "b_sub").mkdir(parents=True)
    (root / ".hidden").mkdir()
    for name in ("b.jpg", "A.jpg", "c.pdf", "Thumbs.db", ".DS_Store", "desktop.ini", "~$lock.docx"):
        (root / name).write_bytes(b"x")
    (root / "b_sub" / "z.jpg").write_bytes(b"x")
    (root / ".hidden" / "secret.jpg").write_bytes(b"x")
    single = tmp_path / "single.png"
    single.write_bytes(b"x")
    found = expand([single, root, root / "A.jpg", tmp_path / "missing.jpg"])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "single.png", "visit/A.jpg", "visit/b.jpg", "visit/c.pdf", "visit/b_sub/z.jpg", "missing.jpg"]


# -- many files --------------------------------------------------------------------------------

def test_the_same_bytes_twice_become_one_blob(tmp_path: Path, folders, store) -> None:
    data = jpeg(seed=5)
    (tmp_path / "one.jpg").write_bytes(data)
    (tmp_path / "copy.jpg").write_bytes(data)
    results: list[Prepared | Failed] = []
    run([tmp_path / "one.jpg", tmp_path / "copy.jpg"], *folders, results.append, workers=0)
    assert all(isinstance(r, Prepared) for r in results)
    first, second = results
    assert isinstance(first, Prepared) and isinstance(second, Prepared)
    assert first.sha256 == second.sha256
    assert [store.commit(r.staged, r.sha256) for r in (first, second) if r.staged] == [True, False]
    assert len(list(store.blobs_dir.glob("*/*"))) == 1
    _nothing_half_stored(folders)


def test_cancel_in_process_after_the_first_result(tmp_path: Path, folders, store) -> None:
    paths = _photos(tmp_path / "in", 5)
    cancel = threading.Event()
    results: list[Prepared | Failed] = []

    def on_result(result: Prepared | Failed) -> None:
        results.append(result)
        cancel.set()

    assert run(paths, *folders, on_result, cancel=cancel, workers=0) is True
    assert [r.path for r in results] == [str(paths[0])]
    for result in results:  # what the service does with files delivered after cancel
        if isinstance(result, Prepared) and result.staged:
            store.discard(result.staged)
    _nothing_half_stored(folders)
    assert list(store.blobs_dir.glob("??/*")) == []


def test_a_real_pool_delivers_in_input_order(tmp_path: Path, folders, store) -> None:
    big = _photos(tmp_path / "big", 2, size=(2400, 1800))
    small = _photos(tmp_path / "small", 4)
    bad = tmp_path / "bad.jpg"
    bad.write_text("no picture")
    paths = [big[0], *small[:2], bad, big[1], *small[2:]]
    results: list[Prepared | Failed] = []
    threads: set[int] = set()

    def on_result(result: Prepared | Failed) -> None:
        threads.add(threading.get_ident())
        results.append(result)

    assert run(paths, *folders, on_result, workers=2) is False
    assert [r.path for r in results] == [str(p) for p in paths]
    assert [type(r) for r in results] == [Prepared] * 3 + [Failed] + [Prepared] * 3
    assert threads == {threading.get_ident()}
    for result in results:
        if isinstance(result, Prepared):
            assert result.staged is not None and store.commit(result.staged, result.sha256)
            assert store.preview_path(result.sha256).is_file()
    _nothing_half_stored(folders)


def test_cancel_with_a_real_pool(tmp_path: Path, folders, store) -> None:
    paths = _photos(tmp_path / "in", 12, size=(1200, 900))
    cancel = threading.Event()
    results: list[Prepared | Failed] = []

    def on_result(result: Prepared | Failed) -> None:
        results.append(result)
        cancel.set()

    assert run(paths, *folders, on_result, cancel=cancel, workers=2) is True
    delivered = [r.path for r in results]
    assert delivered == [str(p) for p in paths[: len(delivered)]]  # in order, no gaps
    assert 1 <= len(delivered) <= 1 + pipeline.IN_FLIGHT_PER_WORKER * 2  # at most what was in flight
    for result in results:
        if isinstance(result, Prepared) and result.staged:
            store.discard(result.staged)
    _nothing_half_stored(folders)  # nothing staged by a file that was not delivered


def test_an_exception_in_on_result_leaves_nothing_staged(tmp_path: Path, folders) -> None:
    paths = _photos(tmp_path / "in", 6)

    def on_result(result: Prepared | Failed) -> None:
        if isinstance(result, Prepared) and result.staged:
            BlobStore(*folders).discard(result.staged)
        raise KeyError("caller bug")

    with pytest.raises(KeyError):
        run(paths, *folders, on_result, workers=2)
    _nothing_half_stored(folders)


def test_a_worker_crash_fails_only_the_file_that_caused_it(tmp_path: Path, folders) -> None:
    paths = _photos(tmp_path / "in", 5)
    crash = tmp_path / "in" / "crash.jpg"
    crash.write_bytes(jpeg())
    paths.insert(2, crash)
    results: list[Prepared | Failed] = []
    runner = pipeline._PoolRun([str(p) for p in paths], (str(folders[0]), str(folders[1])), results.append,
                               threading.Event(), 2, task=crash_on_name)
    assert runner.run() is False
    assert [r.path for r in results] == [str(p) for p in paths]
    assert [type(r) for r in results] == [Prepared, Prepared, Failed, Prepared, Prepared, Prepared]
    _assert_failed(results[2], pipeline.CRASHED, "crash.jpg")


def test_a_pool_that_keeps_crashing_gives_up_with_a_message(tmp_path: Path, folders) -> None:
    paths = []
    for i in range(6):
        path = tmp_path / f"crash{i}.jpg"
        path.write_bytes(jpeg(seed=i + 1))
        paths.append(path)
    results: list[Prepared | Failed] = []
    runner = pipeline._PoolRun([str(p) for p in paths], (str(folders[0]), str(folders[1])), results.append,
                               threading.Event(), 2, task=crash_on_name)
    runner.run()
    assert [r.path for r in results] == [str(p) for p in paths]
    templates = [r.template for r in results if isinstance(r, Failed)]
    assert templates == [pipeline.CRASHED] * pipeline.MAX_CRASHES + \
        [pipeline.WORKERS_FAILED] * (6 - pipeline.MAX_CRASHES)


class _FakePool:
    """An in-process stand-in for the executor whose next submit finds the pool broken."""

    break_next_submit = False

    def __init__(self, workers: int) -> None:
        self.workers = workers

    def submit(self, task, *args):  # type: ignore[no-untyped-def]
        from concurrent.futures import Future
        from concurrent.futures.process import BrokenProcessPool

        if _FakePool.break_next_submit:
            _FakePool.break_next_submit = False
            raise BrokenProcessPool("a worker died while idle")
        future: Future = Future()
        future.set_result(task(*args))
        return future

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        pass


def test_a_pool_found_broken_when_submitting_goes_on_with_a_new_one(tmp_path: Path, folders, monkeypatch) -> None:
    paths = _photos(tmp_path / "in", 5)
    monkeypatch.setattr(pipeline._PoolRun, "_new_pool", lambda self, workers: _FakePool(workers))
    results: list[Prepared | Failed] = []
    runner = pipeline._PoolRun([str(p) for p in paths], (str(folders[0]), str(folders[1])), results.append,
                               threading.Event(), 2)
    _FakePool.break_next_submit = True
    assert runner.run() is False
    assert [r.path for r in results] == [str(p) for p in paths]
    assert all(isinstance(r, Prepared) for r in results)
