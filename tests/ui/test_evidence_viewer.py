"""The large viewer: the preview shown fitted, zoom (buttons, keys, Ctrl+wheel), previous/next,
the caption, annotations drawn over the picture, EXIF orientation in the preview and the original."""

from __future__ import annotations

import pytest
from evidence_support import photo_bytes, settle, write_photos

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from oekoaudit.domain.evidence import Shape, ShapeKind
from oekoaudit.ui.dialogs.evidence_viewer import ZOOM_STEP


@pytest.fixture
def window(make_window, audit):  # type: ignore[no-untyped-def]
    window = make_window()
    window.workspace.evidence_ui.importer.workers = 0
    assert window.open_audit(audit.id, "evidence")
    return window


@pytest.fixture
def photos(services, audit, tmp_path):  # type: ignore[no-untyped-def]
    big = tmp_path / "Halle.jpg"
    big.write_bytes(photo_bytes((41, 128, 185), (2000, 1500)))
    rotated = tmp_path / "Hochkant.jpg"
    rotated.write_bytes(photo_bytes((200, 40, 40), (400, 200), orientation=6))  # stored 400×200, shown 200×400
    paths = [big, *write_photos(tmp_path / "small", 2), rotated]
    services.evidence.import_files(audit.id, paths, workers=0)
    return services.evidence.list(audit.id)


def _open(qtbot, window, evidence):  # type: ignore[no-untyped-def]
    gallery = window.workspace.gallery
    window.workspace.evidence_ui.forget()
    gallery.reload()
    assert gallery.select(evidence.id)
    viewer = gallery.open_current()
    qtbot.waitExposed(viewer)
    settle(qtbot, window)
    return viewer


def test_zoom_fit_100_keys_and_ctrl_wheel(qtbot, window, photos) -> None:  # type: ignore[no-untyped-def]
    viewer = _open(qtbot, window, photos[0])
    canvas = viewer.canvas
    assert (canvas.image.width(), canvas.image.height()) == (1600, 1200)  # the preview, not the thumbnail
    fit = viewer.fit_zoom()
    assert fit < 1 and canvas.fitting and canvas.zoom == pytest.approx(fit)
    assert canvas.width() <= viewer.area.viewport().width()
    assert viewer.zoom_label.text().endswith("%")
    viewer.zoom_in()
    assert canvas.zoom == pytest.approx(fit * ZOOM_STEP) and not canvas.fitting
    viewer.actual_button.click()
    assert canvas.zoom == 1.0 and (canvas.width(), canvas.height()) == (1600, 1200)
    assert viewer.zoom_label.text() == "100 %"
    qtbot.keyClick(viewer, Qt.Key.Key_Plus)
    assert canvas.zoom == pytest.approx(ZOOM_STEP)
    qtbot.keyClick(viewer, Qt.Key.Key_Minus)
    qtbot.keyClick(viewer, Qt.Key.Key_Minus)
    assert canvas.zoom == pytest.approx(1 / ZOOM_STEP)
    # Ctrl+wheel zooms at the pointer; a plain wheel does not zoom
    before = canvas.zoom
    wheel = QWheelEvent(QPointF(200, 150), QPointF(200, 150), QPoint(0, 0), QPoint(0, 120), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.ControlModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(viewer.area.viewport(), wheel)
    assert canvas.zoom == pytest.approx(before * ZOOM_STEP)
    plain = QWheelEvent(QPointF(200, 150), QPointF(200, 150), QPoint(0, 0), QPoint(0, -120), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(viewer.area.viewport(), plain)
    assert canvas.zoom == pytest.approx(before * ZOOM_STEP)
    qtbot.keyClick(viewer, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert canvas.fitting and canvas.zoom == pytest.approx(fit)


def test_previous_next_and_the_caption(qtbot, window, services, photos) -> None:  # type: ignore[no-untyped-def]
    viewer = _open(qtbot, window, photos[1])
    assert viewer.position == 1 and viewer.position_label.text().startswith("2")
    qtbot.keyClick(viewer, Qt.Key.Key_Right)
    settle(qtbot, window)
    assert viewer.evidence.id == photos[2].id
    qtbot.keyClick(viewer, Qt.Key.Key_Left)
    qtbot.keyClick(viewer, Qt.Key.Key_Left)
    settle(qtbot, window)
    assert viewer.evidence.id == photos[0].id and not viewer.previous_button.isEnabled()
    viewer.caption_edit.setFocus()
    qtbot.keyClicks(viewer.caption_edit, "Druckluftleck an der Kupplung")
    qtbot.keyClick(viewer.caption_edit, Qt.Key.Key_Return)
    settle(qtbot, window)
    assert services.evidence.get(photos[0].id).caption == "Druckluftleck an der Kupplung"
    assert viewer.name_label.text() == "Druckluftleck an der Kupplung"
    viewer.close()


def test_annotations_are_drawn_over_the_picture(qtbot, window, services, photos) -> None:  # type: ignore[no-untyped-def]
    viewer = _open(qtbot, window, photos[0])
    box = Shape(ShapeKind.RECT, ((0.25, 0.25), (0.75, 0.75)), colour="#ffeb3b", width=0.01)
    black = Shape(ShapeKind.REDACT_BLACK, ((0.0, 0.0), (0.2, 0.2)))
    assert window.workspace.evidence_ui.set_annotations(photos[0], [box, black])
    settle(qtbot, window)
    assert viewer.canvas.shapes == (box, black)
    viewer.actual_size()
    QApplication.processEvents()
    image = viewer.canvas.grab().toImage()
    edge = image.pixelColor(400, 600)  # on the left side of the box (x = 0.25 of 1600)
    assert edge.red() > 200 and edge.green() > 200 and edge.blue() < 120
    corner = image.pixelColor(100, 100)  # blacked out
    assert corner.lightness() < 20
    inside = image.pixelColor(800, 420)
    assert inside.blue() > 150  # the picture itself
    # the gallery's tile shows them too, and undo takes them away again
    window.undo.stack(photos[0].audit_id).undo()
    settle(qtbot, window)
    assert viewer.canvas.shapes == ()


def test_orientation_6_is_upright_in_the_viewer_and_the_original(qtbot, window, photos) -> None:  # type: ignore[no-untyped-def]
    rotated = photos[3]
    assert (rotated.width, rotated.height) == (200, 400)
    viewer = _open(qtbot, window, rotated)
    image = viewer.canvas.image
    assert (image.width(), image.height()) == (200, 400)
    viewer.original_button.click()
    settle(qtbot, window)
    original = viewer.canvas.image
    assert viewer.showing_original and (original.width(), original.height()) == (200, 400)
    # the dark bar of the stored picture's top row is on the right when upright
    assert original.pixelColor(original.width() - 3, 200).lightness() < 60
    assert original.pixelColor(3, 200).lightness() > 60
