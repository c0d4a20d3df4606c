"""Console sign-in: an API key, or a username and password, then a server-side session.

The cookie (http-only, ``SameSite=Strict``, ``Secure`` outside development) holds only
a random session token, never the key; :mod:`wenming.service.sessions` keeps the session
on the server, so sign-out revokes it, it expires after ``WENMING_SESSION_HOURS``, a new
sign-in rotates the token, and a revoked key or a changed password ends it at once.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request

from wenming.http.deps import RuntimeDep
from wenming.runtime import Runtime
from wenming.service import sessions
from wenming.service.keys import Principal, Role

COOKIE = "wenming_console"
CONSOLE_ROLES = frozenset({Role.ADMIN, Role.MODERATOR, Role.VIEWER, Role.FACTCHECKER})


class SignInRequiredError(Exception):
    """Raised by :func:`console_user` to send the browser to the sign-in page."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


def start(runtime: Runtime, principal: Principal, username: str | None) -> str:
    """A new server-side session (a fresh token at every sign-in)."""
    hours = runtime.settings.session_hours
    return sessions.start(
        runtime.store,
        principal,
        username=username,
        now=runtime.clock(),
        lifetime=timedelta(hours=hours),
    )


def principal_from(request: Request, runtime: Runtime) -> Principal | None:
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    found = sessions.resolve(runtime.store, token, now=runtime.clock())
    if found is None or found.principal.role not in CONSOLE_ROLES:
        return None
    if found.username is not None:
        request.state.console_username = found.username
    return found.principal


def end(request: Request, runtime: Runtime) -> None:
    """Revoke the session of this request's cookie, if any (sign-out)."""
    token = request.cookies.get(COOKIE)
    if token:
        sessions.end(runtime.store, token, now=runtime.clock())


async def console_user(request: Request, runtime: RuntimeDep) -> Principal:
    principal = principal_from(request, runtime)
    if principal is None:
        raise SignInRequiredError(request.url.path)
    return principal


ConsoleUser = Annotated[Principal, Depends(console_user)]


def username(request: Request) -> str | None:
    """The person signed in by password, if any, for the records their actions leave."""
    found = getattr(request.state, "console_username", None)
    return found if isinstance(found, str) else None
