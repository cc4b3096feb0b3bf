"""cameras.detection_zoom: magnification of the zones' detection window (1: the whole frame's scale)

Revision ID: 0013
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('cameras', sa.Column('detection_zoom', sa.Float(), nullable=False, server_default='1.0'))


def downgrade() -> None:
    op.drop_column('cameras', 'detection_zoom')
