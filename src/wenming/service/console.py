"""What the moderator console reads: the overview, item search, an item's page, the audit
log. Each use case applies the caller's tenancy (a key bound to a platform sees only it).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from wenming.service.keys import Principal
from wenming.store import AuditRecord, DecisionRecord, ItemHit, ItemQuery, ItemRecord, Store


@dataclass(frozen=True, slots=True)
class Overview:
    """Decisions by verdict (all time) and the newest items held for review."""

    counts: dict[str, int]
    recent: list[ItemHit]


@dataclass(frozen=True, slots=True)
class ItemPage:
    """An item, its decisions (newest first) and the author's other items."""

    item: ItemRecord
    decisions: list[DecisionRecord]
    history: list[ItemHit]


def overview(store: Store, principal: Principal) -> Overview:
    bound = principal.key.platform_id
    counts = store.items.verdict_counts(platform_id=bound)
    recent = store.items.item_search(ItemQuery(verdict="review", limit=20, platform_id=bound))
    return Overview(counts, recent)


def item_search(store: Store, principal: Principal, query: ItemQuery) -> list[ItemHit]:
    """Items matching ``query`` on the platforms the caller sees, newest first."""
    bound = principal.key.platform_id
    if bound is not None:
        query = replace(query, platform_id=bound)
    return store.items.item_search(query)


def item_page(
    store: Store, principal: Principal, platform: str, external_id: str
) -> ItemPage | None:
    """An item's page, or ``None`` when there is no such item the caller may see."""
    found = store.access.platform_by_name(platform)
    item = store.items.item_get(found.id, external_id) if found else None
    if item is None or not principal.sees(item.platform_id):
        return None
    decisions = store.items.decision_list_for_item(item.id)
    by_author = (
        store.items.item_search(
            ItemQuery(author=item.author, limit=20, platform_id=item.platform_id)
        )
        if item.author
        else []
    )
    return ItemPage(item, decisions, [h for h in by_author if h.item.id != item.id])


def audit_entries(
    store: Store, *, subject: str | None, limit: int = 200, platform_name: str | None = None
) -> list[AuditRecord]:
    """The newest audit entries, optionally those whose subject contains ``subject``;
    a platform-bound reader (``platform_name``) sees only its own platform's."""
    return store.audit.audit_search(subject=subject, limit=limit, platform_name=platform_name)
