"""Liveness and readiness probes for load balancers and orchestrators (no key needed)."""

from __future__ import annotations

from fastapi import APIRouter

from wenming.api.schemas import ErrorOut, Health
from wenming.http.deps import RuntimeDep
from wenming.http.errors import ApiError
from wenming.runtime import Runtime

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="Liveness: the process answers")
async def healthz() -> Health:
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Health,
    summary="Readiness: the database (and Redis, when the work stream uses it) answers",
    responses={503: {"model": ErrorOut}},
)
def readyz(runtime: RuntimeDep) -> Health:
    if not runtime.store.ping():
        raise ApiError(503, "unavailable", "the database does not answer")
    if runtime.settings.redis_url and not _redis_answers(runtime):
        raise ApiError(503, "unavailable", "Redis (the work stream) does not answer")
    return Health(status="ready")


def _redis_answers(runtime: Runtime) -> bool:
    try:
        return runtime.work.items.ping()
    except Exception:  # a stream that cannot even be set up is not ready either
        return False
