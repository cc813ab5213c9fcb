"""The composition root of the window (STYLE §2.10): language, QApplication, fonts, services, window.

``run(args)`` serves ``oekoaudit`` (no command), ``oekoaudit gui`` and ``oekoaudit screenshot``.
``oekoaudit gui --open FILE.oekoaudit`` (and a double-clicked package) opens only the review
window of that package: the user's data folder is not opened at all.
Exit codes as on the command line: 0 success, 1 a user error (one translated line on stderr),
2 usage (argparse).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys
from pathlib import Path

from oekoaudit import __version__, i18n, paths
from oekoaudit.errors import OekoauditError, PackageCancelled
from oekoaudit.i18n import _, describe
from oekoaudit.services.settings import load_settings
from oekoaudit.ui.views.workspace import VIEWS

EXIT_OK = 0
EXIT_USER_ERROR = 1

APP_FONT_FAMILY = "DejaVu Sans"
SCREENSHOT_VIEWS = VIEWS
_SIZE = re.compile(r"^\s*(\d{2,5})\s*[xX×]\s*(\d{2,5})\s*$")
MIN_SIZE = (640, 400)
MAX_SIZE = (7680, 4320)


class _UsageProblem(Exception):
    """A bad value for a screenshot option (reported as a user error, exit 1)."""


def _fail(message: str) -> int:
    sys.stderr.write(_("Error: {message}").format(message=message) + "\n")
    return EXIT_USER_ERROR


def parse_size(text: str) -> tuple[int, int]:
    match = _SIZE.match(text or "")
    if not match:
        raise _UsageProblem(_("The size must look like 1280x800, not {value}.").format(value=text))
    width, height = int(match.group(1)), int(match.group(2))
    if not (MIN_SIZE[0] <= width <= MAX_SIZE[0] and MIN_SIZE[1] <= height <= MAX_SIZE[1]):
        raise _UsageProblem(_("The size {value} is out of range ({min_w}x{min_h} to {max_w}x{max_h}).").format(
            value=text, min_w=MIN_SIZE[0], min_h=MIN_SIZE[1], max_w=MAX_SIZE[0], max_h=MAX_SIZE[1]))
    return width, height


def _set_language(args: argparse.Namespace) -> str:
    try:
        configured = load_settings(paths.resolve_data_dir(args.data_dir)).language
    except OSError:
        configured = None
    return i18n.set_language(i18n.initial_language(getattr(args, "lang", None), configured))


def _make_application(lang: str):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator
    from PySide6.QtGui import QFont, QFontDatabase
    from PySide6.QtWidgets import QApplication

    QCoreApplication.setOrganizationName(paths.APP_NAME)
    QCoreApplication.setApplicationName(paths.APP_NAME)
    QCoreApplication.setApplicationVersion(__version__)
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else paths.APP_NAME])

    from oekoaudit.ui.style import AppStyle

    app.setStyle(AppStyle())
    if lang == "de":
        translator = QTranslator(app)
        if translator.load("qtbase_de", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            app.installTranslator(translator)

    families: set[str] = set()
    fonts = paths.resources_dir() / "fonts"
    if fonts.is_dir():
        for ttf in sorted(fonts.glob("*.ttf")):
            font_id = QFontDatabase.addApplicationFont(str(ttf))
            if font_id >= 0:
                families.update(QFontDatabase.applicationFontFamilies(font_id))
    if APP_FONT_FAMILY in families:
        font = QFont(APP_FONT_FAMILY)
        size = app.font().pointSizeF()
        font.setPointSizeF(size if size > 0 else 10.0)
        app.setFont(font)
    return app


def run(args: argparse.Namespace) -> int:
    screenshot = args.command == "screenshot"
    size = (1280, 800)
    view = None
    if screenshot:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    lang = _set_language(args)
    if screenshot:
        try:
            size = parse_size(args.size)
            view = args.view
            if view is not None:
                view = view.strip().lower()
                if view not in SCREENSHOT_VIEWS:
                    raise _UsageProblem(_("Unknown view {view}; use one of: {known}.").format(
                        view=args.view, known=", ".join(SCREENSHOT_VIEWS)))
                if not args.audit:
                    raise _UsageProblem(_("The view {view} needs an audit (--audit).").format(view=view))
        except _UsageProblem as exc:
            return _fail(str(exc))

    package = None if screenshot else package_argument(args)
    if package is not None:
        return _review(_make_application(lang), package)

    app = _make_application(lang)
    from oekoaudit.services import open_services
    from oekoaudit.ui import prompts

    try:
        services = open_services(args.data_dir)
    except OekoauditError as exc:
        if not screenshot:
            prompts.error(None, describe(exc))
        return _fail(describe(exc))

    try:
        audit_id = None
        if getattr(args, "audit", None):
            try:
                audit_id = services.audits.resolve(args.audit)
            except OekoauditError as exc:
                return _fail(describe(exc))
        if screenshot:
            return _screenshot(app, services, audit_id, view or "checklist", size, Path(args.output))
        return _gui(app, services, audit_id)
    finally:
        services.close()


def package_argument(args: argparse.Namespace) -> Path | None:
    """The package to open for review: ``gui --open FILE`` (the parser also turns a bare
    ``oekoaudit FILE.oekoaudit``, a double click, into that)."""
    named = getattr(args, "open_package", None)
    return Path(named) if isinstance(named, str) and named.strip() else None


def _review(app, path: Path) -> int:  # type: ignore[no-untyped-def]
    """Only the review window of one package; a package that fails its checks is refused with
    the first problem named (exit code 1)."""
    from PySide6.QtCore import QTimer

    from oekoaudit.ui import prompts
    from oekoaudit.ui.package_ui import FileOpenFilter, open_review_modal, review_window

    try:
        review = open_review_modal(path)
    except OekoauditError as exc:
        if not isinstance(exc, PackageCancelled):
            prompts.error(None, _("The package cannot be opened.") + "\n\n" + describe(exc))
        return _fail(describe(exc))
    except OSError as exc:
        message = _("The package {path} cannot be read: {reason}").format(path=str(path),
                                                                         reason=exc.strerror or str(exc))
        prompts.error(None, message)
        return _fail(message)
    window = review_window(review)
    window.show()
    # another package double-clicked while this one is shown (macOS): a window of its own
    opener = FileOpenFilter(lambda other: window.packages.open_review(other), app)
    app.installEventFilter(opener)
    signal.signal(signal.SIGINT, lambda *_args: window.close())
    ticker = QTimer()
    ticker.start(300)
    ticker.timeout.connect(lambda: None)
    try:
        app.exec()
    finally:
        app.removeEventFilter(opener)
        for other in list(window.packages.review_windows):
            other.close()
        window.close()
        window.close_review()  # also when the window never saw a close event
        signal.signal(signal.SIGINT, signal.default_int_handler)
    return EXIT_OK


def _gui(app, services, audit_id: str | None) -> int:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QSettings, QTimer

    from oekoaudit.ui.main_window import MainWindow
    from oekoaudit.ui.package_ui import FileOpenFilter
    from oekoaudit.ui.tasks import ChangeNotifier, DbWorker, TaskRunner

    notifier = ChangeNotifier()
    worker = DbWorker()
    tasks = TaskRunner()
    ui_settings = QSettings(str(services.data_dir / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(services, notifier, worker, tasks, ui_settings=ui_settings)
    window.show()
    if audit_id is not None:
        window.open_audit_at_start(audit_id, "checklist")
    # a package double-clicked while oekoaudit runs (macOS): opened for review
    opener = FileOpenFilter(lambda path: window.packages.open_review(path), app)
    app.installEventFilter(opener)

    # Ctrl+C in the terminal closes the window properly (the note is saved first)
    signal.signal(signal.SIGINT, lambda *_args: window.close())
    ticker = QTimer()
    ticker.start(300)
    ticker.timeout.connect(lambda: None)  # lets Python see the signal

    try:
        app.exec()
    finally:
        app.removeEventFilter(opener)
        for review in list(window.packages.review_windows):
            review.close()
        window.flush()
        worker.shutdown()
        tasks.wait()
        signal.signal(signal.SIGINT, signal.default_int_handler)
    return EXIT_OK


def _screenshot(app, services, audit_id: str | None, view: str, size: tuple[int, int],  # type: ignore[no-untyped-def]
                output: Path) -> int:
    from PySide6.QtCore import QCoreApplication, QEvent

    from oekoaudit.ui.main_window import MainWindow
    from oekoaudit.ui.tasks import ChangeNotifier, DbWorker, TaskRunner

    worker = DbWorker()
    window = MainWindow(services, ChangeNotifier(), worker, TaskRunner())
    try:
        window.setFixedSize(*size)
        window.show()
        if audit_id is not None:
            window.open_audit(audit_id, view)
        for _round in range(3):
            QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
            app.processEvents()
        window.workspace.checklist.reveal_current()
        app.processEvents()
        _settle(app)
        pixmap = window.grab()
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            pass
        if not pixmap.save(str(output), "PNG"):
            return _fail(_("The image could not be written to {path}.").format(path=output))
        print(_("Screenshot written: {path} ({width}x{height})").format(
            path=output, width=pixmap.width(), height=pixmap.height()))
        return EXIT_OK
    finally:
        window.close()
        worker.shutdown()


def _settle(app, rounds: int = 50) -> None:  # type: ignore[no-untyped-def]
    """Let background work the view started (thumbnails) finish and show its results."""
    from PySide6.QtCore import QDeadlineTimer, QThreadPool

    pool = QThreadPool.globalInstance()
    idle = 0
    for _round in range(rounds):
        pool.waitForDone(QDeadlineTimer(5000))
        app.processEvents()  # results arrive, and may start more work
        idle = idle + 1 if pool.activeThreadCount() == 0 else 0
        if idle == 2:
            break
