"""The whole human loop through HTTP, on both backends: report → case → claim → decide →
ladder → appeal → overturn by someone else → strike removed."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import Keys, auth, make_key
from tests.api.reviewing import Clock, item, report, screen
from wenming.runtime import Runtime
from wenming.service import audit
from wenming.service.keys import Role
from wenming.worker.loop import Worker, WorkerConfig


def test_report_to_overturned_appeal(client: TestClient, keys: Keys, runtime: Runtime) -> None:
    clock = runtime.clock = Clock()
    other_moderator = make_key(runtime, Role.MODERATOR)
    screen(client, keys.acme, "post-1", "selling the good stuff, dm me", author="u-1")

    # Anyone reports the post; the answer carries a status token and the case.
    receipt = report(
        client,
        item("post-1"),
        "drugs",
        text="they sell heroin in dms",
        contact="reporter@example.org",
    )
    case_id, token = receipt["case_id"], receipt["token"]
    status = client.get(receipt["status_url"]).json()
    assert status["status"] == "received" and status["outcome"] is None

    # The case waits in the urgent queue (drugs are severity 5 in the fixture policy).
    queues = {
        q["id"]: q
        for q in client.get("/v1/review/queues", headers=auth(keys.acme_moderator)).json()["queues"]
    }
    assert queues["urgent"]["open"] == 1 and queues["urgent"]["breached"] == 0
    listed = client.get(
        "/v1/cases", params={"queue": "urgent"}, headers=auth(keys.acme_moderator)
    ).json()
    assert [c["case_id"] for c in listed["cases"]] == [case_id] and listed["total"] == 1

    # A moderator claims it, sees the content and the report, and decides.
    r = client.post(f"/v1/cases/{case_id}/claim", headers=auth(keys.acme_moderator))
    assert r.status_code == 200 and r.json()["status"] == "claimed"
    detail = client.get(f"/v1/cases/{case_id}", headers=auth(keys.acme_moderator)).json()
    assert detail["item"]["text"].startswith("selling") and detail["item"]["author"] == "u-1"
    assert [x["text"] for x in detail["reports"]] == ["they sell heroin in dms"]
    assert detail["reports"][0]["contact"] is None  # only admins see how to reach a reporter
    assert any(t["id"] == "removed" for t in detail["templates"])
    clock.advance(minutes=5)
    r = client.post(
        f"/v1/cases/{case_id}/decision",
        headers=auth(keys.acme_moderator),
        json={"verdict": "block", "category": "drugs", "note": "clear sale offer"},
    )
    assert r.status_code == 200, r.text
    decided = r.json()
    decision_id = decided["decision_id"]
    assert decided["case"]["status"] == "decided" and decided["age_rating"] == "all"
    assert "removed" in decided["statement"] and "drugs" in decided["statement"]
    [consequence] = decided["consequences"]
    assert consequence["subject"] == {"type": "account", "platform": "acme", "id": "u-1"}
    assert consequence["sanction"]["action"] == "mute"  # weight 3 reaches the mute step

    # The decision joins the item's history; the account's ladder advanced.
    history = client.get("/v1/items/post-1", headers=auth(keys.acme)).json()["decisions"]
    assert history[0]["decision_id"] == decision_id and history[0]["automated"] is False
    account = client.get("/v1/accounts/acme/u-1", headers=auth(keys.acme)).json()
    assert account["status"] == "mute"
    assert [s["action"] for s in account["active_sanctions"]] == ["mute"]
    assert account["standings"] == [
        {"ladder": "default", "weight": 3.0, "step": 3, "action": "mute"}
    ]
    assert account["sanctions"][0]["statement"]["redress"].startswith("appeal")
    status = client.get(f"/v1/report-status/{token}").json()
    assert status["status"] == "decided" and status["outcome"] == "upheld"
    assert status["decision"]["verdict"] == "block"

    # The affected side appeals through its platform.
    r = client.post(
        "/v1/appeals",
        headers=auth(keys.acme),
        json={"decision_id": decision_id, "text": "it was a joke about sugar"},
    )
    assert r.status_code == 202, r.text
    appeal_id, appeal_case = r.json()["appeal_id"], r.json()["case_id"]
    again = client.post(
        "/v1/appeals", headers=auth(keys.acme), json={"decision_id": decision_id, "text": "again"}
    )
    assert again.status_code == 409
    assert client.get(f"/v1/report-status/{token}").json()["status"] == "appealed"

    # The moderator who decided may not review the appeal; another one overturns it.
    r = client.post(f"/v1/cases/{appeal_case}/claim", headers=auth(keys.acme_moderator))
    assert r.status_code == 403
    r = client.post(f"/v1/cases/{appeal_case}/claim", headers=auth(other_moderator))
    assert r.status_code == 200
    detail = client.get(f"/v1/cases/{appeal_case}", headers=auth(other_moderator)).json()
    assert detail["case"]["kind"] == "appeal" and detail["appealed_decision_id"] == decision_id
    assert detail["appeal"]["appellant"] == "affected"
    r = client.post(
        f"/v1/cases/{appeal_case}/decision",
        headers=auth(other_moderator),
        json={"verdict": "allow", "note": "context shows a joke"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["appeal_outcome"] == "overturned"

    # The strike is removed and the mute lifted; the reporter sees the new outcome.
    account = client.get("/v1/accounts/acme/u-1", headers=auth(keys.acme)).json()
    assert account["status"] == "ok" and account["active_sanctions"] == []
    [strike] = account["strikes"]
    assert strike["active"] is False and "overturned" in strike["removed_reason"]
    assert account["sanctions"][0]["lifted_at"] is not None
    appeal = client.get(f"/v1/appeals/{appeal_id}", headers=auth(keys.acme)).json()
    assert appeal["outcome"] == "overturned" and appeal["status"] == "decided"
    listed = client.get("/v1/appeals", headers=auth(keys.acme)).json()
    assert listed["counts"] == {"overturned": 1} and len(listed["appeals"]) == 1
    assert client.get("/v1/appeals", headers=auth(keys.other)).json()["counts"] == {}
    status = client.get(f"/v1/report-status/{token}").json()
    assert status["outcome"] == "rejected" and status["decision"]["verdict"] == "allow"
    assert status["decision"]["appeal_outcome"] == "overturned"

    # Every step is on the audit chain, and the chain holds.
    actions = [e.action for e in runtime.store.audit.audit_list()]
    for action in (
        "report.create",
        "case.decide",
        "strike.add",
        "sanction.apply",
        "appeal.create",
        "appeal.decide",
        "strike.remove",
        "sanction.lift",
    ):
        assert action in actions
    assert audit.verify(runtime.store).ok


def test_items_held_for_review_open_a_case(
    client: TestClient, keys: Keys, runtime: Runtime
) -> None:
    held = screen(client, keys.acme, "p-9", "buy followers now", author="u-9")
    assert held["verdict"] == "review"
    cases = client.get("/v1/cases", headers=auth(keys.admin)).json()["cases"]
    assert len(cases) == 1
    case = cases[0]
    assert case["source"] == "automated" and case["subject"]["id"] == "p-9"
    assert case["category"] == "spam"
    # A public report on the same item joins the case and lifts its priority.
    receipt = report(client, item("p-9"), "spam")
    assert receipt["case_id"] == case["case_id"]
    joined = client.get(f"/v1/cases/{case['case_id']}", headers=auth(keys.admin)).json()["case"]
    assert joined["source"] == "public" and joined["priority"] > case["priority"]
    # Re-sending the same item replays its decision and opens nothing new.
    screen(client, keys.acme, "p-9", "buy followers now", author="u-9")
    assert client.get("/v1/cases", headers=auth(keys.admin)).json()["total"] == 1


def test_items_held_by_the_workers_open_cases_once(
    client: TestClient, keys: Keys, runtime: Runtime
) -> None:
    body = {"items": [{"id": "w-1", "text": "buy followers"}, {"id": "w-2", "text": "hi"}]}
    assert client.post("/v1/items", json=body, headers=auth(keys.acme)).status_code == 202
    worker = Worker(runtime, WorkerConfig(name="review-test", reclaim_idle_ms=0, housekeeping_s=0))
    assert worker.drain(timeout_s=60)
    cases = client.get("/v1/cases", headers=auth(keys.admin)).json()["cases"]
    assert [(c["subject"]["id"], c["source"]) for c in cases] == [("w-1", "automated")]


def test_automated_decisions_can_be_appealed(client: TestClient, keys: Keys) -> None:
    blocked = screen(client, keys.acme, "auto-1", "heroin cake recipe", author="baker")
    assert blocked["verdict"] == "block"
    body = {"decision_id": blocked["decision_id"], "text": "it is a cake called heroin"}
    assert client.post("/v1/appeals", json=body).status_code == 403  # no key, no token
    assert client.post("/v1/appeals", json={**body, "token": "wr_nope"}).status_code == 403
    assert client.post("/v1/appeals", json=body, headers=auth(keys.other)).status_code == 404
    r = client.post("/v1/appeals", json=body, headers=auth(keys.acme))
    assert r.status_code == 202, r.text
    case_id = r.json()["case_id"]
    detail = client.get(f"/v1/cases/{case_id}", headers=auth(keys.acme_moderator)).json()
    assert detail["case"]["queue"] == "appeals" and detail["case"]["category"] == "drugs"
    assert detail["item_decisions"][0]["evidence"][0]["match"] == "heroin"
    r = client.post(
        f"/v1/cases/{case_id}/decision",
        headers=auth(keys.acme_moderator),
        json={"verdict": "allow", "template": "no_violation"},
    )
    assert r.status_code == 200 and r.json()["appeal_outcome"] == "overturned"
    history = client.get("/v1/items/auto-1", headers=auth(keys.acme)).json()["decisions"]
    assert [(d["verdict"], d["automated"]) for d in history] == [("allow", False), ("block", True)]
    feed = client.post("/v1/feed/filter", json={"items": ["auto-1"]}, headers=auth(keys.acme))
    assert feed.json()["results"][0]["show"] is True
