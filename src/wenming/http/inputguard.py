"""Refuses request paths and query parameters that no database can hold, before routing.

PostgreSQL refuses NUL characters in text, so ``/v1/factchecks/a%00b`` used to reach the
database and fail there (500, and the connection reset). :class:`InputGuard` answers any
request whose path or query carries a NUL with 422 ``invalid_request`` naming the field
(``path`` or the query parameter), on every route, API and pages alike.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Receive, Scope, Send


def bad_field(scope: Scope) -> str | None:
    """The first field of the request line that holds a NUL, or ``None``."""
    if "\x00" in scope.get("path", ""):
        return "path"
    raw = scope.get("query_string", b"")
    if b"%00" in raw.lower() or b"\x00" in raw:
        for name, value in parse_qsl(raw.decode("latin-1"), keep_blank_values=True):
            if "\x00" in name or "\x00" in value:
                return name.replace("\x00", "\\x00") or "query"
        return "query"
    return None


class InputGuard:
    """ASGI middleware: 422 for a NUL in the path or a query parameter."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        field = bad_field(scope) if scope["type"] == "http" else None
        if field is None:
            await self.app(scope, receive, send)
            return
        message = f"{field}: must not contain NUL characters"
        body = json.dumps(
            {
                "code": "invalid_request",
                "message": message,
                "fields": [{"field": field, "message": "must not contain NUL characters"}],
            }
        ).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ]
        await send({"type": "http.response.start", "status": 422, "headers": headers})
        await send({"type": "http.response.body", "body": body})
