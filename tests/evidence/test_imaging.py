"""Reading pictures: orientation, formats, metadata, file types, and hostile input."""

from __future__ import annotations

import io
import time
import warnings
from datetime import UTC, datetime
from fractions import Fraction

import pytest
from evidence_pictures import (
    encode,
    exif_with,
    jpeg,
    png_header,
    shows_upright,
    stored_for,
    upright_picture,
    zip_bytes,
)
from PIL import Image, TiffImagePlugin

from oekoaudit.domain.evidence import EvidenceKind
from oekoaudit.evidence import imaging
from oekoaudit.evidence.imaging import EvidenceFileError, derivatives, open_displayed, sniff

#: Big enough that a JPEG is decoded at 1/2 scale (the draft path), small enough to be quick.
DRAFT_SIZE = (3400, 2200)


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


# -- orientation -------------------------------------------------------------------------------

@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_orientation_gives_an_upright_preview_thumbnail_and_size(orientation: int) -> None:
    data = jpeg(DRAFT_SIZE, orientation=orientation)
    metadata, preview, thumb = derivatives(data, "photo.jpg")
    assert (metadata.width, metadata.height) == DRAFT_SIZE  # as displayed, whatever is stored
    assert metadata.orientation == orientation
    stored = _open(data).size
    assert stored == (DRAFT_SIZE[::-1] if orientation >= 5 else DRAFT_SIZE)
    preview_image, thumb_image = _open(preview), _open(thumb)
    assert preview_image.size == (1700, 1100)  # the 1/2 DCT decode, close enough to 1600 px to be the preview
    assert thumb_image.size == (256, 166)
    assert shows_upright(preview_image) and shows_upright(thumb_image)
    assert not preview_image.getexif() and not thumb_image.getexif()  # nothing to apply twice
    shown = open_displayed(data, 800)
    assert shown.mode == "RGB" and shown.size == (800, 518) and shows_upright(shown)


@pytest.mark.parametrize(("size", "fmt", "expected"), [
    ((4000, 3000), "JPEG", (2000, 1500)),  # 12 MP: the 1/2 decode is the preview (≤ 1.25 × 1600)
    ((6000, 4000), "JPEG", (1600, 1067)),  # 24 MP: the 1/2 decode (3000 px) is resampled to 1600
    ((8000, 6000), "JPEG", (2000, 1500)),  # 48 MP: the 1/4 decode
    ((2400, 1800), "JPEG", (1600, 1200)),  # no DCT scale fits: resampled
    ((2000, 1500), "PNG", (1600, 1200)),  # not a JPEG: always resampled to 1600
])
def test_previews_are_about_1600_px(size: tuple[int, int], fmt: str, expected: tuple[int, int]) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, fmt)
    _, preview, thumb = derivatives(buffer.getvalue(), f"p.{fmt.lower()}")
    assert _open(preview).size == expected
    assert max(_open(thumb).size) == 256
    assert max(imaging.open_displayed(buffer.getvalue(), 1600).size) == 1600  # renderings: exactly as asked


@pytest.mark.parametrize("orientation", [1, 3, 6, 8])
def test_small_pictures_are_turned_too_and_never_enlarged(orientation: int) -> None:
    metadata, preview, thumb = derivatives(jpeg((300, 200), orientation=orientation), "small.jpg")
    assert (metadata.width, metadata.height) == (300, 200)
    assert _open(preview).size == (300, 200) and shows_upright(_open(preview))
    assert _open(thumb).size == (256, 171)
    assert shows_upright(open_displayed(jpeg((300, 200), orientation=orientation)))


def test_a_nonsense_orientation_counts_as_upright() -> None:
    metadata, preview, _ = derivatives(jpeg((300, 200), exif=exif_with(tags={0x0112: 42})), "odd.jpg")
    assert metadata.orientation == 1 and shows_upright(_open(preview))


# -- formats -----------------------------------------------------------------------------------

def test_png_with_alpha_becomes_an_rgb_jpeg_on_white() -> None:
    image = Image.new("RGBA", (400, 300), (0, 0, 0, 0))
    image.paste((200, 0, 0, 255), (0, 0, 200, 300))
    metadata, preview, thumb = derivatives(encode(image, "PNG"), "transparent.png")
    assert metadata.media_type == "image/png" and metadata.kind is EvidenceKind.PHOTO
    shown = _open(preview)
    assert shown.format == "JPEG" and shown.mode == "RGB"
    assert shown.getpixel((300, 150)) == pytest.approx((255, 255, 255), abs=3)  # was transparent
    assert shown.getpixel((50, 150)) == pytest.approx((200, 0, 0), abs=12)
    assert _open(thumb).mode == "RGB"


def test_palette_and_sixteen_bit_pictures_are_read() -> None:
    palette = upright_picture().convert("P")
    assert shows_upright(_open(derivatives(encode(palette, "PNG"), "p.png")[1]))
    grey16 = Image.new("I;16", (300, 200), 40000)
    shown = _open(derivatives(encode(grey16, "PNG"), "grey16.png")[1])
    assert shown.getpixel((10, 10))[0] == pytest.approx(40000 // 256, abs=3)


def test_webp_with_orientation() -> None:
    data = encode(stored_for(6), "WEBP", exif_with(6), quality=95)
    metadata, preview, _ = derivatives(data, "phone.webp")
    assert metadata.media_type == "image/webp" and (metadata.width, metadata.height) == (300, 200)
    assert shows_upright(_open(preview))


def test_tiff_with_its_orientation_tag() -> None:
    info = TiffImagePlugin.ImageFileDirectory_v2()
    info[0x0112] = 8
    data = encode(stored_for(8), "TIFF", tiffinfo=info, compression="tiff_deflate")
    metadata, preview, _ = derivatives(data, "scan.tif")
    assert metadata.media_type == "image/tiff" and metadata.orientation == 8  # the file's value
    assert (metadata.width, metadata.height) == (300, 200)
    assert shows_upright(_open(preview))


def test_heic_from_a_phone() -> None:
    imaging.register_heif()
    exif = exif_with(6, {0x010F: "Apple", 0x0110: "iPhone 15"})
    data = encode(stored_for(6), "HEIF", exif, quality=90)
    assert sniff(data, "IMG_0001.HEIC") == ("image/heic", EvidenceKind.PHOTO)
    metadata, preview, thumb = derivatives(data, "IMG_0001.HEIC")
    assert metadata.media_type == "image/heic" and metadata.camera == "Apple iPhone 15"
    assert metadata.orientation == 6  # the file's value; libheif turned the pixels already
    assert (metadata.width, metadata.height) == (300, 200)
    assert shows_upright(_open(preview)) and shows_upright(_open(thumb))


def test_cmyk_jpeg_is_shown_in_rgb() -> None:
    data = encode(upright_picture().convert("CMYK"), "JPEG")
    shown = _open(derivatives(data, "print.jpg")[1])
    assert shown.mode == "RGB" and shows_upright(shown)


# -- metadata ----------------------------------------------------------------------------------

def _exif_ifd(image_exif: Image.Exif, tags: dict[int, object]) -> Image.Exif:
    sub = image_exif.get_ifd(0x8769)
    sub.update(tags)
    return image_exif


def test_capture_time_with_its_offset_becomes_utc() -> None:
    exif = _exif_ifd(exif_with(1), {0x9003: "2024:06:03 14:05:06", 0x9011: "+02:00"})
    metadata = imaging.read_metadata(jpeg(exif=exif), "a.jpg")
    assert metadata.captured_at == datetime(2024, 6, 3, 12, 5, 6, tzinfo=UTC)


def test_capture_time_without_an_offset_is_local_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    try:
        exif = _exif_ifd(exif_with(1), {0x9003: "2024:01:15 09:30:00\x00"})
        metadata = imaging.read_metadata(jpeg(exif=exif), "a.jpg")
    finally:
        monkeypatch.undo()
        time.tzset()
    assert metadata.captured_at == datetime(2024, 1, 15, 8, 30, tzinfo=UTC)


@pytest.mark.parametrize("value", ["0000:00:00 00:00:00", "    :  :     :  :  ", "garbage", "2024:13:45 99:00:00"])
def test_an_unusable_capture_time_is_left_out(value: str) -> None:
    exif = _exif_ifd(exif_with(1), {0x9003: value})
    assert imaging.read_metadata(jpeg(exif=exif), "a.jpg").captured_at is None


@pytest.mark.parametrize(("make", "model", "expected"), [
    ("Canon", "Canon EOS 5D Mark IV", "Canon EOS 5D Mark IV"),
    ("NIKON CORPORATION", "NIKON D750", "NIKON D750"),
    ("Apple\x00\x00", "  iPhone 15 Pro\x00", "Apple iPhone 15 Pro"),
    ("samsung", "SM-G991B", "samsung SM-G991B"),
    ("", "DSC-RX100", "DSC-RX100"),
    ("OLYMPUS  IMAGING CORP.", "", "OLYMPUS IMAGING CORP."),
])
def test_camera_is_make_and_model_tidied(make: str, model: str, expected: str) -> None:
    assert imaging.camera_of(make, model) == expected


def _gps(lat: tuple, lat_ref: str, lon: tuple, lon_ref: str, alt: object = None, alt_ref: object = None) -> dict:
    gps: dict[int, object] = {1: lat_ref, 2: lat, 3: lon_ref, 4: lon}
    if alt is not None:
        gps[6] = alt
    if alt_ref is not None:
        gps[5] = alt_ref
    return gps


def _with_gps(gps: dict) -> bytes:
    exif = exif_with(1, {0x010F: "Canon", 0x0110: "Canon EOS R6"})
    exif.get_ifd(0x8825).update(gps)
    return jpeg(exif=exif)


def test_gps_position_with_references_and_altitude() -> None:
    r = TiffImagePlugin.IFDRational
    gps = _gps((r(52), r(31), r(1236, 100)), "N", (r(13), r(24), r(1800, 100)), "E", r(3450, 100), 0)
    metadata = imaging.read_metadata(_with_gps(gps), "a.jpg")
    assert metadata.camera == "Canon EOS R6"
    assert metadata.location is not None
    assert metadata.location.latitude == pytest.approx(52 + 31 / 60 + 12.36 / 3600)
    assert metadata.location.longitude == pytest.approx(13 + 24 / 60 + 18 / 3600)
    assert metadata.location.altitude == pytest.approx(34.5)


def test_gps_south_west_and_below_sea_level() -> None:
    r = TiffImagePlugin.IFDRational
    gps = _gps((r(33), r(52), r(0)), "S", (r(151), r(12), r(30)), "W", r(12), 1)
    location = imaging.read_metadata(_with_gps(gps), "a.jpg").location
    assert location is not None
    assert location.latitude == pytest.approx(-(33 + 52 / 60))
    assert location.longitude == pytest.approx(-(151 + 12 / 60 + 30 / 3600))
    assert location.altitude == pytest.approx(-12)


@pytest.mark.parametrize("gps", [
    {1: "N", 2: (Fraction(1, 1), Fraction(0, 1)), 3: "E"},                      # longitude missing
    {1: "Q", 2: (1, 2, 3), 3: "E", 4: (4, 5, 6)},                                # unknown reference
    {1: "N", 2: (200, 0, 0), 3: "E", 4: (10, 0, 0)},                              # out of range
    {1: "N", 2: (0, 0, 0), 3: "E", 4: (0, 0, 0)},                                 # no fix
    {1: "N", 2: "fifty", 3: "E", 4: (10, 0, 0)},                                  # not a number
])
def test_malformed_gps_is_ignored(gps: dict) -> None:
    assert imaging.location_of(gps) is None


def test_gps_with_a_zero_denominator_is_ignored_not_fatal() -> None:
    r = TiffImagePlugin.IFDRational
    gps = _gps((r(52, 0), r(0), r(0)), "N", (r(13), r(0), r(0)), "E")
    metadata, preview, _ = derivatives(_with_gps(gps), "a.jpg")
    assert metadata.location is None and preview


def test_metadata_of_a_plain_picture_is_empty_but_sized() -> None:
    metadata = imaging.read_metadata(jpeg((320, 240)), "plain.jpg")
    assert (metadata.width, metadata.height, metadata.captured_at, metadata.camera, metadata.location) == \
        (320, 240, None, "", None)


# -- what a file is ----------------------------------------------------------------------------

def test_documents_are_told_by_their_bytes() -> None:
    assert sniff(b"%PDF-1.7\n%\xe2\xe3", "scan") == ("application/pdf", EvidenceKind.DOCUMENT)
    docx = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})
    assert sniff(docx, "Genehmigung.bin")[0] == \
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    xlsx = zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<w/>"})
    assert sniff(xlsx, "Abfall.xlsx")[0] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    odt = zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"},
                    stored_first="mimetype")
    assert sniff(odt, "Bericht.odt")[0] == "application/vnd.oasis.opendocument.text"
    assert sniff(zip_bytes({"a.txt": b"a"}), "archive")[0] == "application/zip"


def test_other_files_by_name_else_octet_stream() -> None:
    assert sniff(b"plain words", "notes.txt") == ("text/plain", EvidenceKind.DOCUMENT)
    assert sniff(b"\x00\x01\x02 something", "blob") == ("application/octet-stream", EvidenceKind.DOCUMENT)
    assert derivatives(b"%PDF-1.4\n", "permit.pdf")[1:] == (None, None)


def test_a_picture_with_a_wrong_name_is_still_a_photo() -> None:
    assert sniff(encode(upright_picture(), "PNG"), "really.jpg") == ("image/png", EvidenceKind.PHOTO)


@pytest.mark.parametrize("name", ["holiday.jpg", "scan.TIFF", "x.heic", "y.webp", "z.png"])
def test_a_text_file_named_like_a_photo_is_refused(name: str) -> None:
    with pytest.raises(EvidenceFileError) as caught:
        sniff(b"this is not a picture", name)
    assert caught.value.template == imaging.NOT_A_PICTURE
    assert caught.value.english() == f"{name} is named like a photo but is not a picture."


# -- hostile input -----------------------------------------------------------------------------

@pytest.mark.parametrize("cut", [0.3, 0.7, 0.99])
def test_a_truncated_jpeg_is_damaged(cut: float) -> None:
    data = jpeg((600, 400), orientation=6)
    with pytest.raises(EvidenceFileError) as caught:
        derivatives(data[: int(len(data) * cut)], "cut.jpg")
    assert caught.value.template == imaging.DAMAGED and "cut.jpg" in caught.value.english()


def test_corrupt_bytes_after_a_valid_header_are_damaged() -> None:
    png = encode(upright_picture(), "PNG")
    broken = png[:60] + bytes(b ^ 0x5A for b in png[60:200]) + png[200:]
    with pytest.raises(EvidenceFileError) as caught:
        derivatives(broken, "broken.png")
    assert caught.value.template == imaging.DAMAGED


def test_a_decompression_bomb_is_refused_without_leaking_pillow_state() -> None:
    limit_before = Image.MAX_IMAGE_PIXELS
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        with pytest.raises(EvidenceFileError) as caught:
            derivatives(png_header(11_000, 11_000), "bomb.png")  # 121 MP: above ours, below Pillow's error
        assert caught.value.template == imaging.TOO_MANY_PIXELS
        assert caught.value.params == {"name": "bomb.png", "megapixels": 121, "limit": 120}
        with pytest.raises(EvidenceFileError) as caught:
            derivatives(png_header(15_000, 15_000), "huge.png")  # Pillow's own error
        assert caught.value.template == imaging.TOO_MANY_PIXELS and caught.value.params["megapixels"] == 225
        with pytest.raises(EvidenceFileError) as caught:
            derivatives(png_header(20_001, 100), "strip.png")
        assert caught.value.template == imaging.TOO_WIDE
        with pytest.raises(EvidenceFileError) as caught:  # 100 MP is allowed: it fails later, as damaged
            derivatives(png_header(10_000, 10_000), "big.png")
        assert caught.value.template == imaging.DAMAGED
    assert not [w for w in seen if issubclass(w.category, Image.DecompressionBombWarning)]
    assert Image.MAX_IMAGE_PIXELS == limit_before


def test_only_our_decoders_run() -> None:
    gif = encode(upright_picture(), "GIF")
    assert sniff(gif, "anim.gif") == ("image/gif", EvidenceKind.DOCUMENT)
    with pytest.raises(EvidenceFileError):
        imaging.open_image(gif, "anim.gif")
    with pytest.raises(EvidenceFileError):
        imaging.open_image(encode(upright_picture(), "BMP"), "x.bmp")


def test_open_displayed_reads_files_and_file_objects(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "p.jpg"
    path.write_bytes(jpeg((400, 300), orientation=3))
    assert shows_upright(open_displayed(path))
    with path.open("rb") as fh:
        assert open_displayed(fh, 100).size == (100, 75)
    with pytest.raises(EvidenceFileError) as caught:
        open_displayed(b"nothing", name="n.jpg")
    assert caught.value.template == imaging.DAMAGED
