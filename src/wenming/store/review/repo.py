"""Queries of reports, cases, case decisions and appeals (``store.review``, ``tx.review``).

``store.review`` answers reads, each in its own short transaction; ``tx.review`` adds
the writes on a transaction from ``store.transaction()``, so a report, its case and its
audit entry (or a decision, its consequences and theirs) commit together. The two
guarantees review rests on live here: :meth:`ReviewWrites.case_open` joins a concurrent
report to the one open case of its subject (a unique ``open_key`` plus ``INSERT … ON
CONFLICT DO NOTHING``), and :meth:`ReviewWrites.case_claim` / ``case_close``
are single conditional ``UPDATE`` s, so of two moderators racing for a case exactly one
wins, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, or_, select, update

from wenming.store.access.tables import api_keys, platforms
from wenming.store.base import new_id, opt_utc
from wenming.store.review import records as rr
from wenming.store.review import tables as rt
from wenming.store.review.records import (
    CaseRecord,
    FlaggerStats,
    NewCase,
    QueueStats,
    ReportRecord,
)
from wenming.store.review.rulings import RulingReads, RulingWrites

_c, _rep, _cd, _ap = rt.cases, rt.reports, rt.case_decisions, rt.appeals
PENDING = ("open", "claimed")

CASE_SELECT = select(*_c.c, platforms.c.name.label("platform_name")).join(
    platforms, platforms.c.id == _c.c.platform_id
)


def _case_filters(
    *,
    platform_id: int | None = None,
    queue: str | None = None,
    statuses: Sequence[str] | None = None,
    assignee: str | None = None,
    kind: str | None = None,
    subject_kind: str | None = None,
    subject_ref: str | None = None,
) -> list[Any]:
    cond: list[Any] = []
    if platform_id is not None:
        cond.append(_c.c.platform_id == platform_id)
    if queue is not None:
        cond.append(_c.c.queue == queue)
    if statuses:
        cond.append(_c.c.status.in_(list(statuses)))
    if assignee is not None:
        cond.append(_c.c.assignee == assignee)
    if kind is not None:
        cond.append(_c.c.kind == kind)
    if subject_kind is not None:
        cond.append(_c.c.subject_kind == subject_kind)
    if subject_ref is not None:
        cond.append(_c.c.subject_ref == subject_ref)
    return cond


class ReviewReads(RulingReads):
    """Reads of the review tables."""

    __slots__ = ()

    # -- cases -------------------------------------------------------------------------

    def case_get(self, case_id: uuid.UUID) -> CaseRecord | None:
        with self._conn() as conn:
            row = conn.execute(CASE_SELECT.where(_c.c.id == case_id)).first()
        return rr.case(row) if row else None

    def case_list(
        self, *, order: str = "priority", limit: int = 50, offset: int = 0, **filters: Any
    ) -> list[CaseRecord]:
        """Cases matching ``filters`` (see :func:`_case_filters`): by priority (highest
        first), by due time (soonest first) or newest first."""
        orders = {
            "priority": (_c.c.priority.desc(), _c.c.due_at, _c.c.id),
            "due": (_c.c.due_at, _c.c.priority.desc(), _c.c.id),
            "newest": (_c.c.opened_at.desc(), _c.c.id.desc()),
        }
        stmt = (
            CASE_SELECT.where(*_case_filters(**filters))
            .order_by(*orders[order])
            .limit(limit)
            .offset(offset)
        )
        with self._conn() as conn:
            return [rr.case(row) for row in conn.execute(stmt)]

    def case_count(self, **filters: Any) -> int:
        stmt = select(func.count()).select_from(_c).where(*_case_filters(**filters))
        with self._conn() as conn:
            return int(conn.execute(stmt).scalar_one())

    def case_by_decision(self, decision_id: uuid.UUID) -> CaseRecord | None:
        """The case a decision closed, if a moderator took it in one."""
        with self._conn() as conn:
            row = conn.execute(CASE_SELECT.where(_c.c.decision_id == decision_id)).first()
        return rr.case(row) if row else None

    def queue_stats(self, *, platform_id: int | None, now: datetime) -> list[QueueStats]:
        """Undecided cases per queue: open, claimed, past their SLA, the oldest."""
        cond: list[Any] = [_c.c.status.in_(PENDING)]
        if platform_id is not None:
            cond.append(_c.c.platform_id == platform_id)
        stmt = (
            select(
                _c.c.queue,
                func.sum(case((_c.c.status == "open", 1), else_=0)),
                func.sum(case((_c.c.status == "claimed", 1), else_=0)),
                func.sum(case((_c.c.due_at < now, 1), else_=0)),
                func.min(_c.c.opened_at),
            )
            .where(*cond)
            .group_by(_c.c.queue)
        )
        with self._conn() as conn:
            return [
                QueueStats(q, int(o or 0), int(c or 0), int(b or 0), opt_utc(oldest))
                for q, o, c, b, oldest in conn.execute(stmt)
            ]

    # -- reports -----------------------------------------------------------------------

    def report_list(self, case_id: uuid.UUID) -> list[ReportRecord]:
        stmt = select(_rep).where(_rep.c.case_id == case_id).order_by(_rep.c.created_at)
        with self._conn() as conn:
            return [rr.report(row) for row in conn.execute(stmt)]

    def report_by_token(self, token_hash: str) -> ReportRecord | None:
        with self._conn() as conn:
            row = conn.execute(select(_rep).where(_rep.c.token_hash == token_hash)).first()
        return rr.report(row) if row else None

    def report_get(self, report_id: uuid.UUID) -> ReportRecord | None:
        with self._conn() as conn:
            row = conn.execute(select(_rep).where(_rep.c.id == report_id)).first()
        return rr.report(row) if row else None

    def flagger_stats(self, key_id: int | None = None) -> list[FlaggerStats]:
        k = api_keys
        cond = [_rep.c.source == "flagger"]
        if key_id is not None:
            cond.append(_rep.c.reporter_key_id == key_id)
        stmt = (
            select(
                _rep.c.reporter_key_id,
                k.c.label,
                func.count(),
                func.count(_rep.c.outcome),
                func.sum(case((_rep.c.outcome == "upheld", 1), else_=0)),
            )
            .join(k, k.c.id == _rep.c.reporter_key_id)
            .where(*cond)
            .group_by(_rep.c.reporter_key_id, k.c.label)
            .order_by(_rep.c.reporter_key_id)
        )
        with self._conn() as conn:
            return [
                FlaggerStats(int(kid), label, int(n), int(d), int(u or 0))
                for kid, label, n, d, u in conn.execute(stmt)
            ]


class ReviewWrites(ReviewReads, RulingWrites):
    """Writes to the review tables inside one transaction of the store."""

    __slots__ = ()

    # -- cases -------------------------------------------------------------------------

    def case_open(self, new: NewCase, *, now: datetime) -> tuple[CaseRecord, bool]:
        """The open case for ``new.open_key``, locked for this transaction: the one
        already open (``False``) or ``new`` inserted (``True``)."""
        for _ in range(5):
            case_id = new_id()
            values = {
                "id": case_id,
                "platform_id": new.platform_id,
                "kind": new.kind,
                "subject_kind": new.subject_kind,
                "subject_ref": new.subject_ref,
                "item_id": new.item_id,
                "subject_id": new.subject_id,
                "category": new.category,
                "severity": new.severity,
                "source": new.source,
                "queue": new.queue,
                "status": "open",
                "priority": new.priority,
                "confidence": new.confidence,
                "report_count": new.report_count,
                "excluded_actor": new.excluded_actor,
                "appeal_of": new.appeal_of,
                "open_key": new.open_key,
                "opened_at": now,
                "due_at": new.due_at,
                "updated_at": now,
            }
            stmt = self._insert(_c).values(values).on_conflict_do_nothing()
            # RETURNING rather than rowcount, which psycopg leaves at -1 here.
            inserted = self.conn.execute(stmt.returning(_c.c.id)).first() is not None
            row = self.conn.execute(
                CASE_SELECT.where(_c.c.open_key == new.open_key).with_for_update(of=_c)
            ).first()
            if row is not None:
                return rr.case(row), inserted and row.id == case_id
            # Decided (and its key cleared) between our insert and our read: try again.
        raise RuntimeError(f"could not open a case for {new.open_key!r}")

    def case_lock(self, case_id: uuid.UUID) -> CaseRecord | None:
        row = self.conn.execute(
            CASE_SELECT.where(_c.c.id == case_id).with_for_update(of=_c)
        ).first()
        return rr.case(row) if row else None

    def case_update(self, case_id: uuid.UUID, *, now: datetime, **values: Any) -> None:
        self.conn.execute(update(_c).where(_c.c.id == case_id).values(updated_at=now, **values))

    def _takeable(self, actor: str, stale_before: datetime) -> Any:
        return and_(
            _c.c.status.in_(PENDING),
            or_(_c.c.status == "open", _c.c.assignee == actor, _c.c.claimed_at < stale_before),
            or_(_c.c.excluded_actor.is_(None), _c.c.excluded_actor != actor),
        )

    def case_claim(
        self, case_id: uuid.UUID, *, actor: str, now: datetime, stale_before: datetime
    ) -> bool:
        """Take the case for ``actor`` if it is open, already theirs, or its claim has gone
        stale; ``False`` if someone else holds it (or it is decided, or barred to them)."""
        stmt = (
            update(_c)
            .where(_c.c.id == case_id, self._takeable(actor, stale_before))
            .values(status="claimed", assignee=actor, claimed_at=now, updated_at=now)
        )
        return self.conn.execute(stmt).rowcount == 1

    def case_release(self, case_id: uuid.UUID, *, actor: str, now: datetime) -> bool:
        stmt = (
            update(_c)
            .where(_c.c.id == case_id, _c.c.status == "claimed", _c.c.assignee == actor)
            .values(status="open", assignee=None, claimed_at=None, updated_at=now)
        )
        return self.conn.execute(stmt).rowcount == 1

    def case_close(
        self,
        case_id: uuid.UUID,
        *,
        actor: str,
        outcome: str,
        now: datetime,
        stale_before: datetime,
    ) -> bool:
        """Mark the case decided by ``actor`` under the same conditions as a claim (an
        unclaimed case is claimed and decided at once)."""
        stmt = (
            update(_c)
            .where(_c.c.id == case_id, self._takeable(actor, stale_before))
            .values(
                status="decided",
                assignee=actor,
                outcome=outcome,
                decided_at=now,
                updated_at=now,
                open_key=None,
            )
        )
        return self.conn.execute(stmt).rowcount == 1

    # -- reports -----------------------------------------------------------------------

    def report_add(
        self,
        *,
        case_id: uuid.UUID,
        platform_id: int,
        category: str,
        text: str,
        source: str,
        reporter_key_id: int | None,
        reporter_hash: str,
        contact: str | None,
        token_hash: str,
        now: datetime,
    ) -> uuid.UUID:
        report_id = new_id()
        self.conn.execute(
            _rep.insert(),
            {
                "id": report_id,
                "case_id": case_id,
                "platform_id": platform_id,
                "category": category,
                "text": text,
                "source": source,
                "reporter_key_id": reporter_key_id,
                "reporter_hash": reporter_hash,
                "contact": contact,
                "token_hash": token_hash,
                "created_at": now,
            },
        )
        return report_id

    def reporter_seen(self, case_id: uuid.UUID, reporter_hash: str) -> bool:
        stmt = select(_rep.c.id).where(
            _rep.c.case_id == case_id, _rep.c.reporter_hash == reporter_hash
        )
        return self.conn.execute(stmt.limit(1)).first() is not None

    def reporters_count(self, case_id: uuid.UUID) -> int:
        stmt = select(func.count(func.distinct(_rep.c.reporter_hash))).where(
            _rep.c.case_id == case_id
        )
        return int(self.conn.execute(stmt).scalar_one())

    def reports_resolve(
        self, case_ids: Sequence[uuid.UUID], *, outcome: str, now: datetime
    ) -> None:
        """Give every report of these cases ``outcome`` (again, when an appeal turns it)."""
        self.conn.execute(
            update(_rep)
            .where(_rep.c.case_id.in_(list(case_ids)))
            .values(outcome=outcome, resolved_at=now)
        )

    def flagger_record(self, key_id: int) -> tuple[int, int]:
        """(decided, upheld) reports of one flagger, for the confidence of a new one."""
        stmt = select(
            func.count(_rep.c.outcome), func.sum(case((_rep.c.outcome == "upheld", 1), else_=0))
        ).where(_rep.c.reporter_key_id == key_id, _rep.c.source == "flagger")
        decided, upheld = self.conn.execute(stmt).one()
        return int(decided or 0), int(upheld or 0)
