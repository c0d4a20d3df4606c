"""What the store's contract tests share: a fixed time, platforms, decisions, items."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from wenming.store import NewDecision, NewItem, PlatformRecord, Store

NOW = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)


def platform(store: Store, name: str = "acme") -> PlatformRecord:
    with store.transaction() as tx:
        return tx.access.platform_add(name, title=name.title(), now=NOW)


def decision(
    item_id: uuid.UUID,
    ext: str,
    h: str = "h1",
    pv: str = "p@1",
    *,
    verdict: str = "block",
    automated: bool = True,
    labels: tuple[str, ...] = ("drugs",),
) -> NewDecision:
    return NewDecision(
        item_id=item_id,
        item_external_id=ext,
        text_hash=h,
        verdict=verdict,
        labels=labels,
        scores={"drugs": 1.0, "spam": 0.25},
        evidence=[
            {
                "category": "drugs",
                "detector": "lexicon",
                "start": 0,
                "end": 2,
                "match": "冰毒",
                "score": 1.0,
                "nested": {"a": [1, 2.5, None]},
            }
        ],
        reasons=("block: drugs",),
        policy_version=pv,
        automated=automated,
        statement="Action: block.",
    )


def items(store: Store, p: PlatformRecord, *new: NewItem) -> dict[str, uuid.UUID]:
    with store.transaction() as tx:
        return tx.items.items_add(p.id, list(new), now=NOW)
