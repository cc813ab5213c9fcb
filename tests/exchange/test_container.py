"""The package container: what write_package writes, what verify_package and open_package accept,
and that a failed or cancelled export leaves nothing behind."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import random
import threading
import zipfile
from pathlib import Path
from typing import Any

import pytest
from support.packages import (
    AUDIT_ID,
    AUDIT_MEMBER,
    BLOB,
    BLOB_MEMBER,
    CATALOGUE,
    CATALOGUE_FP,
    PHOTO,
    SECOND,
    SECOND_MEMBER,
    TWO_BLOBS,
    Entry,
    canonical,
    default_header,
    entry,
    flip_byte,
    make_package,
    minimal_document,
    package_entries,
    sha256,
)

from oekoaudit import i18n
from oekoaudit.errors import PackageCancelled, PackageError
from oekoaudit.exchange import container, signing
from oekoaudit.exchange.container import Member, open_package, verify_package, write_package
from oekoaudit.exchange.limits import DEFAULT_LIMITS, Limits

DOCUMENT = canonical(minimal_document())


def _members(folder: Path | None = None, *, blobs: dict[str, bytes] | None = None) -> list[Member]:
    """The members of the default test package; blobs from files in ``folder`` (as the store has them)."""
    out = [Member(AUDIT_MEMBER, "application/json", data=DOCUMENT),
           Member(f"catalogues/{CATALOGUE_FP}.json", "application/json", data=CATALOGUE)]
    for sha, data in sorted((blobs if blobs is not None else {BLOB: PHOTO}).items()):
        if folder is None:
            out.append(Member(f"blobs/{sha}", _media(data), data=data, compress=False))
        else:
            (folder / sha).write_bytes(data)
            out.append(Member(f"blobs/{sha}", _media(data), source=folder / sha, sha256=sha, compress=False))
    return out


def _media(data: bytes) -> str:
    return "image/png" if data.startswith(b"\x89PNG") else "application/pdf"


HEADER = default_header({AUDIT_ID: DOCUMENT})


def _write(target: Path, members: list[Member] | None = None, **kwargs: Any) -> container.WrittenPackage:
    return write_package(target, members if members is not None else _members(), HEADER, **kwargs)


def _codes(verification: container.Verification) -> set[str]:
    return {p.code for p in verification.problems}


# ---- writing ---------------------------------------------------------------------------------------


def test_a_written_package_verifies_and_has_the_fixed_layout(tmp_path) -> None:  # type: ignore[no-untyped-def]
    written = _write(tmp_path / "a.oekoaudit", _members(tmp_path))
    data = written.path.read_bytes()
    assert written.size == len(data) and written.sha256 == hashlib.sha256(data).hexdigest()
    assert written.package_id == HEADER["package_id"]
    with zipfile.ZipFile(written.path) as zf:
        infos = zf.infolist()
        assert [i.filename for i in infos] == ["mimetype", "manifest.json", AUDIT_MEMBER, BLOB_MEMBER,
                                               f"catalogues/{CATALOGUE_FP}.json"]
        assert data[30:38] == b"mimetype" and data[38:38 + 29] == b"application/vnd.oekoaudit+zip"
        assert infos[0].compress_type == zipfile.ZIP_STORED and infos[0].extra == b""
        assert zf.getinfo(BLOB_MEMBER).compress_type == zipfile.ZIP_STORED  # JPEG/PNG/PDF: never deflated
        assert zf.getinfo(AUDIT_MEMBER).compress_type == zipfile.ZIP_DEFLATED
        assert zf.getinfo("manifest.json").compress_type == zipfile.ZIP_DEFLATED
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) and i.external_attr == 0o644 << 16 for i in infos)
        assert all(i.flag_bits == 0 and i.create_system == 3 for i in infos)
        manifest_bytes = zf.read("manifest.json")
    manifest = json.loads(manifest_bytes)
    assert manifest_bytes == canonical(manifest)
    assert manifest == written.manifest
    assert manifest["format"] == "oekoaudit-package" and manifest["format_version"] == 1
    assert manifest["hash_alg"] == "sha256" and "sig_alg" not in manifest and "signer" not in manifest
    assert manifest["members"] == sorted(manifest["members"], key=lambda m: m["path"])
    assert manifest["members"][1] == {"path": BLOB_MEMBER, "size": len(PHOTO), "sha256": BLOB,
                                      "media_type": "image/png"}
    verification = verify_package(written.path)
    assert verification.ok and verification.problems == () and verification.members == 3
    assert verification.sha256 == written.sha256 and verification.size == written.size
    assert verification.signature.status == "unsigned"


def test_the_same_inputs_give_the_same_bytes_and_the_test_builder_writes_them_too(tmp_path) -> None:  # type: ignore[no-untyped-def]
    first = _write(tmp_path / "1.oekoaudit", _members(tmp_path))
    second = _write(tmp_path / "2.oekoaudit", _members())  # in memory instead of from files: the same
    built = make_package(tmp_path / "3.oekoaudit")
    assert first.path.read_bytes() == second.path.read_bytes() == built.read_bytes()
    key = signing.Ed25519PrivateKey.from_private_bytes(bytes(32))
    signed = _write(tmp_path / "4.oekoaudit", key=key, signer_name="Dr. Maria Lehmann")
    assert signed.path.read_bytes() == make_package(tmp_path / "5.oekoaudit", key=key).read_bytes()


def test_a_signed_package_names_its_signer_and_verifies_against_the_trust_list(tmp_path) -> None:  # type: ignore[no-untyped-def]
    key = signing.new_key()
    public = signing.public_key_raw(key)
    written = _write(tmp_path / "s.oekoaudit", key=key, signer_name="Dr. Maria Lehmann")
    with zipfile.ZipFile(written.path) as zf:
        assert [i.filename for i in zf.infolist()][:3] == ["mimetype", "manifest.json", "manifest.sig"]
        assert zf.getinfo("manifest.sig").compress_type == zipfile.ZIP_STORED
        assert signing.verify_manifest(public, zf.read("manifest.json"), zf.read("manifest.sig"))
    signer = written.manifest["signer"]
    assert written.manifest["sig_alg"] == "ed25519"
    assert signer == {"key_id": signing.key_id(public), "name": "Dr. Maria Lehmann",
                      "public_key": signer["public_key"]}
    valid = verify_package(written.path)
    assert valid.ok and valid.signature == container.SignatureInfo("valid", signer["key_id"], "Dr. Maria Lehmann",
                                                                   HEADER["created_at"])
    trusted = verify_package(written.path, trust=[signing.public_key_raw(signing.new_key()), public])
    assert trusted.ok and trusted.signature.status == "trusted"
    opened = open_package(written.path, tmp_path / "stage", trust=[public], require_trusted=True)
    assert opened.verification.signature.status == "trusted"


@pytest.mark.parametrize("signed", [False, True])
def test_require_trusted_refuses_unsigned_and_untrusted_packages(tmp_path, signed) -> None:  # type: ignore[no-untyped-def]
    written = _write(tmp_path / "p.oekoaudit", key=signing.new_key() if signed else None, signer_name="X")
    with pytest.raises(PackageError) as caught:
        open_package(written.path, tmp_path / "stage", trust=[signing.public_key_raw(signing.new_key())],
                     require_trusted=True)
    assert caught.value.problems[0].code == "untrusted"
    assert caught.value.template == (container.UNTRUSTED if signed else container.UNSIGNED)
    assert [p.name for p in (tmp_path / "stage").iterdir()] == []  # nothing unpacked


def test_bit_rot_in_the_store_stops_the_export_and_names_the_member(tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "out" / "a.oekoaudit"
    target.parent.mkdir()
    target.write_bytes(b"the previous export")
    members = _members(tmp_path, blobs=TWO_BLOBS)
    (tmp_path / sha256(SECOND)).write_bytes(SECOND[:-1] + b"X")  # the same size, other bytes
    with pytest.raises(PackageError) as caught:
        _write(target, members)
    assert caught.value.template == container.SOURCE_ALTERED and caught.value.params["member"] == SECOND_MEMBER
    assert SECOND_MEMBER in caught.value.english()
    assert os.listdir(target.parent) == ["a.oekoaudit"] and target.read_bytes() == b"the previous export"


def test_a_source_that_changes_or_vanishes_stops_the_export(tmp_path) -> None:  # type: ignore[no-untyped-def]
    big = os.urandom(2 * 1024 * 1024 + 5)
    (tmp_path / "big").write_bytes(big)
    grown = [Member(f"blobs/{sha256(big)}", "application/pdf", source=tmp_path / "big", sha256=sha256(big),
                    compress=False)]

    def grow(done: int, total: int) -> None:
        with open(tmp_path / "big", "ab") as fh:
            fh.write(b"more")

    with pytest.raises(PackageError) as caught:
        write_package(tmp_path / "g.oekoaudit", grown, HEADER, progress=grow)
    assert caught.value.template == container.SOURCE_CHANGED
    missing = [Member(f"blobs/{BLOB}", "image/png", source=tmp_path / "nowhere", sha256=BLOB, compress=False)]
    with pytest.raises(PackageError) as caught:
        write_package(tmp_path / "m.oekoaudit", missing, HEADER)
    assert caught.value.template == container.SOURCE_NOT_READ
    assert sorted(os.listdir(tmp_path)) == ["big"]


def test_a_source_without_a_known_hash_is_hashed_first(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "photo").write_bytes(PHOTO)
    members = [Member(BLOB_MEMBER, "image/png", source=tmp_path / "photo", compress=False)]
    written = write_package(tmp_path / "p.oekoaudit", members, HEADER)
    assert written.manifest["members"][0]["sha256"] == BLOB and verify_package(written.path).ok
    (tmp_path / "other").write_bytes(SECOND)  # a file that is not what its name says
    wrong = [Member(BLOB_MEMBER, "image/png", source=tmp_path / "other", compress=False)]
    with pytest.raises(PackageError) as caught:
        write_package(tmp_path / "w.oekoaudit", wrong, HEADER)
    assert caught.value.template == container.NOT_NAMED_BY_HASH


def test_cancel_leaves_nothing_and_keeps_an_existing_target(tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "a.oekoaudit"
    target.write_bytes(b"old")
    blobs = {sha256(data): data for data in (os.urandom(1_500_000), os.urandom(1_500_000))}
    (tmp_path / "store").mkdir()
    members = _members(tmp_path / "store", blobs=blobs)
    cancel = threading.Event()
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        cancel.set()

    with pytest.raises(PackageCancelled):
        _write(target, members, progress=progress, cancel=cancel)
    assert seen and target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.oekoaudit", "store"]


def test_progress_counts_up_to_the_total(tmp_path) -> None:  # type: ignore[no-untyped-def]
    blobs = {sha256(data): data for data in (os.urandom(3_000_000), os.urandom(10))}
    seen: list[tuple[int, int]] = []
    _write(tmp_path / "p.oekoaudit", _members(tmp_path, blobs=blobs), progress=lambda d, t: seen.append((d, t)))
    assert len(seen) >= 3 and seen[-1][0] == seen[-1][1] > 3_000_000
    assert [d for d, _t in seen] == sorted(d for d, _t in seen)
    seen.clear()
    verify_package(tmp_path / "p.oekoaudit", progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == ((tmp_path / "p.oekoaudit").stat().st_size,) * 2


def test_programming_errors_are_value_errors(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = [
        [Member("../evil", "text/plain", data=b"x")],
        [Member("mimetype", "text/plain", data=b"x")],
        [Member(BLOB_MEMBER, "image/png", data=PHOTO), Member(BLOB_MEMBER, "image/png", data=PHOTO)],
        [Member(BLOB_MEMBER, "image/png")],
        [Member(BLOB_MEMBER, "image/png", data=PHOTO, source=tmp_path)],
        [Member(BLOB_MEMBER, "", data=PHOTO)],
    ]
    for members in bad:
        with pytest.raises(ValueError):
            write_package(tmp_path / "x.oekoaudit", members, HEADER)
    with pytest.raises(ValueError):
        write_package(tmp_path / "x.oekoaudit", _members(), {**HEADER, "members": []})
    with pytest.raises(PackageError) as caught:  # the reader's rules apply to the header, too
        write_package(tmp_path / "x.oekoaudit", _members(), {k: v for k, v in HEADER.items() if k != "package_id"})
    assert caught.value.params["field"] == "package_id"
    with pytest.raises(PackageError):
        write_package(tmp_path / "x.oekoaudit", _members(), {**HEADER, "audits": [{"title": "a\0b"}]})
    assert list(tmp_path.iterdir()) == []


def test_the_writer_refuses_what_every_reader_would_refuse(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(container, "DEFAULT_LIMITS", Limits(blob_size=len(PHOTO) - 1))
    with pytest.raises(PackageError) as caught:
        _write(tmp_path / "x.oekoaudit")
    assert caught.value.template == container.MEMBER_TOO_LARGE and caught.value.params["member"] == BLOB_MEMBER
    monkeypatch.setattr(container, "DEFAULT_LIMITS", Limits(members=4))
    with pytest.raises(PackageError) as caught:
        _write(tmp_path / "x.oekoaudit")
    assert caught.value.template == container.TOO_MANY


def test_json_that_packs_too_tightly_is_stored_instead(tmp_path) -> None:  # type: ignore[no-untyped-def]
    padded = json.dumps({"note": " " * 500_000}).encode()
    members = [*_members(), Member(f"catalogues/{sha256(padded)}.json", "application/json", data=padded)]
    written = _write(tmp_path / "p.oekoaudit", members)
    with zipfile.ZipFile(written.path) as zf:
        assert zf.getinfo(f"catalogues/{sha256(padded)}.json").compress_type == zipfile.ZIP_STORED
        assert zf.getinfo(AUDIT_MEMBER).compress_type == zipfile.ZIP_DEFLATED
    assert verify_package(written.path).ok
    assert [p.name for p in tmp_path.iterdir()] == ["p.oekoaudit"]


def test_member_name_helpers() -> None:
    assert container.audit_member(AUDIT_ID) == AUDIT_MEMBER
    assert container.blob_member(BLOB) == BLOB_MEMBER
    assert container.catalogue_member(CATALOGUE_FP) == f"catalogues/{CATALOGUE_FP}.json"
    assert container.audit_member("0b6f4f9e-3c1a-4d2e-9f00-5a7c1e2d3b4a")
    for bad in ("../x", "0B6F4F9E-3C1A-4D2E-9F00-5A7C1E2D3B4A", "00000000-0000-1000-8000-000000000000",
                AUDIT_ID + "\n", "0b6f4f9e3c1a4d2e9f005a7c1e2d3b4a"):
        with pytest.raises(PackageError):
            container.audit_member(bad)
    for bad in ("../x", BLOB.upper(), BLOB[:-1], BLOB + "\n"):
        with pytest.raises(PackageError):
            container.blob_member(bad)
        with pytest.raises(PackageError):
            container.catalogue_member(bad)
    assert container.AUDIT_RE.match(AUDIT_MEMBER) and not container.AUDIT_RE.match(AUDIT_MEMBER + "\n")
    assert container.BLOB_RE.match(BLOB_MEMBER) and not container.BLOB_RE.match(BLOB_MEMBER + "/x")
    assert container.CATALOGUE_RE.match(f"catalogues/{CATALOGUE_FP}.json")


# ---- reading ----------------------------------------------------------------------------------------


def test_open_unpacks_every_member_under_our_own_names(tmp_path) -> None:  # type: ignore[no-untyped-def]
    package = make_package(tmp_path / "p.oekoaudit", blobs=TWO_BLOBS)
    opened = open_package(package, tmp_path / "staging" / "one")
    assert list(opened.staged) == [AUDIT_MEMBER, *sorted([BLOB_MEMBER, SECOND_MEMBER]),
                                   f"catalogues/{CATALOGUE_FP}.json"]
    assert [p.name for p in opened.staged.values()] == ["m00001", "m00002", "m00003", "m00004"]
    assert opened.staged[SECOND_MEMBER].read_bytes() == SECOND
    assert opened.json(AUDIT_MEMBER) == minimal_document()
    assert sorted(p.name for p in (tmp_path / "staging" / "one").iterdir()) == [
        "m00001", "m00002", "m00003", "m00004"]
    assert opened.verification.sha256 is None and opened.verification.path == package  # members hashed, not the file
    assert opened.manifest["package_id"] == HEADER["package_id"]
    with pytest.raises(PackageError):
        opened.json("audits/unknown.json")


def test_every_problem_is_listed_not_only_the_first(tmp_path) -> None:  # type: ignore[no-untyped-def]
    third = b"%PDF third"
    package = make_package(
        tmp_path / "p.oekoaudit", blobs={**TWO_BLOBS, sha256(third): third},
        drop_members=[SECOND_MEMBER, f"catalogues/{CATALOGUE_FP}.json"],
        extra_members=[Entry(f"blobs/{sha256(b'extra')}", b"extra")],
        edit_entries=lambda es: [dataclasses.replace(e, data=e.data.replace(b"third", b"THIRD"))
                                 if e.name.endswith(sha256(third)) else e for e in es])
    flip_byte(package, BLOB_MEMBER, at=30)
    verification = verify_package(package)
    found = sorted((p.code, p.member) for p in verification.problems)
    assert found == sorted([("missing", SECOND_MEMBER), ("missing", f"catalogues/{CATALOGUE_FP}.json"),
                            ("extra", f"blobs/{sha256(b'extra')}"), ("damaged", BLOB_MEMBER),
                            ("altered", f"blobs/{sha256(third)}")])
    assert not verification.ok and verification.manifest is not None and verification.members == 5
    with pytest.raises(PackageError) as caught:
        open_package(package, tmp_path / "stage")
    assert len(caught.value.problems) == 5 and caught.value.problems[0].member in caught.value.english()
    assert caught.value.verification.problems == caught.value.problems  # type: ignore[attr-defined]
    assert [p.name for p in (tmp_path / "stage").iterdir()] == []  # refused: nothing unpacked


def test_an_invalid_signature_is_reported_with_the_altered_members(tmp_path) -> None:  # type: ignore[no-untyped-def]
    key = signing.new_key()
    package = make_package(tmp_path / "p.oekoaudit", key=key,
                           edit_manifest=lambda d: d.replace(b'"sequence":1', b'"sequence":2'),
                           edit_entries=lambda es: [dataclasses.replace(e, data=PHOTO[:-1] + b"!")
                                                    if e.name == BLOB_MEMBER else e for e in es])
    verification = verify_package(package, trust=[signing.public_key_raw(key)])
    assert verification.signature.status == "invalid" and not verification.ok
    assert _codes(verification) == {"signature", "altered"}


def test_the_message_of_a_problem_is_translated(tmp_path) -> None:  # type: ignore[no-untyped-def]
    problem = container._problem("missing", BLOB_MEMBER, container.MISSING)
    assert problem.english() == f"The member {BLOB_MEMBER} is listed in the manifest but missing from the package."
    i18n.set_language("en")
    assert problem.describe() == problem.english()
    i18n.set_language("de")
    assert BLOB_MEMBER in problem.describe()


def test_a_newer_format_asks_for_an_update_and_older_ones_are_upgraded(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    newer = verify_package(make_package(tmp_path / "n.oekoaudit", manifest_overrides={"format_version": 2}))
    assert _codes(newer) == {"version"} and "newer oekoaudit" in newer.problems[0].english()
    older = make_package(tmp_path / "o.oekoaudit", manifest_overrides={"format_version": 0, "package_id": OLD_ID})
    assert _codes(verify_package(older)) == {"version"}

    def upgrade(manifest: dict[str, Any]) -> dict[str, Any]:
        return {**manifest, "format_version": 1, "package_id": HEADER["package_id"]}

    monkeypatch.setitem(container._UPGRADES, 0, upgrade)
    verification = verify_package(older)
    assert verification.ok and verification.manifest["package_id"] == HEADER["package_id"]


OLD_ID = "not a uuid: say, version 0 had other package ids"


def test_zip64_records_and_local_zip64_sizes_are_read(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Packages over 2 GiB end with zip64 records; members of 2 GiB or more carry zip64 sizes."""
    package = make_package(tmp_path / "z.oekoaudit", zip64_end=True,
                           edit_entries=lambda es: [dataclasses.replace(e, zip64=True) if e.name == BLOB_MEMBER
                                                    else e for e in es])
    assert verify_package(package).ok
    assert open_package(package, tmp_path / "stage").staged[BLOB_MEMBER].read_bytes() == PHOTO


@pytest.mark.parametrize(("limits", "code"), [
    (Limits(package_size=1000), "too-large"),
    (Limits(members=4), "too-many"),
    (Limits(blob_size=len(PHOTO) - 1), "too-large"),
    (Limits(json_size=len(DOCUMENT) - 1), "too-large"),
    (Limits(manifest_size=100), "too-large"),
    (Limits(total_size=len(DOCUMENT)), "too-large"),
    (Limits(ratio=2), "ratio"),
    (Limits(json_depth=2), "json"),
    (Limits(string_length=10), "json"),
])
def test_limits_refuse_before_reading(tmp_path, limits, code) -> None:  # type: ignore[no-untyped-def]
    package = make_package(tmp_path / "p.oekoaudit")
    assert verify_package(package).ok
    assert code in _codes(verify_package(package, limits=limits))
    with pytest.raises(PackageError) as caught:
        open_package(package, tmp_path / "stage", limits=limits)
    assert code in {p.code for p in caught.value.problems}


def test_a_missing_or_unreadable_file_is_a_problem_not_a_crash(tmp_path) -> None:  # type: ignore[no-untyped-def]
    for path in (tmp_path / "missing.oekoaudit", tmp_path):
        verification = verify_package(path)
        assert _codes(verification) == {"unreadable"} and not verification.ok
        with pytest.raises(PackageError) as caught:
            open_package(path, tmp_path / "stage")
        assert caught.value.problems[0].code == "unreadable"


def test_cancel_stops_verify_and_open(tmp_path) -> None:  # type: ignore[no-untyped-def]
    package = make_package(tmp_path / "p.oekoaudit")
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(PackageCancelled):
        verify_package(package, cancel=cancel)
    with pytest.raises(PackageCancelled):
        open_package(package, tmp_path / "stage", cancel=cancel)


def test_verify_never_raises_on_random_damage(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Flip bytes and cut the file anywhere: always a Verification (or a PackageError from open)."""
    original = make_package(tmp_path / "p.oekoaudit", blobs=TWO_BLOBS, key=signing.new_key()).read_bytes()
    rng = random.Random(8)
    damaged = tmp_path / "d.oekoaudit"
    for round_ in range(300):
        data = bytearray(original)
        if round_ % 3 == 0:
            data = data[:rng.randrange(len(data))]
        else:
            for _ in range(rng.randint(1, 3)):
                data[rng.randrange(len(data))] ^= rng.randint(1, 255)
        damaged.write_bytes(bytes(data))
        verification = verify_package(damaged)
        assert isinstance(verification, container.Verification)
        if round_ % 10 == 0:
            stage = tmp_path / f"stage{round_}"
            try:
                open_package(damaged, stage)
            except PackageError:
                pass
            assert all(p.parent == stage for p in stage.rglob("*"))


def test_the_default_limits_are_the_contracts() -> None:
    assert DEFAULT_LIMITS == Limits()
    assert (DEFAULT_LIMITS.package_size, DEFAULT_LIMITS.members, DEFAULT_LIMITS.blob_size) == (4 * 1024**3, 20_000,
                                                                                             200 * 1024**2)
    assert entry(package_entries(), "mimetype").data == b"application/vnd.oekoaudit+zip"
