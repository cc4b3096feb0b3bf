"""case_status: the steps the case system reports back on an approved case

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa

from api.db.base import UTCDateTime


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'case_status',
        sa.Column('id', sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column('event_id', sa.String(length=26), sa.ForeignKey('events.id', ondelete='CASCADE'), nullable=False),
        sa.Column('step', sa.String(length=16), nullable=False),
        sa.Column('reported_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('case_number', sa.String(length=64), nullable=True),
        sa.Column('actor', sa.String(length=200), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('reported_by', sa.Integer(), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('received_at', UTCDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint('event_id', 'step', 'reported_at', name='uq_case_status_step'),
    )
    op.create_index('ix_case_status_event_id', 'case_status', ['event_id'])


def downgrade() -> None:
    op.drop_index('ix_case_status_event_id', table_name='case_status')
    op.drop_table('case_status')
