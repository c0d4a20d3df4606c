"""Apply the store's Alembic migrations programmatically.

The migration scripts ship inside the package (``store/migrations``), so an installed
wenming needs no ``alembic.ini``: :func:`upgrade` is what ``wenming db upgrade`` and
``wenming serve`` call.
"""

from __future__ import annotations

import io
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from wenming.store.engine import BEGIN_MODE

_SCRIPTS = Path(__file__).with_name("migrations")


def _config(connection: Connection | None = None, *, url: str | None = None) -> Config:
    cfg = Config(stdout=io.StringIO())
    cfg.set_main_option("script_location", str(_SCRIPTS))
    if url is not None:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database up to ``revision`` (default: the newest)."""
    with engine.connect() as conn:
        conn.execution_options(**{BEGIN_MODE: "IMMEDIATE"})
        with conn.begin():
            command.upgrade(_config(conn), revision)


def upgrade_sql(url: str, revision: str = "head") -> str:
    """The SQL that :func:`upgrade` would run on an empty database, for a DBA to review."""
    cfg = _config(url=url)
    out = io.StringIO()
    cfg.stdout = out
    cfg.output_buffer = out
    command.upgrade(cfg, revision, sql=True)
    return out.getvalue()


def current(engine: Engine) -> str | None:
    """The revision the database is at; ``None`` for a database never migrated."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head() -> str:
    """The newest revision this wenming ships."""
    rev = ScriptDirectory.from_config(_config()).get_current_head()
    assert rev is not None
    return rev
