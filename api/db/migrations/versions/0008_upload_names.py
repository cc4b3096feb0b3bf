"""drone uploads: one row per (flight, file name), and why a file was rejected

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

_RANK = {"complete": 0, "uploading": 1}  # which duplicate to keep: complete, then uploading, then newest


def _drop_duplicates() -> None:
    """Earlier versions let a name be declared twice (a rejected file and its resend, or a race):
    keep one row per name, the complete one first, then the one still uploading, then the newest."""
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT id, flight_id, filename, status, bytes_received, created_at FROM drone_uploads"
    )).fetchall()
    groups: dict[tuple[int, str], list[sa.Row]] = {}
    for row in rows:
        groups.setdefault((row.flight_id, row.filename), []).append(row)
    drop = []
    for group in groups.values():
        group.sort(key=lambda r: str(r.created_at), reverse=True)  # newest first, then (stable) by rank
        group.sort(key=lambda r: (_RANK.get(r.status, 2), -r.bytes_received))
        drop.extend(r.id for r in group[1:])
    for upload_id in drop:
        bind.execute(sa.text("DELETE FROM drone_uploads WHERE id = :id"), {"id": upload_id})


def upgrade() -> None:
    _drop_duplicates()
    with op.batch_alter_table('drone_uploads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('detail', sa.Text(), nullable=True))
        batch_op.create_unique_constraint('uq_drone_uploads_flight_filename', ['flight_id', 'filename'])


def downgrade() -> None:
    with op.batch_alter_table('drone_uploads', schema=None) as batch_op:
        batch_op.drop_constraint('uq_drone_uploads_flight_filename', type_='unique')
        batch_op.drop_column('detail')
