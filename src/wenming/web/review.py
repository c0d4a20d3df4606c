"""Console pages for review: queues, case lists, the case page and one-keystroke decisions."""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from wenming.core.governance import HUMAN_VERDICTS
from wenming.http.deps import RuntimeDep
from wenming.runtime import Runtime
from wenming.service import enforcement, review
from wenming.service.cases import actor_of
from wenming.service.errors import ServiceError
from wenming.service.keys import Principal
from wenming.web import i18n
from wenming.web.highlight import segments
from wenming.web.public import actions, categories
from wenming.web.render import page
from wenming.web.session import ConsoleUser, username

router = APIRouter(prefix="/console", include_in_schema=False)

# One key per verdict; documented on the case page and in docs/console.md.
KEYS = {"allow": "a", "label": "l", "limit": "m", "block": "b"}


def queue_views(runtime: Runtime, user: Principal) -> list[review.QueueView]:
    """The review queues the user may see (none for roles that do not review)."""
    try:
        return review.queues(runtime.store, runtime.policy, user, now=runtime.clock())
    except ServiceError:
        return []


@router.get("/queues/{queue}", response_class=HTMLResponse)
def queue_page(
    request: Request, runtime: RuntimeDep, user: ConsoleUser, queue: str, status: str = ""
) -> HTMLResponse:
    found = review.case_list(runtime.store, user, queue=queue, status=status or None, limit=100)
    return page(
        request,
        "console/queue.html",
        user=user,
        queue=queue,
        cases=found.cases,
        total=found.total,
        status=status,
        now=runtime.clock(),
        categories={c["id"]: c for c in categories(runtime)},
    )


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(
    request: Request, runtime: RuntimeDep, user: ConsoleUser, case_id: uuid.UUID
) -> HTMLResponse:
    try:
        detail = review.case_detail(
            runtime.store, runtime.policy, user, case_id, now=runtime.clock()
        )
    except ServiceError as exc:
        return page(request, "console/missing.html", user=user, message=str(exc), status_code=404)
    latest = detail.item_decisions[0] if detail.item_decisions else None
    marked = segments(detail.item.text, latest.evidence if latest else []) if detail.item else []
    return page(
        request,
        "console/case.html",
        user=user,
        d=detail,
        segments=marked,
        keys=KEYS,
        verdicts=HUMAN_VERDICTS,
        actions=actions(request),
        categories=categories(runtime),
        now=runtime.clock(),
        error=request.query_params.get("error"),
    )


@router.post("/cases/{case_id}/decide", response_model=None)
def case_decide(
    request: Request,
    runtime: RuntimeDep,
    user: ConsoleUser,
    case_id: uuid.UUID,
    verdict: Annotated[str, Form()],
    category: Annotated[str, Form()] = "",
    template: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """Claim the case if nobody holds it, decide it, and open the next case at once."""
    lang = "zh" if i18n.negotiate(request).startswith("zh") else "en"
    timeout = runtime.settings.claim_timeout_seconds
    try:
        case = review.case_detail(
            runtime.store, runtime.policy, user, case_id, now=runtime.clock()
        ).case
        if case.assignee != actor_of(user, username(request)):
            review.claim(
                runtime.store,
                user,
                case_id,
                now=runtime.clock(),
                claim_timeout=timeout,
                user=username(request),
            )
        review.decide(
            runtime.store,
            runtime.policy,
            user,
            case_id,
            verdict=verdict,
            category=category or None,
            note=note,
            template=template or None,
            now=runtime.clock(),
            claim_timeout=timeout,
            lang=lang,
            user=username(request),
        )
    except ServiceError as exc:
        return RedirectResponse(f"/console/cases/{case_id}?error={_q(str(exc))}", status_code=303)
    following = review.case_list(runtime.store, user, queue=case.queue, status="open", limit=1)
    target = (
        f"/console/cases/{following.cases[0].id}"
        if following.cases
        else f"/console/queues/{case.queue}"
    )
    return RedirectResponse(target, status_code=303)


@router.post("/cases/{case_id}/claim", response_model=None)
def case_claim(
    request: Request, runtime: RuntimeDep, user: ConsoleUser, case_id: uuid.UUID
) -> Response:
    try:
        review.claim(
            runtime.store,
            user,
            case_id,
            now=runtime.clock(),
            claim_timeout=runtime.settings.claim_timeout_seconds,
            user=username(request),
        )
    except ServiceError as exc:
        return RedirectResponse(f"/console/cases/{case_id}?error={_q(str(exc))}", status_code=303)
    return RedirectResponse(f"/console/cases/{case_id}", status_code=303)


def _q(text: str) -> str:
    return quote(text[:300])


@router.get("/subjects/{kind}/{platform}/{ref:path}", response_class=HTMLResponse)
def subject_page(
    request: Request, runtime: RuntimeDep, user: ConsoleUser, kind: str, platform: str, ref: str
) -> HTMLResponse:
    """An account's, group's or site's record: standing on each ladder, sanctions, strikes."""
    try:
        state = enforcement.subject_state(
            runtime.store,
            runtime.policy,
            user,
            kind=kind,
            platform=platform,
            ref=ref,
            now=runtime.clock(),
        )
    except ServiceError as exc:
        return page(request, "console/missing.html", user=user, message=str(exc), status_code=404)
    return page(
        request,
        "console/subject.html",
        user=user,
        s=state,
        actions=actions(request),
        now=runtime.clock(),
    )
