#!/usr/bin/env python3
"""Photo import against its floor, measured in the same run (issue 5, PERFORMANCE.md §1).

    .venv/bin/python benchmarks/photo_import.py            # 100 photos, 3 rounds
    .venv/bin/python benchmarks/photo_import.py --quick    # 12 photos, 1 round (smoke run)

Generates N synthetic 12 MP photos once (4000×3000 JPEG q90 with EXIF, orientation cycling
1, 6, 1, 8; smooth colour fields, shapes, text and full-resolution noise, so they are about as
large as phone photos), then measures, with 1 and with 2 worker processes:

- the floor: read + SHA-256 + reduced JPEG decode (``Image.draft`` to ≥ 1600 px) + encode that
  decoded picture as the preview and a box-reduced copy as the thumbnail (JPEG q85) — the work
  no import can avoid, in a spawn pool fed exactly like the import's (≤ 2 files per worker in
  flight, results taken in order);
- the import: ``oekoaudit.evidence.pipeline.run`` into an empty data folder, each staged original
  committed on the calling thread as the evidence service does (the database part is not here);
- peak RSS of the workers and of the parent (``getrusage``: each measurement runs in a fresh child
  process, so its workers are the only grandchildren);
- opening a gallery: reading 300 thumbnails from the cache (the bytes; decoding is the UI's job),
  from the page cache and after evicting them with ``posix_fadvise``.

Each round measures the floor and the import back to back; the ratio reported is the median of
the rounds' ratios, the figure least disturbed by other load on a shared machine.

Prints a table; exits 1 with a "TARGET MISSED" line for every target that is missed.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZE = (4000, 3000)
ORIENTATIONS = (1, 6, 1, 8)
GALLERY = 300
#: Targets (issue 5; PERFORMANCE.md §1b).
MAX_RATIO = 1.5
MAX_GALLERY_S = 0.25
MAX_WORKER_RSS_MB = 300
MAX_PARENT_RSS_MB = 250


# -- photos ------------------------------------------------------------------------------------

def make_photo(path: str, seed: int) -> int:
    """One synthetic 12 MP photo, deterministic for a given seed and Pillow/libjpeg."""
    from PIL import Image, ImageDraw

    rnd = random.Random(seed)
    width, height = SIZE
    base = Image.frombytes("RGB", (8, 6), rnd.randbytes(8 * 6 * 3)).resize(SIZE, Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(base)
    for _ in range(25):
        x, y, r = rnd.randrange(width), rnd.randrange(height), rnd.randrange(50, 600)
        colour = tuple(rnd.randrange(256) for _ in range(3))
        (draw.ellipse if rnd.random() < 0.5 else draw.rectangle)((x, y, x + r, y + r * 2 // 3), fill=colour)
    for i in range(30):
        draw.text((rnd.randrange(width), rnd.randrange(height)), f"Druckluft {seed}-{i}", fill=(0, 0, 0),
                  font_size=60)
    noise = Image.frombytes("L", SIZE, rnd.randbytes(width * height))
    noise_rgb = Image.merge("RGB", (noise, noise.rotate(180), noise.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    photo = Image.blend(base, noise_rgb, 0.155)
    exif = Image.Exif()
    exif[0x0112] = ORIENTATIONS[seed % len(ORIENTATIONS)]
    exif[0x010F], exif[0x0110] = "Canon", "Canon EOS R6"
    exif.get_ifd(0x8769)[0x9003] = f"2024:06:{1 + seed % 28:02d} 10:{seed % 60:02d}:00"
    photo.save(path, "JPEG", quality=90, exif=exif)
    return os.path.getsize(path)


def generate(folder: Path, count: int, workers: int) -> list[Path]:
    paths = [folder / f"IMG_{i:04d}.jpg" for i in range(count)]
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        list(pool.map(make_photo, [str(p) for p in paths], range(count)))
    return paths


# -- the floor ---------------------------------------------------------------------------------

def floor_one(path: str) -> int:
    """Read, hash, draft-decode to ≥ 1600 px, encode it and a small copy: the unavoidable work."""
    from PIL import Image

    with open(path, "rb") as fh:
        data = fh.read()
    hashlib.sha256(data).hexdigest()
    image = Image.open(io.BytesIO(data))
    scale = 1600 / max(image.size)
    image.draft("RGB", (round(image.width * scale), round(image.height * scale)))
    image.load()
    preview, thumb = io.BytesIO(), io.BytesIO()
    image.save(preview, "JPEG", quality=85)
    image.reduce(max(1, max(image.size) // 256)).save(thumb, "JPEG", quality=85)
    return len(preview.getvalue()) + len(thumb.getvalue())


def run_in_order(task: Callable[[str], Any], paths: Sequence[str], workers: int) -> None:
    """The pipeline's feeding: a spawn pool, ≤ 2 files per worker in flight, results in order."""
    pending: deque[Future[Any]] = deque()
    todo = deque(paths)
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        while todo or pending:
            while todo and len(pending) < 2 * workers:
                pending.append(pool.submit(task, todo.popleft()))
            pending.popleft().result()


# -- one measurement, in a fresh child process -------------------------------------------------

def _rss_mb(who: int) -> float:
    peak = resource.getrusage(who).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def measure(kind: str, workers: int, paths: list[str], data_dir: Path) -> dict[str, Any]:
    if kind == "floor":
        start = time.perf_counter()
        run_in_order(floor_one, paths, workers)
        seconds = time.perf_counter() - start
        imported = len(paths)
    else:
        from oekoaudit.evidence.blobs import BlobStore
        from oekoaudit.evidence.pipeline import Prepared, run

        store = BlobStore(data_dir / "blobs", data_dir / "cache")
        done: list[bool] = []

        def on_result(result: Any) -> None:
            if isinstance(result, Prepared) and result.staged is not None:
                store.commit(result.staged, result.sha256)
            done.append(isinstance(result, Prepared))

        start = time.perf_counter()
        run([Path(p) for p in paths], store.blobs_dir, store.cache_dir, on_result, workers=workers)
        seconds = time.perf_counter() - start
        imported = sum(done)
    return {"seconds": seconds, "imported": imported, "parent_rss_mb": _rss_mb(resource.RUSAGE_SELF),
            "worker_rss_mb": _rss_mb(resource.RUSAGE_CHILDREN)}


def measure_in_child(kind: str, workers: int, list_file: Path, data_dir: Path) -> dict[str, Any]:
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    proc = subprocess.run([sys.executable, __file__, "--measure", kind, "--workers", str(workers),
                           "--list", str(list_file), "--data", str(data_dir)],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"measuring {kind} with {workers} process(es) failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# -- the gallery -------------------------------------------------------------------------------

def gallery(cache_dir: Path, tmp: Path) -> tuple[float, float, int]:
    """Seconds to read GALLERY thumbnails (from the page cache, after eviction) and their bytes."""
    from oekoaudit.evidence.blobs import BlobStore

    made = sorted(cache_dir.glob("thumbs/*/*.jpg"))
    store = BlobStore(tmp / "gallery" / "blobs", tmp / "gallery" / "cache")
    shas = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(GALLERY)]
    for i, sha in enumerate(shas):
        store.write_cache(store.thumbnail_path(sha), made[i % len(made)].read_bytes())

    def read_all() -> tuple[float, int]:
        start = time.perf_counter()
        total = 0
        for sha in shas:
            with open(store.thumbnail_path(sha), "rb") as fh:
                total += len(fh.read())
        return time.perf_counter() - start, total

    read_all()
    warm, total = min(read_all() for _ in range(3))
    if hasattr(os, "posix_fadvise"):
        for sha in shas:
            fd = os.open(store.thumbnail_path(sha), os.O_RDONLY)
            try:
                os.fdatasync(fd)
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)
    cold, _ = read_all()
    return warm, cold, total


# -- the report --------------------------------------------------------------------------------

def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100, help="photos to generate (default 100)")
    parser.add_argument("--rounds", type=int, default=None, help="rounds per measurement (default 3; --quick 1)")
    parser.add_argument("--quick", action="store_true", help="12 photos, one round: a smoke run")
    parser.add_argument("--measure", choices=("floor", "import"), help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--list", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        paths = args.list.read_text(encoding="utf-8").splitlines()
        print(json.dumps(measure(args.measure, args.workers, paths, args.data)))
        return 0
    count = 12 if args.quick else args.count
    rounds = args.rounds or (1 if args.quick else 3)
    with tempfile.TemporaryDirectory(prefix="oekoaudit-bench-") as tmp_name:
        return _benchmark(Path(tmp_name), count, rounds)


def _benchmark(tmp: Path, count: int, rounds: int) -> int:
    import PIL

    start = time.perf_counter()
    (tmp / "photos").mkdir()
    photos = generate(tmp / "photos", count, workers=2)
    sizes = [p.stat().st_size for p in photos]
    list_file = tmp / "photos.txt"
    list_file.write_text("\n".join(str(p) for p in photos), encoding="utf-8")
    for path in photos:  # into the page cache, as for every measurement
        path.read_bytes()
    print(f"photo import: {count} × {SIZE[0]}×{SIZE[1]} JPEG q90, {statistics.mean(sizes) / 1e6:.2f} MB on "
          f"average (generated in {time.perf_counter() - start:.1f} s); {rounds} round(s), medians; "
          f"Pillow {PIL.__version__}, {os.cpu_count()} CPUs", flush=True)

    results: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for _ in range(rounds):
        for workers in (1, 2):
            for kind in ("floor", "import"):
                result = measure_in_child(kind, workers, list_file, tmp / f"data-{kind}-{workers}")
                if result["imported"] != count:
                    raise SystemExit(f"{kind} with {workers} process(es) handled {result['imported']} of {count}")
                results.setdefault((kind, workers), []).append(result)

    def median(kind: str, workers: int, key: str = "seconds") -> float:
        return statistics.median(r[key] for r in results[(kind, workers)])

    missed: list[str] = []
    print(f"{'':34}{'1 process':>20}{'2 processes':>22}")
    for kind, label in (("floor", "floor (read+hash+draft+encode)"), ("import", "import (pipeline.run + commit)")):
        cells = [f"{median(kind, w):7.2f} s {count / median(kind, w):6.1f}/s" for w in (1, 2)]
        print(f"  {label:32}{cells[0]:>20}{cells[1]:>22}")
    # each round measures the floor and then the import, back to back: their ratio in the same
    # round is the figure least disturbed by other load on a shared machine
    ratios = [statistics.median(i["seconds"] / f["seconds"]
                                for f, i in zip(results[("floor", w)], results[("import", w)], strict=True))
              for w in (1, 2)]
    print(f"  {'import ÷ floor (target ≤ 1.5)':32}{ratios[0]:>18.2f} ×{ratios[1]:>20.2f} ×")
    for workers, ratio in zip((1, 2), ratios, strict=True):
        if ratio > MAX_RATIO:
            missed.append(f"import with {workers} process(es) takes {ratio:.2f}× the floor (target ≤ {MAX_RATIO})")
    print(f"  {'2 processes ÷ 1 process':32}  floor {median('floor', 1) / median('floor', 2):.2f}× faster, "
          f"import {median('import', 1) / median('import', 2):.2f}× faster")

    worker_rss = max(r["worker_rss_mb"] for r in results[("import", 2)] + results[("import", 1)])
    parent_rss = max(r["parent_rss_mb"] for r in results[("import", 2)] + results[("import", 1)])
    floor_rss = max(r["worker_rss_mb"] for r in results[("floor", 2)] + results[("floor", 1)])
    print(f"  peak RSS while importing: worker {worker_rss:.0f} MB (floor's workers {floor_rss:.0f} MB), "
          f"parent {parent_rss:.0f} MB (targets ≤ {MAX_WORKER_RSS_MB} / ≤ {MAX_PARENT_RSS_MB} MB)")
    if worker_rss > MAX_WORKER_RSS_MB:
        missed.append(f"a worker peaked at {worker_rss:.0f} MB (target ≤ {MAX_WORKER_RSS_MB} MB)")
    if parent_rss > MAX_PARENT_RSS_MB:
        missed.append(f"the parent peaked at {parent_rss:.0f} MB (target ≤ {MAX_PARENT_RSS_MB} MB)")

    warm, cold, total = gallery(tmp / "data-import-2" / "cache", tmp)
    print(f"  gallery: {GALLERY} thumbnails ({total / 1e6:.1f} MB) read in {warm * 1e3:.1f} ms from the page "
          f"cache, {cold * 1e3:.1f} ms after eviction (target ≤ {MAX_GALLERY_S * 1e3:.0f} ms)")
    if max(warm, cold) > MAX_GALLERY_S:
        missed.append(f"reading {GALLERY} thumbnails took {max(warm, cold) * 1e3:.0f} ms "
                      f"(target ≤ {MAX_GALLERY_S * 1e3:.0f} ms)")
    for line in missed:
        print(f"TARGET MISSED: {line}")
    if not missed:
        print("all targets met")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
