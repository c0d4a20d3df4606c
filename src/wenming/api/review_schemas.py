"""Wire schemas of reports, cases and appeals, and the mapping to them.

The mapping is where "a reporter's identity is never shown to the reported party" is
kept: no schema here carries a reporter's key, address or hash; a report's contact
appears only in the case view of an admin key (:func:`case_detail_out`).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field

from wenming.api.enforcement_schemas import (
    SanctionOut,
    SubjectOut,
    SubjectStateOut,
    sanction_out,
    subject_state_out,
)
from wenming.api.schemas import DecisionOut, ItemOut, Text, decision_out, item_out
from wenming.core.governance import ReasonTemplate
from wenming.service.reports import ReportStatus
from wenming.service.review import CaseDetail, Decided, QueueView
from wenming.store import AppealRecord, CaseDecisionRecord, CaseRecord, FlaggerStats, ReportRecord

Verdict = Literal["allow", "label", "limit", "block"]
Category = Annotated[str, Field(min_length=1, max_length=64)]
Note = Annotated[Text, Field(max_length=5000)]


def _site_or_ref(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


# -- reports ---------------------------------------------------------------------------


class SubjectIn(BaseModel):
    """What is reported. ``id`` is the platform's own id (a URL or domain for a site)."""

    type: Literal["item", "account", "group", "site"]
    platform: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    id: Annotated[str, Field(min_length=1, max_length=2048), AfterValidator(_site_or_ref)]


class ReportIn(BaseModel):
    subject: SubjectIn
    category: Category = Field(description="a category id of the policy")
    text: Note = Field(default="", description="what the reporter says is wrong")
    contact: Annotated[Text, Field(max_length=320)] | None = Field(
        default=None, description="how to reach the reporter (never shown to the reported party)"
    )


class ReportAccepted(BaseModel):
    report_id: str
    case_id: str
    token: str = Field(description="the status token; shown only this once")
    status_url: str = Field(description="where the reporter follows the report, no key needed")


class RulingOut(BaseModel):
    """A moderator's decision as the public sees it: no moderator, no internal note."""

    decision_id: str
    verdict: str
    category: str | None
    statement: str
    age_rating: str
    appeal_outcome: str | None
    decided_at: datetime


class AppealOut(BaseModel):
    appeal_id: str
    decision_id: str
    case_id: str
    appellant: str = Field(description="affected, reporter or admin")
    status: str = Field(description="open or decided")
    outcome: str | None = Field(description="upheld or overturned, once decided")
    result_decision_id: str | None
    created_at: datetime
    decided_at: datetime | None


class ReportStatusOut(BaseModel):
    report_id: str
    status: str = Field(description="received, in_review, decided or appealed")
    category: str
    submitted_at: datetime
    outcome: str | None = Field(description="upheld (action taken) or rejected, once decided")
    decision: RulingOut | None
    appeals: list[AppealOut]


class FlaggerOut(BaseModel):
    key_id: int
    label: str
    reports: int
    decided: int
    upheld: int
    accuracy: float | None = Field(description="share of decided reports upheld")


class Flaggers(BaseModel):
    flaggers: list[FlaggerOut]


# -- cases -----------------------------------------------------------------------------


class QueueOut(BaseModel):
    id: str
    title: dict[str, str]
    sla_seconds: int | None = Field(description="None for a queue the policy no longer names")
    open: int
    claimed: int
    breached: int = Field(description="undecided cases past their SLA")
    oldest_age_seconds: float | None


class Queues(BaseModel):
    queues: list[QueueOut]


class CaseOut(BaseModel):
    case_id: str
    kind: str = Field(description="review or appeal")
    subject: SubjectOut
    category: str | None
    severity: int
    source: str = Field(description="automated, public, flagger or appeal (the strongest)")
    queue: str
    status: str = Field(description="open, claimed or decided")
    priority: float = Field(description="severity × reach × confidence")
    confidence: float
    report_count: int
    assignee: str | None
    claimed_at: datetime | None
    opened_at: datetime
    due_at: datetime
    sla_remaining_seconds: float = Field(description="negative once breached")
    breached: bool
    decided_at: datetime | None
    decision_id: str | None
    outcome: str | None
    appeal_of: str | None


class CaseList(BaseModel):
    cases: list[CaseOut]
    total: int


class ReportOut(BaseModel):
    report_id: str
    category: str
    text: str
    source: str
    outcome: str | None
    created_at: datetime
    contact: str | None = Field(default=None, description="admin keys only")


class CaseDecisionOut(RulingOut):
    case_id: str
    template: str | None
    note: str
    actor: str
    policy_version: str


class TemplateOut(BaseModel):
    id: str
    text: dict[str, str]
    verdicts: list[str]
    categories: list[str]


class CaseDetailOut(BaseModel):
    case: CaseOut
    item: ItemOut | None
    item_decisions: list[DecisionOut]
    age_rating: str | None
    reports: list[ReportOut]
    author: SubjectStateOut | None = Field(description="the account (or group, site) behind it")
    history: list[CaseOut] = Field(description="other cases on the same subject")
    decisions: list[CaseDecisionOut]
    appeal: AppealOut | None
    appealed_decision_id: str | None
    templates: list[TemplateOut]


class DecisionIn(BaseModel):
    verdict: Verdict
    category: Category | None = Field(default=None, description="default: the case's")
    note: Note = Field(default="", description="internal note for other moderators")
    template: Category | None = Field(default=None, description="a reason template id")


class Consequence(BaseModel):
    subject: SubjectOut
    strike_id: str
    active_weight: float
    sanction: SanctionOut | None


class DecisionResult(BaseModel):
    decision_id: str
    case: CaseOut
    statement: str
    age_rating: str
    appeal_outcome: str | None
    consequences: list[Consequence]


class BulkDecisionIn(DecisionIn):
    case_ids: Annotated[list[uuid.UUID], Field(min_length=1, max_length=500)]


class BulkError(BaseModel):
    code: str
    message: str


class BulkItem(BaseModel):
    case_id: str
    decision_id: str | None
    error: BulkError | None


class BulkDecisionResult(BaseModel):
    decided: int
    results: list[BulkItem]


# -- appeals ---------------------------------------------------------------------------


class AppealIn(BaseModel):
    decision_id: uuid.UUID
    text: Annotated[Text, Field(min_length=1, max_length=5000)]
    token: Annotated[str, Field(max_length=200)] | None = Field(
        default=None, description="a report status token (reporters appealing without a key)"
    )


class Appeals(BaseModel):
    appeals: list[AppealOut] = Field(description="newest first")
    counts: dict[str, int] = Field(description="all appeals by outcome: open, upheld, overturned")


class AppealAccepted(BaseModel):
    appeal_id: str
    case_id: str


# -- mapping ---------------------------------------------------------------------------


def _sid(value: uuid.UUID | None) -> str | None:
    return None if value is None else str(value)


def queue_out(v: QueueView, now: datetime) -> QueueOut:
    oldest = v.stats.oldest_opened_at
    return QueueOut(
        id=v.id,
        title=dict(v.queue.title) if v.queue else {"en": v.id},
        sla_seconds=v.queue.sla_seconds if v.queue else None,
        open=v.stats.open,
        claimed=v.stats.claimed,
        breached=v.stats.breached,
        oldest_age_seconds=(now - oldest).total_seconds() if oldest else None,
    )


def case_out(c: CaseRecord, now: datetime) -> CaseOut:
    remaining = ((c.decided_at or now) - c.due_at).total_seconds() * -1
    return CaseOut(
        case_id=str(c.id),
        kind=c.kind,
        subject=SubjectOut(type=c.subject_kind, platform=c.platform_name, id=c.subject_ref),
        category=c.category,
        severity=c.severity,
        source=c.source,
        queue=c.queue,
        status=c.status,
        priority=c.priority,
        confidence=c.confidence,
        report_count=c.report_count,
        assignee=c.assignee,
        claimed_at=c.claimed_at,
        opened_at=c.opened_at,
        due_at=c.due_at,
        sla_remaining_seconds=remaining,
        breached=remaining < 0,
        decided_at=c.decided_at,
        decision_id=_sid(c.decision_id),
        outcome=c.outcome,
        appeal_of=_sid(c.appeal_of),
    )


def ruling_out(d: CaseDecisionRecord) -> RulingOut:
    return RulingOut(
        decision_id=str(d.id),
        verdict=d.verdict,
        category=d.category,
        statement=d.statement,
        age_rating=d.age_rating,
        appeal_outcome=d.appeal_outcome,
        decided_at=d.created_at,
    )


def case_decision_out(d: CaseDecisionRecord) -> CaseDecisionOut:
    return CaseDecisionOut(
        **ruling_out(d).model_dump(),
        case_id=str(d.case_id),
        template=d.template,
        note=d.note,
        actor=d.actor,
        policy_version=d.policy_version,
    )


def appeal_out(a: AppealRecord) -> AppealOut:
    return AppealOut(
        appeal_id=str(a.id),
        decision_id=str(a.decision_id),
        case_id=str(a.case_id),
        appellant=a.appellant,
        status=a.status,
        outcome=a.outcome,
        result_decision_id=_sid(a.result_decision_id),
        created_at=a.created_at,
        decided_at=a.decided_at,
    )


def report_status_out(s: ReportStatus) -> ReportStatusOut:
    return ReportStatusOut(
        report_id=str(s.report.id),
        status=s.status,
        category=s.report.category,
        submitted_at=s.report.created_at,
        outcome=s.report.outcome,
        decision=ruling_out(s.decision) if s.decision else None,
        appeals=[appeal_out(a) for a in s.appeals],
    )


def flagger_out(f: FlaggerStats) -> FlaggerOut:
    return FlaggerOut(
        key_id=f.key_id,
        label=f.label,
        reports=f.reports,
        decided=f.decided,
        upheld=f.upheld,
        accuracy=f.accuracy,
    )


def report_out(r: ReportRecord, *, with_contact: bool) -> ReportOut:
    return ReportOut(
        report_id=str(r.id),
        category=r.category,
        text=r.text,
        source=r.source,
        outcome=r.outcome,
        created_at=r.created_at,
        contact=r.contact if with_contact else None,
    )


def template_out(t: ReasonTemplate) -> TemplateOut:
    return TemplateOut(
        id=t.id, text=dict(t.text), verdicts=list(t.verdicts), categories=list(t.categories)
    )


def case_detail_out(d: CaseDetail, now: datetime, *, with_contact: bool) -> CaseDetailOut:
    return CaseDetailOut(
        case=case_out(d.case, now),
        item=item_out(d.item) if d.item else None,
        item_decisions=[decision_out(x) for x in d.item_decisions],
        age_rating=d.age_rating,
        reports=[report_out(r, with_contact=with_contact) for r in d.reports],
        author=subject_state_out(d.author) if d.author else None,
        history=[case_out(c, now) for c in d.history],
        decisions=[case_decision_out(x) for x in d.decisions],
        appeal=appeal_out(d.appeal) if d.appeal else None,
        appealed_decision_id=str(d.appealed.id) if d.appealed else None,
        templates=[template_out(t) for t in d.templates],
    )


def decision_result(d: Decided, now: datetime) -> DecisionResult:
    return DecisionResult(
        decision_id=str(d.decision_id),
        case=case_out(d.case, now),
        statement=d.ruling.statement,
        age_rating=d.ruling.age_rating,
        appeal_outcome=d.appeal_outcome,
        consequences=[
            Consequence(
                subject=SubjectOut(
                    type=a.target.kind, platform=a.target.platform_name, id=a.target.ref
                ),
                strike_id=str(a.strike.id),
                active_weight=a.total,
                sanction=sanction_out(a.sanction, now) if a.sanction else None,
            )
            for a in d.applied
        ],
    )
