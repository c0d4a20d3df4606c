"""The public rumor-busting pages: the fact-check feed, search in any language, one claim."""

from __future__ import annotations

import math

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from wenming.http.deps import IndexDep, RuntimeDep, StoreDep, address_wait
from wenming.service import factcheck
from wenming.service.errors import ServiceError
from wenming.web.public import N_
from wenming.web.render import page

router = APIRouter(include_in_schema=False)

VERDICTS = {
    "false": N_("False"),
    "misleading": N_("Misleading"),
    "partly_false": N_("Partly false"),
    "unproven": N_("Unproven"),
    "true": N_("True"),
}


@router.get("/rumors", response_class=HTMLResponse)
def rumors(
    request: Request,
    runtime: RuntimeDep,
    store: StoreDep,
    index: IndexDep,
    q: str = "",
    verdict: str = "",
    tag: str = "",
) -> HTMLResponse:
    error: str | None = None
    if q.strip() and (wait := address_wait(request, runtime)) > 0:
        # A search costs real CPU: the same per-address limit as GET /v1/factchecks?q=.
        refused = page(
            request,
            "public/rumors.html",
            views=[],
            total=0,
            q=q,
            verdict=verdict,
            tag=tag,
            verdicts=VERDICTS,
            status_code=429,
            error=f"too many searches; retry in {max(1, math.ceil(wait))}s",
        )
        refused.headers["Retry-After"] = str(max(1, math.ceil(wait)))
        return refused
    try:
        views, total = factcheck.search(
            store,
            index,
            q=q.strip() or None,
            verdict=verdict if verdict in VERDICTS else None,
            tag=tag or None,
            limit=50,
        )
    except ServiceError as exc:
        views, total, error = [], 0, str(exc)
    return page(
        request,
        "public/rumors.html",
        views=views,
        total=total,
        q=q,
        verdict=verdict,
        tag=tag,
        verdicts=VERDICTS,
        error=error,
    )


@router.get("/rumors/{fid}", response_class=HTMLResponse)
def rumor(request: Request, store: StoreDep, fid: str) -> HTMLResponse:
    try:
        view = factcheck.get(store, fid)
    except ServiceError:
        return page(request, "public/rumor_missing.html", status_code=404)
    return page(request, "public/rumor.html", v=view, verdicts=VERDICTS)
