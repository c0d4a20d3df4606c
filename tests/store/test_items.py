"""The items area's contract (subjects, items, decisions) on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import OperationalError

from tests.store.common import NOW, decision, items, platform
from wenming.store import NewItem, PlatformRecord, Store, new_id, unavailable


def test_items_roundtrip_with_subjects(store: Store) -> None:
    acme = platform(store)
    posted = datetime(2025, 12, 31, 23, 0, tzinfo=UTC)
    new = [
        NewItem(
            "p1",
            "你好 🌏 hello",
            "h1",
            author="u1",
            group="g1",
            lang="zh",
            urls=("https://x.example/a",),
            posted_at=posted,
        ),
        NewItem("p2", "", "h0", author="u1"),
    ]
    with store.transaction() as tx:
        ids = tx.items.items_add(acme.id, new, now=NOW)
    assert set(ids) == {"p1", "p2"}
    got = store.items.item_get(acme.id, "p1")
    assert got is not None
    assert (got.id, got.text, got.author, got.group, got.lang) == (
        ids["p1"],
        "你好 🌏 hello",
        "u1",
        "g1",
        "zh",
    )
    assert got.urls == ("https://x.example/a",)
    assert got.posted_at == posted and got.created_at == NOW and got.platform_name == "acme"
    p2 = store.items.item_get(acme.id, "p2")
    assert p2 is not None and p2.author == "u1" and p2.group is None and p2.posted_at is None
    assert store.items.item_get(acme.id, "missing") is None


def test_item_ids_are_per_platform_and_conflicts_keep_the_first(store: Store) -> None:
    acme, other = platform(store), platform(store, "other")
    with store.transaction() as tx:
        first = tx.items.items_add(acme.id, [NewItem("same", "a", "ha")], now=NOW)
        elsewhere = tx.items.items_add(other.id, [NewItem("same", "b", "hb")], now=NOW)
    assert first["same"] != elsewhere["same"]
    # A second writer that did not see the first item gets its id back, row untouched.
    with store.transaction() as tx:
        again = tx.items.items_add(acme.id, [NewItem("same", "changed", "hc")], now=NOW)
    assert again == first
    got = store.items.item_get(acme.id, "same")
    assert got is not None and got.text == "a"


def test_items_update_replaces_content(store: Store) -> None:
    acme = platform(store)
    with store.transaction() as tx:
        ids = tx.items.items_add(acme.id, [NewItem("p", "old", "h-old", author="u1")], now=NOW)
    later = NOW + timedelta(minutes=1)
    with store.transaction() as tx:
        tx.items.items_update(
            acme.id, [(ids["p"], NewItem("p", "new", "h-new", author="u2"))], now=later
        )
    got = store.items.item_get(acme.id, "p")
    assert got is not None
    assert (got.text, got.text_hash, got.author, got.created_at, got.updated_at) == (
        "new",
        "h-new",
        "u2",
        NOW,
        later,
    )


def test_decisions_roundtrip_and_history_order(store: Store) -> None:
    acme = platform(store)
    with store.transaction() as tx:
        new = [NewItem("p", "冰毒", "h1"), NewItem("q", "x", "h2")]
        ids = tx.items.items_add(acme.id, new, now=NOW)
        # Two at once: PostgreSQL takes the COPY path, one at a time the INSERT path.
        first, other = tx.items.decisions_add(
            acme, [decision(ids["p"], "p"), decision(ids["q"], "q")], now=NOW
        )
    assert store.items.decision_get(other.id) == other
    with store.transaction() as tx:
        second = tx.items.decisions_add(
            acme, [decision(ids["p"], "p", pv="p@2")], now=NOW + timedelta(seconds=1)
        )[0]
    got = store.items.decision_get(first.id)
    assert got == first  # JSON columns, unicode, nested evidence and timestamps round-trip
    assert got.platform_name == "acme" and got.item_external_id == "p"
    assert store.items.decision_get(new_id()) is None
    history = store.items.decision_list_for_item(ids["p"])
    assert [d.id for d in history] == [second.id, first.id]
    assert store.items.decision_list_for_item(ids["p"], limit=1) == [second]
    assert {d.id for d in store.items.decision_list([first.id, second.id])} == {first.id, second.id}
    assert store.items.decision_count() == 3


def test_item_refs_find_decisions_per_text_and_policy(store: Store) -> None:
    acme = platform(store)
    with store.transaction() as tx:
        items = [NewItem("p", "t", "h1"), NewItem("q", "u", "h9")]
        ids = tx.items.items_add(acme.id, items, now=NOW)
        old = tx.items.decisions_add(acme, [decision(ids["p"], "p", h="h1")], now=NOW)[0]
    with store.transaction() as tx:
        new = tx.items.decisions_add(
            acme,
            [
                decision(ids["p"], "p", h="h1"),
                decision(ids["p"], "p", h="h2"),
                decision(ids["p"], "p", h="h1", pv="other@1"),
            ],
            now=NOW + timedelta(seconds=5),
        )
    refs = store.items.item_refs(acme, ["p", "q", "nope"], policy_version="p@1")
    assert set(refs) == {"p", "q"}
    assert refs["p"].id == ids["p"] and refs["p"].text_hash == "h1"
    assert refs["p"].decided["h1"].id == new[0].id != old.id  # the newest wins
    assert refs["p"].decided["h2"].id == new[1].id
    assert refs["q"].decided == {}
    # The raw-driver read decodes every field as the SQLAlchemy reads do, in or out of a
    # transaction.
    assert refs["p"].decided["h1"] == store.items.decision_get(new[0].id)
    with store.transaction() as tx:
        assert tx.items.item_refs(acme, ["p", "q", "nope"], policy_version="p@1") == refs
    assert store.items.item_refs(acme, [], policy_version="p@1") == {}


def test_a_failed_transaction_leaves_nothing(store: Store) -> None:
    acme = platform(store)

    def fail_halfway() -> None:
        with store.transaction() as tx:
            tx.items.items_add(acme.id, [NewItem("p", "t", "h")], now=NOW)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        fail_halfway()
    assert store.items.item_get(acme.id, "p") is None


def test_times_with_an_offset_are_stored_as_their_utc_instant(store: Store) -> None:
    # Every write path (insert, bulk insert, update) keeps the instant: +08:00 09:00 is
    # 01:00 UTC on SQLite too, whose DATETIME keeps no offset.
    acme = platform(store)
    east = timezone(timedelta(hours=8))
    one = NewItem("one", "a", "h1", posted_at=datetime(2026, 3, 1, 9, 0, tzinfo=east))
    two = NewItem("two", "b", "h2", posted_at=datetime(2026, 3, 1, 10, 0, tzinfo=east))
    ids = items(store, acme, one)
    items(store, acme, two)
    with store.transaction() as tx:
        edit = NewItem("one", "a2", "h3", posted_at=datetime(2026, 3, 1, 10, 30, tzinfo=east))
        tx.items.items_update(acme.id, [(ids["one"], edit)], now=NOW)
    got_one, got_two = store.items.item_get(acme.id, "one"), store.items.item_get(acme.id, "two")
    assert got_one is not None and got_two is not None
    assert got_one.posted_at == datetime(2026, 3, 1, 2, 30, tzinfo=UTC)
    assert got_two.posted_at == datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
    assert got_one.posted_at.tzinfo == UTC


def test_reads_inside_a_transaction_see_its_writes(store: Store) -> None:
    acme = platform(store)
    with store.transaction() as tx:
        ids = tx.items.items_add(acme.id, [NewItem("p", "t", "h1", author="u1")], now=NOW)
        d = tx.items.decisions_add(acme, [decision(ids["p"], "p")], now=NOW)[0]
        assert tx.items.item_get(acme.id, "p") is not None
        assert tx.items.decision_get(d.id) == d
        assert tx.items.decision_count() == 1
    assert store.items.decision_count() == 1


def test_subject_ids_are_created_once_and_remembered_after_commit(store: Store) -> None:
    acme = platform(store)
    with store.transaction() as tx:
        first = tx.items.subject_ids(acme.id, [("account", "u1"), ("group", "u1")], now=NOW)
    assert first[("account", "u1")] != first[("group", "u1")]
    with store.transaction() as tx:
        again = tx.items.subject_ids(acme.id, [("account", "u1"), ("account", "u2")], now=NOW)
    assert again[("account", "u1")] == first[("account", "u1")]
    assert again[("account", "u2")] not in first.values()
    assert store.subject_cache[(acme.id, "account", "u2")] == again[("account", "u2")]


def test_decisions_of_an_author_newest_first(store: Store) -> None:
    acme = platform(store)
    ids = items(store, acme, NewItem("a", "x", "h1", author="u1"), NewItem("b", "y", "h2"))
    with store.transaction() as tx:
        old = tx.items.decisions_add(acme, [decision(ids["a"], "a")], now=NOW)[0]
        tx.items.decisions_add(acme, [decision(ids["b"], "b")], now=NOW)
        new = tx.items.decisions_add(
            acme, [decision(ids["a"], "a", "h9")], now=NOW + timedelta(seconds=1)
        )[0]
    with store.transaction() as tx:
        author = tx.items.subject_ids(acme.id, [("account", "u1")], now=NOW)[("account", "u1")]
    assert store.items.decision_list_for_author(author) == [new, old]
    assert store.items.decision_list_for_author(author, limit=1) == [new]


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:////nonexistent-wenming-dir/x.db",
        "postgresql+psycopg://postgres@127.0.0.1:9/none?connect_timeout=2",
    ],
)
def test_the_raw_read_reports_an_unreachable_database_like_every_query(url: str) -> None:
    # Workers back off on unavailable(exc); the raw-driver read must raise what
    # SQLAlchemy raises, not the driver's own exception.
    store = Store.open(url)
    acme = PlatformRecord(id=1, name="acme", title="Acme", created_at=NOW)
    try:
        with pytest.raises(OperationalError) as caught:
            store.items.item_refs(acme, ["a"], policy_version="p@1")
        assert unavailable(caught.value)
    finally:
        store.close()
