"""The work-queue contract: every adapter (in-process, Redis Streams) behaves the same."""

from __future__ import annotations

import threading
import time

import pytest

from tests.queues import QueueFactory
from wenming.queue import QueueFullError, WorkQueue


def bodies(n: int, tag: str = "m") -> list[bytes]:
    return [f"{tag}{i}".encode() for i in range(n)]


def test_publish_then_consume_in_order(make_queue: QueueFactory) -> None:
    q = make_queue()
    ids = q.publish(bodies(5))
    assert len(ids) == len(set(ids)) == 5
    got = q.consume("c1", count=10, block_ms=100)
    assert [m.body for m in got] == bodies(5)
    assert [m.id for m in got] == ids
    assert all(m.deliveries == 1 for m in got)


def test_bodies_are_opaque_bytes(make_queue: QueueFactory) -> None:
    q = make_queue()
    raw = bytes(range(256)) + "文明".encode()
    q.publish([raw, b""])
    assert [m.body for m in q.consume("c", count=5, block_ms=100)] == [raw, b""]


def test_consume_respects_count_and_never_hands_a_message_twice(make_queue: QueueFactory) -> None:
    q = make_queue()
    q.publish(bodies(7))
    a = q.consume("a", count=3, block_ms=100)
    b = q.consume("b", count=10, block_ms=100)
    assert len(a) == 3 and len(b) == 4
    assert {m.body for m in a}.isdisjoint({m.body for m in b})
    assert q.consume("c", count=10, block_ms=50) == []


def test_consume_waits_up_to_block_ms(make_queue: QueueFactory) -> None:
    q = make_queue()
    started = time.monotonic()
    assert q.consume("c", count=1, block_ms=200) == []
    assert 0.15 <= time.monotonic() - started < 2.0


def test_a_blocked_consumer_wakes_on_publish(make_queue: QueueFactory) -> None:
    q = make_queue()
    got: list[bytes] = []

    def read() -> None:
        got.extend(m.body for m in q.consume("c", count=1, block_ms=5000))

    reader = threading.Thread(target=read)
    reader.start()
    time.sleep(0.1)
    started = time.monotonic()
    q.publish([b"wake"])
    reader.join(5)
    assert got == [b"wake"]
    assert time.monotonic() - started < 2.0


def test_ack_settles_messages_once(make_queue: QueueFactory) -> None:
    q = make_queue()
    q.publish(bodies(3))
    got = q.consume("c", count=3, block_ms=100)
    assert q.stats().pending == 3
    assert q.ack([got[0].id, got[1].id]) == 2
    assert q.ack([got[0].id]) == 0
    assert q.stats().pending == 1
    assert q.ack([]) == 0


def test_unacknowledged_messages_are_reclaimed_after_idle(make_queue: QueueFactory) -> None:
    q = make_queue()
    q.publish(bodies(2))
    first = q.consume("dead-worker", count=2, block_ms=100)
    assert q.reclaim("rescuer", min_idle_ms=60_000) == []
    time.sleep(0.12)
    again = q.reclaim("rescuer", min_idle_ms=100)
    assert [m.id for m in again] == [m.id for m in first]
    assert [m.body for m in again] == bodies(2)
    assert all(m.deliveries == 2 for m in again)
    assert q.ack([m.id for m in again]) == 2
    time.sleep(0.12)
    assert q.reclaim("rescuer", min_idle_ms=100) == []
    assert q.stats().pending == 0


def test_failed_message_comes_back_then_dead_letters(make_queue: QueueFactory) -> None:
    q = make_queue(max_deliveries=2)
    q.publish([b"poison", b"fine"])
    poison, fine = q.consume("w", count=2, block_ms=100)
    assert q.fail(poison, "ValueError: detector crashed", consumer="w") is False
    q.ack([fine.id])
    time.sleep(0.06)
    (retry,) = q.reclaim("w2", min_idle_ms=50)
    assert retry.id == poison.id and retry.deliveries == 2
    assert q.fail(retry, "ValueError: detector crashed again", consumer="w2") is True
    (dead,) = q.dead_letters()
    assert dead.message_id == poison.id
    assert dead.body == b"poison"
    assert dead.error == "ValueError: detector crashed again"
    assert dead.deliveries == 2 and dead.consumer == "w2"
    assert dead.dead_at_ms > 0
    stats = q.stats()
    assert (stats.pending, stats.dead) == (0, 1)


def test_a_message_whose_worker_keeps_dying_is_dead_lettered(make_queue: QueueFactory) -> None:
    q = make_queue(max_deliveries=2)
    q.publish([b"kills-workers"])
    (m,) = q.consume("w1", count=1, block_ms=100)
    q.fail(m, "RuntimeError: boom", consumer="w1")
    time.sleep(0.06)
    assert len(q.reclaim("w2", min_idle_ms=50)) == 1  # second delivery; w2 dies too
    time.sleep(0.06)
    assert q.reclaim("w3", min_idle_ms=50) == []  # a third would exceed the limit
    (dead,) = q.dead_letters()
    assert dead.body == b"kills-workers"
    assert dead.error == "RuntimeError: boom"  # the last recorded error is kept


def test_dead_letter_without_a_recorded_error_says_why(make_queue: QueueFactory) -> None:
    q = make_queue(max_deliveries=1)
    q.publish([b"x"])
    q.consume("w1", count=1, block_ms=100)
    time.sleep(0.06)
    assert q.reclaim("w2", min_idle_ms=50) == []
    (dead,) = q.dead_letters()
    assert "not acknowledged after 1 deliveries" in dead.error


def test_poison_does_not_stall_the_stream(make_queue: QueueFactory) -> None:
    q = make_queue(max_deliveries=1)
    q.publish([b"poison", *bodies(3)])
    first = q.consume("w", count=1, block_ms=100)
    assert q.fail(first[0], "boom", consumer="w") is True
    rest = q.consume("w", count=10, block_ms=100)
    assert [m.body for m in rest] == bodies(3)


def test_failing_a_settled_message_does_not_bury_it(make_queue: QueueFactory) -> None:
    q = make_queue(max_deliveries=1)
    q.publish([b"x"])
    (m,) = q.consume("w1", count=1, block_ms=100)
    q.ack([m.id])
    assert q.fail(m, "late failure", consumer="w1") is False
    assert q.dead_letters() == []


def test_dead_letters_newest_first_with_limit(make_queue: QueueFactory) -> None:
    q = make_queue(max_deliveries=1)
    q.publish(bodies(3))
    for m in q.consume("w", count=3, block_ms=100):
        q.fail(m, f"error {m.body.decode()}", consumer="w")
    dead = q.dead_letters(limit=2)
    assert [d.error for d in dead] == ["error m2", "error m1"]


def test_stats_report_depth_pending_and_lag(make_queue: QueueFactory) -> None:
    q = make_queue()
    empty = q.stats()
    assert (empty.depth, empty.pending, empty.dead, empty.lag_seconds) == (0, 0, 0, 0.0)
    q.publish(bodies(5))
    q.consume("c", count=2, block_ms=100)
    time.sleep(0.05)
    stats = q.stats()
    assert (stats.depth, stats.pending) == (3, 2)
    assert 0.03 <= stats.lag_seconds < 30
    assert stats.consumers >= 1


def test_trim_keeps_everything_not_yet_acknowledged(make_queue: QueueFactory) -> None:
    q = make_queue()
    q.publish(bodies(6))
    got = q.consume("c", count=4, block_ms=100)
    q.ack([got[0].id, got[2].id])  # m1 and m3 stay pending
    assert q.trim() >= 0
    time.sleep(0.06)
    reclaimed = q.reclaim("c2", min_idle_ms=50)
    assert sorted(m.body for m in reclaimed) == [b"m1", b"m3"]
    assert [m.body for m in q.consume("c2", count=10, block_ms=100)] == [b"m4", b"m5"]


def test_publish_refuses_past_the_bound(make_queue: QueueFactory) -> None:
    q = make_queue(maxlen=5)
    q.publish(bodies(4))
    with pytest.raises(QueueFullError):
        q.publish(bodies(2))
    q.publish(bodies(1))


def test_queues_of_different_names_are_separate(make_queue: QueueFactory) -> None:
    items, sweeps = make_queue("items"), make_queue("sweeps")
    items.publish([b"i"])
    sweeps.publish([b"s"])
    assert [m.body for m in items.consume("c", count=5, block_ms=50)] == [b"i"]
    assert [m.body for m in sweeps.consume("c", count=5, block_ms=50)] == [b"s"]


def test_concurrent_consumers_share_without_loss_or_duplicates(make_queue: QueueFactory) -> None:
    q = make_queue()
    n = 600
    q.publish(bodies(n))
    seen: list[bytes] = []
    lock = threading.Lock()

    def work(name: str) -> None:
        while True:
            got = q.consume(name, count=25, block_ms=100)
            if not got:
                return
            with lock:
                seen.extend(m.body for m in got)
            q.ack([m.id for m in got])

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(seen) == sorted(bodies(n))
    assert q.stats().pending == 0


def test_the_port_is_a_protocol_both_adapters_satisfy(make_queue: QueueFactory) -> None:
    assert isinstance(make_queue(), WorkQueue)
