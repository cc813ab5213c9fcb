"""Small pictures made in memory for the evidence tests (no fixture files, no Qt)."""

from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path
from typing import Any

from PIL import Image

#: Colours of the four quadrants of the upright test picture (top-left, top-right, bottom-left,
#: bottom-right): every orientation mistake (rotation or mirror) moves at least one of them.
QUADRANTS = ((220, 30, 30), (30, 180, 30), (30, 30, 220), (240, 240, 240))

#: The transpose that undoes each orientation's correction: stored = INVERSE[o](upright).
_INVERSE = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def upright_picture(size: tuple[int, int] = (300, 200)) -> Image.Image:
    """A landscape picture whose four quadrants have different colours."""
    width, height = size
    image = Image.new("RGB", size)
    boxes = ((0, 0, width // 2, height // 2), (width // 2, 0, width, height // 2),
             (0, height // 2, width // 2, height), (width // 2, height // 2, width, height))
    for box, colour in zip(boxes, QUADRANTS, strict=True):
        image.paste(colour, box)
    return image


def stored_for(orientation: int, size: tuple[int, int] = (300, 200)) -> Image.Image:
    """The pixels a camera stores so that applying ``orientation`` shows the upright picture."""
    method = _INVERSE[orientation]
    upright = upright_picture(size)
    return upright.transpose(method) if method is not None else upright


def quadrant_colours(image: Image.Image) -> list[tuple[int, int, int]]:
    width, height = image.size
    points = ((width // 4, height // 4), (3 * width // 4, height // 4),
              (width // 4, 3 * height // 4), (3 * width // 4, 3 * height // 4))
    return [image.convert("RGB").getpixel(p) for p in points]  # type: ignore[misc]


def pixels(image: Image.Image) -> list[Any]:
    """Every pixel value (``getdata`` is deprecated in Pillow 13, its successor is new there)."""
    flat = getattr(image, "get_flattened_data", None)
    return list(flat() if flat is not None else image.getdata())


def close(a: tuple[int, ...], b: tuple[int, ...], tolerance: int = 40) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


def shows_upright(image: Image.Image) -> bool:
    return all(close(c, q) for c, q in zip(quadrant_colours(image), QUADRANTS, strict=True))


def exif_with(orientation: int | None = None, tags: dict[int, Any] | None = None) -> Image.Exif:
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    for tag, value in (tags or {}).items():
        exif[tag] = value
    return exif


def encode(image: Image.Image, fmt: str = "JPEG", exif: Image.Exif | bytes | None = None, **params: Any) -> bytes:
    buffer = io.BytesIO()
    if exif is not None:
        params["exif"] = exif if isinstance(exif, bytes) else exif.tobytes()
    if fmt == "JPEG":
        params.setdefault("quality", 92)
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def jpeg(size: tuple[int, int] = (300, 200), orientation: int | None = None, exif: Image.Exif | None = None,
         seed: int = 0) -> bytes:
    """A JPEG of the upright test picture, stored for ``orientation``; ``seed`` varies the bytes."""
    image = stored_for(orientation or 1, size)
    if seed:
        image.putpixel((0, 0), (seed % 256, seed // 256 % 256, 7))
    if exif is None and orientation is not None:
        exif = exif_with(orientation)
    elif exif is not None and orientation is not None:
        exif[0x0112] = orientation
    return encode(image, "JPEG", exif)


def noisy(size: tuple[int, int] = (200, 200), seed: int = 1) -> Image.Image:
    """High-detail pixels (random noise): anything blurred or blacked out loses them."""
    import random

    width, height = size
    return Image.frombytes("RGB", size, random.Random(seed).randbytes(width * height * 3))


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares ``width`` × ``height`` pixels but carries almost no data."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def zip_bytes(members: dict[str, bytes], stored_first: str | None = None) -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if stored_first is not None:
            archive.writestr(stored_first, members[stored_first], compress_type=zipfile.ZIP_STORED)
        for name, data in members.items():
            if name != stored_first:
                archive.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def crash_on_name(path: str, blobs_dir: str, cache_dir: str) -> Any:
    """A pool task that kills its worker process for files named crash*.jpg (a decoder crash)."""
    from oekoaudit.evidence.pipeline import prepare_path

    if Path(path).name.startswith("crash"):
        os._exit(3)
    return prepare_path(path, blobs_dir, cache_dir)


def staged_files(blobs_dir: Path) -> list[Path]:
    staging = blobs_dir / ".staging"
    return sorted(staging.iterdir()) if staging.is_dir() else []


def part_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.part")) if root.is_dir() else []
