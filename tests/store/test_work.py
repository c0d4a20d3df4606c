"""The work area's contract (outbox, decision claims, shadow decisions, sweeps)."""

from __future__ import annotations

import threading
from datetime import timedelta

from tests.store.common import NOW, items, platform
from wenming.store import ClaimKey, NewItem, NewShadow, Store


def test_outbox_add_page_bury_and_delete(store: Store) -> None:
    acme = platform(store)
    with store.transaction() as tx:
        ids = tx.work.outbox_add(acme.id, [f'{{"n": {n}}}' for n in range(5)], now=NOW)
        assert tx.work.outbox_add(acme.id, [], now=NOW) == []
    assert ids == sorted(ids) and len(set(ids)) == 5
    assert [r.id for r in store.work.outbox_pending(limit=2)] == ids[:2]
    assert [r.id for r in store.work.outbox_pending(after_id=ids[2])] == ids[3:]
    with store.transaction() as tx:
        tx.work.outbox_bury(ids[0], error="boom" * 2000, now=NOW)
        tx.work.outbox_delete([ids[1], ids[1], ids[2]])
    assert store.work.outbox_count() == 2
    [dead] = store.work.outbox_dead()
    assert (dead.id, dead.payload, dead.dead_at, len(dead.error or "")) == (
        ids[0],
        '{"n": 0}',
        NOW,
        4000,
    )
    assert [r.id for r in store.work.outbox_pending()] == ids[3:]


def test_claims_are_won_once_even_by_racing_transactions(store: Store) -> None:
    acme = platform(store)
    ids = items(store, acme, NewItem("a", "x", "ha"), NewItem("b", "y", "hb"))
    keys: list[ClaimKey] = [(ids["a"], "ha", "p@1"), (ids["b"], "hb", "p@1")]
    won: list[set[ClaimKey]] = []
    barrier = threading.Barrier(3)

    def take() -> None:
        barrier.wait()
        with store.transaction() as tx:
            won.append(tx.work.claims_take(keys + keys, now=NOW))

    threads = [threading.Thread(target=take) for _ in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(len(w) for w in won) == [0, 0, 2] and set().union(*won) == set(keys)
    with store.transaction() as tx:
        assert tx.work.claims_take([(ids["a"], "ha", "p@2")], now=NOW) == {(ids["a"], "ha", "p@2")}
        assert tx.work.claims_take([], now=NOW) == set()
    assert store.work.claims_count() == 3 and store.work.claims_count("p@2") == 1


def test_shadow_decisions_once_per_item_text_and_policy(store: Store) -> None:
    acme = platform(store)
    ids = items(store, acme, NewItem("a", "heroin", "ha"), NewItem("b", "hi", "hb"))

    def shadow(item: str, verdict: str) -> NewShadow:
        return NewShadow(
            platform_id=acme.id,
            item_id=ids[item],
            text_hash=f"h{item}",
            policy_version="cand@1",
            live_policy_version="live@1",
            live_verdict="allow",
            verdict=verdict,
            live_labels=(),
            labels=("drugs",) if verdict != "allow" else (),
            scores={"drugs": 0.9},
        )

    with store.transaction() as tx:
        tx.work.shadow_add([shadow("a", "block"), shadow("b", "allow")], now=NOW)
        tx.work.shadow_add([shadow("a", "review")], now=NOW)  # already recorded: kept
    assert sorted(store.work.shadow_pairs("cand@1")) == [
        ("allow", "allow", 1),
        ("allow", "block", 1),
    ]
    [flip] = store.work.shadow_flips("cand@1")
    assert (flip["external_id"], flip["verdict"], flip["platform"]) == ("a", "block", "acme")
    assert list(flip["labels"]) == ["drugs"]
    assert store.work.shadow_pairs("other") == []


def test_sweeps_start_resume_advance_and_cancel(store: Store) -> None:
    acme = platform(store)
    since = NOW - timedelta(days=1)
    with store.transaction() as tx:
        one = tx.work.sweep_add(
            policy_version="p@2",
            policy_source="src",
            platform_id=acme.id,
            since=since,
            total=10,
            now=NOW,
        )
        other = tx.work.sweep_add(
            policy_version="p@2",
            policy_source="src",
            platform_id=None,
            since=None,
            total=20,
            now=NOW,
        )
    assert (one.status, one.cursor, one.enqueued, one.since) == ("running", None, 0, since)
    assert store.work.sweep_open(policy_version="p@2", platform_id=acme.id, since=since) == one
    assert store.work.sweep_open(policy_version="p@2", platform_id=None, since=None) == other
    assert store.work.sweep_open(policy_version="p@2", platform_id=acme.id, since=None) is None
    [item] = items(store, acme, NewItem("a", "x", "ha")).values()
    later = NOW + timedelta(minutes=5)
    with store.transaction() as tx:
        tx.work.sweep_advance(one.id, cursor=item, enqueued=10, status="enqueued", now=later)
    advanced = store.work.sweep_get(one.id)
    assert advanced is not None
    assert (advanced.cursor, advanced.enqueued, advanced.status, advanced.updated_at) == (
        item,
        10,
        "enqueued",
        later,
    )
    with store.transaction() as tx:
        assert tx.work.sweeps_cancel_open(policy_version="p@2", now=later) == 1
    assert [s.status for s in store.work.sweep_list()] == ["cancelled", "enqueued"]
    assert store.work.sweep_get(other.id + one.id + 1) is None
