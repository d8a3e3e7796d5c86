"""Care plans: plans, their goals, goal progress (append-only) and the codes that open a plan

`care_plans`: a patient's plan in the language they read; an amendment is a new row naming the
first version (`original_id`) and why (`amendment_reason`). `plan_goals`: the goals of one plan
version (from a guide's template or written by the care manager); a goal carried into an amended
plan names its first version. `goal_progress`: how a goal went, recorded with an education record
(a foreign key to the record whose minutes count). These three refuse UPDATE and DELETE through
triggers on SQLite and PostgreSQL, and TRUNCATE on PostgreSQL, as 0004 does for education records
(PostgreSQL reuses 0004's portal_refuse_change()). `plan_codes`: the SHA-256 of each code that
opens a plan's page, and when it expires.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 09:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

APPEND_ONLY = ("care_plans", "plan_goals", "goal_progress")
MESSAGE = "%s is append-only: records of care are never changed or removed; write an amendment instead"


def upgrade() -> None:
    op.create_table('care_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=40), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('original_id', sa.Integer(), nullable=True),
    sa.Column('amendment_reason', sa.Text(), nullable=True),
    sa.Column('language', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['original_id'], ['care_plans.id'], ),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('public_id')
    )
    op.create_index('ix_care_plans_patient_id', 'care_plans', ['patient_id'], unique=False)
    op.create_index('ix_care_plans_original_id', 'care_plans', ['original_id'], unique=False)
    op.create_table('plan_goals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=40), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('original_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('guide', sa.String(length=100), nullable=True),
    sa.Column('template_id', sa.String(length=100), nullable=True),
    sa.Column('text_language', sa.String(length=12), nullable=False),
    sa.Column('goal', sa.Text(), nullable=False),
    sa.Column('steps', sa.JSON(), nullable=False),
    sa.Column('measure', sa.Text(), nullable=False),
    sa.Column('call_when', sa.Text(), nullable=False),
    sa.Column('target_date', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['original_id'], ['plan_goals.id'], ),
    sa.ForeignKeyConstraint(['plan_id'], ['care_plans.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('public_id')
    )
    op.create_index('ix_plan_goals_plan_id', 'plan_goals', ['plan_id'], unique=False)
    op.create_index('ix_plan_goals_original_id', 'plan_goals', ['original_id'], unique=False)
    op.create_table('goal_progress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=False),
    sa.Column('education_record_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('barriers', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['education_record_id'], ['education_records.id'], ),
    sa.ForeignKeyConstraint(['goal_id'], ['plan_goals.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_goal_progress_goal_id', 'goal_progress', ['goal_id'], unique=False)
    op.create_index('ix_goal_progress_education_record_id', 'goal_progress', ['education_record_id'], unique=False)
    op.create_table('plan_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['plan_id'], ['care_plans.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code_hash')
    )
    op.create_index('ix_plan_codes_plan_id', 'plan_codes', ['plan_id'], unique=False)

    if op.get_bind().dialect.name == "sqlite":
        for table in APPEND_ONLY:
            for verb in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, '{MESSAGE % table}'); END")
        return
    for table in APPEND_ONLY:  # portal_refuse_change() comes from 0004
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION portal_refuse_change()")
        op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION portal_refuse_change()")


def downgrade() -> None:
    # Dropping a table drops its triggers too.
    op.drop_index('ix_plan_codes_plan_id', table_name='plan_codes')
    op.drop_table('plan_codes')
    op.drop_index('ix_goal_progress_education_record_id', table_name='goal_progress')
    op.drop_index('ix_goal_progress_goal_id', table_name='goal_progress')
    op.drop_table('goal_progress')
    op.drop_index('ix_plan_goals_original_id', table_name='plan_goals')
    op.drop_index('ix_plan_goals_plan_id', table_name='plan_goals')
    op.drop_table('plan_goals')
    op.drop_index('ix_care_plans_original_id', table_name='care_plans')
    op.drop_index('ix_care_plans_patient_id', table_name='care_plans')
    op.drop_table('care_plans')
