"""Burning annotations in: every shape is drawn, redactions cannot be undone."""

from __future__ import annotations

import io

import pytest
from evidence_pictures import QUADRANTS, close, encode, jpeg, noisy, pixels
from PIL import Image, ImageChops, ImageStat

from oekoaudit.domain.evidence import Shape, ShapeKind
from oekoaudit.evidence import render
from oekoaudit.evidence.render import burn_in, render_jpeg, rendering_key

RED = "#e53935"


def _box(image: Image.Image, box: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
    width, height = image.size
    return round(box[0] * width), round(box[1] * height), round(box[2] * width), round(box[3] * height)


def _changed_pixels(a: Image.Image, b: Image.Image, box: tuple[int, int, int, int] | None = None) -> int:
    diff = ImageChops.difference(a, b).convert("L").point(lambda v: 255 if v > 30 else 0)
    if box is not None:
        diff = diff.crop(box)
    return sum(1 for v in pixels(diff) if v)


def _variance(image: Image.Image) -> float:
    return sum(ImageStat.Stat(image).var) / 3


def test_a_black_redaction_is_pure_black_and_covers_what_was_marked() -> None:
    original = noisy((400, 300))
    shape = Shape(ShapeKind.REDACT_BLACK, ((0.1, 0.2), (0.45, 0.5)))
    out = burn_in(original, [shape])
    region = out.crop((40, 60, 180, 150))
    assert set(pixels(region)) == {(0, 0, 0)}
    assert _changed_pixels(original, out, (40, 60, 180, 150)) > 0.9 * 140 * 90
    assert out.getpixel((300, 250)) == original.getpixel((300, 250))  # outside: untouched
    assert original.getpixel((50, 70)) != (0, 0, 0)  # the input image itself is not changed


def test_a_blur_redaction_leaves_no_detail() -> None:
    original = noisy((400, 300), seed=7)
    box = (0.25, 0.25, 0.75, 0.75)
    out = burn_in(original, [Shape(ShapeKind.REDACT_BLUR, ((box[2], box[3]), (box[0], box[1])))])
    pixels = _box(original, box)
    before, after = original.crop(pixels), out.crop(pixels)
    assert _changed_pixels(before, after) > 0.9 * before.width * before.height
    assert _variance(after) < _variance(before) / 50
    # at most 8 blocks on the longer side: shrinking to 8 × 4 and back loses (almost) nothing more
    coarse = after.resize((8, 4), Image.Resampling.BOX).resize(after.size, Image.Resampling.BILINEAR)
    assert _variance(ImageChops.difference(after, coarse)) < 30


def test_blur_of_a_tiny_area_still_changes_it() -> None:
    original = noisy((50, 50), seed=3)
    out = burn_in(original, [Shape(ShapeKind.REDACT_BLUR, ((0.5, 0.5), (0.52, 0.56)))])
    assert out.size == original.size
    assert out.crop((25, 25, 27, 28)).tobytes() != original.crop((25, 25, 27, 28)).tobytes()


def test_redactions_come_first_and_shapes_stay_on_top() -> None:
    original = Image.new("RGB", (400, 400), (255, 255, 255))
    shapes = [
        Shape(ShapeKind.RECT, ((0.2, 0.2), (0.8, 0.8)), colour="#00ff00", width=0.02),
        Shape(ShapeKind.REDACT_BLACK, ((0.1, 0.1), (0.9, 0.9))),
    ]
    out = burn_in(original, shapes)
    assert out.getpixel((82, 200)) == pytest.approx((0, 255, 0), abs=2)  # the rectangle's left edge
    assert out.getpixel((200, 200)) == (0, 0, 0)


@pytest.mark.parametrize("shape", [
    Shape(ShapeKind.ARROW, ((0.1, 0.9), (0.8, 0.2)), colour=RED),
    Shape(ShapeKind.RECT, ((0.2, 0.2), (0.6, 0.7)), colour=RED),
    Shape(ShapeKind.ELLIPSE, ((0.2, 0.2), (0.6, 0.7)), colour=RED),
    Shape(ShapeKind.FREEHAND, ((0.1, 0.1), (0.3, 0.4), (0.5, 0.2), (0.7, 0.6)), colour=RED),
    Shape(ShapeKind.TEXT, ((0.1, 0.1),), colour=RED, text="Ölfass undicht — 3 €"),
    Shape(ShapeKind.MARKER, ((0.5, 0.5),), colour=RED, number=12),
])
def test_every_shape_is_drawn_in_its_colour(shape: Shape) -> None:
    original = Image.new("RGB", (600, 400), (255, 255, 255))
    out = burn_in(original, [shape])
    assert _changed_pixels(original, out) > 200
    reds = [p for p in pixels(out) if p[0] > 180 and p[1] < 90 and p[2] < 90]
    assert len(reds) > 100


def test_an_arrow_has_a_filled_head_at_its_tip() -> None:
    out = burn_in(Image.new("RGB", (500, 500), "white"), [Shape(ShapeKind.ARROW, ((0.1, 0.5), (0.9, 0.5)))])
    head_column = [out.getpixel((440, y)) for y in range(230, 271)]
    shaft_column = [out.getpixel((150, y)) for y in range(230, 271)]
    coloured = sum(1 for p in head_column if p != (255, 255, 255))
    assert coloured > 2 * sum(1 for p in shaft_column if p != (255, 255, 255))


def test_strokes_scale_with_the_picture() -> None:
    shape = Shape(ShapeKind.RECT, ((0.1, 0.1), (0.9, 0.9)), width=0.01)
    small = burn_in(Image.new("RGB", (200, 200), "white"), [shape])
    large = burn_in(Image.new("RGB", (2000, 2000), "white"), [shape])
    def edge(image: Image.Image) -> int:
        w = image.width
        return sum(1 for x in range(w // 2) if image.getpixel((x, w // 2)) != (255, 255, 255))
    assert edge(small) == 2 and edge(large) == 20


def test_a_marker_shows_its_number_in_white() -> None:
    out = burn_in(Image.new("RGB", (400, 400), "white"), [Shape(ShapeKind.MARKER, ((0.5, 0.5),), number=7)])
    centre = out.crop((190, 190, 210, 210))
    colours = set(pixels(centre))
    assert any(p[0] > 240 and p[1] > 240 and p[2] > 240 for p in colours)  # the white digit
    assert any(p[0] > 180 and p[1] < 90 for p in colours)  # on the filled circle


def test_render_jpeg_is_upright_burnt_in_and_without_metadata() -> None:
    from evidence_pictures import exif_with

    exif = exif_with(6, {0x010F: "Canon"})
    exif.get_ifd(0x8825).update({1: "N", 2: (52.0, 0.0, 0.0), 3: "E", 4: (13.0, 0.0, 0.0)})
    data = jpeg((800, 600), exif=exif, orientation=6)
    black = Shape(ShapeKind.REDACT_BLACK, ((0.0, 0.0), (0.25, 0.25)))
    out = Image.open(io.BytesIO(render_jpeg(io.BytesIO(data), [black], 400)))
    assert out.format == "JPEG" and out.size == (400, 300)
    assert not out.getexif()
    assert ImageStat.Stat(out.crop((5, 5, 95, 70))).mean == pytest.approx([0, 0, 0], abs=3)
    # the rest is the upright picture: the black box covers part of its top-left quadrant
    for point, colour in zip(((300, 75), (100, 225), (300, 225)), QUADRANTS[1:], strict=True):
        assert close(out.getpixel(point), colour)


def test_render_jpeg_of_bytes_and_pngs() -> None:
    png = encode(noisy((300, 200)), "PNG")
    out = Image.open(io.BytesIO(render_jpeg(png, [], 1600)))
    assert out.size == (300, 200) and out.mode == "RGB"


def test_rendering_key_changes_with_shapes_and_size() -> None:
    a = [Shape(ShapeKind.MARKER, ((0.5, 0.5),), number=1)]
    b = [Shape(ShapeKind.MARKER, ((0.5, 0.5),), number=2)]
    assert rendering_key(a, 1600) == rendering_key(list(a), 1600)
    assert len({rendering_key(a, 1600), rendering_key(b, 1600), rendering_key(a, 800), rendering_key([], 1600)}) == 4
    assert rendering_key(a, 1600).isalnum() and len(rendering_key(a, 1600)) <= 32


def test_label_font_handles_umlauts() -> None:
    font = render.label_font(20)
    assert font.getbbox("Ölabscheider")[2] > 50


def _extent(image: Image.Image, background: str = "white") -> tuple[int, int, int, int]:
    box = ImageChops.difference(image, Image.new("RGB", image.size, background)).getbbox()
    assert box is not None
    return box


def test_labels_and_markers_follow_the_shapes_width() -> None:
    """As in the editor: the thin/medium/thick choice makes labels and markers smaller or larger,
    the medium width gives a label of 4 % and a marker radius of 3.2 % of the shorter side."""
    blank = Image.new("RGB", (1000, 800), "white")
    heights = []
    for width in (0.003, 0.006, 0.01):
        box = _extent(burn_in(blank, [Shape(ShapeKind.TEXT, ((0.1, 0.1),), text="Fass", width=width)]))
        heights.append(box[3] - box[1])
    assert heights[0] < heights[1] < heights[2]
    assert heights[1] == pytest.approx(0.04 * 800 * (1.16 + 2 * 0.3), abs=3)  # a line and its padding
    grey = Image.new("RGB", (1000, 800), "grey")  # the ring is white
    marker = burn_in(grey, [Shape(ShapeKind.MARKER, ((0.5, 0.5),), number=3)])
    left, _top, right, _bottom = _extent(marker, "grey")
    radius = 0.032 * 800
    assert right - left == pytest.approx(2 * radius + radius / 6, abs=2)  # with its ring, centred on the edge


def test_a_label_is_its_text_on_a_box_of_its_colour() -> None:
    out = burn_in(Image.new("RGB", (600, 400), "white"), [Shape(ShapeKind.TEXT, ((0.1, 0.1),), text="Ölfass")])
    box = out.crop(_extent(out))
    colours = set(pixels(box))
    assert any(close(p, (0xE5, 0x39, 0x35)) for p in colours)  # the box in the shape's colour
    assert any(p[0] > 240 and p[1] > 240 and p[2] > 240 for p in colours)  # white letters on the red
    yellow = burn_in(Image.new("RGB", (600, 400), "white"),
                     [Shape(ShapeKind.TEXT, ((0.1, 0.1),), colour="#fdd835", text="Ölfass")])
    assert any(max(p) < 60 for p in pixels(yellow))  # dark letters on a light box
