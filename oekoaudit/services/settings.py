"""Preferences the command line and the window share, in ``settings.json`` in the data folder:
the language, the auditor's profile (name, qualification, organisation, a logo for reports) and
the audits opened last.

(JSON rather than TOML: the standard library reads *and* writes it.) Reading never fails: a
missing, damaged or old file, or a value of the wrong type, gives the default for that value.
"""

from __future__ import annotations

import contextlib
import io
import json
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path, PurePosixPath
from typing import Any

from oekoaudit.durable import atomic_write_bytes
from oekoaudit.errors import N_, UserInputError

SETTINGS_NAME = "settings.json"
#: at most this many audits in "Recent audits"
MAX_RECENT = 8
#: where the logo lives, relative to the data folder
LOGO_NAME = "profile/logo.png"
LOGO_MAX_BYTES = 5 * 1024 * 1024
LOGO_MAX_SIDE = 4000
LOGO_FORMATS = ("PNG", "JPEG")


@dataclass(slots=True)
class Settings:
    language: str = ""  # "" = not chosen: German
    auditor_name: str = ""
    auditor_qualification: str = ""
    auditor_organisation: str = ""
    #: the logo for reports: a file name inside the data folder ("" = none)
    logo: str = ""
    #: audit ids, newest first
    recent_audits: list[str] = field(default_factory=list)


def _clean_recent(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    result: list[str] = []
    for entry in value:
        if isinstance(entry, str) and entry.strip() and entry not in result:
            result.append(entry)
    return result[:MAX_RECENT]


def _clean_logo(value: Any) -> str:
    """A relative path inside the data folder, or ""."""
    if not isinstance(value, str) or not value or "\\" in value:
        return ""
    path = PurePosixPath(value)
    if path.is_absolute() or ".." in path.parts:
        return ""
    return value


def load_settings(data_dir: Path) -> Settings:
    try:
        raw = json.loads((data_dir / SETTINGS_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Settings()
    if not isinstance(raw, dict):
        return Settings()
    values: dict[str, Any] = {}
    for f in fields(Settings):
        if f.name not in raw:
            continue
        value = raw[f.name]
        if f.name == "recent_audits":
            values[f.name] = _clean_recent(value)
        elif f.name == "logo":
            values[f.name] = _clean_logo(value)
        elif isinstance(value, str):
            values[f.name] = value
    return Settings(**values)


def save_settings(data_dir: Path, settings: Settings) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(asdict(settings), ensure_ascii=False, indent=2).encode("utf-8")
    atomic_write_bytes(data_dir / SETTINGS_NAME, payload)


def update_settings(data_dir: Path, **changes: Any) -> Settings:
    """Read, change the given fields, write; returns what was written."""
    settings = replace(load_settings(data_dir), **changes)
    settings.recent_audits = _clean_recent(settings.recent_audits)
    save_settings(data_dir, settings)
    return settings


def with_recent(recent: list[str], audit_id: str) -> list[str]:
    """``recent`` with ``audit_id`` first (once), at most :data:`MAX_RECENT` long."""
    return ([audit_id] + [a for a in recent if a != audit_id])[:MAX_RECENT]


# ---- the logo ---------------------------------------------------------------------------


def logo_path(data_dir: Path, settings: Settings) -> Path | None:
    """The logo file, if one is set and exists."""
    name = _clean_logo(settings.logo)
    if not name:
        return None
    path = data_dir / name
    return path if path.is_file() else None


def prepare_logo(path: Path | str) -> bytes:
    """Check a picture for the logo and return it as a normalised PNG (upright, no metadata).

    Only PNG and JPEG files up to 5 MB and 4000×4000 pixels are taken; anything else raises
    a :class:`UserInputError` saying why.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    source = Path(path)
    try:
        size = source.stat().st_size
    except OSError:
        raise UserInputError(N_("The file {name} could not be read."), name=source.name) from None
    if not source.is_file():
        raise UserInputError(N_("The file {name} could not be read."), name=source.name)
    if size > LOGO_MAX_BYTES:
        raise UserInputError(N_("The picture is too large ({size} MB); the logo may have at most {max} MB."),
                             size=f"{size / 1024 / 1024:.1f}", max=LOGO_MAX_BYTES // (1024 * 1024))
    try:
        with Image.open(source) as image:
            if image.format not in LOGO_FORMATS:
                raise UserInputError(N_("{name} is not a PNG or JPEG picture."), name=source.name)
            width, height = image.size
            if width > LOGO_MAX_SIDE or height > LOGO_MAX_SIDE or width < 1 or height < 1:
                raise UserInputError(
                    N_("The picture has {width}×{height} pixels; the logo may have at most {max}×{max}."),
                    width=width, height=height, max=LOGO_MAX_SIDE)
            image.load()
            upright = ImageOps.exif_transpose(image) or image
            has_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
            clean = upright.convert("RGBA" if has_alpha else "RGB")
    except UserInputError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError):
        raise UserInputError(N_("{name} is not a PNG or JPEG picture."), name=source.name) from None
    except (OSError, ValueError, SyntaxError):
        raise UserInputError(N_("The picture {name} is damaged and could not be read."), name=source.name) from None
    out = io.BytesIO()
    clean.save(out, "PNG", optimize=True)
    return out.getvalue()


def store_logo(data_dir: Path, png: bytes) -> str:
    """Write a logo made by :func:`prepare_logo`; returns its name for :attr:`Settings.logo`."""
    target = data_dir / LOGO_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(target, png)
    return LOGO_NAME


def import_logo(data_dir: Path, path: Path | str) -> str:
    """Check a picture and keep a PNG copy in the data folder; returns the name for :attr:`Settings.logo`."""
    return store_logo(data_dir, prepare_logo(path))


def remove_logo(data_dir: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        (data_dir / LOGO_NAME).unlink()
