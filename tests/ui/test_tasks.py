"""The writer and the task runner deliver results and errors on the GUI thread, in order."""

from __future__ import annotations

import threading
import time

import pytest

from oekoaudit.errors import UserInputError
from oekoaudit.ui.tasks import DbWorker, SyncDbWorker, TaskRunner


@pytest.fixture
def worker(qapp):  # type: ignore[no-untyped-def]
    worker = DbWorker()
    yield worker
    worker.shutdown()


def test_db_worker_runs_in_order_off_the_gui_thread_and_answers_on_it(qtbot, worker) -> None:  # type: ignore[no-untyped-def]
    ran_on: list[str] = []
    delivered: list[tuple[int, str]] = []

    def job(n: int):  # type: ignore[no-untyped-def]
        def run() -> int:
            ran_on.append(threading.current_thread().name)
            time.sleep(0.002 * (5 - n))  # later jobs are quicker: order must still hold
            return n
        return run

    for n in range(5):
        worker.submit(job(n), lambda value: delivered.append((value, threading.current_thread().name)))
    assert worker.pending == 5
    qtbot.waitUntil(lambda: len(delivered) == 5)
    assert [value for value, _thread in delivered] == [0, 1, 2, 3, 4]
    assert {thread for _value, thread in delivered} == {threading.main_thread().name}
    assert len(set(ran_on)) == 1 and ran_on[0] != threading.main_thread().name
    assert worker.pending == 0


def test_db_worker_delivers_errors_to_on_error(qtbot, worker) -> None:  # type: ignore[no-untyped-def]
    errors: list[BaseException] = []
    done: list[object] = []

    def fail() -> None:
        raise UserInputError("The {what} must not be empty.", what="name")

    with qtbot.waitSignal(worker.pending_changed, check_params_cb=lambda n: n == 0):
        worker.submit(fail, done.append, errors.append)
    assert not done
    assert isinstance(errors[0], UserInputError)


def test_db_worker_flush_waits_and_delivers(qapp, worker) -> None:  # type: ignore[no-untyped-def]
    delivered: list[int] = []
    worker.submit(lambda: (time.sleep(0.05), 7)[1], delivered.append)
    assert worker.flush()
    assert delivered == [7]
    assert worker.pending == 0


def test_db_worker_refuses_after_shutdown(qapp) -> None:  # type: ignore[no-untyped-def]
    worker = DbWorker()
    worker.shutdown()
    with pytest.raises(RuntimeError):
        worker.submit(lambda: None)


def test_sync_worker_runs_inline(qapp) -> None:  # type: ignore[no-untyped-def]
    worker = SyncDbWorker()
    delivered: list[int] = []
    worker.submit(lambda: 3, delivered.append)
    assert delivered == [3]
    assert worker.pending == 0


def test_task_runner_delivers_on_gui_thread(qtbot, qapp) -> None:  # type: ignore[no-untyped-def]
    runner = TaskRunner()
    delivered: list[tuple[int, str]] = []
    errors: list[BaseException] = []
    runner.submit(lambda: 42, lambda value: delivered.append((value, threading.current_thread().name)))
    runner.submit(lambda: 1 / 0, None, errors.append)
    qtbot.waitUntil(lambda: bool(delivered and errors))
    assert delivered == [(42, threading.main_thread().name)]
    assert isinstance(errors[0], ZeroDivisionError)
    assert runner.wait()
    assert runner.active == 0
