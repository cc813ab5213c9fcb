"""Evidence as the photo and document module needs it: kind, pixel size, camera, position (GPS),
whether the position is hidden, who imported it when and how, and the place in the gallery.

Existing evidence is upgraded in place: image media types become photos, everything else a
document; the import time is taken from the record's creation (that is when it was stored).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("evidence") as batch:
        batch.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default="photo"))
        batch.add_column(sa.Column("width", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("height", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("camera", sa.String(200), nullable=False, server_default=""))
        batch.add_column(sa.Column("latitude", sa.Float(), nullable=True))
        batch.add_column(sa.Column("longitude", sa.Float(), nullable=True))
        batch.add_column(sa.Column("altitude", sa.Float(), nullable=True))
        batch.add_column(sa.Column("hide_location", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("imported_at", sa.String(32), nullable=True))
        batch.add_column(sa.Column("imported_by", sa.String(200), nullable=False, server_default=""))
        batch.add_column(sa.Column("source", sa.String(16), nullable=False, server_default="file"))
        batch.add_column(sa.Column("position", sa.Integer(), nullable=False, server_default="0"))
        batch.create_index("ix_evidence_audit_sha256", ["audit_id", "sha256"])
    # data: what the foundation stored without saying
    op.execute("UPDATE evidence SET kind = CASE WHEN lower(media_type) LIKE 'image/%' THEN 'photo' "
               "ELSE 'document' END")
    op.execute("UPDATE evidence SET imported_at = created_at WHERE imported_at IS NULL")


def downgrade() -> None:
    with op.batch_alter_table("evidence") as batch:
        batch.drop_index("ix_evidence_audit_sha256")
        for column in ("position", "source", "imported_by", "imported_at", "hide_location", "altitude",
                       "longitude", "latitude", "camera", "height", "width", "kind"):
            batch.drop_column(column)
