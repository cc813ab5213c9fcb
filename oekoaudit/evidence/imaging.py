"""Reading photos: what a file is, its metadata, and its preview and thumbnail.

The import pipeline is the "best" one of PERFORMANCE.md §1b: the bytes are read once and hashed,
stored and decoded from memory; a JPEG is decoded at a reduced scale (``Image.draft``: the DCT
does part of the shrinking), brought to about ``PREVIEW_PX`` (see ``PREVIEW_SLACK``), and only then turned upright (turning
12 MP costs as much as decoding it); the thumbnail is made from the preview, never from the
original. Previews and thumbnails carry no EXIF (no position, no orientation to apply twice).

Untrusted input: only the decoders of ``IMAGE_FORMATS`` may run; the declared pixel size is
checked against ``MAX_PIXELS``/``MAX_SIDE`` before anything is decoded (Pillow's own limit is
module-global and lower, so its warning is silenced locally and the check done here); a
truncated or corrupt picture is an error (``LOAD_TRUNCATED_IMAGES`` stays off); metadata that
cannot be parsed is left out instead of failing the import.

Pillow is imported inside the functions, so that importing this module (for the constants,
``Metadata`` and ``EvidenceFileError``) keeps the command line free of it.
"""

from __future__ import annotations

import contextlib
import io
import mimetypes
import re
import struct
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from oekoaudit.domain.evidence import EvidenceKind, GeoPoint
from oekoaudit.errors import N_, OekoauditError

if TYPE_CHECKING:
    from PIL import Image as PILImage

PREVIEW_PX = 1600
THUMB_PX = 256
JPEG_QUALITY = 85
MAX_PIXELS = 120_000_000
MAX_SIDE = 20_000
MAX_FILE_BYTES = 200 * 1024 * 1024

#: The only decoders Pillow may run on evidence ("MPO" is how Pillow names phone JPEGs that carry
#: a second, multi-picture image; "HEIF" is registered by pillow_heif).
IMAGE_FORMATS = ("JPEG", "MPO", "PNG", "TIFF", "WEBP", "HEIF")
#: File names that promise a picture: such a file whose bytes are no picture is refused.
PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".jpe", ".png", ".tif", ".tiff", ".webp", ".heic", ".heif"})
#: Enough of a file's beginning to tell what it is.
SNIFF_BYTES = 64

#: The draft → preview step is as costly as the decode itself (PERFORMANCE.md §1b, finding 3),
#: and it slows down more than the decode when two workers share a 2-vCPU machine.
#: After the DCT scaling only a 1.25× reduction is left (12 MP: 2000 → 1600 px), where Pillow's
#: antialiased BILINEAR is 40.7 dB from a full-decode LANCZOS reference (BICUBIC 42.9, LANCZOS
#: 43.3) — closer than the q85 encoding that follows (37 dB) — at about half the time of BICUBIC
#: and a quarter of LANCZOS. The thumbnail, a large reduction, keeps LANCZOS.
PREVIEW_FILTER = "BILINEAR"
#: Reduce by whole factors first (a cheap box filter) while the rest stays at least this factor:
#: indistinguishable from a full resample at 3, and the thumbnail from the preview at 2.
PREVIEW_REDUCING_GAP = 3.0
THUMB_REDUCING_GAP = 2.0
#: A preview is "about 1600 px": when the DCT-scaled decode of a JPEG is at most this much
#: larger (12 MP: 2000 × 1500, 48 MP: 2000 × 1500 at 1/4), it IS the preview — the resample to
#: exactly 1600 px would cost a third of the decode again for no visible gain (the floor of the
#: issue, "reduced decode + encode preview", encodes the reduced decode too). Larger reductions
#: (24 MP: 3000 → 1600) and other formats are resampled to PREVIEW_PX. Renderings that leave the
#: app are always made to the size asked for.
PREVIEW_SLACK = 1.25

NOT_A_PICTURE = N_("{name} is named like a photo but is not a picture.")
DAMAGED = N_("{name}: the picture is damaged or incomplete.")
TOO_MANY_PIXELS = N_("{name}: the picture is too large ({megapixels} megapixels; at most {limit}).")
TOO_WIDE = N_("{name}: the picture is too large ({width} × {height} pixels; at most {limit} pixels on a side).")
NO_HEIF = N_("{name}: HEIC/HEIF pictures cannot be read on this computer (pillow-heif is missing).")

#: What Pillow's decoders raise for broken input (beyond OSError): a decoder must not crash the import.
DECODE_ERRORS: tuple[type[BaseException], ...] = (
    OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError, KeyError, TypeError,
    ZeroDivisionError, OverflowError, RuntimeError,
)

_HEIC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"})
_HEIF_BRANDS = frozenset({b"mif1", b"msf1", b"heif"})
_OOXML = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
_MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9.+-]*/[a-z0-9][a-z0-9.+-]*")

# EXIF tags
_ORIENTATION = 0x0112
_MAKE, _MODEL = 0x010F, 0x0110
_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_DATETIME_ORIGINAL, _DATETIME_DIGITIZED = 0x9003, 0x9004
_OFFSET_ORIGINAL, _OFFSET_DIGITIZED = 0x9011, 0x9012
_MAX_CAMERA = 200


class EvidenceFileError(OekoauditError):
    """A file cannot become evidence; the template (an English msgid) names the file and why."""

    template = DAMAGED


@dataclass(frozen=True)
class Metadata:
    """What the import records about a file besides its bytes."""

    media_type: str
    kind: EvidenceKind
    #: pixel size as displayed (EXIF orientation applied); None for documents
    width: int | None = None
    height: int | None = None
    #: the EXIF orientation (1..8) that applies to the decoded pixels; 1 when there is none, and
    #: for HEIF, whose decoder turns the picture itself
    orientation: int = 1
    #: when the picture was taken (EXIF), as an aware UTC datetime
    captured_at: datetime | None = None
    #: "Make Model", tidied
    camera: str = ""
    location: GeoPoint | None = None


# -- what a file is ----------------------------------------------------------------------------

def image_media_type(head: bytes) -> str | None:
    """The media type of a picture format we decode, from the file's first bytes; else None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "image/tiff"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp":
        return _heif_type(head)
    return None


def _heif_type(head: bytes) -> str | None:
    """HEIC/HEIF by the brands of the ISO-BMFF ``ftyp`` box (AVIF shares the container: not ours)."""
    box_size = int.from_bytes(head[:4], "big")
    major = head[8:12]
    compatible = {head[i:i + 4] for i in range(16, min(box_size, len(head)) - 3, 4)}
    brands = {major} | compatible
    if major in (b"avif", b"avis") or (b"avif" in compatible and not brands & _HEIC_BRANDS):
        return None
    if brands & _HEIC_BRANDS:
        return "image/heic"
    if brands & _HEIF_BRANDS:
        return "image/heif"
    return None


def looks_like_image(head: bytes) -> bool:
    return image_media_type(head) is not None


def sniff(data: bytes, name: str) -> tuple[str, EvidenceKind]:
    """Media type and kind of a file, by its bytes first and its name second.

    A picture in one of our formats is a photo, whatever its name. A file named like a photo
    whose bytes are no picture (a text file renamed to ``.jpg``) is refused, because importing it
    as a document would hide the mistake. Anything else is a document.
    """
    media_type = image_media_type(data[:SNIFF_BYTES])
    if media_type is not None:
        return media_type, EvidenceKind.PHOTO
    if Path(name).suffix.lower() in PHOTO_SUFFIXES:
        raise EvidenceFileError(NOT_A_PICTURE, name=name)
    return document_media_type(data, name), EvidenceKind.DOCUMENT


def document_media_type(data: bytes, name: str) -> str:
    """PDF, ZIP-based office formats and a few others by their bytes; else by name; else
    ``application/octet-stream``. Nothing is extracted from archives: ODF says what it is in its
    first member (stored, uncompressed), OOXML by the folders its central directory lists."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_media_type(data, name)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE2: .doc, .xls, .msg, …
        return _by_name(name, prefix="application/") or "application/x-ole-storage"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"{\\rtf"):
        return "application/rtf"
    return _by_name(name) or "application/octet-stream"


def _by_name(name: str, prefix: str = "") -> str | None:
    guessed = mimetypes.guess_type(name, strict=False)[0]
    return guessed if guessed and guessed.startswith(prefix) else None


def _zip_media_type(data: bytes, name: str) -> str:
    if data[30:38] == b"mimetype":  # ODF/EPUB: the first member is the media type, stored
        declared = data[38:38 + 100].split(b"PK", 1)[0].decode("ascii", "replace").strip()
        if _MEDIA_TYPE.fullmatch(declared):
            return declared
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, *DECODE_ERRORS):
        names = []
    if "[Content_Types].xml" in names:
        for folder, media_type in _OOXML.items():
            if any(n.startswith(folder) for n in names):
                by_name = _by_name(name, prefix="application/vnd.")
                # a macro-enabled .docm/.xlsm keeps its own (more precise) type
                return by_name if by_name and "ms-" in by_name else media_type
    return _by_name(name, prefix="application/") or "application/zip"


# -- opening -----------------------------------------------------------------------------------

_heif_state: bool | None = None


def register_heif() -> bool:
    """Register pillow_heif's opener once per process (workers too); False if it is missing."""
    global _heif_state
    if _heif_state is None:
        try:
            import pillow_heif
        except ImportError:
            _heif_state = False
        else:
            pillow_heif.register_heif_opener()
            _heif_state = True
    return _heif_state


_formats: tuple[str, ...] | None = None


def _available_formats() -> tuple[str, ...]:
    """IMAGE_FORMATS that this Pillow has (``Image.open`` refuses an unknown name in ``formats``)."""
    global _formats
    if _formats is None:
        from PIL import Image

        Image.init()
        _formats = tuple(f for f in IMAGE_FORMATS if f in Image.OPEN)
    return _formats


def _megapixels(pixels: int) -> int:
    return max(1, round(pixels / 1_000_000))


def check_size(size: tuple[int, int], name: str) -> None:
    """Refuse a declared pixel size above our limits before anything is decoded."""
    width, height = size
    if width <= 0 or height <= 0:
        raise EvidenceFileError(DAMAGED, name=name)
    if width * height > MAX_PIXELS:
        raise EvidenceFileError(TOO_MANY_PIXELS, name=name, megapixels=_megapixels(width * height),
                                limit=MAX_PIXELS // 1_000_000)
    if max(width, height) > MAX_SIDE:
        raise EvidenceFileError(TOO_WIDE, name=name, width=width, height=height, limit=MAX_SIDE)


def _bomb_megapixels(exc: BaseException) -> int:
    """Pillow's DecompressionBombError names the pixel count only in its message."""
    match = re.search(r"\((\d+) pixels\)", str(exc))
    return _megapixels(int(match.group(1))) if match else MAX_PIXELS // 1_000_000 + 1


def open_image(source: bytes | BinaryIO, name: str) -> PILImage.Image:
    """Open (header only) with our decoders and our pixel limit; raises EvidenceFileError."""
    from PIL import Image, UnidentifiedImageError

    heif = register_heif()
    formats = _available_formats()
    fp: BinaryIO = io.BytesIO(source) if isinstance(source, bytes | bytearray | memoryview) else source
    with warnings.catch_warnings():
        # Pillow warns above its own, lower, module-global limit; ours is checked below.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(fp, formats=formats)
        except Image.DecompressionBombError as exc:
            raise EvidenceFileError(TOO_MANY_PIXELS, name=name, megapixels=_bomb_megapixels(exc),
                                    limit=MAX_PIXELS // 1_000_000) from None
        except UnidentifiedImageError:
            if not heif and _is_heif(fp):
                raise EvidenceFileError(NO_HEIF, name=name) from None
            raise EvidenceFileError(DAMAGED, name=name) from None
        except DECODE_ERRORS:
            raise EvidenceFileError(DAMAGED, name=name) from None
    check_size(image.size, name)
    return image


def _is_heif(fp: BinaryIO) -> bool:
    fp.seek(0)
    return image_media_type(fp.read(SNIFF_BYTES)) in ("image/heic", "image/heif")


# -- metadata ----------------------------------------------------------------------------------

def _exif(image: PILImage.Image) -> Any:
    """The picture's EXIF; a malformed block counts as none. An OSError is not swallowed: for a
    PNG whose EXIF follows the pixels, reading it decodes the picture, and broken pixels must
    make the picture "damaged" rather than be read a second time, half."""
    from PIL import Image

    try:
        return image.getexif()
    except OSError:
        raise
    except DECODE_ERRORS:
        return Image.Exif()


@contextlib.contextmanager
def _damaged_if_broken(name: str) -> Iterator[None]:
    """Whatever a decoder raises on broken input means: this picture is damaged."""
    try:
        yield
    except EvidenceFileError:
        raise
    except DECODE_ERRORS:
        raise EvidenceFileError(DAMAGED, name=name) from None


_tiff_self_orients: bool | None = None


def _pillow_orients_tiff() -> bool:
    """Whether this Pillow applies a TIFF's orientation itself while loading (13 does, and
    reports the turned size already at open; older ones do not). Probed once on a 2×1 TIFF."""
    global _tiff_self_orients
    if _tiff_self_orients is None:
        from PIL import Image, TiffImagePlugin

        info = TiffImagePlugin.ImageFileDirectory_v2()
        info[_ORIENTATION] = 6
        buffer = io.BytesIO()
        Image.new("L", (2, 1)).save(buffer, "TIFF", tiffinfo=info)
        buffer.seek(0)
        _tiff_self_orients = Image.open(buffer).size == (1, 2)
    return _tiff_self_orients


def orientations(image: PILImage.Image) -> tuple[int, int]:
    """(the file's EXIF orientation, the orientation still to apply to the decoded pixels).

    They differ where the decoder turns the picture itself: libheif always (pillow_heif keeps
    the file's value in ``info["original_orientation"]``), Pillow's TIFF reader in recent versions.
    """
    declared = orientation_of(_exif(image))
    if image.format == "HEIF":
        original = orientation_of({_ORIENTATION: image.info.get("original_orientation", declared)})
        return original, 1
    if image.format == "TIFF" and _pillow_orients_tiff():
        return declared, 1
    return declared, declared


def orientation_of(exif: Any) -> int:
    try:
        value = int(exif.get(_ORIENTATION, 1))
    except (TypeError, ValueError):
        return 1
    return value if 1 <= value <= 8 else 1


def _text(value: Any) -> str:
    """An EXIF string without NULs, control characters or runs of white space."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return ""
    cleaned = "".join(ch if ch.isprintable() else " " for ch in value.replace("\x00", ""))
    return " ".join(cleaned.split())


def camera_of(make: Any, model: Any) -> str:
    """"Make Model", without repeating the make when the model already starts with it
    ("Canon" + "Canon EOS 5D" → "Canon EOS 5D"; "NIKON CORPORATION" + "NIKON D750" → "NIKON D750")."""
    make_s, model_s = _text(make), _text(model)
    if make_s and model_s:
        first_word = make_s.split()[0].casefold()
        if model_s.casefold().startswith((make_s.casefold(), first_word)):
            return model_s[:_MAX_CAMERA]
    return " ".join(p for p in (make_s, model_s) if p)[:_MAX_CAMERA]


def _offset(value: Any) -> timezone | None:
    match = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", _text(value))
    if not match:
        return None
    sign, hours, minutes = match.groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    if delta > timedelta(hours=14):
        return None
    return timezone(-delta if sign == "-" else delta)


def exif_datetime(value: Any, offset: Any = None) -> datetime | None:
    """An EXIF "YYYY:MM:DD HH:MM:SS" as an aware UTC datetime: with the offset tag when there is
    one, else read as this computer's local time (what a camera without an offset tag shows)."""
    match = re.match(r"(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})", _text(value))
    if not match:
        return None
    try:
        naive = datetime(*(int(g) for g in match.groups()))  # noqa: DTZ001 - the zone follows
        tz = _offset(offset)
        aware = naive.replace(tzinfo=tz) if tz else naive.astimezone()
        return aware.astimezone(UTC)
    except (ValueError, OverflowError, OSError):
        return None


def _captured_at(exif: Any) -> datetime | None:
    try:
        sub = exif.get_ifd(_EXIF_IFD)
    except DECODE_ERRORS:
        return None
    for tag, offset_tag in ((_DATETIME_ORIGINAL, _OFFSET_ORIGINAL), (_DATETIME_DIGITIZED, _OFFSET_DIGITIZED)):
        when = exif_datetime(sub.get(tag), sub.get(offset_tag))
        if when is not None:
            return when
    return None


def _number(value: Any) -> float | None:
    import math

    try:
        number = float(value)
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def _degrees(value: Any, ref: Any, positive: str, negative: str) -> float | None:
    """Degrees from EXIF's (degrees, minutes, seconds) rationals and an N/S or E/W reference."""
    if isinstance(value, list | tuple):
        parts = [_number(v) for v in value[:3]]
    else:
        parts = [_number(value)]
    if not parts or any(p is None for p in parts):
        return None
    degrees = sum(p / 60**i for i, p in enumerate(parts))  # type: ignore[operator]
    ref_s = _text(ref).upper()[:1]
    if ref_s == negative:
        return -abs(degrees)
    if ref_s in (positive, ""):
        return degrees
    return None


def location_of(gps: Any) -> GeoPoint | None:
    """The GPS position of an EXIF GPS IFD, or None when it is missing or malformed.

    (0, 0) counts as missing: cameras without a fix write it.
    """
    try:
        latitude = _degrees(gps.get(2), gps.get(1), "N", "S")
        longitude = _degrees(gps.get(4), gps.get(3), "E", "W")
        if latitude is None or longitude is None or (latitude == 0 and longitude == 0):
            return None
        altitude = _number(gps.get(6)) if gps.get(6) is not None else None
        ref = gps.get(5)
        if altitude is not None and (ref == 1 or ref == b"\x01" or _text(ref) == "1"):
            altitude = -altitude
        return GeoPoint(latitude, longitude, altitude)
    except (*DECODE_ERRORS, AttributeError):
        return None


def _location(exif: Any) -> GeoPoint | None:
    try:
        gps = exif.get_ifd(_GPS_IFD)
    except DECODE_ERRORS:
        return None
    return location_of(gps) if gps else None


def image_metadata(image: PILImage.Image, media_type: str) -> Metadata:
    """Metadata of an opened (not yet drafted) picture; malformed EXIF values are left out."""
    exif = _exif(image)
    declared, pending = orientations(image)
    width, height = image.size
    if pending >= 5:
        width, height = height, width
    return Metadata(media_type=media_type, kind=EvidenceKind.PHOTO, width=width, height=height,
                    orientation=declared, captured_at=_captured_at(exif),
                    camera=camera_of(exif.get(_MAKE), exif.get(_MODEL)), location=_location(exif))


def read_metadata(data: bytes, name: str) -> Metadata:
    """Metadata without decoding the pixels (for content whose preview exists already)."""
    media_type, kind = sniff(data, name)
    if kind is EvidenceKind.DOCUMENT:
        return Metadata(media_type=media_type, kind=kind)
    with _damaged_if_broken(name):
        return image_metadata(open_image(data, name), media_type)


# -- decoding and derivatives ------------------------------------------------------------------

def fit_size(size: tuple[int, int], max_px: int) -> tuple[int, int] | None:
    """The size within ``max_px`` on the longer side, aspect kept; None if it fits already."""
    width, height = size
    longer = max(width, height)
    if longer <= max_px:
        return None
    scale = max_px / longer
    return max(1, round(width * scale)), max(1, round(height * scale))


def _decodable_mode(image: PILImage.Image) -> PILImage.Image:
    """A mode Pillow resamples well: palettes and bi-level to full colour/grey, 16-bit to 8-bit."""
    mode = image.mode
    if mode in ("RGB", "RGBA", "L", "LA", "CMYK", "YCbCr", "RGBa", "La"):
        return image
    if mode in ("P", "PA"):
        return image.convert("RGBA" if mode == "PA" or "transparency" in image.info else "RGB")
    if mode == "1":
        return image.convert("L")
    if mode.startswith("I;16") or mode in ("I", "F"):
        wide = image if mode in ("I", "F") else image.convert("I")
        return wide.point(lambda v: v * (1 / 256)).convert("L")
    return image.convert("RGB")


def _flatten(image: PILImage.Image) -> PILImage.Image:
    """RGB; transparency is laid onto white (a JPEG has none, and black would hide dark lines)."""
    from PIL import Image

    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def upright(image: PILImage.Image, orientation: int) -> PILImage.Image:
    """Apply an EXIF orientation (the same table as ``ImageOps.exif_transpose``).

    Done here rather than with exif_transpose because the orientation is read from the original
    (a resized copy may not carry it: TIFF keeps it outside the EXIF block) and no EXIF is kept.
    """
    from PIL import Image

    method = {
        2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
        4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
        6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE, 8: Image.Transpose.ROTATE_90,
    }.get(orientation)
    return image.transpose(method) if method is not None else image


def decode_displayed(image: PILImage.Image, max_px: int | None, name: str,
                     slack: float = 1.0) -> PILImage.Image:
    """Decode an opened picture to RGB, at most ``max_px`` on its longer side, upright.

    A JPEG is decoded at the smallest DCT scale that still covers the target (1/2, 1/4, 1/8),
    so a 12 MP photo decodes at 3 MP; everything after works on the small image. With a
    ``slack`` above 1, a DCT-scaled decode at most ``slack × max_px`` on its longer side is
    kept as it is (see PREVIEW_SLACK).
    """
    from PIL import Image

    with _damaged_if_broken(name):
        _, pending = orientations(image)
        target = fit_size(image.size, max_px) if max_px else None
        reduced = False
        if target is not None and image.format in ("JPEG", "MPO"):
            full_size = image.size
            image.draft("RGB", target)
            reduced = image.size != full_size
        image.load()
        image = _decodable_mode(image)
        if reduced and max_px and max(image.size) <= max_px * slack:
            target = None  # the DCT-scaled decode is close enough
        if target is not None and image.size != target:
            image = image.resize(target, getattr(Image.Resampling, PREVIEW_FILTER),
                                 reducing_gap=PREVIEW_REDUCING_GAP)
        return upright(_flatten(image), pending)


def rgb_icc_profile(image: PILImage.Image) -> bytes | None:
    """The colour profile, kept only when it is an RGB one (it is not EXIF, and a phone's
    Display P3 photo looks dull without it); a CMYK or grey profile would be wrong after RGB."""
    icc = image.info.get("icc_profile")
    return icc if isinstance(icc, bytes) and icc[16:20] == b"RGB " else None


def encode_jpeg(image: PILImage.Image, icc_profile: bytes | None = None, quality: int = JPEG_QUALITY) -> bytes:
    """JPEG bytes without EXIF (Pillow writes only what it is given)."""
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, icc_profile=icc_profile)
    return buffer.getvalue()


def thumbnail_of(preview: PILImage.Image) -> PILImage.Image:
    from PIL import Image

    target = fit_size(preview.size, THUMB_PX)
    if target is None:
        return preview
    return preview.resize(target, Image.Resampling.LANCZOS, reducing_gap=THUMB_REDUCING_GAP)


def derivatives(data: bytes, name: str) -> tuple[Metadata, bytes | None, bytes | None]:
    """Metadata, preview JPEG and thumbnail JPEG of a file; documents get (metadata, None, None).

    Raises EvidenceFileError for a fake picture, a picture too large, or a damaged one.
    """
    media_type, kind = sniff(data, name)
    if kind is EvidenceKind.DOCUMENT:
        return Metadata(media_type=media_type, kind=kind), None, None
    image = open_image(data, name)
    with _damaged_if_broken(name):
        metadata = image_metadata(image, media_type)
    icc = rgb_icc_profile(image)
    preview = decode_displayed(image, PREVIEW_PX, name, slack=PREVIEW_SLACK)
    return metadata, encode_jpeg(preview, icc), encode_jpeg(thumbnail_of(preview), icc)


def open_displayed(fp_or_bytes: bytes | BinaryIO | Path, max_px: int | None = None, *,
                   name: str = "") -> PILImage.Image:
    """A picture as the user sees it: decoded (at most ``max_px`` on the longer side), upright,
    RGB. Raises EvidenceFileError like the import does."""
    if isinstance(fp_or_bytes, Path):
        name = name or fp_or_bytes.name
        fp_or_bytes = fp_or_bytes.read_bytes()
    image = open_image(fp_or_bytes, name)
    return decode_displayed(image, max_px, name)


def strip_location(data: bytes, media_type: str) -> bytes:
    """The file without its GPS position, for an exported copy (see ``oekoaudit.evidence.location``:
    JPEG, PNG, WebP, TIFF and HEIC are edited in place, without recompression; other types are
    returned unchanged). Raises EvidenceFileError if a position is still there afterwards."""
    from oekoaudit.evidence.location import strip_location as strip

    return strip(data, media_type)


#: JPEG start-of-frame markers (baseline, extended, progressive, lossless …), which carry the size
_SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})


def jpeg_size(path: Path) -> tuple[int, int] | None:
    """The pixel size of a JPEG the app wrote into its cache, from its frame header (the first
    kilobytes: the cache's JPEGs carry no metadata); None if it is missing or not such a JPEG."""
    try:
        with path.open("rb") as fh:
            head = fh.read(65536)
    except OSError:
        return None
    if head[:2] != b"\xff\xd8":
        return None
    at = 2
    while at + 9 <= len(head):
        if head[at] != 0xFF:
            return None
        marker = head[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        length = int.from_bytes(head[at + 2:at + 4], "big")
        if marker in _SOF:
            height = int.from_bytes(head[at + 5:at + 7], "big")
            width = int.from_bytes(head[at + 7:at + 9], "big")
            return (width, height) if width and height else None
        if marker == 0xDA or length < 2:  # image data before any frame header: not ours
            return None
        at += 2 + length
    return None
