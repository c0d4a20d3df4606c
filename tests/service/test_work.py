"""The work stream end to end in one process: ingest, workers, idempotency, poison, outbox."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.databases import Database
from tests.queues import redis_prefix as redis_prefix
from tests.work import POISON, PoisonScreener, items, platform, work_settings
from wenming.core.model import Item
from wenming.detectors.screener import Screener
from wenming.queue.base import Message
from wenming.runtime import Runtime
from wenming.service import audit, ingest
from wenming.service.work import Processor, item_body
from wenming.store import DecisionRecord, PlatformRecord, Tx
from wenming.store.items import tables as t
from wenming.store.work import tables as w
from wenming.worker.loop import Worker, WorkerConfig


@pytest.fixture
def rt(db: Database, service_screener: Screener) -> Iterator[Runtime]:
    runtime = Runtime.build(work_settings(db), screener=service_screener)
    yield runtime
    runtime.close()


def count(rt: Runtime, table: object) -> int:
    with rt.store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def worker(rt: Runtime, name: str = "w1") -> Worker:
    return Worker(rt, WorkerConfig(name=name, reclaim_idle_ms=50, housekeeping_s=0.0))


def messages(p: PlatformRecord, n: int, *, prefix: str = "p") -> list[Message]:
    return [
        Message(f"{i + 1}-0", item_body(p.id, it)) for i, it in enumerate(items(n, prefix=prefix))
    ]


def test_ingest_then_worker_decides_every_item_once(rt: Runtime) -> None:
    acme = platform(rt)
    receipt = ingest.enqueue(
        rt.store,
        rt.work.items,
        platform=acme,
        principal=None,
        items=items(120),
        outbox=rt.work.outbox,
    )
    assert (receipt.accepted, receipt.durable_in) == (120, "database outbox")
    assert rt.store.work.outbox_count() == 120  # durable before any worker ran
    w = worker(rt)
    assert w.drain(timeout_s=60)
    assert rt.store.items.decision_count() == 120
    assert rt.store.work.outbox_count() == 0
    verdicts = {d.item_external_id: d.verdict for d in _decisions(rt)}
    assert verdicts["p5"] == "block" and verdicts["p3"] == "review" and verdicts["p1"] == "allow"
    assert audit.verify(rt.store).ok

    ingest.enqueue(
        rt.store,
        rt.work.items,
        platform=acme,
        principal=None,
        items=items(120),
        outbox=rt.work.outbox,
    )
    assert w.drain(timeout_s=60)
    assert rt.store.items.decision_count() == 120
    assert w.stats.replayed == 120


def _decisions(rt: Runtime) -> list[DecisionRecord]:
    with rt.store.engine.connect() as conn:
        ids = [r.id for r in conn.execute(select(t.decisions.c.id))]
    return rt.store.items.decision_list(ids)


def test_a_redelivered_batch_is_replayed_not_decided_again(rt: Runtime) -> None:
    acme = platform(rt)
    processor = Processor(rt.store, rt.work.screeners)
    batch = messages(acme, 30)
    first = processor.process(batch)
    again = processor.process(batch)
    assert (first.decided, first.replayed) == (30, 0)
    assert (again.decided, again.replayed) == (0, 30)
    assert sorted(again.done) == sorted(m.id for m in batch)
    assert rt.store.items.decision_count() == 30
    assert count(rt, w.decision_claims) == 30


def test_two_workers_racing_on_the_same_batch_decide_once(rt: Runtime) -> None:
    acme = platform(rt)
    batch = messages(acme, 200)
    hooked: list[int] = []
    lock = threading.Lock()

    def hook(_tx: Tx, _p: PlatformRecord, records: list[DecisionRecord]) -> None:
        with lock:
            hooked.append(len(records))

    barrier = threading.Barrier(2)

    def run() -> None:
        processor = Processor(rt.store, rt.work.screeners, hooks=[hook])
        barrier.wait()
        processor.process(batch)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert rt.store.items.decision_count() == 200
    assert sum(hooked) == 200  # side effects once per decision, not per delivery
    assert audit.verify(rt.store).ok


def test_an_edited_item_gets_a_decision_for_its_new_text(rt: Runtime) -> None:
    acme = platform(rt)
    processor = Processor(rt.store, rt.work.screeners)
    before = items(2)[1]  # "post 1": allowed
    after = type(before)(id=before.id, text="now it says heroin")
    out = processor.process(
        [Message("1-0", item_body(acme.id, before)), Message("2-0", item_body(acme.id, after))]
    )
    assert out.decided == 2
    item = rt.store.items.item_get(acme.id, before.id)
    assert item is not None and item.text == "now it says heroin"
    verdicts = [d.verdict for d in rt.store.items.decision_list_for_item(item.id)]
    assert verdicts == ["block", "allow"]


def test_an_edited_items_posted_at_keeps_its_instant(rt: Runtime) -> None:
    # The worker path once stored an edit's +08:00 time with the offset dropped on SQLite.
    acme = platform(rt)
    processor = Processor(rt.store, rt.work.screeners)
    before = Item(id="e1", text="post", created_at="2026-03-01T09:00:00+08:00")
    after = Item(id="e1", text="edited post", created_at="2026-03-01T10:30:00+08:00")
    processor.process([Message("1-0", item_body(acme.id, before))])
    stored = rt.store.items.item_get(acme.id, "e1")
    assert stored is not None and stored.posted_at == datetime(2026, 3, 1, 1, 0, tzinfo=UTC)
    processor.process([Message("2-0", item_body(acme.id, after))])
    edited = rt.store.items.item_get(acme.id, "e1")
    assert edited is not None and edited.text == "edited post"
    assert edited.posted_at == datetime(2026, 3, 1, 2, 30, tzinfo=UTC)


def test_poison_is_isolated_retried_then_dead_lettered(
    db: Database, service_screener: Screener
) -> None:
    poisoned = PoisonScreener(service_screener)
    rt = Runtime.build(work_settings(db), screener=poisoned)
    try:
        acme = platform(rt)
        ingest.enqueue(
            rt.store,
            rt.work.items,
            platform=acme,
            principal=None,
            items=items(40, poison=[7]),
            outbox=rt.work.outbox,
        )
        w = worker(rt)
        assert w.drain(timeout_s=60)
        assert rt.store.items.decision_count() == 39
        assert (w.stats.failed, w.stats.dead) == (2, 1)  # max_deliveries=2
        (dead,) = ingest.dead_letters(rt.store, rt.work.items)
        assert "detector crashed on a poison pill" in dead.error
        assert POISON.encode() in dead.body
        assert rt.store.work.outbox_count() == 0  # the row is kept, marked dead
        assert len(rt.store.work.outbox_dead()) == 1
    finally:
        rt.close()


def test_the_outbox_survives_a_crash_before_the_worker(
    db: Database, service_screener: Screener
) -> None:
    api = Runtime.build(work_settings(db), screener=service_screener)
    acme = platform(api)
    ingest.enqueue(
        api.store,
        api.work.items,
        platform=acme,
        principal=None,
        items=items(50),
        outbox=api.work.outbox,
    )
    api.close()  # the process dies with whatever its in-memory queue held
    again = Runtime.build(work_settings(db), screener=service_screener)
    try:
        assert worker(again).drain(timeout_s=60)
        assert again.store.items.decision_count() == 50
    finally:
        again.close()


SHADOW = """\
name: shadow-candidate
categories:
  drugs:
    title: {en: Drugs}
    terms: [heroin]
    block_at: 0.9
  spam:
    title: {en: Spam}
    terms: [buy followers]
    block_at: 0.9
"""


def test_shadow_mode_records_the_candidate_beside_the_live_policy(
    db: Database, service_screener: Screener, tmp_path: Path
) -> None:
    from wenming.service.backtest import shadow_report

    shadow = tmp_path / "shadow.yaml"
    shadow.write_text(SHADOW, encoding="utf-8")
    rt = Runtime.build(work_settings(db, shadow_policy=shadow), screener=service_screener)
    try:
        acme = platform(rt)
        Processor(rt.store, rt.work.screeners).process(messages(acme, 30))
        assert count(rt, w.shadow_decisions) == 30
        assert rt.store.items.decision_count() == 30  # the shadow acts on nothing
        candidate = rt.work.screeners.shadow()
        assert candidate is not None
        report = shadow_report(rt.store, policy_version=candidate.policy.version)
        assert report["items"] == 30
        flips = {(f["from"], f["to"]): f["count"] for f in report["flips"]}
        assert flips[("review", "block")] == 8  # 'buy followers' without 'heroin': 3, 6, 9 ...
        assert report["examples"]
    finally:
        rt.close()


@pytest.mark.redis
def test_on_redis_a_dead_workers_messages_are_taken_over(
    db: Database, service_screener: Screener, redis_prefix: str
) -> None:
    from tests.queues import REDIS_URL

    settings = work_settings(db, redis_url=REDIS_URL, stream_prefix=redis_prefix)
    rt = Runtime.build(settings, screener=service_screener)
    try:
        acme = platform(rt)
        receipt = ingest.enqueue(
            rt.store, rt.work.items, platform=acme, principal=None, items=items(300)
        )
        assert receipt.durable_in == "redis"
        stolen = rt.work.items.consume("crashed-worker", count=100, block_ms=100)
        assert len(stolen) == 100  # delivered, never acknowledged: its worker "died"
        w = worker(rt)
        assert w.drain(timeout_s=60)
        assert rt.store.items.decision_count() == 300
        assert w.stats.reclaimed == 100
        stats = rt.work.items.stats()
        assert (stats.depth, stats.pending, stats.dead) == (0, 0, 0)
    finally:
        rt.close()
