"""Hostile packages (``support.packages.HOSTILE``): every container case is refused by
verify_package and by open_package, with a message naming the problem, and nothing is written
outside the staging folder; content cases pass the container, for the import to refuse them."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from support.packages import (
    AUDIT_MEMBER,
    CONTAINER_CASES,
    CONTENT_CASES,
    EXPECTED_CODES,
    HOSTILE,
    TEST_KEY_PUBLIC,
    Entry,
    content_inputs,
    make_package,
    minimal_document,
)

from oekoaudit.errors import PackageError
from oekoaudit.exchange.container import open_package, verify_package

#: content cases whose defect the strict JSON reader itself refuses (OpenedPackage.json)
STRICT_JSON_CASES = {"content-json-too-deep", "content-not-finite-number", "content-number-overflow",
                     "content-integer-too-long", "content-duplicate-key", "content-lone-surrogate",
                     "content-control-character", "content-string-too-long"}
STAGED_NAME = re.compile(r"\A(package\.oekoaudit|m\d{5})\Z")


def _tree(root: Path, *, skip: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if skip not in (p, *p.parents))


def test_the_corpus_is_large_and_every_container_case_has_an_expected_problem() -> None:
    names = [case.name for case in HOSTILE]
    assert len(names) == len(set(names)) and len(CONTAINER_CASES) >= 30
    assert set(EXPECTED_CODES) == {case.name for case in CONTAINER_CASES}
    assert {case.stage for case in HOSTILE} == {"container", "content"}


def test_a_valid_package_passes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    package = make_package(tmp_path / "valid.oekoaudit")
    assert verify_package(package).ok
    assert open_package(package, tmp_path / "staging").json(AUDIT_MEMBER) == minimal_document()


@pytest.mark.parametrize("case", CONTAINER_CASES, ids=lambda case: case.name)
def test_a_hostile_package_is_refused(tmp_path, case) -> None:  # type: ignore[no-untyped-def]
    package = case.build(tmp_path / "in")
    staging = tmp_path / "staging"
    before = _tree(tmp_path, skip=staging)
    for trust in ((), (TEST_KEY_PUBLIC,)):
        verification = verify_package(package, trust=trust)
        assert not verification.ok
        codes = {p.code for p in verification.problems}
        assert EXPECTED_CODES[case.name] in codes, [p.english() for p in verification.problems]
        for problem in verification.problems:
            assert problem.english() and "{" not in problem.english(), problem
            assert problem.member is None or problem.member in problem.english()
    with pytest.raises(PackageError) as caught:
        open_package(package, staging, trust=(TEST_KEY_PUBLIC,))
    error = caught.value
    assert error.problems and error.english() == error.problems[0].english()
    assert EXPECTED_CODES[case.name] in {p.code for p in error.problems}
    assert _tree(tmp_path, skip=staging) == before  # nothing written outside the staging folder
    for path in staging.rglob("*"):
        assert not path.is_symlink() and path.is_file() and path.parent == staging
        assert STAGED_NAME.match(path.name)
    shutil.rmtree(staging)
    assert not staging.exists()


def test_names_that_are_paths_never_create_a_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    outside = tmp_path / "outside"
    outside.mkdir()
    absolute = str(outside / "evil.txt")
    staging = tmp_path / "a" / "b" / "staging"
    names = ["../evil.txt", "../../evil.txt", "../../../outside/evil.txt", absolute, "..\\evil.txt", "evil.txt",
             "staging/../../evil.txt"]
    package = make_package(tmp_path / "slip.oekoaudit", extra_members=[Entry(name, b"evil") for name in names])
    with pytest.raises(PackageError) as caught:
        open_package(package, staging)
    assert {p.code for p in caught.value.problems} == {"name"}
    assert len(caught.value.problems) == len(names)
    assert not (outside / "evil.txt").exists()
    assert [p for p in tmp_path.rglob("*") if "evil" in p.name] == []


def test_a_symlink_in_a_package_never_becomes_a_link(tmp_path) -> None:  # type: ignore[no-untyped-def]
    case = next(case for case in CONTAINER_CASES if case.name == "symlink-member")
    staging = tmp_path / "staging"
    with pytest.raises(PackageError):
        open_package(case.build(tmp_path), staging)
    assert not any(path.is_symlink() for path in tmp_path.rglob("*"))


def test_content_cases_pass_the_container_with_only_their_own_defect(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """One test for all (they are many and quick): synthetic, and from an "exported" package."""
    base = make_package(tmp_path / "base.oekoaudit")  # stands in for an exported package
    document, others = content_inputs(base)
    failures = []
    for case in CONTENT_CASES:
        for source, args in (("synthetic", ()), ("from-export", (document, others))):
            package = case.build(tmp_path / source, *args)
            verification = verify_package(package)
            if not verification.ok:
                failures.append((case.name, source, [p.english() for p in verification.problems]))
                continue
            opened = open_package(package, tmp_path / "staging" / source / case.name)
            for member in (m for m in opened.staged if m.startswith("audits/")):
                try:
                    opened.json(member)
                except PackageError:
                    if case.name not in STRICT_JSON_CASES or member != AUDIT_MEMBER:
                        failures.append((case.name, source, member))
                else:
                    if case.name in STRICT_JSON_CASES and member == AUDIT_MEMBER:
                        failures.append((case.name, source, "strict JSON accepted it"))
    assert not failures


def test_the_synthetic_document_is_valid_for_the_import_schema() -> None:
    records = pytest.importorskip("oekoaudit.exchange.records")
    assert records.parse_document(minimal_document(), AUDIT_MEMBER)["audit_id"] == minimal_document()["audit_id"]


def test_building_the_whole_corpus_is_quick(tmp_path) -> None:  # type: ignore[no-untyped-def]
    for case in HOSTILE:
        path = case.build(tmp_path / case.stage)
        assert path.parent == tmp_path / case.stage and path.name == f"{case.name}.oekoaudit"
    assert len(os.listdir(tmp_path / "container")) == len(CONTAINER_CASES)
