"""survey areas: the address, grid code and responsible unit a rooftop case from them is filed under

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('survey_areas') as batch:
        batch.add_column(sa.Column('address', sa.String(length=500), nullable=True))
        batch.add_column(sa.Column('grid_code', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('responsible_unit', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('survey_areas') as batch:
        batch.drop_column('responsible_unit')
        batch.drop_column('grid_code')
        batch.drop_column('address')
