"""The ``.oekoaudit`` container: a zip written only by :func:`write_package` and accepted only
if it looks exactly like what it writes (RELIABILITY.md C.1, C.2).

Layout, in this order::

    mimetype          STORED, first, no extra field: application/vnd.oekoaudit+zip
    manifest.json     DEFLATED, canonical JSON: format, version, producer, every member's size and SHA-256
    manifest.sig      STORED, optional: 64-byte Ed25519 signature of the manifest bytes
    audits/<uuid4>.json, catalogues/<sha256>.json, blobs/<sha256>   sorted by name

Member names follow that fixed grammar and nothing else, so no name can ever be a path problem,
and no file name of the user's computer is derived from one: the reader copies members into a
staging folder under names of its own (``m00001`` …).

Reading is a pipeline in which every stage can refuse, and a refused package costs little:

1. (:func:`open_package`) one open handle for the whole reading: the table of contents and the
   manifest are read once, and every member unpacked is checked against that manifest from our own
   copy — a file that changes meanwhile (a USB stick pulled) is refused, never half believed;
2. structure, from the central directory and every local header, before a single member is
   read: member count, name grammar, duplicates (after case folding and NFC), symlink, folder
   and device modes, encryption, compression methods, declared sizes against the limits,
   unpack ratios, overlapping entries (David Fifield's zip bombs; Python 3.11.7 does not catch
   them), hidden data between entries, local header ≠ central directory, ``mimetype`` first;
3. the manifest: size cap, signature over the raw bytes, strict JSON, required fields, version;
4. the set of members equals the manifest's, sizes included;
5. every member is read exactly once, capped at its declared size, its CRC-32 and SHA-256
   computed on the way (and, in :func:`open_package`, written to the staging folder — STORED
   originals by an in-kernel copy, hashed from the copy on a second thread).

:func:`verify_package` never raises for a bad package: it reports every problem it finds
(``Verification.problems``). :func:`open_package` raises :class:`PackageError` naming the first.

Speed (PERFORMANCE.md §3): members are streamed in 1 MiB pieces and never held in memory;
SHA-256 runs on a second thread (hashlib releases the GIL) while this one reads, computes the
CRC and writes, so writing or verifying costs about one SHA-256 pass. JPEGs are STORED: deflating
them saves 0.3 % and costs ten times the time.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import stat
import struct
import threading
import unicodedata
import zipfile
import zlib
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from oekoaudit import durable, i18n
from oekoaudit.errors import N_, PackageCancelled, PackageError
from oekoaudit.exchange import signing, strict_json
from oekoaudit.exchange.limits import DEFAULT_LIMITS, Limits
from oekoaudit.exchange.signing import SigningKey

MIMETYPE = "application/vnd.oekoaudit+zip"
FORMAT = "oekoaudit-package"
#: The major version of the format. A reader refuses a higher one and reads every lower one
#: (through :data:`_UPGRADES`).
FORMAT_VERSION = 1
HASH_ALG = "sha256"
SIG_ALG = "ed25519"

MIMETYPE_MEMBER = "mimetype"
MANIFEST_MEMBER = "manifest.json"
SIGNATURE_MEMBER = "manifest.sig"
FIXED_MEMBERS = (MIMETYPE_MEMBER, MANIFEST_MEMBER, SIGNATURE_MEMBER)

_UUID4 = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
AUDIT_RE = re.compile(rf"\Aaudits/({_UUID4})\.json\Z")
CATALOGUE_RE = re.compile(r"\Acatalogues/([0-9a-f]{64})\.json\Z")
BLOB_RE = re.compile(r"\Ablobs/([0-9a-f]{64})\Z")
_UUID4_RE = re.compile(rf"\A{_UUID4}\Z")
_UUID_RE = re.compile(r"\A[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")
_HEX64_RE = re.compile(r"\A[0-9a-f]{64}\Z")
_KEY_ID_RE = re.compile(r"\A[0-9a-f]{16}\Z")

#: Pure functions turning a manifest of version N into one of version N + 1 (none yet: version 1
#: is the first). The reader applies them in turn, so a package of any older version stays readable.
_UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}

_CHUNK = 1024 * 1024
#: Linux's in-kernel file copy (Python ≥ 3.8 on Linux): unpacking originals without passing them
#: through Python. Elsewhere members are streamed through Python, as DEFLATED ones always are.
_KERNEL_COPY = hasattr(os, "copy_file_range")
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed: the same audits give the same bytes
_FILE_MODE = 0o644 << 16
_UNIX = 3
_ZIP64_FROM = 2 * 1024**3
_MIMETYPE_BYTES = MIMETYPE.encode("ascii")
_ENCRYPTED = 0x0001 | 0x0040 | 0x2000  # traditional, strong, masked central directory
_ALLOWED_FLAGS = 0x0002 | 0x0004 | 0x0800  # deflate options, UTF-8 names
_DOS_FOLDER_OR_LABEL = 0x10 | 0x08
_MAX_CENTRAL_ENTRY = 512  # bytes per central directory entry: 46 + a name of the grammar + zip64 extra
_INLINE = 64 * 1024  # hash smaller pieces on this thread when the worker is idle

_LOCAL = struct.Struct("<4sHHHHHLLLHH")
_END = struct.Struct("<4sHHHHLLH")
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_END = struct.Struct("<4sQHHLLQQQQ")
_LOCAL_SIG, _END_SIG = b"PK\x03\x04", b"PK\x05\x06"
_ZIP64_LOCATOR_SIG, _ZIP64_END_SIG = b"PK\x06\x07", b"PK\x06\x06"

# ---- messages (English msgids; German in the catalogue) ---------------------------------------------

UNREADABLE = N_("The package {path} cannot be read ({detail}).")
NOT_WRITTEN = N_("The package {path} cannot be written ({detail}).")
NOT_UNPACKED = N_("The package cannot be unpacked into {path} ({detail}).")
NO_SPACE = N_("There is not enough free disk space for the package ({needed} bytes needed, {free} free).")
PACKAGE_TOO_LARGE = N_("The package is too large ({size} bytes; at most {limit}).")
NOT_ZIP = N_("The file is not an oekoaudit package (it is not a zip archive).")
TRUNCATED = N_("The package is incomplete: the file ends too early (was it cut off while copying?).")
TRAILING = N_("The package has data after its end (a comment or appended bytes).")
DAMAGED = N_("The package's table of contents is damaged.")
TOO_MANY = N_("The package has too many members ({count}; at most {limit}).")
BAD_NAME = N_("The package contains a member with a name that is not allowed: {member}.")
DUPLICATE = N_("The member {member} appears more than once in the package.")
SYMLINK = N_("The member {member} is a symbolic link.")
NOT_A_FILE = N_("The member {member} is a folder or a device, not a file.")
ENCRYPTED = N_("The member {member} is encrypted.")
FLAGS = N_("The member {member} uses zip features an oekoaudit package does not use (flags {flags}).")
COMPRESSION = N_("The member {member} uses a compression method that is not allowed (method {method}).")
MEMBER_TOO_LARGE = strict_json.TOO_LARGE
TOTAL_TOO_LARGE = N_("The members of the package are too large together ({size} bytes; at most {limit}).")
RATIO = N_("The member {member} expands too much when unpacked ({ratio} times; at most {limit}).")
TWO_SIZES = N_("The member {member} declares two different sizes.")
OVERLAP = N_("The member {member} overlaps another member (a trick of zip bombs).")
HIDDEN_DATA = N_("The package has hidden data before the member {member}.")
HIDDEN_DATA_END = N_("The package has hidden data after its last member.")
HEADER = N_("The member {member} is described differently in its local header and in the table of contents.")
MIMETYPE_NOT_FIRST = N_("The package does not begin with its mimetype member.")
MIMETYPE_STORED = N_("The mimetype member must be stored uncompressed and without extra fields.")
MIMETYPE_WRONG = N_("The mimetype member says {found}, not {expected}.")
NO_MANIFEST = N_("The package has no manifest.json.")
NOT_A_MANIFEST = N_("The member {member} is not the manifest of an oekoaudit package.")
FOREIGN_FORMAT = N_("The file is not an oekoaudit package (format {format}).")
NEWER_VERSION = N_("The package was made by a newer oekoaudit (format version {version}); please update "
                   "oekoaudit to open it.")
UNKNOWN_VERSION = N_("The package has an unknown format version ({version}).")
HASH_ALGORITHM = N_("The package uses a hash algorithm oekoaudit does not know ({name}).")
BAD_FIELD = N_("The member {member} has no valid value for {field}.")
LISTED_BAD_NAME = N_("The manifest lists a member with a name that is not allowed: {member}.")
LISTED_TWICE = N_("The manifest lists the member {member} twice.")
NOT_NAMED_BY_HASH = N_("The member {member} is not named after its SHA-256.")
SIGNATURE_SIZE = N_("The signature {member} is not an Ed25519 signature ({size} bytes instead of 64).")
SIGNATURE_ALGORITHM = N_("The package is signed with an algorithm oekoaudit does not know ({name}).")
SIGNATURE_MISSING = N_("The package says it is signed, but its signature {member} is missing.")
SIGNATURE_UNUSABLE = N_("The package has a signature, but its manifest names no Ed25519 signer.")
SIGNATURE_INVALID = N_("The signature of the package is not valid: the manifest was changed after signing, "
                       "or the signature is forged.")
SIGNER_MISMATCH = N_("The manifest names another signer than the key that signed it.")
UNSIGNED = N_("The package is not signed, but a signature by a trusted key is required.")
UNTRUSTED = N_("The package is signed by {signer}, whose key is not among the trusted keys.")
MISSING = N_("The member {member} is listed in the manifest but missing from the package.")
EXTRA = N_("The member {member} is in the package but not listed in the manifest.")
OTHER_SIZE = N_("The member {member} has another size than the manifest says ({size} bytes instead of {expected}).")
ALTERED = N_("The member {member} has been altered: its SHA-256 does not match the manifest.")
MEMBER_DAMAGED = N_("The member {member} is damaged and cannot be unpacked.")
CHECKSUM = N_("The member {member} is damaged: its checksum does not match.")
SOURCE_NOT_READ = N_("The file of the member {member} cannot be read ({detail}).")
SOURCE_CHANGED = N_("The file of the member {member} changed while the package was written.")
SOURCE_ALTERED = N_("The stored file of the member {member} is damaged: its SHA-256 does not match; "
                    "the package was not written.")
BAD_AUDIT_ID = N_("{value} is not a valid audit id for a package.")
BAD_HASH = N_("{value} is not a valid SHA-256 hash.")


# ---- member names -------------------------------------------------------------------------------------


def audit_member(audit_id: str) -> str:
    """``audits/<audit id>.json``; PackageError if the id is not a lower-case UUID4 (the id may
    come from a package being read)."""
    if not isinstance(audit_id, str) or not _UUID4_RE.match(audit_id):
        raise PackageError(BAD_AUDIT_ID, value=_shown(str(audit_id)))
    return f"audits/{audit_id}.json"


def catalogue_member(fp: str) -> str:
    """``catalogues/<fingerprint>.json`` for a catalogue snapshot's 64-digit SHA-256."""
    return f"catalogues/{_hex64(fp)}.json"


def blob_member(sha: str) -> str:
    """``blobs/<sha256>`` for an evidence original."""
    return f"blobs/{_hex64(sha)}"


def _hex64(value: str) -> str:
    if not isinstance(value, str) or not _HEX64_RE.match(value):
        raise PackageError(BAD_HASH, value=_shown(str(value)))
    return value


def is_member_name(name: str) -> bool:
    """True for the three fixed names and the names of the grammar; nothing else is ever accepted."""
    return name in FIXED_MEMBERS or _is_payload_name(name)


def _is_payload_name(name: Any) -> bool:
    return isinstance(name, str) and bool(AUDIT_RE.match(name) or CATALOGUE_RE.match(name) or BLOB_RE.match(name))


def _size_limit(name: str, limits: Limits) -> int:
    if name == MIMETYPE_MEMBER:
        return len(_MIMETYPE_BYTES)
    if name == MANIFEST_MEMBER:
        return limits.manifest_size
    if name == SIGNATURE_MEMBER:
        return signing.SIGNATURE_SIZE
    if name.startswith("blobs/"):
        return limits.blob_size
    return limits.json_size


# ---- results ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Member:
    """One member to write. ``data`` for small members (JSON), ``source`` for big ones, streamed
    from the file in 1 MiB pieces. ``sha256``, when known (blobs from the content-addressed
    store), is checked while copying: bit rot in the store stops the export."""

    path: str
    media_type: str
    data: bytes | None = None
    source: Path | None = None
    sha256: str | None = None
    compress: bool = True  # DEFLATED (JSON) or STORED (JPEG, PNG, PDF: compressed already)


@dataclass(frozen=True, slots=True)
class WrittenPackage:
    path: Path
    size: int
    package_id: str
    sha256: str  # of the whole file
    manifest: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a package. ``code`` is stable (``--json``); the message is an English
    msgid with its parameters, translated by :meth:`describe`."""

    code: str
    member: str | None
    template: str
    params: dict[str, Any] = field(default_factory=dict)

    def english(self) -> str:
        try:
            return self.template.format(**self.params)
        except (KeyError, IndexError, ValueError):
            return self.template

    def describe(self) -> str:
        """The message in the user's language."""
        return i18n.describe(self)


@dataclass(frozen=True, slots=True)
class SignatureInfo:
    status: str  # "unsigned" | "valid" | "invalid" | "trusted" (valid, and the key is in the trust list)
    key_id: str | None = None
    name: str | None = None
    signed_at: str | None = None  # created_at of the signed manifest: a claim of the signer


_UNSIGNED = SignatureInfo("unsigned")


@dataclass(frozen=True, slots=True)
class Verification:
    path: Path
    size: int
    sha256: str | None  # of the whole file; None if the package was refused before its members were read
    manifest: dict[str, Any] | None  # as parsed (None if unreadable)
    problems: tuple[Problem, ...]
    signature: SignatureInfo
    members: int  # members listed in the manifest

    @property
    def ok(self) -> bool:
        return not self.problems and self.signature.status != "invalid"


@dataclass(frozen=True, slots=True)
class OpenedPackage:
    """A verified package unpacked into a staging folder (which the caller removes)."""

    verification: Verification
    manifest: dict[str, Any]
    staged: dict[str, Path]  # member → its file in the staging folder, in manifest order

    def json(self, member: str, limits: Limits = DEFAULT_LIMITS) -> Any:
        """The strictly parsed JSON of a staged member."""
        path = self.staged.get(member)
        if path is None:
            raise PackageError(MISSING, member=_shown(member))
        with open(path, "rb") as fh:
            data = fh.read(limits.json_size + 1)
        return strict_json.loads(data, limits, what=member)


def _problem(code: str, member: str | None, template: str, **params: Any) -> Problem:
    if member is not None:
        params.setdefault("member", member)
    return Problem(code, member, template, params)


def _refuse(problem: Problem) -> PackageError:
    return PackageError(problem.template, problems=(problem,), **problem.params)


# ---- background hashing and progress -------------------------------------------------------------


class _Worker:
    """One thread running calls in order. hashlib releases the GIL for large buffers, so SHA-256
    on this thread overlaps with reading, CRC-32 and writing on the calling one. At most ``depth``
    calls wait, which bounds the memory held by queued pieces."""

    def __init__(self, depth: int = 4) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="oekoaudit-package")
        self._pending: deque[Future[Any]] = deque()
        self._depth = depth

    def submit(self, fn: Callable[..., Any], *args: Any) -> None:
        while len(self._pending) >= self._depth:
            self._pending.popleft().result()
        self._pending.append(self._pool.submit(fn, *args))

    def idle(self) -> bool:
        """True (and errors raised) when every call submitted so far has run."""
        if not all(future.done() for future in self._pending):
            return False
        self.wait()
        return True

    def wait(self) -> None:
        while self._pending:
            self._pending.popleft().result()

    def __enter__(self) -> _Worker:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._pending.clear()


class _Sha256:
    """SHA-256 fed on a worker thread (in order); small pieces inline when the worker is idle."""

    def __init__(self, worker: _Worker) -> None:
        self._sha = hashlib.sha256()
        self._worker = worker

    def update(self, data: bytes) -> None:
        if len(data) < _INLINE and self._worker.idle():
            self._sha.update(data)
        else:
            self._worker.submit(self._sha.update, data)

    def hexdigest(self) -> str:
        self._worker.wait()
        return self._sha.hexdigest()


class _FileHash:
    """SHA-256 of a zip being written, read back on a second thread from the part already final.

    zipfile writes each member's local header again once the member is complete (with its
    CRC), so the bytes are not final in the order they are written; everything before the
    member being written is. The page cache serves the read-back."""

    def __init__(self, path: Path) -> None:
        # unbuffered: a buffer would keep bytes read ahead that zipfile has not finished yet
        self._file = open(path, "rb", buffering=0)  # noqa: SIM115 - closed in __exit__
        self._sha = hashlib.sha256()
        self._done = 0
        self._worker = _Worker(depth=1 << 16)

    def advance(self, final: int) -> None:
        """Everything before offset ``final`` will not change any more."""
        self._worker.submit(self._hash_to, final)

    def _hash_to(self, final: int) -> None:
        self._file.seek(self._done)
        while self._done < final:
            chunk = self._file.read(min(_CHUNK, final - self._done))
            if not chunk:
                raise OSError("the package became shorter while it was written")
            self._sha.update(chunk)
            self._done += len(chunk)

    def finish(self, size: int) -> str:
        self.advance(size)
        self._worker.wait()
        return self._sha.hexdigest()

    def __enter__(self) -> _FileHash:
        return self

    def __exit__(self, *exc: object) -> None:
        self._worker.__exit__()
        self._file.close()


class _Ticker:
    """Progress (bytes done, bytes in all) at most every MiB, and the cancel check."""

    def __init__(self, progress: Callable[[int, int], None] | None, cancel: threading.Event | None) -> None:
        self._progress = progress
        self._cancel = cancel
        self.done = 0
        self.total = 0
        self._reported = -_CHUNK

    def check(self) -> None:
        if self._cancel is not None and self._cancel.is_set():
            raise PackageCancelled()

    def advance(self, amount: int) -> None:
        self.done += amount
        if self._progress is not None and self.done - self._reported >= _CHUNK:
            self._reported = self.done
            self._progress(min(self.done, self.total), self.total)

    def finish(self) -> None:
        self.done = self.total
        if self._progress is not None:
            self._progress(self.total, self.total)


def _detail(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__


def _shown(text: str, length: int = 100) -> str:
    """A name from a package as it may appear in a message: escaped, printable ASCII, short."""
    shown = text.encode("unicode_escape", "backslashreplace").decode("ascii")
    return shown[:length] + "…" if len(shown) > length else shown


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_time(value: Any) -> bool:
    if not isinstance(value, str) or not 10 <= len(value) <= 64:
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _canonical(manifest: Mapping[str, Any]) -> bytes:
    return json.dumps(manifest, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def _space(folder: Path, needed: int) -> None:
    free = shutil.disk_usage(folder).free
    if needed > free:
        raise PackageError(NO_SPACE, needed=needed, free=free)


# ---- writing ----------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Planned:
    member: Member
    size: int
    sha256: str | None


def write_package(target: Path, members: Sequence[Member], header: Mapping[str, Any], *,
                  key: SigningKey | None = None, signer_name: str = "",
                  progress: Callable[[int, int], None] | None = None,
                  cancel: threading.Event | None = None) -> WrittenPackage:
    """Write a package of ``members`` to ``target``, atomically: a complete file or none.

    ``header`` holds the manifest fields the caller chooses (``package_id`` and ``created_at``
    are required; ``audit_ids``, ``audits``, ``producer``, ``sequence``, ``location_removed`` are
    checked when present); the writer adds ``format``, ``format_version``, ``hash_alg``,
    ``members`` and, with ``key``, ``sig_alg`` and ``signer``. The manifest is checked with the
    reader's own rules first: a package this function writes is one :func:`verify_package` accepts.
    ``progress`` gets (bytes done, bytes in all); ``cancel`` stops with PackageCancelled and
    leaves nothing behind. Same inputs, same bytes."""
    target = Path(target)
    ticker = _Ticker(progress, cancel)
    planned = _plan(members)
    _check_limits(planned, DEFAULT_LIMITS)
    ticker.total = sum(p.size for p in planned) + sum(p.size for p in planned if p.sha256 is None)
    for p in planned:
        if p.sha256 is None:
            p.sha256 = _hash_source(p, ticker)
    manifest = _manifest(header, planned, key, signer_name)
    manifest_bytes = _canonical(manifest)
    _check_own_manifest(manifest_bytes)
    signature = signing.sign_manifest(key, manifest_bytes) if key is not None else None
    hashed = ticker.done
    while True:
        part = target.with_name(f".{target.name}.{secrets.token_hex(6)}.part")
        try:
            size, sha256 = _write_zip(part, manifest_bytes, signature, planned, ticker)
            durable.replace(part, target)
            durable.fsync_dir(target.parent)
            break
        except _TooRedundant as redundant:  # rare: write again, those members STORED
            planned = [replace(p, member=replace(p.member, compress=False)) if p.member.path in redundant.paths
                       else p for p in planned]
            ticker.done = hashed
        except OSError as exc:
            raise PackageError(NOT_WRITTEN, path=str(target), detail=_detail(exc)) from None
        finally:
            with contextlib.suppress(OSError):
                part.unlink()
    ticker.finish()
    return WrittenPackage(target, size, str(manifest["package_id"]), sha256, manifest)


def _plan(members: Sequence[Member]) -> list[_Planned]:
    """Check the members (programming errors raise ValueError) and learn their sizes."""
    planned: dict[str, _Planned] = {}
    for m in members:
        if not _is_payload_name(m.path):
            raise ValueError(f"not a member name of a package: {m.path!r}")
        if m.path in planned:
            raise ValueError(f"the member {m.path} is given twice")
        if (m.data is None) == (m.source is None):
            raise ValueError(f"the member {m.path} needs either data or a source file")
        if not isinstance(m.media_type, str) or not 0 < len(m.media_type) <= 255:
            raise ValueError(f"the member {m.path} needs a media type")
        if m.sha256 is not None and not _HEX64_RE.match(m.sha256):
            raise ValueError(f"not a SHA-256 for {m.path}: {m.sha256!r}")
        if m.data is not None:
            sha = hashlib.sha256(m.data).hexdigest()
            if m.sha256 is not None and m.sha256 != sha:
                raise PackageError(SOURCE_ALTERED, member=m.path)
            planned[m.path] = _Planned(m, len(m.data), sha)
            continue
        try:
            info = os.stat(m.source)  # type: ignore[arg-type]
        except OSError as exc:
            raise PackageError(SOURCE_NOT_READ, member=m.path, detail=_detail(exc)) from None
        if not stat.S_ISREG(info.st_mode):
            raise PackageError(SOURCE_NOT_READ, member=m.path, detail="not a file")
        planned[m.path] = _Planned(m, info.st_size, m.sha256)
    return [planned[path] for path in sorted(planned)]


def _check_limits(planned: Sequence[_Planned], limits: Limits) -> None:
    """Refuse before writing what every reader would refuse after."""
    if len(planned) + len(FIXED_MEMBERS) > limits.members:
        raise PackageError(TOO_MANY, count=len(planned) + len(FIXED_MEMBERS), limit=limits.members)
    for p in planned:
        limit = _size_limit(p.member.path, limits)
        if p.size > limit:
            raise PackageError(MEMBER_TOO_LARGE, member=p.member.path, size=p.size, limit=limit)
    total = sum(p.size for p in planned)
    if total > limits.total_size:
        raise PackageError(TOTAL_TOO_LARGE, size=total, limit=limits.total_size)
    stored = sum(p.size for p in planned if not p.member.compress)
    if stored > limits.package_size:
        raise PackageError(PACKAGE_TOO_LARGE, size=stored, limit=limits.package_size)


def _hash_source(p: _Planned, ticker: _Ticker) -> str:
    sha = hashlib.sha256()
    try:
        with open(p.member.source, "rb") as src:  # type: ignore[arg-type]
            while chunk := src.read(_CHUNK):
                ticker.check()
                sha.update(chunk)
                ticker.advance(len(chunk))
    except OSError as exc:
        raise PackageError(SOURCE_NOT_READ, member=p.member.path, detail=_detail(exc)) from None
    return sha.hexdigest()


def _manifest(header: Mapping[str, Any], planned: Sequence[_Planned], key: SigningKey | None,
              signer_name: str) -> dict[str, Any]:
    owned = {"format", "format_version", "hash_alg", "sig_alg", "signer", "members"} & set(header)
    if owned:
        raise ValueError(f"the writer sets these manifest fields itself: {sorted(owned)}")
    manifest = dict(header)
    manifest.update(format=FORMAT, format_version=FORMAT_VERSION, hash_alg=HASH_ALG, members=[
        {"path": p.member.path, "size": p.size, "sha256": p.sha256, "media_type": p.member.media_type}
        for p in planned])
    if key is not None:
        public = signing.public_key_raw(key)
        manifest["sig_alg"] = SIG_ALG
        manifest["signer"] = {"key_id": signing.key_id(public), "name": signer_name,
                              "public_key": base64.b64encode(public).decode("ascii")}
    return manifest


def _check_own_manifest(manifest_bytes: bytes) -> None:
    limits = DEFAULT_LIMITS
    if len(manifest_bytes) > limits.manifest_size:
        raise PackageError(MEMBER_TOO_LARGE, member=MANIFEST_MEMBER, size=len(manifest_bytes),
                           limit=limits.manifest_size)
    _manifest_checked, problems = _check_manifest(strict_json.loads(manifest_bytes, limits, what=MANIFEST_MEMBER),
                                                  limits)
    if problems:
        first = problems[0]
        raise PackageError(first.template, problems=problems, **first.params)


def _info(name: str, size: int, compress: bool) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.external_attr = _FILE_MODE
    info.create_system = _UNIX  # also on Windows: the same bytes everywhere
    info.file_size = size  # known before: no data descriptor, zip64 only where needed
    return info


class _TooRedundant(Exception):
    """Members that DEFLATE packed more tightly than a reader accepts (a JSON of one repeated
    text): they are written STORED instead, which has no ratio limit."""

    def __init__(self, paths: set[str]) -> None:
        super().__init__(sorted(paths))
        self.paths = paths


def _write_zip(part: Path, manifest_bytes: bytes, signature: bytes | None, planned: Sequence[_Planned],
               ticker: _Ticker) -> tuple[int, str]:
    redundant: set[str] = set()
    with open(part, "xb") as fh, _FileHash(part) as file_hash, _Worker() as worker:
        with zipfile.ZipFile(fh, "w", allowZip64=True) as zf:
            _write_data(zf, MIMETYPE_MEMBER, _MIMETYPE_BYTES, compress=False)
            _write_data(zf, MANIFEST_MEMBER, manifest_bytes, compress=True)
            if signature is not None:
                _write_data(zf, SIGNATURE_MEMBER, signature, compress=False)
            file_hash.advance(fh.tell())
            for p in planned:
                if p.member.data is not None:
                    ticker.check()
                    _write_data(zf, p.member.path, p.member.data, compress=p.member.compress)
                    ticker.advance(p.size)
                else:
                    _copy(zf, p, worker, ticker)
                info = zf.getinfo(p.member.path)
                if info.compress_type == zipfile.ZIP_DEFLATED and \
                        info.file_size > DEFAULT_LIMITS.ratio * max(info.compress_size, 1):
                    redundant.add(p.member.path)
                file_hash.advance(fh.tell())  # zipfile is back at the end: all before it is final
        if redundant:
            raise _TooRedundant(redundant)
        fh.flush()
        os.fsync(fh.fileno())
        size = fh.tell()
        return size, file_hash.finish(size)


def _write_data(zf: zipfile.ZipFile, name: str, data: bytes, *, compress: bool) -> None:
    with zf.open(_info(name, len(data), compress), "w") as dst:
        dst.write(data)


def _copy(zf: zipfile.ZipFile, p: _Planned, worker: _Worker, ticker: _Ticker) -> None:
    """Stream one file into the zip in 1 MiB pieces, hashing on the worker; the file must have
    the size and the SHA-256 the manifest already says."""
    m = p.member
    sha = _Sha256(worker)
    done = 0
    try:
        src = open(m.source, "rb")  # type: ignore[arg-type]  # noqa: SIM115
    except OSError as exc:
        raise PackageError(SOURCE_NOT_READ, member=m.path, detail=_detail(exc)) from None
    with src, zf.open(_info(m.path, p.size, m.compress), "w", force_zip64=p.size >= _ZIP64_FROM) as dst:
        while True:
            ticker.check()
            try:
                chunk = src.read(min(_CHUNK, p.size - done + 1))  # one byte more: a grown file shows
            except OSError as exc:
                raise PackageError(SOURCE_NOT_READ, member=m.path, detail=_detail(exc)) from None
            if not chunk:
                break
            done += len(chunk)
            if done > p.size:
                raise PackageError(SOURCE_CHANGED, member=m.path)
            dst.write(chunk)
            sha.update(chunk)
            ticker.advance(len(chunk))
    if done != p.size:
        raise PackageError(SOURCE_CHANGED, member=m.path)
    if sha.hexdigest() != p.sha256:
        raise PackageError(SOURCE_ALTERED, member=m.path)


# ---- the manifest ---------------------------------------------------------------------------------


def _field(name: str) -> Problem:
    return _problem("manifest", MANIFEST_MEMBER, BAD_FIELD, field=name)


def _check_manifest(value: Any, limits: Limits) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The manifest after upgrading, and what is wrong with it (stage 3)."""
    if not isinstance(value, dict):
        return None, [_problem("manifest", MANIFEST_MEMBER, NOT_A_MANIFEST)]
    if value.get("format") != FORMAT:
        return value, [_problem("manifest", None, FOREIGN_FORMAT, format=_shown(str(value.get("format"))))]
    version = value.get("format_version")
    if not _is_int(version):
        return value, [_field("format_version")]
    if version > FORMAT_VERSION:
        return value, [_problem("version", None, NEWER_VERSION, version=_shown(str(version), 20))]
    while version < FORMAT_VERSION:
        upgrade = _UPGRADES.get(version)
        if upgrade is None:
            return value, [_problem("version", None, UNKNOWN_VERSION, version=_shown(str(version), 20))]
        value = upgrade(value)
        version = value["format_version"]
    problems: list[Problem] = []
    if value.get("hash_alg") != HASH_ALG:
        problems.append(_problem("manifest", None, HASH_ALGORITHM,
                                 name=_shown(str(value.get("hash_alg")), 40)))
    for name, (required, valid) in _FIELDS.items():
        if name in value:
            if not valid(value[name]):
                problems.append(_field(name))
        elif required:
            problems.append(_field(name))
    problems.extend(_check_listed(value.get("members"), limits))
    problems.extend(_check_signer(value))
    return value, problems


def _is_audit_ids(value: Any) -> bool:
    return (isinstance(value, list) and len(set(map(str, value))) == len(value)
            and all(isinstance(v, str) and _UUID4_RE.match(v) for v in value))


_FIELDS: dict[str, tuple[bool, Callable[[Any], bool]]] = {
    "package_id": (True, lambda v: isinstance(v, str) and bool(_UUID_RE.match(v))),
    "created_at": (True, _is_time),
    "members": (True, lambda v: isinstance(v, list)),
    "audit_ids": (False, _is_audit_ids),
    "audits": (False, lambda v: isinstance(v, list) and all(isinstance(a, dict) for a in v)),
    "producer": (False, lambda v: isinstance(v, dict)),
    "sequence": (False, lambda v: _is_int(v) and v >= 0),
    "location_removed": (False, lambda v: isinstance(v, bool)),
}
_MEMBER_KEYS = frozenset({"path", "size", "sha256", "media_type"})


def _check_listed(members: Any, limits: Limits) -> list[Problem]:
    """Every entry of ``members``: a name of the grammar, once; a size; a SHA-256; a media type."""
    if not isinstance(members, list):
        return []  # reported as a field already
    if len(members) > limits.members:
        return [_problem("too-many", None, TOO_MANY, count=len(members), limit=limits.members)]
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, entry in enumerate(members):
        where = f"members[{index}]"
        if not isinstance(entry, dict) or set(entry) != _MEMBER_KEYS:
            problems.append(_field(where))
            continue
        path = entry["path"]
        if not _is_payload_name(path):
            problems.append(_problem("name", _shown(str(path)), LISTED_BAD_NAME))
            continue
        if path in seen:
            problems.append(_problem("duplicate", path, LISTED_TWICE))
            continue
        seen.add(path)
        if not _is_int(entry["size"]) or entry["size"] < 0:
            problems.append(_field(f"{where}.size"))
        sha = entry["sha256"]
        if not isinstance(sha, str) or not _HEX64_RE.match(sha):
            problems.append(_field(f"{where}.sha256"))
        elif BLOB_RE.match(path) and path.removeprefix("blobs/") != sha:
            problems.append(_problem("manifest", path, NOT_NAMED_BY_HASH))
        media_type = entry["media_type"]
        if not isinstance(media_type, str) or not 0 < len(media_type) <= 255:
            problems.append(_field(f"{where}.media_type"))
    return problems


def _check_signer(manifest: Mapping[str, Any]) -> list[Problem]:
    if "sig_alg" in manifest and manifest["sig_alg"] != SIG_ALG:
        return [_problem("signature", None, SIGNATURE_ALGORITHM,
                         name=_shown(str(manifest["sig_alg"]), 40))]
    if "signer" not in manifest:
        return []
    signer = manifest["signer"]
    if not isinstance(signer, dict) or set(signer) != {"key_id", "name", "public_key"}:
        return [_field("signer")]
    problems = []
    if not isinstance(signer["name"], str) or len(signer["name"]) > 200:
        problems.append(_field("signer.name"))
    public = _public_key(signer)
    if public is None:
        problems.append(_field("signer.public_key"))
    elif signer["key_id"] != signing.key_id(public):
        problems.append(_field("signer.key_id"))
    return problems


def _public_key(signer: Any) -> bytes | None:
    """The raw public key a manifest's ``signer`` names, if it names one properly."""
    if not isinstance(signer, dict) or not isinstance(signer.get("public_key"), str):
        return None
    try:
        raw = base64.b64decode(signer["public_key"].encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        return None
    return raw if len(raw) == signing.PUBLIC_KEY_SIZE else None


def _signature(manifest_bytes: bytes, signature: bytes | None, manifest: Any, trusted: bytes | None
               ) -> tuple[SignatureInfo, list[Problem]]:
    """Who signed the manifest, and whether the signature holds. ``trusted`` is the key of the
    trust list that verified the raw bytes (found before they were parsed)."""
    manifest = manifest if isinstance(manifest, dict) else {}
    signer = manifest.get("signer") if isinstance(manifest.get("signer"), dict) else {}
    key_id = signer.get("key_id") if isinstance(signer.get("key_id"), str) else None
    name = signer.get("name") if isinstance(signer.get("name"), str) else None
    signed_at = manifest.get("created_at") if isinstance(manifest.get("created_at"), str) else None

    def info(status: str) -> SignatureInfo:
        return SignatureInfo(status, key_id, name, signed_at if status in ("valid", "trusted") else None)

    if signature is None:
        if "sig_alg" in manifest or "signer" in manifest:  # a signature was removed
            return info("invalid"), [_problem("signature", SIGNATURE_MEMBER, SIGNATURE_MISSING)]
        return _UNSIGNED, []
    claimed = _public_key(signer)
    if manifest.get("sig_alg") != SIG_ALG or claimed is None:
        return info("invalid"), [_problem("signature", None, SIGNATURE_UNUSABLE)]
    if trusted is not None:
        if claimed != trusted:
            return info("invalid"), [_problem("signature", None, SIGNER_MISMATCH)]
        return info("trusted"), []
    if signing.verify_manifest(claimed, manifest_bytes, signature):
        return info("valid"), []
    return info("invalid"), [_problem("signature", None, SIGNATURE_INVALID)]


# ---- reading ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Entry:
    info: zipfile.ZipInfo
    name: str  # the name as stored (zipfile cuts names at a NUL byte; we do not)
    index: int  # position in the central directory
    data_offset: int = -1
    end: int = -1

    @property
    def shown(self) -> str:
        return _shown(self.name)


class _Reader:
    """Stages 2 to 5 over one open package file. Problems accumulate in ``problems``; each stage
    returns False when the next one must not run."""

    def __init__(self, fh: BinaryIO, size: int, limits: Limits, ticker: _Ticker) -> None:
        self.fh = fh
        self.size = size
        self.limits = limits
        self.ticker = ticker
        self.problems: list[Problem] = []
        self.entries: list[_Entry] = []  # by offset, once the local headers are read
        self.by_name: dict[str, _Entry] = {}
        self.central_offset = 0

    def add(self, code: str, member: str | None, template: str, **params: Any) -> None:
        self.problems.append(_problem(code, member, template, **params))

    def read_at(self, offset: int, length: int) -> bytes:
        self.fh.seek(offset)
        return self.fh.read(length)

    # -- stage 2: structure --------------------------------------------------------------------------

    def structure(self) -> bool:
        """Everything about the zip that can be known without reading a member."""
        if self.size > self.limits.package_size:
            self.add("too-large", None, PACKAGE_TOO_LARGE, size=self.size, limit=self.limits.package_size)
            return False
        if self.read_at(0, 4) != _LOCAL_SIG:
            self.add("not-zip", None, NOT_ZIP)
            return False
        end = self._end_record()
        if end is None:
            return False
        count, self.central_offset = end
        try:
            with zipfile.ZipFile(self.fh) as zf:  # parses the central directory only
                infos, start = zf.infolist(), zf.start_dir
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, EOFError,
                OverflowError, struct.error):
            self.add("damaged", None, DAMAGED)
            return False
        if len(infos) != count or start != self.central_offset:
            self.add("damaged", None, DAMAGED)
            return False
        seen: set[str] = set()
        for index, info in enumerate(infos):
            self._check_entry(_Entry(info, info.orig_filename, index), seen)
        self._check_totals(infos)
        if self.problems:
            return False
        self._local_headers()
        if self.problems:
            return False
        mimetype = self.entries[0]
        found = self.read_at(mimetype.data_offset, mimetype.info.compress_size)
        if found != _MIMETYPE_BYTES:
            self.add("mimetype", MIMETYPE_MEMBER, MIMETYPE_WRONG, found=_shown(found.decode("latin-1"), 60),
                     expected=MIMETYPE)
        return not self.problems

    def _end_record(self) -> tuple[int, int] | None:
        """(entries, offset of the central directory) from the end records; the end record must
        close the file (no comment, nothing appended), and the central directory must end where it
        begins."""
        size = self.size
        record = self.read_at(size - _END.size, _END.size) if size >= _END.size else b""
        if len(record) != _END.size or record[:4] != _END_SIG or record[-2:] != b"\0\0":
            tail = self.read_at(max(0, size - 65_536 - _END.size), 65_536 + _END.size)
            found = tail.rfind(_END_SIG)
            if found >= 0 and found + _END.size <= len(tail):  # a whole end record, then more bytes
                self.add("gap", None, TRAILING)
            else:
                self.add("truncated", None, TRUNCATED)
            return None
        _sig, disk, central_disk, on_disk, count, central_size, central_offset, _comment = _END.unpack(record)
        central_end = size - _END.size
        if disk or central_disk or on_disk != count:
            self.add("damaged", None, DAMAGED)
            return None
        locator = self.read_at(central_end - _ZIP64_LOCATOR.size, _ZIP64_LOCATOR.size) if central_end >= 20 else b""
        if locator[:4] == _ZIP64_LOCATOR_SIG:
            found = self._zip64_end(locator, count, central_size, central_offset)
            if found is None:
                self.add("damaged", None, DAMAGED)
                return None
            count, central_size, central_offset, central_end = found
        if count > self.limits.members:
            self.add("too-many", None, TOO_MANY, count=count, limit=self.limits.members)
            return None
        if central_offset + central_size != central_end or central_size > max(count, 1) * _MAX_CENTRAL_ENTRY:
            self.add("damaged", None, DAMAGED)
            return None
        return count, central_offset

    def _zip64_end(self, locator: bytes, count: int, central_size: int, central_offset: int
                   ) -> tuple[int, int, int, int] | None:
        _sig, disk, record_offset, disks = _ZIP64_LOCATOR.unpack(locator)
        if disk != 0 or disks != 1 or record_offset + _ZIP64_END.size != self.size - _END.size - _ZIP64_LOCATOR.size:
            return None
        record = self.read_at(record_offset, _ZIP64_END.size)
        if len(record) != _ZIP64_END.size or record[:4] != _ZIP64_END_SIG:
            return None
        (_sig, record_size, _made_by, _needed, disk, central_disk, on_disk, count64, size64,
         offset64) = _ZIP64_END.unpack(record)
        if record_size != _ZIP64_END.size - 12 or disk or central_disk or on_disk != count64:
            return None
        # the classic record holds the same values, or its "see zip64" markers
        if (count not in (count64, 0xFFFF) or central_size not in (size64, 0xFFFFFFFF)
                or central_offset not in (offset64, 0xFFFFFFFF)):
            return None
        return count64, size64, offset64, record_offset

    def _check_entry(self, entry: _Entry, seen: set[str]) -> None:
        info, name, shown = entry.info, entry.name, entry.shown
        if not is_member_name(name) or name != info.filename:
            self.add("name", shown, BAD_NAME)
        folded = unicodedata.normalize("NFC", name).casefold()
        if folded in seen:
            self.add("duplicate", shown, DUPLICATE)
        seen.add(folded)
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            self.add("symlink", shown, SYMLINK)
        elif stat.S_IFMT(mode) not in (0, stat.S_IFREG) or info.external_attr & _DOS_FOLDER_OR_LABEL:
            self.add("mode", shown, NOT_A_FILE)
        if info.flag_bits & _ENCRYPTED:
            self.add("encrypted", shown, ENCRYPTED)
        elif info.flag_bits & ~_ALLOWED_FLAGS:
            self.add("flags", shown, FLAGS, flags=f"0x{info.flag_bits:04x}")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            self.add("compression", shown, COMPRESSION, method=info.compress_type)
        if info.volume != 0:
            self.add("damaged", shown, DAMAGED)
        if is_member_name(name) and info.file_size > _size_limit(name, self.limits):
            self.add("too-large", shown, MEMBER_TOO_LARGE, size=info.file_size,
                     limit=_size_limit(name, self.limits))
        if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
            self.add("size", shown, TWO_SIZES)
        elif (info.compress_type == zipfile.ZIP_DEFLATED
              and info.file_size > self.limits.ratio * max(info.compress_size, 1)):
            self.add("ratio", shown, RATIO, ratio=info.file_size // max(info.compress_size, 1),
                     limit=self.limits.ratio)
        if entry.index == 0:
            if name != MIMETYPE_MEMBER or info.header_offset != 0:
                self.add("mimetype", None, MIMETYPE_NOT_FIRST)
            elif info.compress_type != zipfile.ZIP_STORED or info.extra:
                self.add("mimetype", MIMETYPE_MEMBER, MIMETYPE_STORED)
        self.entries.append(entry)
        self.by_name.setdefault(name, entry)

    def _check_totals(self, infos: Sequence[zipfile.ZipInfo]) -> None:
        if not infos:
            self.add("mimetype", None, MIMETYPE_NOT_FIRST)
        total = sum(info.file_size for info in infos)
        if total > self.limits.total_size:
            self.add("too-large", None, TOTAL_TOO_LARGE, size=total, limit=self.limits.total_size)

    def _local_headers(self) -> None:
        """Each local header must repeat the central directory, and the entries must follow one
        another without overlap or gap, from offset 0 to the central directory."""
        self.entries.sort(key=lambda e: (e.info.header_offset, e.index))
        position = 0
        for entry in self.entries:
            info, start = entry.info, entry.info.header_offset
            if start < position:
                self.add("overlap", entry.shown, OVERLAP)
            elif start > position:
                self.add("gap", entry.shown, HIDDEN_DATA)
            head = self.read_at(start, _LOCAL.size)
            if len(head) != _LOCAL.size or head[:4] != _LOCAL_SIG:
                self.add("header", entry.shown, HEADER)
                position = max(position, start + 1)
                continue
            _sig, _version, flags, method, _time, _date, crc, packed, size, name_length, extra_length = \
                _LOCAL.unpack(head)
            name = self.read_at(start + _LOCAL.size, name_length)
            extra = self.read_at(start + _LOCAL.size + name_length, extra_length)
            packed, size = _zip64_sizes(extra, packed, size)
            if (name != entry.name.encode("ascii") or len(extra) != extra_length or flags != info.flag_bits
                    or method != info.compress_type or crc != info.CRC or packed != info.compress_size
                    or size != info.file_size):
                self.add("header", entry.shown, HEADER)
            elif entry.name == MIMETYPE_MEMBER and extra:
                self.add("mimetype", MIMETYPE_MEMBER, MIMETYPE_STORED)
            entry.data_offset = start + _LOCAL.size + name_length + extra_length
            entry.end = entry.data_offset + info.compress_size
            position = max(position, entry.end)
        if position > self.central_offset:
            self.add("overlap", self.entries[-1].shown if self.entries else None, OVERLAP)
        elif position < self.central_offset:
            self.add("gap", None, HIDDEN_DATA_END)

    # -- stage 3: the manifest --------------------------------------------------------------------

    def manifest(self, trust: Sequence[bytes]) -> tuple[dict[str, Any] | None, SignatureInfo]:
        """The manifest and its signature. The signature is checked against the trust list on the
        raw bytes, before they are parsed."""
        entry = self.by_name.get(MANIFEST_MEMBER)
        if entry is None:
            self.add("manifest", None, NO_MANIFEST)
            return None, _UNSIGNED
        raw = self.read_small(entry)
        if raw is None:
            return None, _UNSIGNED
        signature = None
        sig_entry = self.by_name.get(SIGNATURE_MEMBER)
        if sig_entry is not None:
            if sig_entry.info.file_size != signing.SIGNATURE_SIZE:
                self.add("signature", SIGNATURE_MEMBER, SIGNATURE_SIZE, size=sig_entry.info.file_size)
                return None, SignatureInfo("invalid")
            signature = self.read_small(sig_entry)
            if signature is None:
                return None, SignatureInfo("invalid")
        trusted = next((bytes(k) for k in trust if signature is not None
                        and signing.verify_manifest(bytes(k), raw, signature)), None)
        try:
            parsed = strict_json.loads(raw, self.limits, what=MANIFEST_MEMBER)
        except PackageError as exc:
            self.problems.append(Problem("json", MANIFEST_MEMBER, exc.template, dict(exc.params)))
            return None, SignatureInfo("trusted" if trusted else "invalid") if signature is not None else _UNSIGNED
        manifest, problems = _check_manifest(parsed, self.limits)
        self.problems.extend(problems)
        info, signature_problems = _signature(raw, signature, manifest, trusted)
        self.problems.extend(signature_problems)
        return manifest, info

    def read_small(self, entry: _Entry) -> bytes | None:
        """A member's bytes (manifest, signature: small, capped by the limits already)."""
        pieces: list[bytes] = []
        problem = self.stream(entry, pieces.append, None)
        if problem is not None:
            self.problems.append(problem)
            return None
        return b"".join(pieces)

    # -- stages 4 and 5: the members ---------------------------------------------------------------

    def members(self, manifest: Mapping[str, Any], staging: Path | None, whole: _Sha256 | None
                ) -> dict[str, Path]:
        """Compare the zip's members with the manifest's, then read every member once (in file
        order), checking size, CRC-32 and SHA-256; with ``staging``, write each into it under
        a name of our own. ``whole`` is fed every byte of the file, in order."""
        listed = {m["path"]: (index, m) for index, m in enumerate(manifest["members"])}
        in_zip = {e.name: e for e in self.entries if e.name not in FIXED_MEMBERS}
        for path in listed:
            if path not in in_zip:
                self.add("missing", path, MISSING)
        to_check: dict[str, tuple[int, Mapping[str, Any]]] = {}
        for name, entry in in_zip.items():
            if name not in listed:
                self.add("extra", entry.shown, EXTRA)
            elif entry.info.file_size != listed[name][1]["size"]:
                self.add("size", name, OTHER_SIZE, size=entry.info.file_size, expected=listed[name][1]["size"])
            else:
                to_check[name] = listed[name]
        if self.problems:
            staging = None  # a refused package is not unpacked
        elif staging is not None:
            _space(staging, sum(m["size"] for _i, m in to_check.values()))
        staged: dict[str, Path] = {}
        with _Worker() as worker, ThreadPoolExecutor(max_workers=1, thread_name_prefix="oekoaudit-digest") as digests:
            deferred: list[tuple[_Entry, Mapping[str, Any], Path, Future[tuple[str, int]]]] = []
            for entry in self.entries:
                if whole is not None:
                    whole.update(self.read_at(entry.info.header_offset, entry.data_offset - entry.info.header_offset))
                if entry.name in to_check:
                    index, listing = to_check[entry.name]
                    target = staging / f"m{index + 1:05d}" if staging is not None else None
                    if (target is not None and whole is None and entry.info.compress_type == zipfile.ZIP_STORED
                            and _KERNEL_COPY):
                        # copied now, checked on the other thread while the next member is copied
                        if self.copy_stored(entry, target):
                            deferred.append((entry, listing, target, digests.submit(_digest, target)))
                    elif self._check_member(entry, listing, target, worker, whole) and target is not None:
                        staged[entry.name] = target
                elif whole is not None:
                    self.stream(entry, None, whole)
                else:
                    self.ticker.advance(entry.info.compress_size)
            for entry, listing, target, future in deferred:
                sha, crc = future.result()
                if crc != entry.info.CRC:
                    self.add("damaged", entry.shown, CHECKSUM)
                elif sha != listing["sha256"]:
                    self.add("altered", entry.name, ALTERED)
                else:
                    staged[entry.name] = target
        if whole is not None:
            whole.update(self.read_at(self.central_offset, self.size - self.central_offset))
        return {path: staged[path] for path in listed if path in staged}

    def _check_member(self, entry: _Entry, listing: Mapping[str, Any], target: Path | None, worker: _Worker,
                      whole: _Sha256 | None) -> bool:
        sha = _Sha256(worker)
        if target is None:
            problem = self.stream(entry, sha.update, whole)
        else:
            try:
                out = open(target, "xb")  # noqa: SIM115
            except OSError as exc:
                raise PackageError(NOT_UNPACKED, path=str(target.parent), detail=_detail(exc)) from None
            with out:
                problem = self.stream(entry, _tee(sha.update, out, target), whole)
        if problem is not None:
            self.problems.append(problem)
            return False
        if sha.hexdigest() != listing["sha256"]:
            self.add("altered", entry.name, ALTERED)
            return False
        return True

    def copy_stored(self, entry: _Entry, target: Path) -> bool:
        """Unpack a STORED member (an original: a photo, a PDF) by a copy inside the kernel
        (``copy_file_range``); its SHA-256 and CRC-32 are then taken of *our copy*
        (:func:`_digest`, on another thread while the next member is copied).

        Writing a gigabyte through Python costs several times the kernel's copy on our machines
        (PERFORMANCE.md §3); and since the hash is taken of the copy, what is checked is exactly
        what will be kept, however the package file changes meanwhile."""
        info = entry.info
        try:
            out = open(target, "xb")  # noqa: SIM115
        except OSError as exc:
            raise PackageError(NOT_UNPACKED, path=str(target.parent), detail=_detail(exc)) from None
        with out:
            offset, remaining = entry.data_offset, info.compress_size
            while remaining:
                self.ticker.check()
                try:
                    copied = os.copy_file_range(self.fh.fileno(), out.fileno(), min(remaining, 8 * _CHUNK), offset)
                except OSError as exc:
                    raise PackageError(NOT_UNPACKED, path=str(target.parent), detail=_detail(exc)) from None
                if copied <= 0:
                    self.add("damaged", entry.shown, MEMBER_DAMAGED)
                    return False
                offset += copied
                remaining -= copied
                self.ticker.advance(copied)
        return True

    def stream(self, entry: _Entry, consume: Callable[[bytes], Any] | None, whole: _Sha256 | None
               ) -> Problem | None:
        """Read ``entry``'s data once, pass the unpacked pieces to ``consume`` and every raw piece
        to ``whole``. Never more than the declared size is unpacked; a longer or shorter stream, a
        broken DEFLATE stream or a wrong CRC is a problem. With ``whole`` the data is read to its
        end even after a problem, so the file's hash stays complete."""
        info = entry.info
        self.fh.seek(entry.data_offset)
        remaining = info.compress_size
        inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
        produced = crc = 0
        problem: Problem | None = None
        while remaining:
            self.ticker.check()
            chunk = self.fh.read(min(_CHUNK, remaining))
            if not chunk:
                return _problem("damaged", entry.shown, MEMBER_DAMAGED)
            remaining -= len(chunk)
            self.ticker.advance(len(chunk))
            if whole is not None:
                whole.update(chunk)
            if consume is None or problem is not None:
                continue
            try:
                for piece in _inflate(inflater, chunk) if inflater is not None else (chunk,):
                    produced += len(piece)
                    if produced > info.file_size:
                        raise zlib.error("longer than declared")
                    crc = zlib.crc32(piece, crc)
                    consume(piece)
            except zlib.error:
                problem = _problem("damaged", entry.shown, MEMBER_DAMAGED)
            if problem is not None and whole is None:
                return problem
        if problem is not None or consume is None:
            return problem
        if inflater is not None and (not inflater.eof or inflater.unused_data):
            return _problem("damaged", entry.shown, MEMBER_DAMAGED)
        if produced != info.file_size:
            return _problem("damaged", entry.shown, MEMBER_DAMAGED)
        if crc != info.CRC:
            return _problem("damaged", entry.shown, CHECKSUM)
        return None


def _digest(path: Path) -> tuple[str, int]:
    """SHA-256 and CRC-32 of a file we wrote (both release the GIL on large pieces)."""
    sha, crc = hashlib.sha256(), 0
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            crc = zlib.crc32(chunk, crc)
            sha.update(chunk)
    return sha.hexdigest(), crc


def _inflate(inflater: Any, chunk: bytes) -> Iterator[bytes]:
    """The unpacked pieces of ``chunk``, at most 1 MiB each (a bomb never fills memory). A full
    piece may leave output pending inside zlib even when all input is consumed: ask again."""
    data = chunk
    while not inflater.eof:
        piece = inflater.decompress(data, _CHUNK)
        if piece:
            yield piece
        data = inflater.unconsumed_tail
        if not data and len(piece) < _CHUNK:
            break


def _tee(update: Callable[[bytes], Any], out: BinaryIO, target: Path) -> Callable[[bytes], None]:
    def consume(piece: bytes) -> None:
        update(piece)
        try:
            out.write(piece)
        except OSError as exc:
            raise PackageError(NOT_UNPACKED, path=str(target.parent), detail=_detail(exc)) from None

    return consume


def _zip64_sizes(extra: bytes, packed: int, size: int) -> tuple[int, int]:
    """The sizes of a local header, taken from its zip64 extra field where it says 0xFFFFFFFF."""
    if packed != 0xFFFFFFFF and size != 0xFFFFFFFF:
        return packed, size
    position = 0
    while position + 4 <= len(extra):
        kind, length = struct.unpack_from("<HH", extra, position)
        body = extra[position + 4:position + 4 + length]
        if kind == 1:
            values = [v for (v,) in struct.iter_unpack("<Q", body[:len(body) // 8 * 8])]
            if size == 0xFFFFFFFF and values:
                size = values.pop(0)
            if packed == 0xFFFFFFFF and values:
                packed = values.pop(0)
            break
        position += 4 + length
    return packed, size


def _examine(fh: BinaryIO, path: Path, size: int, *, trust: Sequence[bytes], limits: Limits, ticker: _Ticker,
             staging: Path | None = None, file_sha256: str | None = None, require_trusted: bool = False,
             hash_file: bool = True) -> tuple[Verification, dict[str, Path]]:
    """Stages 2 to 5. With ``file_sha256`` (known) or ``hash_file=False`` the whole file is not hashed
    (every member is, in any case)."""
    reader = _Reader(fh, size, limits, ticker)
    manifest: dict[str, Any] | None = None
    signature = _UNSIGNED
    staged: dict[str, Path] = {}
    sha256 = file_sha256
    try:
        if reader.structure():
            manifest, signature = reader.manifest(trust)
            if require_trusted and signature.status in ("unsigned", "valid"):
                reader.problems.insert(0, _untrusted(signature))
            # a bad signature does not stop the checks: which members were altered is worth knowing
            if manifest is not None and all(p.code == "signature" for p in reader.problems):
                with _Worker() as worker:
                    whole = _Sha256(worker) if file_sha256 is None and hash_file else None
                    staged = reader.members(manifest, staging, whole)
                    if whole is not None:
                        sha256 = whole.hexdigest()
        ticker.finish()
    except OSError as exc:  # the file cannot be read (the stick was pulled)
        reader.add("unreadable", None, UNREADABLE, path=str(path), detail=_detail(exc))
    except (ValueError, struct.error, zlib.error, zipfile.BadZipFile, EOFError, OverflowError):
        reader.add("damaged", None, DAMAGED)  # whatever slipped through: refused, not a crash
    members = len(manifest["members"]) if isinstance(manifest, dict) and isinstance(
        manifest.get("members"), list) else 0
    verification = Verification(path, size, sha256, manifest, tuple(reader.problems), signature, members)
    return verification, staged


def _untrusted(signature: SignatureInfo) -> Problem:
    if signature.status == "unsigned":
        return _problem("untrusted", None, UNSIGNED)
    return _problem("untrusted", None, UNTRUSTED,
                    signer=f"{signature.name or '?'} ({signature.key_id or '?'})")


def verify_package(path: Path, *, trust: Sequence[bytes] = (), limits: Limits = DEFAULT_LIMITS,
                   progress: Callable[[int, int], None] | None = None,
                   cancel: threading.Event | None = None) -> Verification:
    """Check a package without unpacking it: every problem is listed, none raised (only
    cancelling raises PackageCancelled). ``trust``: raw 32-byte Ed25519 public keys. The file is
    read once, in order; its SHA-256 is ``Verification.sha256``."""
    path = Path(path)
    ticker = _Ticker(progress, cancel)
    try:
        fh = open(path, "rb")  # noqa: SIM115
    except OSError as exc:
        problem = _problem("unreadable", None, UNREADABLE, path=str(path), detail=_detail(exc))
        return Verification(path, 0, None, None, (problem,), _UNSIGNED, 0)
    with fh:
        size = os.fstat(fh.fileno()).st_size
        ticker.total = size
        verification, _staged = _examine(fh, path, size, trust=trust, limits=limits, ticker=ticker)
    return verification


def open_package(path: Path, staging_dir: Path, *, trust: Sequence[bytes] = (), require_trusted: bool = False,
                 limits: Limits = DEFAULT_LIMITS, progress: Callable[[int, int], None] | None = None,
                 cancel: threading.Event | None = None) -> OpenedPackage:
    """Stages 1 to 5: check the package and unpack every member into ``staging_dir`` (created if
    needed) under our own names, hashing each as it is unpacked, in one pass over the file.

    The file is read through one open handle: its table of contents is read once, and every
    member unpacked is compared with the manifest read (and its signature checked) at the start,
    so a file that changes while it is read (a stick pulled, another program writing) is refused,
    never half believed. No copy of the whole package is made first (PERFORMANCE.md §3: a second
    copy of a gigabyte would cost as much as the import itself).

    Any problem raises PackageError naming the first one (``.problems`` lists them all,
    ``.verification`` has the details); ``require_trusted`` refuses a package not signed by a
    key in ``trust``. The caller removes ``staging_dir`` in every case; nothing is ever written
    outside it. The unpacked files are not fsynced: whoever moves them into the store does."""
    path, staging_dir = Path(path), Path(staging_dir)
    ticker = _Ticker(progress, cancel)
    try:
        staging_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PackageError(NOT_UNPACKED, path=str(staging_dir), detail=_detail(exc)) from None
    try:
        fh = open(path, "rb")  # noqa: SIM115
    except OSError as exc:
        raise _refuse(_problem("unreadable", None, UNREADABLE, path=str(path), detail=_detail(exc))) from None
    with fh:
        size = os.fstat(fh.fileno()).st_size
        if size > limits.package_size:
            raise _refuse(_problem("too-large", None, PACKAGE_TOO_LARGE, size=size, limit=limits.package_size))
        _space(staging_dir, size)
        ticker.total = size
        # the members' hashes are what counts; the whole file's would cost another pass of SHA-256
        verification, staged = _examine(fh, path, size, trust=trust, limits=limits, ticker=ticker,
                                        staging=staging_dir, require_trusted=require_trusted, hash_file=False)
    if not verification.ok or verification.manifest is None:
        first = verification.problems[0] if verification.problems else _problem("signature", None, SIGNATURE_INVALID)
        error = PackageError(first.template, problems=verification.problems or (first,), **first.params)
        error.verification = verification  # type: ignore[attr-defined]
        raise error
    return OpenedPackage(verification, verification.manifest, staged)
