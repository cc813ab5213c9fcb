"""Every hostile package of the corpus (tests/support/packages.py, over 100 cases) is refused by
``import`` with a clear message in the user's language, and leaves the store byte for byte as it
was: the database, the originals, the cache, the backups — and nothing left in the staging folder.

Policy (docs/package-format.md): a refused package changes nothing in the data folder.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from oekoaudit import i18n
from oekoaudit.errors import PackageError
from oekoaudit.services import open_services
from oekoaudit.services.container import Services
from oekoaudit.services.demo import create_demo
from tests.services.test_evidence import photo
from tests.support.packages import HOSTILE, content_inputs

VOLATILE = {"oekoaudit.sqlite-shm", "oekoaudit.lock", "oekoaudit.lock.json", "session.running"}


def snapshot(data_dir: Path) -> dict[str, str]:
    """Every file of the data folder with its SHA-256 (the SQLite shared-memory index, which readers
    touch, and the lock files aside)."""
    out = {}
    for path in sorted(data_dir.rglob("*")):
        if path.is_file() and path.name not in VOLATILE:
            out[str(path.relative_to(data_dir))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, dict[str, bytes]]:
    """A real package's audit document and other members (catalogue, an original)."""
    root = tmp_path_factory.mktemp("hostile-source")
    with open_services(root / "data") as services:
        demo = create_demo(services.organisations, services.audits, indicators=services.indicators,
                           measures=services.measures)
        audit_id = demo.audit.id if hasattr(demo, "audit") else demo.audit_id
        picture = photo(root / "lager.jpg", (200, 40, 40), size=(160, 120))
        services.evidence.import_files(audit_id, [picture])
        package = root / "source.oekoaudit"
        services.packages.export([audit_id], package)
    return content_inputs(package)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """A store with an audit of its own (so that "unchanged" means something)."""
    root = tmp_path_factory.mktemp("hostile-store")
    with open_services(root / "data") as services:
        create_demo(services.organisations, services.audits)
        yield services


@pytest.mark.parametrize("case", HOSTILE, ids=[c.name for c in HOSTILE])
def test_a_hostile_package_is_refused_and_changes_nothing(case, store: Services, exported, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    if case.stage == "content":
        package = case.build(tmp_path / "in", *exported)
    else:
        package = case.build(tmp_path / "in")
    before = snapshot(store.data_dir)
    with pytest.raises(PackageError) as refused:
        store.packages.import_package(package, dry_run=False)
    message = i18n.describe(refused.value)
    assert message and message != refused.value.template, message  # said in the user's language (German)
    assert "Traceback" not in message and len(message) < 600
    assert snapshot(store.data_dir) == before, case.name
    staging = store.data_dir / "blobs" / ".staging"
    assert not staging.exists() or list(staging.iterdir()) == []
    # and the dry run, which the window shows before asking, refuses it the same way
    with pytest.raises(PackageError):
        store.packages.import_package(package, dry_run=True)
    assert snapshot(store.data_dir) == before


def test_the_corpus_is_large_and_covers_the_issue(exported) -> None:  # type: ignore[no-untyped-def]
    names = {c.name for c in HOSTILE}
    assert len(HOSTILE) >= 30
    for expected in ("name-parent-traversal", "name-absolute", "symlink-member", "duplicate-blob", "ratio-bomb",
                     "overlap-full", "overlap-quoted", "too-many-members", "declared-size-huge", "manifest-missing",
                     "manifest-not-json", "member-altered", "member-not-listed", "content-json-too-deep",
                     "content-wrong-type", "manifest-newer-version", "content-dangling-link",
                     "content-evidence-size-mismatch", "content-image-bomb", "truncated-half", "not-a-zip"):
        assert expected in names, expected


def test_a_valid_package_of_the_same_source_is_accepted(store: Services, exported, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The content cases differ from an acceptable package only by their defect."""
    from tests.support.packages import _content_package  # the same builder, no defect

    package = _content_package(tmp_path / "ok.oekoaudit", exported[0], exported[1], lambda doc: None)
    summary = store.packages.import_package(package, dry_run=True)
    assert summary["new"] > 0 and summary["conflicts"] == 0
