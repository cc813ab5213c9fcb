"""Fixtures of the window's tests: real services on a temp data folder, recorded prompts, windows."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402

pytest.importorskip("PySide6.QtWidgets")

from PySide6.QtCore import QThreadPool  # noqa: E402


@dataclass
class PromptLog:
    calls: list[tuple[str, str]] = field(default_factory=list)

    def of(self, kind: str) -> list[str]:
        return [message for k, message in self.calls if k == kind]


@pytest.fixture(autouse=True)
def prompts(monkeypatch: pytest.MonkeyPatch) -> PromptLog:
    """No modal box ever blocks a test: every prompt is recorded instead."""
    from oekoaudit.ui import prompts as module

    log = PromptLog()

    def record(kind: str, result: Any = None) -> Callable[..., Any]:
        def prompt(parent: Any, message: str, *args: Any, **kwargs: Any) -> Any:
            log.calls.append((kind, message))
            return result
        return prompt

    monkeypatch.setattr(module, "error", record("error"))
    monkeypatch.setattr(module, "warning", record("warning"))
    monkeypatch.setattr(module, "information", record("information"))
    monkeypatch.setattr(module, "confirm", record("confirm", True))
    monkeypatch.setattr(module, "open_file", record("open_file"))
    monkeypatch.setattr(module, "save_file", record("save_file"))
    monkeypatch.setattr(module, "about", lambda parent, title, text: log.calls.append(("about", text)))
    return log


@pytest.fixture(autouse=True)
def _no_dangling_threads(qapp: Any) -> Iterator[None]:
    """napari's idea: a test must not leave pool threads running."""
    yield
    pool = QThreadPool.globalInstance()
    pool.waitForDone(5000)
    assert pool.activeThreadCount() == 0, "a test left QThreadPool work running"


@pytest.fixture
def demo(services: Any) -> Any:
    """The demo organisation with its partly answered ISO 14001 audit (18 of 32 answered), its
    figures of three years and its environmental programme, as ``oekoaudit demo`` makes it."""
    from oekoaudit.services.demo import create_demo

    return create_demo(services.organisations, services.audits, indicators=services.indicators,
                       measures=services.measures)


@pytest.fixture
def make_window(qtbot: Any, services: Any) -> Iterator[Callable[..., Any]]:
    """Build a shown MainWindow (real DbWorker); flushed and its worker stopped at teardown."""
    from oekoaudit.ui.main_window import MainWindow

    windows: list[Any] = []

    def make(on_services: Any = None, size: tuple[int, int] = (1280, 800)) -> Any:
        window = MainWindow(on_services or services)
        qtbot.addWidget(window)
        window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.flush()
        window.worker.shutdown()
