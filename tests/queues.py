"""Queue fixtures: every test that asks for ``make_queue`` runs on the in-process queue and
on the real Redis (127.0.0.1:6379, or WENMING_TEST_REDIS_URL).

Each Redis test gets its own stream prefix and deletes its keys afterwards. Without a
reachable Redis the Redis half is skipped with the reason shown, except under CI=true,
where it fails.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis

from wenming.queue import LocalQueue, WorkQueue
from wenming.queue.redis import RedisQueue, client_from_url

REDIS_URL = os.environ.get("WENMING_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
_redis_error: list[str] = []

QueueFactory = Callable[..., WorkQueue]


def redis_unreachable() -> str | None:
    if not _redis_error:
        try:
            client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
            client.ping()
            client.close()
            _redis_error.append("")
        except Exception as exc:
            _redis_error.append(f"Redis at {REDIS_URL} is unreachable: {exc.__class__.__name__}")
    return _redis_error[0] or None


def need_redis() -> None:
    reason = redis_unreachable()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: Redis is required)")
        pytest.skip(reason)


def unique_prefix() -> str:
    return f"wmtest-{os.getpid()}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A stream prefix of this test's own; every key under it is deleted afterwards."""
    need_redis()
    prefix = unique_prefix()
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture(params=["local", pytest.param("redis", marks=pytest.mark.redis)])
def make_queue(request: pytest.FixtureRequest) -> Iterator[QueueFactory]:
    """Build queues of one adapter; the Redis ones share a per-test prefix."""
    made: list[WorkQueue] = []
    if request.param == "local":

        def local(name: str = "items", **options: Any) -> WorkQueue:
            backlog = options.pop("maxlen", None)
            q = LocalQueue(name, max_backlog=backlog, **options)
            made.append(q)
            return q

        yield local
    else:
        prefix: str = request.getfixturevalue("redis_prefix")
        client = client_from_url(REDIS_URL)

        def remote(name: str = "items", **options: Any) -> WorkQueue:
            q = RedisQueue(client, name, prefix=prefix, **options)
            made.append(q)
            return q

        yield remote
        client.close()
    for q in made:
        q.close()
