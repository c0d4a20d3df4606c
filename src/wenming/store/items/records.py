"""Records of items and decisions: what the store takes in (``NewItem``,
``NewDecision``) and hands out (``ItemRecord``, ``DecisionRecord``, search hits).

Records are plain data, detached from any connection, so the service layer and the
edges can pass them around freely and map them explicitly to their own wire schemas (a
row is never an API response). Timestamps are always timezone-aware UTC.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class NewItem:
    """An item to store; ``author`` and ``group`` are the platform's own ids. A
    ``posted_at`` outside :func:`storable_instant`'s range is refused here, so the store
    never holds a time it cannot read back."""

    external_id: str
    text: str
    text_hash: str
    author: str | None = None
    group: str | None = None
    lang: str | None = None
    urls: tuple[str, ...] = ()
    posted_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.posted_at is not None and not storable_instant(self.posted_at):
            raise ValueError(f"posted_at {self.posted_at.isoformat()} is out of range")


# Every instant the store keeps lies in this range: every database and Python's datetime
# hold it and read it back in any time zone (year 1 at +14:00 is year 0 in UTC).
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def storable_instant(value: datetime) -> bool:
    """Whether ``value`` (naive means UTC) lies in ``[EARLIEST, LATEST)``."""
    aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value
    try:
        return EARLIEST <= aware < LATEST
    except OverflowError:
        return False


@dataclass(frozen=True, slots=True)
class ItemRecord:
    id: uuid.UUID
    platform_id: int
    platform_name: str
    external_id: str
    text: str
    text_hash: str
    author: str | None
    group: str | None
    lang: str | None
    urls: tuple[str, ...]
    posted_at: datetime | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ItemRef:
    """An item's identity and current text hash, with its decisions under one policy
    version, newest per text hash: what idempotent screening looks up."""

    id: uuid.UUID
    external_id: str
    text_hash: str
    decided: dict[str, DecisionRecord] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class NewDecision:
    item_id: uuid.UUID
    item_external_id: str
    text_hash: str
    verdict: str
    labels: tuple[str, ...]
    scores: dict[str, float]
    evidence: list[dict[str, Any]]
    reasons: tuple[str, ...]
    policy_version: str
    automated: bool
    statement: str
    actor_key_id: int | None = None
    actor_user: str | None = None


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    id: uuid.UUID
    platform_id: int
    platform_name: str
    item_id: uuid.UUID
    item_external_id: str
    text_hash: str
    verdict: str
    labels: tuple[str, ...]
    scores: dict[str, float]
    evidence: list[dict[str, Any]]
    reasons: tuple[str, ...]
    policy_version: str
    automated: bool
    actor_key_id: int | None
    actor_user: str | None
    statement: str
    created_at: datetime


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


@dataclass(frozen=True, slots=True)
class HumanVerdict:
    """The latest decision a person took on an item (the ground truth of backtests)."""

    item_id: uuid.UUID
    verdict: str
    labels: tuple[str, ...]
