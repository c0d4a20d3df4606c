"""HTTP routes, one module per resource; each parses, calls one service function, renders."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI


def install(app: FastAPI) -> None:
    """Add the probes at the root and every ``/v1`` route to ``app``."""
    from wenming.api.routes import (
        appeals,
        cases,
        factchecks,
        feed,
        health,
        records,
        reports,
        screening,
        subjects,
        work,
    )

    v1 = APIRouter(prefix="/v1")
    for module in (screening, records, work, reports, cases, appeals, subjects, feed, factchecks):
        v1.include_router(module.router)
    work.install(app)
    app.include_router(health.router)
    app.include_router(v1)
