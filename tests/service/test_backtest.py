"""Backtests: flips by category, examples, and precision/recall against human decisions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.databases import Database
from tests.work import platform, work_settings
from wenming.core.model import Item
from wenming.detectors.screener import Screener
from wenming.queue.base import Message
from wenming.runtime import Runtime
from wenming.service.backtest import backtest
from wenming.service.screening import text_hash
from wenming.service.work import Processor, item_body
from wenming.store import NewDecision

CANDIDATE = """\
name: candidate
categories:
  drugs:
    title: {en: Drugs}
    terms: [heroin]
    block_at: 0.9
  spam:
    title: {en: Spam}
    terms: [buy followers, 加微信]
    block_at: 0.9
"""

POSTS = {
    "a": "buy followers now",  # live: review/spam   candidate: block   human: block spam
    "b": "cheap heroin",  # live: block/drugs     candidate: block   human: block drugs
    "c": "heroin recovery",  # live: block          candidate: block   human: allow
    "d": "hello there",  # live: allow          candidate: allow   human: allow
    "e": "加微信 buy followers",  # live: review     candidate: block   (no human)
    "f": "nice weather",  # live: allow          candidate: allow   human: block spam
}
HUMAN = {
    "a": ("block", ["spam"]),
    "b": ("block", ["drugs"]),
    "c": ("allow", []),
    "d": ("allow", []),
    "f": ("block", ["spam"]),
}


@pytest.fixture
def rt(db: Database, service_screener: Screener) -> Iterator[Runtime]:
    runtime = Runtime.build(work_settings(db), screener=service_screener)
    acme = platform(runtime)
    msgs = [
        Message(f"{n + 1}-0", item_body(acme.id, Item(id=k, text=v)))
        for n, (k, v) in enumerate(POSTS.items())
    ]
    Processor(runtime.store, runtime.work.screeners).process(msgs)
    later = datetime.now(UTC) + timedelta(seconds=1)
    with runtime.store.transaction() as tx:
        human = []
        for ext, (verdict, labels) in HUMAN.items():
            item = runtime.store.items.item_get(acme.id, ext)
            assert item is not None
            human.append(
                NewDecision(
                    item_id=item.id,
                    item_external_id=ext,
                    text_hash=text_hash(POSTS[ext]),
                    verdict=verdict,
                    labels=tuple(labels),
                    scores={},
                    evidence=[],
                    reasons=(),
                    policy_version="human",
                    automated=False,
                    statement="decided by a moderator",
                    actor_user="mod@example.org",
                )
            )
        tx.items.decisions_add(acme, human, now=later)
    yield runtime
    runtime.close()


def test_backtest_counts_flips_and_scores_both_policies(rt: Runtime, tmp_path: Path) -> None:
    path = tmp_path / "candidate.yaml"
    path.write_text(CANDIDATE, encoding="utf-8")
    before = rt.store.items.decision_count()
    report = backtest(rt.store, rt.screener, Screener.from_policy(path), examples_per_flip=1)
    assert rt.store.items.decision_count() == before  # nothing written
    assert report.items == 6
    assert dict(report.flips) == {("review", "block"): 2}
    assert len([e for e in report.examples if e["live"] == "review"]) == 1
    assert report.human_decided == 5
    # live acts on a, b, c (review counts as acting); the humans on a, b, f.
    assert report.live is not None and report.candidate is not None
    assert (report.live.true_positive, report.live.false_positive) == (2, 1)
    assert report.live.false_negative == 1
    assert report.live.precision == pytest.approx(2 / 3) and report.live.recall == pytest.approx(
        2 / 3
    )
    spam = report.by_category["spam"]
    assert (spam["candidate"].true_positive, spam["candidate"].false_negative) == (1, 1)
    wire = report.to_dict()
    assert wire["accuracy"]["live"]["precision"] == round(2 / 3, 4)
    assert wire["flips"] == [{"from": "review", "to": "block", "count": 2}]


def test_backtest_respects_limit_and_platform(rt: Runtime, tmp_path: Path) -> None:
    path = tmp_path / "candidate.yaml"
    path.write_text(CANDIDATE, encoding="utf-8")
    candidate = Screener.from_policy(path)
    assert backtest(rt.store, rt.screener, candidate, limit=4).items == 4
    other = platform(rt, "other")
    assert backtest(rt.store, rt.screener, candidate, platform_id=other.id).items == 0
