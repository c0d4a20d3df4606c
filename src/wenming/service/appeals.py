"""Appeals: any decision can be contested and is then reviewed by someone else.

:func:`file` opens an appeal case for a decision (a moderator's ruling or an automated
screening decision). The affected side appeals through its platform's key; a reporter
appeals with their report's status token (the decision on what they reported); admins
may appeal anything. The appeal case bars the original decider, so a different
moderator takes it. When it is decided, :func:`settle` records the outcome: the same
verdict (and category) upholds the decision, anything else overturns it, which removes
the strikes and lifts the sanctions the old decision imposed and turns the original
reports' outcome (and so the flaggers' accuracy) around.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from wenming.core.digests import token_hash
from wenming.core.policy import Policy
from wenming.service import audit
from wenming.service import enforcement as enf
from wenming.service.cases import CaseSubject, open_or_join, severity_of
from wenming.service.errors import ConflictError, ForbiddenError, InvalidError, NotFoundError
from wenming.service.keys import Permission, Principal, Role
from wenming.store import AppealRecord, CaseDecisionRecord, CaseRecord, DecisionRecord, Store, Tx


@dataclass(frozen=True, slots=True)
class Appealed:
    """The decision under appeal, whichever kind it is."""

    id: uuid.UUID
    platform_id: int
    verdict: str
    category: str | None
    actor: str | None
    case: CaseRecord | None
    ruling: CaseDecisionRecord | None
    screened: DecisionRecord | None


@dataclass(frozen=True, slots=True)
class Filed:
    appeal_id: uuid.UUID
    case_id: uuid.UUID


def appealed(store: Store, decision_id: uuid.UUID) -> Appealed | None:
    rs = store.review
    ruling = rs.case_decision_get(decision_id)
    if ruling is not None:
        case = rs.case_get(ruling.case_id)
        return Appealed(
            decision_id,
            ruling.platform_id,
            ruling.verdict,
            ruling.category,
            ruling.actor,
            case,
            ruling,
            None,
        )
    screened = store.items.decision_get(decision_id)
    if screened is None:
        return None
    category = max(screened.labels, key=lambda c: screened.scores.get(c, 0.0), default=None)
    actor = screened.actor_user or (None if screened.automated else f"key:{screened.actor_key_id}")
    return Appealed(
        decision_id, screened.platform_id, screened.verdict, category, actor, None, None, screened
    )


def file(
    store: Store,
    policy: Policy,
    *,
    decision_id: uuid.UUID,
    text: str,
    principal: Principal | None,
    token: str | None,
    now: datetime,
) -> Filed:
    """Open the appeal of ``decision_id``; committed when it returns."""
    if not text.strip():
        raise InvalidError("text: say why the decision is wrong")
    target = appealed(store, decision_id)
    if target is None or (principal is not None and not principal.sees(target.platform_id)):
        raise NotFoundError(f"no decision {decision_id}")
    rs = store.review
    report_id = None
    if principal is not None and principal.can(Permission.MANAGE):
        appellant = "admin"
    elif principal is not None and principal.role is Role.PLATFORM:
        appellant = "affected"
    elif token is not None:
        report = rs.report_by_token(token_hash(token))
        if report is None or target.case is None or report.case_id != target.case.id:
            raise ForbiddenError("this status token is not for a report on that decision")
        appellant, report_id = "reporter", report.id
    else:
        raise ForbiddenError(
            "appeal through the affected platform's key, or with the "
            "status token of a report on this decision"
        )
    earlier = rs.appeal_list(decision_id=decision_id)
    if earlier:
        state = "is under review" if earlier[-1].status == "open" else "was reviewed already"
        raise ConflictError(f"decision {decision_id} {state} on appeal (appeal {earlier[-1].id})")
    if target.case is not None:
        subject = CaseSubject(
            target.case.platform_id,
            target.case.subject_kind,
            target.case.subject_ref,
            item_id=target.case.item_id,
            subject_id=target.case.subject_id,
        )
    else:
        assert target.screened is not None
        subject = CaseSubject(
            target.platform_id,
            "item",
            target.screened.item_external_id,
            item_id=target.screened.item_id,
        )
    with store.transaction() as tx:
        rtx = tx.review
        case, _ = open_or_join(
            rtx,
            policy,
            subject,
            kind="appeal",
            category=target.category,
            severity=severity_of(policy, target.category),
            source="appeal",
            confidence=1.0,
            now=now,
            excluded_actor=target.actor,
            appeal_of=decision_id,
        )
        appeal_id = rtx.appeal_add(
            platform_id=target.platform_id,
            decision_id=decision_id,
            case_id=case.id,
            text=text,
            appellant=appellant,
            appellant_key_id=principal.key.id if principal else None,
            report_id=report_id,
            now=now,
        )
        audit.append(
            tx,
            actor=principal.actor if principal else "reporter",
            action="appeal.create",
            subject=f"decision:{decision_id}",
            payload={"appeal": str(appeal_id), "case": str(case.id), "appellant": appellant},
            now=now,
        )
    return Filed(appeal_id=appeal_id, case_id=case.id)


def outcome_of(target: Appealed, verdict: str, category: str | None) -> str:
    same = verdict == target.verdict and (verdict == "allow" or category == target.category)
    return "upheld" if same else "overturned"


def settle(
    tx: Tx,
    target: Appealed,
    case: CaseRecord,
    *,
    verdict: str,
    outcome: str,
    result: uuid.UUID,
    actor: str,
    now: datetime,
) -> list[audit.Change]:
    """Close the appeals of ``case``; on an overturn, undo what the old decision did."""
    rtx = tx.review
    rtx.appeals_decide(case.id, outcome=outcome, result=result, now=now)
    changes = [
        audit.Change(
            actor,
            "appeal.decide",
            f"decision:{target.id}",
            {"case": str(case.id), "outcome": outcome, "decision": str(result)},
        )
    ]
    if outcome == "overturned":
        reason = f"overturned on appeal by decision {result}"
        _, _, undone = enf.reverse(tx, target.id, actor=actor, reason=reason, now=now)
        changes += undone
        if target.case is not None:
            turned = "rejected" if verdict == "allow" else "upheld"
            rtx.reports_resolve([target.case.id], outcome=turned, now=now)
    return changes


def appeal_get(store: Store, principal: Principal, appeal_id: uuid.UUID) -> AppealRecord:
    found = store.review.appeal_get(appeal_id)
    if found is None or not principal.sees(found.platform_id):
        raise NotFoundError(f"no appeal {appeal_id}")
    if not (principal.can(Permission.READ) or principal.can(Permission.REVIEW)):
        raise ForbiddenError(f"role {principal.role.value!r} may not read appeals")
    return found


def appeal_list(
    store: Store,
    principal: Principal,
    *,
    outcome: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[AppealRecord], dict[str, int]]:
    """Appeals newest first (``outcome``: open, upheld or overturned), with the counts by
    outcome over all of them; a platform's key sees its platform's only."""
    if not (principal.can(Permission.READ) or principal.can(Permission.REVIEW)):
        raise ForbiddenError(f"role {principal.role.value!r} may not read appeals")
    if outcome not in (None, "open", "upheld", "overturned"):
        raise InvalidError("outcome: one of open, upheld, overturned")
    rs = store.review
    bound = principal.key.platform_id
    page = rs.appeal_page(platform_id=bound, outcome=outcome, limit=limit, offset=offset)
    return page, rs.appeal_counts(platform_id=bound)
