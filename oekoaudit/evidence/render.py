"""Annotations burnt into a picture: what leaves the app (report, exported copies).

Shapes are vectors over the displayed picture (x, y from 0 to 1 across its width and height;
see ``oekoaudit.domain.evidence``), so the same shapes fit a 256 px thumbnail and the full
original. Every size (stroke, label, marker, arrow head, mosaic) comes from the domain's
:func:`~oekoaudit.domain.evidence.metrics`, which the annotation editor and the gallery use too:
a shape looks the same in the editor, on screen and in the report, at every size. As in the
editor, lines are centred on the shape's outline with round ends, a label is its text on a
rounded box of the shape's colour, a marker a disc with a ring and its number.

Redactions are applied first and then everything else on top (an arrow pointing at a blacked-out
name stays visible). A black redaction is filled with pure black. A blurred one is replaced by a
coarse mosaic (at most ``MOSAIC_BLOCKS`` blocks along its longer side: each block keeps only the average colour
of its pixels) which is then blurred to look soft: no detail finer than a block survives, so a
face or a number plate cannot be sharpened back from the result. The original is never touched.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, BinaryIO

from oekoaudit.domain.evidence import (
    Metrics,
    Shape,
    ShapeKind,
    metrics,
    mosaic_grid,
    ring_colour,
    shapes_json,
    text_colour,
)

if TYPE_CHECKING:
    from PIL import Image as PILImage
    from PIL import ImageDraw, ImageFont

#: Bump when the drawing changes, so cached renderings are made again.
#: 2: the sizes and the look of the annotation editor (domain ``metrics``).
RENDER_VERSION = 2
BLACK = (0, 0, 0)


#: What a rendering is made from: the original (exported copies, full size) or the ~1600 px
#: preview in the cache (the report: never decode a 12 MP original for a print of a few cm).
ORIGINAL = "original"
PREVIEW = "preview"


def rendering_key(shapes: Sequence[Shape], max_px: int, source: str = ORIGINAL) -> str:
    """A short, stable name for one rendering: the shapes, the size, the drawing version and,
    for a rendering made from the preview, that source (keys of renderings of the original are
    unchanged by it, so their cached files stay valid)."""
    fields: dict[str, Any] = {"v": RENDER_VERSION, "max_px": max_px, "shapes": shapes_json(shapes)}
    if source != ORIGINAL:
        fields["source"] = source
    payload = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(payload.encode("ascii")).hexdigest()[:20]


def render_jpeg(source: BinaryIO | bytes, shapes: Sequence[Shape], max_px: int) -> bytes:
    """The picture upright, at most ``max_px`` on its longer side, shapes burnt in, as a JPEG
    without EXIF (no position, no camera); only an RGB colour profile is kept."""
    return render_jpeg_sized(source, shapes, max_px)[0]


def render_jpeg_sized(source: BinaryIO | bytes, shapes: Sequence[Shape], max_px: int, *, slack: float = 1.0
                      ) -> tuple[bytes, tuple[int, int]]:
    """:func:`render_jpeg` and the pixel size of the JPEG made. ``source`` may be an original or
    a preview from the cache (a JPEG without EXIF, already upright): shapes are relative to the
    displayed picture, so they fit either; a preview smaller than ``max_px`` is not enlarged.

    With a ``slack`` above 1, a JPEG whose DCT-scaled decode (1/2, 1/4, 1/8) is at least
    ``max_px / slack`` on its longer side is decoded at that scale and kept at that size: a
    2000 px preview asked for at 1200 px becomes 1000 px, decoded at a quarter of the pixels and
    not resampled (the cost of a report's photos, PERFORMANCE.md §2)."""
    from oekoaudit.evidence import imaging

    image = imaging.open_image(source, "")
    icc = imaging.rgb_icc_profile(image)
    shown = imaging.decode_displayed(image, _dct_size(image, max_px, slack), "")
    return imaging.encode_jpeg(burn_in(shown, shapes), icc), shown.size


def _dct_size(image: PILImage.Image, max_px: int, slack: float) -> int:
    """The longer side to decode ``image`` to: a DCT scale of it within [max_px / slack, max_px],
    else ``max_px``."""
    if slack > 1 and image.format in ("JPEG", "MPO"):
        longer = max(image.size)
        for scale in (2, 4, 8):
            reduced = -(-longer // scale)
            if max_px / slack <= reduced <= max_px:
                return reduced
    return max_px


def burn_in(image: PILImage.Image, shapes: Sequence[Shape]) -> PILImage.Image:
    """A copy of ``image`` (RGB) with every shape drawn; redactions first."""
    from PIL import ImageDraw

    out = image.convert("RGB") if image.mode != "RGB" else image.copy()
    for shape in shapes:
        if shape.kind.redacts:
            _redact(out, shape)
    draw = ImageDraw.Draw(out)
    for shape in shapes:
        if not shape.kind.redacts:
            _DRAW[shape.kind](draw, out.size, shape)
    return out


# -- geometry ----------------------------------------------------------------------------------

def _xy(size: tuple[int, int], point: tuple[float, float]) -> tuple[float, float]:
    return point[0] * size[0], point[1] * size[1]


def _metrics(size: tuple[int, int], shape: Shape) -> Metrics:
    return metrics(shape.width, *size)


def _stroke(sizes: Metrics) -> int:
    return max(1, round(sizes.stroke))


def _dot(draw: ImageDraw.ImageDraw, centre: tuple[float, float], diameter: float, colour: str) -> None:
    """A round line end (the editor's round caps)."""
    if diameter < 2:
        return
    r = diameter / 2
    draw.ellipse((centre[0] - r, centre[1] - r, centre[0] + r, centre[1] + r), fill=colour)


def _pixel_box(size: tuple[int, int], shape: Shape) -> tuple[int, int, int, int] | None:
    """The shape's box in whole pixels, grown outward (a redaction covers at least what was
    marked) and clipped to the picture; None if nothing of it is inside."""
    left, top, right, bottom = shape.box()
    box = (max(0, math.floor(left * size[0])), max(0, math.floor(top * size[1])),
           min(size[0], math.ceil(right * size[0])), min(size[1], math.ceil(bottom * size[1])))
    return box if box[2] > box[0] and box[3] > box[1] else None


# -- redactions --------------------------------------------------------------------------------

def _redact(image: PILImage.Image, shape: Shape) -> None:
    box = _pixel_box(image.size, shape)
    if box is None:
        return
    if shape.kind is ShapeKind.REDACT_BLACK:
        image.paste(BLACK, box)
    else:
        image.paste(mosaic_blur(image.crop(box)), box[:2])


def mosaic_blur(region: PILImage.Image) -> PILImage.Image:
    """The region as at most ``MOSAIC_BLOCKS`` blocks on its longer side (each its average
    colour), enlarged again and blurred within itself (nothing from outside is mixed in)."""
    from PIL import Image, ImageFilter

    width, height = region.size
    cols, rows = mosaic_grid(width, height)
    block = max(width, height) / max(cols, rows)
    small = region.resize((cols, rows), Image.Resampling.BOX)
    blocks = small.resize((width, height), Image.Resampling.NEAREST)
    return blocks.filter(ImageFilter.GaussianBlur(radius=max(1, block / 2)))


# -- shapes ------------------------------------------------------------------------------------

def _arrow(draw: ImageDraw.ImageDraw, size: tuple[int, int], shape: Shape) -> None:
    tail, tip = (_xy(size, p) for p in shape.points)
    sizes = _metrics(size, shape)
    geometry = sizes.arrow_head(tail, tip)
    if geometry is None:
        return
    base, left, right = geometry
    stroke = _stroke(sizes)
    draw.line([tail, base], fill=shape.colour, width=stroke)
    _dot(draw, tail, stroke, shape.colour)
    _dot(draw, base, stroke, shape.colour)
    draw.polygon([tip, left, right], fill=shape.colour)


def _outline_box(size: tuple[int, int], shape: Shape, stroke: int) -> tuple[float, float, float, float]:
    """The shape's box grown by half a stroke: Pillow draws an outline inside its box, the editor
    centres it on the shape's edge."""
    left, top, right, bottom = shape.box()
    half = stroke / 2
    return left * size[0] - half, top * size[1] - half, right * size[0] + half - 1, bottom * size[1] + half - 1


def _rect(draw: ImageDraw.ImageDraw, size: tuple[int, int], shape: Shape) -> None:
    stroke = _stroke(_metrics(size, shape))
    box = _outline_box(size, shape, stroke)
    if box[2] - box[0] < 2 * stroke or box[3] - box[1] < 2 * stroke:
        draw.rectangle(box, fill=shape.colour)
    else:  # round joins: the outer corners are rounded by half the stroke
        draw.rounded_rectangle(box, radius=stroke / 2, outline=shape.colour, width=stroke)


def _ellipse(draw: ImageDraw.ImageDraw, size: tuple[int, int], shape: Shape) -> None:
    stroke = _stroke(_metrics(size, shape))
    box = _outline_box(size, shape, stroke)
    if box[2] - box[0] < 2 * stroke or box[3] - box[1] < 2 * stroke:
        draw.ellipse(box, fill=shape.colour)
    else:
        draw.ellipse(box, outline=shape.colour, width=stroke)


def _freehand(draw: ImageDraw.ImageDraw, size: tuple[int, int], shape: Shape) -> None:
    points = [_xy(size, p) for p in shape.points]
    stroke = _stroke(_metrics(size, shape))
    draw.line(points, fill=shape.colour, width=stroke, joint="curve")
    for point in (points[0], points[-1]):  # round ends
        _dot(draw, point, stroke, shape.colour)


def _text(draw: ImageDraw.ImageDraw, size: tuple[int, int], shape: Shape) -> None:
    if not shape.text.strip():
        return
    sizes = _metrics(size, shape)
    font = label_font(max(1, round(sizes.text_size)))
    x, y = _xy(size, shape.points[0])
    lines = shape.text.split("\n")
    line_height = _line_height(font)
    pad = sizes.padding
    width = max(font.getlength(line) for line in lines)
    box = (x, y, x + width + 2 * pad - 1, y + line_height * len(lines) + 2 * pad - 1)
    draw.rounded_rectangle(box, radius=pad, fill=shape.colour)
    ink = text_colour(shape.colour)
    for index, line in enumerate(lines):  # top left of each line at its ascender, as Qt places it
        draw.text((x + pad, y + pad + index * line_height), line, fill=ink, font=font)


def _marker(draw: ImageDraw.ImageDraw, size: tuple[int, int], shape: Shape) -> None:
    x, y = _xy(size, shape.points[0])
    sizes = _metrics(size, shape)
    radius = sizes.marker_radius
    ring = max(1, round(sizes.ring))
    outer = radius + ring / 2  # the ring is centred on the circle's edge
    draw.ellipse((x - outer, y - outer, x + outer, y + outer), fill=shape.colour, outline=ring_colour(shape.colour),
                 width=ring)
    number = str(shape.number or "")
    font = label_font(max(1, round(sizes.number_size(number))), bold=True)
    draw.text((x, y), number, fill=text_colour(shape.colour), font=font, anchor="mm")


_DRAW: dict[ShapeKind, Any] = {
    ShapeKind.ARROW: _arrow, ShapeKind.RECT: _rect, ShapeKind.ELLIPSE: _ellipse, ShapeKind.FREEHAND: _freehand,
    ShapeKind.TEXT: _text, ShapeKind.MARKER: _marker,
}


@lru_cache(maxsize=32)
def label_font(pixels: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu Sans (the app's font, so labels look as in the editor; ``bold`` for a marker's
    number) from the app's resources (umlauts, €, ≤ …), else Pillow's own scalable default font
    (Pillow ≥ 10.1 ships one), else its bitmap font."""
    from PIL import ImageFont

    from oekoaudit import paths

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    try:
        return ImageFont.truetype(str(paths.resources_dir() / "fonts" / name), pixels)
    except OSError:
        return ImageFont.load_default(size=pixels)


def _line_height(font: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> float:
    """Ascent plus descent (Qt's ``QFontMetricsF.height``): the height of one line of a label."""
    if hasattr(font, "getmetrics"):
        ascent, descent = font.getmetrics()
        return float(ascent + descent)
    return float(font.getbbox("Ág")[3])
