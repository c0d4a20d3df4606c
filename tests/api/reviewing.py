"""Helpers for the review tests: screen an item, report it, move the clock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import MAX_BODY, Keys, auth, make_key
from tests.databases import Database
from wenming.config import Settings
from wenming.detectors.screener import Screener
from wenming.runtime import Runtime
from wenming.server.app import create_app
from wenming.service.keys import Role


class Clock:
    """An injectable clock: ``runtime.clock = Clock()``, then ``advance(hours=25)``."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def screen(client: TestClient, key: str, item_id: str, text: str, **fields: Any) -> dict[str, Any]:
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


@contextmanager
def service_with_policy(
    db: Database, directory: Path, policy: str
) -> Iterator[tuple[TestClient, Runtime, Keys]]:
    """A client, runtime and keys like the conftest's, screening with ``policy`` (YAML)."""
    path = directory / "policy.yaml"
    path.write_text(policy, encoding="utf-8")
    settings = Settings(
        database_url=db.url,
        database_schema=db.schema,
        database_pool_size=4,
        max_body_bytes=MAX_BODY,
        rate_limit_per_second=0,
        report_rate_per_minute=0,
    )
    rt = Runtime.build(settings, screener=Screener.from_policy(path))
    keys = Keys(
        admin=make_key(rt, Role.ADMIN),
        acme=make_key(rt, Role.PLATFORM, "acme"),
        other=make_key(rt, Role.PLATFORM, "other"),
        viewer=make_key(rt, Role.VIEWER),
        flagger=make_key(rt, Role.FLAGGER),
        acme_moderator=make_key(rt, Role.MODERATOR, "acme"),
    )
    try:
        with TestClient(create_app(rt)) as c:
            yield c, rt, keys
    finally:
        rt.close()
