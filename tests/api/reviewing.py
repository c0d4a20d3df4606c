"""Helpers for the review tests: screen an item, report it, move the clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import auth


class Clock:
    """An injectable clock: ``runtime.clock = Clock()``, then ``advance(hours=25)``."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def screen(
    client: TestClient, key: str, item_id: str, text: str, **fields: Any
) -> dict[str, Any]:
    body = {"items": [{"id": item_id, "text": text, **fields}]}
    r = client.post("/v1/screen", json=body, headers=auth(key))
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()["results"][0]
    return result


def report(
    client: TestClient,
    subject: dict[str, str],
    category: str,
    *,
    text: str = "",
    key: str | None = None,
    contact: str | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"subject": subject, "category": category, "text": text}
    if contact is not None:
        body["contact"] = contact
    r = client.post("/v1/reports", json=body, headers=auth(key) if key else {})
    assert r.status_code == 202, r.text
    out: dict[str, Any] = r.json()
    return out


def item(item_id: str, platform: str = "acme") -> dict[str, str]:
    return {"type": "item", "platform": platform, "id": item_id}
