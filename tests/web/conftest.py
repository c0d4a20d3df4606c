"""A served app on a fresh SQLite database, with demo content and keys, for page tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from wenming.config import Settings
from wenming.core.model import Item
from wenming.runtime import Runtime
from wenming.server.app import create_app
from wenming.service import keys as key_service
from wenming.service import screening
from wenming.service.keys import Role


@dataclass(frozen=True)
class Keys:
    admin: str
    moderator: str
    viewer: str
    platform: str


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'web.db'}", rate_limit_per_second=0)
    rt = Runtime.build(settings, migrate_db=True)
    yield rt
    rt.close()


def _key(rt: Runtime, role: Role, platform: str | None = None) -> str:
    return key_service.create(
        rt.store,
        secret=rt.settings.secret_key.get_secret_value(),
        role=role,
        platform=platform,
        label=f"web {role.value}",
        actor="test",
        now=datetime.now(UTC),
    ).token


@pytest.fixture
def keys(runtime: Runtime) -> Keys:
    return Keys(
        admin=_key(runtime, Role.ADMIN),
        moderator=_key(runtime, Role.MODERATOR),
        viewer=_key(runtime, Role.VIEWER),
        platform=_key(runtime, Role.PLATFORM, "acme"),
    )


@pytest.fixture
def seeded(runtime: Runtime, keys: Keys) -> Runtime:
    principal = runtime.keys.verify(keys.platform)
    assert principal is not None
    items = [
        Item("p1", "你这个傻 逼，加🍎微🍎信领福利", author="u1"),
        Item("p2", "lovely weather for a walk", author="u1"),
        Item("p3", "f.u.c.k you idiot", author="u2"),
    ]
    platform = screening.platform_for_screening(runtime.store, principal, None)
    screening.screen(
        runtime.store, runtime.screener, platform=platform, principal=principal, items=items
    )
    return runtime


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def sign_in(client: TestClient, key: str) -> None:
    r = client.post("/console/login", data={"key": key, "next": "/console"}, follow_redirects=False)
    assert r.status_code == 303, r.text
