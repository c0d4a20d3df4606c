"""Reads that scan many items: console search, verdict counts, the items in scope of a
sweep or backtest, human verdicts (a backtest's ground truth) and training examples.

Text search is a case-insensitive substring match (``LIKE``), which both backends index
poorly at scale; a deployment with hundreds of millions of items should add PostgreSQL
trigram indexes (``docs/operations.md``). Callers apply tenancy through ``platform_id``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, and_, cast, func, select

from wenming.store.access.tables import platforms
from wenming.store.base import Area, utc
from wenming.store.items import statements as r
from wenming.store.items import tables as t
from wenming.store.items.records import HumanVerdict, ItemHit, ItemQuery, ItemRecord


@dataclass(frozen=True, slots=True)
class HumanDecided:
    """An item people decided, with the newest human decision on it and how many there
    were (more than one: an appeal or a re-review changed it)."""

    platform: str
    external_id: str
    text: str
    verdict: str
    labels: tuple[str, ...]
    decided_at: datetime
    human_decisions: int


def _scope(platform_id: int | None, since: datetime | None) -> list[Any]:
    i = t.items
    cond: list[Any] = []
    if platform_id is not None:
        cond.append(i.c.platform_id == platform_id)
    if since is not None:
        cond.append(func.coalesce(i.c.posted_at, i.c.created_at) >= since)
    return cond


class ItemScans(Area):
    """The scanning reads of the items area (part of ``store.items``)."""

    __slots__ = ()

    def item_search(self, query: ItemQuery) -> list[ItemHit]:
        """Items matching ``query``, newest first, each with its newest decision."""
        i, d = t.items, t.decisions
        newest = (
            select(d.c.item_id, func.max(d.c.created_at).label("at"))
            .group_by(d.c.item_id)
            .subquery("newest")
        )
        stmt = (
            select(*r.ITEM_SELECT.selected_columns, d.c.id.label("decision_id"))
            .select_from(r.ITEM_SELECT.get_final_froms()[0])
            .outerjoin(newest, newest.c.item_id == i.c.id)
            .outerjoin(d, and_(d.c.item_id == i.c.id, d.c.created_at == newest.c.at))
        )
        conditions = []
        if query.text:
            conditions.append(func.lower(i.c.text).contains(query.text.lower(), autoescape=True))
        if query.external_id:
            conditions.append(i.c.external_id == query.external_id)
        if query.author:
            s = t.subjects
            accounts = select(s.c.id).where(s.c.kind == "account", s.c.external_id == query.author)
            conditions.append(i.c.author_id.in_(accounts))
        if query.verdict:
            conditions.append(d.c.verdict == query.verdict)
        if query.category:
            conditions.append(cast(d.c.labels, String).contains(f'"{query.category}"'))
        if query.since:
            conditions.append(i.c.created_at >= query.since)
        if query.until:
            conditions.append(i.c.created_at < query.until)
        if query.platform_id is not None:
            conditions.append(i.c.platform_id == query.platform_id)
        stmt = stmt.where(*conditions).order_by(i.c.created_at.desc()).limit(query.limit)
        with self._conn() as conn:
            rows = conn.execute(stmt).all()
            ids = [row.decision_id for row in rows if row.decision_id is not None]
            found = conn.execute(r.DECISION_BY_IDS, {"ids": ids}).all() if ids else []
            decisions = {dec.id: dec for dec in (r.decision(row) for row in found)}
        seen: set[object] = set()
        hits = []
        for row in rows:
            if row.id in seen:
                continue  # two decisions at the same instant: keep one
            seen.add(row.id)
            hits.append(ItemHit(r.item(row), decisions.get(row.decision_id)))
        return hits

    def verdict_counts(self, *, platform_id: int | None = None) -> dict[str, int]:
        """How many decisions of each verdict (all time), for the console's overview."""
        d = t.decisions
        stmt = select(d.c.verdict, func.count()).group_by(d.c.verdict)
        if platform_id is not None:
            stmt = stmt.where(d.c.platform_id == platform_id)
        with self._conn() as conn:
            return {verdict: int(n) for verdict, n in conn.execute(stmt)}

    def items_count(self, *, platform_id: int | None, since: datetime | None) -> int:
        """How many stored items a sweep or backtest of this scope covers."""
        stmt = select(func.count()).select_from(t.items).where(*_scope(platform_id, since))
        with self._conn() as conn:
            return int(conn.execute(stmt).scalar_one())

    def items_page(
        self,
        *,
        platform_id: int | None,
        since: datetime | None,
        after: uuid.UUID | None,
        limit: int,
    ) -> list[ItemRecord]:
        """Stored items in id order (oldest first), after ``after``."""
        cond = _scope(platform_id, since)
        if after is not None:
            cond.append(t.items.c.id > after)
        stmt = r.ITEM_SELECT.where(*cond).order_by(t.items.c.id).limit(limit)
        with self._conn() as conn:
            return [r.item(row) for row in conn.execute(stmt)]

    def human_verdicts(self, item_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, HumanVerdict]:
        """The latest human decision of each item that has one, on its current text."""
        if not item_ids:
            return {}
        d, i = t.decisions, t.items
        stmt = (
            select(d.c.item_id, d.c.verdict, d.c.labels)
            .join(i, and_(i.c.id == d.c.item_id, i.c.text_hash == d.c.text_hash))
            .where(d.c.item_id.in_(list(item_ids)), d.c.automated.is_(False))
            .order_by(d.c.created_at, d.c.id)
        )
        out: dict[uuid.UUID, HumanVerdict] = {}
        with self._conn() as conn:
            for row in conn.execute(stmt):
                out[row.item_id] = HumanVerdict(row.item_id, row.verdict, tuple(row.labels))
        return out

    def human_decided(
        self, *, since: datetime | None = None, platform_id: int | None = None
    ) -> Iterator[HumanDecided]:
        """Items people decided, by their newest human decision, oldest first (one per
        item even when two human decisions share an instant)."""
        d, i, p = t.decisions, t.items, platforms
        human = d.c.automated.is_(False)
        newest = (
            select(d.c.item_id, func.max(d.c.created_at).label("at"), func.count().label("n"))
            .where(human)
            .group_by(d.c.item_id)
            .subquery("newest")
        )
        stmt = (
            select(
                p.c.name,
                i.c.external_id,
                i.c.text,
                d.c.verdict,
                d.c.labels,
                d.c.created_at,
                newest.c.n,
            )
            .select_from(newest)
            .join(d, and_(d.c.item_id == newest.c.item_id, d.c.created_at == newest.c.at, human))
            .join(i, i.c.id == d.c.item_id)
            .join(p, p.c.id == i.c.platform_id)
            .order_by(d.c.created_at)
        )
        if since is not None:
            stmt = stmt.where(d.c.created_at >= since)
        if platform_id is not None:
            stmt = stmt.where(i.c.platform_id == platform_id)
        seen: set[tuple[str, str]] = set()
        with self._conn() as conn:
            for row in conn.execute(stmt):
                key = (row.name, row.external_id)
                if key in seen:
                    continue
                seen.add(key)
                yield HumanDecided(
                    platform=row.name,
                    external_id=row.external_id,
                    text=row.text,
                    verdict=row.verdict,
                    labels=tuple(row.labels or ()),
                    decided_at=utc(row.created_at),
                    human_decisions=int(row.n),
                )

    def decision_counts_by_item(self) -> dict[str, int]:
        """``platform/external_id`` → how many decisions the item has (for checks: the
        fault suite, benchmarks)."""
        d, i = t.decisions, t.items
        stmt = (
            select(platforms.c.name, i.c.external_id, func.count(d.c.id))
            .select_from(i)
            .join(platforms, platforms.c.id == i.c.platform_id)
            .outerjoin(d, d.c.item_id == i.c.id)
            .group_by(platforms.c.name, i.c.external_id)
        )
        with self._conn() as conn:
            return {f"{p}/{e}": int(n) for p, e, n in conn.execute(stmt)}
