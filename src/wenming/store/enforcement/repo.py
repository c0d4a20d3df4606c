"""Queries of enforcement and youth protection: subjects, strikes, sanctions, minors
(``store.enforcement``, ``tx.enforcement``).

Reads give a subject's record and the decision that governs each item for the
youth-mode filter; writes happen inside a use case's transaction.
:meth:`EnforcementWrites.subject_lock` serialises ladder arithmetic per subject on
PostgreSQL (``SELECT … FOR NO KEY UPDATE``), so two decisions against one account at once
cannot both read the same strike total.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update

from wenming.store.access.tables import platforms
from wenming.store.base import Area, new_id, utc
from wenming.store.enforcement import records as rr
from wenming.store.enforcement import tables as rt
from wenming.store.enforcement.records import (
    ItemRating,
    SanctionRecord,
    StrikeRecord,
    SubjectRecord,
)
from wenming.store.items import tables as t

_s, _st, _sa, _m = t.subjects, rt.strikes, rt.sanctions, rt.minor_accounts

SUBJECT_SELECT = select(*_s.c, platforms.c.name.label("platform_name")).join(
    platforms, platforms.c.id == _s.c.platform_id
)


class EnforcementReads(Area):
    """Reads of subjects, strikes, sanctions and minor flags."""

    __slots__ = ()

    def subject_get(self, platform_id: int, kind: str, external_id: str) -> SubjectRecord | None:
        stmt = SUBJECT_SELECT.where(
            _s.c.platform_id == platform_id, _s.c.kind == kind, _s.c.external_id == external_id
        )
        with self._conn() as conn:
            row = conn.execute(stmt).first()
        return rr.subject(row) if row else None

    def subject_by_id(self, subject_id: int) -> SubjectRecord | None:
        with self._conn() as conn:
            row = conn.execute(SUBJECT_SELECT.where(_s.c.id == subject_id)).first()
        return rr.subject(row) if row else None

    def strike_list(self, subject_id: int, *, limit: int = 200) -> list[StrikeRecord]:
        stmt = (
            select(_st)
            .where(_st.c.subject_id == subject_id)
            .order_by(_st.c.created_at.desc(), _st.c.id.desc())
            .limit(limit)
        )
        with self._conn() as conn:
            return [rr.strike(row) for row in conn.execute(stmt)]

    def sanction_list(
        self,
        subject_id: int | None = None,
        *,
        decision_id: uuid.UUID | None = None,
        limit: int = 200,
    ) -> list[SanctionRecord]:
        cond: list[Any] = []
        if subject_id is not None:
            cond.append(_sa.c.subject_id == subject_id)
        if decision_id is not None:
            cond.append(_sa.c.decision_id == decision_id)
        stmt = (
            select(_sa).where(*cond).order_by(_sa.c.created_at.desc(), _sa.c.id.desc()).limit(limit)
        )
        with self._conn() as conn:
            return [rr.sanction(row) for row in conn.execute(stmt)]

    def sanction_changes(
        self, platform_id: int, *, since: datetime, limit: int = 500
    ) -> list[tuple[SanctionRecord, SubjectRecord]]:
        """A platform's sanctions imposed or lifted since ``since``, oldest change first."""
        changed = func.coalesce(_sa.c.lifted_at, _sa.c.created_at)
        stmt = (
            select(
                *_sa.c,
                *[c.label(f"subject_{c.name}") for c in _s.c if c.name != "id"],
                platforms.c.name.label("subject_platform_name"),
            )
            .join(_s, _s.c.id == _sa.c.subject_id)
            .join(platforms, platforms.c.id == _s.c.platform_id)
            .where(
                _sa.c.platform_id == platform_id,
                or_(_sa.c.created_at >= since, _sa.c.lifted_at >= since),
            )
            .order_by(changed, _sa.c.id)
            .limit(limit)
        )
        out = []
        with self._conn() as conn:
            for row in conn.execute(stmt):
                m = row._mapping
                subject = SubjectRecord(
                    id=m["subject_id"],
                    platform_id=m["subject_platform_id"],
                    platform_name=m["subject_platform_name"],
                    kind=m["subject_kind"],
                    external_id=m["subject_external_id"],
                    display_name=m["subject_display_name"],
                    created_at=utc(m["subject_created_at"]),
                )
                out.append((rr.sanction(row), subject))
        return out

    def sanction_get(self, sanction_id: uuid.UUID) -> SanctionRecord | None:
        with self._conn() as conn:
            row = conn.execute(select(_sa).where(_sa.c.id == sanction_id)).first()
        return rr.sanction(row) if row else None

    def strikes_since(self, subject_id: int, since: datetime) -> int:
        """Upheld violations (not removed) recorded against a subject since ``since``."""
        stmt = select(func.count()).where(
            _st.c.subject_id == subject_id, _st.c.created_at >= since, _st.c.removed_at.is_(None)
        )
        with self._conn() as conn:
            return int(conn.execute(stmt).scalar_one())

    def minor_age(self, subject_id: int) -> tuple[bool, int | None]:
        """Whether the account is flagged as a minor's, and the age given with the flag."""
        with self._conn() as conn:
            row = conn.execute(select(_m.c.age).where(_m.c.subject_id == subject_id)).first()
        return (False, None) if row is None else (True, row.age)

    def item_ratings(self, platform_id: int, external_ids: Sequence[str]) -> dict[str, ItemRating]:
        """For each stored item among ``external_ids``, the decision that governs it."""
        if not external_ids:
            return {}
        i, d = t.items, t.decisions
        stmt = (
            select(
                i.c.external_id,
                i.c.text_hash.label("current"),
                d.c.text_hash,
                d.c.verdict,
                d.c.labels,
                d.c.automated,
            )
            .join(d, d.c.item_id == i.c.id)
            .where(i.c.platform_id == platform_id, i.c.external_id.in_(list(external_ids)))
            .order_by(d.c.created_at.desc(), d.c.id.desc())
        )
        newest: dict[str, ItemRating] = {}
        human: dict[str, ItemRating] = {}
        with self._conn() as conn:
            for row in conn.execute(stmt):
                rating = ItemRating(
                    row.external_id, row.verdict, tuple(row.labels), bool(row.automated)
                )
                newest.setdefault(row.external_id, rating)
                if not row.automated and row.text_hash == row.current:
                    human.setdefault(row.external_id, rating)
        return {**newest, **human}


class EnforcementWrites(EnforcementReads):
    """Writes of strikes, sanctions and minor flags inside one store transaction."""

    __slots__ = ()

    def subject_lock(self, subject_id: int) -> None:
        # FOR NO KEY UPDATE: excludes another ladder update of the subject, yet leaves
        # concurrent inserts that merely reference it (items, strikes) unblocked.
        if self.dialect == "postgresql":
            stmt = select(_s.c.id).where(_s.c.id == subject_id).with_for_update(key_share=True)
            self.conn.execute(stmt)

    def strike_add(
        self,
        *,
        platform_id: int,
        subject_id: int,
        ladder: str,
        category: str | None,
        severity: int,
        weight: float,
        decision_id: uuid.UUID,
        case_id: uuid.UUID | None,
        now: datetime,
        expires_at: datetime | None,
    ) -> StrikeRecord:
        record = StrikeRecord(
            id=new_id(),
            platform_id=platform_id,
            subject_id=subject_id,
            ladder=ladder,
            category=category,
            severity=severity,
            weight=weight,
            decision_id=decision_id,
            case_id=case_id,
            created_at=now,
            expires_at=expires_at,
            removed_at=None,
            removed_reason=None,
        )
        self.conn.execute(_st.insert(), _row(record))
        return record

    def strike_weight(self, subject_id: int, ladder: str, now: datetime) -> float:
        """The sum of a subject's active strike weights on one ladder."""
        stmt = select(func.coalesce(func.sum(_st.c.weight), 0.0)).where(
            _st.c.subject_id == subject_id,
            _st.c.ladder == ladder,
            _st.c.removed_at.is_(None),
            or_(_st.c.expires_at.is_(None), _st.c.expires_at > now),
        )
        return float(self.conn.execute(stmt).scalar_one())

    def strikes_remove(
        self, decision_id: uuid.UUID, *, reason: str, now: datetime
    ) -> list[StrikeRecord]:
        found = [
            rr.strike(row)
            for row in self.conn.execute(
                select(_st).where(_st.c.decision_id == decision_id, _st.c.removed_at.is_(None))
            )
        ]
        if found:
            self.conn.execute(
                update(_st)
                .where(_st.c.id.in_([s.id for s in found]))
                .values(removed_at=now, removed_reason=reason)
            )
        return found

    def sanction_add(self, record: SanctionRecord) -> None:
        self.conn.execute(_sa.insert(), _row(record))

    def sanctions_lift(
        self,
        *,
        decision_id: uuid.UUID | None = None,
        sanction_id: uuid.UUID | None = None,
        by: str,
        reason: str,
        now: datetime,
    ) -> list[SanctionRecord]:
        """Lift the sanctions a decision imposed (or one sanction) that are not lifted yet."""
        cond: list[Any] = [_sa.c.lifted_at.is_(None)]
        if decision_id is not None:
            cond.append(_sa.c.decision_id == decision_id)
        if sanction_id is not None:
            cond.append(_sa.c.id == sanction_id)
        found = [rr.sanction(row) for row in self.conn.execute(select(_sa).where(*cond))]
        if found:
            self.conn.execute(
                update(_sa)
                .where(_sa.c.id.in_([s.id for s in found]))
                .values(lifted_at=now, lifted_by=by, lift_reason=reason)
            )
        return found

    def minor_set(self, subject_id: int, *, minor: bool, age: int | None, now: datetime) -> None:
        self.conn.execute(_m.delete().where(_m.c.subject_id == subject_id))
        if minor:
            self.conn.execute(
                _m.insert(), {"subject_id": subject_id, "age": age, "updated_at": now}
            )


def _row(record: StrikeRecord | SanctionRecord) -> dict[str, Any]:
    return {name: getattr(record, name) for name in type(record).__slots__}
