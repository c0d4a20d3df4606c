"""Appeals: ``POST /v1/appeals`` (the affected platform's key, or a report's status token)."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from wenming.api.review_schemas import AppealAccepted, AppealIn, AppealOut, Appeals, appeal_out
from wenming.api.schemas import MAX_OFFSET, ErrorOut
from wenming.http.deps import CurrentKey, PublicCaller, RuntimeDep
from wenming.service import appeals

router = APIRouter(tags=["appeals"])

_ERRORS: dict[int | str, dict[str, object]] = {
    s: {"model": ErrorOut} for s in (400, 401, 403, 404, 409, 422, 429)
}


@router.post(
    "/appeals",
    status_code=202,
    response_model=AppealAccepted,
    summary="Appeal a decision; another moderator reviews it",
    responses=_ERRORS,
)
def appeal_create(body: AppealIn, caller: PublicCaller, runtime: RuntimeDep) -> AppealAccepted:
    """The affected side appeals with its platform's key; a reporter sends the status
    token of their report instead of a key. 409 if the decision is already on appeal."""
    filed = appeals.file(
        runtime.store,
        runtime.policy,
        decision_id=body.decision_id,
        text=body.text,
        principal=caller.key,
        token=body.token,
        now=runtime.clock(),
    )
    return AppealAccepted(appeal_id=str(filed.appeal_id), case_id=str(filed.case_id))


@router.get(
    "/appeals",
    response_model=Appeals,
    summary="Appeals newest first, and how many were upheld or overturned",
    responses=_ERRORS,
)
def appeal_list(
    key: CurrentKey,
    runtime: RuntimeDep,
    outcome: Literal["open", "upheld", "overturned"] | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> Appeals:
    page, counts = appeals.appeal_list(
        runtime.store, key, outcome=outcome, limit=limit, offset=offset
    )
    return Appeals(appeals=[appeal_out(a) for a in page], counts=counts)


@router.get(
    "/appeals/{appeal_id}", response_model=AppealOut, summary="One appeal", responses=_ERRORS
)
def appeal_get(appeal_id: uuid.UUID, key: CurrentKey, runtime: RuntimeDep) -> AppealOut:
    return appeal_out(appeals.appeal_get(runtime.store, key, appeal_id))
