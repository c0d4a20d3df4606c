"""Engines for the two supported backends, configured the way the store relies on.

SQLite runs in WAL mode with ``synchronous=NORMAL`` (durable across process crashes,
fast commits), foreign keys on and a busy timeout; write transactions start with
``BEGIN IMMEDIATE`` so two processes never deadlock upgrading a read lock. PostgreSQL
goes through psycopg 3, optionally inside one schema (``search_path``), which is also
how tests isolate themselves.
"""

from __future__ import annotations

import re
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

# Execution option a write transaction sets so the SQLite ``begin`` hook says IMMEDIATE.
BEGIN_MODE = "wenming_begin"

_SCHEMA_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


_DETAIL = re.compile(r"DETAIL:.*?(?=\n\[SQL:|\n\(Background|\Z)", re.S)


def redact_detail(text: str) -> str:
    """A database error's text without PostgreSQL's DETAIL, which quotes row values
    ("Failing row contains (…)", "Key (…)=(…)"): item text must not reach the logs.
    Statement parameters are already hidden by the engines (``hide_parameters``)."""
    return _DETAIL.sub("DETAIL: [redacted]", text)


def json_text(value: Any) -> str:
    """JSON for JSON columns: orjson, several times faster than the standard library."""
    return orjson.dumps(value).decode()


def engine_create(url: str, *, schema: str | None = None, pool_size: int = 10) -> Engine:
    """Build an engine for ``url``; raises ``ValueError`` for an unsupported backend."""
    sa_url = make_url(normalize_database_url(url))
    backend = sa_url.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(sa_url.render_as_string(hide_password=False), pool_size)
    if backend == "postgresql":
        return _postgres_engine(sa_url.render_as_string(hide_password=False), schema, pool_size)
    raise ValueError(f"unsupported database {backend!r}: use sqlite:/// or postgresql:// URLs")


def _sqlite_engine(url: str, pool_size: int) -> Engine:
    engine = create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        connect_args={"check_same_thread": False, "timeout": 30},
        json_serializer=json_text,
        hide_parameters=True,  # errors are logged; item text and tokens must not be
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's begin hook below issue BEGIN itself (pysqlite's own
        # transaction handling cannot say IMMEDIATE).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get(BEGIN_MODE, "")
        conn.exec_driver_sql(f"BEGIN {mode}".strip())

    return engine


def _postgres_engine(url: str, schema: str | None, pool_size: int) -> Engine:
    connect_args: dict[str, Any] = {}
    if schema:
        if not _SCHEMA_RE.match(schema):
            raise ValueError(f"invalid schema name {schema!r}")
        connect_args["options"] = f"-csearch_path={schema}"
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        connect_args=connect_args,
        hide_parameters=True,  # errors are logged; item text and tokens must not be
        json_serializer=json_text,
    )


def normalize_database_url(url: str) -> str:
    """Name the psycopg 3 driver for bare ``postgres://`` / ``postgresql://`` URLs."""
    for bare in ("postgres://", "postgresql://"):
        if url.startswith(bare):
            return "postgresql+psycopg://" + url[len(bare) :]
    return url


def safe_url(url: str) -> str:
    """``url`` with any password hidden, for messages (``<invalid URL>`` if unparsable)."""
    try:
        return make_url(normalize_database_url(url)).render_as_string(hide_password=True)
    except Exception:
        return "<invalid URL>"
