"""Ed25519 key files and manifest signatures."""

from __future__ import annotations

import os
import stat

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from oekoaudit.errors import UserInputError
from oekoaudit.exchange import signing

MANIFEST = b'{"format":"oekoaudit-package","format_version":1}'


def test_a_key_pair_is_written_and_read_back(tmp_path) -> None:  # type: ignore[no-untyped-def]
    key = signing.new_key()
    public_path = signing.write_key_pair(tmp_path / "maria.pem", key)
    assert public_path == tmp_path / "maria.pem.pub"
    loaded = signing.load_private_key(tmp_path / "maria.pem")
    raw = signing.public_key_raw(key)
    assert signing.public_key_raw(loaded) == raw and len(raw) == 32
    assert signing.load_public_key(public_path) == raw
    assert signing.load_public_key(tmp_path / "maria.pem") == raw  # a private key file names its public key too
    assert b"PRIVATE KEY" in (tmp_path / "maria.pem").read_bytes()
    assert b"BEGIN PUBLIC KEY" in public_path.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["maria.pem", "maria.pem.pub"]  # no .part left
    if os.name != "nt":
        assert stat.S_IMODE((tmp_path / "maria.pem").stat().st_mode) == 0o600


@pytest.mark.parametrize("existing", ["maria.pem", "maria.pem.pub"])
def test_a_key_file_is_never_overwritten(tmp_path, existing) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / existing).write_bytes(b"the old key")
    with pytest.raises(UserInputError) as caught:
        signing.write_key_pair(tmp_path / "maria.pem", signing.new_key())
    assert caught.value.template == signing.KEY_EXISTS
    assert (tmp_path / existing).read_bytes() == b"the old key"
    assert [p.name for p in tmp_path.iterdir()] == [existing]


def test_files_that_are_not_usable_keys_are_refused_clearly(tmp_path) -> None:  # type: ignore[no-untyped-def]
    cases = {
        "missing.pem": (None, signing.KEY_NOT_READ),
        "text.pem": (b"hello", signing.NOT_A_KEY),
        "broken.pem": (b"-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n", signing.NOT_A_KEY),
        "huge.pem": (b"-----BEGIN" + b"x" * 100_000, signing.NOT_A_KEY),
        "password.pem": (signing.new_key().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"secret")), signing.KEY_WITH_PASSWORD),
        "ecdsa.pem": (ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
            signing.NOT_ED25519),
    }
    for name, (data, template) in cases.items():
        if data is not None:
            (tmp_path / name).write_bytes(data)
        with pytest.raises(UserInputError) as caught:
            signing.load_private_key(tmp_path / name)
        assert caught.value.template == template, name
        assert str(tmp_path / name) in caught.value.english()
    ecdsa_public = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    (tmp_path / "ecdsa.pub").write_bytes(ecdsa_public)
    with pytest.raises(UserInputError) as caught:
        signing.load_public_key(tmp_path / "ecdsa.pub")
    assert caught.value.template == signing.NOT_ED25519


def test_key_id_is_the_start_of_the_public_keys_sha256() -> None:
    key = signing.new_key()
    key_id = signing.key_id(signing.public_key_raw(key))
    assert len(key_id) == 16 and int(key_id, 16) >= 0
    assert key_id != signing.key_id(signing.public_key_raw(signing.new_key()))


def test_a_signature_covers_exactly_the_manifest_bytes() -> None:
    key = signing.new_key()
    public = signing.public_key_raw(key)
    signature = signing.sign_manifest(key, MANIFEST)
    assert len(signature) == 64
    assert signing.verify_manifest(public, MANIFEST, signature)
    assert not signing.verify_manifest(public, MANIFEST + b" ", signature)
    assert not signing.verify_manifest(public, MANIFEST.replace(b"1", b"2"), signature)
    assert not signing.verify_manifest(signing.public_key_raw(signing.new_key()), MANIFEST, signature)


def test_the_domain_separator_is_part_of_what_is_signed() -> None:
    key = signing.new_key()
    public = signing.public_key_raw(key)
    plain = key.sign(MANIFEST)  # a signature of the same bytes made for something else
    assert not signing.verify_manifest(public, MANIFEST, plain)
    assert signing.verify_manifest(public, MANIFEST, key.sign(b"oekoaudit-manifest-v1\0" + MANIFEST))


def test_malformed_keys_and_signatures_are_simply_not_valid() -> None:
    key = signing.new_key()
    signature = signing.sign_manifest(key, MANIFEST)
    public = signing.public_key_raw(key)
    assert not signing.verify_manifest(public[:31], MANIFEST, signature)
    assert not signing.verify_manifest(b"\0" * 32, MANIFEST, signature)
    assert not signing.verify_manifest(public, MANIFEST, signature[:63])
    assert not signing.verify_manifest(public, MANIFEST, b"\0" * 64)
