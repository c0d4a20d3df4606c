"""The queue contract suite runs on every adapter (see tests/queues.py)."""

from tests.queues import make_queue, redis_prefix

__all__ = ["make_queue", "redis_prefix"]
