"""The screening hot path's one read on the raw driver: which items are stored and what
was decided about them under the policy in force.

SQLAlchemy Core costs more per execution (statement caching, parameter and result
processing, the read transaction's ``BEGIN``/``COMMIT``) than SQLite or PostgreSQL take to
answer this query, so it goes straight to the driver: a pooled DBAPI connection, one
``SELECT`` (a single statement reads a consistent snapshot on both backends, no explicit
transaction needed), rows decoded here. SQLite hands back what :mod:`.bulk` and
SQLAlchemy stored (UUIDs as 32 hex digits, UTC times as text, JSON as text); psycopg hands
back native values. The contract tests compare the records with those of the other reads.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import orjson
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from wenming.store.items.records import DecisionRecord, ItemRef

_COLUMNS = (
    "i.id, i.external_id, i.text_hash, d.id, d.platform_id, d.text_hash, d.verdict, d.labels, "
    "d.scores, d.evidence, d.reasons, d.policy_version, d.automated, d.actor_key_id, "
    "d.actor_user, d.statement, d.created_at"
)


@lru_cache(maxsize=256)
def _sql(dialect: str, n: int) -> str:
    mark = "?" if dialect == "sqlite" else "%s"
    return (
        f"SELECT {_COLUMNS} FROM items i LEFT JOIN decisions d "
        f"ON d.item_id = i.id AND d.policy_version = {mark} "
        f"WHERE i.platform_id = {mark} AND i.external_id IN ({', '.join([mark] * n)}) "
        "ORDER BY d.created_at DESC, d.id DESC"
    )


def _uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(hex=value)


def _json(value: Any) -> Any:
    return orjson.loads(value) if isinstance(value, str | bytes) else value


def _time(value: Any) -> datetime:
    found: datetime = datetime.fromisoformat(value) if isinstance(value, str) else value
    return found.replace(tzinfo=UTC) if found.tzinfo is None else found.astimezone(UTC)


def item_refs(
    engine: Engine,
    conn: Connection | None,
    platform_id: int,
    platform_name: str,
    external_ids: Sequence[str],
    policy_version: str,
) -> dict[str, ItemRef]:
    """See :meth:`wenming.store.items.repo.ItemReads.item_refs`; on ``conn`` (a write
    transaction's) when given, else on a pooled connection of its own. Driver errors are
    raised as SQLAlchemy's (``OperationalError`` …), as every other query raises them, so
    that callers tell "the database is away" (:func:`wenming.store.unavailable`) the same
    way; a pooled connection the database dropped is discarded, not reused."""
    sql = _sql(engine.dialect.name, len(external_ids))
    params = (policy_version, platform_id, *external_ids)
    driver_error: Any = engine.dialect.loaded_dbapi.Error
    pooled: Any = None
    try:
        if conn is not None:
            rows = _fetch(conn.connection.dbapi_connection, sql, params)
        else:
            pooled = engine.raw_connection()
            rows = _fetch(pooled, sql, params)
    except driver_error as exc:
        lost = pooled is None and conn is None  # could not connect at all
        if pooled is not None and engine.dialect.is_disconnect(exc, pooled, None):
            pooled.invalidate(exc)
            lost = True
        raise DBAPIError.instance(
            sql, params, exc, driver_error, connection_invalidated=lost, dialect=engine.dialect
        ) from exc
    finally:
        if pooled is not None:
            pooled.close()  # back to the pool (which ends the implicit read transaction)
    return _refs(rows, platform_name)


def _fetch(dbapi: Any, sql: str, params: tuple[Any, ...]) -> list[Any]:
    cur = dbapi.cursor()
    try:
        cur.execute(sql, params)
        return list(cur.fetchall())
    finally:
        cur.close()


def _refs(rows: list[Any], platform_name: str) -> dict[str, ItemRef]:
    out: dict[str, ItemRef] = {}
    for (
        iid,
        ext,
        ihash,
        did,
        pid,
        dhash,
        verdict,
        labels,
        scores,
        evidence,
        reasons,
        pv,
        automated,
        key_id,
        user,
        statement,
        created,
    ) in rows:
        ref = out.get(ext)
        if ref is None:
            ref = out[ext] = ItemRef(id=_uuid(iid), external_id=ext, text_hash=ihash)
        if did is not None and dhash not in ref.decided:
            ref.decided[dhash] = DecisionRecord(
                id=_uuid(did),
                platform_id=pid,
                platform_name=platform_name,
                item_id=ref.id,
                item_external_id=ext,
                text_hash=dhash,
                verdict=verdict,
                labels=tuple(_json(labels)),
                scores=dict(_json(scores)),
                evidence=list(_json(evidence)),
                reasons=tuple(_json(reasons)),
                policy_version=pv,
                automated=bool(automated),
                actor_key_id=key_id,
                actor_user=user,
                statement=statement,
                created_at=_time(created),
            )
    return out
