"""What a browser-facing site owes its visitors: security headers, a checked Origin on
every state-changing request, and a sign-in throttle.

:class:`BrowserGuard` (ASGI middleware on the whole app) adds a strict
Content-Security-Policy (the pages load nothing from elsewhere), refuses framing and
leaking referrers, and answers 403 to a POST/PUT/PATCH/DELETE outside ``/v1`` whose
``Origin`` (or ``Referer``, or ``Sec-Fetch-Site``) shows another site sent it: cross-site
request forgery. ``/v1`` is exempt: it takes bearer keys, never cookies.
:class:`SignInThrottle` makes each failed sign-in from an address, or for an account,
cost a doubling wait once a few have failed, without running the password hash.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Hashable
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    # Two bars and one inline form set a width/display in a style attribute; attributes
    # cannot run script, so only they are allowed inline.
    "style-src-attr 'unsafe-inline'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
# Swagger UI at /docs loads its script from a CDN: it gets the other headers only.
_NO_CSP = ("/docs",)
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    return parts.netloc.lower() if parts.scheme and parts.netloc else None


def cross_site(scope: Scope) -> bool:
    """Whether a browser says another site sent this request."""
    headers = Headers(scope=scope)
    if headers.get("sec-fetch-site", "") == "cross-site":
        return True
    host = headers.get("host", "").lower()
    sender = headers.get("origin") or headers.get("referer")
    if not sender:
        return False  # not a browser's cross-site request: browsers send Origin on those
    if sender == "null":
        return True
    return _origin_of(sender) != host


class BrowserGuard:
    """Security headers on every answer; 403 for cross-site state-changing requests."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        if scope["method"] in _UNSAFE and not path.startswith("/v1/") and cross_site(scope):
            body = b'{"code": "forbidden", "message": "cross-site request refused (Origin)"}'
            await send(
                {
                    "type": "http.response.start",
                    "status": 403,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                        *HEADERS,
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        csp = not path.startswith(_NO_CSP)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [*HEADERS, (b"content-security-policy", CSP.encode())] if csp else HEADERS
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)


class SignInThrottle:
    """Failed sign-ins per address and per account: after ``free`` failures each further
    try waits 1, 2, 4 … seconds (at most ``max_wait``) from the last failure."""

    def __init__(self, *, free: int, max_wait: float) -> None:
        self.free = free
        self.max_wait = max_wait
        self._failures: dict[Hashable, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def wait(self, *keys: Hashable) -> float:
        """Seconds before any of ``keys`` may try again (0: now)."""
        now = time.monotonic()
        with self._lock:
            waits = [self._wait(self._failures.get(k), now) for k in keys]
        return max(waits, default=0.0)

    def _wait(self, state: tuple[int, float] | None, now: float) -> float:
        if state is None or state[0] < self.free:
            return 0.0
        count, last = state
        delay = min(self.max_wait, 2.0 ** (count - self.free))
        return max(0.0, last + delay - now)

    def failed(self, *keys: Hashable) -> None:
        now = time.monotonic()
        with self._lock:
            for k in keys:
                count, _ = self._failures.get(k, (0, now))
                self._failures[k] = (count + 1, now)
            if len(self._failures) > 100_000:  # forget the oldest rather than grow forever
                for k in sorted(self._failures, key=lambda k: self._failures[k][1])[:50_000]:
                    del self._failures[k]

    def succeeded(self, *keys: Hashable) -> None:
        with self._lock:
            for k in keys:
                self._failures.pop(k, None)
