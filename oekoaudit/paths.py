"""Where things are: read-only resources and the user's data directory.

This is the one module that knows whether oekoaudit runs from a source checkout, an
installed wheel or a PyInstaller bundle. It imports nothing from oekoaudit and no Qt.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "oekoaudit"
DATA_DIR_ENV = "OEKOAUDIT_DATA_DIR"
#: A file of this name beside the executable switches a bundle to portable mode: the data
#: directory is then ``data/`` beside the executable (an auditor's USB stick).
PORTABLE_MARKER = "portable.txt"


def is_frozen() -> bool:
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def resource_root() -> Path:
    """The folder that holds ``forms/`` and ``resources/``.

    * PyInstaller one-folder bundle: the bundle's ``_internal`` folder (``sys._MEIPASS``).
    * Source checkout: the repository root (the parent of the package).
    * Installed wheel: the package ships ``forms`` and ``resources`` under
      ``oekoaudit/_data`` (see ``build/`` and pyproject); fall back to that when the
      checkout layout is absent.
    """
    if is_frozen():
        return Path(sys._MEIPASS)  # type: ignore[attr-defined]
    package_dir = Path(__file__).resolve().parent
    checkout = package_dir.parent
    if (checkout / "forms").is_dir() and (checkout / "resources").is_dir():
        return checkout
    return package_dir / "_data"


def forms_dir() -> Path:
    return resource_root() / "forms"


def resources_dir() -> Path:
    return resource_root() / "resources"


def translations_dir() -> Path:
    return resources_dir() / "translations"


def portable_data_dir() -> Path | None:
    """The portable data folder if the bundle is in portable mode, else None."""
    if not is_frozen():
        return None
    exe_dir = Path(sys.executable).resolve().parent
    if (exe_dir / PORTABLE_MARKER).is_file():
        return exe_dir / "data"
    return None


def default_data_dir() -> Path:
    """The data directory used when neither ``--data-dir`` nor the environment names one."""
    portable = portable_data_dir()
    if portable is not None:
        return portable
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False, roaming=True))


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``--data-dir`` wins, then ``$OEKOAUDIT_DATA_DIR``, then the platform default."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser().resolve()
    return default_data_dir()


def user_catalogues_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """The user's own (imported) catalogues: ``catalogues/`` in the data directory.

    ``data_dir`` as for :func:`resolve_data_dir` (``--data-dir``, then ``$OEKOAUDIT_DATA_DIR``,
    then the platform default). The folder is created by the first import, not here.
    """
    return resolve_data_dir(data_dir) / "catalogues"
