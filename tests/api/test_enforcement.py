"""Enforcement ladders through HTTP: accounts climb, sanctions expire, groups and sites too."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Keys, auth, make_key
from tests.api.reviewing import Clock, item, report, screen, service_with_policy
from tests.databases import Database
from wenming.runtime import Runtime
from wenming.service.keys import Role


def _violation(
    client: TestClient, keys: Keys, n: int, category: str = "spam", **fields: Any
) -> dict[str, Any]:
    screen(client, keys.acme, f"v-{n}", f"post {n}", **fields)
    case_id = report(client, item(f"v-{n}"), category)["case_id"]
    r = client.post(
        f"/v1/cases/{case_id}/decision",
        headers=auth(keys.acme_moderator),
        json={"verdict": "block", "category": category},
    )
    assert r.status_code == 200, r.text
    out: dict[str, Any] = r.json()
    return out


def _account(client: TestClient, keys: Keys, account: str = "repeat") -> dict[str, Any]:
    r = client.get(f"/v1/accounts/acme/{account}", headers=auth(keys.acme))
    assert r.status_code == 200, r.text
    out: dict[str, Any] = r.json()
    return out


def test_an_account_climbs_its_ladder_and_sanctions_expire(
    client: TestClient, keys: Keys, runtime: Runtime
) -> None:
    clock = runtime.clock = Clock()
    actions = []
    for n in range(5):
        decided = _violation(client, keys, n, author="repeat")
        actions.append(decided["consequences"][0]["sanction"]["action"])
        clock.advance(minutes=1)
    # spam is severity 2: weight 1 a violation; steps at 1, 2, 3, 4 and 6.
    assert actions == ["warning", "strike", "mute", "suspend", "suspend"]
    state = _account(client, keys)
    assert state["status"] == "suspend"
    assert state["standings"][0]["weight"] == 5.0 and state["standings"][0]["step"] == 4
    mute = next(s for s in state["sanctions"] if s["action"] == "mute")
    assert mute["in_force"] is False or mute["ends_at"] is not None
    suspended = state["active_sanctions"][0]
    assert suspended["statement"]["what"].startswith("suspend for 7d")
    assert suspended["statement"]["territorial_scope"]

    # A week and a day later the suspensions have ended by themselves.
    clock.advance(days=8)
    state = _account(client, keys)
    assert state["status"] == "ok" and state["active_sanctions"] == []
    assert all(not s["in_force"] for s in state["sanctions"])
    # After 90 days the strikes have expired too: the next violation is a warning again.
    clock.advance(days=90)
    assert _account(client, keys)["standings"][0]["weight"] == 0.0
    decided = _violation(client, keys, 99, author="repeat")
    assert decided["consequences"][0]["sanction"]["action"] == "warning"


def test_severity_weighs_strikes(client: TestClient, keys: Keys, runtime: Runtime) -> None:
    # drugs is severity 5: one violation weighs 3 and lands on the mute step directly.
    decided = _violation(client, keys, 1, category="drugs", author="dealer")
    [c] = decided["consequences"]
    assert c["active_weight"] == 3.0 and c["sanction"]["action"] == "mute"
    assert _account(client, keys, "dealer")["status"] == "mute"


def test_groups_and_sites_accumulate_violations(
    client: TestClient, keys: Keys, runtime: Runtime
) -> None:
    for n in range(3):
        _violation(
            client,
            keys,
            n,
            author=f"member-{n}",
            group="g-1",
            urls=[f"https://shop{n}.scam-example.com/offer"],
        )
    group = client.get("/v1/groups/acme/g-1", headers=auth(keys.acme)).json()
    assert group["status"] == "restrict"  # warning at 1, restrict at 3
    assert [s["action"] for s in group["sanctions"]] == ["restrict", "warning", "warning"]
    # The site (by registrable domain) got a notice, then a rectification deadline.
    site = client.get("/v1/sites/scam-example.com", headers=auth(keys.admin)).json()
    assert site["subject"] == {"type": "site", "platform": "_web", "id": "scam-example.com"}
    assert [s["action"] for s in site["sanctions"]] == ["rectify", "notice", "notice"]
    assert site["active_sanctions"][0]["action"] == "rectify"
    assert site["active_sanctions"][0]["ends_at"] is not None
    assert site["violations"]["count"] == 3 and site["violations"]["window_days"] == 30
    # Anyone can report a site directly, by URL.
    receipt = report(client, {"type": "site", "id": "http://www.Scam-Example.com/x?y"}, "spam")
    case = client.get(f"/v1/cases/{receipt['case_id']}", headers=auth(keys.admin)).json()
    assert case["case"]["subject"]["id"] == "scam-example.com"
    assert case["author"]["violations"]["count"] == 3
    r = client.post(
        f"/v1/cases/{receipt['case_id']}/decision",
        headers=auth(keys.admin),
        json={"verdict": "block", "category": "spam"},
    )
    assert r.json()["consequences"][0]["subject"]["type"] == "site"
    site = client.get("/v1/sites/www.scam-example.com", headers=auth(keys.admin)).json()
    assert site["violations"]["count"] == 4
    assert client.get("/v1/sites/unknown.org", headers=auth(keys.admin)).status_code == 404


def test_reports_on_accounts_and_groups(client: TestClient, keys: Keys) -> None:
    receipt = report(client, {"type": "account", "platform": "acme", "id": "troll"}, "spam")
    r = client.post(
        f"/v1/cases/{receipt['case_id']}/decision",
        headers=auth(keys.admin),
        json={"verdict": "block"},
    )  # the case's category is the default
    assert r.status_code == 200, r.text
    assert r.json()["consequences"][0]["subject"]["id"] == "troll"
    assert _account(client, keys, "troll")["strikes"][0]["category"] == "spam"
    # A decision on an account cannot be appealed twice either, and reads as a ruling.
    r = client.post(
        "/v1/appeals",
        json={"decision_id": r.json()["decision_id"], "text": "not me", "token": receipt["token"]},
    )
    assert r.status_code == 202


def test_bulk_decisions_for_a_flood(client: TestClient, keys: Keys, runtime: Runtime) -> None:
    ids = [report(client, item(f"camp-{n}"), "spam")["case_id"] for n in range(6)]
    other = make_key(runtime, Role.MODERATOR)
    assert client.post(f"/v1/cases/{ids[0]}/claim", headers=auth(other)).status_code == 200
    r = client.post(
        "/v1/cases/bulk-decision",
        headers=auth(keys.acme_moderator),
        json={
            "case_ids": ids,
            "verdict": "block",
            "category": "spam",
            "template": "removed",
            "note": "campaign",
        },
    )
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["decided"] == 5
    assert out["results"][0]["error"]["code"] == "conflict"
    assert all(x["decision_id"] for x in out["results"][1:])
    r = client.post(
        "/v1/cases/bulk-decision",
        headers=auth(keys.acme_moderator),
        json={"case_ids": [], "verdict": "block"},
    )
    assert r.status_code == 422


def test_admins_lift_sanctions_by_hand(client: TestClient, keys: Keys) -> None:
    decided = _violation(client, keys, 1, category="drugs", author="lifted")
    sanction_id = decided["consequences"][0]["sanction"]["sanction_id"]
    body = {"reason": "court order"}
    r = client.post(f"/v1/sanctions/{sanction_id}/lift", json=body, headers=auth(keys.acme))
    assert r.status_code == 403
    r = client.post(f"/v1/sanctions/{sanction_id}/lift", json=body, headers=auth(keys.admin))
    assert r.status_code == 200 and r.json()["lift_reason"] == "court order"
    assert _account(client, keys, "lifted")["status"] == "ok"
    r = client.post(f"/v1/sanctions/{sanction_id}/lift", json=body, headers=auth(keys.admin))
    assert r.status_code == 404


def test_platform_keys_see_only_their_accounts(client: TestClient, keys: Keys) -> None:
    _violation(client, keys, 1, author="mine")
    assert client.get("/v1/accounts/acme/mine", headers=auth(keys.other)).status_code == 404
    assert client.get("/v1/accounts/acme/nobody", headers=auth(keys.acme)).status_code == 404


CUSTOM_POLICY = """\
name: ladders
categories:
  fraud:
    severity: 4
    terms: [wire the money]
    review_at: 0.5
  spam:
    severity: 1
    terms: [buy now]
    label_at: 0.5
queues:
  fraud_desk: {sla: 2h, categories: [fraud]}
  rest: {sla: 3d}
ladders:
  account:
    fraud:
      strike_weights: {4: 10}
      steps: [{at: 10, action: ban}]
    default:
      strike_expiry: never
      steps: [{at: 2, action: mute, duration: 90m}]
reason_templates:
  fraud_gone:
    verdicts: [block]
    categories: [fraud]
    text: {en: "Fraud ({category}) is removed on sight."}
"""


@pytest.fixture
def custom(db: Database, tmp_path: Path) -> Iterator[tuple[TestClient, Runtime, Keys]]:
    with service_with_policy(db, tmp_path, CUSTOM_POLICY) as service:
        yield service


def test_the_policy_defines_queues_ladders_and_templates(
    custom: tuple[TestClient, Runtime, Keys],
) -> None:
    client, _, keys = custom
    queues = client.get("/v1/review/queues", headers=auth(keys.admin)).json()["queues"]
    assert [(q["id"], q["sla_seconds"]) for q in queues] == [("fraud_desk", 7200), ("rest", 259200)]
    held = screen(client, keys.acme, "f-1", "please wire the money", author="crook")
    assert held["verdict"] == "review"
    [case] = client.get("/v1/cases", headers=auth(keys.admin)).json()["cases"]
    assert case["queue"] == "fraud_desk"
    detail = client.get(f"/v1/cases/{case['case_id']}", headers=auth(keys.admin)).json()
    assert [t["id"] for t in detail["templates"]] == ["fraud_gone"]
    r = client.post(
        f"/v1/cases/{case['case_id']}/decision",
        headers=auth(keys.admin),
        json={"verdict": "block", "template": "fraud_gone"},
    )
    assert r.status_code == 200, r.text
    assert "Fraud (fraud) is removed on sight." in r.json()["statement"]
    assert r.json()["consequences"][0]["sanction"]["action"] == "ban"
    # spam climbs the default ladder: no sanction at weight 1, a 90-minute mute at 2.
    actions = []
    for n in range(2):
        screen(client, keys.acme, f"s-{n}", "hello", author="spammy")
        cid = report(client, item(f"s-{n}"), "spam")["case_id"]
        r = client.post(
            f"/v1/cases/{cid}/decision",
            headers=auth(keys.admin),
            json={"verdict": "block", "category": "spam"},
        )
        sanction = r.json()["consequences"][0]["sanction"]
        actions.append(sanction["action"] if sanction else None)
    assert actions == [None, "mute"]
    # Templates must fit the verdict.
    cid = report(client, item("s-9"), "spam")["case_id"]
    r = client.post(
        f"/v1/cases/{cid}/decision",
        headers=auth(keys.admin),
        json={"verdict": "allow", "template": "fraud_gone"},
    )
    assert r.status_code == 422 and "template" in r.json()["message"]


def test_concurrent_violations_climb_one_step_each(
    client: TestClient, keys: Keys, runtime: Runtime
) -> None:
    mods = [make_key(runtime, Role.MODERATOR) for _ in range(4)]
    cases = []
    for n in range(4):
        screen(client, keys.acme, f"c-{n}", f"post {n}", author="busy")
        cases.append(report(client, item(f"c-{n}"), "spam")["case_id"])

    def decide(n: int) -> str:
        r = client.post(
            f"/v1/cases/{cases[n]}/decision",
            headers=auth(mods[n]),
            json={"verdict": "block", "category": "spam"},
        )
        assert r.status_code == 200, r.text
        return str(r.json()["consequences"][0]["sanction"]["action"])

    with ThreadPoolExecutor(4) as pool:
        actions = list(pool.map(decide, range(4)))
    assert sorted(actions) == sorted(["warning", "strike", "mute", "suspend"])
    assert _account(client, keys, "busy")["standings"][0]["weight"] == 4.0


def test_platforms_poll_the_sanctions_to_enforce(
    client: TestClient, keys: Keys, runtime: Runtime
) -> None:
    clock = runtime.clock = Clock()
    start = clock.now.isoformat()
    decided = _violation(client, keys, 1, category="drugs", author="polled")
    feed = client.get("/v1/sanctions", params={"since": start}, headers=auth(keys.acme)).json()
    [change] = feed["changes"]
    assert change["subject"] == {"type": "account", "platform": "acme", "id": "polled"}
    assert change["sanction"]["action"] == "mute" and change["sanction"]["in_force"]
    assert (
        client.get("/v1/sanctions", params={"since": start}, headers=auth(keys.other)).json()[
            "changes"
        ]
        == []
    )
    clock.advance(hours=1)
    later = clock.now.isoformat()
    assert (
        client.get("/v1/sanctions", params={"since": later}, headers=auth(keys.acme)).json()[
            "changes"
        ]
        == []
    )
    sanction_id = decided["consequences"][0]["sanction"]["sanction_id"]
    client.post(
        f"/v1/sanctions/{sanction_id}/lift", json={"reason": "error"}, headers=auth(keys.admin)
    )
    [lifted] = client.get("/v1/sanctions", params={"since": later}, headers=auth(keys.acme)).json()[
        "changes"
    ]
    assert lifted["sanction"]["lifted_at"] is not None
    r = client.get("/v1/sanctions", params={"since": start}, headers=auth(keys.admin))
    assert r.status_code == 422 and "platform" in r.json()["message"]


def test_each_tenant_site_on_a_shared_host_is_its_own_unit(client: TestClient, keys: Keys) -> None:
    # github.io and vercel.app are in the Public Suffix List's private section: a
    # sanction on evil.github.io must not touch every other GitHub Pages site.
    _violation(client, keys, 0, urls=["https://evil.github.io/phish"])
    _violation(client, keys, 1, urls=["https://app.evil.vercel.app/x"])
    evil = client.get("/v1/sites/www.evil.github.io", headers=auth(keys.admin))
    assert evil.status_code == 200 and evil.json()["subject"]["id"] == "evil.github.io"
    assert client.get("/v1/sites/good.github.io", headers=auth(keys.admin)).status_code == 404
    vercel = client.get("/v1/sites/evil.vercel.app", headers=auth(keys.admin)).json()
    assert vercel["subject"]["id"] == "evil.vercel.app"
    assert client.get("/v1/sites/github.io", headers=auth(keys.admin)).status_code == 422


def test_what_a_platform_key_sees_of_a_site(client: TestClient, keys: Keys) -> None:
    # Sites are shared: every platform must enforce a site's sanctions, so any platform
    # key reads a site's standing. The decisions behind it stay their platform's own.
    decided = _violation(client, keys, 0, urls=["https://scam-example.com/x"])
    site = client.get("/v1/sites/scam-example.com", headers=auth(keys.other))
    assert site.status_code == 200
    assert [s["action"] for s in site.json()["sanctions"]] == ["notice"]
    decision_id = site.json()["strikes"][0]["decision_id"]
    assert decision_id == decided["decision_id"]
    assert client.get(f"/v1/decisions/{decision_id}", headers=auth(keys.other)).status_code == 404
    assert client.get(f"/v1/decisions/{decision_id}", headers=auth(keys.acme)).status_code == 200
    assert site.json()["decisions"] == []  # no items of any platform ride along
