"""Alembic environment: migrates the store's tables on the connection it is given."""

from __future__ import annotations

from alembic import context

from assistant.store import Base, all_tables_loaded

all_tables_loaded()
target_metadata = Base.metadata
connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through assistant.store.Store.migrate()")
context.configure(
    connection=connection,
    target_metadata=target_metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
