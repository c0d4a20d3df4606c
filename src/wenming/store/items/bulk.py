"""Bulk writes for the screening hot path, below SQLAlchemy's per-row machinery.

SQLAlchemy's generic ``executemany`` sends one statement per row to PostgreSQL, and a
multi-row ``VALUES`` statement is parsed anew by the driver for every batch size. On
PostgreSQL the store therefore inserts items with a single ``INSERT … SELECT FROM
unnest(arrays)`` (constant text, so prepared once; keeps ``ON CONFLICT DO NOTHING``)
and decisions with ``COPY``, which is several times faster for batches. On SQLite the
cost is SQLAlchemy's per-row parameter processing, so rows go straight to the driver's
``executemany`` in the very form SQLAlchemy would store them (UUIDs as 32 hex digits,
UTC timestamps as text, JSON as text); the store's contract tests read them back
through SQLAlchemy and compare.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from psycopg.types.json import Jsonb
from sqlalchemy import Connection

from wenming.store.engine import json_text
from wenming.store.items import tables as t

_ITEM_COLUMNS = (
    ("id", "uuid"),
    ("platform_id", "bigint"),
    ("external_id", "text"),
    ("text", "text"),
    ("text_hash", "text"),
    ("author_id", "bigint"),
    ("group_id", "bigint"),
    ("lang", "text"),
    ("urls", "jsonb"),
    ("posted_at", "timestamptz"),
    ("created_at", "timestamptz"),
    ("updated_at", "timestamptz"),
)
_ITEM_INSERT = (
    f"INSERT INTO items ({', '.join(c for c, _ in _ITEM_COLUMNS)}) "
    f"SELECT * FROM unnest({', '.join(f'%({c})s::{k}[]' for c, k in _ITEM_COLUMNS)}) "
    "ON CONFLICT DO NOTHING RETURNING external_id"
)
_DECISION_COLUMNS = tuple(c.name for c in t.decisions.c)
_DECISION_JSON = frozenset({"labels", "scores", "evidence", "reasons"})
_DECISION_COPY = f"COPY decisions ({', '.join(_DECISION_COLUMNS)}) FROM STDIN"


def items_insert(conn: Connection, rows: Sequence[dict[str, Any]]) -> set[str]:
    """Insert item rows, skipping conflicts; the external ids actually inserted."""
    params = {
        c: [Jsonb(row[c], json_text) if k == "jsonb" else row[c] for row in rows]
        for c, k in _ITEM_COLUMNS
    }
    result = conn.exec_driver_sql(_ITEM_INSERT, params)
    return {row[0] for row in result}


def decisions_copy(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Append decision rows with COPY, inside the connection's transaction."""
    raw: Any = conn.connection.dbapi_connection
    with raw.cursor() as cur, cur.copy(_DECISION_COPY) as copy:
        for row in rows:
            copy.write_row(
                [
                    Jsonb(row[c], json_text) if c in _DECISION_JSON else row[c]
                    for c in _DECISION_COLUMNS
                ]
            )


def _sqlite(value: Any, json: bool) -> Any:
    if json:
        return json_text(value)
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, bool):
        return int(value)
    return value


def sqlite_insert(
    conn: Connection,
    table: Any,
    rows: Sequence[dict[str, Any]],
    *,
    json_columns: frozenset[str],
    ignore_conflicts: bool = False,
) -> int:
    """Insert ``rows`` into ``table`` with the driver's executemany; the rows inserted."""
    columns = [c.name for c in table.c]
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) "
        f"VALUES ({', '.join('?' for _ in columns)})"
        + (" ON CONFLICT DO NOTHING" if ignore_conflicts else "")
    )
    params = [tuple(_sqlite(row[c], c in json_columns) for c in columns) for row in rows]
    raw: Any = conn.connection.dbapi_connection
    cur = raw.cursor()
    try:
        cur.executemany(sql, params)
        return int(cur.rowcount)
    finally:
        cur.close()
