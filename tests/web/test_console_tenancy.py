"""A moderator bound to one platform reads only that platform's audit entries."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient

from tests.web.conftest import sign_in
from wenming.core.model import Item
from wenming.runtime import Runtime
from wenming.service import keys as key_service
from wenming.service import screening
from wenming.service.keys import Role


def _key(rt: Runtime, role: Role, platform: str | None) -> str:
    return key_service.create(
        rt.store,
        secret=rt.settings.secret_key.get_secret_value(),
        role=role,
        platform=platform,
        label="tenancy",
        actor="test",
        now=datetime.now(UTC),
    ).token


def _screen(rt: Runtime, key: str, item: Item) -> None:
    principal = rt.keys.verify(key)
    assert principal is not None
    target = screening.platform_for_screening(rt.store, principal, None)
    screening.screen(rt.store, rt.screener, platform=target, principal=principal, items=[item])


def test_the_audit_page_shows_a_bound_moderator_only_their_platform(
    client: TestClient, seeded: Runtime
) -> None:
    other = _key(seeded, Role.PLATFORM, "other")
    _screen(seeded, other, Item("o1", "buy followers now", author="secret-author"))
    bound = _key(seeded, Role.MODERATOR, "acme")
    sign_in(client, bound)
    page = client.get("/console/audit")
    assert page.status_code == 200
    assert "platform:acme" in page.text
    assert "platform:other" not in page.text
    assert "key.create" not in page.text  # key creation is the operator's, not a tenant's
    # Filtering cannot reach around it either.
    assert "platform:other" not in client.get("/console/audit", params={"subject": "other"}).text
