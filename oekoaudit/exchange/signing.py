"""Ed25519 signatures of package manifests, and the key files they come from.

A signature proves "the holder of key K signed these bytes" — nothing more (RELIABILITY.md
A.4): whom K belongs to is something the auditor learns out of band (the key id, read out over
the phone or printed in the report), never from the package, which only *names* its signer.

What is signed is the manifest exactly as stored, behind a domain separator
(``b"oekoaudit-manifest-v1\\0"``), so that a signature made for a manifest can never be
passed off as a signature of anything else, and the bytes are checked before they are parsed.

Key files are PEM: the private key as PKCS#8 (mode 0600, never overwritten), the public key as
SubjectPublicKeyInfo in ``<private key file>.pub``. Problems with key files are the user's to
fix (a wrong file chosen), so they raise :class:`UserInputError`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from pathlib import Path
from typing import TypeAlias

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from oekoaudit import durable
from oekoaudit.errors import N_, UserInputError

SigningKey: TypeAlias = Ed25519PrivateKey

#: Put in front of the manifest bytes before signing: a signature of one kind of thing never fits another.
DOMAIN = b"oekoaudit-manifest-v1\0"
SIGNATURE_SIZE = 64
PUBLIC_KEY_SIZE = 32
#: A PEM key is a few hundred bytes; anything much larger is not a key file.
_MAX_KEY_FILE = 64 * 1024

KEY_EXISTS = N_("The key file {path} exists already; choose another name.")
KEY_NOT_WRITTEN = N_("The key file {path} cannot be written ({detail}).")
KEY_NOT_READ = N_("The key file {path} cannot be read ({detail}).")
NOT_A_KEY = N_("The file {path} is not a PEM key file.")
KEY_WITH_PASSWORD = N_("The key file {path} is protected by a password; oekoaudit needs a key file without one.")
NOT_ED25519 = N_("The key in {path} is not an Ed25519 key.")


def new_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def public_key_raw(key: Ed25519PrivateKey) -> bytes:
    """The raw 32 bytes of ``key``'s public half (what trust lists and the manifest hold)."""
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public_raw: bytes) -> str:
    """The short name of a public key: the first 16 hex digits of the SHA-256 of its raw bytes."""
    return hashlib.sha256(public_raw).hexdigest()[:16]


def public_key_path(path: Path) -> Path:
    """Where :func:`write_key_pair` puts the public key of the private key file ``path``."""
    return path.with_name(path.name + ".pub")


def write_key_pair(path: Path, key: Ed25519PrivateKey) -> Path:
    """Write ``key`` to ``path`` (PKCS#8 PEM, mode 0600) and its public key to ``<path>.pub``;
    return the public key's path. Neither file may exist: a key is never overwritten, because
    packages signed with the old one could then no longer be traced to a key anybody holds."""
    path = Path(path)
    public = public_key_path(path)
    for target in (path, public):
        if target.exists():
            raise UserInputError(KEY_EXISTS, path=str(target))
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    _create(path, private_pem, 0o600)
    try:
        _create(public, public_pem, 0o644)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return public


def _create(path: Path, data: bytes, mode: int) -> None:
    """Write a new file atomically (temporary file, fsync, then a link that fails if the name is
    taken), so a crash leaves no half key and a race never overwrites someone else's."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise UserInputError(KEY_EXISTS, path=str(path)) from None
        except OSError:  # a file system without hard links (FAT on a stick)
            if path.exists():
                raise UserInputError(KEY_EXISTS, path=str(path)) from None
            durable.replace(tmp, path)
        durable.fsync_dir(path.parent)
    except OSError as exc:
        raise UserInputError(KEY_NOT_WRITTEN, path=str(path), detail=_detail(exc)) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _read(path: Path) -> bytes:
    try:
        with open(path, "rb") as fh:
            data = fh.read(_MAX_KEY_FILE + 1)
    except OSError as exc:
        raise UserInputError(KEY_NOT_READ, path=str(path), detail=_detail(exc)) from None
    if len(data) > _MAX_KEY_FILE or b"-----BEGIN" not in data:
        raise UserInputError(NOT_A_KEY, path=str(path))
    return data


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """The Ed25519 private key in the PEM file ``path``; UserInputError if it is none."""
    path = Path(path)
    data = _read(path)
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError:  # "password was not given but private key is encrypted"
        raise UserInputError(KEY_WITH_PASSWORD, path=str(path)) from None
    except (ValueError, UnsupportedAlgorithm):
        raise UserInputError(NOT_A_KEY, path=str(path)) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise UserInputError(NOT_ED25519, path=str(path))
    return key


def load_public_key(path: Path) -> bytes:
    """The raw 32 bytes of the Ed25519 public key in ``path`` — a ``.pub`` PEM file, or a private
    key file (its public half is taken)."""
    path = Path(path)
    data = _read(path)
    if b"PRIVATE KEY" in data:
        return public_key_raw(load_private_key(path))
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, UnsupportedAlgorithm):
        raise UserInputError(NOT_A_KEY, path=str(path)) from None
    if not isinstance(key, Ed25519PublicKey):
        raise UserInputError(NOT_ED25519, path=str(path))
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def sign_manifest(key: Ed25519PrivateKey, manifest_bytes: bytes) -> bytes:
    """The 64-byte signature of ``manifest_bytes`` (as stored in the package) behind the domain separator."""
    return key.sign(DOMAIN + bytes(manifest_bytes))


def verify_manifest(public_raw: bytes, manifest_bytes: bytes, signature: bytes) -> bool:
    """True if ``signature`` was made by the key ``public_raw`` over exactly ``manifest_bytes``.
    Malformed keys or signatures are simply not valid (no exception)."""
    if len(public_raw) != PUBLIC_KEY_SIZE or len(signature) != SIGNATURE_SIZE:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(bytes(public_raw)).verify(bytes(signature), DOMAIN + bytes(manifest_bytes))
    except (InvalidSignature, ValueError):
        return False
    return True


def _detail(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__
