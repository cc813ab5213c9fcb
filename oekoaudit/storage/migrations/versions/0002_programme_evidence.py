"""Environmental programme, indicator values, evidence and links, signatures.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('indicator_values',
    sa.Column('site_id', sa.String(length=36), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.String(length=64), nullable=False),
    sa.Column('value', sa.String(length=40), nullable=False),
    sa.Column('unit', sa.String(length=32), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_indicator_values_site_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_values'))
    )
    op.create_index('ix_indicator_values_site_year', 'indicator_values', ['site_id', 'year'], unique=False)
    op.create_table('evidence',
    sa.Column('audit_id', sa.String(length=36), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('original_name', sa.String(length=500), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('captured_at', sa.String(length=32), nullable=True),
    sa.Column('caption', sa.Text(), nullable=False),
    sa.Column('annotations', sa.JSON(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['audit_id'], ['audits.id'], name=op.f('fk_evidence_audit_id_audits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence'))
    )
    op.create_index(op.f('ix_evidence_audit_id'), 'evidence', ['audit_id'], unique=False)
    op.create_index(op.f('ix_evidence_sha256'), 'evidence', ['sha256'], unique=False)
    op.create_table('measures',
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('audit_id', sa.String(length=36), nullable=True),
    sa.Column('site_id', sa.String(length=36), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('area', sa.String(length=100), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=True),
    sa.Column('investment_eur', sa.String(length=40), nullable=True),
    sa.Column('savings_eur_per_year', sa.String(length=40), nullable=True),
    sa.Column('savings_kwh_per_year', sa.String(length=40), nullable=True),
    sa.Column('savings_m3_per_year', sa.String(length=40), nullable=True),
    sa.Column('savings_t_per_year', sa.String(length=40), nullable=True),
    sa.Column('savings_t_co2_per_year', sa.String(length=40), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['audit_id'], ['audits.id'], name=op.f('fk_measures_audit_id_audits')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_measures_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_measures_site_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measures'))
    )
    op.create_index(op.f('ix_measures_audit_id'), 'measures', ['audit_id'], unique=False)
    op.create_index(op.f('ix_measures_organisation_id'), 'measures', ['organisation_id'], unique=False)
    op.create_table('signatures',
    sa.Column('audit_id', sa.String(length=36), nullable=False),
    sa.Column('role', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('signed_at', sa.String(length=32), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('image_png', sa.LargeBinary(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['audit_id'], ['audits.id'], name=op.f('fk_signatures_audit_id_audits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signatures'))
    )
    op.create_index(op.f('ix_signatures_audit_id'), 'signatures', ['audit_id'], unique=False)
    op.create_table('evidence_links',
    sa.Column('evidence_id', sa.String(length=36), nullable=False),
    sa.Column('target_kind', sa.String(length=16), nullable=False),
    sa.Column('target_id', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence.id'], name=op.f('fk_evidence_links_evidence_id_evidence')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_links'))
    )
    op.create_index(op.f('ix_evidence_links_evidence_id'), 'evidence_links', ['evidence_id'], unique=False)
    op.create_index('ix_evidence_links_target', 'evidence_links', ['target_kind', 'target_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_evidence_links_target', table_name='evidence_links')
    op.drop_index(op.f('ix_evidence_links_evidence_id'), table_name='evidence_links')
    op.drop_table('evidence_links')
    op.drop_index(op.f('ix_signatures_audit_id'), table_name='signatures')
    op.drop_table('signatures')
    op.drop_index(op.f('ix_measures_organisation_id'), table_name='measures')
    op.drop_index(op.f('ix_measures_audit_id'), table_name='measures')
    op.drop_table('measures')
    op.drop_index(op.f('ix_evidence_sha256'), table_name='evidence')
    op.drop_index(op.f('ix_evidence_audit_id'), table_name='evidence')
    op.drop_table('evidence')
    op.drop_index('ix_indicator_values_site_year', table_name='indicator_values')
    op.drop_table('indicator_values')
