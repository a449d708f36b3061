from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from assistant.store import Base, Store, all_tables_loaded


def test_migrations_build_exactly_the_models_schema(database_url: str) -> None:
    store = Store(database_url)
    store.create_schema()
    all_tables_loaded()
    with store.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []
    assert "alembic_version" in inspect(store.engine).get_table_names()


def test_migrating_twice_is_harmless(database_url: str) -> None:
    store = Store(database_url)
    store.create_schema()
    store.create_schema()
    assert {"intakes", "turns", "facts", "traces"} <= set(inspect(store.engine).get_table_names())
