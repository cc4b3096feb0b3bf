"""drone findings and frame reports

Revision ID: 0005
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa
import api.db.base


revision = '0005'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('drone_findings',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('flight_id', sa.Integer(), nullable=False),
    sa.Column('baseline_flight_id', sa.Integer(), nullable=True),
    sa.Column('finding_key', sa.String(length=64), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('area_m2', sa.Float(), nullable=False),
    sa.Column('registration_quality', sa.Float(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('frame_index', sa.Integer(), nullable=False),
    sa.Column('submitted', sa.Boolean(), nullable=False),
    sa.Column('created_at', api.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['baseline_flight_id'], ['flights.id'], name=op.f('fk_drone_findings_baseline_flight_id_flights'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['flight_id'], ['flights.id'], name=op.f('fk_drone_findings_flight_id_flights'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drone_findings')),
    sa.UniqueConstraint('flight_id', 'finding_key', name='uq_drone_findings_flight_key')
    )
    with op.batch_alter_table('drone_findings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drone_findings_flight_id'), ['flight_id'], unique=False)

    op.create_table('drone_frame_reports',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('flight_id', sa.Integer(), nullable=False),
    sa.Column('frame_index', sa.Integer(), nullable=False),
    sa.Column('baseline_frame_index', sa.Integer(), nullable=True),
    sa.Column('registered', sa.Boolean(), nullable=False),
    sa.Column('quality', sa.Float(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['flight_id'], ['flights.id'], name=op.f('fk_drone_frame_reports_flight_id_flights'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drone_frame_reports')),
    sa.UniqueConstraint('flight_id', 'frame_index', name='uq_drone_frame_reports_flight_frame')
    )
    with op.batch_alter_table('drone_frame_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drone_frame_reports_flight_id'), ['flight_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('drone_frame_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_drone_frame_reports_flight_id'))
    op.drop_table('drone_frame_reports')
    with op.batch_alter_table('drone_findings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_drone_findings_flight_id'))
    op.drop_table('drone_findings')
