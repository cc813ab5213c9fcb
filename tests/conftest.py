"""Shared fixtures. Qt runs offscreen; the language is pinned; every test gets its own data folder."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("OEKOAUDIT_DATA_DIR", None)
os.environ.pop("OEKOAUDIT_LANG", None)

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from oekoaudit import i18n  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _german_by_default() -> Iterator[None]:
    i18n.set_language("de")
    yield
    i18n.set_language("de")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def services(data_dir: Path) -> Iterator[object]:
    from oekoaudit.services import open_services

    services = open_services(data_dir)
    try:
        yield services
    finally:
        services.close()


@pytest.fixture
def audit(services):  # type: ignore[no-untyped-def]
    """A fresh ISO 14001 audit of a new organisation."""
    organisation = services.organisations.create("Testbetrieb GmbH")
    return services.audits.create(organisation.id, "iso14001-2015", kind="internal", title="Internes Audit")
