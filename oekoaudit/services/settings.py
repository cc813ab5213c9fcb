"""Preferences the command line and the window share, in ``settings.json`` in the data folder.

(JSON rather than TOML: the standard library reads *and* writes it.)
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from oekoaudit.storage.files import atomic_write_bytes

SETTINGS_NAME = "settings.json"


@dataclass(slots=True)
class Settings:
    language: str = ""  # "" = not chosen: German
    auditor_name: str = ""


def load_settings(data_dir: Path) -> Settings:
    try:
        raw = json.loads((data_dir / SETTINGS_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Settings()
    known = {f.name for f in fields(Settings)}
    values = {k: v for k, v in raw.items() if k in known and isinstance(v, str)} if isinstance(raw, dict) else {}
    return Settings(**values)


def save_settings(data_dir: Path, settings: Settings) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(asdict(settings), ensure_ascii=False, indent=2).encode("utf-8")
    atomic_write_bytes(data_dir / SETTINGS_NAME, payload)
