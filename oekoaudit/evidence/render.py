"""Annotations burnt into a picture: what leaves the app (report, exported copies).

Shapes are vectors over the displayed picture (x, y from 0 to 1 across its width and height;
see ``oekoaudit.domain.evidence``), so the same shapes fit a 256 px thumbnail and the full
original. Sizes scale with the picture: stroke widths are a fraction of its shorter side, as are
label text and marker circles, so a rendering looks the same at every size.

Redactions are applied first and then everything else on top (an arrow pointing at a blacked-out
name stays visible). A black redaction is filled with pure black. A blurred one is replaced by a
coarse mosaic (at most 8 blocks along its longer side: each block keeps only the average colour
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

from oekoaudit.domain.evidence import Shape, ShapeKind, shapes_json

if TYPE_CHECKING:
    from PIL import Image as PILImage
    from PIL import ImageDraw, ImageFont

#: Bump when the drawing changes, so cached renderings are made again.
RENDER_VERSION = 1
#: Mosaic blocks along the longer side of a blurred redaction, at most.
MOSAIC_BLOCKS = 8
#: Label text height and marker radius, relative to the picture's shorter side.
TEXT_SIZE = 0.035
MARKER_RADIUS = 0.028
#: Arrow head length relative to the shorter side (at least a few stroke widths).
ARROW_HEAD = 0.035
BLACK = (0, 0, 0)
WHITE = (255, 255, 255)


def rendering_key(shapes: Sequence[Shape], max_px: int) -> str:
    """A short, stable name for one rendering: the shapes, the size and the drawing version."""
    payload = json.dumps({"v": RENDER_VERSION, "max_px": max_px, "shapes": shapes_json(shapes)},
                         sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(payload.encode("ascii")).hexdigest()[:20]


def render_jpeg(source: BinaryIO | bytes, shapes: Sequence[Shape], max_px: int) -> bytes:
    """The picture upright, at most ``max_px`` on its longer side, shapes burnt in, as a JPEG
    without EXIF (no position, no camera); only an RGB colour profile is kept."""
    from oekoaudit.evidence import imaging

    image = imaging.open_image(source, "")
    icc = imaging.rgb_icc_profile(image)
    shown = imaging.decode_displayed(image, max_px, "")
    return imaging.encode_jpeg(burn_in(shown, shapes), icc)


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


def _stroke(size: tuple[int, int], shape: Shape) -> int:
    return max(1, round(shape.width * min(size)))


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
    block = max(1, math.ceil(max(width, height) / MOSAIC_BLOCKS))
    small = region.resize((max(1, math.ceil(width / block)), max(1, math.ceil(height / block))),
                          Image.Resampling.BOX)
    blocks = small.resize((width, height), Image.Resampling.NEAREST)
    return blocks.filter(ImageFilter.GaussianBlur(radius=max(1, block / 2)))


# -- shapes ------------------------------------------------------------------------------------

def _arrow(draw: ImageDraw.ImageDraw, size: tuple[int, int], shape: Shape) -> None:
    (x0, y0), (x1, y1) = (_xy(size, p) for p in shape.points)
    stroke = _stroke(size, shape)
    length = math.hypot(x1 - x0, y1 - y0)
    if length < 1:
        return
    head = min(length, max(ARROW_HEAD * min(size), 4 * stroke))
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    base_x, base_y = x1 - ux * head, y1 - uy * head
    half = head * 0.45
    # the shaft stops inside the head, so its square end never pokes out beside the tip
    shaft_end = (x1 - ux * head * 0.6, y1 - uy * head * 0.6)
    draw.line([(x0, y0), shaft_end], fill=shape.colour, width=stroke)
    draw.polygon([(x1, y1), (base_x - uy * half, base_y + ux * half), (base_x + uy * half, base_y - ux * half)],
                 fill=shape.colour)


def _corners(size: tuple[int, int], shape: Shape) -> tuple[float, float, float, float]:
    left, top, right, bottom = shape.box()
    return left * size[0], top * size[1], right * size[0], bottom * size[1]


def _rect(draw: ImageDraw.ImageDraw, size: tuple[int, int], shape: Shape) -> None:
    draw.rectangle(_corners(size, shape), outline=shape.colour, width=_stroke(size, shape))


def _ellipse(draw: ImageDraw.ImageDraw, size: tuple[int, int], shape: Shape) -> None:
    draw.ellipse(_corners(size, shape), outline=shape.colour, width=_stroke(size, shape))


def _freehand(draw: ImageDraw.ImageDraw, size: tuple[int, int], shape: Shape) -> None:
    points = [_xy(size, p) for p in shape.points]
    stroke = _stroke(size, shape)
    draw.line(points, fill=shape.colour, width=stroke, joint="curve")
    radius = stroke / 2
    for x, y in (points[0], points[-1]):  # round ends
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=shape.colour)


def _text(draw: ImageDraw.ImageDraw, size: tuple[int, int], shape: Shape) -> None:
    if not shape.text.strip():
        return
    pixels = max(8, round(TEXT_SIZE * min(size)))
    font = label_font(pixels)
    x, y = _xy(size, shape.points[0])
    left, top, right, bottom = draw.multiline_textbbox((x, y), shape.text, font=font)
    pad = max(2, round(pixels * 0.25))
    draw.rectangle((left - pad, top - pad, right + pad, bottom + pad), fill=WHITE, outline=shape.colour,
                   width=max(1, _stroke(size, shape) // 2))
    draw.multiline_text((x, y), shape.text, fill=shape.colour, font=font)


def _marker(draw: ImageDraw.ImageDraw, size: tuple[int, int], shape: Shape) -> None:
    x, y = _xy(size, shape.points[0])
    radius = max(6, MARKER_RADIUS * min(size))
    ring = max(1, round(radius * 0.12))
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=shape.colour, outline=WHITE, width=ring)
    label = str(shape.number or "")
    font = label_font(max(6, round(radius * (1.1 if len(label) < 3 else 0.8))))
    draw.text((x, y), label, fill=WHITE, font=font, anchor="mm")


_DRAW: dict[ShapeKind, Any] = {
    ShapeKind.ARROW: _arrow, ShapeKind.RECT: _rect, ShapeKind.ELLIPSE: _ellipse, ShapeKind.FREEHAND: _freehand,
    ShapeKind.TEXT: _text, ShapeKind.MARKER: _marker,
}


@lru_cache(maxsize=32)
def label_font(pixels: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu Sans Bold from the app's resources (umlauts, €, ≤ …), else Pillow's own scalable
    default font (Pillow ≥ 10.1 ships one), else its bitmap font."""
    from PIL import ImageFont

    from oekoaudit import paths

    try:
        return ImageFont.truetype(str(paths.resources_dir() / "fonts" / "DejaVuSans-Bold.ttf"), pixels)
    except OSError:
        return ImageFont.load_default(size=pixels)
