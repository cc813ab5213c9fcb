"""The house rules: layering contracts, and a core that runs without Qt."""

from __future__ import annotations

import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import oekoaudit

REPO = Path(__file__).resolve().parent.parent


def _core_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(oekoaudit.__path__, "oekoaudit."):
        if info.name.startswith("oekoaudit.ui") or info.name == "oekoaudit.__main__":
            continue
        names.append(info.name)
    return names


def test_importing_the_core_never_loads_qt() -> None:
    modules = _core_modules()
    assert "oekoaudit.storage.store" in modules and "oekoaudit.cli.commands" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_cli_starts_without_qt_reportlab_or_pillow() -> None:
    code = (
        "import sys\n"
        "from oekoaudit.__main__ import main\n"
        "rc = main(['catalogue', 'list', '--json'])\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'PySide6', 'reportlab', 'PIL'})\n"
        "sys.stderr.write(repr(heavy))\n"
        "sys.exit(rc or (1 if heavy else 0))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_import_linter_contracts_hold() -> None:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert exe, "import-linter is part of the test extra"
    proc = subprocess.run([exe, "--no-cache"], capture_output=True, text=True, cwd=REPO, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Contracts: 4 kept, 0 broken." in proc.stdout
