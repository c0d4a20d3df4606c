"""The browser-facing guards: security headers, a checked Origin on state-changing
requests, the sign-in throttle, Secure cookies, the scrypt cost, the rumor-search limit
and forwarding headers believed only from configured proxies."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from wenming.config import Settings
from wenming.runtime import Runtime
from wenming.server.app import create_app
from wenming.service import keys as key_service
from wenming.service import users
from wenming.service.keys import Role
from wenming.store.review.tables import reports


def _runtime(tmp_path: Path, **overrides: Any) -> Runtime:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'guard.db'}", rate_limit_per_second=0, **overrides
    )
    return Runtime.build(settings, migrate_db=True)


@pytest.fixture
def rt(tmp_path: Path) -> Iterator[Runtime]:
    runtime = _runtime(tmp_path, report_rate_per_minute=0)
    yield runtime
    runtime.close()


def _key(rt: Runtime, role: Role, platform: str | None = None) -> str:
    return key_service.create(
        rt.store,
        secret=rt.settings.secret_key.get_secret_value(),
        role=role,
        platform=platform,
        label="guard",
        actor="test",
        now=datetime.now(UTC),
    ).token


@pytest.mark.parametrize("path", ["/", "/console/login", "/rumors", "/healthz"])
def test_pages_carry_the_security_headers(rt: Runtime, path: str) -> None:
    with TestClient(create_app(rt)) as client:
        r = client.get(path)
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self';" in csp and "unsafe-eval" not in csp
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "same-origin"


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Referer": "https://evil.example/page"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "null"},
    ],
)
def test_cross_site_form_posts_are_refused(rt: Runtime, headers: dict[str, str]) -> None:
    admin = _key(rt, Role.ADMIN)
    with TestClient(create_app(rt)) as client:
        r = client.post(
            "/console/login", data={"key": admin}, headers=headers, follow_redirects=False
        )
        assert r.status_code == 403 and "set-cookie" not in r.headers
        same = client.post(
            "/console/login",
            data={"key": admin},
            headers={"Origin": "http://testserver"},
            follow_redirects=False,
        )
        assert same.status_code == 303
        # The bearer-key API takes no cookies, so it is not subject to the check.
        api = client.post(
            "/v1/screen",
            json={"items": [{"id": "a", "text": "x"}]},
            headers={**headers, "Authorization": f"Bearer {admin}"},
        )
        assert api.status_code != 403, api.json()


def test_sign_in_is_throttled_per_address_and_per_account(tmp_path: Path) -> None:
    rt = _runtime(tmp_path, sign_in_failures=3)
    try:
        admin = _key(rt, Role.ADMIN)
        app = create_app(rt)
        with (
            TestClient(app, client=("10.0.0.1", 1000)) as one,
            TestClient(app, client=("10.0.0.2", 1000)) as two,
        ):
            for _ in range(3):
                bad = one.post("/console/login", data={"key": "wm_wrong"})
                assert bad.status_code == 401
            # The address must now wait, even with the right key...
            r = one.post("/console/login", data={"key": admin}, follow_redirects=False)
            assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
            # ...while another address signs in.
            ok = two.post("/console/login", data={"key": admin}, follow_redirects=False)
            assert ok.status_code == 303
            # Per account: failures for one username from many addresses add up.
            users.create(
                rt.store,
                username="mod1",
                password="correct horse battery",
                role=Role.MODERATOR,
                platform=None,
                actor="test",
                secret=rt.settings.secret_key.get_secret_value(),
                now=datetime.now(UTC),
            )
            for n in range(3):
                with TestClient(app, client=(f"10.0.1.{n}", 1000)) as c:
                    c.post("/console/login", data={"username": "mod1", "password": "nope"})
            with TestClient(app, client=("10.0.2.1", 1000)) as fresh:
                r = fresh.post(
                    "/console/login",
                    data={"username": "mod1", "password": "correct horse battery"},
                    follow_redirects=False,
                )
                assert r.status_code == 429
    finally:
        rt.close()


def test_the_session_cookie_is_secure_outside_development(tmp_path: Path) -> None:
    rt = _runtime(tmp_path, env="production", secret_key="s" * 32)
    try:
        admin = _key(rt, Role.ADMIN)
        with TestClient(create_app(rt)) as client:
            r = client.post("/console/login", data={"key": admin}, follow_redirects=False)
        cookie = r.headers["set-cookie"].lower()
        assert "secure" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    finally:
        rt.close()


def test_passwords_are_hashed_at_current_scrypt_cost() -> None:
    scheme, n, r, p, _salt, _digest = users.hash_password("correct horse battery").split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", 2**17, 8, 1)


def test_the_rumor_search_page_is_rate_limited_like_its_api(tmp_path: Path) -> None:
    rt = _runtime(tmp_path, report_rate_per_minute=1, report_burst=2)
    try:
        with TestClient(create_app(rt)) as client:
            codes = [
                client.get("/rumors", params={"q": f"vaccine {n}"}).status_code for n in range(3)
            ]
            assert codes == [200, 200, 429]
            assert client.get("/rumors").status_code == 200  # the feed itself stays open
    finally:
        rt.close()


def _serve(rt: Runtime) -> tuple[uvicorn.Server, threading.Thread, int]:
    from wenming.cli.serve import proxy_options

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    config = uvicorn.Config(
        create_app(rt), port=port, log_level="critical", **proxy_options(rt.settings)
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    return server, thread, port


def _reporters(tmp_path: Path, **overrides: Any) -> int:
    """Send reports on one item with 5 forged X-Forwarded-For addresses through a real
    server; how many distinct reporters the case counts."""
    tmp_path.mkdir()
    rt = _runtime(tmp_path, report_rate_per_minute=0, **overrides)
    server, thread, port = _serve(rt)
    try:
        platform_key = _key(rt, Role.PLATFORM, "acme")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        screen = json.dumps({"items": [{"id": "p1", "text": "hello"}]})
        conn.request(
            "POST",
            "/v1/screen",
            body=screen,
            headers={"Authorization": f"Bearer {platform_key}", "Content-Type": "application/json"},
        )
        assert conn.getresponse().read()
        case_id = ""
        for n in range(5):
            body = json.dumps(
                {"subject": {"type": "item", "platform": "acme", "id": "p1"}, "category": "spam"}
            )
            conn.request(
                "POST",
                "/v1/reports",
                body=body,
                headers={"Content-Type": "application/json", "X-Forwarded-For": f"203.0.113.{n}"},
            )
            answer = conn.getresponse()
            receipt = json.loads(answer.read())
            assert answer.status in (200, 201, 202), receipt
            case_id = receipt["case_id"]
        conn.close()
        assert case_id
        with rt.store.engine.connect() as db:
            count = select(func.count(func.distinct(reports.c.reporter_hash)))
            return int(db.execute(count).scalar_one())
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        rt.close()


def test_forwarded_for_is_believed_only_from_configured_proxies(tmp_path: Path) -> None:
    assert _reporters(tmp_path / "plain") == 1
    assert _reporters(tmp_path / "proxied", trusted_proxies=["127.0.0.1/32"]) == 5


def test_templates_carry_no_inline_script_the_policy_would_block() -> None:
    """The CSP allows scripts from /static only: an inline handler (onchange=…) or an
    inline <script> would be blocked in the browser (the browser tests caught one)."""
    import re
    from pathlib import Path

    import wenming.web

    folder = Path(wenming.web.__file__).with_name("templates")
    found = [
        f"{p.name}: {m.group(0)}"
        for p in folder.rglob("*.html")
        for m in re.finditer(r"\son[a-z]+\s*=|<script(?![^>]*\bsrc=)", p.read_text("utf-8"))
    ]
    assert found == []
