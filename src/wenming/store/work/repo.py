"""Queries of the work stream: outbox, decision claims, shadow decisions, sweeps
(``store.work``, ``tx.work``).

Writes run on a transaction from ``store.transaction()`` so that they commit together
with the items, decisions and audit entries the same use case writes: a worker deletes
an outbox row, takes its decision claims and stores the decisions in one transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update

from wenming.store.access.tables import platforms
from wenming.store.base import Area, new_id, utc
from wenming.store.items import tables as t
from wenming.store.work import tables as w
from wenming.store.work.records import ClaimKey, NewShadow, OutboxRow, SweepRecord


class WorkReads(Area):
    """Reads of the work stream's tables."""

    __slots__ = ()

    # -- outbox ----------------------------------------------------------------------

    def outbox_pending(self, *, after_id: int = 0, limit: int = 1000) -> list[OutboxRow]:
        o = w.ingest_outbox
        stmt = (
            select(o).where(o.c.id > after_id, o.c.dead_at.is_(None)).order_by(o.c.id).limit(limit)
        )
        with self._conn() as conn:
            return [_outbox(row) for row in conn.execute(stmt)]

    def outbox_dead(self, *, limit: int = 100) -> list[OutboxRow]:
        o = w.ingest_outbox
        stmt = select(o).where(o.c.dead_at.is_not(None)).order_by(o.c.id.desc()).limit(limit)
        with self._conn() as conn:
            return [_outbox(row) for row in conn.execute(stmt)]

    def outbox_count(self) -> int:
        o = w.ingest_outbox
        stmt = select(func.count()).select_from(o).where(o.c.dead_at.is_(None))
        with self._conn() as conn:
            return int(conn.execute(stmt).scalar_one())

    # -- claims and shadow decisions ---------------------------------------------------

    def claims_count(self, policy_version: str | None = None) -> int:
        c = w.decision_claims
        stmt = select(func.count()).select_from(c)
        if policy_version is not None:
            stmt = stmt.where(c.c.policy_version == policy_version)
        with self._conn() as conn:
            return int(conn.execute(stmt).scalar_one())

    def shadow_pairs(self, policy_version: str) -> list[tuple[str, str, int]]:
        """(live verdict, shadow verdict, count) for a shadow policy version."""
        s = w.shadow_decisions
        stmt = (
            select(s.c.live_verdict, s.c.verdict, func.count())
            .where(s.c.policy_version == policy_version)
            .group_by(s.c.live_verdict, s.c.verdict)
        )
        with self._conn() as conn:
            return [(a, b, int(n)) for a, b, n in conn.execute(stmt)]

    def shadow_flips(self, policy_version: str, *, limit: int = 20) -> list[dict[str, Any]]:
        s, i = w.shadow_decisions, t.items
        stmt = (
            select(
                i.c.external_id,
                i.c.text,
                s.c.live_verdict,
                s.c.verdict,
                s.c.live_labels,
                s.c.labels,
                platforms.c.name.label("platform"),
            )
            .join(i, i.c.id == s.c.item_id)
            .join(platforms, platforms.c.id == s.c.platform_id)
            .where(s.c.policy_version == policy_version, s.c.live_verdict != s.c.verdict)
            .order_by(s.c.created_at.desc())
            .limit(limit)
        )
        with self._conn() as conn:
            return [dict(row._mapping) for row in conn.execute(stmt)]

    # -- sweeps ----------------------------------------------------------------------

    def sweep_get(self, sweep_id: int) -> SweepRecord | None:
        with self._conn() as conn:
            row = conn.execute(select(w.sweeps).where(w.sweeps.c.id == sweep_id)).first()
        return _sweep(row) if row else None

    def sweep_open(
        self, *, policy_version: str, platform_id: int | None, since: datetime | None
    ) -> SweepRecord | None:
        """An unfinished sweep with exactly this scope, to resume."""
        s = w.sweeps
        stmt = (
            select(s)
            .where(
                s.c.policy_version == policy_version,
                s.c.status == "running",
                s.c.platform_id.is_(None)
                if platform_id is None
                else s.c.platform_id == platform_id,
                s.c.since.is_(None) if since is None else s.c.since == since,
            )
            .order_by(s.c.id.desc())
            .limit(1)
        )
        with self._conn() as conn:
            row = conn.execute(stmt).first()
        return _sweep(row) if row else None

    def sweep_list(self, *, limit: int = 50) -> list[SweepRecord]:
        stmt = select(w.sweeps).order_by(w.sweeps.c.id.desc()).limit(limit)
        with self._conn() as conn:
            return [_sweep(row) for row in conn.execute(stmt)]


class WorkWrites(WorkReads):
    """Writes to the work stream's tables inside a store transaction."""

    __slots__ = ()

    def outbox_add(self, platform_id: int, payloads: Sequence[str], *, now: datetime) -> list[int]:
        if not payloads:
            return []
        o = w.ingest_outbox
        rows = [{"platform_id": platform_id, "payload": p, "created_at": now} for p in payloads]
        stmt = o.insert().returning(o.c.id, sort_by_parameter_order=True)
        return [int(row.id) for row in self.conn.execute(stmt, rows)]

    def outbox_delete(self, ids: Iterable[int]) -> None:
        wanted = sorted(set(ids))
        for n in range(0, len(wanted), 1000):
            chunk = wanted[n : n + 1000]
            self.conn.execute(w.ingest_outbox.delete().where(w.ingest_outbox.c.id.in_(chunk)))

    def outbox_bury(self, outbox_id: int, *, error: str, now: datetime) -> None:
        o = w.ingest_outbox
        self.conn.execute(
            update(o).where(o.c.id == outbox_id).values(dead_at=now, error=error[:4000])
        )

    def claims_take(self, keys: Sequence[ClaimKey], *, now: datetime) -> set[ClaimKey]:
        """Claim (item, text, policy) triples; returns those this transaction won. A
        triple claimed before (or by a concurrent transaction that commits) is not."""
        if not keys:
            return set()
        c = w.decision_claims
        rows = [
            {"item_id": k[0], "text_hash": k[1], "policy_version": k[2], "created_at": now}
            for k in sorted(set(keys))
        ]
        stmt = (
            self._insert(c)
            .on_conflict_do_nothing()
            .returning(c.c.item_id, c.c.text_hash, c.c.policy_version)
        )
        return {
            (row.item_id, row.text_hash, row.policy_version)
            for row in self.conn.execute(stmt, rows)
        }

    def shadow_add(self, rows: Sequence[NewShadow], *, now: datetime) -> None:
        if not rows:
            return
        s = w.shadow_decisions
        values = [
            {
                "id": new_id(),
                "platform_id": x.platform_id,
                "item_id": x.item_id,
                "text_hash": x.text_hash,
                "policy_version": x.policy_version,
                "live_policy_version": x.live_policy_version,
                "live_verdict": x.live_verdict,
                "verdict": x.verdict,
                "live_labels": list(x.live_labels),
                "labels": list(x.labels),
                "scores": x.scores,
                "created_at": now,
            }
            for x in sorted(rows, key=lambda x: (x.item_id, x.text_hash))
        ]
        self.conn.execute(self._insert(s).on_conflict_do_nothing(), values)

    def sweep_add(
        self,
        *,
        policy_version: str,
        policy_source: str,
        platform_id: int | None,
        since: datetime | None,
        total: int,
        now: datetime,
    ) -> SweepRecord:
        stmt = w.sweeps.insert().returning(*w.sweeps.c)
        row = self.conn.execute(
            stmt,
            {
                "policy_version": policy_version,
                "policy_source": policy_source,
                "platform_id": platform_id,
                "since": since,
                "status": "running",
                "cursor": None,
                "total": total,
                "enqueued": 0,
                "created_at": now,
                "updated_at": now,
            },
        ).one()
        return _sweep(row)

    def sweep_advance(
        self, sweep_id: int, *, cursor: uuid.UUID | None, enqueued: int, status: str, now: datetime
    ) -> None:
        s = w.sweeps
        self.conn.execute(
            update(s)
            .where(s.c.id == sweep_id)
            .values(cursor=cursor, enqueued=enqueued, status=status, updated_at=now)
        )

    def sweeps_cancel_open(self, *, policy_version: str, now: datetime) -> int:
        s = w.sweeps
        result = self.conn.execute(
            update(s)
            .where(s.c.policy_version == policy_version, s.c.status == "running")
            .values(status="cancelled", updated_at=now)
        )
        return int(result.rowcount)


def _outbox(row: Any) -> OutboxRow:
    return OutboxRow(
        id=int(row.id),
        platform_id=int(row.platform_id),
        payload=row.payload,
        created_at=utc(row.created_at),
        dead_at=utc(row.dead_at) if row.dead_at is not None else None,
        error=row.error,
    )


def _sweep(row: Any) -> SweepRecord:
    return SweepRecord(
        id=int(row.id),
        policy_version=row.policy_version,
        policy_source=row.policy_source,
        platform_id=row.platform_id,
        since=utc(row.since) if row.since else None,
        status=row.status,
        cursor=row.cursor,
        total=int(row.total),
        enqueued=int(row.enqueued),
        created_at=utc(row.created_at),
        updated_at=utc(row.updated_at),
    )
