"""The work stream between the API and the workers: a port (:mod:`.base`) and its adapters.

:func:`open_queue` picks the adapter: Redis Streams when a Redis URL is given
(``WENMING_REDIS_URL``), otherwise the in-process queue of the embedded default.
:mod:`.metrics` holds the work stream's Prometheus metrics. It may import the core only.
"""

from __future__ import annotations

from wenming.queue.base import (
    DEFAULT_MAX_DELIVERIES,
    DeadLetter,
    Message,
    QueueError,
    QueueFullError,
    QueueStats,
    QueueUnavailableError,
    WorkQueue,
)
from wenming.queue.local import LocalQueue

__all__ = [
    "DEFAULT_MAX_DELIVERIES",
    "DeadLetter",
    "LocalQueue",
    "Message",
    "QueueError",
    "QueueFullError",
    "QueueStats",
    "QueueUnavailableError",
    "WorkQueue",
    "open_queue",
]


def open_queue(
    name: str = "items",
    *,
    redis_url: str | None = None,
    prefix: str = "wenming",
    max_deliveries: int = DEFAULT_MAX_DELIVERIES,
    maxlen: int | None = None,
) -> WorkQueue:
    """The queue ``name``: on Redis when ``redis_url`` is set, in process otherwise."""
    if redis_url:
        from wenming.queue.redis import DEFAULT_MAXLEN, RedisQueue

        return RedisQueue.from_url(
            redis_url,
            name,
            prefix=prefix,
            max_deliveries=max_deliveries,
            maxlen=maxlen or DEFAULT_MAXLEN,
        )
    return LocalQueue(name, max_deliveries=max_deliveries, max_backlog=maxlen)
