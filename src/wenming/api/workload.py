"""Keeps CPU-heavy request work off the event loop and shares it fairly between keys.

:class:`CpuGate` runs a request's screening on a worker thread under a process-wide
limiter (``WENMING_SCREEN_THREADS``), so ``/healthz`` and every other request keep
being answered while it runs, and lets one key hold at most
``WENMING_SCREEN_CONCURRENCY_PER_KEY`` of those threads at once (429 beyond), so one
key cannot starve the others. The per-request size of that work is capped separately
(``WENMING_MAX_REQUEST_CHARS``) where the request is parsed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import TypeVar

import anyio.to_thread
from anyio import CapacityLimiter

from wenming.http.errors import ApiError

T = TypeVar("T")


class CpuGate:
    """A bounded pool of screening threads, with a fair share per key."""

    def __init__(self, *, threads: int, per_key: int) -> None:
        self._threads = threads
        self._limiter: CapacityLimiter | None = None
        self.per_key = per_key
        self._busy: dict[Hashable, int] = {}
        self._lock = threading.Lock()

    def _enter(self, owner: Hashable) -> None:
        with self._lock:
            held = self._busy.get(owner, 0)
            if held >= self.per_key:
                raise ApiError(
                    429,
                    "too_many_concurrent",
                    f"this key already has {held} screening request(s) running (limit "
                    f"{self.per_key}); wait for one to finish",
                    {"Retry-After": "1"},
                )
            self._busy[owner] = held + 1

    def _leave(self, owner: Hashable) -> None:
        with self._lock:
            held = self._busy.get(owner, 1) - 1
            if held:
                self._busy[owner] = held
            else:
                self._busy.pop(owner, None)

    async def run(self, owner: Hashable, work: Callable[[], T]) -> T:
        """Run ``work`` on a worker thread, counted against ``owner``'s share."""
        if self._limiter is None:
            # Created lazily: a CapacityLimiter belongs to the running event loop.
            self._limiter = CapacityLimiter(self._threads)
        self._enter(owner)
        try:
            return await anyio.to_thread.run_sync(work, limiter=self._limiter)
        finally:
            self._leave(owner)
