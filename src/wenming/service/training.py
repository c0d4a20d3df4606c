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

from wenming.store import Store


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
        return {
            "id": f"{self.platform}/{self.item_id}",
            "text": self.text,
            "label": self.label,
            "verdict": self.verdict,
            "decided_at": self.decided_at.isoformat(),
            "overturned": self.overturned,
        }


def examples(
    store: Store, *, since: datetime | None = None, platform_id: int | None = None
) -> Iterator[Example]:
    """Human-decided items, oldest decision first; ``label`` is the violated category,
    or ``none`` when people found nothing wrong (verdict ``allow``)."""
    for row in store.items.human_decided(since=since, platform_id=platform_id):
        labels = row.labels
        yield Example(
            platform=row.platform,
            item_id=row.external_id,
            text=row.text,
            label=labels[0] if labels and row.verdict != "allow" else "none",
            verdict=row.verdict,
            decided_at=row.decided_at,
            overturned=row.human_decisions > 1,
        )
