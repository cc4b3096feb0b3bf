"""zones: rule parameters in one JSON column `params` instead of one column per parameter

Revision ID: 0009
Revises: 0008

A zone kind's parameters are validated by that kind's model (vision/violations/<kind>.py) on write
and on read, so a new kind needs no migration. The column names below are the schema of 0008,
written out here on purpose: a migration must not follow later code.
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# 0008's parameter columns and their types
_COLUMNS = {
    'dwell_seconds': sa.Float(),
    'photo_interval_seconds': sa.Float(),
    'exit_direction': sa.String(length=8),
    'min_evidence_frames': sa.Integer(),
    'evidence_window_frames': sa.Integer(),
    'persistence_seconds': sa.Float(),
}


def _zones(*columns: sa.Column) -> sa.TableClause:
    return sa.table('zones', sa.column('id', sa.Integer()), *columns)


def upgrade() -> None:
    with op.batch_alter_table('zones', schema=None) as batch_op:
        batch_op.add_column(sa.Column('params', sa.JSON(), nullable=True))
    bind = op.get_bind()
    old = _zones(*(sa.column(name, type_) for name, type_ in _COLUMNS.items()))
    new = _zones(sa.column('params', sa.JSON()))
    for row in bind.execute(sa.select(old)).mappings().all():
        params = {name: row[name] for name in _COLUMNS if row[name] is not None}
        bind.execute(sa.update(new).where(new.c.id == row['id']).values(params=params))
    with op.batch_alter_table('zones', schema=None) as batch_op:
        batch_op.alter_column('params', existing_type=sa.JSON(), nullable=False)
        for name in _COLUMNS:
            batch_op.drop_column(name)


def downgrade() -> None:
    bind = op.get_bind()
    zones = _zones(sa.column('name', sa.String()), sa.column('kind', sa.String()), sa.column('params', sa.JSON()))
    params_of = {}
    for row in bind.execute(sa.select(zones)).mappings().all():
        params = row['params'] or {}
        unknown = sorted(set(params) - set(_COLUMNS))
        if unknown:
            raise RuntimeError(
                f"zone {row['name']!r} (kind {row['kind']!r}) has parameters revision 0008 has no column "
                f"for: {', '.join(unknown)}; remove or change the zone before downgrading"
            )
        params_of[row['id']] = params
    with op.batch_alter_table('zones', schema=None) as batch_op:
        for name, type_ in _COLUMNS.items():
            batch_op.add_column(sa.Column(name, type_, nullable=True))
    old = _zones(*(sa.column(name, type_) for name, type_ in _COLUMNS.items()))
    for zone_id, params in params_of.items():
        if params:
            bind.execute(sa.update(old).where(old.c.id == zone_id).values(**params))
    with op.batch_alter_table('zones', schema=None) as batch_op:
        batch_op.drop_column('params')
