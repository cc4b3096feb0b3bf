"""one case per stay: events carry their episode key (unique), the object's box and appearance,
and when the episode ended

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa
import api.db.base


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('episode_key', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('episode_ended_at', api.db.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('object_box', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('appearance', sa.JSON(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_events_episode_key'), ['episode_key'])


def downgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_events_episode_key'), type_='unique')
        batch_op.drop_column('appearance')
        batch_op.drop_column('object_box')
        batch_op.drop_column('episode_ended_at')
        batch_op.drop_column('episode_key')
