"""The fact-check area's contract (registry, versions, matches) on both backends."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import numpy as np

from tests.store.common import NOW, items, platform
from wenming.core.factcheck import FactCheck
from wenming.store import NewDecision, NewItem, Store

FC = FactCheck(
    id="fc-1",
    claim="5G spreads viruses",
    verdict="false",
    title="No",
    rebuttal="Radio waves do not carry viruses.",
    sources=("https://a.example",),
    languages=("en",),
    publisher="desk",
    published="2026-01-01",
    tags=("health", "5g"),
)


def _put(store: Store, fc: FactCheck, change: str = "create", **kw: object) -> None:
    values: dict[str, object] = {"embedding": None, "recipe": None, "text_hash": None}
    values.update(kw)
    with store.transaction() as tx:
        tx.factchecks.factcheck_put(fc, change=change, actor="desk", now=NOW, **values)  # type: ignore[arg-type]


def test_put_get_versions_and_embeddings(store: Store) -> None:
    vec = np.arange(4, dtype=np.float32)
    _put(store, FC, embedding=vec, recipe="e5@1", text_hash="abc")
    row = store.factchecks.factcheck_get("fc-1")
    assert row is not None and row.factcheck == FC and row.seq == 1 and row.deleted_at is None
    assert row.embedding is not None
    assert np.frombuffer(row.embedding, dtype=np.float16).tolist() == [0.0, 1.0, 2.0, 3.0]
    assert (row.embedding_recipe, row.embedding_hash) == ("e5@1", "abc")
    _put(store, replace(FC, title="Still no", version=2), change="update")
    _put(store, replace(FC, id="fc-2", claim="other"))
    assert store.factchecks.factcheck_get("fc-1").factcheck.title == "Still no"  # type: ignore[union-attr]
    assert [v.version for v in store.factchecks.factcheck_versions_of("fc-1")] == [1, 2]
    assert [(v.change, v.actor) for v in store.factchecks.factcheck_versions_of("fc-1")] == [
        ("create", "desk"),
        ("update", "desk"),
    ]
    assert [r.factcheck.id for r in store.factchecks.factcheck_all()] == ["fc-1", "fc-2"]
    assert set(store.factchecks.factcheck_rows(["fc-2", "nope"])) == {"fc-2"}
    assert store.factchecks.factcheck_rows([]) == {}
    assert store.factchecks.factcheck_stamp()[0] == 2


def test_delete_keeps_history_and_leaves_the_feed(store: Store) -> None:
    _put(store, FC)
    before = store.factchecks.factcheck_stamp()
    with store.transaction() as tx:
        row = tx.factchecks.factcheck_get("fc-1")
        assert row is not None
        tx.factchecks.factcheck_delete(row.factcheck, actor="desk", now=NOW + timedelta(hours=1))
    gone = store.factchecks.factcheck_get("fc-1")
    assert gone is not None and gone.deleted_at is not None and gone.factcheck.version == 2
    assert store.factchecks.factcheck_all() == []
    assert store.factchecks.factcheck_list() == ([], 0)
    changes = [v.change for v in store.factchecks.factcheck_versions_of("fc-1")]
    assert changes == ["create", "delete"]
    assert store.factchecks.factcheck_stamp() != before


def test_feed_filters_newest_first(store: Store) -> None:
    _put(store, FC)
    _put(
        store,
        replace(FC, id="fc-2", verdict="misleading", published="2026-02-03", tags=("politics_",)),
    )
    _put(store, replace(FC, id="fc-3", verdict="true", published=None, tags=()))
    rows, total = store.factchecks.factcheck_list()
    assert [r.factcheck.id for r in rows] == ["fc-3", "fc-2", "fc-1"] and total == 3
    assert store.factchecks.factcheck_list(verdict="false")[1] == 1
    assert [r.factcheck.id for r in store.factchecks.factcheck_list(tag="5g")[0]] == ["fc-1"]
    assert store.factchecks.factcheck_list(tag="politics%")[1] == 0  # no wildcards
    got, n = store.factchecks.factcheck_list(since="2026-02-01")
    assert [r.factcheck.id for r in got] == ["fc-2"] and n == 1
    # The store's feed keeps undated fact-checks under ``until`` (as it always has).
    until = store.factchecks.factcheck_list(until="2026-01-01")[0]
    assert [r.factcheck.id for r in until] == ["fc-3", "fc-1"]
    page, total = store.factchecks.factcheck_list(limit=1, offset=1)
    assert [r.factcheck.id for r in page] == ["fc-2"] and total == 3


def test_match_count_counts_distinct_items_naming_the_factcheck(store: Store) -> None:
    acme = platform(store)
    ids = items(store, acme, NewItem("a", "x", "ha"), NewItem("b", "y", "hb"))

    def claims(item: str, fid: str) -> NewDecision:
        return NewDecision(
            item_id=ids[item],
            item_external_id=item,
            text_hash="h",
            verdict="label",
            labels=("misinformation",),
            scores={},
            reasons=(),
            policy_version="p@1",
            evidence=[{"category": "misinformation", "detector": "claims", "factcheck_id": fid}],
            automated=True,
            statement="s",
        )

    with store.transaction() as tx:
        tx.items.decisions_add(acme, [claims("a", "fc-1"), claims("a", "fc-1")], now=NOW)
        tx.items.decisions_add(acme, [claims("b", "fc-1")], now=NOW)
        tx.items.decisions_add(acme, [claims("b", "fc-10")], now=NOW)
    assert store.factchecks.match_count("fc-1") == 2
    assert store.factchecks.match_count("fc-10") == 1
    assert store.factchecks.match_count("fc-") == 0
