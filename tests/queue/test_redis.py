"""What only the Redis adapter has: key names, recovery of a lost group, trimming, outages."""

from __future__ import annotations

import socket
import time

import pytest
import redis

from tests.queues import REDIS_URL
from wenming.queue import QueueUnavailableError, open_queue
from wenming.queue.redis import RedisQueue, client_from_url

pytestmark = pytest.mark.redis


@pytest.fixture
def client(redis_prefix: str) -> redis.Redis:
    return client_from_url(REDIS_URL)


def test_every_key_starts_with_the_prefix(client: redis.Redis, redis_prefix: str) -> None:
    q = RedisQueue(client, "items", prefix=redis_prefix, max_deliveries=1)
    q.publish([b"a"])
    (m,) = q.consume("w", count=1, block_ms=100)
    q.fail(m, "boom", consumer="w")
    keys = {k.decode() for k in client.scan_iter(match=f"{redis_prefix}:*")}
    assert keys == {f"{redis_prefix}:{{items}}", f"{redis_prefix}:{{items}}:dead"}
    groups = client.xinfo_groups(q.stream)
    assert [g["name"].decode() for g in groups] == [f"{redis_prefix}:workers"]


def test_open_queue_picks_redis_by_url(redis_prefix: str) -> None:
    q = open_queue("items", redis_url=REDIS_URL, prefix=redis_prefix)
    assert isinstance(q, RedisQueue) and q.durable
    q.close()


def test_a_lost_group_is_rebuilt(client: redis.Redis, redis_prefix: str) -> None:
    q = RedisQueue(client, "items", prefix=redis_prefix)
    q.publish([b"before"])
    client.delete(q.stream)  # as if Redis restarted without persistence
    q.publish([b"after"])
    assert [m.body for m in q.consume("w", count=5, block_ms=100)] == [b"after"]


def test_trim_drops_only_acknowledged_entries(client: redis.Redis, redis_prefix: str) -> None:
    q = RedisQueue(client, "items", prefix=redis_prefix)
    q.publish([f"m{i}".encode() for i in range(3000)])
    got = q.consume("w", count=2000, block_ms=100)
    q.ack([m.id for m in got[:1500]])
    q.trim()
    left = int(client.xlen(q.stream))
    # MINID ~ trims whole radix-tree nodes: some acknowledged entries may stay, no other goes.
    assert 1500 <= left < 3000
    time.sleep(0.06)
    assert len(q.reclaim("w2", min_idle_ms=50, count=1000)) == 500
    assert len(q.consume("w2", count=2000, block_ms=100)) == 1000


def test_xadd_carries_a_maxlen_guard(client: redis.Redis, redis_prefix: str) -> None:
    q = RedisQueue(client, "items", prefix=redis_prefix, maxlen=100)
    q.publish([b"x"] * 100)
    assert int(client.xlen(q.stream)) == 100


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unreachable_redis_raises_unavailable_quickly() -> None:
    q = RedisQueue.from_url(f"redis://127.0.0.1:{_free_port()}/0")
    started = time.monotonic()
    with pytest.raises(QueueUnavailableError):
        q.publish([b"x"])
    with pytest.raises(QueueUnavailableError):
        q.consume("w", count=1, block_ms=100)
    assert q.ping() is False
    assert time.monotonic() - started < 10
    q.close()
