"""``oekoaudit screenshot`` end to end, in a child process (the command makes its own QApplication)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from PySide6.QtGui import QImage

REPO = Path(__file__).resolve().parents[2]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OEKOAUDIT_")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    return subprocess.run([sys.executable, "-m", "oekoaudit", *args], cwd=REPO, env=env, text=True,
                          capture_output=True, timeout=120)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    folder = str(tmp_path_factory.mktemp("shot") / "data")
    done = _run("--data-dir", folder, "demo", "--json")
    assert done.returncode == 0, done.stderr
    return folder, json.loads(done.stdout)["audit"]["id"]


@pytest.mark.parametrize("view", ["checklist", "overview"])
def test_screenshot_of_an_audit(demo_dir, tmp_path, view) -> None:  # type: ignore[no-untyped-def]
    folder, audit_id = demo_dir
    png = tmp_path / f"{view}.png"
    done = _run("--data-dir", folder, "screenshot", "--audit", audit_id[:8], "--view", view,
                "--size", "1100x720", "-o", str(png))
    assert done.returncode == 0, done.stderr
    image = QImage(str(png))
    assert not image.isNull()
    assert (image.width(), image.height()) == (1100, 720)
    # not a blank picture: the window drew something with several colours
    colours = {image.pixel(x, y) for x in range(0, 1100, 37) for y in range(0, 720, 29)}
    assert len(colours) > 8


def test_screenshot_default_size_without_audit(demo_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder, _audit_id = demo_dir
    png = tmp_path / "sub" / "welcome.png"
    done = _run("--data-dir", folder, "--lang", "en", "screenshot", "-o", str(png))
    assert done.returncode == 0, done.stderr
    image = QImage(str(png))
    assert (image.width(), image.height()) == (1280, 800)


@pytest.mark.parametrize("args, fragment", [
    (("--size", "big"), "big"),
    (("--size", "10x10"), "10x10"),
    (("--audit", "ffffffff"), "ffffffff"),
    (("--audit", "DEMO", "--view", "sideways"), "sideways"),
])
def test_screenshot_user_errors(demo_dir, tmp_path, args, fragment) -> None:  # type: ignore[no-untyped-def]
    folder, audit_id = demo_dir
    args = tuple(audit_id if a == "DEMO" else a for a in args)
    png = tmp_path / "x.png"
    done = _run("--data-dir", folder, "screenshot", *args, "-o", str(png))
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert fragment in lines[0]
    assert "Traceback" not in done.stderr
    assert not png.exists()


def test_screenshot_unwritable_output(demo_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder, _audit_id = demo_dir
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    done = _run("--data-dir", folder, "screenshot", "-o", str(blocker / "shot.png"))
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1


def test_screenshot_of_a_locked_store(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from oekoaudit.services import open_services

    folder = tmp_path / "data"
    with open_services(folder):
        done = _run("--data-dir", str(folder), "screenshot", "-o", str(tmp_path / "x.png"))
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and str(os.getpid()) in lines[0]
