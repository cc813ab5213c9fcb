"""Removing the GPS position from a picture file without touching its pixels.

An exported copy of a photo whose location is hidden must not carry the position. Re-encoding
would lose quality (JPEG) or metadata the user wants to keep, so the file is edited in place:

- The EXIF GPS directory (tag 0x8825) is emptied where it lies: its entry count and entries are
  zeroed and so are the values they point to. Nothing moves, so every offset in the file (maker
  notes, the EXIF thumbnail, a multi-picture index) stays valid and every other byte is kept.
- An XMP packet that mentions GPS is blanked with spaces (XMP allows padding), same length.

Where the EXIF lives: JPEG — each APP1 "Exif" segment, found by walking the markers, and those of
the extra pictures of a multi-picture (MPO) file; PNG — the eXIf chunk (its CRC is recomputed);
old "Raw profile" text chunks, which may hold EXIF as compressed hex, are dropped); WebP — the
EXIF chunk; TIFF — the file itself; HEIC/HEIF — every "Exif\\0\\0" block in the file. Other media
types (PDF, office files, …) are returned unchanged: we do not edit documents.

Afterwards the result is read again; if a position can still be found the function raises
rather than let a located copy out.
"""

from __future__ import annotations

import re
import struct
import zlib

from oekoaudit.errors import N_

LOCATION_KEPT = N_("The position could not be removed from this file, so no copy without it was made.")

_GPS_IFD = 0x8825
#: Bytes per value of each TIFF field type.
_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4, 16: 8, 17: 8, 18: 8}
_EXIF_HEADER = b"Exif\x00\x00"
_XMP = re.compile(rb"<x:xmpmeta.*?</x:xmpmeta>", re.DOTALL)
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def strip_location(data: bytes, media_type: str) -> bytes:
    stripper = _STRIPPERS.get(media_type)
    if stripper is None:
        return data
    buf = bytearray(data)
    stripper(buf)
    result = bytes(buf)
    _check_gone(result)
    return result


# -- the TIFF structure inside EXIF ------------------------------------------------------------

def _endian(buf: bytearray, start: int) -> str | None:
    head = bytes(buf[start:start + 4])
    return "<" if head == b"II*\x00" else ">" if head == b"MM\x00*" else None


def _gps_offset(buf: bytearray, start: int, end: int, order: str) -> int | None:
    """Where IFD0 says the GPS directory is (relative to the TIFF header), if anywhere."""
    (ifd0,) = struct.unpack_from(order + "I", buf, start + 4)
    pos = start + ifd0
    if not start + 8 <= pos <= end - 2:
        return None
    (count,) = struct.unpack_from(order + "H", buf, pos)
    for i in range(count):
        entry = pos + 2 + 12 * i
        if entry + 12 > end:
            return None
        tag, kind, _ = struct.unpack_from(order + "HHI", buf, entry)
        if tag == _GPS_IFD and kind in (4, 13):
            return int(struct.unpack_from(order + "I", buf, entry + 8)[0])
    return None


def wipe_gps(buf: bytearray, start: int, end: int) -> bool:
    """Empty the GPS directory of the TIFF structure in ``buf[start:end]``; True if there was one.

    The directory keeps its place (IFD0 still points to it) but holds no entries, and the values
    its entries pointed to are zeroed, so no reader finds a position and no offset changes.
    """
    order = _endian(buf, start)
    if order is None or end - start < 8:
        return False
    gps = _gps_offset(buf, start, end, order)
    if gps is None:
        return False
    pos = start + gps
    if not start + 8 <= pos <= end - 2:
        return False
    (count,) = struct.unpack_from(order + "H", buf, pos)
    count = min(count, (end - pos - 2) // 12)
    for i in range(count):
        entry = pos + 2 + 12 * i
        _, kind, number = struct.unpack_from(order + "HHI", buf, entry)
        size = _TYPE_SIZES.get(kind, 1) * number
        if size > 4:
            (offset,) = struct.unpack_from(order + "I", buf, entry + 8)
            first, last = start + offset, min(end, start + offset + size)
            if start + 8 <= first < last:
                buf[first:last] = bytes(last - first)
    buf[pos:pos + 2 + 12 * count] = bytes(2 + 12 * count)
    return True


def blank_xmp_gps(buf: bytearray, start: int = 0, end: int | None = None) -> bool:
    """Overwrite with spaces every XMP packet in ``buf[start:end]`` that mentions GPS."""
    end = len(buf) if end is None else end
    changed = False
    for match in _XMP.finditer(bytes(buf[start:end])):
        if b"GPS" in match.group(0):
            buf[start + match.start():start + match.end()] = b" " * (match.end() - match.start())
            changed = True
    return changed


# -- JPEG --------------------------------------------------------------------------------------

def _jpeg(buf: bytearray) -> None:
    """Walk the markers up to the first scan; empty the GPS of each APP1 Exif segment and blank
    each XMP segment that mentions GPS. The extra pictures of a multi-picture file follow the
    first one's end and carry their own Exif segments: those are found and treated the same."""
    pos = 2
    scan = len(buf)
    while pos + 4 <= len(buf):
        if buf[pos] != 0xFF:
            break
        marker = buf[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):
            pos += 2
            continue
        if marker in (0xD9, 0xDA):
            scan = pos
            break
        (length,) = struct.unpack_from(">H", buf, pos + 2)
        _app_segment(buf, marker, pos + 4, min(len(buf), pos + 2 + length))
        pos += 2 + length
    _later_pictures(buf, scan)


def _app_segment(buf: bytearray, marker: int, start: int, end: int) -> None:
    if marker != 0xE1:
        return
    if buf[start:start + 6] == _EXIF_HEADER:
        wipe_gps(buf, start + 6, end)
    else:
        blank_xmp_gps(buf, start, end)


def _later_pictures(buf: bytearray, after: int) -> None:
    """APP1 Exif segments after the first scan belong to the extra pictures of an MPO file."""
    for match in re.finditer(re.escape(b"\xff\xe1") + b"..Exif\x00\x00", bytes(buf[after:]), re.DOTALL):
        start = after + match.start() + 4
        (length,) = struct.unpack_from(">H", buf, after + match.start() + 2)
        wipe_gps(buf, start + 6, min(len(buf), start - 2 + length))
    blank_xmp_gps(buf, after)


# -- PNG ---------------------------------------------------------------------------------------

_RAW_PROFILES = (b"Raw profile type exif", b"Raw profile type APP1", b"Raw profile type xmp")


def _png(buf: bytearray) -> None:
    """eXIf emptied of GPS in place, XMP text blanked, old raw-profile text chunks dropped; the CRC
    of every changed chunk recomputed. Other chunks are kept byte for byte."""
    if not buf.startswith(_PNG_SIGNATURE):
        return
    out = bytearray(_PNG_SIGNATURE)
    pos = len(_PNG_SIGNATURE)
    while pos + 12 <= len(buf):
        (length,) = struct.unpack_from(">I", buf, pos)
        kind = bytes(buf[pos + 4:pos + 8])
        chunk = bytearray(buf[pos:pos + 12 + length])
        pos += 12 + length
        data_end = 8 + length
        changed = False
        if kind == b"eXIf":
            changed = wipe_gps(chunk, 14 if chunk[8:14] == _EXIF_HEADER else 8, data_end)
        elif kind in (b"tEXt", b"zTXt", b"iTXt"):
            if chunk[8:data_end].startswith(_RAW_PROFILES):
                continue
            if kind == b"zTXt" or (kind == b"iTXt" and _itxt_compressed(chunk, data_end)):
                if b"XML:com.adobe.xmp" in chunk[8:data_end] and b"GPS" in _inflate_text(chunk, data_end):
                    continue
            else:
                changed = blank_xmp_gps(chunk, 8, data_end)
        if changed:
            struct.pack_into(">I", chunk, data_end, zlib.crc32(bytes(chunk[4:data_end])))
        out += chunk
        if kind == b"IEND":
            out += buf[pos:]
            break
    buf[:] = out


def _itxt_compressed(chunk: bytearray, end: int) -> bool:
    keyword_end = chunk.find(b"\x00", 8, end)
    return keyword_end != -1 and keyword_end + 1 < end and chunk[keyword_end + 1] == 1


def _inflate_text(chunk: bytearray, end: int) -> bytes:
    """The text of a compressed zTXt/iTXt chunk (capped: it is only looked at)."""
    body = bytes(chunk[8:end])
    for start in range(len(body)):
        if body[start:start + 2] in (b"\x78\x9c", b"\x78\x01", b"\x78\xda", b"\x78\x5e"):
            try:
                return zlib.decompressobj().decompress(body[start:], 16 * 1024 * 1024)
            except zlib.error:
                continue
    return b"GPS"  # cannot tell: treat as located, the chunk is dropped


# -- WebP, TIFF, HEIF --------------------------------------------------------------------------

def _webp(buf: bytearray) -> None:
    """RIFF chunks: EXIF emptied of GPS, XMP blanked, in place (no size changes)."""
    if buf[:4] != b"RIFF" or buf[8:12] != b"WEBP":
        return
    pos = 12
    while pos + 8 <= len(buf):
        kind = bytes(buf[pos:pos + 4])
        (length,) = struct.unpack_from("<I", buf, pos + 4)
        start, end = pos + 8, min(len(buf), pos + 8 + length)
        if kind == b"EXIF":
            offset = 6 if buf[start:start + 6] == _EXIF_HEADER else 0
            wipe_gps(buf, start + offset, end)
        elif kind == b"XMP ":
            blank_xmp_gps(buf, start, end)
        pos = end + (length & 1)


def _tiff(buf: bytearray) -> None:
    wipe_gps(buf, 0, len(buf))
    blank_xmp_gps(buf)


def _heif(buf: bytearray) -> None:
    """The Exif item of a HEIF file is "Exif\\0\\0" and a TIFF structure; found by searching."""
    for match in re.finditer(re.escape(_EXIF_HEADER) + rb"(?:II\*\x00|MM\x00\*)", bytes(buf)):
        wipe_gps(buf, match.start() + 6, len(buf))
    blank_xmp_gps(buf)


_STRIPPERS = {
    "image/jpeg": _jpeg, "image/png": _png, "image/webp": _webp, "image/tiff": _tiff,
    "image/heic": _heif, "image/heif": _heif,
}


def _check_gone(data: bytes) -> None:
    """Read the result back like any other reader would; a position still there is an error."""
    from oekoaudit.evidence.imaging import EvidenceFileError, open_image

    image = open_image(data, "")
    exif = image.getexif()
    xmp = b"".join(m.group(0) for m in _XMP.finditer(data))
    if exif.get_ifd(_GPS_IFD) or b"GPS" in xmp:
        raise EvidenceFileError(LOCATION_KEPT)
