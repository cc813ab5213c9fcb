"""``oekoaudit export | keys new | verify | import | conflicts``: exit codes, --json keys, the round trip."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from tests.cli.test_cli import run
from tests.services.test_evidence import photo

EXPORT_KEYS = {"path", "size", "package_id", "sha256", "audits", "evidence", "signed", "key_id", "location_removed"}
VERIFY_KEYS = {"path", "ok", "size", "sha256", "package_id", "format_version", "created_at", "producer", "audits",
               "location_removed", "members", "problems", "signature"}
IMPORT_KEYS = {"package_id", "created_at", "producer", "audits", "new", "changed", "unchanged", "conflicts",
               "conflict_fields", "by_kind", "conflict_list", "blobs_new", "location_removed", "signature",
               "nothing_to_do", "imported", "dry_run"}
CONFLICT_KEYS = {"id", "kind", "record_id", "field", "audit_id", "label", "local", "incoming", "incoming_device",
                 "package_id", "detected_at"}


def _cli(capsys, data_dir: Path, *argv: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    return run(capsys, "--data-dir", str(data_dir), *argv)


@pytest.fixture
def demo(capsys, data_dir: Path, tmp_path: Path) -> str:  # type: ignore[no-untyped-def]
    code, out, err = _cli(capsys, data_dir, "demo", "--json")
    assert code == 0, err
    audit_id = json.loads(out)["audit"]["id"]
    folder = tmp_path / "Rundgang"
    photo(folder / "01_lager.jpg", (210, 30, 30), size=(320, 240))
    code, _out, err = _cli(capsys, data_dir, "photos", "add", audit_id, str(folder), "--item", "8.1")
    assert code == 0, err
    return audit_id


def test_export_verify_import_round_trip(capsys, data_dir: Path, demo: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    package = tmp_path / "audit.oekoaudit"
    code, out, err = _cli(capsys, data_dir, "export", demo[:8], "-o", str(package), "--json")
    assert code == 0, err
    facts = json.loads(out)
    assert set(facts) == EXPORT_KEYS and facts["evidence"] == 1 and not facts["signed"]
    assert facts["audits"][0]["id"] == demo and len(facts["audits"][0]["fingerprint"]) == 64
    # the fingerprint is the report's
    code, out, err = _cli(capsys, data_dir, "report", demo, "-o", str(tmp_path / "r.pdf"), "--json")
    if code == 0:
        assert json.loads(out)["fingerprint"] == facts["audits"][0]["fingerprint"]
    with zipfile.ZipFile(package) as zf:
        infos = zf.infolist()
        assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
        assert all(i.compress_type == zipfile.ZIP_STORED for i in infos if i.filename.startswith("blobs/"))

    code, out, err = run(capsys, "verify", str(package), "--json")  # no data folder needed
    assert code == 0, err
    checked = json.loads(out)
    assert set(checked) == VERIFY_KEYS and checked["ok"] and checked["problems"] == []
    assert checked["signature"]["status"] == "unsigned"

    other = tmp_path / "other"
    code, out, err = _cli(capsys, other, "import", str(package), "--dry-run", "--json")
    assert code == 0, err
    planned = json.loads(out)
    assert set(planned) == IMPORT_KEYS and planned["dry_run"] and not planned["imported"]
    assert planned["new"] > 20 and planned["conflicts"] == 0
    code, out, _err = _cli(capsys, other, "audits", "list", "--json")
    assert json.loads(out) == []  # a dry run writes nothing
    code, out, err = _cli(capsys, other, "import", str(package), "--json")
    assert code == 0, err
    assert json.loads(out)["imported"]
    code, out, _err = _cli(capsys, other, "audits", "list", "--json")
    assert [a["id"] for a in json.loads(out)] == [demo]
    code, out, err = _cli(capsys, other, "import", str(package))
    assert code == 0 and "Nichts zu importieren" in out  # the second time: nothing to do


def test_keys_sign_and_trust(capsys, data_dir: Path, demo: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    key = tmp_path / "pruefer.key"
    code, out, err = run(capsys, "keys", "new", "-o", str(key), "--json")
    assert code == 0, err
    made = json.loads(out)
    assert set(made) == {"private_key", "public_key", "key_id"} and Path(made["public_key"]).is_file()
    assert (key.stat().st_mode & 0o077) == 0  # the private key is the owner's only
    code, _out, err = run(capsys, "keys", "new", "-o", str(key))
    assert code == 1 and err  # never overwrites a key
    package = tmp_path / "signed.oekoaudit"
    code, out, err = _cli(capsys, data_dir, "export", demo, "-o", str(package), "--sign", str(key),
                          "--signer", "Dr. Ö. Prüfer", "--json")
    assert code == 0, err
    assert json.loads(out)["key_id"] == made["key_id"]
    code, out, err = run(capsys, "verify", str(package), "--trust", made["public_key"], "--json")
    assert code == 0, err
    signature = json.loads(out)["signature"]
    assert signature["status"] == "trusted" and signature["name"] == "Dr. Ö. Prüfer"
    code, out, _err = run(capsys, "verify", str(package))
    assert code == 0 and made["key_id"] in out
    stranger = tmp_path / "fremd.key"
    assert run(capsys, "keys", "new", "-o", str(stranger))[0] == 0
    code, out, _err = run(capsys, "verify", str(package), "--trust", str(stranger) + ".pub", "--json")
    assert code == 1 and json.loads(out)["signature"]["status"] == "valid"
    code, _out, err = _cli(capsys, tmp_path / "elsewhere", "import", str(package), "--trust", str(stranger) + ".pub")
    assert code == 1 and err


def test_verify_names_the_altered_member(capsys, data_dir: Path, demo: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    package = tmp_path / "audit.oekoaudit"
    assert _cli(capsys, data_dir, "export", demo, "-o", str(package))[0] == 0
    tampered = tmp_path / "tampered.oekoaudit"
    with zipfile.ZipFile(package) as src, zipfile.ZipFile(tampered, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("blobs/"):
                data = data[:-10] + b"0123456789"
            dst.writestr(info, data)
    code, out, _err = run(capsys, "verify", str(tampered), "--json")
    assert code == 1
    problems = json.loads(out)["problems"]
    assert [p["code"] for p in problems] == ["altered"] and problems[0]["member"].startswith("blobs/")
    code, out, err = run(capsys, "verify", str(tampered))
    assert code == 1 and problems[0]["member"] in out
    before = sorted(p.name for p in (tmp_path / "fresh").glob("*")) if (tmp_path / "fresh").exists() else []
    code, _out, err = _cli(capsys, tmp_path / "fresh", "import", str(tampered))
    assert code == 1 and problems[0]["member"][:12] in err
    assert before == []


def test_conflicts_list_and_resolve(capsys, data_dir: Path, demo: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    other = tmp_path / "tablet"
    first = tmp_path / "1.oekoaudit"
    assert _cli(capsys, data_dir, "export", demo, "-o", str(first))[0] == 0
    assert _cli(capsys, other, "import", str(first))[0] == 0
    assert _cli(capsys, data_dir, "answer", demo, "4.1", "conform", "--note", "Büro")[0] == 0
    assert _cli(capsys, other, "answer", demo, "4.1", "conform", "--note", "Vor Ort")[0] == 0
    second = tmp_path / "2.oekoaudit"
    assert _cli(capsys, other, "export", demo, "-o", str(second))[0] == 0
    code, out, err = _cli(capsys, data_dir, "import", str(second), "--json")
    assert code == 0, err
    assert json.loads(out)["conflicts"] == 1
    code, out, err = _cli(capsys, data_dir, "conflicts", "list", "--json")
    [conflict] = json.loads(out)
    assert set(conflict) == CONFLICT_KEYS
    assert (conflict["kind"], conflict["field"], conflict["local"], conflict["incoming"]) == (
        "answer", "note", "Büro", "Vor Ort")
    code, out, _err = _cli(capsys, data_dir, "conflicts", "list")
    assert "Büro" in out and "Vor Ort" in out
    code, out, err = _cli(capsys, data_dir, "conflicts", "resolve", conflict["id"][:8], "--keep", "incoming",
                          "--json")
    assert code == 0, err
    assert json.loads(out) == {"id": conflict["id"], "keep": "incoming", "resolved": True}
    assert json.loads(_cli(capsys, data_dir, "conflicts", "list", "--json")[1]) == []
    code, _out, err = _cli(capsys, data_dir, "conflicts", "resolve", conflict["id"][:8], "--keep", "local")
    assert code == 1 and err
    code, _out, _err = _cli(capsys, data_dir, "conflicts", "resolve", "abcd", "--keep", "sideways")
    assert code == 2


def test_export_refuses_an_unknown_audit_and_writes_nothing(capsys, data_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "x.oekoaudit"
    code, _out, err = _cli(capsys, data_dir, "export", "ffffffff", "-o", str(target))
    assert code == 1 and err and not target.exists()
    assert list(tmp_path.glob(".*")) == []
