"""Exported copies without the GPS position: nothing else changes, the pixels least of all."""

from __future__ import annotations

import io

import pytest
from evidence_pictures import encode, exif_with, jpeg, noisy
from PIL import Image, PngImagePlugin, TiffImagePlugin

from oekoaudit.evidence import imaging, location
from oekoaudit.evidence.imaging import EvidenceFileError, strip_location

R = TiffImagePlugin.IFDRational
XMP = (b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>'
       b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description exif:GPSLatitude="52,31.2N" '
       b'exif:GPSLongitude="13,24.3E"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>')


def _located_exif(orientation: int = 6) -> Image.Exif:
    exif = exif_with(orientation, {0x010F: "Canon", 0x0110: "Canon EOS R6"})
    exif.get_ifd(0x8769).update({0x9003: "2024:06:03 14:05:06", 0x9011: "+02:00"})
    exif.get_ifd(0x8825).update({0: b"\x02\x03\x00\x00", 1: "N", 2: (R(52), R(31), R(1236, 100)),
                                 3: "E", 4: (R(13), R(24), R(18)), 5: b"\x00", 6: R(3450, 100)})
    return exif


def _decoded(data: bytes) -> bytes:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image.tobytes()


def _gps(data: bytes) -> dict:
    imaging.register_heif()
    return dict(Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825))


def _kept_metadata(data: bytes) -> imaging.Metadata:
    return imaging.read_metadata(data, "x")


def test_jpeg_loses_its_position_and_nothing_else() -> None:
    original = jpeg((640, 480), exif=_located_exif(), orientation=6)
    assert _gps(original) and _kept_metadata(original).location is not None
    stripped = strip_location(original, "image/jpeg")
    assert _gps(stripped) == {}
    assert len(stripped) == len(original)  # edited in place: no offset moved
    assert _decoded(stripped) == _decoded(original)  # not recompressed
    before, after = _kept_metadata(original), _kept_metadata(stripped)
    assert after.location is None
    assert (after.captured_at, after.camera, after.orientation) == (before.captured_at, before.camera, 6)
    # only bytes inside the Exif segment differ
    changed = [i for i, (a, b) in enumerate(zip(original, stripped, strict=True)) if a != b]
    assert changed and original.find(b"Exif\x00\x00") < changed[0] and changed[-1] < 2000


def test_jpeg_xmp_with_gps_is_blanked() -> None:
    base = jpeg((200, 100))
    segment = b"http://ns.adobe.com/xap/1.0/\x00" + XMP
    with_xmp = base[:2] + b"\xff\xe1" + (len(segment) + 2).to_bytes(2, "big") + segment + base[2:]
    stripped = strip_location(with_xmp, "image/jpeg")
    assert b"GPSLatitude" not in stripped and len(stripped) == len(with_xmp)
    assert _decoded(stripped) == _decoded(with_xmp)


def test_a_jpeg_without_position_is_returned_unchanged() -> None:
    data = jpeg((200, 100), orientation=3)
    assert strip_location(data, "image/jpeg") == data


def test_the_extra_pictures_of_an_mpo_lose_their_position_too() -> None:
    first = jpeg((200, 100), exif=_located_exif(1))
    second = jpeg((100, 50), exif=_located_exif(1), seed=3)
    stripped = strip_location(first + second, "image/jpeg")
    assert b"Canon EOS R6" in stripped[len(first):]
    assert _gps(stripped[: len(first)]) == {} and _gps(stripped[len(first):]) == {}


def test_png_is_rewritten_losslessly_without_gps() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "Halle 3")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode("utf-8"))
    original = encode(noisy((120, 80)), "PNG", _located_exif(1), pnginfo=info)
    stripped = strip_location(original, "image/png")
    assert _gps(stripped) == {} and b"GPSLatitude" not in stripped
    assert _decoded(stripped) == _decoded(original)
    reread = Image.open(io.BytesIO(stripped))
    reread.load()  # the CRCs are right, or this would fail
    assert reread.text["Comment"] == "Halle 3"
    assert _kept_metadata(stripped).camera == "Canon EOS R6"


def test_png_raw_profile_chunks_are_dropped() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Raw profile type exif", "\nexif\n 10\n4578696600004d4d002a")
    original = encode(noisy((50, 40)), "PNG", pnginfo=info)
    stripped = strip_location(original, "image/png")
    assert b"Raw profile" not in stripped and _decoded(stripped) == _decoded(original)


def test_webp_tiff_and_heic_lose_their_position_in_place() -> None:
    imaging.register_heif()
    cases = {
        "image/webp": encode(noisy((120, 80)), "WEBP", _located_exif(1), lossless=True),
        "image/tiff": encode(noisy((120, 80)), "TIFF", _located_exif(1)),
        "image/heic": encode(noisy((128, 96)), "HEIF", _located_exif(1), quality=80),
    }
    for media_type, original in cases.items():
        assert _gps(original), media_type
        stripped = strip_location(original, media_type)
        assert _gps(stripped) == {}, media_type
        assert len(stripped) == len(original), media_type
        assert _decoded(stripped) == _decoded(original), media_type
        assert _kept_metadata(stripped).camera == "Canon EOS R6", media_type


def test_documents_are_returned_unchanged() -> None:
    pdf = b"%PDF-1.7\n/GPSLatitude 52\n"
    assert strip_location(pdf, "application/pdf") == pdf


def test_a_position_that_cannot_be_removed_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(location, "wipe_gps", lambda *args: False)
    with pytest.raises(EvidenceFileError) as caught:
        strip_location(jpeg((200, 100), exif=_located_exif()), "image/jpeg")
    assert caught.value.template == location.LOCATION_KEPT
