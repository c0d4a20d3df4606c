"""Cases: how reports, held items and appeals become one unit of human work.

A case gathers everything about one subject (an item, an account, a group, a site)
that waits for a moderator. :func:`open_or_join` is the one way in: it opens the
subject's case, or joins the one already open, and keeps its triage up to date:

- **priority** = severity × reach × confidence, where severity is the gravest category
  reported (1–5, from the policy), reach grows with the number of distinct reporters
  (``1 + ln(1 + reporters)``), and confidence combines the reports' (a public report
  0.3, a trusted flagger's 0.5–0.9 by their record, an automated hold its score) by
  noisy-OR, so independent reports add up while one reporter repeating adds nothing;
- **queue** = the first policy queue that takes it (by category, severity and the
  strongest source: appeal > flagger > public > automated), and **due** = opened + that
  queue's SLA.

It also holds what every review use case checks: the caller's permission and tenancy,
and the name a decision is recorded under. :func:`case_hook` opens cases for items the
screening path held for review, inside the transaction that stored the decisions.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from wenming.core.governance import route
from wenming.core.policy import Policy
from wenming.service.errors import ForbiddenError, NotFoundError
from wenming.service.keys import Permission, Principal
from wenming.store import CaseRecord, DecisionRecord, NewCase, PlatformRecord, Tx
from wenming.store.review.repo import ReviewReads, ReviewWrites

SOURCE_RANK = {"automated": 0, "public": 1, "flagger": 2, "appeal": 3}
PUBLIC_CONFIDENCE = 0.3
DEFAULT_SEVERITY = 3

#: Called inside the transaction that stored ``records`` (see wenming.service.work).
DecisionHook = Callable[[Tx, PlatformRecord, list[DecisionRecord]], None]


@dataclass(frozen=True, slots=True)
class CaseSubject:
    """What a case is about: a platform's item, account or group, or a site (domain)."""

    platform_id: int
    kind: str
    ref: str
    item_id: uuid.UUID | None = None
    subject_id: int | None = None


def require(principal: Principal, permission: Permission) -> None:
    if not principal.can(permission):
        raise ForbiddenError(f"role {principal.role.value!r} may not {permission.value}")


def actor_of(principal: Principal, user: str | None = None) -> str:
    """The name decisions and claims are recorded under: the signed-in person the web
    console vouches for, else the key."""
    return user if user else principal.actor


def visible_case(store: ReviewReads, principal: Principal, case_id: uuid.UUID) -> CaseRecord:
    """A case the caller may see (another tenant's looks like a missing one)."""
    found = store.case_get(case_id)
    if found is None or not principal.sees(found.platform_id):
        raise NotFoundError(f"no case {case_id}")
    return found


def open_key(platform_id: int, kind: str, subject_kind: str, ref: str) -> str:
    return f"{kind}:{platform_id}:{subject_kind}:{ref}"


def reach(reporters: int) -> float:
    return 1.0 + math.log1p(max(reporters, 0))


def priority(severity: int, reporters: int, confidence: float) -> float:
    return round(severity * reach(reporters) * confidence, 4)


def flagger_confidence(decided: int, upheld: int) -> float:
    """0.5 for a flagger whose reports are always rejected, 0.9 for one always upheld,
    0.7 for a new one (their accuracy smoothed towards one half)."""
    return 0.5 + 0.4 * (upheld + 1) / (decided + 2)


def severity_of(policy: Policy, category: str | None) -> int:
    found = policy.categories.get(category) if category else None
    return found.severity if found else DEFAULT_SEVERITY


def open_or_join(
    rtx: ReviewWrites,
    policy: Policy,
    subject: CaseSubject,
    *,
    kind: str,
    category: str | None,
    severity: int,
    source: str,
    confidence: float,
    now: datetime,
    reporter: str | None = None,
    excluded_actor: str | None = None,
    appeal_of: uuid.UUID | None = None,
) -> tuple[CaseRecord, bool]:
    """The subject's open case of ``kind`` with this contribution counted (a report
    when ``reporter`` is its hash), locked for the caller's transaction; ``True`` when
    it was opened now."""
    key = (
        f"appeal:{appeal_of}"
        if appeal_of is not None
        else open_key(subject.platform_id, kind, subject.kind, subject.ref)
    )
    queue = route(policy.queues, category=category, severity=severity, source=source)
    is_report = reporter is not None
    new = NewCase(
        platform_id=subject.platform_id,
        kind=kind,
        subject_kind=subject.kind,
        subject_ref=subject.ref,
        item_id=subject.item_id,
        subject_id=subject.subject_id,
        category=category,
        severity=severity,
        source=source,
        queue=queue.id,
        priority=priority(severity, 1 if is_report else 0, confidence),
        confidence=confidence,
        due_at=now + timedelta(seconds=queue.sla_seconds),
        open_key=key,
        excluded_actor=excluded_actor,
        appeal_of=appeal_of,
        report_count=1 if is_report else 0,
    )
    case, created = rtx.case_open(new, now=now)
    if created:
        return case, True

    fresh_reporter = is_report and not rtx.reporter_seen(case.id, reporter or "")
    if fresh_reporter:
        conf = 1.0 - (1.0 - case.confidence) * (1.0 - confidence)
    elif source == "automated":
        conf = max(case.confidence, confidence)
    else:
        conf = case.confidence
    graver = severity > case.severity
    sev = max(case.severity, severity)
    cat = category if (case.category is None or graver) and category else case.category
    src = source if SOURCE_RANK[source] > SOURCE_RANK[case.source] else case.source
    reporters = rtx.reporters_count(case.id) + (1 if fresh_reporter else 0)
    q = route(policy.queues, category=cat, severity=sev, source=src)
    due = min(case.due_at, case.opened_at + timedelta(seconds=q.sla_seconds))
    joined = replace(
        case,
        severity=sev,
        category=cat,
        source=src,
        confidence=round(conf, 6),
        report_count=case.report_count + (1 if is_report else 0),
        queue=q.id,
        due_at=due,
        priority=priority(sev, reporters, conf),
        item_id=case.item_id or subject.item_id,
        updated_at=now,
    )
    rtx.case_update(
        case.id,
        now=now,
        severity=sev,
        category=cat,
        source=src,
        confidence=joined.confidence,
        report_count=joined.report_count,
        queue=q.id,
        due_at=due,
        priority=joined.priority,
        item_id=joined.item_id,
    )
    return joined, False


def case_hook(policy_source: Callable[[], Policy]) -> DecisionHook:
    """A decision hook that opens (or joins) a case for every item screened ``review``."""

    def hook(tx: Tx, platform: PlatformRecord, records: list[DecisionRecord]) -> None:
        held = [d for d in records if d.verdict == "review"]
        if not held:
            return
        policy = policy_source()
        rtx = tx.review
        for d in held:
            category = max(d.labels, key=lambda c: d.scores.get(c, 0.0)) if d.labels else None
            open_or_join(
                rtx,
                policy,
                CaseSubject(platform.id, "item", d.item_external_id, item_id=d.item_id),
                kind="review",
                category=category,
                severity=severity_of(policy, category),
                source="automated",
                confidence=float(d.scores.get(category, 0.5)) if category else 0.5,
                now=d.created_at,
            )

    return hook
