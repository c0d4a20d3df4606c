"""Wire schemas of enforcement records and youth mode, and the mapping to them.

Sanctions carry their statement of reasons as stored (DSA Art. 17 fields); whether one
is in force is computed at the time of the request, so expiry shows without a job.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field

from wenming.api.schemas import DecisionOut, Ref, Text, decision_out
from wenming.service import enforcement as enf
from wenming.service.minors import Filtered
from wenming.store import SanctionRecord, StrikeRecord, SubjectRecord


def _sid(value: object) -> str | None:
    return None if value is None else str(value)


class SubjectOut(BaseModel):
    type: str
    platform: str
    id: str


class SanctionOut(BaseModel):
    sanction_id: str
    action: str
    ladder: str
    step: int
    category: str | None
    decision_id: str | None
    in_force: bool
    starts_at: datetime
    ends_at: datetime | None = Field(description="expiry, or a rectification deadline")
    lifted_at: datetime | None
    lift_reason: str | None
    statement: dict[str, Any] = Field(description="statement of reasons (DSA Art. 17 fields)")


class StrikeOut(BaseModel):
    strike_id: str
    ladder: str
    category: str | None
    weight: float
    decision_id: str
    active: bool
    created_at: datetime
    expires_at: datetime | None
    removed_at: datetime | None
    removed_reason: str | None


class StandingOut(BaseModel):
    ladder: str
    weight: float = Field(description="active strike weight")
    step: int = Field(description="the step reached (0: none)")
    action: str | None


class SanctionChange(BaseModel):
    subject: SubjectOut
    sanction: SanctionOut


class SanctionChanges(BaseModel):
    changes: list[SanctionChange] = Field(description="oldest change first")


class ViolationsOut(BaseModel):
    window_days: float
    count: int
    per_day: float


class SubjectStateOut(BaseModel):
    subject: SubjectOut
    status: str = Field(description="the strongest restriction in force, or ok")
    active_sanctions: list[SanctionOut]
    sanctions: list[SanctionOut] = Field(description="history, newest first")
    strikes: list[StrikeOut]
    standings: list[StandingOut]
    violations: ViolationsOut
    minor: bool
    decisions: list[DecisionOut] = Field(description="decisions on an account's items")


class MinorIn(BaseModel):
    minor: bool
    age: Annotated[int, Field(ge=0, le=17)] | None = None


class LiftIn(BaseModel):
    reason: Annotated[Text, Field(min_length=1, max_length=2000)]


class FeedFilterIn(BaseModel):
    items: Annotated[list[Ref], Field(min_length=1, max_length=1000)]
    youth_mode: bool = False
    age: Annotated[int, Field(ge=0, le=150)] | None = None
    account: Ref | None = Field(default=None, description="the viewer, if the platform knows")
    platform: Annotated[str, Field(max_length=64)] | None = None


class Shown(BaseModel):
    id: str
    show: bool
    age_rating: str | None
    reason: str


class FeedFilterOut(BaseModel):
    youth_mode: bool
    age: int | None
    results: list[Shown]


def sanction_out(s: SanctionRecord, now: datetime) -> SanctionOut:
    return SanctionOut(
        sanction_id=str(s.id),
        action=s.action,
        ladder=s.ladder,
        step=s.step,
        category=s.category,
        decision_id=_sid(s.decision_id),
        in_force=enf.in_force(s, now),
        starts_at=s.starts_at,
        ends_at=s.ends_at,
        lifted_at=s.lifted_at,
        lift_reason=s.lift_reason,
        statement=s.statement,
    )


def strike_out(s: StrikeRecord, now: datetime) -> StrikeOut:
    return StrikeOut(
        strike_id=str(s.id),
        ladder=s.ladder,
        category=s.category,
        weight=s.weight,
        decision_id=str(s.decision_id),
        active=s.active(now),
        created_at=s.created_at,
        expires_at=s.expires_at,
        removed_at=s.removed_at,
        removed_reason=s.removed_reason,
    )


def subject_state_out(s: enf.SubjectState) -> SubjectStateOut:
    days = s.window_seconds / 86400
    sub = s.subject
    return SubjectStateOut(
        subject=SubjectOut(type=sub.kind, platform=sub.platform_name, id=sub.external_id),
        status=s.status,
        active_sanctions=[sanction_out(x, s.now) for x in s.active],
        sanctions=[sanction_out(x, s.now) for x in s.sanctions],
        strikes=[strike_out(x, s.now) for x in s.strikes],
        standings=[
            StandingOut(ladder=x.ladder, weight=x.weight, step=x.step, action=x.action)
            for x in s.standings
        ],
        violations=ViolationsOut(
            window_days=days,
            count=s.violations_in_window,
            per_day=round(s.violations_in_window / days, 4),
        ),
        minor=s.minor,
        decisions=[decision_out(d) for d in s.decisions],
    )


def feed_out(f: Filtered) -> FeedFilterOut:
    return FeedFilterOut(
        youth_mode=f.youth_mode,
        age=f.age,
        results=[
            Shown(id=s.id, show=s.show, age_rating=s.age_rating, reason=s.reason) for s in f.items
        ],
    )


def sanction_changes_out(
    changes: list[tuple[SanctionRecord, SubjectRecord]], now: datetime
) -> SanctionChanges:
    return SanctionChanges(
        changes=[
            SanctionChange(
                subject=SubjectOut(type=sub.kind, platform=sub.platform_name, id=sub.external_id),
                sanction=sanction_out(s, now),
            )
            for s, sub in changes
        ]
    )
