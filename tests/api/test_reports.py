"""Reports: one case per subject under a flood, limits, durability, reporters kept private."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import MAX_BODY, Keys, auth, make_key
from tests.api.reviewing import item, report, screen
from tests.databases import Database
from wenming.config import Settings
from wenming.detectors.screener import Screener
from wenming.runtime import Runtime
from wenming.server.app import create_app
from wenming.service.keys import Role


def test_a_flood_of_duplicate_reports_makes_one_case(
    client: TestClient, keys: Keys, runtime: Runtime
) -> None:
    screen(client, keys.acme, "spam-1", "hello", author="spammer")
    flagger = make_key(runtime, Role.FLAGGER)

    def send(n: int) -> str:
        # Public reports (distinct reporters are told apart by key here) and a flagger.
        key = flagger if n == 0 else keys.viewer if n % 2 else keys.admin
        return str(report(client, item("spam-1"), "spam", text=f"spam #{n}", key=key)["case_id"])

    with ThreadPoolExecutor(8) as pool:
        case_ids = set(pool.map(send, range(40)))
    assert len(case_ids) == 1
    [case_id] = case_ids
    case = client.get(f"/v1/cases/{case_id}", headers=auth(keys.admin)).json()
    assert (case["case"]["report_count"], len(case["reports"])) == (40, 40)
    assert case["case"]["source"] == "flagger" and case["case"]["queue"] == "trusted_flaggers"
    # Three distinct reporters: more confident than one, far from 40 independent ones.
    assert 0.7 < case["case"]["confidence"] < 0.95
    assert client.get("/v1/cases", headers=auth(keys.admin)).json()["total"] == 1


def test_more_reporters_raise_priority_but_one_reporter_repeating_does_not(
    client: TestClient, keys: Keys, runtime: Runtime
) -> None:
    first = report(client, item("x-1"), "spam")
    base = runtime.store.review.case_get(uuid.UUID(first["case_id"]))
    assert base is not None
    report(client, item("x-1"), "spam")  # same address, same reporter
    same = runtime.store.review.case_get(base.id)
    assert same is not None and same.priority == base.priority and same.report_count == 2
    report(client, item("x-1"), "spam", key=keys.viewer)
    more = runtime.store.review.case_get(base.id)
    assert more is not None and more.priority > base.priority
    # A graver category moves the case to the urgent queue.
    report(client, item("x-1"), "drugs", key=keys.admin)
    graver = runtime.store.review.case_get(base.id)
    assert graver is not None and graver.queue == "urgent" and graver.category == "drugs"
    assert graver.due_at < more.due_at


def test_an_acknowledged_report_is_committed(
    client: TestClient, keys: Keys, runtime: Runtime, db: Database
) -> None:
    receipt = report(client, item("p"), "spam", text="still here?")
    # Another process (a fresh store on the same database) sees it at once.
    other = db.store()
    try:
        found = other.review.report_get(uuid.UUID(receipt["report_id"]))
        assert found is not None and found.text == "still here?"
        assert other.review.case_get(uuid.UUID(receipt["case_id"])) is not None
    finally:
        other.close()


def test_the_reported_party_never_learns_who_reported(
    client: TestClient, keys: Keys, runtime: Runtime
) -> None:
    flagger = make_key(runtime, Role.FLAGGER)
    screen(client, keys.acme, "post", "hi", author="target")
    receipt = report(
        client, item("post"), "drugs", text="x", key=flagger, contact="whistle@example.org"
    )
    r = client.post(
        f"/v1/cases/{receipt['case_id']}/decision",
        headers=auth(keys.admin),
        json={"verdict": "block", "category": "drugs"},
    )
    assert r.status_code == 200
    decision_id = r.json()["decision_id"]
    flagger_key_id = next(k.id for k in runtime.store.access.key_list() if k.role == "flagger")
    seen = [
        client.get("/v1/accounts/acme/target", headers=auth(keys.acme)).text,
        client.get(f"/v1/decisions/{decision_id}", headers=auth(keys.acme)).text,
        client.get("/v1/items/post", headers=auth(keys.acme)).text,
        client.get(f"/v1/report-status/{receipt['token']}").text,
    ]
    for text in seen:
        assert "whistle@example.org" not in text
        assert "test flagger" not in text and f"key:{flagger_key_id}" not in text
    # Platform keys cannot open cases (where reports are) at all.
    r = client.get(f"/v1/cases/{receipt['case_id']}", headers=auth(keys.acme))
    assert r.status_code == 403
    # The audit log names the source, not the reporter.
    entry = next(e for e in runtime.store.audit.audit_list() if e.action == "report.create")
    assert entry.actor == "flagger" and "whistle" not in json.dumps(entry.payload)
    # An admin reviewing the case can reach the reporter; a moderator sees the text only.
    admin_view = client.get(f"/v1/cases/{receipt['case_id']}", headers=auth(keys.admin)).json()
    assert admin_view["reports"][0]["contact"] == "whistle@example.org"


def test_bad_reports_are_refused_with_the_field(client: TestClient, keys: Keys) -> None:
    cases = [
        ({"subject": item("a"), "category": "nope"}, 422, "category"),
        ({"subject": {"type": "item", "id": "a"}, "category": "spam"}, 422, "subject.platform"),
        ({"subject": {"type": "planet", "id": "a"}, "category": "spam"}, 422, "subject.type"),
        ({"subject": item("a", platform="ghost"), "category": "spam"}, 404, "ghost"),
        ({"subject": {"type": "site", "id": "not a domain"}, "category": "spam"}, 422, "domain"),
        ({"subject": item("a"), "category": "spam", "text": "x\x00"}, 422, "text"),
        ({"subject": item("a" * 300), "category": "spam"}, 422, "subject.id"),
    ]
    for body, status, words in cases:
        r = client.post("/v1/reports", json=body)
        assert r.status_code == status, (body, r.text)
        assert words in r.json()["message"], r.json()
    r = client.get("/v1/report-status/wr_not-a-real-token")
    assert r.status_code == 404


def test_flagger_lane_and_accuracy(client: TestClient, keys: Keys, runtime: Runtime) -> None:
    flagger = make_key(runtime, Role.FLAGGER)
    a = report(client, item("f-1"), "spam", key=flagger)
    b = report(client, item("f-2"), "spam", key=flagger)
    for receipt, verdict in ((a, "block"), (b, "allow")):
        r = client.post(
            f"/v1/cases/{receipt['case_id']}/decision",
            headers=auth(keys.admin),
            json={"verdict": verdict, "category": "spam"},
        )
        assert r.status_code == 200, r.text
    mine = client.get("/v1/flaggers", headers=auth(flagger)).json()["flaggers"]
    assert [(f["reports"], f["decided"], f["upheld"], f["accuracy"]) for f in mine] == [
        (2, 2, 1, 0.5)
    ]
    assert (
        len(client.get("/v1/flaggers", headers=auth(keys.acme_moderator)).json()["flaggers"]) == 1
    )
    assert client.get("/v1/flaggers", headers=auth(keys.acme)).status_code == 403


@pytest.fixture
def limited_client(
    db: Database, service_screener: Screener
) -> Iterator[tuple[TestClient, Runtime]]:
    settings = Settings(
        database_url=db.url,
        database_schema=db.schema,
        database_pool_size=4,
        max_body_bytes=MAX_BODY,
        rate_limit_per_second=2,
        rate_limit_burst_seconds=1,
        report_rate_per_minute=6,
        report_burst=3,
    )
    rt = Runtime.build(settings, screener=service_screener)
    with TestClient(create_app(rt)) as c:
        yield c, rt
    rt.close()


def test_public_reports_are_rate_limited_per_address_and_key(
    limited_client: tuple[TestClient, Runtime],
) -> None:
    client, runtime = limited_client
    body = {"subject": item("z"), "category": "spam"}
    make_key(runtime, Role.PLATFORM, "acme")
    codes = [client.post("/v1/reports", json=body).status_code for _ in range(5)]
    assert codes == [202, 202, 202, 429, 429]
    r = client.post("/v1/reports", json=body)
    assert r.json()["code"] == "rate_limited" and int(r.headers["Retry-After"]) >= 1
    # A key has its own bucket.
    flagger = make_key(runtime, Role.FLAGGER)
    codes = [
        client.post("/v1/reports", json=body, headers=auth(flagger)).status_code for _ in range(4)
    ]
    assert codes[0] == 202 and 429 in codes
