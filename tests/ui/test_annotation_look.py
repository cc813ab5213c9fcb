"""Annotations look the same wherever they are drawn: the editor (its scene), the gallery and
viewer (``evidence_paint``) and the burn-in of everything that leaves the app (``render``) take
their sizes from the domain's ``metrics``, so a label, a marker, an arrow head and a stroke cover
the same pixels of the picture in all three."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QFont, QFontDatabase, QImage, QPainter
from PySide6.QtWidgets import QApplication

from oekoaudit import paths
from oekoaudit.domain.evidence import Shape, ShapeKind, metrics
from oekoaudit.evidence.render import burn_in
from oekoaudit.ui.dialogs.annotation_editor import AnnotationEditor
from oekoaudit.ui.widgets.evidence_paint import paint_shapes

BACKGROUND = (128, 128, 128)
#: pixels by which the drawn extents may differ (antialiasing, font hinting)
SLACK = 3

Box = tuple[int, int, int, int]


@pytest.fixture(autouse=True)
def app_font(qapp: QApplication) -> Iterator[None]:
    """The app's own font (DejaVu Sans from its resources), as ``app.py`` sets it: the burn-in
    uses the same files, so the labels' widths can be compared."""
    for ttf in sorted((paths.resources_dir() / "fonts").glob("*.ttf")):
        QFontDatabase.addApplicationFont(str(ttf))
    before = QFont(qapp.font())
    font = QFont("DejaVu Sans")
    font.setPointSizeF(10.0)
    qapp.setFont(font)
    yield
    qapp.setFont(before)


def _pil(image: QImage) -> Image.Image:
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    return Image.frombuffer("RGB", (image.width(), image.height()), bytes(image.constBits()), "raw", "RGB",
                            image.bytesPerLine(), 1).copy()


def _extent(image: Image.Image) -> Box:
    """The bounding box of everything that is not the plain background."""
    diff = ImageChops.difference(image, Image.new("RGB", image.size, BACKGROUND)).convert("L")
    box = diff.point(lambda v: 255 if v > 40 else 0).getbbox()
    assert box is not None, "nothing was drawn"
    return box


def _burnt(shapes: list[Shape], size: tuple[int, int]) -> Box:
    return _extent(burn_in(Image.new("RGB", size, BACKGROUND), shapes))


def _painted(shapes: list[Shape], size: tuple[int, int]) -> Box:
    image = QImage(size[0], size[1], QImage.Format.Format_RGB32)
    image.fill(QColor(*BACKGROUND))
    painter = QPainter(image)
    paint_shapes(painter, QRectF(0, 0, *size), shapes)
    painter.end()
    return _extent(_pil(image))


def _assert_close(a: Box, b: Box) -> None:
    assert all(abs(p - q) <= SLACK for p, q in zip(a, b, strict=True)), f"{a} != {b}"


MARKER = Shape(ShapeKind.MARKER, ((0.3, 0.4),), number=7)
LABEL = Shape(ShapeKind.TEXT, ((0.2, 0.6),), colour="#fdd835", text="Ölfass undicht — 3 €")

SHAPES = [
    pytest.param([MARKER], id="marker"),
    pytest.param([Shape(ShapeKind.MARKER, ((0.5, 0.5),), colour="#ffffff", number=123, width=0.01)],
                 id="thick-white-marker-three-digits"),
    pytest.param([LABEL], id="label"),
    pytest.param([Shape(ShapeKind.TEXT, ((0.1, 0.1),), colour="#000000", text="dünn", width=0.003)], id="thin-label"),
    pytest.param([MARKER, LABEL], id="marker-and-label"),
    pytest.param([Shape(ShapeKind.ARROW, ((0.1, 0.9), (0.7, 0.3)), colour="#1e88e5", width=0.01)], id="arrow"),
    pytest.param([Shape(ShapeKind.ARROW, ((0.5, 0.5), (0.52, 0.5)))], id="short-arrow"),
    pytest.param([Shape(ShapeKind.RECT, ((0.2, 0.2), (0.6, 0.7)), width=0.01)], id="rect"),
    pytest.param([Shape(ShapeKind.ELLIPSE, ((0.2, 0.2), (0.6, 0.7)))], id="ellipse"),
]


@pytest.mark.parametrize("size", [(1600, 1200), (400, 300)], ids=["1600x1200", "400x300"])
@pytest.mark.parametrize("shapes", SHAPES)
def test_the_viewer_draws_what_the_rendering_burns_in(shapes: list[Shape], size: tuple[int, int]) -> None:
    _assert_close(_painted(shapes, size), _burnt(shapes, size))


def test_a_marker_and_a_label_have_the_domains_size() -> None:
    size = (1600, 1200)
    sizes = metrics(MARKER.width, *size)
    left, top, right, bottom = _burnt([MARKER], size)
    outer = sizes.marker_radius + sizes.ring / 2  # the ring is centred on the circle's edge
    assert right - left == pytest.approx(2 * outer, abs=SLACK)
    assert (left + right) / 2 == pytest.approx(0.3 * 1600, abs=SLACK)
    assert (top + bottom) / 2 == pytest.approx(0.4 * 1200, abs=SLACK)
    left, top, right, bottom = _burnt([LABEL], size)
    assert (left, top) == (320, 720)  # the label's top left is its point
    label = metrics(LABEL.width, *size)
    # one line of text (its letters' size and a little) and the padding above and below
    assert bottom - top == pytest.approx(label.text_size * 1.16 + 2 * label.padding, abs=SLACK)


def test_the_editor_draws_what_the_rendering_burns_in(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    size = (1600, 1200)
    picture = tmp_path / "plain.png"
    Image.new("RGB", size, BACKGROUND).save(picture)
    for shapes in ([MARKER], [LABEL], [MARKER, LABEL],
                   [Shape(ShapeKind.ARROW, ((0.1, 0.9), (0.7, 0.3)), colour="#1e88e5", width=0.01)],
                   [Shape(ShapeKind.RECT, ((0.2, 0.2), (0.6, 0.7)), width=0.003)]):
        editor = AnnotationEditor(picture, shapes, title="plain.png")
        qtbot.addWidget(editor)
        scene = editor.canvas.scene()
        scene.clearSelection()
        image = QImage(*size, QImage.Format.Format_RGB32)
        painter = QPainter(image)
        scene.render(painter, QRectF(image.rect()), scene.sceneRect())
        painter.end()
        _assert_close(_extent(_pil(image)), _burnt(shapes, size))
        editor.close()
