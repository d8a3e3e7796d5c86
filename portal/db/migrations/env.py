"""Alembic environment: runs the migrations on the engine given by portal.db.migrate."""
from alembic import context

from portal.db.models import Base

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=engine.dialect.name == "sqlite")
    context.run_migrations()
