"""Figures and the measures programme: what a figure is about (waste code, route, material,
refrigerant), one live figure per site, year, quantity and detail; the fields of a measure the
programme needs (one-off savings, energy carrier, completion, linked findings, carry-over);
an organisation's indicator settings (figure B, omitted indicators, gas conversion); the
emission factors an audit uses.

Existing figures are upgraded in place with empty details. Should a store hold two live figures
for the same site, year and quantity (nothing before this revision prevented it), the one
changed last stays and the others are removed (tombstoned, with an entry in the change log), so
that the unique index can be built; nothing is deleted.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _retire_duplicate_figures() -> None:
    """Tombstone all but the newest live figure of each (site, year, quantity)."""
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT id, site_id, year, quantity, revision FROM indicator_values WHERE deleted_at IS NULL "
        "ORDER BY site_id, year, quantity, updated_at DESC, revision DESC, id DESC")).all()
    seen: set[tuple[str, int, str]] = set()
    stale = []
    for record_id, site_id, year, quantity, rev in rows:
        key = (site_id, year, quantity)
        if key in seen:
            stale.append((record_id, rev))
        seen.add(key)
    if not stale:
        return
    device = bind.execute(sa.text("SELECT value FROM store_meta WHERE key = 'device_id'")).scalar() or ""
    now = _now()
    for record_id, rev in stale:
        bind.execute(sa.text("UPDATE indicator_values SET deleted_at = :now, updated_at = :now, "
                             "revision = :rev WHERE id = :id"), {"now": now, "rev": rev + 1, "id": record_id})
        bind.execute(sa.text(
            "INSERT INTO change_log (id, at, device_id, entity, entity_id, field, old_value, new_value, revision) "
            "VALUES (:id, :at, :device, 'indicator_value', :entity_id, 'deleted_at', NULL, :new, :rev)"),
            {"id": str(uuid.uuid4()), "at": now, "device": device, "entity_id": record_id,
             "new": json.dumps(now[:-1] + "+00:00"), "rev": rev + 1})


def upgrade() -> None:
    with op.batch_alter_table("indicator_values") as batch:
        batch.add_column(sa.Column("details", sa.JSON(), nullable=False, server_default="{}"))
        batch.add_column(sa.Column("detail_key", sa.String(200), nullable=False, server_default=""))
    _retire_duplicate_figures()
    with op.batch_alter_table("indicator_values") as batch:
        batch.create_index("uq_indicator_values_identity", ["site_id", "year", "quantity", "detail_key"],
                           unique=True, sqlite_where=sa.text("deleted_at IS NULL"))
    with op.batch_alter_table("measures") as batch:
        batch.add_column(sa.Column("savings_eur_once", sa.String(40), nullable=True))
        batch.add_column(sa.Column("energy_carrier", sa.String(32), nullable=False, server_default=""))
        batch.add_column(sa.Column("completed_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("finding_ids", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("carried_from_measure_id", sa.String(36), nullable=True))
        batch.create_index("ix_measures_carried_from_measure_id", ["carried_from_measure_id"])
    with op.batch_alter_table("organisations") as batch:
        batch.add_column(sa.Column("indicator_settings", sa.JSON(), nullable=False, server_default="{}"))
    with op.batch_alter_table("audits") as batch:
        batch.add_column(sa.Column("factor_set", sa.String(64), nullable=False, server_default=""))
        batch.add_column(sa.Column("factor_overrides", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("audits") as batch:
        batch.drop_column("factor_overrides")
        batch.drop_column("factor_set")
    with op.batch_alter_table("organisations") as batch:
        batch.drop_column("indicator_settings")
    with op.batch_alter_table("measures") as batch:
        batch.drop_index("ix_measures_carried_from_measure_id")
        for column in ("carried_from_measure_id", "finding_ids", "completed_on", "energy_carrier",
                       "savings_eur_once"):
            batch.drop_column(column)
    with op.batch_alter_table("indicator_values") as batch:
        batch.drop_index("uq_indicator_values_identity")
        batch.drop_column("detail_key")
        batch.drop_column("details")
