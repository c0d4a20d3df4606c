"""The screening use case on its own: ordering, idempotency, edits, races."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from wenming.core.model import Item
from wenming.detectors.screener import Screener
from wenming.service import audit, keys, screening
from wenming.service.errors import ForbiddenError, InvalidError
from wenming.service.recorder import Recorder, Recording
from wenming.store import NewDecision, PlatformRecord, Store


def _platform(store: Store, name: str = "acme") -> PlatformRecord:
    with store.transaction() as tx:
        return tx.access.platform_add(name, title=name, now=datetime.now(UTC))


def test_outcomes_follow_input_order_mixing_stored_and_new(
    store: Store, service_screener: Screener
) -> None:
    acme = _platform(store)
    first = screening.screen(
        store, service_screener, platform=acme, principal=None, items=[Item(id="b", text="heroin")]
    )
    out = screening.screen(
        store,
        service_screener,
        platform=acme,
        principal=None,
        items=[Item(id="a", text="hi"), Item(id="b", text="heroin"), Item(id="c", text="冰毒")],
    )
    assert [o.decision.item_external_id for o in out] == ["a", "b", "c"]
    assert [o.replayed for o in out] == [False, True, False]
    assert out[1].decision == first[0].decision
    assert [o.decision.verdict for o in out] == ["allow", "block", "block"]
    assert all(o.decision.statement for o in out)
    # Nothing new at all: no write, no audit entry.
    before = store.audit.audit_latest()
    again = screening.screen(
        store, service_screener, platform=acme, principal=None, items=[Item(id="b", text="heroin")]
    )
    assert again[0].replayed and store.audit.audit_latest() == before


def test_duplicate_ids_and_foreign_platforms_are_refused(
    store: Store, service_screener: Screener
) -> None:
    acme, other = _platform(store), _platform(store, "other")
    with pytest.raises(InvalidError):
        screening.screen(
            store,
            service_screener,
            platform=acme,
            principal=None,
            items=[Item(id="a", text="x"), Item(id="a", text="y")],
        )
    key = keys.create(
        store,
        secret="s" * 32,
        role=keys.Role.PLATFORM,
        platform="acme",
        label="k",
        actor="t",
        now=datetime.now(UTC),
    ).key
    with pytest.raises(ForbiddenError):
        screening.screen(
            store,
            service_screener,
            platform=other,
            principal=keys.Principal(key=key, role=keys.Role.PLATFORM),
            items=[Item(id="a", text="x")],
        )


def test_concurrent_first_sends_of_one_item_all_succeed_and_agree(
    store: Store, service_screener: Screener
) -> None:
    # Each send looks for a stored decision before its write transaction, so sends that
    # all look before any commits each write one (the synchronous path takes no claim);
    # one that looks after a commit replays it. What must hold exactly: one item row,
    # one stored decision per send that was not a replay and none other, every send
    # answered with a stored decision, and the next send replaying the newest of them.
    acme = _platform(store)
    errors: list[BaseException] = []
    answers: list[screening.ScreenOutcome] = []
    lock = threading.Lock()
    barrier = threading.Barrier(4)

    def send() -> None:
        try:
            barrier.wait()
            out = screening.screen(
                store,
                service_screener,
                platform=acme,
                principal=None,
                items=[Item(id="same", text="heroin", author="u1")],
            )
            with lock:
                answers.extend(out)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == [] and len(answers) == 4
    item = store.items.item_get(acme.id, "same")
    assert item is not None and item.author == "u1"
    stored = store.items.decision_list_for_item(item.id)
    fresh = [a.decision for a in answers if not a.replayed]
    assert sorted(d.id for d in stored) == sorted(d.id for d in fresh)
    assert {a.decision.id for a in answers} <= {d.id for d in stored}
    assert all(d.item_id == item.id and d.verdict == "block" for d in stored)
    assert len({(d.text_hash, d.policy_version) for d in stored}) == 1
    again = screening.screen(
        store,
        service_screener,
        platform=acme,
        principal=None,
        items=[Item(id="same", text="heroin", author="u1")],
    )
    assert again[0].replayed and again[0].decision == stored[0]


def test_the_recorder_shares_transactions_and_isolates_failures(
    store: Store, service_screener: Screener
) -> None:
    acme = _platform(store)
    recorder = Recorder(store)
    results: dict[int, object] = {}

    def send(n: int) -> None:
        items = [Item(id=f"{n}-{k}", text="heroin" if k % 2 else "hi") for k in range(5)]
        results[n] = screening.screen(
            store, service_screener, platform=acme, principal=None, items=items, recorder=recorder
        )

    def send_bad() -> None:
        bad = Recording(
            platform=acme,
            actor="t",
            fresh=[],
            changed=[],
            known={},
            decisions=[
                replace(_any_decision(store, service_screener, acme), item_external_id="ghost")
            ],
        )
        try:
            recorder.record(bad)
        except KeyError as exc:
            results[-1] = exc

    threads = [threading.Thread(target=send, args=(n,)) for n in range(8)]
    threads.append(threading.Thread(target=send_bad))
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    recorder.close()
    assert isinstance(results.pop(-1), KeyError)
    assert len(results) == 8
    assert store.items.decision_count() == 8 * 5 + 1
    report = audit.verify(store)
    assert report.ok and report.decisions_checked == 8 * 5 + 1
    with pytest.raises(RuntimeError):
        recorder.record(
            Recording(platform=acme, actor="t", fresh=[], changed=[], known={}, decisions=[])
        )


def _any_decision(store: Store, screener: Screener, platform: PlatformRecord) -> NewDecision:
    ready = screening.prepare(
        store, screener, platform=platform, principal=None, items=[Item(id="seed", text="heroin")]
    )
    assert ready.job is not None
    screening.screen(
        store, screener, platform=platform, principal=None, items=[Item(id="seed", text="heroin")]
    )
    return ready.job.decisions[0]
