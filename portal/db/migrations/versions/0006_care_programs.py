"""Care-management programs: each education record names its program; users may be billing practitioners

`education_records.program`: the program the record's minutes count toward (ccm, ccm_complex, pcm,
bhi; see portal.care.programs); every existing record is CCM, as the report counted it before.
`users.billing_practitioner`: the user may record minutes as the billing practitioner's own; no one
is, until an admin says so.

Both are plain ADD COLUMNs, which change no existing record. On SQLite a batch (copy-and-rename)
ALTER would drop the append-only triggers of 0004, so none is used, and the triggers are made again
if they are missing (they never are after ADD COLUMN; this keeps the promise whatever runs before).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 23:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

APPEND_ONLY = ("education_records", "audit_events")
MESSAGE = "%s is append-only: records of care are never changed or removed; write an amendment instead"


def upgrade() -> None:
    op.add_column("education_records", sa.Column("program", sa.String(20), nullable=False,
                                                 server_default=sa.text("'ccm'")))
    op.add_column("users", sa.Column("billing_practitioner", sa.Boolean(), nullable=False,
                                     server_default=sa.false()))
    _keep_sqlite_triggers()


def downgrade() -> None:
    op.drop_column("users", "billing_practitioner")
    op.drop_column("education_records", "program")
    _keep_sqlite_triggers()


def _keep_sqlite_triggers() -> None:
    """The SQLite triggers of 0004, made again where missing (PostgreSQL keeps them through ALTER TABLE)."""
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in APPEND_ONLY:
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER IF NOT EXISTS {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{MESSAGE % table}'); END")
