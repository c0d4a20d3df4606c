"""What the store hands out and takes in: frozen records, one per table row shape.

Records are plain data, detached from any session, so the service layer and the edges
can pass them around freely and map them explicitly to their own wire schemas (a row
is never an API response). Timestamps are always timezone-aware UTC.
"""

from __future__ import annotations

import random
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


def new_id() -> uuid.UUID:
    """A UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then 74 random bits.

    Time-ordered ids keep B-tree inserts at the right edge of the index and let
    PostgreSQL range-partition the big tables by month on the primary key itself.
    """
    ms = time.time_ns() // 1_000_000
    # The module's generator is seeded from the OS and re-seeded in forked children;
    # ids need uniqueness, not secrecy, and this is much cheaper than os.urandom.
    rand = random.getrandbits(80)
    value = (ms & 0xFFFF_FFFF_FFFF) << 80 | rand & ((1 << 80) - 1)
    value = value & ~(0xF << 76) | 0x7 << 76  # version 7
    value = value & ~(0x3 << 62) | 0x2 << 62  # RFC 4122 variant
    return uuid.UUID(int=value)


@dataclass(frozen=True, slots=True)
class PlatformRecord:
    id: int
    name: str
    title: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class KeyRecord:
    """An API key as stored: never the key itself, only its hash and who it is for."""

    id: int
    prefix: str
    role: str
    platform_id: int | None
    platform_name: str | None
    label: str
    rate_limit: float | None
    created_at: datetime
    revoked_at: datetime | None


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
class AuditRecord:
    """One link of the audit chain; ``hash`` commits to every other field and ``prev_hash``."""

    seq: int
    ts: datetime
    actor: str
    action: str
    subject: str
    payload: dict[str, Any]
    prev_hash: str
    hash: str
