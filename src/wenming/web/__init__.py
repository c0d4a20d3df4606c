"""The web UI: a public portal at ``/`` and the moderator console at ``/console``.

Pages are server-rendered Jinja2 over the service layer, in Chinese and English (gettext
catalogs under ``locale/``), and work without JavaScript; ``static/console.js`` only adds
keyboard shortcuts. :func:`install` mounts everything on the app that
:mod:`wenming.server` builds. It may import the service, the runtime, the core and
:mod:`wenming.http`; never :mod:`wenming.api` (its sibling).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request, Response
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).with_name("static")


def install(app: FastAPI) -> None:
    """Mount the static files, the public pages and the console on ``app``."""
    from wenming.web import console, public, reporting, review, rumors
    from wenming.web.guard import BrowserGuard, SignInThrottle
    from wenming.web.session import SignInRequiredError

    async def sign_in(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SignInRequiredError)
        return RedirectResponse(f"/console/login?next={quote(exc.next_url)}", status_code=303)

    settings = app.state.runtime.settings
    app.state.sign_in_throttle = SignInThrottle(
        free=settings.sign_in_failures, max_wait=settings.sign_in_max_wait_seconds
    )
    app.add_middleware(BrowserGuard)
    app.add_exception_handler(SignInRequiredError, sign_in)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(public.router)
    app.include_router(reporting.router)
    app.include_router(rumors.router)
    app.include_router(console.router)
    app.include_router(review.router)
