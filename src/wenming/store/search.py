"""Searching stored items for the console: by text, id, account, verdict, category, date.

Each hit is an item with its newest decision. Text search is a case-insensitive
substring match (``LIKE``), which both backends index poorly at scale; a deployment
with hundreds of millions of items should add PostgreSQL trigram indexes
(``docs/operations.md``). The caller applies tenancy through ``platform_id``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, and_, cast, func, or_, select

from wenming.store import rows as r
from wenming.store import tables as t
from wenming.store.records import AuditRecord, DecisionRecord, ItemRecord
from wenming.store.sql import Store


@dataclass(frozen=True, slots=True)
class ItemQuery:
    """What to look for; every field narrows the search, ``None`` means any."""

    text: str | None = None
    external_id: str | None = None
    author: str | None = None
    verdict: str | None = None
    category: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    platform_id: int | None = None
    limit: int = 50


@dataclass(frozen=True, slots=True)
class ItemHit:
    item: ItemRecord
    decision: DecisionRecord | None


def item_search(store: Store, query: ItemQuery) -> list[ItemHit]:
    """Items matching ``query``, newest first, each with its newest decision."""
    i, d = t.items, t.decisions
    newest = (
        select(d.c.item_id, func.max(d.c.created_at).label("at"))
        .group_by(d.c.item_id)
        .subquery("newest")
    )
    stmt = (
        select(*r.ITEM_SELECT.selected_columns, d.c.id.label("decision_id"))
        .select_from(r.ITEM_SELECT.get_final_froms()[0])
        .outerjoin(newest, newest.c.item_id == i.c.id)
        .outerjoin(d, and_(d.c.item_id == i.c.id, d.c.created_at == newest.c.at))
    )
    conditions = []
    if query.text:
        conditions.append(func.lower(i.c.text).contains(query.text.lower(), autoescape=True))
    if query.external_id:
        conditions.append(i.c.external_id == query.external_id)
    if query.author:
        s = t.subjects
        accounts = select(s.c.id).where(s.c.kind == "account", s.c.external_id == query.author)
        conditions.append(i.c.author_id.in_(accounts))
    if query.verdict:
        conditions.append(d.c.verdict == query.verdict)
    if query.category:
        conditions.append(cast(d.c.labels, String).contains(f'"{query.category}"'))
    if query.since:
        conditions.append(i.c.created_at >= query.since)
    if query.until:
        conditions.append(i.c.created_at < query.until)
    if query.platform_id is not None:
        conditions.append(i.c.platform_id == query.platform_id)
    stmt = stmt.where(*conditions).order_by(i.c.created_at.desc()).limit(query.limit)
    with store.engine.connect() as conn:
        rows = conn.execute(stmt).all()
    ids = [row.decision_id for row in rows if row.decision_id is not None]
    decisions = {dec.id: dec for dec in store.decision_list(ids)}
    seen: set[object] = set()
    hits = []
    for row in rows:
        if row.id in seen:
            continue  # two decisions at the same instant: keep one
        seen.add(row.id)
        hits.append(ItemHit(r.item(row), decisions.get(row.decision_id)))
    return hits


def verdict_counts(store: Store, *, platform_id: int | None = None) -> dict[str, int]:
    """How many decisions of each verdict (all time), for the console's overview."""
    d = t.decisions
    stmt = select(d.c.verdict, func.count()).group_by(d.c.verdict)
    if platform_id is not None:
        stmt = stmt.where(d.c.platform_id == platform_id)
    with store.engine.connect() as conn:
        return {verdict: int(n) for verdict, n in conn.execute(stmt)}


# Subject kinds whose label is "<kind>:<platform>/<ref>" (see the services' audit calls).
_PLATFORM_KINDS = ("account", "group", "item")


def audit_search(store: Store, *, subject: str | None = None, limit: int = 200,
                 platform_name: str | None = None) -> list[AuditRecord]:
    """The newest audit entries, optionally those whose subject contains ``subject``.
    With ``platform_name`` (a platform-bound reader), only entries whose subject is that
    platform or one of its accounts, groups or items: keys, users, policy, fact-checks,
    sites and entries named by a case or decision id are not a tenant's to read."""
    a = t.audit_entries
    stmt = select(a).order_by(a.c.seq.desc()).limit(limit)
    if subject:
        stmt = stmt.where(a.c.subject.contains(subject, autoescape=True))
    if platform_name is not None:
        own = [a.c.subject == f"platform:{platform_name}"]
        own += [a.c.subject.startswith(f"{k}:{platform_name}/", autoescape=True)
                for k in _PLATFORM_KINDS]
        stmt = stmt.where(or_(*own))
    with store.engine.connect() as conn:
        return [r.audit(row) for row in conn.execute(stmt)]
