#!/usr/bin/env python3
"""Build the oekoaudit bundle and smoke test it: the one command for a release build.

    python build/make_dist.py              # translations → PyInstaller → smoke test
    python build/make_dist.py --clean      # also empty PyInstaller's caches first
    python build/make_dist.py --no-smoke   # build only

Run it with the project's virtual environment (``.venv/bin/python build/make_dist.py``); it
needs the ``build`` extra (``pip install -e '.[build]'``). Steps:

1. ``build/build_translations.py compile`` (if that script exists): ``.po`` → ``.mo``, so the
   bundle ships compiled catalogues and never compiles them at start-up.
2. ``pyinstaller oekoaudit.spec --noconfirm --workpath build/_pyinstaller --distpath dist``
   (``build/`` holds these scripts, so PyInstaller's scratch goes to ``build/_pyinstaller``).
3. The smoke test runs the *bundled* ``oekoaudit-cli`` against a fresh temporary data folder:
   ``catalogue list --json``, ``demo --json`` (creates the store, i.e. runs every alembic
   migration from the bundle) and ``audit show ID --json``; and, when the bundle contains Qt,
   ``screenshot`` headless (``QT_QPA_PLATFORM=offscreen``) to a PNG.

Exit status 0 when the bundle is built and every smoke check passed; 1 otherwise. The bundle is
``dist/oekoaudit/``; see docs/build.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "oekoaudit.spec"
WORK = ROOT / "build" / "_pyinstaller"
DIST = ROOT / "dist"
APP = "oekoaudit"
EXE_SUFFIX = ".exe" if sys.platform == "win32" else ""
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class BuildError(Exception):
    pass


def _step(message: str) -> None:
    print(f"\n==> {message}", flush=True)


def _run(cmd: list[str], *, env: dict[str, str] | None = None, timeout: float | None = None,
         capture: bool = False) -> subprocess.CompletedProcess[str]:
    print("$ " + " ".join(str(c) for c in cmd), flush=True)
    try:
        return subprocess.run(cmd, cwd=ROOT, env=env, timeout=timeout, text=True, encoding="utf-8",
                              capture_output=capture, check=False)
    except subprocess.TimeoutExpired as exc:
        raise BuildError(f"timed out after {timeout:.0f} s: {' '.join(cmd)}") from exc
    except OSError as exc:
        raise BuildError(f"cannot run {cmd[0]}: {exc}") from exc


def compile_translations() -> None:
    script = ROOT / "build" / "build_translations.py"
    if not script.is_file():
        print("build/build_translations.py does not exist: the bundle ships the .po files and "
              "Babel compiles them at start-up")
        return
    # Only "compile": extract/update would rewrite the committed .pot/.po files.
    result = _run([sys.executable, str(script), "compile"])
    if result.returncode != 0:
        raise BuildError(f"build/build_translations.py compile failed (exit {result.returncode})")


def run_pyinstaller(dist: Path, work: Path, clean: bool) -> Path:
    try:
        import PyInstaller  # noqa: F401
    except ImportError as exc:
        raise BuildError("PyInstaller is not installed; run: pip install -e '.[build]'") from exc
    cmd = [sys.executable, "-m", "PyInstaller", str(SPEC), "--noconfirm",
           "--workpath", str(work), "--distpath", str(dist)]
    if clean:
        cmd.append("--clean")
    result = _run(cmd)
    if result.returncode != 0:
        raise BuildError(f"PyInstaller failed (exit {result.returncode})")
    bundle = dist / APP
    if not (bundle / f"{APP}-cli{EXE_SUFFIX}").is_file():
        raise BuildError(f"PyInstaller reported success but {bundle} has no {APP}-cli{EXE_SUFFIX}")
    return bundle


def _smoke_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("OEKOAUDIT_DATA_DIR", None)  # --data-dir is passed explicitly
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return env


def _bundle_has_qt(bundle: Path) -> bool:
    return any((bundle / "_internal" / "PySide6").glob("QtWidgets*"))


def smoke_test(bundle: Path) -> None:
    cli = bundle / f"{APP}-cli{EXE_SUFFIX}"
    env = _smoke_env()
    with tempfile.TemporaryDirectory(prefix="oekoaudit-smoke-") as tmp:
        data = Path(tmp) / "data"

        def call(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
            result = _run([str(cli), "--data-dir", str(data), *args], env=env, timeout=timeout, capture=True)
            if result.returncode != 0:
                raise BuildError(f"`oekoaudit-cli {' '.join(args)}` exited {result.returncode}:\n"
                                 f"{result.stdout}{result.stderr}")
            return result

        def call_json(*args: str) -> object:
            out = call(*args).stdout
            try:
                return json.loads(out)
            except json.JSONDecodeError as exc:
                raise BuildError(f"`oekoaudit-cli {' '.join(args)}` printed no JSON: {exc}\n{out}") from exc

        catalogues = call_json("catalogue", "list", "--json")
        ids = [c.get("id") for c in catalogues] if isinstance(catalogues, list) else []
        if not ids:
            raise BuildError(f"the bundle lists no catalogues: {catalogues!r}")
        print(f"   catalogues: {', '.join(map(str, ids))}")

        demo = call_json("demo", "--json")
        audit_id = demo.get("audit", {}).get("id") if isinstance(demo, dict) else None
        if not audit_id:
            raise BuildError(f"`demo --json` gave no audit id: {demo!r}")
        shown = call_json("audit", "show", audit_id, "--json")
        if not isinstance(shown, dict) or not shown:
            raise BuildError(f"`audit show` gave nothing for {audit_id}: {shown!r}")
        print(f"   demo audit {audit_id} created (store migrated) and shown")

        if not _bundle_has_qt(bundle):
            print("   WARNING: the bundle contains no Qt (is oekoaudit/ui/app.py missing?); "
                  "the screenshot check is skipped")
            return
        png = Path(tmp) / "smoke.png"
        call("screenshot", "--audit", audit_id, "-o", str(png), timeout=180)
        if not png.is_file() or not png.read_bytes().startswith(PNG_SIGNATURE):
            raise BuildError(f"`screenshot` wrote no PNG to {png}")
        print(f"   screenshot rendered headless ({png.stat().st_size} bytes)")


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clean", action="store_true", help="empty PyInstaller's caches and work folder first")
    parser.add_argument("--no-smoke", action="store_true", help="build only, skip the smoke test")
    parser.add_argument("--dist", type=Path, default=DIST, help=f"output folder (default: {DIST})")
    parser.add_argument("--work", type=Path, default=WORK, help=f"PyInstaller work folder (default: {WORK})")
    args = parser.parse_args(argv)

    started = time.monotonic()
    try:
        _step("compiling translations")
        compile_translations()
        _step("running PyInstaller")
        if args.clean and args.work.exists():
            shutil.rmtree(args.work)
        bundle = run_pyinstaller(args.dist.resolve(), args.work.resolve(), args.clean)
        built = time.monotonic()
        if not args.no_smoke:
            _step("smoke testing the bundle")
            smoke_test(bundle)
    except BuildError as exc:
        print(f"\nmake_dist: FAILED: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nmake_dist: interrupted", file=sys.stderr)
        return 130
    total = time.monotonic() - started
    _step("done")
    print(f"bundle:  {bundle}")
    print(f"run:     {bundle / (APP + EXE_SUFFIX)}   (command line: {bundle / (APP + '-cli' + EXE_SUFFIX)})")
    print(f"size:    {_size(bundle) / 1e6:.0f} MB")
    print(f"time:    {built - started:.0f} s build, {total:.0f} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
