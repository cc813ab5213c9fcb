"""Reuse between audits: where an audit's answers and findings were carried over from, and the
catalogues added to an audit (such as the legal register).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audits") as batch:
        batch.add_column(sa.Column("carried_from_audit_id", sa.String(36), nullable=True))
        batch.add_column(sa.Column("modules", sa.JSON(), nullable=False, server_default="[]"))
    with op.batch_alter_table("findings") as batch:
        batch.add_column(sa.Column("carried_from_finding_id", sa.String(36), nullable=True))
        batch.create_index("ix_findings_carried_from_finding_id", ["carried_from_finding_id"])


def downgrade() -> None:
    with op.batch_alter_table("findings") as batch:
        batch.drop_index("ix_findings_carried_from_finding_id")
        batch.drop_column("carried_from_finding_id")
    with op.batch_alter_table("audits") as batch:
        batch.drop_column("modules")
        batch.drop_column("carried_from_audit_id")
