"""Wire schemas of the work-stream endpoints: ingest, dead letters, queues, backtests.

The item shape is the one ``POST /v1/screen`` takes (:class:`ScreenItemIn`); only the
batch bound differs (10,000 items a call).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field

from wenming.api.schemas import Instant, ScreenItemIn
from wenming.service.ingest import MAX_ITEMS


class IngestRequest(BaseModel):
    items: Annotated[list[ScreenItemIn], Field(min_length=1, max_length=MAX_ITEMS)]


class IngestAccepted(BaseModel):
    accepted: int = Field(description="items durably enqueued")
    queue: str
    durable_in: str = Field(description="'redis' or 'database outbox'")


class DeadLetterOut(BaseModel):
    id: str = Field(description="the dead letter's own id")
    message_id: str = Field(description="the message's id in the work stream")
    queue: str
    error: str = Field(description="the last error, with where it was raised")
    deliveries: int
    consumer: str = Field(description="the worker that gave up on it")
    dead_at: datetime
    body: dict[str, Any] | None = Field(description="the message (null if undecodable)")
    raw: str | None = Field(default=None, description="the body as text, when not JSON")


class DeadLetters(BaseModel):
    dead_letters: list[DeadLetterOut]


class QueueOut(BaseModel):
    name: str
    durable: bool
    depth: int = Field(description="published, not yet delivered")
    pending: int = Field(description="delivered, not yet acknowledged")
    lag_seconds: float = Field(description="age of the oldest unacknowledged message")
    dead: int
    consumers: int


class Queues(BaseModel):
    queues: list[QueueOut]


class BacktestRequest(BaseModel):
    policy: Annotated[str, Field(min_length=1, max_length=2_000_000)] = Field(
        description="the candidate policy as YAML text; terms inline (list files are not "
        "read over the API)"
    )
    platform: str | None = Field(default=None, description="only this platform's items")
    since: Instant | None = Field(default=None, description="only items posted since")
    limit: Annotated[int, Field(ge=1, le=100_000)] = 10_000
    examples: Annotated[int, Field(ge=0, le=50)] = 3


class SweepOut(BaseModel):
    id: int
    policy_version: str
    platform_id: int | None
    since: datetime | None
    status: str
    total: int
    enqueued: int
    created_at: datetime
    updated_at: datetime


class Sweeps(BaseModel):
    sweeps: list[SweepOut]
