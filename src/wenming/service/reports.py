"""Reports from the public and from trusted flaggers, and what reporters may see.

:func:`file` takes a report about an item, account, group or site and commits it, its
case (opened, or joined if the subject already has one open) and an audit entry in one
transaction before it returns: acknowledged means committed. The reporter gets an
unguessable status token, shown once; the store keeps only its hash. Reports made with
a ``flagger`` key go to the trusted-flagger lane and carry more weight the more of that
flagger's reports were upheld (:func:`flagger_accuracy`).

Who reported is kept from the reported party: the audit entry, the case, the status
page and everything a platform key can read name no reporter (no key, contact or
address), only the source (``public`` or ``flagger``).
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from wenming.core.digests import reporter_hash, token_hash
from wenming.core.domains import registrable_domain
from wenming.core.policy import Policy
from wenming.service import audit
from wenming.service.cases import (
    PUBLIC_CONFIDENCE,
    CaseSubject,
    flagger_confidence,
    open_or_join,
    require,
)
from wenming.service.enforcement import SITE_PLATFORM, site_platform
from wenming.service.errors import ForbiddenError, InvalidError, NotFoundError
from wenming.service.keys import Permission, Principal, Role
from wenming.store import (
    AppealRecord,
    CaseDecisionRecord,
    CaseRecord,
    FlaggerStats,
    ReportRecord,
    Store,
)

SUBJECT_KINDS = ("item", "account", "group", "site")
TOKEN_PREFIX = "wr_"


@dataclass(frozen=True, slots=True)
class SubjectRef:
    """What a report names: ``kind`` and the platform's own ``id`` (for a site, a URL or
    domain, and no platform)."""

    kind: str
    id: str
    platform: str | None = None


@dataclass(frozen=True, slots=True)
class Receipt:
    report_id: uuid.UUID
    case_id: uuid.UUID
    token: str
    case_opened: bool


@dataclass(frozen=True, slots=True)
class ReportStatus:
    """What the holder of a status token sees: their report, where its case stands, and
    the decision that now stands on it (after any appeal)."""

    report: ReportRecord
    case: CaseRecord
    decision: CaseDecisionRecord | None
    appeals: list[AppealRecord]

    @property
    def status(self) -> str:
        if any(a.status == "open" for a in self.appeals):
            return "appealed"
        return {"open": "received", "claimed": "in_review"}.get(self.case.status, "decided")


def file(
    store: Store,
    policy: Policy,
    *,
    subject: SubjectRef,
    category: str,
    text: str,
    contact: str | None,
    principal: Principal | None,
    address: str | None,
    secret: str,
    now: datetime,
) -> Receipt:
    """Record a report and open or join its subject's case; committed when it returns."""
    if category not in policy.categories:
        known = ", ".join(sorted(policy.categories))
        raise InvalidError(f"category: unknown category {category!r}; one of {known}")
    if subject.kind not in SUBJECT_KINDS:
        raise InvalidError(f"subject.type: one of {', '.join(SUBJECT_KINDS)}")
    if subject.kind != "site" and len(subject.id) > 256:
        raise InvalidError("subject.id: at most 256 characters (a URL only names a site)")
    source = "public"
    if principal is not None:
        if principal.role is Role.FLAGGER:
            require(principal, Permission.FLAG)
            source = "flagger"
        who = principal.actor
    else:
        who = f"ip:{address or 'unknown'}"
    severity = policy.categories[category].severity
    token = TOKEN_PREFIX + secrets.token_urlsafe(24)
    digest = reporter_hash(secret, who)
    with store.transaction() as tx:
        rtx = tx.review
        if subject.kind == "site":
            domain = registrable_domain(subject.id)
            if domain is None:
                raise InvalidError(f"subject.id: {subject.id!r} names no domain")
            platform = site_platform(tx, now)
            sid = tx.items.subject_ids(platform.id, [("site", domain)], now=now)[("site", domain)]
            target = CaseSubject(platform.id, "site", domain, subject_id=sid)
        else:
            if not subject.platform:
                raise InvalidError(f"subject.platform: required for a report on a {subject.kind}")
            found = tx.access.platform_by_name(subject.platform)
            if found is None or found.name == SITE_PLATFORM:
                raise NotFoundError(f"no platform {subject.platform!r}")
            platform = found
            if principal is not None and not principal.sees(platform.id):
                raise ForbiddenError(f"this key cannot report on platform {platform.name!r}")
            if subject.kind == "item":
                item = store.items.item_get(platform.id, subject.id)
                target = CaseSubject(
                    platform.id, "item", subject.id, item_id=item.id if item else None
                )
            else:
                ids = tx.items.subject_ids(platform.id, [(subject.kind, subject.id)], now=now)
                target = CaseSubject(
                    platform.id,
                    subject.kind,
                    subject.id,
                    subject_id=ids[(subject.kind, subject.id)],
                )
        if source == "flagger":
            assert principal is not None
            confidence = flagger_confidence(*rtx.flagger_record(principal.key.id))
        else:
            confidence = PUBLIC_CONFIDENCE
        case, opened = open_or_join(
            rtx,
            policy,
            target,
            kind="review",
            category=category,
            severity=severity,
            source=source,
            confidence=confidence,
            now=now,
            reporter=digest,
        )
        report_id = rtx.report_add(
            case_id=case.id,
            platform_id=platform.id,
            category=category,
            text=text,
            source=source,
            reporter_key_id=principal.key.id if principal else None,
            reporter_hash=digest,
            contact=contact,
            token_hash=token_hash(token),
            now=now,
        )
        # The audit entry names the source, never the reporter.
        audit.append(
            tx,
            actor=source,
            action="report.create",
            subject=f"{target.kind}:{platform.name}/{target.ref}",
            payload={
                "report": str(report_id),
                "case": str(case.id),
                "category": category,
                "case_opened": opened,
            },
            now=now,
        )
    return Receipt(report_id=report_id, case_id=case.id, token=token, case_opened=opened)


def status(store: Store, token: str) -> ReportStatus:
    """The report a status token belongs to, and its outcome so far."""
    rs = store.review
    report = rs.report_by_token(token_hash(token)) if token.startswith(TOKEN_PREFIX) else None
    if report is None:
        raise NotFoundError("no report has this status token")
    case = rs.case_get(report.case_id)
    assert case is not None
    decision = rs.case_decision_get(case.decision_id) if case.decision_id else None
    appeals = rs.appeal_list(decision_id=case.decision_id) if case.decision_id else []
    for a in appeals:
        if a.outcome == "overturned" and a.result_decision_id is not None:
            decision = rs.case_decision_get(a.result_decision_id) or decision
    return ReportStatus(report=report, case=case, decision=decision, appeals=appeals)


def flagger_accuracy(store: Store, principal: Principal) -> list[FlaggerStats]:
    """Every trusted flagger's record (moderators and admins), or the caller's own."""
    rs = store.review
    if principal.role is Role.FLAGGER:
        return rs.flagger_stats(principal.key.id)
    if not (principal.can(Permission.REVIEW) or principal.can(Permission.MANAGE)):
        raise ForbiddenError(f"role {principal.role.value!r} may not see flagger records")
    return rs.flagger_stats()
