"""evidence episodes: record kind + episode link, event detection count

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa
import api.db.base


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('evidence_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), server_default='primary', nullable=False))
        batch_op.add_column(sa.Column('episode_record_id', sa.String(length=26), nullable=True))
        batch_op.create_index(batch_op.f('ix_evidence_records_episode_record_id'), ['episode_record_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_evidence_records_episode_record_id_evidence_records'),
                                    'evidence_records', ['episode_record_id'], ['id'], ondelete='RESTRICT')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_seen_at', api.db.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('detection_count', sa.Integer(), server_default='1', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('detection_count')
        batch_op.drop_column('last_seen_at')
    with op.batch_alter_table('evidence_records', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_evidence_records_episode_record_id_evidence_records'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_evidence_records_episode_record_id'))
        batch_op.drop_column('episode_record_id')
        batch_op.drop_column('kind')
