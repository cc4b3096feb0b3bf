"""case_rechecks: the product's re-check of a handled case's place (核查 after 处置)

Revision ID: 0012
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa

from api.db.base import UTCDateTime


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'case_rechecks',
        sa.Column('id', sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column('event_id', sa.String(length=26), sa.ForeignKey('events.id', ondelete='CASCADE'), nullable=False),
        sa.Column('case_status_id', sa.Integer(), sa.ForeignKey('case_status.id', ondelete='CASCADE'),
                  nullable=False, unique=True),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('outcome', sa.String(length=20), nullable=True),
        sa.Column('reason', sa.String(length=32), nullable=True),
        sa.Column('detail', sa.Text(), nullable=True),
        sa.Column('record_id', sa.String(length=26), sa.ForeignKey('evidence_records.id'), nullable=True),
        sa.Column('requested_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('next_attempt_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('finished_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('notify_url', sa.Text(), nullable=True),
        sa.Column('base_url', sa.String(length=500), nullable=True),
    )
    op.create_index('ix_case_rechecks_event_id', 'case_rechecks', ['event_id'])
    op.create_index('ix_case_rechecks_due', 'case_rechecks', ['state', 'next_attempt_at'])


def downgrade() -> None:
    op.drop_index('ix_case_rechecks_due', table_name='case_rechecks')
    op.drop_index('ix_case_rechecks_event_id', table_name='case_rechecks')
    op.drop_table('case_rechecks')
