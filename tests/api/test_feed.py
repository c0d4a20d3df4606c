"""Youth mode: ratings from the policy, feeds filtered, minor accounts always protected."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Keys, auth
from tests.api.reviewing import item, report, screen, service_with_policy
from tests.databases import Database
from wenming.runtime import Runtime

RATED_POLICY = """\
name: rated
categories:
  adult:
    age_rating: 18+
    terms: [nsfw]
    label_at: 0.5
  gore:
    age_rating: 16+
    terms: [gory]
    label_at: 0.5
  teen:
    age_rating: 12+
    terms: [scary]
    label_at: 0.5
  minors_unsuitable:
    age_rating: 18+
    terms: [casino]
    limit_at: 0.5
  drugs:
    severity: 5
    terms: [heroin]
    block_at: 0.9
  spam:
    terms: [buy followers]
    review_at: 0.5
"""


@pytest.fixture
def rated(db: Database, tmp_path: Path) -> Iterator[tuple[TestClient, Runtime, Keys]]:
    with service_with_policy(db, tmp_path, RATED_POLICY) as service:
        yield service


def _feed(client: TestClient, key: str, **body: Any) -> dict[str, Any]:
    r = client.post("/v1/feed/filter", json=body, headers=auth(key))
    assert r.status_code == 200, r.text
    out: dict[str, Any] = r.json()
    return out


def test_youth_mode_hides_what_the_age_excludes(
    rated: tuple[TestClient, Runtime, Keys],
) -> None:
    client, _, keys = rated
    texts = {
        "p-ok": "hello",
        "p-18": "nsfw pics",
        "p-16": "gory scene",
        "p-12": "scary story",
        "p-lim": "casino night",
        "p-blk": "heroin",
        "p-rev": "buy followers",
    }
    for ext, text in texts.items():
        screen(client, keys.acme, ext, text)
    ids = [*texts, "p-unknown"]
    adult = {r["id"]: r for r in _feed(client, keys.acme, items=ids)["results"]}
    assert [r["show"] for r in adult.values()] == [True, True, True, True, True, False, False, True]
    assert adult["p-18"]["age_rating"] == "18+" and adult["p-blk"]["reason"] == "blocked"
    assert adult["p-rev"]["reason"] == "held for review"
    teen = _feed(client, keys.acme, items=ids, youth_mode=True, age=16)
    shown = {r["id"] for r in teen["results"] if r["show"]}
    assert shown == {"p-ok", "p-16", "p-12"}
    child = _feed(client, keys.acme, items=ids, youth_mode=True)
    assert {r["id"] for r in child["results"] if r["show"]} == {"p-ok"}
    unknown = next(r for r in child["results"] if r["id"] == "p-unknown")
    assert unknown["reason"] == "not screened"


def test_minor_accounts_never_receive_what_their_rating_excludes(
    rated: tuple[TestClient, Runtime, Keys],
) -> None:
    client, _, keys = rated
    for ext, text in {"a": "hello", "b": "nsfw", "c": "scary"}.items():
        screen(client, keys.acme, ext, text)
    r = client.put(
        "/v1/minors/acme/kid-1", json={"minor": True, "age": 13}, headers=auth(keys.acme)
    )
    assert r.status_code == 204
    # The platform forgot youth mode and claimed an adult age: the flag still wins.
    out = _feed(client, keys.acme, items=["a", "b", "c"], account="kid-1", age=30)
    assert out["youth_mode"] is True and out["age"] == 13
    assert [r["show"] for r in out["results"]] == [True, False, True]
    assert client.get("/v1/accounts/acme/kid-1", headers=auth(keys.acme)).json()["minor"]
    # Cleared, the account is an adult's again.
    client.put("/v1/minors/acme/kid-1", json={"minor": False}, headers=auth(keys.acme))
    out = _feed(client, keys.acme, items=["a", "b", "c"], account="kid-1")
    assert out["youth_mode"] is False and all(r["show"] for r in out["results"])
    # Only the platform (or an admin) flags its accounts.
    r = client.put("/v1/minors/acme/kid-2", json={"minor": True}, headers=auth(keys.other))
    assert r.status_code == 404
    r = client.put("/v1/minors/acme/kid-2", json={"minor": True}, headers=auth(keys.acme_moderator))
    assert r.status_code == 403


def test_human_decisions_rate_content(rated: tuple[TestClient, Runtime, Keys]) -> None:
    client, _, keys = rated
    screen(client, keys.acme, "h", "an innocent looking post")
    case_id = report(client, item("h"), "adult")["case_id"]
    r = client.post(
        f"/v1/cases/{case_id}/decision",
        headers=auth(keys.admin),
        json={"verdict": "label", "category": "adult"},
    )
    assert r.status_code == 200 and r.json()["age_rating"] == "18+"
    out = _feed(client, keys.acme, items=["h"], youth_mode=True, age=17)
    assert out["results"][0] == {
        "id": "h",
        "show": False,
        "age_rating": "18+",
        "reason": "rated 18+",
    }
    # A later automated re-screen of the same text does not undo the human rating.
    screen(client, keys.acme, "h", "an innocent looking post")
    out = _feed(client, keys.acme, items=["h"], youth_mode=True, age=17)
    assert out["results"][0]["show"] is False
