"""Shared fixtures: small policies and screeners the tests write themselves."""

from __future__ import annotations

from pathlib import Path

import pytest

from wenming.detectors.screener import Screener

FIXTURE_POLICY = """\
name: fixture
allow: [scunthorpe]
url_shorteners: {category: spam, weight: 0.3}
categories:
  abuse:
    title: {zh: 辱骂, en: Abuse}
    severity: 3
    terms: [fuck, bitch, asshole, cunt, shit, 傻逼, 操你妈, 脑残, {term: idiot, weight: 0.5}]
    terms_file: abuse.txt
    review_at: 0.5
    block_at: 0.9
  drugs:
    title: {zh: 毒品, en: Drugs}
    severity: 5
    terms: [heroin, cocaine, 冰毒, 出售冰毒, 海洛因]
    allow: [戒毒]
    block_at: 0.9
  spam:
    title: {zh: 垃圾广告, en: Spam}
    severity: 2
    terms: [加微信, 代开发票, buy followers, 刷单返利, 网络赌博]
    rules:
      - {id: cn-mobile, pattern: '(?<!\\d)1[3-9]\\d{9}(?!\\d)', weight: 0.4}
    domains: [scam-shop.top, {domain: evil.cn, weight: 0.8}]
    near: [{id: task-scam, terms: [刷单, 返利], within: 12}]
    label_at: 0.3
    limit_at: 0.6
    block_at: 0.9
"""

ABUSE_TERMS = "# one term a line, optional <TAB>weight\nmotherfucker\nkill yourself\t0.9\n"


@pytest.fixture
def policy_file(tmp_path: Path) -> Path:
    (tmp_path / "abuse.txt").write_text(ABUSE_TERMS, encoding="utf-8")
    path = tmp_path / "policy.yaml"
    path.write_text(FIXTURE_POLICY, encoding="utf-8")
    return path


@pytest.fixture
def screener(policy_file: Path) -> Screener:
    return Screener.from_policy(policy_file)
