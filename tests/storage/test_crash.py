"""Kill -9 in the middle of a burst of writes: every acknowledged write survives, the file is sound."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(os.name == "nt", reason="SIGKILL is POSIX")

WRITER = textwrap.dedent(
    """
    import sys
    from oekoaudit.services import open_services

    services = open_services(sys.argv[1])
    organisation = services.organisations.create("Absturz GmbH")
    audit = services.audits.create(organisation.id, "iso14001-2015")
    keys = [item.key for item in services.audits.detail(audit.id).checklist.items()]
    print("audit", audit.id, flush=True)
    n = 0
    while True:
        key = keys[n % len(keys)]
        services.audits.answer(audit.id, key, "conform" if n % 2 else "minor_nc", f"write {n}")
        print("ack", n, key, flush=True)  # acknowledged only after the commit returned
        n += 1
    """
)


def test_acknowledged_writes_survive_sigkill(data_dir: Path, tmp_path: Path) -> None:
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    proc = subprocess.Popen([sys.executable, str(script), str(data_dir)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    audit_id = proc.stdout.readline().split()[1]
    acked: dict[str, int] = {}  # the last acknowledged write per item
    every_ack: set[str] = set()
    count = 0
    for line in proc.stdout:
        _, n, key = line.split()
        acked[key] = int(n)
        every_ack.add(f"write {n}")
        count += 1
        if count >= 120:
            break
    os.kill(proc.pid, signal.SIGKILL)  # mid-burst: the writer is busy with the next commit
    proc.wait(timeout=10)
    for line in proc.stdout:  # acknowledgements still in the pipe count too
        _, n, key = line.split()
        acked[key] = int(n)
        every_ack.add(f"write {n}")

    db = data_dir / "oekoaudit.sqlite"
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        notes = dict(conn.execute("SELECT item_key, note FROM answers WHERE audit_id = ?", (audit_id,)).fetchall())
        logged = set()
        for (value,) in conn.execute("SELECT new_value FROM change_log WHERE field IN ('note', '*')"):
            value = json.loads(value)
            logged.add(value.get("note") if isinstance(value, dict) else value)
    finally:
        conn.close()
    for key, n in acked.items():
        stored = int(notes[key].split()[1])
        assert stored >= n, f"item {key}: acknowledged write {n} lost (found {notes[key]!r})"
    assert count >= 120 and len(acked) == 32
    assert every_ack <= logged, "the audit trail lost acknowledged changes"

    from oekoaudit.services import open_services

    with open_services(data_dir) as services:  # the lock died with the process
        assert services.info().recovered_from_crash
        detail = services.audits.detail(audit_id)
        assert all(int(detail.answers[k].note.split()[1]) >= n for k, n in acked.items())
