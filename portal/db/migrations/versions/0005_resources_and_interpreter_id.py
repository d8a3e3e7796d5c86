"""Education records name the resources given and the interpreter's ID

`resources_given`: the community resources handed to the patient with the teaching (a JSON list of
item refs, empty for older records). `interpreter_id`: the interpreter service's ID of the
interpreter (optional short text; not patient data). Adding columns changes no existing record, so
the append-only triggers of 0004 stay as they are.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-10 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("education_records", sa.Column("resources_given", sa.JSON(), nullable=False,
                                                 server_default=sa.text("'[]'")))
    op.add_column("education_records", sa.Column("interpreter_id", sa.String(40), nullable=True))


def downgrade() -> None:
    op.drop_column("education_records", "interpreter_id")
    op.drop_column("education_records", "resources_given")
