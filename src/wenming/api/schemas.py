"""Wire schemas of the HTTP API, and the explicit mapping from store records to them.

These pydantic models are the public contract (they make the OpenAPI document); store
rows never leave the service as responses. Text fields refuse what the databases cannot
keep (NUL characters, lone surrogates) with a 422 naming the field, rather than failing
later as a 500.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from wenming.core.model import Item
from wenming.store import DecisionRecord, ItemRecord
from wenming.store.items.records import EARLIEST, LATEST, storable_instant

MAX_ITEMS = 1000
# Pagination offsets stop well below what a 64-bit database integer holds.
MAX_OFFSET = 1_000_000_000


def _storable(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode (it contains a lone surrogate)") from None
    return value


def _int_as_str(value: object) -> object:
    # Platforms often number their posts; accept 123 as "123", but not 1.5 or true.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _sane_instant(value: datetime) -> datetime:
    if not storable_instant(value):
        raise ValueError(
            f"must lie between {EARLIEST.date().isoformat()} and {LATEST.date().isoformat()}"
        )
    return value


Text = Annotated[str, AfterValidator(_storable)]
Instant = Annotated[datetime, AfterValidator(_sane_instant)]
Ref = Annotated[str, BeforeValidator(_int_as_str), Field(min_length=1, max_length=256)]


class ScreenItemIn(BaseModel):
    """One item to screen; ``id`` is the platform's own id for it."""

    model_config = ConfigDict(extra="ignore")

    id: Annotated[Ref, AfterValidator(_storable)]
    text: Annotated[Text, Field(max_length=100_000)]
    author: Annotated[Ref, AfterValidator(_storable)] | None = None
    group: Annotated[Ref, AfterValidator(_storable)] | None = None
    lang: Annotated[Text, Field(max_length=35)] | None = None
    created_at: Instant | None = Field(
        default=None, description="when the item was posted (ISO 8601)"
    )
    urls: Annotated[list[Annotated[Text, Field(max_length=2048)]], Field(max_length=100)] = []

    def to_item(self) -> Item:
        return Item(
            id=self.id,
            text=self.text,
            author=self.author,
            group=self.group,
            lang=self.lang,
            created_at=self.created_at.isoformat() if self.created_at else None,
            urls=tuple(self.urls),
        )


class ScreenRequest(BaseModel):
    items: Annotated[list[ScreenItemIn], Field(min_length=1, max_length=MAX_ITEMS)]


class Evidence(BaseModel):
    """Where and why: a span of the original text (``start``/``end``, end exclusive)."""

    model_config = ConfigDict(extra="allow")

    category: str
    detector: str
    start: int | None = None
    end: int | None = None
    match: str = ""
    score: float | None = None


class ScreenResult(BaseModel):
    id: str = Field(description="the item id that was sent")
    decision_id: str
    verdict: str = Field(description="allow, label, limit, review or block")
    labels: list[str]
    scores: dict[str, float]
    evidence: list[Evidence]
    reasons: list[str]
    policy_version: str
    replayed: bool = Field(description="true when this is the decision stored earlier")


class ScreenResponse(BaseModel):
    results: list[ScreenResult]


class DecisionOut(BaseModel):
    decision_id: str
    platform: str
    item_id: str
    verdict: str
    labels: list[str]
    scores: dict[str, float]
    evidence: list[Evidence]
    reasons: list[str]
    policy_version: str
    automated: bool
    actor: str | None = Field(description="key:<id> or the user who decided")
    statement: str = Field(description="statement of reasons")
    created_at: datetime


class ItemOut(BaseModel):
    id: str
    platform: str
    text: str
    text_hash: str
    author: str | None
    group: str | None
    lang: str | None
    urls: list[str]
    posted_at: datetime | None
    created_at: datetime
    updated_at: datetime


class ItemHistory(BaseModel):
    item: ItemOut
    decisions: list[DecisionOut] = Field(description="newest first")


class ErrorOut(BaseModel):
    code: str = Field(description="stable, machine-readable")
    message: str = Field(description="for people")


class Health(BaseModel):
    status: str


def screen_result(d: DecisionRecord, *, replayed: bool) -> dict[str, Any]:
    """A :class:`ScreenResult` as a plain dict (the hot path serialises it directly)."""
    return {
        "id": d.item_external_id,
        "decision_id": str(d.id),
        "verdict": d.verdict,
        "labels": list(d.labels),
        "scores": d.scores,
        "evidence": d.evidence,
        "reasons": list(d.reasons),
        "policy_version": d.policy_version,
        "replayed": replayed,
    }


def decision_out(d: DecisionRecord) -> DecisionOut:
    if d.actor_user:
        actor: str | None = d.actor_user
    else:
        actor = f"key:{d.actor_key_id}" if d.actor_key_id is not None else None
    return DecisionOut(
        decision_id=str(d.id),
        platform=d.platform_name,
        item_id=d.item_external_id,
        verdict=d.verdict,
        labels=list(d.labels),
        scores=d.scores,
        evidence=[Evidence.model_validate(e) for e in d.evidence],
        reasons=list(d.reasons),
        policy_version=d.policy_version,
        automated=d.automated,
        actor=actor,
        statement=d.statement,
        created_at=d.created_at,
    )


def item_out(i: ItemRecord) -> ItemOut:
    return ItemOut(
        id=i.external_id,
        platform=i.platform_name,
        text=i.text,
        text_hash=i.text_hash,
        author=i.author,
        group=i.group,
        lang=i.lang,
        urls=list(i.urls),
        posted_at=i.posted_at,
        created_at=i.created_at,
        updated_at=i.updated_at,
    )
