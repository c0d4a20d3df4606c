"""Limits the API enforces before any work: request body size and per-key request rate.

:class:`BodyLimit` is raw ASGI middleware so it can refuse a body by its
``Content-Length`` before reading it, and cut off a chunked body as soon as it grows
past the limit, before anything parses it. :class:`TokenBuckets` is an in-process
token bucket per API key; with several workers each enforces its own share (a shared
Redis bucket can replace it behind the same method).
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send


def _body(code: str, message: str) -> bytes:
    return json.dumps({"code": code, "message": message}).encode()


class BodyLimit:
    """Answer 413 for request bodies over ``max_bytes``."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    length = int(value)
                except ValueError:
                    await self._answer(send, 400, "bad_request", "invalid Content-Length header")
                    return
                if length > self.max_bytes:
                    await self._too_large(send)
                    return
                break

        seen = 0
        exceeded = False
        started = False

        async def limited() -> Message:
            nonlocal seen, exceeded
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    exceeded = True
                    # Stop the app from reading further; whatever it answers is replaced.
                    return {"type": "http.disconnect"}
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if exceeded:
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await self._too_large(send)
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, guarded)
        except Exception:
            if not exceeded:
                raise
        if exceeded and not started:
            await self._too_large(send)

    async def _too_large(self, send: Send) -> None:
        await self._answer(
            send, 413, "payload_too_large", f"request body is larger than {self.max_bytes} bytes"
        )

    @staticmethod
    async def _answer(send: Send, status: int, code: str, message: str) -> None:
        body = _body(code, message)
        headers: list[tuple[bytes, bytes]] = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ]
        if status == 413:
            headers.append((b"connection", b"close"))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class TokenBuckets:
    """One token bucket per key: ``rate`` tokens a second, up to ``burst`` saved."""

    def __init__(self) -> None:
        self._state: dict[Any, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: Any, *, rate: float, burst: float) -> float:
        """Spend one token; returns 0 when allowed, else seconds until one is available."""
        if rate <= 0:
            return 0.0
        now = time.monotonic()
        with self._lock:
            tokens, last = self._state.get(key, (burst, now))
            tokens = min(burst, tokens + (now - last) * rate)
            if tokens >= 1.0:
                self._state[key] = (tokens - 1.0, now)
                return 0.0
            self._state[key] = (tokens, now)
            return (1.0 - tokens) / rate
