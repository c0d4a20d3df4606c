"""Moderators' decisions as training data: ``wenming export-training``.

Every item a person decided becomes one labelled example, labelled by the *newest*
human decision on it — so an appeal that overturned a decision contributes the
corrected label, not the one it replaced. A platform can retrain a model on its own
traffic with these rows (``wenming train --data FILE --label-field label``) and
recalibrate thresholds for its domain.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select

from wenming.store import tables as t
from wenming.store.rows import utc
from wenming.store.sql import Store


@dataclass(frozen=True, slots=True)
class Example:
    """One decided item: its text, the label people gave it, and where that came from."""

    platform: str
    item_id: str
    text: str
    label: str
    verdict: str
    decided_at: datetime
    overturned: bool

    def to_dict(self) -> dict[str, Any]:
        return {"id": f"{self.platform}/{self.item_id}", "text": self.text,
                "label": self.label, "verdict": self.verdict,
                "decided_at": self.decided_at.isoformat(), "overturned": self.overturned}


def examples(store: Store, *, since: datetime | None = None,
             platform_id: int | None = None) -> Iterator[Example]:
    """Human-decided items, oldest decision first; ``label`` is the violated category,
    or ``none`` when people found nothing wrong (verdict ``allow``)."""
    d, i, p = t.decisions, t.items, t.platforms
    human = d.c.automated.is_(False)
    newest = (select(d.c.item_id, func.max(d.c.created_at).label("at"),
                     func.count().label("n"))
              .where(human).group_by(d.c.item_id).subquery("newest"))
    stmt = (
        select(p.c.name, i.c.external_id, i.c.text, d.c.verdict, d.c.labels, d.c.created_at,
               newest.c.n)
        .select_from(newest)
        .join(d, and_(d.c.item_id == newest.c.item_id, d.c.created_at == newest.c.at, human))
        .join(i, i.c.id == d.c.item_id)
        .join(p, p.c.id == i.c.platform_id)
        .order_by(d.c.created_at)
    )
    if since is not None:
        stmt = stmt.where(d.c.created_at >= since)
    if platform_id is not None:
        stmt = stmt.where(i.c.platform_id == platform_id)
    seen: set[tuple[str, str]] = set()
    with store.engine.connect() as conn:
        for row in conn.execute(stmt):
            key = (row.name, row.external_id)
            if key in seen:
                continue  # two human decisions in the same instant: keep one
            seen.add(key)
            labels = list(row.labels or [])
            yield Example(platform=row.name, item_id=row.external_id, text=row.text,
                          label=labels[0] if labels and row.verdict != "allow" else "none",
                          verdict=row.verdict, decided_at=utc(row.created_at),
                          overturned=row.n > 1)
