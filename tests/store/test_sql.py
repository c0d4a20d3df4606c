"""The store's contract: the same behaviour on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from wenming.service import audit
from wenming.store import NewDecision, NewItem, PlatformRecord, Store, new_id

NOW = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)


def _platform(store: Store, name: str = "acme") -> PlatformRecord:
    with store.transaction() as tx:
        return tx.access.platform_add(name, title=name.title(), now=NOW)


def _decision(item_id: uuid.UUID, ext: str, h: str = "h1", pv: str = "p@1") -> NewDecision:
    return NewDecision(
        item_id=item_id,
        item_external_id=ext,
        text_hash=h,
        verdict="block",
        labels=("drugs",),
        scores={"drugs": 1.0, "spam": 0.25},
        evidence=[{"category": "drugs", "detector": "lexicon", "start": 0, "end": 2,
                   "match": "冰毒", "score": 1.0, "nested": {"a": [1, 2.5, None]}}],
        reasons=("block: drugs",),
        policy_version=pv,
        automated=True,
        statement="Action: block.",
    )  # fmt: skip


def test_uuid7_ids_are_time_ordered_and_versioned() -> None:
    ids = [new_id() for _ in range(50)]
    assert all(i.version == 7 and i.variant == uuid.RFC_4122 for i in ids)
    stamps = [i.int >> 80 for i in ids]
    assert stamps == sorted(stamps)


def test_platforms_roundtrip_and_unique_names(store: Store) -> None:
    acme = _platform(store)
    assert acme.id > 0 and acme.created_at == NOW
    assert store.access.platform_by_name("acme") == acme
    assert store.access.platform_get(acme.id) == acme
    assert store.access.platform_by_name("nope") is None
    with pytest.raises(IntegrityError), store.transaction() as tx:
        tx.access.platform_add("acme", title="again", now=NOW)
    assert [p.name for p in store.access.platform_list()] == ["acme"]


def test_keys_by_hash_and_revocation(store: Store) -> None:
    acme = _platform(store)
    with store.transaction() as tx:
        kid = tx.access.key_add(prefix="wm_abc", key_hash="f" * 64, role="platform",
                         platform_id=acme.id, label="ci", rate_limit=None, now=NOW)  # fmt: skip
    key = store.access.key_by_hash("f" * 64)
    assert key is not None
    assert (key.id, key.role, key.platform_name, key.revoked_at) == (kid, "platform", "acme", None)
    assert store.access.key_by_hash("0" * 64) is None
    with store.transaction() as tx:
        assert tx.access.key_revoke(kid, now=NOW) is True
        assert tx.access.key_revoke(kid, now=NOW) is False
    revoked = store.access.key_by_hash("f" * 64)
    assert revoked is not None and revoked.revoked_at == NOW


def test_items_roundtrip_with_subjects(store: Store) -> None:
    acme = _platform(store)
    posted = datetime(2025, 12, 31, 23, 0, tzinfo=UTC)
    new = [
        NewItem("p1", "你好 🌏 hello", "h1", author="u1", group="g1", lang="zh",
                urls=("https://x.example/a",), posted_at=posted),
        NewItem("p2", "", "h0", author="u1"),
    ]  # fmt: skip
    with store.transaction() as tx:
        ids = tx.items.items_add(acme.id, new, now=NOW)
    assert set(ids) == {"p1", "p2"}
    got = store.items.item_get(acme.id, "p1")
    assert got is not None
    assert (got.id, got.text, got.author, got.group, got.lang) == (
        ids["p1"], "你好 🌏 hello", "u1", "g1", "zh")  # fmt: skip
    assert got.urls == ("https://x.example/a",)
    assert got.posted_at == posted and got.created_at == NOW and got.platform_name == "acme"
    p2 = store.items.item_get(acme.id, "p2")
    assert p2 is not None and p2.author == "u1" and p2.group is None and p2.posted_at is None
    assert store.items.item_get(acme.id, "missing") is None


def test_item_ids_are_per_platform_and_conflicts_keep_the_first(store: Store) -> None:
    acme, other = _platform(store), _platform(store, "other")
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
    acme = _platform(store)
    with store.transaction() as tx:
        ids = tx.items.items_add(acme.id, [NewItem("p", "old", "h-old", author="u1")], now=NOW)
    later = NOW + timedelta(minutes=1)
    with store.transaction() as tx:
        tx.items.items_update(acme.id, [(ids["p"], NewItem("p", "new", "h-new", author="u2"))],
                        now=later)  # fmt: skip
    got = store.items.item_get(acme.id, "p")
    assert got is not None
    assert (got.text, got.text_hash, got.author, got.created_at, got.updated_at) == (
        "new", "h-new", "u2", NOW, later)  # fmt: skip


def test_decisions_roundtrip_and_history_order(store: Store) -> None:
    acme = _platform(store)
    with store.transaction() as tx:
        new = [NewItem("p", "冰毒", "h1"), NewItem("q", "x", "h2")]
        ids = tx.items.items_add(acme.id, new, now=NOW)
        # Two at once: PostgreSQL takes the COPY path, one at a time the INSERT path.
        first, other = tx.items.decisions_add(
            acme, [_decision(ids["p"], "p"), _decision(ids["q"], "q")], now=NOW
        )
    assert store.items.decision_get(other.id) == other
    with store.transaction() as tx:
        second = tx.items.decisions_add(acme, [_decision(ids["p"], "p", pv="p@2")],
                                  now=NOW + timedelta(seconds=1))[0]  # fmt: skip
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
    acme = _platform(store)
    with store.transaction() as tx:
        items = [NewItem("p", "t", "h1"), NewItem("q", "u", "h9")]
        ids = tx.items.items_add(acme.id, items, now=NOW)
        old = tx.items.decisions_add(acme, [_decision(ids["p"], "p", h="h1")], now=NOW)[0]
    with store.transaction() as tx:
        new = tx.items.decisions_add(acme, [_decision(ids["p"], "p", h="h1"),
                                      _decision(ids["p"], "p", h="h2"),
                                      _decision(ids["p"], "p", h="h1", pv="other@1")],
                               now=NOW + timedelta(seconds=5))  # fmt: skip
    refs = store.items.item_refs(acme, ["p", "q", "nope"], policy_version="p@1")
    assert set(refs) == {"p", "q"}
    assert refs["p"].id == ids["p"] and refs["p"].text_hash == "h1"
    assert refs["p"].decided["h1"].id == new[0].id != old.id  # the newest wins
    assert refs["p"].decided["h2"].id == new[1].id
    assert refs["q"].decided == {}
    assert store.items.item_refs(acme, [], policy_version="p@1") == {}


def test_a_failed_transaction_leaves_nothing(store: Store) -> None:
    acme = _platform(store)

    def fail_halfway() -> None:
        with store.transaction() as tx:
            tx.items.items_add(acme.id, [NewItem("p", "t", "h")], now=NOW)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        fail_halfway()
    assert store.items.item_get(acme.id, "p") is None


def test_audit_append_and_list(store: Store) -> None:
    assert store.audit.audit_latest() is None
    with store.transaction() as tx:
        assert tx.audit.audit_head() is None
        one = audit.append(tx, actor="a", action="x", subject="s", payload={"k": "値"}, now=NOW)
    with store.transaction() as tx:
        two = audit.append(tx, actor="a", action="y", subject="s", payload={}, now=NOW)
    assert (one.seq, two.seq, two.prev_hash) == (1, 2, one.hash)
    assert store.audit.audit_list() == [one, two]
    assert store.audit.audit_list(after_seq=1) == [two]
    assert store.audit.audit_latest() == two and store.audit.audit_latest("x") == one
    assert audit.verify(store).ok


def test_concurrent_writers_keep_the_audit_chain_whole(store: Store) -> None:
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(8):
                with store.transaction() as tx:
                    audit.append(tx, actor=f"t{n}", action="x", subject=str(i), payload={},
                                 now=datetime.now(UTC))  # fmt: skip
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    report = audit.verify(store)
    assert report.ok and report.entries == 48 and report.head_seq == 48


def test_ping(store: Store) -> None:
    assert store.ping()
