"""An app on a fresh database per test (both backends), with keys for every role."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from tests.databases import Database, db, pg_schema, service_screener, sqlite_template
from wenming.config import Settings
from wenming.detectors.screener import Screener
from wenming.runtime import Runtime
from wenming.server.app import create_app
from wenming.service import keys as key_service
from wenming.service.keys import Role

__all__ = ["db", "pg_schema", "service_screener", "sqlite_template"]

MAX_BODY = 64 * 1024


@pytest.fixture
def settings(db: Database) -> Settings:
    return Settings(
        database_url=db.url,
        database_schema=db.schema,
        database_pool_size=4,
        max_body_bytes=MAX_BODY,
        rate_limit_per_second=0,
        report_rate_per_minute=0,
    )


@pytest.fixture
def runtime(settings: Settings, service_screener: Screener) -> Iterator[Runtime]:
    rt = Runtime.build(settings, screener=service_screener)
    yield rt
    rt.close()


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


@dataclass(frozen=True)
class Keys:
    admin: str
    acme: str
    other: str
    viewer: str
    flagger: str
    acme_moderator: str


def make_key(
    runtime: Runtime, role: Role, platform: str | None = None, rate_limit: float | None = None
) -> str:
    return key_service.create(
        runtime.store,
        secret=runtime.settings.secret_key.get_secret_value(),
        role=role,
        platform=platform,
        label=f"test {role.value}",
        rate_limit=rate_limit,
        actor="test",
        now=datetime.now(UTC),
    ).token


@pytest.fixture
def keys(runtime: Runtime) -> Keys:
    return Keys(
        admin=make_key(runtime, Role.ADMIN),
        acme=make_key(runtime, Role.PLATFORM, "acme"),
        other=make_key(runtime, Role.PLATFORM, "other"),
        viewer=make_key(runtime, Role.VIEWER),
        flagger=make_key(runtime, Role.FLAGGER),
        acme_moderator=make_key(runtime, Role.MODERATOR, "acme"),
    )


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}
