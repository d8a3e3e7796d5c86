"""PostgreSQL: what a runtime role may do, apart from the role that owns the tables and migrates.

The owner runs `portal db upgrade`; the web workers connect as a runtime role that can read and
add rows everywhere, change and remove rows only where the portal itself does, and only read and
add rows in the append-only tables (education records, amendments, care plans, their goals and
goal progress, audit events). The triggers refuse changes there anyway; the grants make the
refusal hold even if a trigger were dropped.
"""
from __future__ import annotations

import re

from portal.db.models import Base

APPEND_ONLY = ("education_records", "audit_events", "care_plans", "plan_goals", "goal_progress")


def runtime_grants(role: str) -> list[str]:
    """The GRANT statements that give `role` what the running portal needs, and no more."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", role):
        raise ValueError(f"'{role}' is not a plain PostgreSQL role name; use lower-case letters, digits and _")
    statements = [f"GRANT USAGE ON SCHEMA public TO {role}",
                  f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
                  f"GRANT SELECT ON alembic_version TO {role}"]
    for table in Base.metadata.sorted_tables:
        rights = "SELECT, INSERT" if table.name in APPEND_ONLY else "SELECT, INSERT, UPDATE, DELETE"
        statements.append(f"REVOKE ALL ON {table.name} FROM {role}")
        statements.append(f"GRANT {rights} ON {table.name} TO {role}")
    return statements
