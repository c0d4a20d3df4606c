"""Moderators' decisions exported as training data, overturned appeals corrected."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from wenming.core.model import Item
from wenming.service import screening
from wenming.service.screening import ScreenerLike
from wenming.service.training import examples
from wenming.store import NewDecision, Store


def _human(
    store: Store,
    platform_name: str,
    external_id: str,
    verdict: str,
    labels: tuple[str, ...],
    at: datetime,
) -> None:
    platform = store.access.platform_by_name(platform_name)
    assert platform is not None
    item = store.items.item_get(platform.id, external_id)
    assert item is not None
    with store.transaction() as tx:
        tx.items.decisions_add(
            platform,
            [
                NewDecision(
                    item_id=item.id,
                    item_external_id=item.external_id,
                    text_hash=item.text_hash,
                    verdict=verdict,
                    labels=labels,
                    scores={},
                    evidence=[],
                    reasons=(),
                    policy_version="test",
                    automated=False,
                    statement="by a moderator",
                )
            ],
            now=at,
        )


def test_newest_human_decision_labels_each_item(
    store: Store, service_screener: ScreenerLike
) -> None:
    now = datetime.now(UTC)
    with store.transaction() as tx:
        platform = tx.access.platform_add("acme", title="Acme", now=now)
    screening.screen(
        store,
        service_screener,
        platform=platform,
        principal=None,
        items=[
            Item("a", "buy followers cheap"),
            Item("b", "hello there"),
            Item("c", "never decided by a person"),
        ],
    )
    _human(store, "acme", "a", "block", ("spam",), now)
    _human(store, "acme", "b", "block", ("spam",), now)
    _human(store, "acme", "b", "allow", (), now + timedelta(minutes=5))  # appeal overturned
    rows = {e.item_id: e for e in examples(store)}
    assert set(rows) == {"a", "b"}  # automated-only items are not training data
    assert (rows["a"].label, rows["a"].overturned) == ("spam", False)
    assert (rows["b"].label, rows["b"].verdict, rows["b"].overturned) == ("none", "allow", True)
    assert rows["a"].to_dict()["text"] == "buy followers cheap"
    later = list(examples(store, since=now + timedelta(minutes=1)))
    assert [e.item_id for e in later] == ["b"]
