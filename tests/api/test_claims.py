"""No two moderators hold one case: claims and decisions race safely (both backends; the
PostgreSQL runs are the real race, one connection per thread)."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from tests.api.conftest import Keys, auth, make_key
from tests.api.reviewing import Clock, item, report
from tests.databases import Database
from wenming.runtime import Runtime
from wenming.service import review
from wenming.service.errors import ConflictError
from wenming.service.keys import Role


def _race(n: int, action: object) -> list[object]:
    barrier = threading.Barrier(n)

    def run(i: int) -> object:
        barrier.wait()
        return action(i)  # type: ignore[operator]

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))


def test_two_moderators_cannot_claim_one_case(
    client: TestClient, keys: Keys, runtime: Runtime
) -> None:
    moderators = [make_key(runtime, Role.MODERATOR) for _ in range(4)]
    for round_ in range(5):
        case_id = report(client, item(f"race-{round_}"), "spam")["case_id"]
        codes = _race(
            4,
            lambda i, c=case_id: (
                client.post(f"/v1/cases/{c}/claim", headers=auth(moderators[i])).status_code
            ),
        )
        assert sorted(codes) == [200, 409, 409, 409], codes  # type: ignore[type-var]
        holder = client.get(f"/v1/cases/{case_id}", headers=auth(keys.admin)).json()["case"]
        assert holder["status"] == "claimed" and holder["assignee"] is not None


def test_claims_race_across_separate_connection_pools(
    client: TestClient, keys: Keys, runtime: Runtime, db: Database
) -> None:
    """Two stores (as two server processes would have) claim the same cases at once."""
    mods = [make_key(runtime, Role.MODERATOR) for _ in range(2)]
    principals = [runtime.keys.verify(m) for m in mods]
    stores = [db.store(), db.store()]
    try:
        for round_ in range(10):
            case_id = uuid.UUID(report(client, item(f"pool-{round_}"), "spam")["case_id"])

            def claim(i: int, c: uuid.UUID = case_id) -> str:
                p = principals[i]
                assert p is not None
                try:
                    review.claim(stores[i], p, c, now=datetime.now(UTC), claim_timeout=600)
                except ConflictError:
                    return "lost"
                return "won"

            assert sorted(_race(2, claim)) == ["lost", "won"]  # type: ignore[type-var]
    finally:
        for s in stores:
            s.close()


def test_two_moderators_deciding_at_once_make_one_decision(
    client: TestClient, keys: Keys, runtime: Runtime
) -> None:
    moderators = [make_key(runtime, Role.MODERATOR) for _ in range(3)]
    case_id = report(client, item("both"), "spam")["case_id"]
    body = {"verdict": "block", "category": "spam"}
    codes = _race(
        3,
        lambda i: (
            client.post(
                f"/v1/cases/{case_id}/decision", json=body, headers=auth(moderators[i])
            ).status_code
        ),
    )
    assert sorted(codes) == [200, 409, 409], codes  # type: ignore[type-var]
    rs = runtime.store.review
    assert len(rs.case_decision_list([uuid.UUID(case_id)])) == 1


def test_claims_hold_until_released_or_stale(
    client: TestClient, keys: Keys, runtime: Runtime
) -> None:
    clock = runtime.clock = Clock()
    a, b = make_key(runtime, Role.MODERATOR), make_key(runtime, Role.MODERATOR)
    case_id = report(client, item("held"), "spam")["case_id"]
    assert client.post(f"/v1/cases/{case_id}/claim", headers=auth(a)).status_code == 200
    # Claiming again is harmless; someone else is refused, and cannot decide it either.
    assert client.post(f"/v1/cases/{case_id}/claim", headers=auth(a)).status_code == 200
    r = client.post(f"/v1/cases/{case_id}/claim", headers=auth(b))
    assert r.status_code == 409 and "claimed by" in r.json()["message"]
    r = client.post(f"/v1/cases/{case_id}/decision", headers=auth(b), json={"verdict": "allow"})
    assert r.status_code == 409
    mine = client.get("/v1/cases", params={"assignee": "me"}, headers=auth(a)).json()
    assert [c["case_id"] for c in mine["cases"]] == [case_id]
    # Released, anyone may take it.
    assert client.post(f"/v1/cases/{case_id}/release", headers=auth(b)).status_code == 409
    assert client.post(f"/v1/cases/{case_id}/release", headers=auth(a)).status_code == 200
    assert client.post(f"/v1/cases/{case_id}/claim", headers=auth(b)).status_code == 200
    # A claim left past the claim timeout can be taken over.
    clock.advance(seconds=runtime.settings.claim_timeout_seconds + 1)
    assert client.post(f"/v1/cases/{case_id}/claim", headers=auth(a)).status_code == 200
    # A decided case cannot be claimed.
    r = client.post(f"/v1/cases/{case_id}/decision", headers=auth(a), json={"verdict": "allow"})
    assert r.status_code == 200
    r = client.post(f"/v1/cases/{case_id}/claim", headers=auth(b))
    assert r.status_code == 409 and "already decided" in r.json()["message"]


def test_review_needs_a_moderator_of_the_platform(
    client: TestClient, keys: Keys, runtime: Runtime
) -> None:
    case_id = report(client, item("t", platform="acme"), "spam")["case_id"]
    other_mod = make_key(runtime, Role.MODERATOR, "other")
    for key in (keys.acme, keys.viewer, keys.flagger):
        assert client.post(f"/v1/cases/{case_id}/claim", headers=auth(key)).status_code == 403
    assert client.post(f"/v1/cases/{case_id}/claim", headers=auth(other_mod)).status_code == 404
    assert client.get("/v1/cases", headers=auth(other_mod)).json()["total"] == 0
    assert client.get("/v1/cases", headers=auth(keys.acme_moderator)).json()["total"] == 1
    assert (
        client.post(f"/v1/cases/{uuid.uuid4()}/claim", headers=auth(keys.admin)).status_code == 404
    )
