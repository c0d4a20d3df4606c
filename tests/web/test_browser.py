"""The web UI in a real browser (chromium through Playwright)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright

from tests.web.browser import CHROMIUM, FLAGS, need_chromium, serve
from tests.web.conftest import Keys
from wenming.api.app import create_app
from wenming.runtime import Runtime

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


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
    page.select_option("#lang", "zh_CN")
    expect(page.locator("h1")).to_have_text("清朗文明的网络空间")
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
