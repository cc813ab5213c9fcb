"""The PyInstaller bundle: build it from oekoaudit.spec and run the frozen executables headless.

Slow (one PyInstaller build, about a minute or two on 2 cores), so marked ``slow``; it runs in CI
too. Everything goes to pytest's tmp folder, PyInstaller's cache included
(``PYINSTALLER_CONFIG_DIR``); the checkout is only read.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
APP = "oekoaudit"
EXE_SUFFIX = ".exe" if sys.platform == "win32" else ""
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
BUILD_TIMEOUT = 900


def _env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("OEKOAUDIT_DATA_DIR", None)
    env.pop("OEKOAUDIT_LANG", None)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYINSTALLER_CONFIG_DIR"] = str(tmp / "pyinstaller-cache")  # no cache outside tmp
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("PyInstaller", reason="needs the build extra: pip install -e '.[build]'")
    tmp = tmp_path_factory.mktemp("bundle")
    dist, work = tmp / "dist", tmp / "work"
    cmd = [sys.executable, "-m", "PyInstaller", "oekoaudit.spec", "--noconfirm", "--log-level", "WARN",
           "--distpath", str(dist), "--workpath", str(work)]
    started = time.monotonic()
    proc = subprocess.run(cmd, cwd=REPO, env=_env(tmp), capture_output=True, text=True, timeout=BUILD_TIMEOUT)
    assert proc.returncode == 0, f"PyInstaller failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-8000:]}"
    print(f"bundle built in {time.monotonic() - started:.0f} s")
    shutil.rmtree(work, ignore_errors=True)  # the work folder is big and no longer needed
    return dist / APP


@pytest.fixture(scope="module")
def run(bundle: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Run the bundled ``oekoaudit-cli`` with a temporary data folder (shared by this module)."""
    tmp = tmp_path_factory.mktemp("frozen-run")
    data_dir = tmp / "data"
    env = _env(tmp)

    def _run(*args: str, exe: str = f"{APP}-cli", timeout: float = 180) -> subprocess.CompletedProcess[str]:
        cmd = [str(bundle / f"{exe}{EXE_SUFFIX}"), "--data-dir", str(data_dir), *args]
        return subprocess.run(cmd, cwd=tmp, env=env, capture_output=True, text=True, encoding="utf-8",
                              timeout=timeout)

    return _run


def _ok(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 0, f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    return proc.stdout


@pytest.fixture(scope="module")
def demo_audit_id(run) -> str:  # type: ignore[no-untyped-def]
    demo = json.loads(_ok(run("demo", "--json")))
    audit_id = demo["audit"]["id"]
    assert audit_id
    return audit_id


# ---- layout ---------------------------------------------------------------------------------


def test_both_executables_share_one_folder(bundle: Path) -> None:
    assert (bundle / f"{APP}{EXE_SUFFIX}").is_file()
    assert (bundle / f"{APP}-cli{EXE_SUFFIX}").is_file()
    assert (bundle / "_internal").is_dir()


def test_bundle_contains_forms_and_migrations(bundle: Path) -> None:
    internal = bundle / "_internal"
    assert (internal / "forms" / "iso14001-2015.yaml").is_file()
    assert (internal / "forms" / "scales" / "standard.yaml").is_file()
    assert (internal / "forms" / "factors" / "de-2024.yaml").is_file()
    assert (internal / "forms" / "areas" / "klimaschutz-kommunal.yaml").is_file()
    migrations = internal / "oekoaudit" / "storage" / "migrations"
    assert (migrations / "env.py").is_file()
    shipped = sorted(p.name for p in (migrations / "versions").glob("*.py"))
    expected = sorted(p.name for p in (REPO / "oekoaudit/storage/migrations/versions").glob("*.py"))
    assert shipped == expected and shipped
    assert not list(migrations.rglob("__pycache__"))


def test_bundle_contains_the_german_catalogue(bundle: Path) -> None:
    messages = bundle / "_internal" / "resources" / "translations" / "de" / "LC_MESSAGES"
    assert (messages / "oekoaudit.mo").is_file() or (messages / "oekoaudit.po").is_file()


def test_bundle_contains_qt_german_translation(bundle: Path) -> None:
    found = list(bundle.rglob("qtbase_de.qm"))
    assert found, "qtbase_de.qm is missing: Qt's standard dialogs would stay English"
    # Where QLibraryInfo.path(TranslationsPath) points in a PyInstaller bundle.
    assert any(p.parent.as_posix().endswith("PySide6/Qt/translations") for p in found), found


def test_bundle_leaves_out_unused_qt_and_tk(bundle: Path) -> None:
    names = [p.name for p in (bundle / "_internal").rglob("*")]
    # Qt Quick and QML are in: Qt Multimedia's FFmpeg backend (the camera) links them
    for unwanted in ("QtWebEngineCore", "Qt6WebEngineCore", "Qt6VirtualKeyboard", "libqtvirtualkeyboard",
                     "QtQml.", "_tkinter", "tcl"):
        assert not [n for n in names if n.startswith((unwanted, f"lib{unwanted}"))], unwanted


def test_version_matches_pyproject(run) -> None:  # type: ignore[no-untyped-def]
    version = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert _ok(run("--version")).strip() == f"oekoaudit {version}"


# ---- the frozen app works -------------------------------------------------------------------


def test_catalogue_list(run, bundle: Path) -> None:  # type: ignore[no-untyped-def]
    catalogues = json.loads(_ok(run("catalogue", "list", "--json")))
    assert "iso14001-2015" in {c["id"] for c in catalogues}
    for c in catalogues:  # read from the bundle, not from the checkout
        assert Path(c["path"]).resolve().is_relative_to(bundle.resolve()), c["path"]


def test_demo_and_audit_show(run, demo_audit_id: str) -> None:  # type: ignore[no-untyped-def]
    shown = json.loads(_ok(run("audit", "show", demo_audit_id, "--json")))
    assert demo_audit_id in json.dumps(shown)


def test_screenshot_headless(run, demo_audit_id: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    png = tmp_path / "x.png"
    _ok(run("screenshot", "--audit", demo_audit_id, "-o", str(png)))
    data = png.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    from PIL import Image

    with Image.open(png) as image:
        image.verify()
    with Image.open(png) as image:
        assert image.width > 100 and image.height > 100


def test_photo_import_in_worker_processes(run, demo_audit_id: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The import's worker processes are the bundled executable itself (freeze_support), and the
    HEIC opener and Pillow's decoders are in the bundle."""
    from PIL import Image

    folder = tmp_path / "fotos"
    folder.mkdir()
    for i, colour in enumerate(("red", "green", "blue", "orange")):
        Image.new("RGB", (640, 480), colour).save(folder / f"foto_{i}.jpg", quality=90)
    import pillow_heif

    pillow_heif.register_heif_opener()
    Image.new("RGB", (320, 240), "purple").save(folder / "handy.heic")
    result = json.loads(_ok(run("photos", "add", demo_audit_id, str(folder), "--json")))
    statuses = sorted(f["status"] for f in result["files"])
    assert statuses == ["imported"] * 5, result
    listed = json.loads(_ok(run("evidence", "list", demo_audit_id, "--json")))
    assert {e["name"] for e in listed} >= {"foto_0.jpg", "handy.heic"}
