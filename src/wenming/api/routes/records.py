"""Reading the record: one decision, or an item with its decision history."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query

from wenming.api.schemas import DecisionOut, ErrorOut, ItemHistory, decision_out, item_out
from wenming.http.deps import CurrentKey, StoreDep
from wenming.service import screening

router = APIRouter(tags=["records"])

_ERRORS: dict[int | str, dict[str, object]] = {
    s: {"model": ErrorOut} for s in (401, 403, 404, 422, 429)
}


@router.get(
    "/decisions/{decision_id}",
    response_model=DecisionOut,
    summary="One decision",
    responses=_ERRORS,
)
def decision_get(decision_id: uuid.UUID, key: CurrentKey, store: StoreDep) -> DecisionOut:
    return decision_out(screening.decision_get(store, key, decision_id))


@router.get(
    "/items/{item_id:path}",
    response_model=ItemHistory,
    summary="An item and its decisions, newest first",
    responses=_ERRORS,
)
def item_get(
    item_id: Annotated[str, Path(description="the platform's own id for the item")],
    key: CurrentKey,
    store: StoreDep,
    platform: Annotated[
        str | None, Query(description="platform name; only for keys not bound to one")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> ItemHistory:
    item, decisions = screening.item_history(
        store, key, platform=platform, external_id=item_id, limit=limit
    )
    return ItemHistory(item=item_out(item), decisions=[decision_out(d) for d in decisions])
