"""Where resources and data live: source checkout, PyInstaller bundle and portable mode (STYLE §2.15).

The bundle is simulated by setting ``sys.frozen`` and ``sys._MEIPASS`` the way PyInstaller's
bootloader does; tests/test_bundle.py checks a real bundle.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
import yaml

from oekoaudit import i18n, paths

REPO = Path(__file__).resolve().parent.parent
SHIPPED_CATALOGUES = sorted(REPO.glob("forms/*.yaml"))


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Pretend to run from a one-folder bundle whose ``_internal`` is an empty tmp folder."""
    meipass = tmp_path / "bundle" / "_internal"
    meipass.mkdir(parents=True)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(meipass), raising=False)
    monkeypatch.setattr(sys, "executable", str(meipass.parent / "oekoaudit"))
    monkeypatch.delenv(paths.DATA_DIR_ENV, raising=False)
    return meipass


@pytest.fixture
def bundle_with_resources(frozen: Path) -> Path:
    """The frozen layout with ``forms/`` and ``resources/`` copied in, as the spec does."""
    for name in ("forms", "resources"):
        shutil.copytree(REPO / name, frozen / name, ignore=shutil.ignore_patterns("__pycache__"))
    return frozen


# ---- resource_root ------------------------------------------------------------------------


def test_checkout_resource_root_is_the_repository() -> None:
    assert not paths.is_frozen()
    root = paths.resource_root()
    assert root == REPO
    assert (root / "forms").is_dir() and (root / "resources").is_dir()
    assert paths.forms_dir() == REPO / "forms"
    assert paths.resources_dir() == REPO / "resources"
    assert paths.translations_dir() == REPO / "resources" / "translations"


def test_frozen_resource_root_is_meipass(frozen: Path) -> None:
    assert paths.is_frozen()
    assert paths.resource_root() == frozen
    assert paths.forms_dir() == frozen / "forms"
    assert paths.resources_dir() == frozen / "resources"
    assert paths.translations_dir() == frozen / "resources" / "translations"


def test_frozen_resource_root_is_not_beside_the_executable(frozen: Path) -> None:
    # onedir bundles keep data in _internal/, never next to sys.executable.
    assert paths.resource_root() != Path(sys.executable).parent


def test_migrations_sit_where_the_spec_puts_them() -> None:
    """storage/migrate.py finds migrations beside its own file; the spec mirrors that path."""
    from oekoaudit.storage import migrate

    relative = migrate.MIGRATIONS_DIR.relative_to(paths.resource_root())
    assert relative.as_posix() == "oekoaudit/storage/migrations"
    assert (migrate.MIGRATIONS_DIR / "env.py").is_file()
    assert list((migrate.MIGRATIONS_DIR / "versions").glob("*.py"))
    assert '"oekoaudit/storage/migrations"' in (REPO / "oekoaudit.spec").read_text(encoding="utf-8")


# ---- data directory -----------------------------------------------------------------------


def test_portable_marker_beside_the_executable_switches_to_data_beside_it(frozen: Path) -> None:
    exe_dir = Path(sys.executable).resolve().parent
    assert paths.portable_data_dir() is None
    (exe_dir / paths.PORTABLE_MARKER).write_text("", encoding="utf-8")
    assert paths.portable_data_dir() == exe_dir / "data"
    assert paths.default_data_dir() == exe_dir / "data"
    assert paths.resolve_data_dir() == exe_dir / "data"


def test_portable_marker_in_meipass_does_not_count(frozen: Path) -> None:
    (frozen / paths.PORTABLE_MARKER).write_text("", encoding="utf-8")
    assert paths.portable_data_dir() is None


def test_portable_mode_needs_a_bundle(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    (tmp_path / paths.PORTABLE_MARKER).write_text("", encoding="utf-8")
    assert not paths.is_frozen()
    assert paths.portable_data_dir() is None


def test_default_data_dir_is_the_platform_user_data_dir(frozen: Path) -> None:
    from platformdirs import user_data_dir

    expected = Path(user_data_dir(paths.APP_NAME, appauthor=False, roaming=True))
    assert paths.default_data_dir() == expected
    assert paths.resolve_data_dir() == expected


def test_resolve_data_dir_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    explicit, env = tmp_path / "explicit", tmp_path / "env"
    monkeypatch.delenv(paths.DATA_DIR_ENV, raising=False)
    assert paths.resolve_data_dir() == paths.default_data_dir()
    monkeypatch.setenv(paths.DATA_DIR_ENV, "")
    assert paths.resolve_data_dir() == paths.default_data_dir()
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(env))
    assert paths.resolve_data_dir() == env.resolve()
    assert paths.resolve_data_dir(None) == env.resolve()
    assert paths.resolve_data_dir(explicit) == explicit.resolve()
    assert paths.resolve_data_dir(str(explicit)) == explicit.resolve()


def test_explicit_and_env_beat_portable_mode(frozen: Path, monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path) -> None:
    (Path(sys.executable).parent / paths.PORTABLE_MARKER).write_text("", encoding="utf-8")
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(tmp_path / "env"))
    assert paths.resolve_data_dir() == (tmp_path / "env").resolve()
    assert paths.resolve_data_dir(tmp_path / "explicit") == (tmp_path / "explicit").resolve()


def test_resolve_data_dir_makes_paths_absolute(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("USERPROFILE", str(tmp_path))
    assert paths.resolve_data_dir("relative") == tmp_path.resolve() / "relative"
    assert paths.resolve_data_dir("~/audits") == tmp_path.resolve() / "audits"
    monkeypatch.setenv(paths.DATA_DIR_ENV, "env-relative")
    assert paths.resolve_data_dir() == tmp_path.resolve() / "env-relative"


# ---- every shipped resource resolves under resource_root() --------------------------------


def test_catalogues_are_shipped() -> None:
    assert SHIPPED_CATALOGUES, "forms/ holds no catalogue"
    assert (REPO / "forms" / "iso14001-2015.yaml") in SHIPPED_CATALOGUES
    assert (REPO / "forms" / "scales" / "standard.yaml").is_file()


@pytest.mark.parametrize("catalogue", SHIPPED_CATALOGUES, ids=lambda p: p.name)
def test_catalogue_references_resolve_under_resource_root(catalogue: Path) -> None:
    root = paths.resource_root()
    resolved = paths.forms_dir() / catalogue.name
    assert resolved.is_file() and resolved.resolve().is_relative_to(root)
    scale = yaml.safe_load(catalogue.read_text(encoding="utf-8")).get("answer_scale")
    if isinstance(scale, str):
        assert (paths.forms_dir() / "scales" / f"{scale}.yaml").is_file(), f"{catalogue.name}: scale {scale}"


def test_standard_scale_resolves_under_resource_root() -> None:
    scale = paths.forms_dir() / "scales" / "standard.yaml"
    assert scale.is_file()
    assert scale.resolve().is_relative_to(paths.resource_root())


def test_frozen_app_loads_every_catalogue_from_the_bundle(bundle_with_resources: Path) -> None:
    from oekoaudit.services.catalogue import CatalogueService

    service = CatalogueService()
    infos = service.list()
    assert service.problems() == []
    assert sorted(Path(i.path).name for i in infos) == sorted(p.name for p in SHIPPED_CATALOGUES)
    for info in infos:
        assert Path(info.path).resolve().is_relative_to(bundle_with_resources.resolve()), info.path
    assert "iso14001-2015" in {i.id for i in infos}
    checklist = service.get("iso14001-2015")
    assert sum(1 for _ in checklist.items()) > 0


def test_frozen_app_without_resources_finds_no_catalogues(frozen: Path) -> None:
    """The checkout is no silent fallback: a bundle that lacks forms/ lists nothing."""
    from oekoaudit.services.catalogue import CatalogueService

    assert CatalogueService().list() == []


def test_frozen_app_finds_its_translations(bundle_with_resources: Path) -> None:
    import gettext

    found = sorted(paths.translations_dir().glob("de/LC_MESSAGES/oekoaudit.*"))
    assert found, "no German catalogue under resources/translations"
    for path in found:
        assert path.resolve().is_relative_to(bundle_with_resources.resolve())
    # German is loaded from the bundle (a .mo, or the .po compiled with Babel), never English.
    assert isinstance(i18n._load("de"), gettext.GNUTranslations)
