"""The web UI through HTTP: languages, the public pages, console sign-in and pages."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from tests.web.conftest import Keys, sign_in
from wenming.core.policy import Policy
from wenming.runtime import Runtime
from wenming.service import users
from wenming.service.errors import InvalidError
from wenming.service.keys import Role


def test_landing_page_speaks_the_browsers_language(client: TestClient) -> None:
    en = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert en.status_code == 200
    assert "A clean and civil online space" in en.text and 'lang="en"' in en.text
    zh = client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    assert "清朗文明的网络空间" in zh.text and 'lang="zh-CN"' in zh.text


def test_the_switcher_choice_is_remembered(client: TestClient) -> None:
    r = client.get("/?lang=zh_CN", headers={"Accept-Language": "en"})
    assert "清朗文明的网络空间" in r.text
    assert r.cookies.get("wenming_lang") == "zh_CN"
    again = client.get("/rules", headers={"Accept-Language": "en"})
    assert "社区规则" in again.text


def test_rules_list_the_policys_categories(client: TestClient, runtime: Runtime) -> None:
    r = client.get("/rules", headers={"Accept-Language": "en"})
    policy = runtime.screener.policy
    assert isinstance(policy, Policy)
    for c in policy.categories.values():
        assert c.title["en"] in r.text
    assert runtime.screener.policy.version in r.text


def test_console_needs_a_console_key(client: TestClient, keys: Keys) -> None:
    r = client.get("/console/items", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/console/login")
    bad = client.post("/console/login", data={"key": "wm_nope"}, follow_redirects=False)
    assert bad.status_code == 401
    platform = client.post("/console/login", data={"key": keys.platform}, follow_redirects=False)
    assert platform.status_code == 401  # platform keys are for the API, not the console
    sign_in(client, keys.viewer)
    assert client.get("/console").status_code == 200
    client.post("/console/logout")
    assert client.get("/console", follow_redirects=False).status_code == 303


def test_search_and_item_page_show_highlighted_evidence(
    client: TestClient, seeded: Runtime, keys: Keys
) -> None:
    sign_in(client, keys.moderator)
    found = client.get("/console/items", params={"q": "傻"})
    assert "acme/p1" in found.text and "acme/p2" not in found.text
    by_verdict = client.get("/console/items", params={"verdict": "allow"})
    assert "acme/p2" in by_verdict.text and "acme/p1" not in by_verdict.text
    by_author = client.get("/console/items", params={"author": "u2"})
    assert "acme/p3" in by_author.text and "acme/p1" not in by_author.text
    page = client.get("/console/items/acme/p1", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert '<mark class="ev" tabindex="0" title="' in page.text
    assert ">傻 逼</mark>" in page.text and ">加🍎微🍎信</mark>" in page.text
    assert "acme/p2" in page.text  # the author's other items
    assert client.get("/console/items/acme/nope").status_code == 404


def test_policy_and_audit_pages(client: TestClient, seeded: Runtime, keys: Keys) -> None:
    sign_in(client, keys.admin)
    policy = client.get("/console/policy")
    assert seeded.screener.policy.version in policy.text
    audit = client.get("/console/audit", params={"subject": "platform"})
    assert "platform.create" in audit.text


def test_catalogs_are_complete_and_compiled() -> None:
    script = Path(__file__).resolve().parents[2] / "scripts" / "i18n.py"
    result = subprocess.run(
        [sys.executable, str(script), "--check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_account_page_shows_its_standing(client: TestClient, seeded: Runtime, keys: Keys) -> None:
    sign_in(client, keys.moderator)
    r = client.get("/console/subjects/account/acme/u1", headers={"Accept-Language": "en"})
    assert r.status_code == 200
    assert '<strong id="standing">ok</strong>' in r.text
    assert client.get("/console/subjects/account/acme/nobody").status_code == 404


def test_report_form_validates_and_the_status_page_needs_the_token(
    client: TestClient, seeded: Runtime
) -> None:
    bad = client.post(
        "/report", data={"kind": "item", "subject": "p1", "category": "nope", "platform": "acme"}
    )
    assert bad.status_code == 422 and "unknown category" in bad.text
    ok = client.post(
        "/report",
        data={
            "kind": "item",
            "subject": "p1",
            "category": "fraud",
            "platform": "acme",
            "details": "scam",
        },
        follow_redirects=False,
    )
    assert ok.status_code == 303
    status = client.get(ok.headers["location"], headers={"Accept-Language": "en"})
    assert "Received: waiting for a moderator" in status.text
    assert client.get("/report/status/wr_not-a-token").status_code == 404


def test_rumor_pages_list_search_and_show_fact_checks(
    client: TestClient, runtime: Runtime, keys: Keys
) -> None:
    body = {
        "id": "fc-5g",
        "claim": "5G networks spread the coronavirus",
        "verdict": "false",
        "title": "No, 5G does not spread viruses",
        "rebuttal": "Viruses cannot travel on radio waves.",
        "tags": ["health"],
        "sources": ["https://example.org/5g"],
        "publisher": "Example Check",
    }
    r = client.post("/v1/factchecks", json=body, headers={"Authorization": f"Bearer {keys.admin}"})
    assert r.status_code in (200, 201), r.text
    feed = client.get("/rumors", headers={"Accept-Language": "en"})
    assert "No, 5G does not spread viruses" in feed.text and "False" in feed.text
    by_tag = client.get("/rumors", params={"tag": "health"})
    assert "fc-5g" in by_tag.text
    none = client.get("/rumors", params={"verdict": "true"})
    assert "fc-5g" not in none.text
    one = client.get("/rumors/fc-5g", headers={"Accept-Language": "zh-CN"})
    assert one.status_code == 200 and "https://example.org/5g" in one.text and "不实" in one.text
    assert client.get("/rumors/nope").status_code == 404


def test_console_users_sign_in_with_a_password(client: TestClient, runtime: Runtime) -> None:
    users.create(
        runtime.store,
        username="mei",
        password="correct horse",
        role=Role.MODERATOR,
        platform=None,
        secret=runtime.settings.secret_key.get_secret_value(),
        actor="test",
        now=datetime.now(UTC),
    )
    stored = runtime.store.engine.connect().execute(text("SELECT password_hash FROM users"))
    assert next(iter(stored))[0].startswith("scrypt$")  # only a hash is kept
    wrong = client.post("/console/login", data={"username": "mei", "password": "wrong one!"})
    assert wrong.status_code == 401
    ok = client.post(
        "/console/login",
        data={"username": "mei", "password": "correct horse"},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    page = client.get("/console", headers={"Accept-Language": "en"})
    assert "Signed in as mei (moderator)" in page.text
    with pytest.raises(InvalidError, match="at least 10"):
        users.create(
            runtime.store,
            username="li",
            password="short",
            role=Role.VIEWER,
            platform=None,
            secret="s",
            actor="test",
            now=datetime.now(UTC),
        )


def test_users_create_command(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from wenming.cli import _load_commands, app

    _load_commands()
    monkeypatch.setenv("WENMING_DATABASE_URL", str(runtime.store.engine.url))
    result = CliRunner().invoke(
        app, ["users", "create", "chen", "--role", "viewer", "--password", "a long password"]
    )
    assert result.exit_code == 0, result.output
    assert users.sign_in(runtime.store, "chen", "a long password") is not None
