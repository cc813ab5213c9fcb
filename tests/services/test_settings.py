"""settings.json: the profile, recent audits, tolerant reading; the logo import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from oekoaudit.errors import UserInputError
from oekoaudit.i18n import describe
from oekoaudit.services.settings import (
    LOGO_NAME,
    MAX_RECENT,
    Settings,
    import_logo,
    load_settings,
    logo_path,
    prepare_logo,
    remove_logo,
    save_settings,
    update_settings,
    with_recent,
)


def test_round_trip_of_every_field(tmp_path: Path) -> None:
    settings = Settings(language="en", auditor_name="Dr. Anna Grün", auditor_qualification="EMAS-Gutachterin",
                        auditor_organisation="Umweltberatung Süd", logo=LOGO_NAME, recent_audits=["a", "b"])
    save_settings(tmp_path, settings)
    assert load_settings(tmp_path) == settings
    assert json.loads((tmp_path / "settings.json").read_text(encoding="utf-8"))["auditor_name"] == "Dr. Anna Grün"


@pytest.mark.parametrize("content", [
    "", "{", "[]", "42", '"text"', "null",
    '{"language": 3, "auditor_name": null, "recent_audits": "abc", "logo": 7}',
])
def test_damaged_or_odd_files_give_defaults(tmp_path: Path, content: str) -> None:
    (tmp_path / "settings.json").write_text(content, encoding="utf-8")
    assert load_settings(tmp_path) == Settings()


def test_an_old_file_keeps_what_it_has_and_unknown_keys_are_ignored(tmp_path: Path) -> None:
    (tmp_path / "settings.json").write_text(json.dumps({"language": "de", "auditor_name": "Kai", "colour": "red"}),
                                            encoding="utf-8")
    assert load_settings(tmp_path) == Settings(language="de", auditor_name="Kai")


def test_recent_audits_are_cleaned_and_limited(tmp_path: Path) -> None:
    ids = ["x", 5, "", "y", "x", None] + [f"id{n}" for n in range(20)]
    (tmp_path / "settings.json").write_text(json.dumps({"recent_audits": ids}), encoding="utf-8")
    recent = load_settings(tmp_path).recent_audits
    assert recent[:3] == ["x", "y", "id0"] and len(recent) == MAX_RECENT

    assert with_recent(["a", "b", "c"], "b") == ["b", "a", "c"]
    assert with_recent([f"id{n}" for n in range(MAX_RECENT)], "new")[0] == "new"
    assert len(with_recent([f"id{n}" for n in range(MAX_RECENT)], "new")) == MAX_RECENT


def test_a_logo_outside_the_data_folder_is_not_taken(tmp_path: Path) -> None:
    for bad in ("/etc/passwd", "../secret.png", "profile/../../x.png", "C:\\logo.png"):
        (tmp_path / "settings.json").write_text(json.dumps({"logo": bad}), encoding="utf-8")
        assert load_settings(tmp_path).logo == ""


def test_update_changes_only_the_given_fields(tmp_path: Path) -> None:
    save_settings(tmp_path, Settings(language="en", recent_audits=["a"]))
    written = update_settings(tmp_path, auditor_name="Kai")
    assert written == Settings(language="en", auditor_name="Kai", recent_audits=["a"])
    assert load_settings(tmp_path) == written


def _picture(path: Path, fmt: str, size: tuple[int, int] = (120, 40), mode: str = "RGB") -> Path:
    Image.new(mode, size, (46, 107, 79) if mode == "RGB" else None).save(path, fmt)
    return path


def test_import_logo_stores_a_png_copy(tmp_path: Path) -> None:
    data = tmp_path / "data"
    name = import_logo(data, _picture(tmp_path / "logo.jpg", "JPEG"))
    assert name == LOGO_NAME
    stored = data / LOGO_NAME
    with Image.open(stored) as image:
        assert image.format == "PNG" and image.size == (120, 40)
    assert logo_path(data, Settings(logo=name)) == stored
    remove_logo(data)
    assert logo_path(data, Settings(logo=name)) is None
    remove_logo(data)  # nothing there: no error


def test_png_with_transparency_keeps_it(tmp_path: Path) -> None:
    png = prepare_logo(_picture(tmp_path / "logo.png", "PNG", mode="RGBA"))
    from io import BytesIO

    with Image.open(BytesIO(png)) as image:
        assert image.mode == "RGBA"


def test_import_logo_refuses_what_is_not_a_small_png_or_jpeg(tmp_path: Path) -> None:
    text = tmp_path / "notes.png"
    text.write_text("no picture at all", encoding="utf-8")
    gif = _picture(tmp_path / "logo.gif", "GIF")
    huge = _picture(tmp_path / "huge.png", "PNG", size=(4001, 10))
    big = tmp_path / "big.jpg"
    big.write_bytes(b"\xff\xd8" + b"0" * (5 * 1024 * 1024 + 1))
    broken = tmp_path / "broken.png"
    broken.write_bytes(_picture(tmp_path / "ok.png", "PNG", size=(300, 300)).read_bytes()[:80])

    messages = {}
    for path in (text, gif, huge, big, broken, tmp_path / "missing.png"):
        with pytest.raises(UserInputError) as caught:
            import_logo(tmp_path / "data", path)
        messages[path.name] = describe(caught.value)
    assert "PNG" in messages["notes.png"] and "JPEG" in messages["logo.gif"]
    assert "4001" in messages["huge.png"]
    assert "MB" in messages["big.jpg"]
    assert "broken.png" in messages["broken.png"]
    assert "missing.png" in messages["missing.png"]
    assert not (tmp_path / "data" / LOGO_NAME).exists()
