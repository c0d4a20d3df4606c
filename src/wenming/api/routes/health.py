"""Liveness and readiness probes for load balancers and orchestrators (no key needed)."""

from __future__ import annotations

from fastapi import APIRouter

from wenming.api.deps import StoreDep
from wenming.api.errors import ApiError
from wenming.api.schemas import ErrorOut, Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="Liveness: the process answers")
async def healthz() -> Health:
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Health,
    summary="Readiness: the database answers",
    responses={503: {"model": ErrorOut}},
)
def readyz(store: StoreDep) -> Health:
    if not store.ping():
        raise ApiError(503, "unavailable", "the database does not answer")
    return Health(status="ready")
