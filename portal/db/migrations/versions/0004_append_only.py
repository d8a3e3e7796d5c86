"""Records of care are append-only in the database itself

Education records (amendments are education records too) and audit events refuse UPDATE and
DELETE through triggers on SQLite and PostgreSQL, and TRUNCATE on PostgreSQL, whatever the
application or a person at a SQL prompt tries. A correction is a new row (an amendment).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 20:10:00
"""
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

TABLES = ("education_records", "audit_events")
MESSAGE = "%s is append-only: records of care are never changed or removed; write an amendment instead"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in TABLES:
            for verb in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, '{MESSAGE % table}'); END")
        return
    op.execute("""
        CREATE FUNCTION portal_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% is append-only: records of care are never changed or removed; write an amendment instead',
                TG_TABLE_NAME;
        END $$""")
    for table in TABLES:
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION portal_refuse_change()")
        op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION portal_refuse_change()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in TABLES:
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    op.execute("DROP FUNCTION IF EXISTS portal_refuse_change()")
