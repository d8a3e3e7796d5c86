"""Care teams: teams, their members and their patients; everything existing joins the default team

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 10:00:00
"""
import datetime as dt

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

DEFAULT_SLUG, DEFAULT_NAME = "default", "Default team"


def upgrade() -> None:
    teams = op.create_table('teams',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('slug')
    )
    members = op.create_table('team_members',
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('team_id', 'user_id')
    )
    with op.batch_alter_table('team_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_members_user_id'), ['user_id'], unique=False)

    patient_teams = op.create_table('patient_teams',
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], ),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], ),
    sa.PrimaryKeyConstraint('patient_id', 'team_id')
    )
    with op.batch_alter_table('patient_teams', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patient_teams_team_id'), ['team_id'], unique=False)

    # One default team holding every existing user and patient: a one-team clinic works as before.
    bind = op.get_bind()
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    bind.execute(teams.insert().values(slug=DEFAULT_SLUG, name=DEFAULT_NAME, created_at=now))
    team_id = bind.scalar(sa.select(teams.c.id).where(teams.c.slug == DEFAULT_SLUG))
    users, patients = sa.table('users', sa.column('id')), sa.table('patients', sa.column('id'))
    bind.execute(members.insert().from_select(
        ['team_id', 'user_id'], sa.select(sa.literal(team_id, sa.Integer()), users.c.id)))
    bind.execute(patient_teams.insert().from_select(
        ['patient_id', 'team_id'], sa.select(patients.c.id, sa.literal(team_id, sa.Integer()))))


def downgrade() -> None:
    with op.batch_alter_table('patient_teams', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patient_teams_team_id'))

    op.drop_table('patient_teams')
    with op.batch_alter_table('team_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_members_user_id'))

    op.drop_table('team_members')
    op.drop_table('teams')
