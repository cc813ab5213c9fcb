"""The annotation editor: drawing each kind with the mouse, markers, labels, editing, undo/redo,
zoom, the round trip of stored shapes, cancelling, and pictures with EXIF orientation."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QWheelEvent
from PySide6.QtWidgets import QApplication

from oekoaudit.domain.evidence import DEFAULT_COLOUR, Shape, ShapeKind, parse_shapes, shapes_json
from oekoaudit.ui import prompts as prompt_module
from oekoaudit.ui.dialogs.annotation_editor import AnnotationEditor
from oekoaudit.ui.widgets.annotation_canvas import Tool, load_image

LEFT = Qt.MouseButton.LeftButton
TOLERANCE = 0.01  # of the picture's width or height: a screen pixel at the fitted zoom is ~0.002


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    """A 400 × 300 picture: a fine black-and-white checkerboard on the left half (detail a blur
    must remove), a smooth gradient on the right."""
    image = QImage(400, 300, QImage.Format.Format_RGB32)
    for y in range(300):
        for x in range(400):
            if x < 200:
                image.setPixelColor(x, y, QColor("#000000") if (x // 2 + y // 2) % 2 else QColor("#ffffff"))
            else:
                image.setPixelColor(x, y, QColor(x // 2, 120, y // 2))
    path = tmp_path / "photo.png"
    assert image.save(str(path))
    return path


def open_editor(qtbot, path: Path, shapes: Sequence[Shape] = ()) -> AnnotationEditor:  # type: ignore[no-untyped-def]
    editor = AnnotationEditor(path, shapes, title="photo.png")
    qtbot.addWidget(editor)
    editor.resize(1000, 700)
    editor.show()
    qtbot.waitExposed(editor)
    editor.activateWindow()
    QApplication.processEvents()
    return editor


def at(editor: AnnotationEditor, x: float, y: float) -> QPoint:
    """The viewport position of the picture point (x, y) given relative to the picture."""
    w, h = editor.canvas.picture_size()
    return editor.canvas.mapFromScene(QPointF(x * w, y * h))


def drag(qtbot, editor: AnnotationEditor, *points: tuple[float, float]) -> None:  # type: ignore[no-untyped-def]
    viewport = editor.canvas.viewport()
    qtbot.mousePress(viewport, LEFT, pos=at(editor, *points[0]))
    for point in points[1:]:
        qtbot.mouseMove(viewport, at(editor, *point))
    qtbot.mouseRelease(viewport, LEFT, pos=at(editor, *points[-1]))


def click(qtbot, editor: AnnotationEditor, x: float, y: float) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(editor.canvas.viewport(), LEFT, pos=at(editor, x, y))


def assert_points(shape: Shape, expected: Sequence[tuple[float, float]]) -> None:
    assert len(shape.points) == len(expected)
    for (x, y), (ex, ey) in zip(shape.points, expected, strict=True):
        assert x == pytest.approx(ex, abs=TOLERANCE)
        assert y == pytest.approx(ey, abs=TOLERANCE)


def stored(shapes: Sequence[Shape]) -> tuple[Shape, ...]:
    return parse_shapes(shapes_json(shapes))


# ---- drawing ----------------------------------------------------------------------------------


@pytest.mark.parametrize("key, kind", [
    ("A", ShapeKind.ARROW), ("R", ShapeKind.RECT), ("E", ShapeKind.ELLIPSE),
    ("B", ShapeKind.REDACT_BLUR), ("X", ShapeKind.REDACT_BLACK),
])
def test_dragging_draws_the_tools_shape_relative_to_the_picture(qtbot, photo, key, kind) -> None:  # type: ignore[no-untyped-def]
    editor = open_editor(qtbot, photo)
    qtbot.keyClick(editor.canvas, key)  # the tool's shortcut
    assert editor.tool.value == kind.value
    drag(qtbot, editor, (0.2, 0.3), (0.4, 0.5), (0.6, 0.7))
    (shape,) = editor.shapes()
    assert shape.kind is kind
    assert_points(shape, [(0.2, 0.3), (0.6, 0.7)])
    assert shape.colour == DEFAULT_COLOUR
    assert stored(editor.shapes()) == editor.shapes()
    assert editor.is_modified()


def test_a_click_without_dragging_draws_nothing(qtbot, photo) -> None:  # type: ignore[no-untyped-def]
    editor = open_editor(qtbot, photo)
    editor.set_tool(Tool.RECT)
    click(qtbot, editor, 0.5, 0.5)
    assert editor.shapes() == ()
    assert not editor.is_modified()


def test_drawing_outside_the_picture_stops_at_its_edge(qtbot, photo) -> None:  # type: ignore[no-untyped-def]
    editor = open_editor(qtbot, photo)
    editor.set_tool(Tool.RECT)
    drag(qtbot, editor, (0.5, 0.5), (1.05, 1.04))
    (shape,) = editor.shapes()
    assert_points(shape, [(0.5, 0.5), (1.0, 1.0)])


def test_freehand_keeps_the_stroke(qtbot, photo) -> None:  # type: ignore[no-untyped-def]
    editor = open_editor(qtbot, photo)
    qtbot.keyClick(editor.canvas, "F")
    stroke = [(0.1, 0.1), (0.2, 0.15), (0.3, 0.1), (0.4, 0.2), (0.5, 0.1)]
    drag(qtbot, editor, *stroke)
    (shape,) = editor.shapes()
    assert shape.kind is ShapeKind.FREEHAND
    assert_points(shape, stroke)


def test_markers_number_themselves(qtbot, photo) -> None:  # type: ignore[no-untyped-def]
    editor = open_editor(qtbot, photo)
    qtbot.keyClick(editor.canvas, "M")
    for x in (0.2, 0.4, 0.6):
        click(qtbot, editor, x, 0.5)
    markers = editor.shapes()
    assert [m.kind for m in markers] == [ShapeKind.MARKER] * 3
    assert [m.number for m in markers] == [1, 2, 3]
    assert_points(markers[1], [(0.4, 0.5)])
    # the status line names the next number
    assert "4" in editor.hint_label.text()


def test_a_new_marker_follows_the_highest_number(qtbot, photo) -> None:  # type: ignore[no-untyped-def]
    existing = [Shape(ShapeKind.MARKER, ((0.1, 0.1),), number=1), Shape(ShapeKind.MARKER, ((0.2, 0.1),), number=5)]
    editor = open_editor(qtbot, photo, existing)
    editor.set_tool(Tool.MARKER)
    click(qtbot, editor, 0.5, 0.5)
    assert editor.shapes()[-1].number == 6


def test_the_text_tool_types_a_label_in_place(qtbot, photo) -> None:  # type: ignore[no-untyped-def]
    editor = open_editor(qtbot, photo)
    qtbot.keyClick(editor.canvas, "T")
    click(qtbot, editor, 0.3, 0.4)
    edit = editor.canvas.text_edit
    assert edit is not None and edit.isVisible()
    qtbot.keyClicks(edit, "Ölfass undicht")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert editor.isVisible()  # Enter finished the label, not the dialog
    assert editor.canvas.text_edit is None
    (label,) = editor.shapes()
    assert label.kind is ShapeKind.TEXT
    assert label.text == "Ölfass undicht"
    assert_points(label, [(0.3, 0.4)])


def test_escape_drops_a_label_being_typed(qtbot, photo) -> None:  # type: ignore[no-untyped-def]
    editor = open_editor(qtbot, photo)
    editor.set_tool(Tool.TEXT)
    click(qtbot, editor, 0.3, 0.4)
    qtbot.keyClicks(editor.canvas.text_edit, "weg damit")
    qtbot.keyClick(editor.canvas.text_edit, Qt.Key.Key_Escape)
    assert editor.isVisible()
    assert editor.shapes() == ()


def test_a_label_is_edited_by_double_click_and_undone(qtbot, photo) -> None:  # type: ignore[no-untyped-def]
    label = Shape(ShapeKind.TEXT, ((0.3, 0.4),), text="Leck")
    editor = open_editor(qtbot, photo, [label])
    assert editor.tool is Tool.SELECT
    qtbot.mouseDClick(editor.canvas.viewport(), LEFT, pos=at(editor, 0.31, 0.41))
    edit = editor.canvas.text_edit
    assert edit is not None and edit.text() == "Leck"
    edit.selectAll()
    qtbot.keyClicks(edit, "Leck am Ventil 3")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert editor.shapes()[0].text == "Leck am Ventil 3"
    assert_points(editor.shapes()[0], [(0.3, 0.4)])
    editor.action_undo.trigger()
    assert editor.shapes() == stored([label])


# ---- the round trip ---------------------------------------------------------------------------


def every_kind() -> list[Shape]:
    return [
        Shape(ShapeKind.ARROW, ((0.1, 0.1), (0.3, 0.25)), colour="#1E88E5", width=0.01),
        Shape(ShapeKind.RECT, ((0.5, 0.5), (0.2, 0.3))),
        Shape(ShapeKind.ELLIPSE, ((0.6, 0.1), (0.9, 0.3)), colour="#43a047", width=0.003),
        Shape(ShapeKind.FREEHAND, ((0.1, 0.8), (0.15, 0.85), (0.2, 0.8), (0.1234567, 0.9)), colour="#ffffff"),
        Shape(ShapeKind.TEXT, ((0.55, 0.6),), colour="#fdd835", text="Fass ohne Kennzeichnung"),
        Shape(ShapeKind.MARKER, ((0.7, 0.7),), number=1),
        Shape(ShapeKind.MARKER, ((0.8, 0.7),), colour="#000000", number=2),
        Shape(ShapeKind.REDACT_BLUR, ((0.05, 0.4), (0.25, 0.6))),
        Shape(ShapeKind.REDACT_BLACK, ((0.6, 0.85), (0.9, 0.95))),
    ]


def test_stored_shapes_come_back_unchanged(qtbot, photo) -> None:  # type: ignore[no-untyped-def]
    shapes = every_kind()
    editor = open_editor(qtbot, photo, shapes)
    assert editor.shapes() == stored(shapes)
    assert not editor.is_modified()
    # and what it returns is what storage gives back
    assert stored(editor.shapes()) == editor.shapes()
    editor.accept()
    assert editor.result() == AnnotationEditor.DialogCode.Accepted
    assert editor.shapes() == stored(shapes)


def test_redactions_are_previewed_as_they_will_look(qtbot, photo) -> None:  # type: ignore[no-untyped-def]
    shapes = [Shape(ShapeKind.REDACT_BLUR, ((0.1, 0.2), (0.4, 0.6))),
              Shape(ShapeKind.REDACT_BLACK, ((0.6, 0.2), (0.9, 0.6)))]
    editor = open_editor(qtbot, photo, shapes)
    editor.canvas.scene().clearSelection()
    picture = QImage(400, 300, QImage.Format.Format_RGB32)
    painter = QPainter(picture)
    editor.canvas.scene().render(painter, picture.rect(), editor.canvas.scene().sceneRect())
    painter.end()
    # under the black box: black
    assert all(picture.pixelColor(x, y).lightness() < 10 for x in range(250, 355, 7) for y in range(65, 175, 7))
    # under the blur the checkerboard is gone: smooth greys, no black and white pixels side by side
    for y in range(70, 170, 9):
        row = [picture.pixelColor(x, y).lightness() for x in range(45, 155)]
        assert max(abs(a - b) for a, b in zip(row, row[1:], strict=False)) < 40
        assert 60 < sum(row) / len(row) < 200
    # beside it the checkerboard is untouched
    assert {picture.pixelColor(x, 250).lightness() for x in range(40, 60)} == {0, 255}


# ---- editing ----------------------------------------------------------------------------------


def test_move_recolour_delete_undo_redo(qtbot, photo) -> None:  # type: ignore[no-untyped-def]
    rect = Shape(ShapeKind.RECT, ((0.2, 0.2), (0.4, 0.5)))
    editor = open_editor(qtbot, photo, [rect])
    viewport = editor.canvas.viewport()
    # select it by clicking its edge, and drag it
    drag(qtbot, editor, (0.2, 0.35), (0.25, 0.4), (0.3, 0.45))
    (moved,) = editor.shapes()
    assert_points(moved, [(0.3, 0.3), (0.5, 0.6)])
    assert editor.canvas.selected_indices() == [0]
    assert editor.action_delete.isEnabled()

    # the colour of the selected shape
    editor.colour_actions["#1e88e5"].trigger()
    assert editor.shapes()[0].colour == "#1e88e5"
    assert editor.colour_actions["#1e88e5"].isChecked()
    # and its width
    editor.width_actions[0.010].trigger()
    assert editor.shapes()[0].width == pytest.approx(0.010)

    # Delete removes the selection
    qtbot.keyClick(viewport, Qt.Key.Key_Delete)
    assert editor.shapes() == ()

    qtbot.keyClick(editor.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.shapes()[0].width == pytest.approx(0.010)
    editor.action_undo.trigger()
    editor.action_undo.trigger()
    assert editor.shapes()[0].colour == DEFAULT_COLOUR
    editor.action_undo.trigger()
    assert_points(editor.shapes()[0], [(0.2, 0.2), (0.4, 0.5)])
    assert not editor.is_modified()
    assert not editor.action_undo.isEnabled()

    qtbot.keyClick(editor.canvas, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert_points(editor.shapes()[0], [(0.3, 0.3), (0.5, 0.6)])
    assert editor.is_modified()


def test_a_handle_resizes_the_selected_box(qtbot, photo) -> None:  # type: ignore[no-untyped-def]
    rect = Shape(ShapeKind.REDACT_BLACK, ((0.2, 0.2), (0.4, 0.5)))
    editor = open_editor(qtbot, photo, [rect])
    click(qtbot, editor, 0.3, 0.3)  # a redaction is picked anywhere inside
    assert editor.canvas.selected_indices() == [0]
    assert len(editor.canvas.handles()) == 4
    drag(qtbot, editor, (0.4, 0.5), (0.5, 0.55), (0.6, 0.7))  # the bottom right corner
    (resized,) = editor.shapes()
    left, top, right, bottom = resized.box()
    assert (left, top) == pytest.approx((0.2, 0.2), abs=TOLERANCE)
    assert (right, bottom) == pytest.approx((0.6, 0.7), abs=TOLERANCE)
    editor.action_undo.trigger()
    assert editor.shapes() == stored([rect])


def test_an_arrows_head_is_dragged_by_its_handle(qtbot, photo) -> None:  # type: ignore[no-untyped-def]
    arrow = Shape(ShapeKind.ARROW, ((0.1, 0.1), (0.5, 0.5)))
    editor = open_editor(qtbot, photo, [arrow])
    click(qtbot, editor, 0.3, 0.3)
    drag(qtbot, editor, (0.5, 0.5), (0.7, 0.4))
    assert_points(editor.shapes()[0], [(0.1, 0.1), (0.7, 0.4)])


def test_rubber_band_selects_and_arrow_keys_nudge(qtbot, photo) -> None:  # type: ignore[no-untyped-def]
    shapes = [Shape(ShapeKind.MARKER, ((0.3, 0.3),), number=1), Shape(ShapeKind.MARKER, ((0.4, 0.3),), number=2),
              Shape(ShapeKind.MARKER, ((0.8, 0.8),), number=3)]
    editor = open_editor(qtbot, photo, shapes)
    drag(qtbot, editor, (0.2, 0.2), (0.3, 0.3), (0.5, 0.45))
    assert editor.canvas.selected_indices() == [0, 1]
    editor.canvas.setFocus()
    for _ in range(3):
        qtbot.keyClick(editor.canvas, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    after = editor.shapes()
    assert after[0].points[0][0] > 0.3 and after[1].points[0][0] > 0.4
    assert after[2] == stored(shapes)[2]
    editor.action_undo.trigger()  # the nudges were one step
    assert editor.shapes() == stored(shapes)


def test_a_colour_chosen_with_nothing_selected_is_used_for_new_shapes(qtbot, photo) -> None:  # type: ignore[no-untyped-def]
    editor = open_editor(qtbot, photo)
    editor.colour_actions["#fdd835"].trigger()
    editor.width_actions[0.003].trigger()
    assert not editor.is_modified()
    editor.set_tool(Tool.ELLIPSE)
    drag(qtbot, editor, (0.1, 0.1), (0.3, 0.3))
    (shape,) = editor.shapes()
    assert (shape.colour, shape.width) == ("#fdd835", pytest.approx(0.003))


# ---- zoom, tools, shortcuts ---------------------------------------------------------------------


def test_zoom_with_ctrl_wheel_fit_and_actual_size(qtbot, photo) -> None:  # type: ignore[no-untyped-def]
    editor = open_editor(qtbot, photo)
    canvas = editor.canvas
    assert canvas.is_fitted()
    fitted = canvas.zoom()
    assert fitted > 1  # 400 × 300 in a window of about 850 × 620
    centre = QPointF(canvas.viewport().rect().center())
    wheel = QWheelEvent(centre, canvas.viewport().mapToGlobal(centre), QPoint(0, 0), QPoint(0, 120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.ControlModifier, Qt.ScrollPhase.NoScrollPhase,
                        False)
    QApplication.sendEvent(canvas.viewport(), wheel)
    assert canvas.zoom() == pytest.approx(fitted * 1.25)
    assert not canvas.is_fitted()
    assert editor.zoom_label.text() == f"{round(fitted * 125)} %"
    editor.action_actual_size.trigger()
    assert canvas.zoom() == pytest.approx(1.0)
    editor.action_fit.trigger()
    assert canvas.zoom() == pytest.approx(fitted)
    # drawing still lands on the right picture point at another zoom
    editor.action_zoom_in.trigger()
    editor.set_tool(Tool.RECT)
    drag(qtbot, editor, (0.4, 0.4), (0.6, 0.55))
    assert_points(editor.shapes()[0], [(0.4, 0.4), (0.6, 0.55)])


def test_tools_are_a_checkable_group_with_shortcuts_in_their_tooltips(qtbot, photo) -> None:  # type: ignore[no-untyped-def]
    editor = open_editor(qtbot, photo)
    keys = {Tool.SELECT: "V", Tool.ARROW: "A", Tool.RECT: "R", Tool.ELLIPSE: "E", Tool.FREEHAND: "F",
            Tool.TEXT: "T", Tool.MARKER: "M", Tool.REDACT_BLUR: "B", Tool.REDACT_BLACK: "X"}
    for tool, key in keys.items():
        action = editor.tool_actions[tool]
        assert action.isCheckable()
        assert action.shortcut().toString() == key
        assert f"({key})" in action.toolTip() or f" {key})" in action.toolTip()
        qtbot.keyClick(editor.canvas, key)
        assert editor.tool is tool
        assert action.isChecked()
        assert sum(a.isChecked() for a in editor.tool_actions.values()) == 1
        assert editor.hint_label.text()
    assert "Ctrl+Z" in editor.action_undo.toolTip()


# ---- closing ----------------------------------------------------------------------------------


def test_cancel_without_changes_closes_without_asking(qtbot, photo, prompts) -> None:  # type: ignore[no-untyped-def]
    editor = open_editor(qtbot, photo, every_kind())
    editor.cancel_button.click()
    assert editor.result() == AnnotationEditor.DialogCode.Rejected
    assert prompts.of("confirm") == []


def test_cancel_with_changes_asks_first(qtbot, photo, prompts, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    editor = open_editor(qtbot, photo)
    editor.set_tool(Tool.MARKER)
    click(qtbot, editor, 0.5, 0.5)
    answers = [False]
    asked: list[str] = []
    monkeypatch.setattr(prompt_module, "confirm", lambda parent, message, *a: asked.append(message) or answers[0])
    assert editor.canvas.selected_indices() == [0]  # the new marker
    qtbot.keyClick(editor.canvas, Qt.Key.Key_Escape)  # first Escape: nothing selected any more
    assert editor.canvas.selected_indices() == [] and not asked
    qtbot.keyClick(editor.canvas, Qt.Key.Key_Escape)  # then: cancel, which asks
    assert asked and editor.isVisible()  # "no": the editor stays, the marker with it
    assert len(editor.shapes()) == 1
    answers[0] = True
    editor.cancel_button.click()
    assert len(asked) == 2
    assert not editor.isVisible()
    assert editor.result() == AnnotationEditor.DialogCode.Rejected


def test_apply_keeps_a_label_still_being_typed(qtbot, photo) -> None:  # type: ignore[no-untyped-def]
    editor = open_editor(qtbot, photo)
    editor.set_tool(Tool.TEXT)
    click(qtbot, editor, 0.5, 0.5)
    qtbot.keyClicks(editor.canvas.text_edit, "Notausgang")
    editor.accept()
    assert [s.text for s in editor.shapes()] == ["Notausgang"]


# ---- pictures ---------------------------------------------------------------------------------


def test_a_picture_with_exif_orientation_is_shown_upright(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    pil = pytest.importorskip("PIL.Image")
    stored_picture = pil.new("RGB", (80, 40), (0, 0, 255))
    stored_picture.paste((255, 0, 0), (0, 0, 40, 40))  # left half red, as the camera stored it
    exif = pil.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to show
    path = tmp_path / "rotated.jpg"
    stored_picture.save(path, exif=exif, quality=95)

    image, reason = load_image(path)
    assert reason == ""
    assert (image.width(), image.height()) == (40, 80)
    top, bottom = image.pixelColor(20, 10), image.pixelColor(20, 70)
    assert top.red() > 200 and top.blue() < 60  # the stored left edge is the shown top
    assert bottom.blue() > 200 and bottom.red() < 60

    # an original larger than the editor needs is read smaller, upright all the same
    small, _reason = load_image(path, max_px=40)
    assert (small.width(), small.height()) == (20, 40)

    editor = open_editor(qtbot, path)
    assert editor.canvas.picture_size() == (40, 80)
    editor.set_tool(Tool.RECT)
    drag(qtbot, editor, (0.25, 0.1), (0.75, 0.4))
    assert_points(editor.shapes()[0], [(0.25, 0.1), (0.75, 0.4)])


def test_a_file_that_is_no_picture_is_reported_not_drawn_on(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "broken.jpg"
    path.write_bytes(b"not a picture at all")
    editor = open_editor(qtbot, path, [Shape(ShapeKind.MARKER, ((0.5, 0.5),), number=1)])
    assert not editor.ok_button.isEnabled()
    assert not editor.tool_bar.isEnabled()
    assert "photo" not in editor.hint_label.text() and editor.hint_label.text()
    assert editor.shapes() == stored([Shape(ShapeKind.MARKER, ((0.5, 0.5),), number=1)])


def test_undo_while_typing_a_label_drops_it(qtbot, photo) -> None:  # type: ignore[no-untyped-def]
    editor = open_editor(qtbot, photo)
    editor.set_tool(Tool.MARKER)
    click(qtbot, editor, 0.1, 0.1)
    editor.set_tool(Tool.TEXT)
    click(qtbot, editor, 0.5, 0.5)
    qtbot.keyClicks(editor.canvas.text_edit, "halb fertig")
    editor.action_undo.trigger()  # the toolbar button: the label goes, the marker stays
    assert editor.canvas.text_edit is None
    assert [s.kind for s in editor.shapes()] == [ShapeKind.MARKER]
    editor.action_redo.trigger()
    assert [s.text for s in editor.shapes()] == ["", "halb fertig"]
