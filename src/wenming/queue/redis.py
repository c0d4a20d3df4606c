"""The work stream on Redis Streams: consumer groups, acknowledgements, reclaiming, dead letters.

One stream per queue (``{prefix}:{name}`` in Redis, e.g. ``wenming:{items}``), read by one
consumer group (``{prefix}:workers``). Workers read new entries with ``XREADGROUP``,
acknowledge them with ``XACK``, and take over entries whose consumer died with
``XAUTOCLAIM``. An entry delivered ``max_deliveries`` times goes to the dead-letter
stream ``{prefix}:{name}:dead`` with its error (a Lua script acknowledges and buries it
atomically, so it is buried once even when two workers race). The ``{name}`` part is a
Redis Cluster hash tag: a queue's keys live in one slot.

Trimming policy: entries are dropped only once acknowledged. :meth:`RedisQueue.trim`
runs ``XTRIM MINID`` up to the oldest entry still pending or undelivered; ``XADD``
carries ``MAXLEN ~ maxlen`` only as a memory guard, and :meth:`RedisQueue.publish`
refuses (:class:`QueueFullError`) before the stream reaches ``maxlen``, so the guard
never cuts an entry a worker has not acknowledged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import redis
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ReadOnlyError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

from wenming.queue.base import (
    DEFAULT_MAX_DELIVERIES,
    DeadLetter,
    Message,
    QueueFullError,
    QueueStats,
    QueueUnavailableError,
    stream_id_ms,
)

T = TypeVar("T")

DEFAULT_MAXLEN = 2_000_000
#: Longest ``block_ms`` a consume may ask for; the socket timeout is above it.
MAX_BLOCK_MS = 10_000
_UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, ReadOnlyError)
_IDLE_CONSUMER_MS = 3_600_000

# Acknowledge and bury in one step; returns 1 if this call buried it, 0 if it was no
# longer pending (another worker acknowledged or buried it first).
_BURY = """
if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
local err = ARGV[4]
if ARGV[8] == '1' then
  local recorded = redis.call('HGET', KEYS[3], ARGV[2])
  if recorded then err = recorded end
end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[7], '*', 'id', ARGV[2], 'd', ARGV[3],
           'error', err, 'deliveries', ARGV[5], 'consumer', ARGV[6])
redis.call('HDEL', KEYS[3], ARGV[2])
return 1
"""


def client_from_url(url: str) -> redis.Redis:
    """A client that fails fast when Redis is down (the worker backs off by itself)."""
    return redis.Redis.from_url(
        url,
        socket_connect_timeout=2.0,
        socket_timeout=MAX_BLOCK_MS / 1000 + 5,
        health_check_interval=10,
        retry=Retry(ExponentialBackoff(cap=0.2, base=0.02), 2),
    )


class RedisQueue:
    """A queue on one Redis stream; see the module docstring for names and policies."""

    durable = True

    def __init__(
        self,
        client: redis.Redis,
        name: str = "items",
        *,
        prefix: str = "wenming",
        max_deliveries: int = DEFAULT_MAX_DELIVERIES,
        maxlen: int | None = DEFAULT_MAXLEN,
        dead_maxlen: int = 100_000,
        owns_client: bool = False,
    ) -> None:
        if max_deliveries < 1:
            raise ValueError("max_deliveries must be at least 1")
        self._client = client
        self._name = name
        self._max_deliveries = max_deliveries
        self._maxlen = maxlen
        self._dead_maxlen = dead_maxlen
        self._owns_client = owns_client
        self.stream = f"{prefix}:{{{name}}}"
        self.group = f"{prefix}:workers"
        self.dead_stream = f"{self.stream}:dead"
        self.errors_key = f"{self.stream}:errors"
        self._group_ready = False
        self._cursor = "0-0"
        self._bury_script = client.register_script(_BURY)

    @classmethod
    def from_url(cls, url: str, name: str = "items", **options: Any) -> RedisQueue:
        return cls(client_from_url(url), name, owns_client=True, **options)

    @property
    def name(self) -> str:
        return self._name

    @property
    def max_deliveries(self) -> int:
        return self._max_deliveries

    # -- plumbing --------------------------------------------------------------------

    def _ensure_group(self) -> None:
        if self._group_ready:
            return
        try:
            self._client.xgroup_create(self.stream, self.group, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        self._group_ready = True

    def _run(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` with the group in place; Redis being away becomes
        :class:`QueueUnavailableError`, a lost group (Redis restarted empty) is rebuilt."""
        try:
            self._ensure_group()
            try:
                return fn()
            except ResponseError as exc:
                if "NOGROUP" not in str(exc) or isinstance(exc, ReadOnlyError):
                    raise
                self._group_ready = False
                self._ensure_group()
                return fn()
        except _UNAVAILABLE as exc:
            raise QueueUnavailableError(f"Redis is unavailable: {exc}") from exc

    # -- the port --------------------------------------------------------------------

    def publish(self, bodies: Sequence[bytes]) -> list[str]:
        if not bodies:
            return []

        def go() -> list[str]:
            if self._maxlen is not None:
                held: Any = self._client.xlen(self.stream)
                if held + len(bodies) > self._maxlen:
                    raise QueueFullError(
                        f"stream {self.stream} holds {held} entries (bound {self._maxlen}); "
                        "workers are behind"
                    )
            pipe = self._client.pipeline(transaction=False)
            for body in bodies:
                pipe.xadd(self.stream, {b"d": body}, maxlen=self._maxlen, approximate=True)
            return [_text(mid) for mid in pipe.execute()]

        return self._run(go)

    def consume(self, consumer: str, *, count: int = 100, block_ms: int = 1000) -> list[Message]:
        block = min(block_ms, MAX_BLOCK_MS) or None

        def go() -> list[Message]:
            reply: Any = self._client.xreadgroup(
                self.group, consumer, {self.stream: ">"}, count=count, block=block
            )
            out = []
            for _stream, entries in reply or []:
                for mid, fields in entries:
                    out.append(Message(_text(mid), (fields or {}).get(b"d", b""), 1))
            return out

        return self._run(go)

    def ack(self, ids: Sequence[str]) -> int:
        if not ids:
            return 0

        def go() -> int:
            pipe = self._client.pipeline(transaction=False)
            pipe.xack(self.stream, self.group, *ids)
            pipe.hdel(self.errors_key, *ids)
            return int(pipe.execute()[0])

        return self._run(go)

    def fail(self, message: Message, error: str, *, consumer: str) -> bool:
        def go() -> bool:
            if message.deliveries >= self._max_deliveries:
                return self._bury(message, error, consumer, prefer_recorded=False)
            self._client.hset(self.errors_key, message.id, error[:4000])
            return False

        return self._run(go)

    def _bury(self, message: Message, error: str, consumer: str, *, prefer_recorded: bool) -> bool:
        args: list[Any] = [
            self.group,
            message.id,
            message.body,
            error[:4000],
            message.deliveries,
            consumer,
            self._dead_maxlen,
            "1" if prefer_recorded else "0",
        ]
        keys = [self.stream, self.dead_stream, self.errors_key]
        return bool(self._bury_script(keys=keys, args=args))

    def reclaim(self, consumer: str, *, min_idle_ms: int, count: int = 100) -> list[Message]:
        def go() -> list[Message]:
            reply: Any = self._client.xautoclaim(
                self.stream, self.group, consumer, min_idle_ms, self._cursor, count=count
            )
            self._cursor = _text(reply[0])
            entries = [(_text(mid), fields) for mid, fields in reply[1]]
            gone = [mid for mid, fields in entries if fields is None]
            if gone:  # entries deleted while pending (Redis < 7 hands them back as nil)
                self._client.xack(self.stream, self.group, *gone)
            entries = [(mid, fields) for mid, fields in entries if fields is not None]
            if not entries:
                return []
            pipe = self._client.pipeline(transaction=False)
            for mid, _ in entries:
                pipe.xpending_range(self.stream, self.group, mid, mid, 1, consumername=consumer)
            counts: dict[str, int] = {}
            for rows in pipe.execute():
                for row in rows:
                    counts[_text(row["message_id"])] = int(row["times_delivered"])
            out = []
            for mid, fields in entries:
                msg = Message(mid, fields.get(b"d", b""), counts.get(mid, 2))
                if msg.deliveries > self._max_deliveries:
                    reason = _NO_ACK.format(n=msg.deliveries - 1)
                    self._bury(msg, reason, consumer, prefer_recorded=True)
                else:
                    out.append(msg)
            return out

        return self._run(go)

    def dead_letters(self, *, limit: int = 100) -> list[DeadLetter]:
        def go() -> list[DeadLetter]:
            rows: Any = self._client.xrevrange(self.dead_stream, count=limit)
            out = []
            for did, f in rows:
                dead_id = _text(did)
                out.append(
                    DeadLetter(
                        id=dead_id,
                        message_id=_text(f.get(b"id", b"")),
                        body=f.get(b"d", b""),
                        error=_text(f.get(b"error", b"")),
                        deliveries=int(f.get(b"deliveries", b"0")),
                        consumer=_text(f.get(b"consumer", b"")),
                        dead_at_ms=stream_id_ms(dead_id),
                    )
                )
            return out

        return self._run(go)

    def _group_info(self) -> tuple[dict[str, Any], int, str | None, int]:
        pipe = self._client.pipeline(transaction=False)
        pipe.xinfo_groups(self.stream)
        pipe.xpending(self.stream, self.group)
        pipe.xlen(self.dead_stream)
        pipe.xlen(self.stream)
        groups, pending, dead, length = pipe.execute()
        info = next((g for g in groups if _text(g["name"]) == self.group), None)
        if info is None:
            raise ResponseError("NOGROUP the consumer group is gone")
        oldest = pending.get("min")
        return info, int(dead), _text(oldest) if oldest else None, int(length)

    def stats(self) -> QueueStats:
        def go() -> QueueStats:
            info, dead, oldest_pending, length = self._group_info()
            pending = int(info.get("pending") or 0)
            lag = info.get("lag")
            depth = int(lag) if lag is not None else max(0, length - pending)
            oldest_ms: list[int] = []
            if oldest_pending is not None:
                oldest_ms.append(stream_id_ms(oldest_pending))
            if depth:
                last = _text(info.get("last-delivered-id") or b"0-0")
                first: Any = self._client.xrange(self.stream, f"({last}", "+", count=1)
                if first:
                    oldest_ms.append(stream_id_ms(_text(first[0][0])))
            now_ms = _server_ms(self._client)
            lag_s = max(0.0, (now_ms - min(oldest_ms)) / 1000) if oldest_ms else 0.0
            return QueueStats(
                depth=depth,
                pending=pending,
                lag_seconds=lag_s,
                dead=dead,
                consumers=int(info.get("consumers") or 0),
            )

        return self._run(go)

    def trim(self) -> int:
        def go() -> int:
            info, _dead, oldest_pending, _length = self._group_info()
            ms, _, seq = _text(info.get("last-delivered-id") or b"0-0").partition("-")
            keep_from = f"{ms}-{int(seq or 0) + 1}"
            if oldest_pending is not None and _id_key(oldest_pending) < _id_key(keep_from):
                keep_from = oldest_pending
            dropped: Any = self._client.xtrim(self.stream, minid=keep_from, approximate=True)
            consumers: Any = self._client.xinfo_consumers(self.stream, self.group)
            for c in consumers:
                if int(c.get("pending") or 0) == 0 and int(c.get("idle") or 0) > _IDLE_CONSUMER_MS:
                    self._client.xgroup_delconsumer(self.stream, self.group, c["name"])
            return int(dropped)

        return self._run(go)

    def ping(self) -> bool:
        try:
            return bool(self._client.ping())
        except Exception:
            return False

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    def destroy(self) -> None:
        """Delete the stream and everything beside it (for tests and benchmarks)."""
        self._run(lambda: self._client.delete(self.stream, self.dead_stream, self.errors_key))
        self._group_ready = False


_NO_ACK = "not acknowledged after {n} deliveries (its worker may have crashed on it)"


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _id_key(message_id: str) -> tuple[int, int]:
    ms, _, seq = message_id.partition("-")
    return int(ms), int(seq or 0)


def _server_ms(client: redis.Redis) -> int:
    reply: Any = client.time()
    secs, micros = reply
    return int(secs) * 1000 + int(micros) // 1000
