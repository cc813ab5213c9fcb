"""An installed wheel finds its catalogues, resources and migrations inside the package."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_carries_its_data_and_works_outside_the_checkout(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(REPO)],
                   check=True, capture_output=True, timeout=600)
    (wheel,) = dist.glob("oekoaudit-*.whl")
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        zf.extractall(site)
    for expected in ("oekoaudit/_data/forms/iso14001-2015.yaml", "oekoaudit/_data/forms/scales/standard.yaml",
                     "oekoaudit/_data/forms/factors/de-2024.yaml", "oekoaudit/_data/forms/areas/oekoprofit.yaml",
                     "oekoaudit/_data/resources/fonts/DejaVuSans.ttf",
                     "oekoaudit/_data/resources/translations/de/LC_MESSAGES/oekoaudit.po",
                     "oekoaudit/storage/migrations/env.py", "oekoaudit/storage/migrations/script.py.mako",
                     "oekoaudit/storage/migrations/versions/0001_foundation.py"):
        assert expected in names, expected
    # run from the unpacked wheel, away from the checkout (the venv supplies the dependencies)
    env = {**os.environ, "PYTHONPATH": str(site), "OEKOAUDIT_DATA_DIR": str(tmp_path / "data")}
    code = ("import oekoaudit, sys; from oekoaudit import paths; "
            "assert oekoaudit.__file__.startswith(sys.argv[1]), oekoaudit.__file__; "
            "print(paths.resource_root())")
    root = subprocess.run([sys.executable, "-c", code, str(site)], env=env, cwd=tmp_path, capture_output=True,
                          text=True, check=True).stdout.strip()
    assert Path(root) == site / "oekoaudit" / "_data"
    listed = subprocess.run([sys.executable, "-m", "oekoaudit", "catalogue", "list", "--json"], env=env,
                            cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert "iso14001-2015" in {c["id"] for c in json.loads(listed)}
    demo = subprocess.run([sys.executable, "-m", "oekoaudit", "demo"], env=env, cwd=tmp_path,
                          capture_output=True, text=True)
    assert demo.returncode == 0, demo.stderr
    assert "Demo angelegt" in demo.stdout  # German from the .po inside the wheel
