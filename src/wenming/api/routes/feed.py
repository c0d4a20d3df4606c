"""Youth mode: ``POST /v1/feed/filter`` says which items a viewer may be shown."""

from __future__ import annotations

from fastapi import APIRouter

from wenming.api.enforcement_schemas import FeedFilterIn, FeedFilterOut, feed_out
from wenming.api.schemas import ErrorOut
from wenming.http.deps import CurrentKey, RuntimeDep
from wenming.service import minors

router = APIRouter(tags=["minors"])

_ERRORS: dict[int | str, dict[str, object]] = {
    s: {"model": ErrorOut} for s in (400, 401, 403, 404, 422, 429)
}


@router.post(
    "/feed/filter",
    response_model=FeedFilterOut,
    summary="Which items may be shown (youth mode, minor accounts)",
    responses=_ERRORS,
)
def feed_filter(body: FeedFilterIn, key: CurrentKey, runtime: RuntimeDep) -> FeedFilterOut:
    """Up to 1000 item ids, in the order sent. Blocked and held items are never shown;
    in youth mode (or for an account flagged as a minor's) neither is content rated
    above the viewer's age, limited content, or content never screened."""
    return feed_out(
        minors.feed_filter(
            runtime.store,
            runtime.policy,
            key,
            platform=body.platform,
            item_ids=body.items,
            youth_mode=body.youth_mode,
            age=body.age,
            account=body.account,
        )
    )
