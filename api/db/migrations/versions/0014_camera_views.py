"""camera_views: the picture of the view a camera's zones fit, remembered between processes

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa

from api.db.base import UTCDateTime


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'camera_views',
        sa.Column('camera_id', sa.String(length=64), nullable=False),
        sa.Column('zones_key', sa.String(length=64), nullable=False),
        sa.Column('picture', sa.LargeBinary(), nullable=False),
        sa.Column('taken_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['camera_id'], ['cameras.id'], name=op.f('fk_camera_views_camera_id_cameras'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('camera_id', name=op.f('pk_camera_views')),
    )


def downgrade() -> None:
    op.drop_table('camera_views')
