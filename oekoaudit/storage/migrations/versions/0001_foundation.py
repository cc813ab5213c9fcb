"""Foundation: organisations, sites, audits, answers, findings, change log.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('catalogue_snapshots',
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('catalogue_id', sa.String(length=64), nullable=False),
    sa.Column('edition', sa.String(length=32), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('fingerprint', name=op.f('pk_catalogue_snapshots'))
    )
    op.create_table('change_log',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('at', sa.String(length=32), nullable=False),
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.Column('entity', sa.String(length=32), nullable=False),
    sa.Column('entity_id', sa.String(length=36), nullable=False),
    sa.Column('field', sa.String(length=64), nullable=False),
    sa.Column('old_value', sa.Text(), nullable=True),
    sa.Column('new_value', sa.Text(), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_log'))
    )
    op.create_index('ix_change_log_entity', 'change_log', ['entity', 'entity_id'], unique=False)
    op.create_table('organisations',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('contact', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations'))
    )
    op.create_table('store_meta',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_store_meta'))
    )
    op.create_table('sites',
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_sites_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sites'))
    )
    op.create_index(op.f('ix_sites_organisation_id'), 'sites', ['organisation_id'], unique=False)
    op.create_table('audits',
    sa.Column('site_id', sa.String(length=36), nullable=False),
    sa.Column('catalogue_id', sa.String(length=64), nullable=False),
    sa.Column('catalogue_edition', sa.String(length=32), nullable=False),
    sa.Column('catalogue_fingerprint', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('lead_auditor', sa.String(length=200), nullable=False),
    sa.Column('team', sa.JSON(), nullable=False),
    sa.Column('scope', sa.Text(), nullable=False),
    sa.Column('objectives', sa.Text(), nullable=False),
    sa.Column('criteria', sa.Text(), nullable=False),
    sa.Column('location', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['catalogue_fingerprint'], ['catalogue_snapshots.fingerprint'], name=op.f('fk_audits_catalogue_fingerprint_catalogue_snapshots')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_audits_site_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audits'))
    )
    op.create_index(op.f('ix_audits_site_id'), 'audits', ['site_id'], unique=False)
    op.create_table('answers',
    sa.Column('audit_id', sa.String(length=36), nullable=False),
    sa.Column('item_key', sa.String(length=64), nullable=False),
    sa.Column('result', sa.String(length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('carried_over', sa.Boolean(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['audit_id'], ['audits.id'], name=op.f('fk_answers_audit_id_audits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answers')),
    sa.UniqueConstraint('audit_id', 'item_key', name=op.f('uq_answers_audit_id'))
    )
    op.create_index(op.f('ix_answers_audit_id'), 'answers', ['audit_id'], unique=False)
    op.create_table('findings',
    sa.Column('audit_id', sa.String(length=36), nullable=False),
    sa.Column('item_key', sa.String(length=64), nullable=True),
    sa.Column('finding_class', sa.String(length=32), nullable=False),
    sa.Column('requirement_ref', sa.String(length=200), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('objective_evidence', sa.Text(), nullable=False),
    sa.Column('correction', sa.Text(), nullable=False),
    sa.Column('root_cause', sa.Text(), nullable=False),
    sa.Column('corrective_action', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('verified_on', sa.Date(), nullable=True),
    sa.Column('verified_by', sa.String(length=200), nullable=False),
    sa.Column('verification_result', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['audit_id'], ['audits.id'], name=op.f('fk_findings_audit_id_audits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_findings'))
    )
    op.create_index(op.f('ix_findings_audit_id'), 'findings', ['audit_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_findings_audit_id'), table_name='findings')
    op.drop_table('findings')
    op.drop_index(op.f('ix_answers_audit_id'), table_name='answers')
    op.drop_table('answers')
    op.drop_index(op.f('ix_audits_site_id'), table_name='audits')
    op.drop_table('audits')
    op.drop_index(op.f('ix_sites_organisation_id'), table_name='sites')
    op.drop_table('sites')
    op.drop_table('store_meta')
    op.drop_table('organisations')
    op.drop_index('ix_change_log_entity', table_name='change_log')
    op.drop_table('change_log')
    op.drop_table('catalogue_snapshots')
