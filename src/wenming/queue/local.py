"""The in-process work queue: the embedded default, with the same semantics as Redis.

:class:`LocalQueue` keeps messages in memory and behaves like one Redis stream with one
consumer group: messages are delivered once, stay pending until acknowledged, can be
reclaimed after an idle time and are dead-lettered after ``max_deliveries``. It is not
durable (``durable`` is False): the ingest use case writes each item to the database's
outbox before publishing it here, and a restarted worker republishes the outbox
(:mod:`wenming.service.ingest`). It is thread-safe; ``consume`` blocks on a condition.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from wenming.queue.base import (
    DEFAULT_MAX_DELIVERIES,
    DeadLetter,
    Message,
    QueueFullError,
    QueueStats,
    stream_id_ms,
)


@dataclass(slots=True)
class _Pending:
    consumer: str
    delivered_at: float
    deliveries: int


class LocalQueue:
    """One in-memory stream with one consumer group; see the module docstring."""

    durable = False

    def __init__(
        self,
        name: str = "items",
        *,
        max_deliveries: int = DEFAULT_MAX_DELIVERIES,
        max_backlog: int | None = None,
        max_dead: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_deliveries < 1:
            raise ValueError("max_deliveries must be at least 1")
        self._name = name
        self._max_deliveries = max_deliveries
        self._max_backlog = max_backlog
        self._clock = clock
        self._cond = threading.Condition()
        self._bodies: OrderedDict[str, bytes] = OrderedDict()
        self._undelivered: deque[str] = deque()
        self._pending: dict[str, _Pending] = {}
        self._errors: dict[str, str] = {}
        self._dead: deque[DeadLetter] = deque(maxlen=max_dead)
        self._consumers: set[str] = set()
        self._last_ms = 0
        self._seq = 0
        self._closed = False

    @property
    def name(self) -> str:
        return self._name

    @property
    def max_deliveries(self) -> int:
        return self._max_deliveries

    def _next_id(self) -> str:
        ms = max(int(time.time() * 1000), self._last_ms)
        self._seq = self._seq + 1 if ms == self._last_ms else 0
        self._last_ms = ms
        return f"{ms}-{self._seq}"

    def publish(self, bodies: Sequence[bytes]) -> list[str]:
        with self._cond:
            if self._max_backlog is not None and len(self._bodies) + len(bodies) > (
                self._max_backlog
            ):
                raise QueueFullError(
                    f"queue {self._name!r} holds {len(self._bodies)} messages "
                    f"(bound {self._max_backlog})"
                )
            ids = []
            for body in bodies:
                mid = self._next_id()
                self._bodies[mid] = bytes(body)
                self._undelivered.append(mid)
                ids.append(mid)
            self._cond.notify_all()
        return ids

    def consume(self, consumer: str, *, count: int = 100, block_ms: int = 1000) -> list[Message]:
        deadline = self._clock() + block_ms / 1000
        with self._cond:
            self._consumers.add(consumer)
            while not self._undelivered and not self._closed:
                left = deadline - self._clock()
                if left <= 0:
                    return []
                self._cond.wait(left)
            out: list[Message] = []
            now = self._clock()
            while self._undelivered and len(out) < count:
                mid = self._undelivered.popleft()
                self._pending[mid] = _Pending(consumer, now, 1)
                out.append(Message(mid, self._bodies[mid], 1))
            return out

    def ack(self, ids: Sequence[str]) -> int:
        done = 0
        with self._cond:
            for mid in ids:
                if self._pending.pop(mid, None) is not None:
                    self._bodies.pop(mid, None)
                    self._errors.pop(mid, None)
                    done += 1
        return done

    def fail(self, message: Message, error: str, *, consumer: str) -> bool:
        with self._cond:
            if message.id not in self._pending:
                return False
            if message.deliveries >= self._max_deliveries:
                self._bury(message.id, error, consumer)
                return True
            self._errors[message.id] = error
            return False

    def reclaim(self, consumer: str, *, min_idle_ms: int, count: int = 100) -> list[Message]:
        out: list[Message] = []
        with self._cond:
            self._consumers.add(consumer)
            now = self._clock()
            for mid, p in list(self._pending.items()):
                if len(out) >= count:
                    break
                if (now - p.delivered_at) * 1000 < min_idle_ms:
                    continue
                deliveries = p.deliveries + 1
                if deliveries > self._max_deliveries:
                    reason = self._errors.get(mid) or _NO_ACK.format(n=p.deliveries)
                    self._bury(mid, reason, p.consumer)
                    continue
                self._pending[mid] = _Pending(consumer, now, deliveries)
                out.append(Message(mid, self._bodies[mid], deliveries))
        return out

    def _bury(self, mid: str, error: str, consumer: str) -> None:
        p = self._pending.pop(mid)
        self._errors.pop(mid, None)
        body = self._bodies.pop(mid)
        dead_id = self._next_id()
        self._dead.append(
            DeadLetter(
                id=dead_id,
                message_id=mid,
                body=body,
                error=error,
                deliveries=p.deliveries,
                consumer=consumer,
                dead_at_ms=stream_id_ms(dead_id),
            )
        )

    def dead_letters(self, *, limit: int = 100) -> list[DeadLetter]:
        with self._cond:
            return list(reversed(self._dead))[:limit]

    def stats(self) -> QueueStats:
        with self._cond:
            oldest = next(iter(self._bodies), None)
            lag = 0.0
            if oldest is not None:
                lag = max(0.0, time.time() - stream_id_ms(oldest) / 1000)
            return QueueStats(
                depth=len(self._undelivered),
                pending=len(self._pending),
                lag_seconds=lag,
                dead=len(self._dead),
                consumers=len(self._consumers),
            )

    def trim(self) -> int:
        return 0  # acknowledged messages are dropped at once

    def ping(self) -> bool:
        return not self._closed

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()


_NO_ACK = "not acknowledged after {n} deliveries (its worker may have crashed on it)"
