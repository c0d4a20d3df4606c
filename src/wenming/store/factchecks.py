"""The fact-check registry in the database (migration ``0011``): tables and queries.

- ``factchecks``: the current version of each fact-check, its embedding (float16
  bytes, with the model recipe and the hash of the embedded text, so unchanged rows
  are never re-embedded) and ``deleted_at`` for withdrawn ones (kept for history).
- ``factcheck_versions``: every version ever written, as the JSON record, who wrote
  it and when: edits are versioned, never overwritten.

How many posts matched a fact-check is counted from the decisions' evidence (distinct
items whose evidence names the fact-check), so the count needs no write on the
screening path and never says who posted. Functions here take the store or a write
transaction's connection; the use cases are in :mod:`wenming.service.factcheck`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import (
    Column,
    Connection,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    cast,
    func,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql.elements import ColumnElement

from wenming.core.factcheck import FactCheck, factcheck_from_mapping
from wenming.store.tables import Document, Timestamp, decisions, metadata

factchecks = Table(
    "factchecks",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("claim", Text, nullable=False),
    Column("verdict", String(16), nullable=False),
    Column("title", Text, nullable=False),
    Column("rebuttal", Text, nullable=False),
    Column("sources", Document, nullable=False),
    Column("languages", Document, nullable=False),
    Column("publisher", String(200), nullable=False),
    Column("date_published", String(40), nullable=True),
    Column("date_modified", String(40), nullable=True),
    Column("tags", Document, nullable=False),
    Column("version", Integer, nullable=False),
    # Registration order: duplicates collapse onto the earliest, feeds sort by it.
    Column("seq", Integer, nullable=False),
    Column("embedding", LargeBinary, nullable=True),
    Column("embedding_recipe", String(200), nullable=True),
    Column("embedding_hash", String(16), nullable=True),
    Column("created_at", Timestamp, nullable=False),
    Column("updated_at", Timestamp, nullable=False),
    Column("deleted_at", Timestamp, nullable=True),
    Index(None, "verdict"),
    Index(None, "updated_at"),
    Index(None, "seq"),
)

factcheck_versions = Table(
    "factcheck_versions",
    metadata,
    Column("factcheck_id", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    # create | update | delete
    Column("change", String(16), nullable=False),
    Column("record", Document, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("created_at", Timestamp, nullable=False),
    PrimaryKeyConstraint("factcheck_id", "version"),
)


@dataclass(frozen=True, slots=True)
class FactCheckRow:
    """A stored fact-check with its bookkeeping."""

    factcheck: FactCheck
    seq: int
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None
    embedding: bytes | None
    embedding_recipe: str | None
    embedding_hash: str | None


@dataclass(frozen=True, slots=True)
class VersionRow:
    version: int
    change: str
    record: dict[str, Any]
    actor: str
    created_at: datetime


def _record(row: Any) -> FactCheck:
    return factcheck_from_mapping({
        "id": row.id, "claim": row.claim, "verdict": row.verdict, "title": row.title,
        "rebuttal": row.rebuttal, "sources": list(row.sources), "languages": list(row.languages),
        "publisher": row.publisher, "published": row.date_published,
        "updated": row.date_modified, "tags": list(row.tags), "version": row.version,
    }, f"factchecks row {row.id!r}")  # fmt: skip


def _row(row: Any) -> FactCheckRow:
    return FactCheckRow(
        factcheck=_record(row), seq=row.seq, created_at=row.created_at,
        updated_at=row.updated_at, deleted_at=row.deleted_at, embedding=row.embedding,
        embedding_recipe=row.embedding_recipe, embedding_hash=row.embedding_hash,
    )  # fmt: skip


def _values(fc: FactCheck) -> dict[str, Any]:
    return {
        "claim": fc.claim, "verdict": fc.verdict, "title": fc.title, "rebuttal": fc.rebuttal,
        "sources": list(fc.sources), "languages": list(fc.languages),
        "publisher": fc.publisher, "date_published": fc.published,
        "date_modified": fc.updated, "tags": list(fc.tags), "version": fc.version,
    }  # fmt: skip


def factcheck_get(conn: Connection, fid: str) -> FactCheckRow | None:
    row = conn.execute(select(factchecks).where(factchecks.c.id == fid)).first()
    return _row(row) if row else None


def factcheck_rows(conn: Connection, ids: Sequence[str]) -> dict[str, FactCheckRow]:
    if not ids:
        return {}
    rows = conn.execute(select(factchecks).where(factchecks.c.id.in_(list(ids)))).all()
    return {r.id: _row(r) for r in rows}


def factcheck_all(conn: Connection) -> list[FactCheckRow]:
    """Every live fact-check in registration order (with embeddings)."""
    stmt = select(factchecks).where(factchecks.c.deleted_at.is_(None)).order_by(factchecks.c.seq)
    return [_row(r) for r in conn.execute(stmt)]


def factcheck_changed(conn: Connection, since: datetime | None) -> list[FactCheckRow]:
    """Fact-checks written (published, edited or withdrawn) at or after ``since``, in
    registration order; withdrawn ones carry ``deleted_at``. Every one when ``since`` is
    ``None``."""
    stmt = select(factchecks).order_by(factchecks.c.seq)
    if since is not None:
        stmt = stmt.where(factchecks.c.updated_at >= since)
    return [_row(r) for r in conn.execute(stmt)]


def factcheck_stamp(conn: Connection) -> tuple[int, datetime | None]:
    """Changes whenever the registry does: (row count, last change)."""
    row = conn.execute(select(func.count(), func.max(factchecks.c.updated_at))).one()
    return int(row[0]), row[1]


def factcheck_list(
    conn: Connection,
    *,
    verdict: str | None = None,
    tag: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[FactCheckRow], int]:
    """Live fact-checks, newest first, filtered; and how many match the filters."""
    conds: list[ColumnElement[bool]] = [factchecks.c.deleted_at.is_(None)]
    if verdict:
        conds.append(factchecks.c.verdict == verdict)
    if since:
        conds.append(func.coalesce(factchecks.c.date_published, "") >= since)
    if until:
        conds.append(func.coalesce(factchecks.c.date_published, "") <= until + "\uffff")
    if tag:
        conds.append(cast(factchecks.c.tags, Text).like(f'%"{_like(tag.lower())}"%', escape="\\"))
    total = int(
        conn.execute(select(func.count()).select_from(factchecks).where(*conds)).scalar_one()
    )
    stmt = (
        select(factchecks)
        .where(*conds)
        .order_by(factchecks.c.seq.desc())
        .limit(limit)
        .offset(offset)
    )
    return [_row(r) for r in conn.execute(stmt)], total


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").replace('"', "")


def factcheck_versions_of(conn: Connection, fid: str) -> list[VersionRow]:
    stmt = (
        select(factcheck_versions)
        .where(factcheck_versions.c.factcheck_id == fid)
        .order_by(factcheck_versions.c.version)
    )
    return [
        VersionRow(r.version, r.change, dict(r.record), r.actor, r.created_at)
        for r in conn.execute(stmt)
    ]


def factcheck_put(
    conn: Connection,
    fc: FactCheck,
    *,
    change: str,
    actor: str,
    now: datetime,
    embedding: np.ndarray | None,
    recipe: str | None,
    text_hash: str | None,
) -> None:
    """Insert or update the current row and append the version row, in one transaction."""
    values = _values(fc)
    emb = {
        "embedding": None if embedding is None else embedding.astype(np.float16).tobytes(),
        "embedding_recipe": recipe,
        "embedding_hash": text_hash,
    }
    exists = conn.execute(select(factchecks.c.seq).where(factchecks.c.id == fc.id)).first()
    if exists is None:
        seq = int(conn.execute(select(func.coalesce(func.max(factchecks.c.seq), 0))).scalar_one())
        conn.execute(
            factchecks.insert().values(
                id=fc.id,
                seq=seq + 1,
                created_at=now,
                updated_at=now,
                deleted_at=None,
                **values,
                **emb,
            )
        )
    else:
        conn.execute(
            factchecks.update()
            .where(factchecks.c.id == fc.id)
            .values(updated_at=now, deleted_at=None, **values, **emb)
        )
    conn.execute(
        factcheck_versions.insert().values(
            factcheck_id=fc.id,
            version=fc.version,
            change=change,
            record=fc.to_dict(),
            actor=actor,
            created_at=now,
        )
    )


def factcheck_delete(conn: Connection, fc: FactCheck, *, actor: str, now: datetime) -> None:
    """Withdraw a fact-check; its versions stay, and a ``delete`` version is added."""
    conn.execute(
        factchecks.update()
        .where(factchecks.c.id == fc.id)
        .values(deleted_at=now, updated_at=now, version=fc.version + 1)
    )
    conn.execute(
        factcheck_versions.insert().values(
            factcheck_id=fc.id,
            version=fc.version + 1,
            change="delete",
            record=fc.to_dict(),
            actor=actor,
            created_at=now,
        )
    )


def match_count(conn: Connection, fid: str) -> int:
    """How many distinct items have a decision whose evidence names this fact-check."""
    d = decisions
    if conn.dialect.name == "postgresql":
        cond = cast(d.c.evidence, JSONB).contains([{"factcheck_id": fid}])
    else:
        needle = f'%"factcheck_id": "{_like(fid)}"%'
        compact = f'%"factcheck_id":"{_like(fid)}"%'
        text = cast(d.c.evidence, Text)
        cond = or_(text.like(needle, escape="\\"), text.like(compact, escape="\\"))
    stmt = select(func.count(func.distinct(d.c.item_id))).where(cond)
    return int(conn.execute(stmt).scalar_one())
