"""Console sign-in: an API key, checked once and kept in a signed, http-only cookie.

The cookie holds the key itself (signed so it cannot be forged into another key's
shape, and http-only so page scripts never see it); every request verifies it again
through the runtime's key verifier, so a revoked key is signed out at once.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from itsdangerous import BadSignature, URLSafeSerializer

from wenming.api.deps import RuntimeDep
from wenming.runtime import Runtime
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


def principal_from(request: Request, runtime: Runtime) -> Principal | None:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        data = _serializer(runtime).loads(raw)
    except BadSignature:
        return None
    token = data.get("k") if isinstance(data, dict) else None
    principal = runtime.keys.verify(token) if isinstance(token, str) else None
    if principal is None or principal.role not in CONSOLE_ROLES:
        return None
    return principal


async def console_user(request: Request, runtime: RuntimeDep) -> Principal:
    principal = principal_from(request, runtime)
    if principal is None:
        raise SignInRequiredError(request.url.path)
    return principal


ConsoleUser = Annotated[Principal, Depends(console_user)]
