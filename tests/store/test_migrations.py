"""Migrations build exactly the tables that the area table modules describe, on every backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from wenming.store import Store, migrate
from wenming.store.schema import metadata


def test_database_is_at_head(store: Store) -> None:
    assert migrate.current(store.engine) == migrate.head()


def test_migrations_match_the_table_definitions(store: Store) -> None:
    with store.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, metadata)
    assert diff == []


def test_upgrade_is_idempotent(store: Store) -> None:
    migrate.upgrade(store.engine)
    assert migrate.current(store.engine) == migrate.head()


def test_offline_sql_for_review() -> None:
    sql = migrate.upgrade_sql("postgresql+psycopg://u@h/db")
    assert "CREATE TABLE decisions" in sql and "JSONB" in sql
