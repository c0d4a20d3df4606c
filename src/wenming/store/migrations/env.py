"""Alembic environment: runs the store's migrations on the connection it is handed.

:func:`wenming.store.migrate.upgrade` passes an open connection in
``config.attributes["connection"]``; offline mode (``wenming db upgrade --sql``) renders
the SQL for the URL in ``sqlalchemy.url`` instead of running it.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, text

from wenming.store.schema import metadata

# Any constant serves; it keeps two processes from migrating the same PostgreSQL at once.
_MIGRATION_LOCK = 0x776D6967  # "wmig"


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
    with context.begin_transaction():
        context.run_migrations()


def _run_offline() -> None:
    context.configure(
        url=context.config.get_main_option("sqlalchemy.url"),
        target_metadata=metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    _run_offline()
else:
    _run(context.config.attributes["connection"])
