"""Migrations: every golden database upgrades with its data intact; head matches the ORM."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from oekoaudit.storage import backup as backups
from oekoaudit.storage.migrate import current_revision, head_revision
from oekoaudit.storage.orm import Base
from oekoaudit.storage.store import Store

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "databases"


def test_every_revision_has_a_golden_database() -> None:
    from oekoaudit.storage.migrate import script_directory

    revisions = {r.revision for r in script_directory().walk_revisions()}
    golden = {p.stem.removeprefix("rev_") for p in GOLDEN.glob("rev_*.sqlite")}
    # the newest revision gets its golden file when it ships; every older one must have one
    assert revisions - golden <= {head_revision()}
    assert golden <= revisions


@pytest.mark.parametrize("golden", sorted(GOLDEN.glob("rev_*.sqlite")), ids=lambda p: p.stem)
def test_golden_database_upgrades_with_data_intact(golden: Path, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copy(golden, data_dir / "oekoaudit.sqlite")
    from oekoaudit.services import open_services

    with open_services(data_dir) as services:
        assert services.info().migrated
        detail = services.audits.detail("cccccccc-0000-4000-8000-000000000001")
        assert detail.audit.organisation_name == "Altbestand Gießerei KG"
        assert detail.audit.site_name == "Werk Süd"
        assert detail.audit.lead_auditor == "Dr. Ö. Prüfer"
        assert detail.answers["4.1"].note == "Kontext geprüft – ok ✓"
        assert detail.answers["8.2"].result == "major_nc"
        assert [f.statement for f in detail.findings] == ["Es gibt keinen Alarm- und Gefahrenabwehrplan."]
        assert services.info().device_id == "11111111-1111-4111-8111-111111111111"
        assert services.integrity_problems() == []
        # and the upgraded store keeps working
        services.audits.answer(detail.audit.id, "4.2", "conform", "nach Upgrade")
    assert any(b.reason.startswith("before-migration") for b in backups.list_backups(data_dir / "backups"))
    engine = Store.open(data_dir)
    try:
        assert current_revision(engine.engine) == head_revision()
    finally:
        engine.close()


def test_a_new_store_is_built_by_the_migrations_and_matches_the_orm(data_dir: Path) -> None:
    with Store.open(data_dir) as store, store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_failed_migration_leaves_the_database_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    golden = sorted(GOLDEN.glob("rev_*.sqlite"))[0]
    shutil.copy(golden, data_dir / "oekoaudit.sqlite")
    from alembic import op

    real_create_table = op.create_table
    calls = {"n": 0}

    def failing_create_table(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk pulled mid-migration")
        return real_create_table(*args, **kwargs)

    monkeypatch.setattr(op, "create_table", failing_create_table)
    with pytest.raises(RuntimeError):
        Store.open(data_dir)
    conn = sqlite3.connect(data_dir / "oekoaudit.sqlite")
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        version = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        conn.close()
    assert version == golden.stem.removeprefix("rev_")
    assert "measures" not in tables  # the first table of 0002 was rolled back with the rest


def test_evidence_of_revision_0004_is_upgraded(tmp_path: Path) -> None:
    """0005 adds what the evidence module records; stored evidence keeps its caption, annotations
    and links, photos and documents are told apart by their media type, and the import time is
    the time the record was made."""
    from datetime import UTC, datetime

    from oekoaudit.domain.evidence import EvidenceKind, Origin, ShapeKind, Source, Target
    from oekoaudit.services import open_services

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copy(GOLDEN / "rev_0004.sqlite", data_dir / "oekoaudit.sqlite")
    with open_services(data_dir) as services:
        audit_id = "cccccccc-0000-4000-8000-000000000001"
        photo, document = services.evidence.list(audit_id)
        assert (photo.id, document.id) == ("99999999-0000-4000-8000-000000000001",
                                           "99999999-0000-4000-8000-000000000002")
        assert (photo.kind, document.kind) == (EvidenceKind.PHOTO, EvidenceKind.DOCUMENT)
        assert photo.caption == "Ölspuren unter dem Kompressor" and photo.original_name == "Kompressorraum.jpg"
        assert [s.kind for s in photo.annotations] == [ShapeKind.ARROW]
        assert photo.imported_at == datetime(2025, 3, 1, 9, 40, tzinfo=UTC)
        assert (photo.width, photo.height, photo.location, photo.camera, photo.imported_by) == (None, None, None, "", "")
        assert (photo.hide_location, photo.source, photo.position) == (False, Source.FILE, 0)
        assert photo.origin is Origin.ON_SITE  # captured on the audit's day
        assert document.origin is Origin.IMPORTED_LATER  # no capture time
        assert {link.target for link in photo.links} == {Target.item("8.2"),
                                                         Target.finding("eeeeeeee-0000-4000-8000-000000000001")}
        assert [link.target for link in document.links] == [Target.measure("ffffffff-0000-4000-8000-000000000001")]
        # the golden database came without its blobs
        assert sorted(services.evidence.verify(audit_id)) == [(photo.id, "missing"), (document.id, "missing")]
        # and the upgraded records take changes
        assert services.evidence.set_caption(photo.id, "  Ölspuren,\n  Kompressor 2 ").caption == \
            "Ölspuren, Kompressor 2"
    conn = sqlite3.connect(data_dir / "oekoaudit.sqlite")
    try:
        indexes = {r[1] for r in conn.execute("PRAGMA index_list('evidence')")}
    finally:
        conn.close()
    assert "ix_evidence_audit_sha256" in indexes


def test_figures_and_measures_of_revision_0005_are_upgraded(tmp_path: Path) -> None:
    """0006 gives figures their details and one live figure per site, year, quantity and detail;
    measures their one-off savings, carrier, completion, findings and carry-over; organisations
    their indicator settings, audits their emission factors. Stored data stays as it was."""
    from datetime import date
    from decimal import Decimal

    from oekoaudit.domain.programme import MeasureStatus
    from oekoaudit.services import open_services

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copy(GOLDEN / "rev_0005.sqlite", data_dir / "oekoaudit.sqlite")
    org_id = "aaaaaaaa-0000-4000-8000-000000000001"
    audit_id = "cccccccc-0000-4000-8000-000000000001"
    with open_services(data_dir) as services:
        values = services.indicators.values(org_id)
        assert [(v.year, v.quantity, v.value, v.unit, v.source, v.details) for v in values] == [
            (2023, "electricity_grid", Decimal("412000"), "kWh", "Stromrechnung 2023", {}),
            (2024, "electricity_grid", Decimal("398500.5"), "kWh", "Stromrechnung 2024", {}),
            (2024, "natural_gas", Decimal("61000"), "m³", "Gaszähler Werk Süd", {}),  # the removed typo stays removed
        ]
        measures = {m.id[-1]: m for m in services.measures.list(audit_id=audit_id)}
        assert (measures["1"].title, measures["1"].savings_t_co2_per_year) == ("Druckluftleckagen beheben",
                                                                               Decimal("3.6"))
        led = measures["2"]
        assert (led.status, led.investment_eur, led.owner, led.start_date) == (
            MeasureStatus.DONE, Decimal("18500.00"), "Frau Größer", date(2025, 1, 15))
        assert (led.savings_eur_once, led.energy_carrier, led.completed_on, led.finding_ids,
                led.carried_from_measure_id) == (None, "", None, (), None)
        assert measures["3"].savings_m3_per_year == Decimal(350)
        assert services.indicators.settings(org_id).reference.quantity == "employees"
        assert services.indicators.factors(audit_id).chosen == ""
        # the upgraded records take the new fields
        services.measures.update(led.id, energy_carrier="electricity_grid", completed_on=date(2025, 5, 20))
        services.indicators.set_value(org_id, 2024, "natural_gas", "60000", "m³", today=date(2026, 1, 1))
        assert [v.value for v in services.indicators.values(org_id, 2024) if v.quantity == "natural_gas"] == [60000]
        # the carry-over works on old measures: the open ones (1 planned, 3 in progress) continue
        new = services.audits.create(org_id, "iso14001-2015", carry_from=audit_id)
        assert sorted(m.carried_from_measure_id[-1] for m in services.measures.list(audit_id=new.id)) == ["1", "3"]
    conn = sqlite3.connect(data_dir / "oekoaudit.sqlite")
    try:
        index_sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'uq_indicator_values_identity'").fetchone()
    finally:
        conn.close()
    assert "UNIQUE" in index_sql[0].upper() and "deleted_at IS NULL" in index_sql[0]


def test_duplicate_live_figures_are_retired_before_the_unique_index(tmp_path: Path) -> None:
    """Nothing before 0006 kept a site from holding two live figures for one year and quantity:
    the one changed last stays, the other is tombstoned (and logged), none is deleted."""
    from decimal import Decimal

    from oekoaudit.services import open_services

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copy(GOLDEN / "rev_0005.sqlite", data_dir / "oekoaudit.sqlite")
    conn = sqlite3.connect(data_dir / "oekoaudit.sqlite")
    try:
        conn.execute("INSERT INTO indicator_values (site_id, year, quantity, value, unit, source, id, created_at, "
                     "updated_at, revision, device_id) VALUES ('bbbbbbbb-0000-4000-8000-000000000001', 2024, "
                     "'natural_gas', '62000', 'm³', 'später korrigiert', '77777777-0000-4000-8000-000000000005', "
                     "'2025-04-01T08:00:00.000000Z', '2025-04-01T08:00:00.000000Z', 1, "
                     "'11111111-1111-4111-8111-111111111111')")
        conn.commit()
    finally:
        conn.close()
    with open_services(data_dir) as services:
        gas = [v for v in services.indicators.values("aaaaaaaa-0000-4000-8000-000000000001")
               if v.quantity == "natural_gas"]
        assert [(v.value, v.source) for v in gas] == [(Decimal(62000), "später korrigiert")]
        log = services.audits.change_log("77777777-0000-4000-8000-000000000003")
        assert [entry[1] for entry in log] == ["deleted_at"]
    conn = sqlite3.connect(data_dir / "oekoaudit.sqlite")
    try:
        rows = conn.execute("SELECT id, deleted_at IS NULL, revision FROM indicator_values WHERE quantity = "
                            "'natural_gas' ORDER BY id").fetchall()
    finally:
        conn.close()
    assert rows == [("77777777-0000-4000-8000-000000000003", 0, 2), ("77777777-0000-4000-8000-000000000004", 0, 2),
                    ("77777777-0000-4000-8000-000000000005", 1, 1)]


def test_records_of_revision_0006_get_version_vectors_and_count_changes(tmp_path: Path) -> None:
    """0007 gives every synchronised record its per-field version vectors ({}: unchanged since it was
    made) and adds the conflicts and the package log; a change afterwards counts in its field's vector."""
    from oekoaudit.services import open_services

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copy(GOLDEN / "rev_0006.sqlite", data_dir / "oekoaudit.sqlite")
    audit_id = "cccccccc-0000-4000-8000-000000000001"
    with open_services(data_dir) as services:
        device = services.info().device_id
        assert device == "11111111-1111-4111-8111-111111111111"
        measure = next(m for m in services.measures.list(audit_id=audit_id) if m.id.endswith("4"))
        assert (measure.title, measure.finding_ids) == ("Notfallplan erstellen und üben",
                                                        ("eeeeeeee-0000-4000-8000-000000000001",))
        assert services.packages.conflicts() == []
        services.audits.answer(audit_id, "4.1", None, "Kontext erneut geprüft")
        services.audits.answer(audit_id, "4.1", None, "Kontext erneut geprüft (2)")
    conn = sqlite3.connect(data_dir / "oekoaudit.sqlite")
    try:
        rows = dict(conn.execute("SELECT item_key, versions FROM answers").fetchall())
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        untouched = conn.execute("SELECT versions FROM findings").fetchone()[0]
    finally:
        conn.close()
    assert json.loads(rows["4.1"]) == {"note": {device: 2}}
    assert json.loads(rows["8.2"]) == {} and json.loads(untouched) == {}
    assert {"conflicts", "package_log"} <= tables
