"""The camera: without Qt Multimedia or without a camera "Take photo…" is disabled and says why; a
picture taken is stored with source "camera" (on site)."""

from __future__ import annotations

import pytest
from evidence_support import settle

from PySide6.QtGui import QColor, QImage

from oekoaudit.domain.evidence import Origin, Source
from oekoaudit.i18n import _
from oekoaudit.ui.dialogs import camera
from oekoaudit.ui.views import gallery_view


@pytest.fixture
def window(make_window, audit):  # type: ignore[no-untyped-def]
    window = make_window()
    window.workspace.evidence_ui.importer.workers = 0
    assert window.open_audit(audit.id, "evidence")
    return window


@pytest.fixture(autouse=True)
def _fresh_camera_state():  # type: ignore[no-untyped-def]
    gallery_view.reset_camera_state()
    yield
    gallery_view.reset_camera_state()


def test_no_camera_disables_take_photo(qtbot, window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(camera, "_video_inputs", lambda: [])
    assert camera.availability() == (False, _("No camera found on this computer."))
    assert not window.update_camera_action()
    action = window.action_take_photo
    assert not action.isEnabled()
    assert action.toolTip() == _("No camera found on this computer.")
    gallery = window.workspace.gallery
    gallery.hide()
    gallery.show()  # looks again when shown
    assert not gallery.camera_button.isEnabled()
    assert gallery.camera_button.toolTip() == _("No camera found on this computer.")


def test_without_qt_multimedia_take_photo_says_why(qtbot, window, monkeypatch, prompts) -> None:  # type: ignore[no-untyped-def]
    def missing() -> list[object]:
        raise ImportError("libpulse.so.0: cannot open shared object file")

    monkeypatch.setattr(camera, "_video_inputs", missing)
    available, reason = camera.availability()
    assert not available and "libpulse" in reason
    window.update_camera_action()
    assert not window.action_take_photo.isEnabled() and window.action_take_photo.toolTip() == reason
    # asked anyway (a stale button): a message, no crash
    assert window.workspace.evidence_ui.take_photo(window) is None
    assert prompts.of("information") == [reason]


def test_this_machine_has_no_camera(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """The real look-up (Qt Multimedia loads here, but there is no camera)."""
    available, reason = camera.availability()
    if available:
        pytest.skip("this machine has a camera")
    window.update_camera_action()
    assert not window.action_take_photo.isEnabled() and window.action_take_photo.toolTip() == reason


def test_a_picture_taken_is_stored_as_taken_on_site(qtbot, window, services, audit) -> None:  # type: ignore[no-untyped-def]
    ui = window.workspace.evidence_ui
    dialog = camera.CameraDialog(lambda image: ui.importer.import_image(audit.id, image, None, Source.CAMERA),
                                 window)
    qtbot.addWidget(dialog)
    image = QImage(320, 240, QImage.Format.Format_RGB32)
    image.fill(QColor("#8e44ad"))
    assert dialog.handle_captured(7, image)
    assert not dialog.handle_captured(8, QImage())  # an empty frame is not a photo
    settle(qtbot, window)
    stored = services.evidence.list(audit.id)
    assert len(stored) == 1
    photo = stored[0]
    assert (photo.source, photo.origin, photo.media_type) == (Source.CAMERA, Origin.ON_SITE, "image/jpeg")
    assert (photo.width, photo.height) == (320, 240)
    assert dialog.taken == 1 and "1" in dialog.status.text()
    assert window.workspace.gallery.model.rowCount() == 1
