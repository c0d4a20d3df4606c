"""Queries of moderators' rulings (case decisions) and of appeals against them; part of
``store.review`` / ``tx.review`` (see :mod:`.repo`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update

from wenming.store.base import Area, new_id
from wenming.store.review import records as rr
from wenming.store.review import tables as rt
from wenming.store.review.records import AppealRecord, CaseDecisionRecord

_cd, _ap = rt.case_decisions, rt.appeals


class RulingReads(Area):
    """Reads of case decisions and appeals."""

    __slots__ = ()

    def case_decision_get(self, decision_id: uuid.UUID) -> CaseDecisionRecord | None:
        with self._conn() as conn:
            row = conn.execute(select(_cd).where(_cd.c.id == decision_id)).first()
        return rr.case_decision(row) if row else None

    def case_decision_list(self, case_ids: Sequence[uuid.UUID]) -> list[CaseDecisionRecord]:
        if not case_ids:
            return []
        stmt = select(_cd).where(_cd.c.case_id.in_(list(case_ids))).order_by(_cd.c.created_at)
        with self._conn() as conn:
            return [rr.case_decision(row) for row in conn.execute(stmt)]

    def appeal_get(self, appeal_id: uuid.UUID) -> AppealRecord | None:
        with self._conn() as conn:
            row = conn.execute(select(_ap).where(_ap.c.id == appeal_id)).first()
        return rr.appeal(row) if row else None

    def appeal_list(
        self, *, decision_id: uuid.UUID | None = None, case_id: uuid.UUID | None = None
    ) -> list[AppealRecord]:
        cond: list[Any] = []
        if decision_id is not None:
            cond.append(_ap.c.decision_id == decision_id)
        if case_id is not None:
            cond.append(_ap.c.case_id == case_id)
        stmt = select(_ap).where(*cond).order_by(_ap.c.created_at)
        with self._conn() as conn:
            return [rr.appeal(row) for row in conn.execute(stmt)]

    def appeal_page(
        self, *, platform_id: int | None, outcome: str | None, limit: int, offset: int
    ) -> list[AppealRecord]:
        """Appeals newest first; ``outcome`` ``open`` means not decided yet."""
        cond: list[Any] = [] if platform_id is None else [_ap.c.platform_id == platform_id]
        if outcome == "open":
            cond.append(_ap.c.status == "open")
        elif outcome is not None:
            cond.append(_ap.c.outcome == outcome)
        stmt = (
            select(_ap)
            .where(*cond)
            .order_by(_ap.c.created_at.desc(), _ap.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        with self._conn() as conn:
            return [rr.appeal(row) for row in conn.execute(stmt)]

    def appeal_counts(self, *, platform_id: int | None = None) -> dict[str, int]:
        """Appeals by outcome (``open`` for those not decided yet)."""
        cond = [] if platform_id is None else [_ap.c.platform_id == platform_id]
        outcome = func.coalesce(_ap.c.outcome, "open")
        stmt = select(outcome, func.count()).where(*cond).group_by(outcome)
        with self._conn() as conn:
            return {str(o): int(n) for o, n in conn.execute(stmt)}


class RulingWrites(RulingReads):
    """Writes of case decisions and appeals inside a store transaction."""

    __slots__ = ()

    def case_decision_add(self, d: CaseDecisionRecord) -> None:
        self.conn.execute(
            _cd.insert(),
            {
                "id": d.id,
                "case_id": d.case_id,
                "platform_id": d.platform_id,
                "verdict": d.verdict,
                "category": d.category,
                "template": d.template,
                "note": d.note,
                "statement": d.statement,
                "age_rating": d.age_rating,
                "policy_version": d.policy_version,
                "actor": d.actor,
                "actor_key_id": d.actor_key_id,
                "appeal_outcome": d.appeal_outcome,
                "reviews": d.reviews,
                "created_at": d.created_at,
            },
        )

    def appeal_add(
        self,
        *,
        platform_id: int,
        decision_id: uuid.UUID,
        case_id: uuid.UUID,
        text: str,
        appellant: str,
        appellant_key_id: int | None,
        report_id: uuid.UUID | None,
        now: datetime,
    ) -> uuid.UUID:
        appeal_id = new_id()
        self.conn.execute(
            _ap.insert(),
            {
                "id": appeal_id,
                "platform_id": platform_id,
                "decision_id": decision_id,
                "case_id": case_id,
                "text": text,
                "appellant": appellant,
                "appellant_key_id": appellant_key_id,
                "report_id": report_id,
                "status": "open",
                "created_at": now,
            },
        )
        return appeal_id

    def appeals_decide(
        self, case_id: uuid.UUID, *, outcome: str, result: uuid.UUID, now: datetime
    ) -> None:
        self.conn.execute(
            update(_ap)
            .where(_ap.c.case_id == case_id, _ap.c.status == "open")
            .values(status="decided", outcome=outcome, result_decision_id=result, decided_at=now)
        )
