"""The SQL of the work stream: outbox, decision claims, shadow decisions, sweeps, scans.

:class:`WorkStore` holds the reads (each its own short transaction, like
:class:`~wenming.store.sql.Store`); :class:`WorkTx` the writes, on a transaction from
``store.transaction()`` so that they commit together with the items, decisions and
audit entries the same use case writes. :func:`unavailable` tells a database that is
away for now (back off and retry) from a statement that is wrong.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import InterfaceError as SAInterfaceError

from wenming.store import rows as r
from wenming.store import tables as t
from wenming.store import worktables as w
from wenming.store.records import ItemRecord, new_id
from wenming.store.sql import Store, Tx

ClaimKey = tuple[uuid.UUID, str, str]  # item id, text hash, policy version


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: int
    platform_id: int
    payload: str
    created_at: datetime
    dead_at: datetime | None
    error: str | None


@dataclass(frozen=True, slots=True)
class SweepRecord:
    id: int
    policy_version: str
    policy_source: str
    platform_id: int | None
    since: datetime | None
    status: str
    cursor: uuid.UUID | None
    total: int
    enqueued: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class HumanVerdict:
    """The latest decision a person took on an item (the ground truth of backtests)."""

    item_id: uuid.UUID
    verdict: str
    labels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NewShadow:
    platform_id: int
    item_id: uuid.UUID
    text_hash: str
    policy_version: str
    live_policy_version: str
    live_verdict: str
    verdict: str
    live_labels: tuple[str, ...]
    labels: tuple[str, ...]
    scores: dict[str, float]


def unavailable(exc: BaseException) -> bool:
    """True when ``exc`` means the database cannot be reached or dropped the connection
    (retry later), rather than a statement it refused."""
    if isinstance(exc, OperationalError | SAInterfaceError):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


def _insert(dialect: str, table: Any) -> Any:
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def _scope(platform_id: int | None, since: datetime | None) -> list[Any]:
    i = t.items
    cond: list[Any] = []
    if platform_id is not None:
        cond.append(i.c.platform_id == platform_id)
    if since is not None:
        cond.append(func.coalesce(i.c.posted_at, i.c.created_at) >= since)
    return cond


class WorkStore:
    """Reads of the work stream's tables (and the item scans sweeps and backtests need)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.store.engine.connect() as conn, conn.begin():
            yield conn

    # -- outbox ----------------------------------------------------------------------

    def outbox_pending(self, *, after_id: int = 0, limit: int = 1000) -> list[OutboxRow]:
        o = w.ingest_outbox
        stmt = (
            select(o).where(o.c.id > after_id, o.c.dead_at.is_(None)).order_by(o.c.id).limit(limit)
        )
        with self._read() as conn:
            return [_outbox(row) for row in conn.execute(stmt)]

    def outbox_dead(self, *, limit: int = 100) -> list[OutboxRow]:
        o = w.ingest_outbox
        stmt = select(o).where(o.c.dead_at.is_not(None)).order_by(o.c.id.desc()).limit(limit)
        with self._read() as conn:
            return [_outbox(row) for row in conn.execute(stmt)]

    def outbox_count(self) -> int:
        o = w.ingest_outbox
        stmt = select(func.count()).select_from(o).where(o.c.dead_at.is_(None))
        with self._read() as conn:
            return int(conn.execute(stmt).scalar_one())

    # -- items in scope of a sweep or backtest ---------------------------------------

    def items_count(self, *, platform_id: int | None, since: datetime | None) -> int:
        stmt = select(func.count()).select_from(t.items).where(*_scope(platform_id, since))
        with self._read() as conn:
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
        with self._read() as conn:
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
        with self._read() as conn:
            for row in conn.execute(stmt):
                out[row.item_id] = HumanVerdict(row.item_id, row.verdict, tuple(row.labels))
        return out

    # -- claims and shadow decisions ---------------------------------------------------

    def claims_count(self, policy_version: str | None = None) -> int:
        c = w.decision_claims
        stmt = select(func.count()).select_from(c)
        if policy_version is not None:
            stmt = stmt.where(c.c.policy_version == policy_version)
        with self._read() as conn:
            return int(conn.execute(stmt).scalar_one())

    def shadow_pairs(self, policy_version: str) -> list[tuple[str, str, int]]:
        """(live verdict, shadow verdict, count) for a shadow policy version."""
        s = w.shadow_decisions
        stmt = (
            select(s.c.live_verdict, s.c.verdict, func.count())
            .where(s.c.policy_version == policy_version)
            .group_by(s.c.live_verdict, s.c.verdict)
        )
        with self._read() as conn:
            return [(a, b, int(n)) for a, b, n in conn.execute(stmt)]

    def shadow_flips(self, policy_version: str, *, limit: int = 20) -> list[dict[str, Any]]:
        s, i = w.shadow_decisions, t.items
        stmt = (
            select(
                i.c.external_id, i.c.text, s.c.live_verdict, s.c.verdict, s.c.live_labels,
                s.c.labels, t.platforms.c.name.label("platform"),
            )
            .join(i, i.c.id == s.c.item_id)
            .join(t.platforms, t.platforms.c.id == s.c.platform_id)
            .where(s.c.policy_version == policy_version, s.c.live_verdict != s.c.verdict)
            .order_by(s.c.created_at.desc())
            .limit(limit)
        )  # fmt: skip
        with self._read() as conn:
            return [dict(row._mapping) for row in conn.execute(stmt)]

    # -- sweeps ----------------------------------------------------------------------

    def sweep_get(self, sweep_id: int) -> SweepRecord | None:
        with self._read() as conn:
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
        with self._read() as conn:
            row = conn.execute(stmt).first()
        return _sweep(row) if row else None

    def sweep_list(self, *, limit: int = 50) -> list[SweepRecord]:
        stmt = select(w.sweeps).order_by(w.sweeps.c.id.desc()).limit(limit)
        with self._read() as conn:
            return [_sweep(row) for row in conn.execute(stmt)]

    # -- for checks (tests, the fault suite, benchmarks) ---------------------------------

    def decision_counts_by_item(self) -> dict[str, int]:
        """``platform/external_id`` → how many decisions the item has."""
        d, i = t.decisions, t.items
        stmt = (
            select(t.platforms.c.name, i.c.external_id, func.count(d.c.id))
            .select_from(i)
            .join(t.platforms, t.platforms.c.id == i.c.platform_id)
            .outerjoin(d, d.c.item_id == i.c.id)
            .group_by(t.platforms.c.name, i.c.external_id)
        )
        with self._read() as conn:
            return {f"{p}/{e}": int(n) for p, e, n in conn.execute(stmt)}


class WorkTx:
    """Writes to the work stream's tables inside a :class:`~wenming.store.sql.Tx`."""

    def __init__(self, tx: Tx) -> None:
        self.conn = tx.conn
        self.dialect = tx.store.dialect

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
            _insert(self.dialect, c)
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
                "id": new_id(), "platform_id": x.platform_id, "item_id": x.item_id,
                "text_hash": x.text_hash, "policy_version": x.policy_version,
                "live_policy_version": x.live_policy_version, "live_verdict": x.live_verdict,
                "verdict": x.verdict, "live_labels": list(x.live_labels),
                "labels": list(x.labels), "scores": x.scores, "created_at": now,
            }
            for x in sorted(rows, key=lambda x: (x.item_id, x.text_hash))
        ]  # fmt: skip
        self.conn.execute(_insert(self.dialect, s).on_conflict_do_nothing(), values)

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
                "policy_version": policy_version, "policy_source": policy_source,
                "platform_id": platform_id, "since": since, "status": "running",
                "cursor": None, "total": total, "enqueued": 0, "created_at": now,
                "updated_at": now,
            },
        ).one()  # fmt: skip
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
        id=int(row.id), platform_id=int(row.platform_id), payload=row.payload,
        created_at=r.utc(row.created_at),
        dead_at=r.utc(row.dead_at) if row.dead_at is not None else None, error=row.error,
    )  # fmt: skip


def _sweep(row: Any) -> SweepRecord:
    return SweepRecord(
        id=int(row.id), policy_version=row.policy_version, policy_source=row.policy_source,
        platform_id=row.platform_id, since=r.utc(row.since) if row.since else None,
        status=row.status, cursor=row.cursor, total=int(row.total), enqueued=int(row.enqueued),
        created_at=r.utc(row.created_at), updated_at=r.utc(row.updated_at),
    )  # fmt: skip
