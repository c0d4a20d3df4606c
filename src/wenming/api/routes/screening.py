"""``POST /v1/screen``: screen a batch of items and record the decisions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, cast

import orjson
from fastapi import APIRouter, Query, Request, Response

from wenming.api.schemas import ErrorOut, ScreenRequest, ScreenResponse, screen_result
from wenming.api.workload import CpuGate
from wenming.http.deps import CurrentKey, RuntimeDep
from wenming.http.errors import ApiError
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
    request: Request,
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
    # Screening runs on the gate's worker threads (never on the event loop, so one long
    # request cannot freeze the server; each key holds a bounded share of the threads);
    # the commit is awaited on the recorder's thread.
    chars = sum(len(item.text) for item in body.items)
    if chars > runtime.settings.max_request_chars:
        raise ApiError(
            413,
            "too_much_text",
            f"items: {chars} characters of text in one request; the limit is "
            f"{runtime.settings.max_request_chars} (split the batch)",
        )
    store = runtime.store
    target = screening.platform_for_screening(store, key, platform)
    gate = cast(CpuGate, request.app.state.cpu_gate)

    async def offload(work: Callable[[], screening.Prepared]) -> screening.Prepared:
        return await gate.run(key.key.id, work)

    outcomes = await screening.screen_async(
        store,
        runtime.screener,
        platform=target,
        principal=key,
        items=[item.to_item() for item in body.items],
        recorder=runtime.recorder,
        offload=offload,
    )
    results = [screen_result(o.decision, replayed=o.replayed) for o in outcomes]
    return Response(orjson.dumps({"results": results}), media_type="application/json")
