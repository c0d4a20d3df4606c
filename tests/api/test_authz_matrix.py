"""The authorisation matrix: every route (API and pages) × every role and tenant.

The route list comes from the app itself, so a new route without a rule here fails
``test_every_route_has_a_rule``. Each rule names who may use the route; everyone else
must be refused (401/403, 404 where a record is hidden, or the console's sign-in page).
Placeholders address platform ``acme``'s records, so ``other`` (a platform key bound to
another platform) is refused wherever tenancy applies.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from fastapi.testclient import TestClient

from tests.api.conftest import Keys, make_key
from wenming.runtime import Runtime
from wenming.service.keys import Role
from wenming.web import console, public, reporting, review, rumors
from wenming.web.guard import SignInThrottle

PRINCIPALS = ("anon", "admin", "acme", "other", "viewer", "flagger", "moderator", "factchecker")
ANY = frozenset(PRINCIPALS)
KEYED = ANY - {"anon"}
READ = frozenset({"admin", "acme", "other", "viewer", "moderator", "factchecker"})
READ_ACME = READ - {"other"}
SCREEN_ACME = frozenset({"admin", "acme"})
MANAGE = frozenset({"admin"})
REVIEW = frozenset({"admin", "moderator"})
WRITE_FACTS = frozenset({"admin", "factchecker"})
CONSOLE = frozenset({"admin", "viewer", "moderator", "factchecker"})
U = str(uuid.UUID(int=7))
SINCE = "2026-01-01T00:00:00Z"
ITEM = {"items": [{"id": "m1", "text": "hello"}]}
REPORT = {"subject": {"type": "item", "platform": "acme", "id": "m1"}, "category": "spam"}
FACT = {"id": "fc-1", "claim": "the moon is made of cheese", "verdict": "false"}


@dataclass(frozen=True)
class Rule:
    url: str
    allowed: frozenset[str]
    body: Any = None
    form: dict[str, str] | None = None
    anything: bool = False  # any answer but a 5xx is right


RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/metrics"): Rule("/metrics", ANY),
    ("GET", "/healthz"): Rule("/healthz", ANY),
    ("GET", "/readyz"): Rule("/readyz", ANY),
    ("POST", "/v1/screen"): Rule("/v1/screen?platform=acme", SCREEN_ACME, ITEM),
    ("GET", "/v1/decisions/{decision_id}"): Rule(f"/v1/decisions/{U}", READ),
    ("GET", "/v1/items/{item_id}"): Rule("/v1/items/m1?platform=acme", READ_ACME),
    ("POST", "/v1/items"): Rule("/v1/items?platform=acme", SCREEN_ACME, ITEM),
    ("GET", "/v1/dead-letters"): Rule("/v1/dead-letters", MANAGE),
    ("GET", "/v1/queues"): Rule("/v1/queues", MANAGE),
    ("GET", "/v1/sweeps"): Rule("/v1/sweeps", MANAGE),
    ("POST", "/v1/backtests"): Rule("/v1/backtests", MANAGE, {"policy": "categories: {}"}),
    ("GET", "/v1/shadow"): Rule("/v1/shadow", MANAGE),
    # Anyone reports; a key bound to another platform cannot report acme's items.
    ("POST", "/v1/reports"): Rule("/v1/reports", ANY - {"other"}, REPORT),
    ("GET", "/v1/report-status/{token}"): Rule("/v1/report-status/nope", ANY),
    # A flagger key reads its own record; moderators and admins everyone's.
    ("GET", "/v1/flaggers"): Rule("/v1/flaggers", REVIEW | {"flagger"}),
    ("GET", "/v1/review/queues"): Rule("/v1/review/queues", REVIEW),
    ("GET", "/v1/cases"): Rule("/v1/cases", REVIEW),
    ("GET", "/v1/cases/{case_id}"): Rule(f"/v1/cases/{U}", REVIEW),
    ("POST", "/v1/cases/{case_id}/claim"): Rule(f"/v1/cases/{U}/claim", REVIEW, {}),
    ("POST", "/v1/cases/{case_id}/release"): Rule(f"/v1/cases/{U}/release", REVIEW, {}),
    ("POST", "/v1/cases/{case_id}/decision"): Rule(
        f"/v1/cases/{U}/decision", REVIEW, {"verdict": "allow"}
    ),
    ("POST", "/v1/cases/bulk-decision"): Rule(
        "/v1/cases/bulk-decision", REVIEW, {"case_ids": [U], "verdict": "allow"}
    ),
    ("POST", "/v1/appeals"): Rule("/v1/appeals", ANY, {"decision_id": U, "reason": "wrong"}),
    ("GET", "/v1/appeals"): Rule("/v1/appeals", READ | REVIEW),
    ("GET", "/v1/appeals/{appeal_id}"): Rule(f"/v1/appeals/{U}", READ | REVIEW),
    ("GET", "/v1/accounts/{platform}/{account_id}"): Rule("/v1/accounts/acme/u1", READ_ACME),
    ("PUT", "/v1/minors/{platform}/{account_id}"): Rule(
        "/v1/minors/acme/u1", SCREEN_ACME, {"minor": True}
    ),
    ("GET", "/v1/groups/{platform}/{group_id}"): Rule("/v1/groups/acme/g1", READ_ACME),
    ("GET", "/v1/sites/{domain}"): Rule("/v1/sites/example.com", READ),
    ("GET", "/v1/sanctions"): Rule(f"/v1/sanctions?platform=acme&since={SINCE}", READ_ACME),
    ("POST", "/v1/sanctions/{sanction_id}/lift"): Rule(
        f"/v1/sanctions/{U}/lift", MANAGE, {"reason": "by hand"}
    ),
    ("POST", "/v1/feed/filter"): Rule(
        "/v1/feed/filter", SCREEN_ACME | READ_ACME, {"items": ["m1"], "platform": "acme"}
    ),
    ("GET", "/v1/factchecks"): Rule("/v1/factchecks", ANY),
    ("POST", "/v1/factchecks"): Rule("/v1/factchecks", WRITE_FACTS, FACT),
    ("GET", "/v1/factchecks/{fid}/versions"): Rule("/v1/factchecks/fc-0/versions", ANY),
    ("GET", "/v1/factchecks/{fid}"): Rule("/v1/factchecks/fc-0", ANY),
    ("PUT", "/v1/factchecks/{fid}"): Rule("/v1/factchecks/fc-2", WRITE_FACTS, FACT | {"id": None}),
    ("DELETE", "/v1/factchecks/{fid}"): Rule("/v1/factchecks/fc-3", WRITE_FACTS),
    # Pages.
    ("GET", "/console/login"): Rule("/console/login", ANY),
    # Signing in and out are open to all (a wrong key is the 401 the form shows); they run
    # last, so the session under test is not ended early.
    ("POST", "/console/login"): Rule(
        "/console/login", ANY, form={"key": "wm_wrong"}, anything=True
    ),
    ("POST", "/console/logout"): Rule("/console/logout", ANY, form={}, anything=True),
    ("GET", "/console"): Rule("/console", CONSOLE),
    ("GET", "/console/items"): Rule("/console/items?q=x", CONSOLE),
    ("GET", "/console/items/{platform}/{external_id}"): Rule("/console/items/acme/m1", CONSOLE),
    ("GET", "/console/policy"): Rule("/console/policy", CONSOLE),
    ("GET", "/console/audit"): Rule("/console/audit", CONSOLE),
    ("GET", "/console/queues/{queue}"): Rule("/console/queues/default", REVIEW),
    ("GET", "/console/cases/{case_id}"): Rule(f"/console/cases/{U}", CONSOLE),
    ("POST", "/console/cases/{case_id}/decide"): Rule(
        f"/console/cases/{U}/decide", REVIEW, form={"verdict": "allow"}
    ),
    ("POST", "/console/cases/{case_id}/claim"): Rule(f"/console/cases/{U}/claim", REVIEW, form={}),
    ("GET", "/console/subjects/{kind}/{platform}/{ref:path}"): Rule(
        "/console/subjects/account/acme/u1", CONSOLE
    ),
    ("GET", "/"): Rule("/", ANY),
    ("GET", "/rules"): Rule("/rules", ANY),
    ("GET", "/report"): Rule("/report", ANY),
    ("POST", "/report"): Rule(
        "/report", ANY, form={"kind": "item", "platform": "acme", "ref": "m1", "category": "spam"}
    ),
    ("GET", "/report/status/{token}"): Rule("/report/status/nope", ANY),
    ("GET", "/rumors"): Rule("/rumors", ANY),
    ("GET", "/rumors/{fid}"): Rule("/rumors/fc-0", ANY),
}


def app_routes(client: TestClient) -> set[tuple[str, str]]:
    """Every (method, path) the app serves: the OpenAPI operations and the pages."""
    doc = client.app.openapi()  # type: ignore[attr-defined]
    routes = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}
    for module in (console, public, reporting, review, rumors):
        for route in module.router.routes:
            path = getattr(route, "path", "")
            routes |= {(m, path) for m in getattr(route, "methods", ()) if m != "HEAD"}
    return routes


def test_every_route_has_a_rule(client: TestClient) -> None:
    missing = sorted(app_routes(client) - set(RULES))
    assert missing == [], f"routes with no authorisation rule: {missing}"
    stale = sorted(set(RULES) - app_routes(client))
    assert stale == [], f"rules for routes that are gone: {stale}"


def _clients(client: TestClient, keys: Keys, factchecker: str) -> Iterator[tuple[str, str | None]]:
    tokens = {
        "admin": keys.admin,
        "acme": keys.acme,
        "other": keys.other,
        "viewer": keys.viewer,
        "flagger": keys.flagger,
        "moderator": keys.acme_moderator,
        "factchecker": factchecker,
    }
    yield "anon", None
    yield from tokens.items()


def _outcome(status: int, location: str) -> str:
    """``refused``, ``missing`` (the record is not there, or hidden) or ``served``."""
    if status in (401, 403) or (status == 303 and "/console/login" in location):
        return "refused"
    if status == 404:
        return "missing"
    if status == 303 and "error=" in location:
        # Console forms answer by sending the browser back with the service's message.
        message = unquote_plus(location.split("error=", 1)[1])
        return "refused" if "may not" in message else "missing"
    return "served"


def test_every_route_answers_every_role_and_tenant(
    client: TestClient, keys: Keys, runtime: Runtime
) -> None:
    factchecker = make_key(runtime, Role.FACTCHECKER)
    # Eight principals sign in (and fail) from one address: the throttle, tested in
    # tests/web/test_guard.py, would rightly stop them.
    client.app.state.sign_in_throttle = SignInThrottle(free=1000, max_wait=1)  # type: ignore[attr-defined]
    wrong: list[str] = []
    for who, token in _clients(client, keys, factchecker):
        client.cookies.clear()
        if token is not None:
            client.post("/console/login", data={"key": token}, follow_redirects=False)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        for (method, path), rule in sorted(RULES.items(), key=lambda kv: kv[1].anything):
            r = client.request(
                method,
                rule.url,
                headers=headers,
                json=rule.body,
                data=rule.form,
                follow_redirects=False,
            )
            outcome = _outcome(r.status_code, r.headers.get("location", ""))
            assert r.status_code < 500, (who, method, path, r.status_code, r.text[:300])
            if rule.anything:
                continue
            if who in rule.allowed and outcome == "refused":
                wrong.append(f"{who} refused {method} {path}: {r.status_code}")
            if who not in rule.allowed and outcome == "served":
                wrong.append(f"{who} allowed {method} {path}: {r.status_code}")
    assert wrong == [], "\n".join(wrong)
