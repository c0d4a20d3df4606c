"""The moderator console at ``/console``: overview, search, item pages, policy, audit."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Annotated, cast

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from wenming.http.deps import RuntimeDep
from wenming.service import console, users
from wenming.store import ItemQuery
from wenming.web import i18n
from wenming.web.guard import SignInThrottle
from wenming.web.highlight import segments
from wenming.web.public import actions, categories
from wenming.web.render import page
from wenming.web.review import queue_views
from wenming.web.session import (
    CONSOLE_ROLES,
    COOKIE,
    ConsoleUser,
    end,
    start,
    username,
)

router = APIRouter(prefix="/console", include_in_schema=False)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/console") -> HTMLResponse:
    return page(request, "console/login.html", next=_safe_next(next), error=None)


@router.post("/login", response_model=None)
def login(
    request: Request,
    runtime: RuntimeDep,
    key: Annotated[str, Form()] = "",
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/console",
) -> Response:
    cookie: str | None = None
    throttle = cast(SignInThrottle, request.app.state.sign_in_throttle)
    who = (
        ("address", request.client.host if request.client else None),
        ("account", username.strip().lower() or key.strip()[:12]),
    )
    wait = throttle.wait(*who)
    if wait > 0:
        lang = i18n.negotiate(request)
        error = i18n.gettext(lang, "Too many failed sign-ins; try again later.")
        refused = page(
            request, "console/login.html", next=_safe_next(next), error=error, status_code=429
        )
        refused.headers["Retry-After"] = str(max(1, math.ceil(wait)))
        return refused
    if key.strip():
        principal = runtime.keys.verify(key.strip())
        if principal is not None and principal.role in CONSOLE_ROLES:
            cookie = start(runtime, principal, None)
    elif username.strip():
        principal = users.sign_in(runtime.store, username.strip(), password)
        if principal is not None and principal.role in CONSOLE_ROLES:
            cookie = start(runtime, principal, username.strip())
    if cookie is None:
        throttle.failed(*who)
        lang = i18n.negotiate(request)
        error = i18n.gettext(lang, "These credentials are not valid for the console.")
        return page(
            request, "console/login.html", next=_safe_next(next), error=error, status_code=401
        )
    throttle.succeeded(*who)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        COOKIE,
        cookie,
        httponly=True,
        samesite="strict",
        max_age=int(runtime.settings.session_hours * 3600),
        secure=runtime.settings.secure_cookies,
    )
    return response


@router.post("/logout")
def logout(request: Request, runtime: RuntimeDep) -> RedirectResponse:
    end(request, runtime)
    response = RedirectResponse("/console/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


def _safe_next(url: str) -> str:
    return url if url.startswith("/console") and "//" not in url else "/console"


@router.get("", response_class=HTMLResponse)
def overview(request: Request, runtime: RuntimeDep, user: ConsoleUser) -> HTMLResponse:
    seen = console.overview(runtime.store, user)
    top = max(seen.counts.values(), default=0) or 1
    return page(
        request,
        "console/overview.html",
        user=user,
        counts=seen.counts,
        top=top,
        recent=seen.recent,
        actions=actions(request),
        queues=queue_views(runtime, user),
        username=username(request),
    )


@router.get("/items", response_class=HTMLResponse)
def items(
    request: Request,
    runtime: RuntimeDep,
    user: ConsoleUser,
    q: str = "",
    id: str = "",
    author: str = "",
    verdict: str = "",
    category: str = "",
    since: str = "",
    until: str = "",
) -> HTMLResponse:
    query = ItemQuery(
        text=q or None,
        external_id=id or None,
        author=author or None,
        verdict=verdict or None,
        category=category or None,
        since=_date(since),
        until=_date(until),
        platform_id=user.key.platform_id,
        limit=100,
    )
    searched = any((q, id, author, verdict, category, since, until))
    hits = console.item_search(runtime.store, user, query) if searched else []
    return page(
        request,
        "console/items.html",
        user=user,
        hits=hits,
        searched=searched,
        form={
            "q": q,
            "id": id,
            "author": author,
            "verdict": verdict,
            "category": category,
            "since": since,
            "until": until,
        },
        categories=categories(runtime),
        actions=actions(request),
    )


def _date(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC) if value else None
    except ValueError:
        return None


@router.get("/items/{platform}/{external_id}", response_class=HTMLResponse)
def item_page(
    request: Request, runtime: RuntimeDep, user: ConsoleUser, platform: str, external_id: str
) -> HTMLResponse:
    found = console.item_page(runtime.store, user, platform, external_id)
    if found is None:
        return page(request, "console/missing.html", user=user, status_code=404)
    latest = found.decisions[0] if found.decisions else None
    marked = segments(found.item.text, latest.evidence if latest else [])
    return page(
        request,
        "console/item.html",
        user=user,
        item=found.item,
        decisions=found.decisions,
        segments=marked,
        history=found.history,
        actions=actions(request),
    )


@router.get("/policy", response_class=HTMLResponse)
def policy(request: Request, runtime: RuntimeDep, user: ConsoleUser) -> HTMLResponse:
    return page(
        request,
        "console/policy.html",
        user=user,
        policy=runtime.policy,
        categories=categories(runtime),
        actions=actions(request),
    )


@router.get("/audit", response_class=HTMLResponse)
def audit(
    request: Request, runtime: RuntimeDep, user: ConsoleUser, subject: Annotated[str, Query()] = ""
) -> HTMLResponse:
    entries = console.audit_entries(
        runtime.store, subject=subject or None, limit=200, platform_name=user.key.platform_name
    )
    return page(request, "console/audit.html", user=user, entries=entries, subject=subject)
