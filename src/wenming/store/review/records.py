"""Records of reports, cases, case decisions and appeals, and their row mappers.

Frozen, detached from any connection, timestamps UTC-aware; the repository makes them
from rows. What a record holds is what the service may use;
what reaches a caller is decided by the wire schemas (a reporter's identity, for one,
stays in the service).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from wenming.store.base import opt_utc, utc


@dataclass(frozen=True, slots=True)
class CaseRecord:
    """Everything about one subject awaiting (or given) a human decision."""

    id: uuid.UUID
    platform_id: int
    platform_name: str
    kind: str
    subject_kind: str
    subject_ref: str
    item_id: uuid.UUID | None
    subject_id: int | None
    category: str | None
    severity: int
    source: str
    queue: str
    status: str
    priority: float
    confidence: float
    report_count: int
    assignee: str | None
    claimed_at: datetime | None
    excluded_actor: str | None
    appeal_of: uuid.UUID | None
    decision_id: uuid.UUID | None
    outcome: str | None
    opened_at: datetime
    due_at: datetime
    decided_at: datetime | None
    updated_at: datetime

    @property
    def pending(self) -> bool:
        return self.status != "decided"


@dataclass(frozen=True, slots=True)
class NewCase:
    """A case to open, or to join if one is already open for the same subject."""

    platform_id: int
    kind: str
    subject_kind: str
    subject_ref: str
    item_id: uuid.UUID | None
    subject_id: int | None
    category: str | None
    severity: int
    source: str
    queue: str
    priority: float
    confidence: float
    due_at: datetime
    open_key: str
    excluded_actor: str | None = None
    appeal_of: uuid.UUID | None = None
    report_count: int = 0


@dataclass(frozen=True, slots=True)
class ReportRecord:
    id: uuid.UUID
    case_id: uuid.UUID
    platform_id: int
    category: str
    text: str
    source: str
    reporter_key_id: int | None
    reporter_hash: str
    contact: str | None
    outcome: str | None
    created_at: datetime
    resolved_at: datetime | None


@dataclass(frozen=True, slots=True)
class CaseDecisionRecord:
    """A moderator's ruling. For an item, ``id`` is also the id of its ``decisions`` row."""

    id: uuid.UUID
    case_id: uuid.UUID
    platform_id: int
    verdict: str
    category: str | None
    template: str | None
    note: str
    statement: str
    age_rating: str
    policy_version: str
    actor: str
    actor_key_id: int | None
    appeal_outcome: str | None
    reviews: uuid.UUID | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AppealRecord:
    id: uuid.UUID
    platform_id: int
    decision_id: uuid.UUID
    case_id: uuid.UUID
    text: str
    appellant: str
    appellant_key_id: int | None
    report_id: uuid.UUID | None
    status: str
    outcome: str | None
    result_decision_id: uuid.UUID | None
    created_at: datetime
    decided_at: datetime | None


@dataclass(frozen=True, slots=True)
class FlaggerStats:
    """A trusted flagger's record: reports sent, decided, and upheld."""

    key_id: int
    label: str
    reports: int
    decided: int
    upheld: int

    @property
    def accuracy(self) -> float | None:
        return self.upheld / self.decided if self.decided else None


@dataclass(frozen=True, slots=True)
class QueueStats:
    queue: str
    open: int
    claimed: int
    breached: int
    oldest_opened_at: datetime | None


def case(row: Any) -> CaseRecord:
    return CaseRecord(
        id=row.id,
        platform_id=row.platform_id,
        platform_name=row.platform_name,
        kind=row.kind,
        subject_kind=row.subject_kind,
        subject_ref=row.subject_ref,
        item_id=row.item_id,
        subject_id=row.subject_id,
        category=row.category,
        severity=row.severity,
        source=row.source,
        queue=row.queue,
        status=row.status,
        priority=row.priority,
        confidence=row.confidence,
        report_count=row.report_count,
        assignee=row.assignee,
        claimed_at=opt_utc(row.claimed_at),
        excluded_actor=row.excluded_actor,
        appeal_of=row.appeal_of,
        decision_id=row.decision_id,
        outcome=row.outcome,
        opened_at=utc(row.opened_at),
        due_at=utc(row.due_at),
        decided_at=opt_utc(row.decided_at),
        updated_at=utc(row.updated_at),
    )


def report(row: Any) -> ReportRecord:
    return ReportRecord(
        id=row.id,
        case_id=row.case_id,
        platform_id=row.platform_id,
        category=row.category,
        text=row.text,
        source=row.source,
        reporter_key_id=row.reporter_key_id,
        reporter_hash=row.reporter_hash,
        contact=row.contact,
        outcome=row.outcome,
        created_at=utc(row.created_at),
        resolved_at=opt_utc(row.resolved_at),
    )


def case_decision(row: Any) -> CaseDecisionRecord:
    return CaseDecisionRecord(
        id=row.id,
        case_id=row.case_id,
        platform_id=row.platform_id,
        verdict=row.verdict,
        category=row.category,
        template=row.template,
        note=row.note,
        statement=row.statement,
        age_rating=row.age_rating,
        policy_version=row.policy_version,
        actor=row.actor,
        actor_key_id=row.actor_key_id,
        appeal_outcome=row.appeal_outcome,
        reviews=row.reviews,
        created_at=utc(row.created_at),
    )


def appeal(row: Any) -> AppealRecord:
    return AppealRecord(
        id=row.id,
        platform_id=row.platform_id,
        decision_id=row.decision_id,
        case_id=row.case_id,
        text=row.text,
        appellant=row.appellant,
        appellant_key_id=row.appellant_key_id,
        report_id=row.report_id,
        status=row.status,
        outcome=row.outcome,
        result_decision_id=row.result_decision_id,
        created_at=utc(row.created_at),
        decided_at=opt_utc(row.decided_at),
    )
