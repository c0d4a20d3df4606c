"""Records of subjects, strikes and sanctions, and their row mappers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from wenming.store.base import opt_utc, utc


@dataclass(frozen=True, slots=True)
class SubjectRecord:
    id: int
    platform_id: int
    platform_name: str
    kind: str
    external_id: str
    display_name: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class StrikeRecord:
    id: uuid.UUID
    platform_id: int
    subject_id: int
    ladder: str
    category: str | None
    severity: int
    weight: float
    decision_id: uuid.UUID
    case_id: uuid.UUID | None
    created_at: datetime
    expires_at: datetime | None
    removed_at: datetime | None
    removed_reason: str | None

    def active(self, now: datetime) -> bool:
        return self.removed_at is None and (self.expires_at is None or self.expires_at > now)


@dataclass(frozen=True, slots=True)
class SanctionRecord:
    id: uuid.UUID
    platform_id: int
    subject_id: int
    action: str
    ladder: str
    step: int
    category: str | None
    decision_id: uuid.UUID | None
    strike_id: uuid.UUID | None
    case_id: uuid.UUID | None
    statement: dict[str, Any]
    automated: bool
    actor: str
    starts_at: datetime
    ends_at: datetime | None
    lifted_at: datetime | None
    lifted_by: str | None
    lift_reason: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ItemRating:
    """What the youth-mode filter needs of an item: its current text and the decision
    that governs it (the newest human one on that text, else the newest)."""

    external_id: str
    verdict: str
    labels: tuple[str, ...]
    automated: bool


def subject(row: Any) -> SubjectRecord:
    return SubjectRecord(
        id=row.id,
        platform_id=row.platform_id,
        platform_name=row.platform_name,
        kind=row.kind,
        external_id=row.external_id,
        display_name=row.display_name,
        created_at=utc(row.created_at),
    )


def strike(row: Any) -> StrikeRecord:
    return StrikeRecord(
        id=row.id,
        platform_id=row.platform_id,
        subject_id=row.subject_id,
        ladder=row.ladder,
        category=row.category,
        severity=row.severity,
        weight=row.weight,
        decision_id=row.decision_id,
        case_id=row.case_id,
        created_at=utc(row.created_at),
        expires_at=opt_utc(row.expires_at),
        removed_at=opt_utc(row.removed_at),
        removed_reason=row.removed_reason,
    )


def sanction(row: Any) -> SanctionRecord:
    return SanctionRecord(
        id=row.id,
        platform_id=row.platform_id,
        subject_id=row.subject_id,
        action=row.action,
        ladder=row.ladder,
        step=row.step,
        category=row.category,
        decision_id=row.decision_id,
        strike_id=row.strike_id,
        case_id=row.case_id,
        statement=dict(row.statement),
        automated=bool(row.automated),
        actor=row.actor,
        starts_at=utc(row.starts_at),
        ends_at=opt_utc(row.ends_at),
        lifted_at=opt_utc(row.lifted_at),
        lifted_by=row.lifted_by,
        lift_reason=row.lift_reason,
        created_at=utc(row.created_at),
    )
