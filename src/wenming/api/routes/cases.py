"""Review over HTTP: queues, cases, claims and decisions (moderator and admin keys)."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from wenming.api.review_schemas import (
    BulkDecisionIn,
    BulkDecisionResult,
    BulkError,
    BulkItem,
    CaseDetailOut,
    CaseList,
    CaseOut,
    DecisionIn,
    DecisionResult,
    Queues,
    case_detail_out,
    case_out,
    decision_result,
    queue_out,
)
from wenming.api.schemas import MAX_OFFSET, ErrorOut
from wenming.http.deps import CurrentKey, RuntimeDep
from wenming.service import review
from wenming.service.keys import Permission

router = APIRouter(tags=["review"])

_ERRORS: dict[int | str, dict[str, object]] = {
    s: {"model": ErrorOut} for s in (400, 401, 403, 404, 409, 422, 429)
}


@router.get(
    "/review/queues",
    response_model=Queues,
    summary="Review queues: open and claimed cases, the oldest, SLA breaches",
    responses=_ERRORS,
)
def queues(key: CurrentKey, runtime: RuntimeDep) -> Queues:
    now = runtime.clock()
    views = review.queues(runtime.store, runtime.policy, key, now=now)
    return Queues(queues=[queue_out(v, now) for v in views])


@router.get("/cases", response_model=CaseList, summary="Cases, by filter", responses=_ERRORS)
def case_list(
    key: CurrentKey,
    runtime: RuntimeDep,
    queue: str | None = None,
    status: Annotated[
        Literal["open", "claimed", "decided", "all"] | None,
        Query(description="default: open and claimed"),
    ] = None,
    assignee: Annotated[str | None, Query(description="an actor, or `me`")] = None,
    platform: str | None = None,
    kind: Literal["review", "appeal"] | None = None,
    order: Literal["priority", "due", "newest"] = "priority",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> CaseList:
    page = review.case_list(
        runtime.store,
        key,
        queue=queue,
        status=status,
        assignee=key.actor if assignee == "me" else assignee,
        platform=platform,
        kind=kind,
        order=order,
        limit=limit,
        offset=offset,
    )
    now = runtime.clock()
    return CaseList(cases=[case_out(c, now) for c in page.cases], total=page.total)


@router.get(
    "/cases/{case_id}",
    response_model=CaseDetailOut,
    summary="A case with its content, evidence, reports, history and templates",
    responses=_ERRORS,
)
def case_get(case_id: uuid.UUID, key: CurrentKey, runtime: RuntimeDep) -> CaseDetailOut:
    now = runtime.clock()
    detail = review.case_detail(runtime.store, runtime.policy, key, case_id, now=now)
    return case_detail_out(detail, now, with_contact=key.can(Permission.MANAGE))


@router.post(
    "/cases/{case_id}/claim",
    response_model=CaseOut,
    summary="Take a case (409 if another moderator holds it)",
    responses=_ERRORS,
)
def case_claim(case_id: uuid.UUID, key: CurrentKey, runtime: RuntimeDep) -> CaseOut:
    now = runtime.clock()
    claimed = review.claim(
        runtime.store, key, case_id, now=now, claim_timeout=runtime.settings.claim_timeout_seconds
    )
    return case_out(claimed, now)


@router.post(
    "/cases/{case_id}/release",
    response_model=CaseOut,
    summary="Hand a claimed case back to its queue",
    responses=_ERRORS,
)
def case_release(case_id: uuid.UUID, key: CurrentKey, runtime: RuntimeDep) -> CaseOut:
    now = runtime.clock()
    return case_out(review.release(runtime.store, key, case_id, now=now), now)


@router.post(
    "/cases/{case_id}/decision",
    response_model=DecisionResult,
    summary="Decide a case; answers the decision id and what it set off",
    responses=_ERRORS,
)
def case_decide(
    case_id: uuid.UUID, body: DecisionIn, key: CurrentKey, runtime: RuntimeDep
) -> DecisionResult:
    now = runtime.clock()
    done = review.decide(
        runtime.store,
        runtime.policy,
        key,
        case_id,
        verdict=body.verdict,
        category=body.category,
        note=body.note,
        template=body.template,
        now=now,
        claim_timeout=runtime.settings.claim_timeout_seconds,
    )
    return decision_result(done, now)


@router.post(
    "/cases/bulk-decision",
    response_model=BulkDecisionResult,
    summary="Decide up to 500 cases alike (campaign floods)",
    responses=_ERRORS,
)
def case_decide_many(
    body: BulkDecisionIn, key: CurrentKey, runtime: RuntimeDep
) -> BulkDecisionResult:
    results = review.decide_many(
        runtime.store,
        runtime.policy,
        key,
        body.case_ids,
        verdict=body.verdict,
        category=body.category,
        note=body.note,
        template=body.template,
        now=runtime.clock(),
        claim_timeout=runtime.settings.claim_timeout_seconds,
    )
    items = [
        BulkItem(
            case_id=str(r.case_id),
            decision_id=str(r.decided.decision_id) if r.decided else None,
            error=BulkError(code=r.error.code, message=r.error.message) if r.error else None,
        )
        for r in results
    ]
    return BulkDecisionResult(decided=sum(1 for r in results if r.decided), results=items)
