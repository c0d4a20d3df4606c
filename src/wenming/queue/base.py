"""The work stream's port: what producers and workers need of a durable queue, and no more.

A :class:`WorkQueue` carries opaque message bodies (bytes) from producers (the ingest
API, ``wenming ingest``, ``wenming sweep``) to a *group* of workers. Delivery is
at-least-once: a consumed message stays *pending* until a worker acknowledges it, and a
message whose worker died is *reclaimed* by another after it has been idle long enough.
A message delivered ``max_deliveries`` times without success goes to the dead-letter
list with the last error, so one poison message cannot stall the stream. Workers must
therefore write idempotently (see :mod:`wenming.service.work`).

Two adapters implement it: :class:`wenming.queue.local.LocalQueue` (in-process, the
embedded default) and :class:`wenming.queue.redis.RedisQueue` (Redis Streams with
consumer groups). ``tests/queue/`` runs one contract suite against both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

#: A message is dead-lettered when it would be delivered more often than this.
DEFAULT_MAX_DELIVERIES = 5


class QueueError(Exception):
    """Base of the errors a queue raises."""


class QueueUnavailableError(QueueError):
    """The queue's server cannot be reached right now; retry later (callers back off)."""


class QueueFullError(QueueError):
    """The backlog is at its configured bound; the producer should retry later."""


@dataclass(frozen=True, slots=True)
class Message:
    """One delivered message: its id in the stream, its body, and how many times it has
    been delivered (1 the first time; more after a reclaim)."""

    id: str
    body: bytes
    deliveries: int = 1


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A message given up on, with the error that stopped it."""

    id: str
    message_id: str
    body: bytes
    error: str
    deliveries: int
    consumer: str
    dead_at_ms: int


@dataclass(frozen=True, slots=True)
class QueueStats:
    """Gauges for metrics and back-pressure.

    ``depth``: published, never delivered; ``pending``: delivered, not yet acknowledged;
    ``lag_seconds``: age of the oldest message not yet acknowledged (0 when none);
    ``dead``: messages in the dead-letter list; ``consumers``: consumers the group knows.
    """

    depth: int
    pending: int
    lag_seconds: float
    dead: int
    consumers: int


@runtime_checkable
class WorkQueue(Protocol):
    """A named stream of work shared by a group of consumers."""

    @property
    def name(self) -> str:
        """The stream's name (without any deployment prefix)."""
        ...

    @property
    def durable(self) -> bool:
        """True when :meth:`publish` returning means the messages survive a crash of this
        process (Redis); False for the in-process adapter, whose producers keep their own
        durable copy first (the ingest outbox)."""
        ...

    @property
    def max_deliveries(self) -> int: ...

    def publish(self, bodies: Sequence[bytes]) -> list[str]:
        """Append messages, in order; returns their ids. Raises :class:`QueueFullError`
        when the backlog is at its bound and :class:`QueueUnavailableError` when the
        server cannot be reached (then none or some were appended: publish again)."""
        ...

    def consume(self, consumer: str, *, count: int = 100, block_ms: int = 1000) -> list[Message]:
        """Up to ``count`` messages never delivered before, waiting up to ``block_ms``
        for the first one; they stay pending for ``consumer`` until acknowledged."""
        ...

    def ack(self, ids: Sequence[str]) -> int:
        """Acknowledge processed messages; returns how many were still pending."""
        ...

    def fail(self, message: Message, error: str, *, consumer: str) -> bool:
        """Record that processing ``message`` failed with ``error``. Once it has been
        delivered ``max_deliveries`` times it is dead-lettered (True); otherwise it stays
        pending and comes back through :meth:`reclaim` (False)."""
        ...

    def reclaim(self, consumer: str, *, min_idle_ms: int, count: int = 100) -> list[Message]:
        """Take over messages pending for at least ``min_idle_ms`` with any consumer (one
        that died, or a failed attempt); each comes back with ``deliveries`` raised by
        one. Those past ``max_deliveries`` are dead-lettered instead of returned."""
        ...

    def dead_letters(self, *, limit: int = 100) -> list[DeadLetter]:
        """The most recent dead letters, newest first."""
        ...

    def stats(self) -> QueueStats: ...

    def trim(self) -> int:
        """Drop acknowledged messages the stream still keeps; returns how many went.
        Never drops a message that is undelivered or pending."""
        ...

    def ping(self) -> bool:
        """True when the queue's server answers."""
        ...

    def close(self) -> None: ...


def stream_id_ms(message_id: str) -> int:
    """The millisecond timestamp at the front of a stream id such as ``1700000000000-3``."""
    head, _, _ = message_id.partition("-")
    return int(head)
