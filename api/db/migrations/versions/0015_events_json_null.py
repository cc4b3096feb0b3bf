"""events.object_box, events.appearance: a missing value is SQL NULL, not JSON null

Rows written before this kept a case's missing vehicle box or look (a mud truck's case) as the JSON
value null, which `IS NULL` does not find: the episode journal took such a case for one it could resume.

Revision ID: 0015
Revises: 0014
"""
from alembic import op


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    cast = "::text" if op.get_bind().dialect.name == "postgresql" else ""
    for column in ("object_box", "appearance"):
        op.execute(f"UPDATE events SET {column} = NULL WHERE {column}{cast} = 'null'")


def downgrade() -> None:
    pass  # SQL NULL reads as None like JSON null did: nothing to undo
