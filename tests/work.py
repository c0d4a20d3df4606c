"""Helpers for work-stream tests: runtimes on a test database (and a queue), platforms,
items, and a screener that crashes on purpose."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from tests.databases import Database
from wenming.config import Settings
from wenming.core.model import Decision, Item
from wenming.runtime import Runtime
from wenming.service import keys as key_service
from wenming.service.keys import Role
from wenming.service.screening import PolicyLike, ScreenerLike
from wenming.store import PlatformRecord

POISON = "POISON-PILL"


def work_settings(db: Database, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": db.url,
        "database_schema": db.schema,
        "database_pool_size": 4,
        "rate_limit_per_second": 0,
        "max_deliveries": 2,
        "reclaim_idle_seconds": 0.05,
    }
    values.update(overrides)
    return Settings(**values)


def platform(rt: Runtime, name: str = "acme") -> PlatformRecord:
    key_token(rt, Role.PLATFORM, name)
    found = rt.store.access.platform_by_name(name)
    assert found is not None
    return found


def key_token(rt: Runtime, role: Role, name: str | None = None) -> str:
    return key_service.create(
        rt.store,
        secret=rt.settings.secret_key.get_secret_value(),
        role=role,
        platform=name,
        label="test",
        actor="test",
        now=datetime.now(UTC),
    ).token


def items(n: int, *, prefix: str = "p", poison: Sequence[int] = ()) -> list[Item]:
    """``n`` items; every third says 'buy followers' (review), every fifth 'heroin' (block)."""
    out = []
    for i in range(n):
        text = f"post {i}"
        if i % 3 == 0:
            text += " buy followers"
        if i % 5 == 0:
            text += " heroin"
        if i in poison:
            text += f" {POISON}"
        out.append(Item(id=f"{prefix}{i}", text=text, author=f"user{i % 7}"))
    return out


class PoisonScreener:
    """Screens like ``inner`` but raises on any batch holding an item that says POISON."""

    def __init__(self, inner: ScreenerLike) -> None:
        self.inner = inner
        self.calls = 0

    @property
    def policy(self) -> PolicyLike:
        return self.inner.policy

    def screen(self, batch: Sequence[Item]) -> list[Decision]:
        self.calls += 1
        if any(POISON in it.text for it in batch):
            raise RuntimeError("detector crashed on a poison pill")
        return self.inner.screen(batch)
