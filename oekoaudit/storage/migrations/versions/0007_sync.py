"""Synchronisation by package: per-field version vectors on every synchronised record, the
conflicts an import found (both values kept until the user decides), and a log of the packages
written and read.

``versions`` holds, for each field changed since the record was created, a version vector
``{device id: number of changes that device made to the field}``. Existing records start with
``{}`` (no change since creation), which is right: before this revision no copy of a store could
have been merged with another one.

Revision ID: 0007
Revises: 0006
Create Date: 2027-01-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

SYNCED = ("organisations", "sites", "audits", "answers", "findings", "measures", "indicator_values", "evidence",
          "evidence_links", "signatures")


def upgrade() -> None:
    for table in SYNCED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("versions", sa.JSON(), nullable=False, server_default="{}"))
    op.create_table(
        "conflicts",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("entity", sa.String(32), nullable=False),
        sa.Column("record_id", sa.String(36), nullable=False),
        sa.Column("field", sa.String(64), nullable=False),
        sa.Column("audit_id", sa.String(36), nullable=True),
        sa.Column("local_value", sa.Text(), nullable=True),
        sa.Column("incoming_value", sa.Text(), nullable=True),
        sa.Column("incoming_versions", sa.JSON(), nullable=False),
        sa.Column("incoming_device", sa.String(36), nullable=False),
        sa.Column("package_id", sa.String(36), nullable=False),
        sa.Column("detected_at", sa.String(32), nullable=False),
        sa.Column("resolved_at", sa.String(32), nullable=True),
        sa.Column("resolution", sa.String(16), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_conflicts"),
    )
    op.create_index("ix_conflicts_record", "conflicts", ["entity", "record_id"])
    op.create_index("ix_conflicts_audit_id", "conflicts", ["audit_id"])
    op.create_table(
        "package_log",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("direction", sa.String(8), nullable=False),
        sa.Column("package_id", sa.String(36), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("audit_ids", sa.JSON(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("signer_key_id", sa.String(32), nullable=True),
        sa.Column("signer_name", sa.String(200), nullable=False),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_package_log"),
    )
    op.create_index("ix_package_log_package_id", "package_log", ["package_id"])


def downgrade() -> None:
    op.drop_index("ix_package_log_package_id", table_name="package_log")
    op.drop_table("package_log")
    op.drop_index("ix_conflicts_audit_id", table_name="conflicts")
    op.drop_index("ix_conflicts_record", table_name="conflicts")
    op.drop_table("conflicts")
    for table in reversed(SYNCED):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("versions")
