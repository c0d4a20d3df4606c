"""Queries of the fact-check registry (``store.factchecks``, ``tx.factchecks``).

How many posts matched a fact-check is counted from the decisions' evidence (distinct
items whose evidence names the fact-check), so the count needs no write on the
screening path and never says who posted. The use cases are in
:mod:`wenming.service.factcheck`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import Text, cast, func, or_, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql.elements import ColumnElement

from wenming.core.factcheck import FactCheck, factcheck_from_mapping
from wenming.store.base import Area
from wenming.store.factchecks.records import FactCheckRow, VersionRow
from wenming.store.factchecks.tables import factcheck_versions, factchecks
from wenming.store.items.tables import decisions


def _record(row: Any) -> FactCheck:
    return factcheck_from_mapping(
        {
            "id": row.id,
            "claim": row.claim,
            "verdict": row.verdict,
            "title": row.title,
            "rebuttal": row.rebuttal,
            "sources": list(row.sources),
            "languages": list(row.languages),
            "publisher": row.publisher,
            "published": row.date_published,
            "updated": row.date_modified,
            "tags": list(row.tags),
            "version": row.version,
        },
        f"factchecks row {row.id!r}",
    )


def _row(row: Any) -> FactCheckRow:
    return FactCheckRow(
        factcheck=_record(row),
        seq=row.seq,
        created_at=row.created_at,
        updated_at=row.updated_at,
        deleted_at=row.deleted_at,
        embedding=row.embedding,
        embedding_recipe=row.embedding_recipe,
        embedding_hash=row.embedding_hash,
    )


def _values(fc: FactCheck) -> dict[str, Any]:
    return {
        "claim": fc.claim,
        "verdict": fc.verdict,
        "title": fc.title,
        "rebuttal": fc.rebuttal,
        "sources": list(fc.sources),
        "languages": list(fc.languages),
        "publisher": fc.publisher,
        "date_published": fc.published,
        "date_modified": fc.updated,
        "tags": list(fc.tags),
        "version": fc.version,
    }


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").replace('"', "")


class FactCheckReads(Area):
    """Reads of the registry."""

    __slots__ = ()

    def _execute(self, stmt: Any) -> Any:
        """Run one read and buffer its rows (each read its own short transaction)."""
        with self._conn() as conn:
            return conn.execute(stmt).freeze()()

    def factcheck_get(self, fid: str) -> FactCheckRow | None:
        row = self._execute(select(factchecks).where(factchecks.c.id == fid)).first()
        return _row(row) if row else None

    def factcheck_rows(self, ids: Sequence[str]) -> dict[str, FactCheckRow]:
        if not ids:
            return {}
        rows = self._execute(select(factchecks).where(factchecks.c.id.in_(list(ids)))).all()
        return {r.id: _row(r) for r in rows}

    def factcheck_all(self) -> list[FactCheckRow]:
        """Every live fact-check in registration order (with embeddings)."""
        live = factchecks.c.deleted_at.is_(None)
        stmt = select(factchecks).where(live).order_by(factchecks.c.seq)
        return [_row(r) for r in self._execute(stmt)]

    def factcheck_changed(self, since: datetime | None) -> list[FactCheckRow]:
        """Fact-checks written (published, edited or withdrawn) at or after ``since``, in
        registration order; withdrawn ones carry ``deleted_at``. Every one when ``since``
        is ``None``."""
        stmt = select(factchecks).order_by(factchecks.c.seq)
        if since is not None:
            stmt = stmt.where(factchecks.c.updated_at >= since)
        return [_row(r) for r in self._execute(stmt)]

    def factcheck_stamp(self) -> tuple[int, datetime | None]:
        """Changes whenever the registry does: (row count, last change)."""
        row = self._execute(select(func.count(), func.max(factchecks.c.updated_at))).one()
        return int(row[0]), row[1]

    def factcheck_list(
        self,
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
            needle = f'%"{_like(tag.lower())}"%'
            conds.append(cast(factchecks.c.tags, Text).like(needle, escape="\\"))
        total = int(
            self._execute(select(func.count()).select_from(factchecks).where(*conds)).scalar_one()
        )
        stmt = (
            select(factchecks)
            .where(*conds)
            .order_by(factchecks.c.seq.desc())
            .limit(limit)
            .offset(offset)
        )
        return [_row(r) for r in self._execute(stmt)], total

    def factcheck_versions_of(self, fid: str) -> list[VersionRow]:
        stmt = (
            select(factcheck_versions)
            .where(factcheck_versions.c.factcheck_id == fid)
            .order_by(factcheck_versions.c.version)
        )
        return [
            VersionRow(r.version, r.change, dict(r.record), r.actor, r.created_at)
            for r in self._execute(stmt)
        ]

    def match_count(self, fid: str) -> int:
        """How many distinct items have a decision whose evidence names this fact-check."""
        d = decisions
        if self.dialect == "postgresql":
            cond = cast(d.c.evidence, JSONB).contains([{"factcheck_id": fid}])
        else:
            needle = f'%"factcheck_id": "{_like(fid)}"%'
            compact = f'%"factcheck_id":"{_like(fid)}"%'
            text = cast(d.c.evidence, Text)
            cond = or_(text.like(needle, escape="\\"), text.like(compact, escape="\\"))
        stmt = select(func.count(func.distinct(d.c.item_id))).where(cond)
        return int(self._execute(stmt).scalar_one())


class FactCheckWrites(FactCheckReads):
    """Writes of the registry inside a store transaction."""

    __slots__ = ()

    def factcheck_put(
        self,
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
        found = select(factchecks.c.seq).where(factchecks.c.id == fc.id)
        exists = self.conn.execute(found).first()
        if exists is None:
            last = select(func.coalesce(func.max(factchecks.c.seq), 0))
            seq = int(self.conn.execute(last).scalar_one())
            self.conn.execute(
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
            self.conn.execute(
                factchecks.update()
                .where(factchecks.c.id == fc.id)
                .values(updated_at=now, deleted_at=None, **values, **emb)
            )
        self.conn.execute(
            factcheck_versions.insert().values(
                factcheck_id=fc.id,
                version=fc.version,
                change=change,
                record=fc.to_dict(),
                actor=actor,
                created_at=now,
            )
        )

    def factcheck_delete(self, fc: FactCheck, *, actor: str, now: datetime) -> None:
        """Withdraw a fact-check; its versions stay, and a ``delete`` version is added."""
        self.conn.execute(
            factchecks.update()
            .where(factchecks.c.id == fc.id)
            .values(deleted_at=now, updated_at=now, version=fc.version + 1)
        )
        self.conn.execute(
            factcheck_versions.insert().values(
                factcheck_id=fc.id,
                version=fc.version + 1,
                change="delete",
                record=fc.to_dict(),
                actor=actor,
                created_at=now,
            )
        )
