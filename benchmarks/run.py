#!/usr/bin/env python3
"""Benchmarks of the foundation, as ratios against a floor measured in the same run.

    python benchmarks/run.py

Targets (shared/PERFORMANCE.md): autosave of one answer ≤ 2 ms p95 (we run synchronous=FULL,
so the floor here is raw sqlite3 with WAL+FULL); loading an audit with its answers ≤ 50 ms;
CLI start-up without Qt, reportlab or Pillow. Nothing here fails a build: it prints.
"""

from __future__ import annotations

import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _p(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))]


def raw_commit_floor(n: int = 200) -> list[float]:
    with tempfile.TemporaryDirectory() as tmp:
        conn = sqlite3.connect(Path(tmp) / "raw.sqlite", isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("CREATE TABLE answers (id INTEGER PRIMARY KEY, note TEXT)")
        conn.execute("INSERT INTO answers VALUES (1, '')")
        times = []
        for i in range(n):
            t = time.perf_counter()
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("UPDATE answers SET note = ? WHERE id = 1", (f"note {i}",))
            conn.execute("COMMIT")
            times.append(time.perf_counter() - t)
        conn.close()
    return times


def app_autosave(n: int = 200) -> tuple[list[float], list[float]]:
    from oekoaudit.services import open_services

    with tempfile.TemporaryDirectory() as tmp, open_services(Path(tmp) / "data") as services:
        organisation = services.organisations.create("Benchmark GmbH")
        audit = services.audits.create(organisation.id, "iso14001-2015")
        keys = [i.key for i in services.audits.detail(audit.id).checklist.items()]
        saves = []
        for i in range(n):
            t = time.perf_counter()
            services.audits.answer(audit.id, keys[i % len(keys)], None, f"note {i}")
            saves.append(time.perf_counter() - t)
        loads = []
        for _ in range(30):
            t = time.perf_counter()
            services.audits.detail(audit.id)
            loads.append(time.perf_counter() - t)
    return saves, loads


def startup(cmd: list[str], n: int = 7) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> int:
    floor = raw_commit_floor()
    saves, loads = app_autosave()
    print("autosave of one answer (WAL + synchronous=FULL, one transaction each)")
    print(f"  floor raw sqlite3 : median {statistics.median(floor) * 1e3:6.2f} ms  p95 {_p(floor, .95) * 1e3:6.2f} ms")
    print(f"  oekoaudit service : median {statistics.median(saves) * 1e3:6.2f} ms  p95 {_p(saves, .95) * 1e3:6.2f} ms"
          f"  ratio p95 {_p(saves, .95) / _p(floor, .95):5.1f}x")
    print(f"load audit detail (32 items): median {statistics.median(loads) * 1e3:.2f} ms (target <= 50 ms)")
    py = startup([sys.executable, "-c", "pass"])
    cli = startup([sys.executable, "-m", "oekoaudit", "catalogue", "list", "--json"])
    print(f"start-up: python -c pass {py * 1e3:.0f} ms, `oekoaudit catalogue list` {cli * 1e3:.0f} ms, "
          f"ratio {cli / py:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
