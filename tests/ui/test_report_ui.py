"""The Report tab: options → ReportOptions, the report made in the background and shown with
QtPdf, cancel (the previous report stays), errors in the user's language, save as, open.

The reports are made by the real ``services.reports`` when it is there; the tests that need a
run to hang until cancelled or to fail wrap it (or, without it, a small reportlab fake)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from oekoaudit.errors import N_, OekoauditError
from oekoaudit.i18n import _
from oekoaudit.report.data import (
    ALL_PARTS,
    Part,
    PhotoSize,
    ReportCancelled,
    ReportOptions,
    fingerprint_groups,
)
from oekoaudit.ui.views.report_view import (
    LOGO_FILE,
    LOGO_NONE,
    LOGO_SETTINGS,
    NO_LOGO,
    ReportView,
    ShownReport,
    default_name,
    progress_text,
    report_file,
    reports_dir,
)

DEFAULT_OPTIONS = ReportOptions()


# ---- the service ------------------------------------------------------------------------------


@pytest.fixture
def reports(services: Any, demo: Any) -> Any:
    """The report service the view uses (the real one: cover, photos and all)."""
    return services.reports


class Wrapped:
    """The report service with a hook around ``generate``: ``before(progress, cancelled)`` runs
    first in the worker thread (hangs until cancelled, fails…); every call is recorded."""

    def __init__(self, inner: Any, before: Callable[[Callable[..., None], Callable[[], bool]], None] | None = None,
                 ) -> None:
        self.inner = inner
        self.before = before
        self.calls: list[tuple[str, Path, ReportOptions]] = []

    def generate(self, audit_ref: str, target: Path | str, options: ReportOptions = DEFAULT_OPTIONS,
                 **kwargs: Any) -> Any:
        self.calls.append((audit_ref, Path(target), options))
        if self.before is not None:
            self.before(kwargs.get("progress") or (lambda *a: None), kwargs.get("cancelled") or (lambda: False))
        return self.inner.generate(audit_ref, target, options, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def hang_until_cancelled(started: threading.Event) -> Callable[[Callable[..., None], Callable[[], bool]], None]:
    """A slow progress hook: reports a first step, then waits (in the worker) until cancelled."""
    def before(progress: Callable[..., None], cancelled: Callable[[], bool]) -> None:
        progress(1, 10, "photos")
        started.set()
        gate = threading.Event()
        while not cancelled():
            gate.wait(0.005)  # the worker polls the window's cancel, as the report does
        raise ReportCancelled()
    return before


# ---- the view ---------------------------------------------------------------------------------


@pytest.fixture
def view(qtbot: Any, services: Any, demo: Any, reports: Any) -> ReportView:
    view = ReportView(services)
    qtbot.addWidget(view)
    view.resize(1280, 760)
    view.set_detail(services.audits.detail(demo.audit_id))
    view.show()
    qtbot.waitExposed(view)
    return view


def _make(qtbot: Any, view: ReportView) -> ShownReport:
    job = view.generate()
    assert job is not None
    qtbot.waitUntil(lambda: view.job is None, timeout=60_000)
    assert view.shown is not None, view.status_label.text()
    return view.shown


def _pages(view: ReportView) -> int:
    return int(view.preview.document.pageCount())


def test_the_options_on_the_left_become_the_report_options(view: ReportView, services: Any) -> None:
    options = view.options()
    assert options.lang == "de"  # the window's language
    assert options.parts == ALL_PARTS
    assert not options.only_nonconformities
    assert options.photo_size is PhotoSize.MEDIUM
    assert options.logo is None  # no logo in the settings
    view.language_combo.setCurrentIndex(view.language_combo.findData("en"))
    view.part_boxes[Part.PROGRAMME].setChecked(False)
    view.part_boxes[Part.SIGNATURES].setChecked(False)
    view.only_nc_box.setChecked(True)
    view.photo_size_combo.setCurrentIndex(view.photo_size_combo.findData(PhotoSize.LARGE.value))
    options = view.options()
    assert options.lang == "en"
    assert options.parts == ALL_PARTS - {Part.PROGRAMME, Part.SIGNATURES}
    assert options.only_nonconformities
    assert options.photo_size is PhotoSize.LARGE
    # the sub-options follow their part
    assert view.only_nc_box.isEnabled() and view.photo_size_combo.isEnabled()
    view.part_boxes[Part.CHECKLIST].setChecked(False)
    view.part_boxes[Part.PHOTOS].setChecked(False)
    assert not view.only_nc_box.isEnabled() and not view.photo_size_combo.isEnabled()
    assert not view.options().photos
    # and back: set_options shows what options() returns
    chosen = ReportOptions(lang="de", parts=frozenset({Part.FINDINGS}), only_nonconformities=False,
                           photo_size=PhotoSize.SMALL)
    view.set_options(chosen)
    assert view.options() == chosen


def test_the_report_language_is_the_windows_at_first(qtbot: Any, services: Any) -> None:
    from oekoaudit import i18n

    i18n.set_language("en")  # the fixture sets German again afterwards
    view = ReportView(services)
    qtbot.addWidget(view)
    assert view.options().lang == "en"
    assert view.language_combo.currentText() == "English"


def test_the_logo_is_the_settings_one_a_chosen_picture_or_none(view: ReportView, services: Any, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from PIL import Image

    from oekoaudit.services.settings import import_logo, update_settings
    from oekoaudit.ui import prompts

    picture = tmp_path / "logo.png"
    Image.new("RGB", (300, 100), "#2e6b4f").save(picture)
    update_settings(services.data_dir, logo=import_logo(services.data_dir, picture))
    view.set_logo(LOGO_SETTINGS)
    assert view.logo() == services.data_dir / "profile" / "logo.png"
    assert view.options().logo is None  # the service takes the settings' logo
    assert view.logo_preview.pixmap() is not None and not view.logo_preview.pixmap().isNull()
    assert not view.settings_logo_button.isVisibleTo(view)

    other = tmp_path / "other.jpg"
    Image.new("RGB", (120, 120), "#c62828").save(other)
    monkeypatch.setattr(prompts, "open_file", lambda *args, **kwargs: str(other))
    view.choose_logo_button.click()
    assert view.logo_mode == LOGO_FILE
    assert view.options().logo == other
    assert view.logo_label.text() == "other.jpg"
    assert view.settings_logo_button.isVisibleTo(view)

    # a file that is no picture is refused, with the reason
    text = tmp_path / "notes.png"
    text.write_text("no picture")
    monkeypatch.setattr(prompts, "open_file", lambda *args, **kwargs: str(text))
    view.choose_logo_button.click()
    assert view.options().logo == other
    assert "notes.png" in view.status_label.text()

    view.no_logo_button.click()
    assert view.logo_mode == LOGO_NONE
    assert view.logo() is None and view.options().logo == NO_LOGO
    assert view.logo_preview.text() == _("no logo")
    assert view.logo_label.text() == _("The cover page has no logo.")
    view.settings_logo_button.click()
    assert view.logo_mode == LOGO_SETTINGS


def _cover_images(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(path)).pages[0].images)


def test_no_logo_leaves_the_settings_logo_off_the_cover(qtbot: Any, view: ReportView, services: Any,
                                                        tmp_path: Path) -> None:
    from PIL import Image

    from oekoaudit.services.settings import import_logo, update_settings

    picture = tmp_path / "logo.png"
    Image.new("RGB", (300, 100), "#2e6b4f").save(picture)
    update_settings(services.data_dir, logo=import_logo(services.data_dir, picture))
    view.set_logo(LOGO_SETTINGS)
    with_logo = _cover_images(_make(qtbot, view).path)
    view.no_logo_button.click()
    without = _cover_images(_make(qtbot, view).path)
    assert with_logo == without + 1


def test_the_progress_is_told_in_the_windows_language() -> None:
    assert progress_text(3, 40, "IMG_1001.JPG") == _("Preparing the photos: {done} of {total}").format(done=3, total=40)
    # the report's own steps are in the report's language: only their share is told
    assert progress_text(30, 120, "Laying out pages") == _("Creating the report … {percent} %").format(percent=25)
    assert progress_text(0, 0, "") == _("Creating the report … {percent} %").format(percent=0)


def test_a_report_is_made_in_the_background_and_shown(qtbot: Any, view: ReportView, services: Any,
                                                      demo: Any) -> None:
    assert not view.save_button.isEnabled() and not view.open_button.isEnabled()
    assert view.preview.stack.currentWidget() is view.preview.placeholder
    assert view.preview.placeholder.text()
    job = view.generate()
    assert job is not None
    assert view.progress_box.isVisibleTo(view) and view.cancel_button.isEnabled()
    assert not view.generate_button.isEnabled()
    assert view.generate() is None  # one at a time
    qtbot.waitUntil(lambda: view.job is None, timeout=60_000)
    shown = view.shown
    assert shown is not None, view.status_label.text()
    assert shown.path == report_file(services.data_dir, demo.audit_id)
    assert shown.path.read_bytes().startswith(b"%PDF")
    assert _pages(view) > 0
    assert shown.pages == _pages(view)
    assert view.preview.stack.currentWidget() is view.preview.view
    assert view.preview.page_label.text() == _("Page {page} of {pages}").format(page=1, pages=_pages(view))
    assert view.save_button.isEnabled() and view.open_button.isEnabled()
    assert not view.progress_box.isVisibleTo(view)
    assert view.generate_button.isEnabled()
    status = view.status_label.text()
    assert str(shown.pages) in status
    assert fingerprint_groups(shown.fingerprint) in status and shown.fingerprint
    # only the report and what the status line says of it are left in the folder
    assert sorted(p.name for p in reports_dir(services.data_dir).iterdir()) == sorted(
        [shown.path.name, shown.path.with_suffix(".json").name])


def test_the_preview_pages_and_zooms(qtbot: Any, view: ReportView) -> None:
    _make(qtbot, view)
    preview = view.preview
    assert preview.fit_button.isChecked()
    before = preview.effective_zoom()
    preview.zoom_in_button.click()
    assert not preview.fit_button.isChecked()
    assert preview.effective_zoom() == pytest.approx(before * 1.25, rel=0.01)
    preview.zoom_out_button.click()
    preview.zoom_out_button.click()
    assert preview.effective_zoom() == pytest.approx(before / 1.25, rel=0.01)
    preview.fit_button.click()
    assert preview.fit_button.isChecked()
    assert not preview.previous_button.isEnabled()
    preview.next_button.click()
    qtbot.waitUntil(lambda: preview.current_page() == 1)
    assert preview.page_label.text() == _("Page {page} of {pages}").format(page=2, pages=_pages(view))
    assert preview.previous_button.isEnabled()


def test_a_new_report_replaces_the_shown_one_after_the_preview_let_go(qtbot: Any, view: ReportView,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtPdf import QPdfDocument

    from oekoaudit import durable

    first = _make(qtbot, view)
    replaced: list[tuple[Path, bool]] = []
    original = durable.replace

    def replace(src: Path, dst: Path, attempts: int = 5) -> None:
        # Windows refuses to replace a file that is open: the preview must have closed it
        replaced.append((Path(dst), view.preview.document.status() == QPdfDocument.Status.Null))
        original(src, dst, attempts)

    monkeypatch.setattr(durable, "replace", replace)
    view.language_combo.setCurrentIndex(view.language_combo.findData("en"))
    second = _make(qtbot, view)
    assert second.path == first.path
    assert (first.path, True) in replaced
    assert second.lang == "en"
    assert _pages(view) > 0 and view.preview.path == first.path


def test_the_language_chosen_reaches_the_service(qtbot: Any, view: ReportView, services: Any, demo: Any) -> None:
    wrapped = Wrapped(services.reports)
    services.reports = wrapped
    view.language_combo.setCurrentIndex(view.language_combo.findData("en"))
    view.part_boxes[Part.PHOTOS].setChecked(False)
    shown = _make(qtbot, view)
    audit_ref, target, options = wrapped.calls[-1]
    assert audit_ref == demo.audit_id
    assert options.lang == "en" and Part.PHOTOS not in options.parts
    assert target.parent == reports_dir(services.data_dir) and target != shown.path
    assert shown.lang == "en"
    from pypdf import PdfReader

    text = "".join(page.extract_text() or "" for page in PdfReader(str(shown.path)).pages)
    assert "Audit report" in text or "Audit Report" in text
    assert "Auditbericht" not in text


def test_cancel_keeps_the_previous_report_and_leaves_no_new_file(qtbot: Any, view: ReportView,
                                                                 services: Any) -> None:
    first = _make(qtbot, view)
    before = first.path.read_bytes()
    folder = reports_dir(services.data_dir)
    files_before = sorted(p.name for p in folder.iterdir())
    started = threading.Event()
    services.reports = Wrapped(services.reports, hang_until_cancelled(started))
    job = view.generate()
    assert job is not None
    qtbot.waitUntil(started.is_set)
    qtbot.waitUntil(lambda: view.progress.maximum() == 10 and view.progress.value() == 1)
    assert view.cancel_button.isEnabled()
    view.cancel_button.click()
    assert not view.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: view.job is None, timeout=30_000)
    assert view.shown == first
    assert view.preview.path == first.path and _pages(view) > 0
    assert first.path.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == files_before
    assert not job.target.exists()
    assert view.status_label.text() == _("Cancelled; the report shown is the previous one.")
    assert view.generate_button.isEnabled() and view.save_button.isEnabled()


class BrokenLogo(OekoauditError):
    pass


def test_an_error_is_shown_in_the_users_language(qtbot: Any, view: ReportView, services: Any) -> None:
    def fail(progress: Callable[..., None], cancelled: Callable[[], bool]) -> None:
        raise BrokenLogo(N_("The logo {name} could not be read."), name="logo.png")

    services.reports = Wrapped(services.reports, fail)
    messages: list[str] = []
    view.message.connect(messages.append)
    view.generate()
    qtbot.waitUntil(lambda: view.job is None, timeout=30_000)
    expected = _("The logo {name} could not be read.").format(name="logo.png")
    assert view.status_label.text() == expected
    assert messages[-1] == expected
    assert view.shown is None and view.preview.path is None
    assert not view.save_button.isEnabled()
    assert view.generate_button.isEnabled()
    assert not any(p.name.endswith(".new.pdf") for p in reports_dir(services.data_dir).iterdir())


def test_save_as_writes_a_copy_under_a_good_name(qtbot: Any, view: ReportView, demo: Any, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QFileDialog

    from oekoaudit.ui import prompts

    shown = _make(qtbot, view)
    asked: list[str] = []
    target = tmp_path / "out" / "Bericht"
    target.parent.mkdir()

    def get_save_file_name(parent: Any, caption: str, directory: str, file_filter: str) -> tuple[str, str]:
        asked.append(directory)
        return str(target), file_filter

    # the window's dialogs go through prompts (recorded by the fixtures): here the real one, patched below it
    monkeypatch.setattr(prompts, "save_file", lambda parent, caption, file_filter="", directory="":
                        QFileDialog.getSaveFileName(parent, caption, directory, file_filter)[0] or None)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", get_save_file_name)
    view.save_button.click()
    saved = target.with_name("Bericht.pdf")
    qtbot.waitUntil(lambda: view.save_button.isEnabled())
    assert saved.read_bytes() == shown.path.read_bytes()
    assert not list(saved.parent.glob(".*.part"))
    name = Path(asked[0]).name
    assert name.startswith(_("Audit report") + " ") and demo.organisation_name in name and name.endswith(".pdf")
    # a folder that cannot be written: the reason is shown, nothing is left behind
    target = tmp_path / "missing" / "Bericht.pdf"
    view.save_button.click()
    qtbot.waitUntil(lambda: view.save_button.isEnabled())
    assert str(target) in view.status_label.text()


def test_default_names_are_safe_file_names() -> None:
    from datetime import date

    assert default_name("Muster GmbH", "de", date(2026, 3, 12)) == _("Audit report") + " Muster GmbH 2026-03-12.pdf"
    assert default_name("A/B: <C> \"D\"", "en", date(2026, 3, 12)) == "Audit report A B C D 2026-03-12.pdf"


def test_open_shows_a_copy_in_the_system_viewer(qtbot: Any, view: ReportView, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtGui import QDesktopServices

    shown = _make(qtbot, view)
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    view.open_button.click()
    assert len(opened) == 1
    copy = Path(opened[0])
    assert copy != shown.path and copy.read_bytes() == shown.path.read_bytes()


def test_another_audit_clears_the_preview_and_the_last_report_comes_back(qtbot: Any, view: ReportView,
                                                                        services: Any, demo: Any) -> None:
    shown = _make(qtbot, view)
    other = services.audits.create(demo.organisation_id, "iso14001-2015", kind="internal", title="Zweites Audit")
    view.set_detail(services.audits.detail(other.id))
    assert view.shown is None and view.preview.path is None
    assert view.preview.stack.currentWidget() is view.preview.placeholder
    assert not view.save_button.isEnabled()
    assert view.status_label.text() == ""
    view.set_detail(services.audits.detail(demo.audit_id))
    assert view.shown is not None and view.shown.path == shown.path
    assert view.shown.fingerprint == shown.fingerprint
    assert _pages(view) > 0 and view.save_button.isEnabled()
    assert fingerprint_groups(shown.fingerprint) in view.status_label.text()


def test_changing_the_audit_while_a_report_is_made_drops_it(qtbot: Any, view: ReportView, services: Any,
                                                          demo: Any) -> None:
    started = threading.Event()
    services.reports = Wrapped(services.reports, hang_until_cancelled(started))
    job = view.generate()
    assert job is not None
    qtbot.waitUntil(started.is_set)
    other = services.audits.create(demo.organisation_id, "iso14001-2015", kind="internal", title="Zweites Audit")
    view.set_detail(services.audits.detail(other.id))
    assert view.job is None and job.cancelled
    assert view.generate_button.isEnabled()
    qtbot.waitUntil(lambda: job.done, timeout=30_000)
    assert not report_file(services.data_dir, demo.audit_id).exists()
    assert view.status_label.text() == ""


def test_a_closed_audit_can_be_reported_on(qtbot: Any, view: ReportView, services: Any, demo: Any) -> None:
    from dataclasses import replace

    from oekoaudit.domain.audit import AuditStatus

    detail = services.audits.detail(demo.audit_id)
    closed = replace(detail, audit=replace(detail.audit, status=AuditStatus.CLOSED))
    view.set_detail(closed)
    assert view.generate_button.isEnabled()
    assert view.draft_note.text() == _("The audit is closed: the report is final, without the draft watermark.")


# ---- in the window ----------------------------------------------------------------------------


def test_the_report_tab_sits_after_the_figures_before_the_self_assessment(make_window: Any, demo: Any, reports: Any) -> None:
    from oekoaudit.ui.views.workspace import VIEWS

    window = make_window()
    assert window.open_audit(demo.audit_id, "report")
    workspace = window.workspace
    assert workspace.current_view() == "report"
    tabs = workspace.tabs
    index = tabs.indexOf(workspace.report)
    assert tabs.tabText(index) == _("Report")
    # after the figures (and what the lead put between), before the self-assessment
    assert tabs.indexOf(workspace.indicators) < index
    assert tabs.indexOf(workspace.self_assessment) == index + 1
    assert VIEWS.index("indicators") < VIEWS.index("report") < VIEWS.index("self_assessment")
    assert workspace.report.audit_id == demo.audit_id
    assert workspace.report.generate_button.text() == _("&Create report")
    assert workspace.report.generate_button.isEnabled()
