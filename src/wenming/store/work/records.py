"""Records of the work stream: outbox rows, sweeps, shadow decisions, claim keys."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

ClaimKey = tuple[uuid.UUID, str, str]  # item id, text hash, policy version


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: int
    platform_id: int
    payload: str
    created_at: datetime
    dead_at: datetime | None
    error: str | None


@dataclass(frozen=True, slots=True)
class SweepRecord:
    id: int
    policy_version: str
    policy_source: str
    platform_id: int | None
    since: datetime | None
    status: str
    cursor: uuid.UUID | None
    total: int
    enqueued: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class NewShadow:
    platform_id: int
    item_id: uuid.UUID
    text_hash: str
    policy_version: str
    live_policy_version: str
    live_verdict: str
    verdict: str
    live_labels: tuple[str, ...]
    labels: tuple[str, ...]
    scores: dict[str, float]
