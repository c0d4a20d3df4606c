"""Console sign-in: an API key, or a username and password, kept in a signed cookie.

With a key, the cookie holds the key itself (signed so it cannot be forged into another
key's shape, and http-only so page scripts never see it) and every request verifies it
again, so a revoked key is signed out at once. With a password, it holds the username
and a fingerprint of the password hash, so changing the password ends old sessions.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from itsdangerous import BadSignature, URLSafeSerializer

from wenming.http.deps import RuntimeDep
from wenming.runtime import Runtime
from wenming.service import users
from wenming.service.keys import Principal, Role

COOKIE = "wenming_console"
CONSOLE_ROLES = frozenset({Role.ADMIN, Role.MODERATOR, Role.VIEWER, Role.FACTCHECKER})


class SignInRequiredError(Exception):
    """Raised by :func:`console_user` to send the browser to the sign-in page."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


def _serializer(runtime: Runtime) -> URLSafeSerializer:
    return URLSafeSerializer(runtime.settings.secret_key.get_secret_value(), salt="console")


def cookie_value(runtime: Runtime, token: str) -> str:
    return _serializer(runtime).dumps({"k": token})


def user_cookie_value(runtime: Runtime, username: str) -> str | None:
    mark = users.fingerprint(runtime.store, username)
    return None if mark is None else _serializer(runtime).dumps({"u": username, "f": mark})


def principal_from(request: Request, runtime: Runtime) -> Principal | None:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        data = _serializer(runtime).loads(raw)
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    token, username = data.get("k"), data.get("u")
    principal = None
    if isinstance(token, str):
        principal = runtime.keys.verify(token)
    elif isinstance(username, str):
        principal = users.session_principal(runtime.store, username, data.get("f"))
        request.state.console_username = username
    if principal is None or principal.role not in CONSOLE_ROLES:
        return None
    return principal


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
