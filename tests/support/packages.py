"""Audit packages for tests: valid ones built without ``write_package``, and hostile ones.

:func:`make_package` writes a package byte for byte as ``exchange.container.write_package``
would (``test_container.py`` checks it), but from parts a test can break one at a time: the
members, the manifest (before or after signing) and every field of every zip entry
(:class:`Entry`). :func:`write_entries` is a small zip writer that writes exactly what it is
told — wrong sizes, overlapping offsets, symlink modes, hidden bytes — which ``zipfile`` refuses
to write. :func:`truncate`, :func:`flip_byte`, :func:`rename_central` and :func:`quote_overlap`
break a finished file.

:data:`HOSTILE` lists named hostile packages (RELIABILITY.md A.3, C.2), each a :class:`Case`
``(name, build, stage)``; ``case.build(folder)`` writes one into ``folder`` and returns its path.

* ``stage == "container"``: refused by ``verify_package`` (a problem with the code in
  :data:`EXPECTED_CODES`) and by ``open_package`` (PackageError) — stages 1 to 5;
* ``stage == "content"``: a sound container whose content must be refused on import (stage 6).
  These are built from a real exported audit document:
  ``case.build(folder, valid_audit_json, others)`` where ``others`` are the package's other
  members (catalogue snapshot, originals) as ``{member: bytes}``; :func:`content_inputs` takes
  both from an exported package. Only the intended defect is added: names, hashes, sizes and the
  manifest stay consistent. Without arguments a small synthetic document is used
  (:func:`minimal_document`), whose catalogue snapshot is a placeholder.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import stat
import struct
import uuid
import zipfile
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NamedTuple

from oekoaudit.exchange import signing
from oekoaudit.exchange.container import FIXED_MEMBERS, FORMAT, FORMAT_VERSION, MIMETYPE
from oekoaudit.exchange.limits import DEFAULT_LIMITS, MiB


def uuid4(n: int) -> str:
    """A fixed UUID of version 4 (the member grammar wants version 4): the same tests, the same bytes."""
    return str(uuid.UUID(int=n * 0x1_0000_0001_0001_0001 + 0x1234, version=4))


AUDIT_ID = uuid4(1)
ORGANISATION_ID = uuid4(2)
SITE_ID = uuid4(3)
DEVICE_ID = uuid4(4)
PACKAGE_ID = uuid4(5)
EVIDENCE_ID = uuid4(6)
CREATED_AT = "2026-03-12T09:14:00+00:00"
DROP = object()  #: a ``manifest_overrides`` value that removes the field

_DOS_DATE = 33  # 1980-01-01, as zipfile writes the fixed timestamp
_ZIP64_MARK = 0xFFFFFFFF


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical(value: Any, *, ascii_only: bool = False) -> bytes:
    """JSON as the exporter writes it (sorted keys, no white space, UTF-8)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=ascii_only).encode("utf-8")


def png(width: int, height: int, *, complete: bool = True) -> bytes:
    """A 1-bit grey PNG. ``complete=False``: the header promises ``width`` × ``height`` pixels,
    the data holds one row (a decompression bomb's header, a few hundred bytes)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    row = b"\0" * (1 + (width + 7) // 8)
    pixels = zlib.compress(row * (height if complete else 1))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))


PHOTO = png(4, 3)
CATALOGUE = canonical({"id": "test-catalogue", "edition": "1", "note": "a placeholder, not a real snapshot"})
CATALOGUE_FP = sha256(CATALOGUE)


def _record(record_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    return {"id": record_id, "created_at": CREATED_AT, "updated_at": CREATED_AT, "revision": 1,
            "device_id": DEVICE_ID, "fields": fields, "versions": {name: {DEVICE_ID: 1} for name in fields}}


def evidence_record(audit_id: str, sha: str, size: int, *, media_type: str = "image/png",
                    width: int | None = None, height: int | None = None, record_id: str | None = None,
                    name: str = "photo.png") -> dict[str, Any]:
    """An evidence record of an audit document (``records["evidence"]``) for the original ``sha``."""
    return _record(record_id or uuid4(100 + int(sha[:6], 16) % 1000), {
        "audit_id": audit_id, "sha256": sha, "media_type": media_type, "original_name": name, "size": size,
        "captured_at": None, "caption": "", "annotations": [], "kind": "photo", "width": width, "height": height,
        "camera": "", "latitude": None, "longitude": None, "altitude": None, "hide_location": False,
        "imported_at": CREATED_AT, "imported_by": "", "source": "file", "position": 0, "deleted_at": None})


def minimal_document(audit_id: str = AUDIT_ID) -> dict[str, Any]:
    """A small audit document in the package's format: one organisation, site and audit, one photo
    (:data:`PHOTO`), the placeholder catalogue :data:`CATALOGUE`."""
    organisation = _record(ORGANISATION_ID, {"name": "Muster Metallbau GmbH", "address": "", "contact": "",
                                             "notes": "", "indicator_settings": {}, "deleted_at": None})
    site = _record(SITE_ID, {"organisation_id": ORGANISATION_ID, "name": "Werk Nord", "address": "", "notes": "",
                             "deleted_at": None})
    audit = _record(audit_id, {
        "site_id": SITE_ID, "catalogue_id": "test-catalogue", "catalogue_edition": "1",
        "catalogue_fingerprint": CATALOGUE_FP, "title": "Internes Audit", "kind": "internal", "status": "planned",
        "start_date": "2026-03-12", "end_date": None, "lead_auditor": "Dr. Maria Lehmann", "team": [],
        "people_met": [], "scope": "", "objectives": "", "criteria": "", "location": "",
        "carried_from_audit_id": None, "modules": [], "factor_set": "", "factor_overrides": {}, "deleted_at": None})
    return {
        "format": "oekoaudit-package-audit", "format_version": 1, "audit_id": audit_id,
        "fingerprint": sha256(b"minimal document"), "catalogue": CATALOGUE_FP,
        "records": {"organisations": [organisation], "sites": [site], "audits": [audit], "answers": [],
                    "findings": [], "measures": [], "indicator_values": [],
                    "evidence": [evidence_record(audit_id, sha256(PHOTO), len(PHOTO), width=4, height=3,
                                                 record_id=EVIDENCE_ID)],
                    "evidence_links": [], "signatures": []},
        "change_log": [],
    }


# ---- zip entries -------------------------------------------------------------------------------------


@dataclass
class Entry:
    """One zip entry as :func:`write_entries` writes it. Every ``None`` means "the correct value";
    anything else is written as given, however wrong."""

    name: str
    data: bytes
    compress: bool = False
    method: int | None = None  # the method field (None: 8 if compress else 0)
    flags: int = 0
    external_attr: int = 0o644 << 16
    create_system: int = 3
    crc: int | None = None
    compress_size: int | None = None
    file_size: int | None = None
    raw: bytes | None = None  # the bytes after the local header (None: data, deflated if compress)
    local_name: str | None = None
    local_sizes: tuple[int, int] | None = None  # (compressed, uncompressed) in the local header only
    local_extra: bytes = b""
    central_extra: bytes = b""
    zip64: bool = False  # sizes in zip64 extra fields (as zipfile's force_zip64 writes them)
    before: bytes = b""  # bytes written before the local header (hidden data)
    alias_of: str | None = None  # no local header: the central entry points at that entry's one


def deflate(data: bytes) -> bytes:
    """DEFLATE exactly as zipfile does (default level, raw stream)."""
    packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def _zip64_extra(file_size: int, compress_size: int) -> bytes:
    return struct.pack("<HHQQ", 1, 16, file_size, compress_size)


def write_entries(path: Path, entries: Sequence[Entry], *, comment: bytes = b"", prepend: bytes = b"",
                  append: bytes = b"", before_central: bytes = b"", zip64_end: bool = False) -> Path:
    """Write a zip of ``entries`` (in this order), as zipfile writes them unless told otherwise.
    ``prepend`` shifts the whole zip without fixing its offsets (a self-extractor), ``append`` and
    ``comment`` follow the end record, ``before_central`` hides bytes before the central directory,
    ``zip64_end`` adds zip64 end records (as zipfile does for big packages)."""
    out = bytearray()
    central = bytearray()
    written: dict[str, tuple[int, int, int, int, int]] = {}  # name → offset, method, crc, sizes
    for e in entries:
        out += e.before
        raw = e.raw if e.raw is not None else (deflate(e.data) if e.compress else e.data)
        method = e.method if e.method is not None else (zipfile.ZIP_DEFLATED if e.compress else zipfile.ZIP_STORED)
        crc = e.crc if e.crc is not None else zlib.crc32(e.data)
        packed = e.compress_size if e.compress_size is not None else len(raw)
        size = e.file_size if e.file_size is not None else len(e.data)
        if e.alias_of is not None:
            offset, method, crc, packed, size = written[e.alias_of]
        else:
            offset = len(out)
            written[e.name] = (offset, method, crc, packed, size)
            local_packed, local_size = e.local_sizes or (packed, size)
            zip64 = e.zip64 or max(local_packed, local_size) >= _ZIP64_MARK
            extra = e.local_extra + (_zip64_extra(local_size, local_packed) if zip64 else b"")
            if max(local_packed, local_size) >= _ZIP64_MARK:
                local_packed = local_size = _ZIP64_MARK
            local_name = (e.local_name if e.local_name is not None else e.name).encode("utf-8")
            out += struct.pack("<4sBBHHHHLLLHH", b"PK\x03\x04", 45 if zip64 else 20, 0, e.flags, method, 0, _DOS_DATE,
                               crc, local_packed, local_size, len(local_name), len(extra)) + local_name + extra + raw
        name = e.name.encode("utf-8")
        extra = e.central_extra
        if max(packed, size) >= _ZIP64_MARK:
            extra += _zip64_extra(size, packed)
            packed = size = _ZIP64_MARK
        version = 45 if e.zip64 else 20
        central += struct.pack("<4sBBBBHHHHLLLHHHHHLL", b"PK\x01\x02", version, e.create_system, version, 0, e.flags,
                               method, 0, _DOS_DATE, crc, packed, size, len(name), len(extra), 0, 0, 0,
                               e.external_attr, offset) + name + extra
    out += before_central
    central_offset = len(out)
    out += central
    count = len(entries)
    if zip64_end:
        record_offset = len(out)
        out += struct.pack("<4sQHHLLQQQQ", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, len(central), central_offset)
        out += struct.pack("<4sLQL", b"PK\x06\x07", 0, record_offset, 1)
        out += struct.pack("<4sHHHHLLH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, _ZIP64_MARK, _ZIP64_MARK, len(comment))
    else:
        out += struct.pack("<4sHHHHLLH", b"PK\x05\x06", 0, 0, count, count, len(central), central_offset,
                           len(comment))
    path = Path(path)
    path.write_bytes(prepend + bytes(out) + comment + append)
    return path


# ---- valid packages ---------------------------------------------------------------------------------


def media_type_of(path: str, data: bytes) -> str:
    if not path.startswith("blobs/"):
        return "application/json"
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if data.startswith(b"%PDF"):
        return "application/pdf"
    return "application/octet-stream"


def default_header(documents: Mapping[str, bytes]) -> dict[str, Any]:
    """The manifest fields the export service chooses, for these audit documents."""
    audits = []
    for audit_id, data in documents.items():
        try:
            doc = json.loads(data)
            title = doc["records"]["audits"][0]["fields"]["title"]
            fp = doc["fingerprint"]
        except (ValueError, KeyError, IndexError, TypeError):
            title, fp = "", sha256(data)
        audits.append({"id": audit_id, "title": title if isinstance(title, str) else "",
                       "fingerprint": fp if isinstance(fp, str) else sha256(data)})
    return {"package_id": PACKAGE_ID, "audit_ids": list(documents), "audits": audits, "created_at": CREATED_AT,
            "producer": {"app": "oekoaudit", "app_version": "0.1.0", "device_id": DEVICE_ID},
            "sequence": 1, "location_removed": False}


def payload_members(*, audits: Mapping[str, bytes] | None = None, blobs: Mapping[str, bytes] | None = None,
                    catalogues: Mapping[str, bytes] | None = None, members: Mapping[str, bytes] | None = None
                    ) -> dict[str, bytes]:
    """The members besides the fixed three, by path. ``audits``: audit id → JSON (default: one
    :func:`minimal_document`); ``blobs``: SHA-256 → bytes, named as given (a wrong key makes a
    blob named after another hash); ``catalogues``: fingerprint → bytes; ``members``: more, by path."""
    if audits is None:
        audits = {AUDIT_ID: canonical(minimal_document())}
    if blobs is None:
        blobs = {sha256(PHOTO): PHOTO}
    if catalogues is None:
        catalogues = {CATALOGUE_FP: CATALOGUE}
    payload = {f"audits/{audit_id}.json": data for audit_id, data in audits.items()}
    payload.update({f"catalogues/{fp}.json": data for fp, data in catalogues.items()})
    payload.update({f"blobs/{sha}": data for sha, data in blobs.items()})
    payload.update(members or {})
    return payload


def package_entries(*, audits: Mapping[str, bytes] | None = None, blobs: Mapping[str, bytes] | None = None,
                    catalogues: Mapping[str, bytes] | None = None, members: Mapping[str, bytes] | None = None,
                    header: Mapping[str, Any] | None = None, manifest_overrides: Mapping[str, Any] | None = None,
                    key: signing.SigningKey | None = None, signer_name: str = "Dr. Maria Lehmann",
                    ) -> list[Entry]:
    """The entries of a valid package, in the order write_package writes them. The manifest is
    built from ``header`` (default: :func:`default_header`) and the members, then
    ``manifest_overrides`` are applied (``DROP`` removes a field), then it is signed."""
    payload = payload_members(audits=audits, blobs=blobs, catalogues=catalogues, members=members)
    documents = {p.removeprefix("audits/").removesuffix(".json"): d for p, d in payload.items()
                 if p.startswith("audits/")}
    manifest = dict(header if header is not None else default_header(documents))
    manifest.update(format=FORMAT, format_version=FORMAT_VERSION, hash_alg="sha256", members=[
        {"path": path, "size": len(data), "sha256": sha256(data), "media_type": media_type_of(path, data)}
        for path, data in sorted(payload.items())])
    if key is not None:
        public = signing.public_key_raw(key)
        manifest["sig_alg"] = "ed25519"
        manifest["signer"] = {"key_id": signing.key_id(public), "name": signer_name,
                              "public_key": base64.b64encode(public).decode("ascii")}
    for name, value in (manifest_overrides or {}).items():
        if value is DROP:
            manifest.pop(name, None)
        else:
            manifest[name] = value
    manifest_bytes = canonical(manifest)
    entries = [Entry("mimetype", MIMETYPE.encode("ascii")), Entry("manifest.json", manifest_bytes, compress=True)]
    if key is not None:
        entries.append(Entry("manifest.sig", signing.sign_manifest(key, manifest_bytes)))
    entries += [Entry(path, data, compress=not path.startswith("blobs/")) for path, data in sorted(payload.items())]
    return entries


def make_package(path: Path, *, audits: Mapping[str, bytes] | None = None, blobs: Mapping[str, bytes] | None = None,
                 catalogues: Mapping[str, bytes] | None = None, members: Mapping[str, bytes] | None = None,
                 header: Mapping[str, Any] | None = None, manifest_overrides: Mapping[str, Any] | None = None,
                 extra_members: Sequence[Entry | tuple[str, bytes]] = (), drop_members: Sequence[str] = (),
                 key: signing.SigningKey | None = None, signer_name: str = "Dr. Maria Lehmann",
                 edit_manifest: Callable[[bytes], bytes] | None = None,
                 edit_entries: Callable[[list[Entry]], list[Entry] | None] | None = None,
                 comment: bytes = b"", prepend: bytes = b"", append: bytes = b"", before_central: bytes = b"",
                 zip64_end: bool = False) -> Path:
    """Write a package to ``path``: valid unless a hook breaks it.

    ``extra_members`` are added after the others without being listed in the manifest;
    ``drop_members`` are left out of the zip (still listed); ``edit_manifest`` changes the
    manifest's bytes *after* signing (a tampered manifest); ``edit_entries`` may change anything
    else (return a new list or change the entries in place)."""
    entries = package_entries(audits=audits, blobs=blobs, catalogues=catalogues, members=members, header=header,
                              manifest_overrides=manifest_overrides, key=key, signer_name=signer_name)
    if edit_manifest is not None:
        entries[1].data = edit_manifest(entries[1].data)
    entries = [e for e in entries if e.name not in drop_members]
    for extra in extra_members:
        entries.append(extra if isinstance(extra, Entry) else Entry(extra[0], extra[1]))
    if edit_entries is not None:
        entries = edit_entries(entries) or entries
    return write_entries(path, entries, comment=comment, prepend=prepend, append=append,
                         before_central=before_central, zip64_end=zip64_end)


def entry(entries: Sequence[Entry], name: str) -> Entry:
    return next(e for e in entries if e.name == name)


def read_members(path: Path) -> dict[str, bytes]:
    """Every member of a trusted package (one the app wrote) but the fixed three, by path."""
    with zipfile.ZipFile(path) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist() if info.filename not in FIXED_MEMBERS}


def content_inputs(package: Path, audit_id: str | None = None) -> tuple[bytes, dict[str, bytes]]:
    """(the audit document, the other members) of an exported package, for the content cases."""
    members = read_members(package)
    name = f"audits/{audit_id}.json" if audit_id else next(p for p in sorted(members) if p.startswith("audits/"))
    return members.pop(name), members


# ---- breaking finished files ---------------------------------------------------------------------------


class CentralRecord(NamedTuple):
    name: str
    position: int  # of the central directory record
    header_offset: int
    data_offset: int
    compress_size: int


def central_directory(data: bytes) -> list[CentralRecord]:
    """The central directory of a small zip (no zip64, no comment), read without zipfile."""
    _sig, _d, _cd, _n, count, _size, offset, _c = struct.unpack("<4sHHHHLLH", data[-22:])
    records = []
    position = offset
    for _ in range(count):
        fields = struct.unpack("<4sBBBBHHHHLLLHHHHHLL", data[position:position + 46])
        name_length, extra_length, comment_length, header_offset = fields[12], fields[13], fields[14], fields[18]
        name = data[position + 46:position + 46 + name_length].decode("utf-8")
        local_name, local_extra = struct.unpack("<HH", data[header_offset + 26:header_offset + 30])
        records.append(CentralRecord(name, position, header_offset, header_offset + 30 + local_name + local_extra,
                                     fields[10]))
        position += 46 + name_length + extra_length + comment_length
    return records


def _record_of(data: bytes, member: str) -> CentralRecord:
    return next(r for r in central_directory(data) if r.name == member)


def truncate(path: Path, keep: int) -> Path:
    """Cut the file after ``keep`` bytes (negative: before the end)."""
    data = Path(path).read_bytes()
    Path(path).write_bytes(data[:keep])
    return Path(path)


def flip_byte(path: Path, member: str, at: int = 0) -> Path:
    """Invert one byte of ``member``'s stored data (bit rot, or a forger's edit)."""
    data = bytearray(Path(path).read_bytes())
    data[_record_of(data, member).data_offset + at] ^= 0xFF
    Path(path).write_bytes(data)
    return Path(path)


def rename_central(path: Path, old: str, new: str) -> Path:
    """Rename an entry in the central directory only (``new`` as long as ``old``): the local header
    keeps the old name, as in a spliced archive."""
    assert len(old.encode()) == len(new.encode())
    data = bytearray(Path(path).read_bytes())
    record = _record_of(data, old)
    data[record.position + 46:record.position + 46 + len(new.encode())] = new.encode()
    Path(path).write_bytes(data)
    return Path(path)


def quote_overlap(path: Path, first: str, second: str) -> Path:
    """David Fifield's "quoted overlap": ``first`` (STORED) is made to span ``second``'s local
    header and data, so unpacking both reads the same bytes twice. Sizes and CRC are made
    consistent, so only the overlap is wrong."""
    data = bytearray(Path(path).read_bytes())
    a, b = _record_of(data, first), _record_of(data, second)
    spanned = bytes(data[a.data_offset:b.data_offset + b.compress_size])
    for at in (a.header_offset + 14, a.position + 16):  # CRC, compressed and uncompressed size
        struct.pack_into("<LLL", data, at, zlib.crc32(spanned), len(spanned), len(spanned))
    Path(path).write_bytes(data)
    return Path(path)


def many_entries(path: Path, count: int) -> Path:
    """A zip of ``mimetype`` and ``count`` - 1 empty blobs (names of the grammar)."""
    entries = [Entry("mimetype", MIMETYPE.encode("ascii"))]
    entries += [Entry(f"blobs/{sha256(str(i).encode())}", b"") for i in range(count - 1)]
    return write_entries(path, entries)


# ---- hostile cases ---------------------------------------------------------------------------------


class Case(NamedTuple):
    name: str
    build: Callable[..., Path]  # build(folder, valid_audit_json=None, others=None) -> Path
    stage: str = "container"  # or "content"


HOSTILE: list[Case] = []
#: The problem code verify_package must report for each container case (among others).
EXPECTED_CODES: dict[str, str] = {}


def _case(name: str, code: str | None = None, stage: str = "container"
          ) -> Callable[[Callable[[Path], Path]], Callable[[Path], Path]]:
    def register(build: Callable[[Path], Path]) -> Callable[[Path], Path]:
        def run(folder: Path, valid_audit_json: bytes | None = None, others: Mapping[str, bytes] | None = None
                ) -> Path:
            Path(folder).mkdir(parents=True, exist_ok=True)
            target = Path(folder) / f"{name}.oekoaudit"
            if stage == "content":
                return build(target, valid_audit_json, others)  # type: ignore[call-arg]
            return build(target)

        run.__name__ = run.__qualname__ = f"build_{name.replace('-', '_')}"
        HOSTILE.append(Case(name, run, stage))
        if code is not None:
            EXPECTED_CODES[name] = code
        return build

    return register


BLOB = sha256(PHOTO)
BLOB_MEMBER = f"blobs/{BLOB}"
AUDIT_MEMBER = f"audits/{AUDIT_ID}.json"
SECOND = b"%PDF-1.4 second original"
SECOND_MEMBER = f"blobs/{sha256(SECOND)}"
TWO_BLOBS = {BLOB: PHOTO, sha256(SECOND): SECOND}


def _edit(name: str, **changes: Any) -> Callable[[list[Entry]], list[Entry]]:
    """An ``edit_entries`` hook setting fields of the entry ``name``."""
    def edit(entries: list[Entry]) -> list[Entry]:
        return [replace(e, **changes) if e.name == name else e for e in entries]

    return edit


def _manifest_edit(old: bytes, new: bytes) -> Callable[[bytes], bytes]:
    def edit(data: bytes) -> bytes:
        assert old in data, old
        return data.replace(old, new, 1)

    return edit


# -- not a package at all

_case("not-a-zip", "not-zip")(lambda p: _write(p, b"Dies ist kein Paket, sondern eine Textdatei.\n" * 20))
_case("empty-file", "not-zip")(lambda p: _write(p, b""))
_case("pdf-named-like-a-package", "not-zip")(lambda p: _write(p, b"%PDF-1.7\n" + b"0" * 2000 + b"\n%%EOF\n"))
_case("prepended-bytes", "not-zip")(lambda p: make_package(p, prepend=b"MZ" + b"\0" * 510))


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# -- cut, appended, hidden bytes

_case("truncated-half", "truncated")(lambda p: truncate(make_package(p, blobs=TWO_BLOBS), 700))
_case("truncated-end-record", "truncated")(lambda p: truncate(make_package(p), -10))
_case("appended-bytes", "gap")(lambda p: make_package(p, append=b"PK\x05\x06 appended after the end"))
_case("zip-comment", "gap")(lambda p: make_package(p, comment=b"a comment nobody reads"))
_case("hidden-data-before-first-member", "mimetype")(
    lambda p: make_package(p, edit_entries=_edit("mimetype", before=b"PK\x03\x04 hidden")))
_case("hidden-data-between-members", "gap")(
    lambda p: make_package(p, blobs=TWO_BLOBS, edit_entries=_edit(SECOND_MEMBER, before=b"hidden " * 20)))
_case("hidden-data-before-central-directory", "gap")(lambda p: make_package(p, before_central=b"hidden " * 20))

# -- mimetype

_case("mimetype-missing", "mimetype")(lambda p: make_package(p, drop_members=["mimetype"]))
_case("mimetype-not-first", "mimetype")(
    lambda p: make_package(p, edit_entries=lambda es: [es[1], es[0], *es[2:]]))
_case("mimetype-deflated", "mimetype")(lambda p: make_package(p, edit_entries=_edit("mimetype", compress=True)))
_case("mimetype-wrong", "mimetype")(
    lambda p: make_package(p, edit_entries=_edit("mimetype", data=b"application/zip")))
_case("mimetype-extra-field", "mimetype")(
    lambda p: make_package(p, edit_entries=_edit("mimetype", local_extra=b"\xfe\xca\0\0",
                                                 central_extra=b"\xfe\xca\0\0")))

# -- names (Zip Slip and friends): never a path of the user's computer

for _name, _member in (("name-parent-traversal", "../../evil.txt"), ("name-absolute", "/tmp/oekoaudit-evil.txt"),
                       ("name-backslash-traversal", "..\\..\\evil.txt"), ("name-drive-letter", "C:/evil.txt"),
                       ("name-nul-byte", f"{AUDIT_MEMBER}\0../../evil.txt"),
                       ("name-uppercase-hash", f"blobs/{BLOB.upper()}"),
                       ("name-lookalike-unicode", "m\u0430nifest.json"), ("name-folder-entry", "blobs/"),
                       ("name-right-to-left-override", f"blobs/{BLOB[:60]}\u202egpj.")):
    _case(_name, "name")(lambda p, member=_member: make_package(p, extra_members=[Entry(member, b"evil")]))

_case("duplicate-blob", "duplicate")(lambda p: make_package(p, extra_members=[Entry(BLOB_MEMBER, b"x" * len(PHOTO))]))
_case("duplicate-manifest", "duplicate")(  # Android's "Master Key": one reader sees the first, another the last
    lambda p: make_package(p, extra_members=[Entry("manifest.json", canonical({"format": FORMAT}), compress=True)]))
_case("duplicate-after-case-folding", "duplicate")(
    lambda p: make_package(p, extra_members=[Entry(BLOB_MEMBER.replace("blobs", "BLOBS"), b"x")]))

# -- modes and flags

_LINK = b"/etc/passwd"
_case("symlink-member", "symlink")(lambda p: make_package(
    p, blobs={sha256(_LINK): _LINK},
    edit_entries=_edit(f"blobs/{sha256(_LINK)}", external_attr=(stat.S_IFLNK | 0o777) << 16)))
_case("device-member", "mode")(
    lambda p: make_package(p, edit_entries=_edit(BLOB_MEMBER, external_attr=(stat.S_IFCHR | 0o666) << 16)))
_case("folder-mode-member", "mode")(
    lambda p: make_package(p, edit_entries=_edit(BLOB_MEMBER, external_attr=(stat.S_IFDIR | 0o755) << 16 | 0x10)))
_case("encrypted-flag", "encrypted")(lambda p: make_package(p, edit_entries=_edit(BLOB_MEMBER, flags=0x1)))
_case("data-descriptor-flag", "flags")(lambda p: make_package(p, edit_entries=_edit(BLOB_MEMBER, flags=0x8)))
_case("compression-bzip2", "compression")(lambda p: make_package(p, edit_entries=_edit(BLOB_MEMBER, method=12)))
_case("compression-lzma", "compression")(lambda p: make_package(p, edit_entries=_edit(AUDIT_MEMBER, method=14)))

# -- sizes and bombs

_case("too-many-members", "too-many")(lambda p: many_entries(p, DEFAULT_LIMITS.members + 1))
_case("declared-size-huge", "too-large")(lambda p: make_package(
    p, edit_entries=_edit(BLOB_MEMBER, file_size=2**40, compress_size=2**40)))


@_case("declared-total-too-large", "too-large")
def _total_too_large(p: Path) -> Path:
    size = DEFAULT_LIMITS.blob_size
    count = DEFAULT_LIMITS.total_size // size + 1
    fakes = [Entry(f"blobs/{sha256(str(i).encode())}", b"", method=8, raw=deflate(b""), file_size=size)
             for i in range(count)]
    return make_package(p, extra_members=fakes)


_case("ratio-bomb", "ratio")(lambda p: make_package(p, audits={AUDIT_ID: b"[" + b" " * (2 * MiB) + b"]"}))


@_case("unpacks-longer-than-declared", "damaged")
def _longer(p: Path) -> Path:
    full = canonical(minimal_document()) + b" " * 100_000
    declared = full[:1000]
    return make_package(p, audits={AUDIT_ID: declared}, edit_entries=_edit(AUDIT_MEMBER, raw=deflate(full)))


_case("manifest-declared-too-large", "too-large")(lambda p: make_package(p, edit_entries=_edit(
    "manifest.json", raw=deflate(b"{}"), file_size=DEFAULT_LIMITS.manifest_size + 1, crc=0)))
_case("overlap-quoted", "overlap")(
    lambda p: quote_overlap(make_package(p, blobs=TWO_BLOBS), *sorted([BLOB_MEMBER, SECOND_MEMBER])))
_case("overlap-full", "overlap")(lambda p: make_package(
    p, extra_members=[Entry(f"blobs/{sha256(b'alias')}", b"", alias_of=BLOB_MEMBER)]))

# -- local header and central directory disagree

_case("local-name-differs", "header")(lambda p: make_package(
    p, edit_entries=_edit(BLOB_MEMBER, local_name=BLOB_MEMBER[:-1] + ("0" if BLOB_MEMBER[-1] != "0" else "1"))))
_case("local-size-differs", "header")(
    lambda p: make_package(p, edit_entries=_edit(BLOB_MEMBER, local_sizes=(len(PHOTO) + 5, len(PHOTO) + 5))))
_case("central-name-renamed", "header")(
    lambda p: rename_central(make_package(p, blobs=TWO_BLOBS), SECOND_MEMBER, f"blobs/{'0' * 64}"))
_case("stored-sizes-differ", "size")(
    lambda p: make_package(p, edit_entries=_edit(BLOB_MEMBER, compress_size=len(PHOTO) + 1)))

# -- member contents against the manifest

_case("member-missing", "missing")(lambda p: make_package(p, blobs=TWO_BLOBS, drop_members=[SECOND_MEMBER]))
_case("member-not-listed", "extra")(lambda p: make_package(p, extra_members=[Entry(SECOND_MEMBER, SECOND)]))
_case("member-altered", "altered")(lambda p: make_package(
    p, edit_entries=_edit(BLOB_MEMBER, data=PHOTO[:-1] + bytes([PHOTO[-1] ^ 1]))))
_case("member-bit-flipped", "damaged")(lambda p: flip_byte(make_package(p), BLOB_MEMBER, at=20))
_case("member-checksum-wrong", "damaged")(
    lambda p: make_package(p, edit_entries=_edit(BLOB_MEMBER, crc=zlib.crc32(PHOTO) ^ 1)))
_case("member-deflate-broken", "damaged")(
    lambda p: make_package(p, edit_entries=_edit(AUDIT_MEMBER, raw=b"\xff" * 40)))


@_case("member-other-size-than-listed", "size")
def _other_size(p: Path) -> Path:
    members = [{"path": path, "size": len(data) + (path == BLOB_MEMBER), "sha256": sha256(data),
                "media_type": media_type_of(path, data)} for path, data in sorted(payload_members().items())]
    return make_package(p, manifest_overrides={"members": members})


# -- the manifest

_case("manifest-missing", "manifest")(lambda p: make_package(p, drop_members=["manifest.json"]))
_case("manifest-not-json", "json")(lambda p: make_package(p, edit_manifest=lambda _d: b"{not json"))
_case("manifest-duplicate-key", "json")(
    lambda p: make_package(p, edit_manifest=_manifest_edit(b'{"audit_ids":', b'{"audit_ids":[],"audit_ids":')))
_case("manifest-nan", "json")(lambda p: make_package(p, edit_manifest=_manifest_edit(b'"sequence":1',
                                                                                      b'"sequence":NaN')))
_case("manifest-byte-order-mark", "json")(lambda p: make_package(p, edit_manifest=lambda d: b"\xef\xbb\xbf" + d))
_case("manifest-lone-surrogate", "json")(
    lambda p: make_package(p, edit_manifest=_manifest_edit(b'"sequence":1', b'"sequence":1,"x":"\\ud800"')))
_case("manifest-control-character", "json")(
    lambda p: make_package(p, edit_manifest=_manifest_edit(b'"sequence":1', b'"sequence":1,"x":"a\\u0000b"')))
_case("manifest-deep-nesting", "json")(lambda p: make_package(  # stored: deflated, the ratio would refuse it first
    p, edit_manifest=lambda _d: b"[" * 100_000 + b"]" * 100_000, edit_entries=_edit("manifest.json", compress=False)))
_case("manifest-not-an-object", "manifest")(lambda p: make_package(p, edit_manifest=lambda _d: b"[1,2,3]"))
_case("manifest-newer-version", "version")(lambda p: make_package(p, manifest_overrides={"format_version": 2}))
_case("manifest-foreign-format", "manifest")(lambda p: make_package(p, manifest_overrides={"format": "epub"}))
_case("manifest-unknown-hash", "manifest")(lambda p: make_package(p, manifest_overrides={"hash_alg": "md5"}))
_case("manifest-missing-field", "manifest")(lambda p: make_package(p, manifest_overrides={"package_id": DROP}))
_case("manifest-wrong-type", "manifest")(lambda p: make_package(p, manifest_overrides={"sequence": "1"}))


def _listed(extra: Sequence[dict[str, Any]] = (), twice: bool = False) -> list[dict[str, Any]]:
    members = [{"path": path, "size": len(data), "sha256": sha256(data), "media_type": media_type_of(path, data)}
               for path, data in sorted(payload_members().items())]
    return members + list(extra) + (members[:1] if twice else [])


_case("manifest-lists-traversal", "name")(lambda p: make_package(p, manifest_overrides={"members": _listed(
    [{"path": "../../evil.txt", "size": 4, "sha256": sha256(b"evil"), "media_type": "text/plain"}])}))
_case("manifest-lists-twice", "duplicate")(lambda p: make_package(p, manifest_overrides={"members": _listed(twice=True)}))
_case("manifest-blob-not-named-by-hash", "manifest")(lambda p: make_package(p, blobs={sha256(b"other"): PHOTO}))

# -- signatures

_KEY = signing.Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
_OTHER_KEY = signing.Ed25519PrivateKey.from_private_bytes(bytes(range(32, 64)))
TEST_KEY_PUBLIC = signing.public_key_raw(_KEY)  #: the key hostile signed packages are signed with


def _signer(key: signing.SigningKey, name: str = "Dr. Maria Lehmann") -> dict[str, str]:
    public = signing.public_key_raw(key)
    return {"key_id": signing.key_id(public), "name": name, "public_key": base64.b64encode(public).decode("ascii")}


_case("signature-invalid", "signature")(lambda p: make_package(  # the manifest was changed after signing
    p, key=_KEY, edit_manifest=_manifest_edit(b'"sequence":1', b'"sequence":7')))
_case("signature-stripped", "signature")(lambda p: make_package(p, key=_KEY, drop_members=["manifest.sig"]))
_case("signature-wrong-length", "signature")(lambda p: make_package(
    p, key=_KEY, edit_entries=lambda es: [replace(e, data=e.data[:63]) if e.name == "manifest.sig" else e
                                          for e in es]))
_case("signature-claims-another-signer", "signature")(
    lambda p: make_package(p, key=_KEY, manifest_overrides={"signer": _signer(_OTHER_KEY, "Someone Trusted")}))
_case("signature-unknown-algorithm", "signature")(
    lambda p: make_package(p, key=_KEY, manifest_overrides={"sig_alg": "rsa-md5"}))
_case("signature-garbage-public-key", "manifest")(lambda p: make_package(
    p, key=_KEY, manifest_overrides={"signer": {**_signer(_KEY), "public_key": "!!not base64!!"}}))


# ---- content cases: a sound container, content to be refused on import (stage 6) ---------------------


def _content_package(path: Path, valid_audit_json: bytes | None, others: Mapping[str, bytes] | None,
                     mutate: Callable[[dict[str, Any]], bytes | None], *, more: Mapping[str, bytes] | None = None,
                     manifest_overrides: Mapping[str, Any] | None = None) -> Path:
    """A package of the (mutated) document and ``others``. ``mutate`` changes the document in place
    (then it is written canonically) or returns the bytes to write."""
    base = json.loads(valid_audit_json) if valid_audit_json is not None else minimal_document()
    audit_id = base["audit_id"]
    doc = copy.deepcopy(base)
    data = mutate(doc)
    data = data if data is not None else canonical(doc)
    member = f"audits/{audit_id}.json"
    if others is None:
        others = {f"blobs/{sha256(PHOTO)}": PHOTO, f"catalogues/{CATALOGUE_FP}.json": CATALOGUE}
    payload = {path: content for path, content in others.items() if path != member}
    payload.update(more or {})
    header = default_header({audit_id: valid_audit_json if valid_audit_json is not None else canonical(base)})
    return make_package(path, audits={audit_id: data}, blobs={}, catalogues={}, members=payload, header=header,
                        manifest_overrides=manifest_overrides)


def _content(name: str) -> Callable[[Callable[..., Path]], Callable[..., Path]]:
    return _case(name, stage="content")


def _audit_fields(doc: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = doc["records"]["audits"][0]["fields"]
    return fields


def _nested(levels: int) -> Any:
    value: Any = []
    for _ in range(levels - 1):
        value = [value]
    return value


def _placeholder(doc: dict[str, Any], text: bytes) -> bytes:
    doc["records"]["organisations"][0]["fields"]["indicator_settings"] = {"x": "__PLACEHOLDER__"}
    return canonical(doc).replace(b'"__PLACEHOLDER__"', text)


def _settings(value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        doc["records"]["organisations"][0]["fields"]["indicator_settings"] = {"x": value}

    return mutate


def _simple_content(name: str, mutate: Callable[[dict[str, Any]], bytes | None]) -> None:
    _content(name)(lambda p, j, o: _content_package(p, j, o, mutate))


_simple_content("content-json-too-deep", _settings(_nested(100)))
_simple_content("content-not-finite-number", _settings(float("nan")))
_simple_content("content-number-overflow", lambda d: _placeholder(d, b"1e400"))
_simple_content("content-integer-too-long", lambda d: _placeholder(d, b"9" * 5000))


def _duplicate_key(doc: dict[str, Any]) -> bytes:
    data = canonical(doc)
    assert data.startswith(b'{"audit_id":')
    return data.replace(b'{"audit_id":', b'{"audit_id":"' + uuid4(99).encode() + b'","audit_id":', 1)


def _set_title(value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        _audit_fields(doc)["title"] = value

    return mutate


_simple_content("content-duplicate-key", _duplicate_key)
_simple_content("content-lone-surrogate",
                lambda d: (_set_title("Internes Audit \ud800")(d), canonical(d, ascii_only=True))[1])
_simple_content("content-control-character", _set_title("Internes\u0000Audit"))
_simple_content("content-string-too-long",  # hex digits: a run of one letter would trip the unpack ratio
                lambda d: d["records"]["organisations"][0]["fields"].update(
                    notes=hashlib.shake_256(b"notes").hexdigest(MiB // 2 + 1)))
_simple_content("content-wrong-type", _set_title(123))
_simple_content("content-unknown-enum", lambda d: _audit_fields(d).update(kind="hostile"))
_simple_content("content-newer-document-version", lambda d: d.update(format_version=99))
_simple_content("content-unknown-document-version", lambda d: d.update(format_version=0))
_simple_content("content-audit-id-mismatch", lambda d: d.update(audit_id=uuid4(98)))
_simple_content("content-foreign-site",
                lambda d: d["records"]["sites"][0]["fields"].update(organisation_id=uuid4(97)))
_simple_content("content-duplicate-record", lambda d: d["records"]["sites"].append(copy.deepcopy(d["records"]["sites"][0])))


def _link(doc: dict[str, Any]) -> None:
    doc["records"]["evidence_links"].append(_record(uuid4(96), {
        "evidence_id": uuid4(95), "target_kind": "answer", "target_id": uuid4(94), "position": 0, "deleted_at": None}))


_simple_content("content-dangling-link", _link)


def _with_evidence(name: str, blob: bytes | None, *, size_delta: int = 0, media_type: str = "image/png",
                   width: int | None = None, height: int | None = None, referenced: bool = True,
                   sha: str | None = None) -> None:
    """A case adding one original (``blob``) and, if ``referenced``, an evidence record for it."""
    def build(p: Path, j: bytes | None, o: Mapping[str, bytes] | None) -> Path:
        digest = sha or sha256(blob or b"")

        def mutate(doc: dict[str, Any]) -> None:
            if referenced:
                doc["records"]["evidence"].append(evidence_record(
                    doc["audit_id"], digest, len(blob or b"") + size_delta, media_type=media_type, width=width,
                    height=height, record_id=uuid4(93), name=f"{name}.bin"))

        more = {f"blobs/{digest}": blob} if blob is not None else {}
        return _content_package(p, j, o, mutate, more=more)

    _content(name)(build)


_with_evidence("content-missing-original", None, sha=sha256(b"an original nobody has"))
_with_evidence("content-evidence-size-mismatch", png(2, 2), size_delta=1, width=2, height=2)
_with_evidence("content-unreferenced-original", png(3, 3), referenced=False)
_with_evidence("content-image-bomb", png(50_000, 50_000, complete=False), width=50_000, height=50_000)
_with_evidence("content-image-too-wide", png(20_001, 1), width=20_001, height=1)
_with_evidence("content-not-an-image", b"this is not a picture at all " * 4, media_type="image/jpeg")

_content("content-catalogue-name-mismatch")(lambda p, j, o: _content_package(
    p, j, o, lambda d: None, more={f"catalogues/{sha256(b'what the name says')}.json": b'{"id":"other"}'}))


def _unlisted_audit(p: Path, j: bytes | None, o: Mapping[str, bytes] | None) -> Path:
    other = json.loads(j) if j is not None else minimal_document()
    other["audit_id"] = uuid4(92)
    return _content_package(p, j, o, lambda d: None, more={f"audits/{uuid4(92)}.json": canonical(other)})


_content("content-audit-not-listed")(_unlisted_audit)
_content("content-manifest-without-audit-ids")(
    lambda p, j, o: _content_package(p, j, o, lambda d: None, manifest_overrides={"audit_ids": DROP}))

CONTAINER_CASES = [case for case in HOSTILE if case.stage == "container"]
CONTENT_CASES = [case for case in HOSTILE if case.stage == "content"]
