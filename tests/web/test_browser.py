"""The web UI in a real browser (chromium through Playwright)."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright

from tests.web.browser import CHROMIUM, FLAGS, need_chromium, serve
from tests.web.conftest import Keys
from wenming.runtime import Runtime
from wenming.server.app import create_app
from wenming.service import review

# Screenshots go to a scratch folder; `make screenshots` sets WENMING_SCREENSHOTS to
# refresh the ones in docs/ (so a plain test run leaves the tree clean).
SHOTS = Path(os.environ.get("WENMING_SCREENSHOTS") or tempfile.mkdtemp(prefix="wenming-shots-"))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    need_chromium()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def site(seeded: Runtime) -> Iterator[str]:
    with serve(create_app(seeded)) as url:
        yield url


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if _is_error(m) else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    context.close()
    assert errors == [], errors


def _is_error(message: ConsoleMessage) -> bool:
    return message.type == "error"


def test_language_switch_changes_the_page(page: Page, site: str) -> None:
    page.goto(site + "/")
    expect(page.locator("h1")).to_have_text("A clean and civil online space")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "portal-en.png"), full_page=True)
    page.select_option("#lang", "zh_CN")
    expect(page.locator("h1")).to_have_text("清朗文明的网络空间")
    page.screenshot(path=str(SHOTS / "portal-zh.png"), full_page=True)
    page.goto(site + "/rules")
    expect(page.locator("h1")).to_have_text("社区规则")


def test_console_sign_in_search_with_the_keyboard(page: Page, site: str, keys: Keys) -> None:
    page.goto(site + "/console")
    expect(page).to_have_url(site + "/console/login?next=/console")
    page.fill("#key", keys.moderator)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Overview")
    page.goto(site + "/console/items")
    page.keyboard.press("/")  # focuses the search box
    page.keyboard.type("傻")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="acme/p1").click()
    mark = page.locator("mark.ev").first
    expect(mark).to_have_attribute("title", re.compile(r"^harassment · lexicon · [0-9.]+ · 傻逼"))
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "console-item-en.png"), full_page=True)


def _queue_of_public_report(runtime: Runtime, keys: Keys) -> str:
    principal = runtime.keys.verify(keys.moderator)
    assert principal is not None
    cases = review.case_list(runtime.store, principal, limit=100).cases
    return next(c.queue for c in cases if c.source == "public" and c.subject_ref == "p2")


def test_report_to_decision_to_status_in_the_browser(
    browser: Browser, site: str, seeded: Runtime, keys: Keys
) -> None:
    public = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    reporter = public.new_page()
    errors: list[str] = []
    reporter.on("pageerror", lambda e: errors.append(str(e)))
    reporter.goto(site + "/report")
    expect(reporter.locator("h1")).to_have_text("举报有害内容")
    reporter.select_option("#kind", "item")
    reporter.select_option("#platform", "acme")
    reporter.fill("#subject", "p2")
    reporter.select_option("#category", "fraud")
    reporter.fill("#details", "这是刷单诈骗")
    reporter.get_by_role("button", name="提交举报").click()
    expect(reporter.locator("#status")).to_have_text("已收到，等待审核员处理")
    status_url = reporter.url
    reporter.screenshot(path=str(SHOTS / "portal-status-zh.png"), full_page=True)

    moderator = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    mod = moderator.new_page()
    mod.on("pageerror", lambda e: errors.append(str(e)))
    mod.goto(site + "/console/login")
    mod.fill("#key", keys.moderator)
    mod.keyboard.press("Enter")
    expect(mod.locator("h1")).to_have_text("Overview")
    mod.screenshot(path=str(SHOTS / "console-overview-en.png"), full_page=True)
    mod.goto(site + "/console?lang=zh_CN")
    expect(mod.locator("h1")).to_have_text("总览")
    mod.screenshot(path=str(SHOTS / "console-overview-zh.png"), full_page=True)
    mod.goto(site + "/console?lang=en")
    # The report joined the queue its category routes to; follow the overview's link there.
    queue = _queue_of_public_report(seeded, keys)
    mod.locator(f"a[href='/console/queues/{queue}']").click()
    mod.get_by_role("link", name=re.compile("review · public")).first.click()
    expect(mod.locator("h1")).to_contain_text("acme/p2")
    mod.select_option("#category", "fraud")
    mod.keyboard.press("Escape")  # leave the form field so the shortcut reaches the page
    mod.keyboard.press("b")  # block, with one key
    expect(mod.locator(".flash.error")).to_have_count(0)
    expect(mod.locator("h1")).not_to_contain_text("acme/p2")

    reporter.goto(status_url)
    expect(reporter.locator("#status")).to_have_text("已处理")
    expect(reporter.locator("#outcome")).to_contain_text("拦截")
    public.close()
    moderator.close()
    assert errors == []
