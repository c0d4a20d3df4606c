"""Review: moderators work queues of cases, claim one at a time, and decide.

The use cases both the API and the web console call:

- :func:`queues` — each policy queue with its open and claimed cases, the oldest, and
  how many are past their SLA;
- :func:`case_list` / :func:`case_detail` — cases by queue, status, assignee; one case
  with its subject, content and evidence, reports, the author's record, prior cases and
  decisions, and the reason templates that fit;
- :func:`claim` / :func:`release` — take a case (no two moderators hold one; a claim
  left longer than the claim timeout can be taken over) or hand it back;
- :func:`decide` / :func:`decide_many` — record a human decision with its statement of
  reasons and apply what follows: reporters' outcomes, strikes and sanctions, or, for
  an appeal, the appeal's outcome (:mod:`.appeals`). One transaction per case: the
  decision, its consequences and their audit entries commit together.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from wenming.core.governance import HUMAN_VERDICTS, Queue, ReasonTemplate
from wenming.core.model import Decision, Verdict
from wenming.core.policy import Policy
from wenming.core.reasons import age_rating, statement_of_reasons
from wenming.service import appeals, audit
from wenming.service import enforcement as enf
from wenming.service.cases import actor_of, require, visible_case
from wenming.service.errors import (
    ConflictError,
    ForbiddenError,
    InvalidError,
    NotFoundError,
    ServiceError,
)
from wenming.service.keys import Permission, Principal
from wenming.store import (
    PENDING,
    AppealRecord,
    CaseDecisionRecord,
    CaseRecord,
    DecisionRecord,
    ItemRecord,
    NewDecision,
    QueueStats,
    ReportRecord,
    Store,
    new_id,
)

STATUSES = ("open", "claimed", "decided")
MAX_BULK = 500


@dataclass(frozen=True, slots=True)
class QueueView:
    queue: Queue | None  # None: a queue the current policy no longer names
    id: str
    stats: QueueStats


@dataclass(frozen=True, slots=True)
class CasePage:
    cases: list[CaseRecord]
    total: int


@dataclass(frozen=True, slots=True)
class CaseDetail:
    """One case with everything a moderator needs to decide it."""

    case: CaseRecord
    item: ItemRecord | None
    item_decisions: list[DecisionRecord]
    reports: list[ReportRecord]
    author: enf.SubjectState | None
    history: list[CaseRecord]
    decisions: list[CaseDecisionRecord]
    appeal: AppealRecord | None
    appealed: appeals.Appealed | None
    templates: list[ReasonTemplate]
    age_rating: str | None


@dataclass(frozen=True, slots=True)
class Decided:
    """What :func:`decide` recorded and set off."""

    decision_id: uuid.UUID
    case: CaseRecord
    ruling: CaseDecisionRecord
    applied: list[enf.Applied] = field(default_factory=list)
    appeal_outcome: str | None = None


@dataclass(frozen=True, slots=True)
class BulkResult:
    case_id: uuid.UUID
    decided: Decided | None
    error: ServiceError | None


def queues(store: Store, policy: Policy, principal: Principal, *, now: datetime) -> list[QueueView]:
    require(principal, Permission.REVIEW)
    bound = principal.key.platform_id
    stats = {s.queue: s for s in store.review.queue_stats(platform_id=bound, now=now)}
    out = [
        QueueView(q, q.id, stats.pop(q.id, QueueStats(q.id, 0, 0, 0, None))) for q in policy.queues
    ]
    out += [QueueView(None, qid, s) for qid, s in sorted(stats.items())]
    return out


def case_list(
    store: Store,
    principal: Principal,
    *,
    queue: str | None = None,
    status: str | None = None,
    assignee: str | None = None,
    platform: str | None = None,
    kind: str | None = None,
    order: str = "priority",
    limit: int = 50,
    offset: int = 0,
) -> CasePage:
    """Cases by filter; ``status`` None means undecided (open or claimed), ``all`` any."""
    require(principal, Permission.REVIEW)
    if status not in (None, "all", *STATUSES):
        raise InvalidError(f"status: one of open, claimed, decided, all (got {status!r})")
    if order not in ("priority", "due", "newest"):
        raise InvalidError("order: one of priority, due, newest")
    statuses = PENDING if status is None else (() if status == "all" else (status,))
    platform_id = principal.key.platform_id
    if platform is not None:
        found = store.access.platform_by_name(platform)
        if found is None or not principal.sees(found.id):
            raise NotFoundError(f"no platform {platform!r}")
        platform_id = found.id
    filters = {
        "platform_id": platform_id,
        "queue": queue,
        "statuses": statuses,
        "assignee": assignee,
        "kind": kind,
    }
    rs = store.review
    return CasePage(
        rs.case_list(order=order, limit=limit, offset=offset, **filters), rs.case_count(**filters)
    )


def case_detail(
    store: Store, policy: Policy, principal: Principal, case_id: uuid.UUID, *, now: datetime
) -> CaseDetail:
    require(principal, Permission.REVIEW)
    rs = store.review
    case = visible_case(rs, principal, case_id)
    item = _item(store, case)
    item_decisions = store.items.decision_list_for_item(item.id, limit=50) if item else []
    author = None
    platform = store.access.platform_get(case.platform_id)
    assert platform is not None
    who = item.author if item and item.author else None
    kind = "account" if who else case.subject_kind if case.subject_kind != "item" else None
    ref = who or case.subject_ref
    if kind is not None:
        try:
            author = enf.subject_state(
                store, policy, principal, kind=kind, platform=platform.name, ref=ref, now=now
            )
        except NotFoundError:
            author = None
    history = [
        c
        for c in rs.case_list(
            platform_id=case.platform_id,
            subject_kind=case.subject_kind,
            subject_ref=case.subject_ref,
            order="newest",
            limit=20,
        )
        if c.id != case.id
    ]
    decisions = rs.case_decision_list([case.id, *(c.id for c in history)])
    appeal = target = None
    if case.kind == "appeal" and case.appeal_of is not None:
        found = rs.appeal_list(case_id=case.id)
        appeal = found[-1] if found else None
        target = appeals.appealed(store, case.appeal_of)
    templates = [t for t in policy.reason_templates.values() if t.fits(None, case.category)]
    rating = None
    if item_decisions:
        rating = age_rating(policy, item_decisions[0].labels)
    return CaseDetail(
        case,
        item,
        item_decisions,
        rs.report_list(case.id),
        author,
        history,
        decisions,
        appeal,
        target,
        templates,
        rating,
    )


def _item(store: Store, case: CaseRecord) -> ItemRecord | None:
    if case.subject_kind != "item":
        return None
    return store.items.item_get(case.platform_id, case.subject_ref)


def _refusal(store: Store, case_id: uuid.UUID, actor: str) -> ServiceError:
    """Why ``actor`` cannot take a case right now."""
    current = store.review.case_get(case_id)
    if current is None:
        return NotFoundError(f"no case {case_id}")
    if current.status == "decided":
        return ConflictError(f"case {case_id} is already decided")
    if current.excluded_actor == actor:
        return ForbiddenError(
            "you took the decision under appeal; another moderator must review it"
        )
    return ConflictError(
        f"case {case_id} is claimed by {current.assignee} "
        f"(since {current.claimed_at:%Y-%m-%d %H:%M} UTC)"
    )


def claim(
    store: Store,
    principal: Principal,
    case_id: uuid.UUID,
    *,
    now: datetime,
    claim_timeout: float,
    user: str | None = None,
) -> CaseRecord:
    """Take a case; ConflictError if another moderator holds it."""
    require(principal, Permission.REVIEW)
    rs = store.review
    visible_case(rs, principal, case_id)
    actor = actor_of(principal, user)
    with store.transaction() as tx:
        won = tx.review.case_claim(
            case_id, actor=actor, now=now, stale_before=now - timedelta(seconds=claim_timeout)
        )
    if not won:
        raise _refusal(store, case_id, actor)
    claimed = rs.case_get(case_id)
    assert claimed is not None
    return claimed


def release(
    store: Store,
    principal: Principal,
    case_id: uuid.UUID,
    *,
    now: datetime,
    user: str | None = None,
) -> CaseRecord:
    require(principal, Permission.REVIEW)
    rs = store.review
    visible_case(rs, principal, case_id)
    with store.transaction() as tx:
        done = tx.review.case_release(case_id, actor=actor_of(principal, user), now=now)
    if not done:
        raise ConflictError(f"you do not hold case {case_id}")
    found = rs.case_get(case_id)
    assert found is not None
    return found


def decide(
    store: Store,
    policy: Policy,
    principal: Principal,
    case_id: uuid.UUID,
    *,
    verdict: str,
    category: str | None,
    note: str = "",
    template: str | None = None,
    now: datetime,
    claim_timeout: float,
    user: str | None = None,
    lang: str = "en",
) -> Decided:
    """Record a moderator's decision on a case and apply its consequences."""
    require(principal, Permission.REVIEW)
    rs = store.review
    case = visible_case(rs, principal, case_id)
    if verdict not in HUMAN_VERDICTS:
        raise InvalidError(f"verdict: one of {', '.join(HUMAN_VERDICTS)} (got {verdict!r})")
    category = category or (case.category if verdict != "allow" else None)
    if verdict != "allow" and category is None:
        raise InvalidError("category: say which policy category the content violates")
    if category is not None and category not in policy.categories:
        raise InvalidError(f"category: unknown category {category!r}")
    chosen = _template(policy, template, verdict, category)
    title = policy.categories[category].title.get(lang, category) if category else ""
    reason = chosen.render(title, lang) if chosen else ""
    actor = actor_of(principal, user)
    target = appeals.appealed(store, case.appeal_of) if case.appeal_of else None
    if case.kind == "appeal" and target is None:
        raise NotFoundError(f"the decision under appeal in case {case_id} is gone")
    outcome = appeals.outcome_of(target, verdict, category) if target else verdict
    platform = store.access.platform_get(case.platform_id)
    assert platform is not None
    item = _item(store, case)
    labels = (category,) if category and verdict != "allow" else ()
    rating = age_rating(policy, labels)
    statement = _statement(policy, verdict, labels, reason, case, target, outcome)
    with store.transaction() as tx:
        rtx = tx.review
        stale = now - timedelta(seconds=claim_timeout)
        if not rtx.case_close(case_id, actor=actor, outcome=outcome, now=now, stale_before=stale):
            raise _refusal(store, case_id, actor)
        changes: list[audit.Change] = []
        payload: dict[str, object] = {}
        if item is not None:
            record = tx.items.decisions_add(
                platform,
                [
                    NewDecision(
                        item_id=item.id,
                        item_external_id=item.external_id,
                        text_hash=item.text_hash,
                        verdict=verdict,
                        labels=labels,
                        scores={},
                        evidence=[],
                        reasons=tuple(x for x in (reason,) if x),
                        policy_version=policy.version,
                        automated=False,
                        statement=statement,
                        actor_key_id=principal.key.id,
                        actor_user=user,
                    )
                ],
                now=now,
            )[0]
            decision_id = record.id
            payload["decisions"] = [[str(record.id), audit.decision_digest(record)]]
        else:
            decision_id = new_id()
        ruling = CaseDecisionRecord(
            id=decision_id,
            case_id=case.id,
            platform_id=case.platform_id,
            verdict=verdict,
            category=category,
            template=chosen.id if chosen else None,
            note=note,
            statement=statement,
            age_rating=rating,
            policy_version=policy.version,
            actor=actor,
            actor_key_id=principal.key.id,
            appeal_outcome=outcome if target else None,
            reviews=target.id if target else None,
            created_at=now,
        )
        rtx.case_decision_add(ruling)
        rtx.case_update(case.id, now=now, decision_id=decision_id)
        payload.update(
            {
                "case": str(case.id),
                "decision": str(decision_id),
                "verdict": verdict,
                "category": category,
                "template": ruling.template,
            }
        )
        changes.append(audit.Change(actor, "case.decide", f"case:{case.id}", payload))
        applied: list[enf.Applied] = []
        if target is None:
            rtx.reports_resolve(
                [case.id], outcome="rejected" if verdict == "allow" else "upheld", now=now
            )
        else:
            changes += appeals.settle(
                tx,
                target,
                case,
                verdict=verdict,
                outcome=outcome,
                result=decision_id,
                actor=actor,
                now=now,
            )
        if target is None or outcome == "overturned":
            found = enf.targets(
                tx,
                platform=platform,
                subject_kind=case.subject_kind,
                subject_id=case.subject_id,
                subject_ref=case.subject_ref,
                item=item,
                now=now,
            )
            applied, more = enf.apply(
                tx,
                policy,
                found,
                verdict=verdict,
                category=category,
                decision_id=decision_id,
                case_id=case.id,
                automated_detection=case.source == "automated",
                ground=f"{title or category}: {reason}" if reason else title or str(category),
                actor=actor,
                now=now,
            )
            changes += more
        audit.append_many(tx, changes, now=now)
    done = rs.case_get(case_id)
    assert done is not None
    return Decided(decision_id, done, ruling, applied, outcome if target else None)


def _template(
    policy: Policy, wanted: str | None, verdict: str, category: str | None
) -> ReasonTemplate | None:
    if wanted is not None:
        found = policy.reason_templates.get(wanted)
        if found is None:
            raise InvalidError(f"template: unknown reason template {wanted!r}")
        if not found.fits(verdict, category):
            raise InvalidError(f"template: {wanted!r} is not for {verdict} / {category}")
        return found
    # The most specific template that fits: one for this category before a general one.
    fitting = [
        t
        for t in policy.reason_templates.values()
        if t.fits(verdict, category) and (t.verdicts or t.categories)
    ]
    fitting.sort(key=lambda t: not t.categories)
    return fitting[0] if fitting else None


def _statement(
    policy: Policy,
    verdict: str,
    labels: Sequence[str],
    reason: str,
    case: CaseRecord,
    target: appeals.Appealed | None,
    outcome: str,
) -> str:
    base = statement_of_reasons(
        Decision(
            item_id=case.subject_ref,
            verdict=Verdict(verdict),
            labels=tuple(labels),
            scores={},
            signals=(),
            reasons=(reason,) if reason else (),
            policy_version=policy.version,
            automated=False,
        )
    )
    how = {
        "automated": "it was held by automated screening",
        "public": "it was reported by the public",
        "flagger": "it was reported by a trusted flagger",
        "appeal": "the decision was appealed",
    }.get(case.source, "")
    if target is not None:
        return f"On appeal, decision {target.id} was {outcome}. {base}"
    return f"{base} Reviewed because {how}." if how else base


def decide_many(
    store: Store,
    policy: Policy,
    principal: Principal,
    case_ids: Sequence[uuid.UUID],
    *,
    verdict: str,
    category: str | None,
    note: str = "",
    template: str | None = None,
    now: datetime,
    claim_timeout: float,
    user: str | None = None,
) -> list[BulkResult]:
    """Decide many cases alike (a campaign flood), each in its own transaction: one
    that cannot be decided (someone else holds it, say) does not stop the others."""
    require(principal, Permission.REVIEW)
    if not 1 <= len(case_ids) <= MAX_BULK:
        raise InvalidError(f"case_ids: between 1 and {MAX_BULK} cases")
    out = []
    for cid in dict.fromkeys(case_ids):
        try:
            done = decide(
                store,
                policy,
                principal,
                cid,
                verdict=verdict,
                category=category,
                note=note,
                template=template,
                now=now,
                claim_timeout=claim_timeout,
                user=user,
            )
        except (NotFoundError, ConflictError, ForbiddenError, InvalidError) as exc:
            out.append(BulkResult(cid, None, exc))
        else:
            out.append(BulkResult(cid, done, None))
    return out
