"""``POST /v1/screen``: screen a batch of items and record the decisions."""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, Query, Response

from wenming.api.schemas import ErrorOut, ScreenRequest, ScreenResponse, screen_result
from wenming.http.deps import CurrentKey, RuntimeDep
from wenming.service import screening

router = APIRouter(tags=["screening"])

_ERRORS: dict[int | str, dict[str, object]] = {
    s: {"model": ErrorOut} for s in (400, 401, 403, 413, 422, 429)
}


@router.post(
    "/screen",
    response_model=ScreenResponse,
    summary="Screen items and record the decisions",
    responses=_ERRORS,
)
async def screen(
    body: ScreenRequest,
    key: CurrentKey,
    runtime: RuntimeDep,
    platform: Annotated[
        str | None, Query(description="platform to screen for; only for keys not bound to one")
    ] = None,
) -> Response:
    """Screen 1 to 1000 items synchronously (the pre-publication path).

    Items and decisions are stored before the answer is sent. Re-sending an item with
    the same id and text under the same policy returns the stored decision
    (``replayed: true``), so retries are safe.
    """
    # Deliberately async: screening is CPU work done inline (one process per core) and
    # the commit is awaited on the recorder's thread, so no worker-thread hop per call.
    store = runtime.store
    target = screening.platform_for_screening(store, key, platform)
    outcomes = await screening.screen_async(
        store,
        runtime.screener,
        platform=target,
        principal=key,
        items=[item.to_item() for item in body.items],
        recorder=runtime.recorder,
    )
    results = [screen_result(o.decision, replayed=o.replayed) for o in outcomes]
    return Response(orjson.dumps({"results": results}), media_type="application/json")
