"""The items area's scans (search, counts, sweep scopes, ground truth, training data)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from tests.store.common import NOW, decision, items, platform
from wenming.store import ItemQuery, NewItem, PlatformRecord, Store


@dataclass(frozen=True)
class World:
    acme: PlatformRecord
    other: PlatformRecord
    ids: dict[str, uuid.UUID]


def _world(store: Store) -> World:
    acme, other = platform(store), platform(store, "other")
    later = NOW + timedelta(days=2)
    ids = items(
        store,
        acme,
        NewItem("a", "Buy HEROIN_now", "ha", author="u1"),
        NewItem("b", "hello there", "hb", author="u2"),
    )
    with store.transaction() as tx:
        tx.items.items_add(acme.id, [NewItem("c", "a later post", "hc", author="u1")], now=later)
        oid = tx.items.items_add(other.id, [NewItem("a", "heroin elsewhere", "hx")], now=NOW)
        tx.items.decisions_add(acme, [decision(ids["a"], "a", "ha")], now=NOW)
        tx.items.decisions_add(
            acme, [decision(ids["b"], "b", "hb", verdict="review", labels=("spam",))], now=NOW
        )
        tx.items.decisions_add(other, [decision(oid["a"], "a", "hx")], now=NOW)
    return World(acme, other, ids)


def test_item_search_narrows_by_every_field(store: Store) -> None:
    acme = _world(store).acme

    def ids(**query: Any) -> list[str]:
        hits = store.items.item_search(ItemQuery(**query))
        return [f"{h.item.platform_name}/{h.item.external_id}" for h in hits]

    assert sorted(ids(text="heroin")) == ["acme/a", "other/a"]  # case-insensitive
    assert ids(text="heroin_") == ["acme/a"]  # "_" is no wildcard
    assert ids(text="heroin", platform_id=acme.id) == ["acme/a"]
    assert ids(external_id="b") == ["acme/b"]
    assert ids(author="u1") == ["acme/c", "acme/a"]  # newest first
    assert ids(verdict="review") == ["acme/b"]
    assert ids(category="spam") == ["acme/b"]
    assert ids(since=NOW + timedelta(days=1)) == ["acme/c"]
    assert sorted(ids(until=NOW + timedelta(days=1))) == ["acme/a", "acme/b", "other/a"]
    hit = store.items.item_search(ItemQuery(external_id="a", platform_id=acme.id))[0]
    assert hit.decision is not None and hit.decision.verdict == "block"
    none = store.items.item_search(ItemQuery(external_id="c"))[0]
    assert none.decision is None


def test_verdict_counts_overall_and_per_platform(store: Store) -> None:
    other = _world(store).other
    assert store.items.verdict_counts() == {"block": 2, "review": 1}
    assert store.items.verdict_counts(platform_id=other.id) == {"block": 1}


def test_items_in_scope_count_and_page_in_id_order(store: Store) -> None:
    acme = _world(store).acme
    assert store.items.items_count(platform_id=None, since=None) == 4
    assert store.items.items_count(platform_id=acme.id, since=None) == 3
    assert store.items.items_count(platform_id=None, since=NOW + timedelta(days=1)) == 1
    first = store.items.items_page(platform_id=acme.id, since=None, after=None, limit=2)
    rest = store.items.items_page(platform_id=acme.id, since=None, after=first[-1].id, limit=2)
    assert (len(first), len(rest)) == (2, 1)
    assert sorted(i.external_id for i in first + rest) == ["a", "b", "c"]
    assert [i.id for i in first + rest] == sorted(i.id for i in first + rest)


def test_human_verdicts_and_training_rows_take_the_newest_human_decision(store: Store) -> None:
    acme = platform(store)
    ids = items(store, acme, NewItem("a", "x", "ha"), NewItem("b", "y", "hb"))
    with store.transaction() as tx:
        tx.items.decisions_add(acme, [decision(ids["a"], "a", "ha")], now=NOW)  # automated
        tx.items.decisions_add(
            acme, [decision(ids["a"], "a", "ha", automated=False)], now=NOW + timedelta(seconds=1)
        )
        tx.items.decisions_add(
            acme,
            [decision(ids["a"], "a", "ha", verdict="allow", automated=False, labels=())],
            now=NOW + timedelta(seconds=2),
        )
        tx.items.decisions_add(
            acme, [decision(ids["b"], "b", "old-text", automated=False)], now=NOW
        )
    truth = store.items.human_verdicts([ids["a"], ids["b"]])
    assert set(truth) == {ids["a"]}  # b's human decision was on text it no longer has
    assert (truth[ids["a"]].verdict, truth[ids["a"]].labels) == ("allow", ())
    rows = list(store.items.human_decided())
    assert [(r.external_id, r.verdict, r.human_decisions) for r in rows] == [
        ("b", "block", 1),
        ("a", "allow", 2),
    ]
    assert rows[1].decided_at == NOW + timedelta(seconds=2)
    recent = list(store.items.human_decided(since=NOW + timedelta(seconds=1)))
    assert [r.external_id for r in recent] == ["a"]
    assert store.items.decision_counts_by_item() == {"acme/a": 3, "acme/b": 1}
