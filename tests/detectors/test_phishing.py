"""The phishing detector: hosts that imitate a protected brand."""

from __future__ import annotations

from pathlib import Path

import pytest

from wenming.core.model import Item
from wenming.core.policy import PolicyError
from wenming.detectors.phishing.lookalike import Brand, BrandIndex
from wenming.detectors.screener import Screener

POLICY = """\
name: phish
categories:
  fraud:
    title: Fraud
    block_at: 0.9
    phishing:
      weight: 0.95
      brands:
        paypal: {names: [paypal], domains: [paypal.com]}
        apple: {names: [apple, appleid], domains: [apple.com]}
        boc: {names: [boc], domains: [boc.cn]}
"""


@pytest.fixture
def phish(tmp_path: Path) -> Screener:
    path = tmp_path / "p.yaml"
    path.write_text(POLICY, encoding="utf-8")
    return Screener.from_policy(path)


@pytest.mark.parametrize(
    "text",
    [
        "verify at paypa1-secure-login.com",
        "log in: paypalsecure.com/x",
        "www.paypal.com.evil.top",
        "appleid-verify-support.net",
        "请登录 boc-verify.com 验证",
        "pаypal.com (Cyrillic a)",
        "see xn--pypal-4ve.com",
        "paypall.com",
        "paypal[.]account-check[.]ru",
    ],
)
def test_lookalikes_block(phish: Screener, text: str) -> None:
    d = phish.screen_one(text)
    assert d.verdict.value == "block", text
    ev = d.to_dict()["evidence"][0]
    assert ev["detector"] == "phishing" and text[ev["start"] : ev["end"]] == ev["match"]


@pytest.mark.parametrize(
    "text",
    [
        "pay at paypal.com",
        "https://www.apple.com/iphone",
        "applebees.com menu",
        "pineapple.com",
        "boc.cn 官网",
        "bocconi.it",
        "an apple a day",
    ],
)
def test_brands_own_domains_and_ordinary_words_pass(phish: Screener, text: str) -> None:
    assert phish.screen_one(text).verdict.value == "allow", text


def test_the_urls_field_is_checked(phish: Screener) -> None:
    d = phish.screen([Item("1", "click", urls=("https://paypal-login.help/a",))])[0]
    assert d.verdict.value == "block"


def test_imitated_names_the_brand() -> None:
    idx = BrandIndex([Brand("ms", ("microsoft",), ("microsoft.com",))])
    assert idx.imitated(["rnicrosoft-login"]) == "ms"
    assert idx.imitated(["microsfot"]) == "ms"
    assert idx.imitated(["micro-soft-ware"]) is None


def test_config_faults_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(POLICY.replace("domains: [boc.cn]", "domains: []"), encoding="utf-8")
    with pytest.raises(PolicyError, match=r"p.yaml:11: brand 'boc' needs the domains"):
        Screener.from_policy(path)
