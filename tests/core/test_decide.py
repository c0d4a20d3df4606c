"""The decision engine: scores combine by noisy-OR over distinct findings."""

from __future__ import annotations

import pytest

from wenming.core.decide import combine, decide
from wenming.core.model import Signal, Verdict
from wenming.detectors.screener import Screener


def _sig(cat: str, score: float, term: str) -> Signal:
    return Signal(cat, score, "lexicon", None, None, "x", {"term": term})


def test_distinct_findings_add_up_and_repeats_do_not() -> None:
    assert combine([_sig("a", 0.5, "x"), _sig("a", 0.5, "y")])["a"] == pytest.approx(0.75)
    assert combine([_sig("a", 0.5, "x"), _sig("a", 0.5, "x")])["a"] == pytest.approx(0.5)
    assert combine([_sig("a", 0.2, "x"), _sig("a", 0.6, "x")])["a"] == pytest.approx(0.6)


def test_verdict_is_the_strongest_action_reached(screener: Screener) -> None:
    policy = screener.policy
    d = decide("1", [_sig("spam", 0.4, "x")], policy)
    assert (d.verdict, d.labels) == (Verdict.LABEL, ("spam",))
    d = decide("1", [_sig("spam", 0.4, "x"), _sig("abuse", 0.6, "y")], policy)
    assert d.verdict == Verdict.REVIEW
    assert d.labels == ("abuse", "spam")  # by score, highest first
    assert d.reasons[0].startswith("review: abuse")
    d = decide("1", [_sig("spam", 0.1, "x")], policy)
    assert (d.verdict, d.labels) == (Verdict.ALLOW, ())
    assert d.scores == {"spam": 0.1}
    assert d.policy_version == policy.version


def test_signals_of_unknown_categories_are_ignored(screener: Screener) -> None:
    d = decide("1", [_sig("nope", 1.0, "x")], screener.policy)
    assert d.verdict == Verdict.ALLOW and d.signals == ()


def test_output_matches_the_design_contract(screener: Screener) -> None:
    out = screener.screen([{"id": "p1", "text": "加微信 13812345678", "extra": 1}])[0].to_dict()
    assert set(out) >= {"id", "verdict", "labels", "scores", "evidence", "reasons"}
    assert out["id"] == "p1" and out["verdict"] == "block" and out["labels"] == ["spam"]
    for e in out["evidence"]:
        assert set(e) >= {"category", "detector", "start", "end", "match"}
    assert {e["detector"] for e in out["evidence"]} == {"lexicon", "rules"}


def _span(cat: str, score: float, term: str, start: int, end: int) -> Signal:
    return Signal(cat, score, "lexicon", start, end, "x", {"term": term})


def test_overlapping_spans_count_once_at_their_best() -> None:
    # "线上赌场" and the "赌场" inside it; two spellings matching the same characters.
    nested = [_span("a", 0.6, "线上赌场", 0, 4), _span("a", 0.5, "赌场", 2, 4)]
    assert combine(nested)["a"] == pytest.approx(0.6)
    same = [_span("a", 0.5, "傻逼", 0, 5), _span("a", 0.5, "煞笔", 0, 5)]
    assert combine(same)["a"] == pytest.approx(0.5)
    apart = [_span("a", 0.5, "x", 0, 2), _span("a", 0.5, "y", 5, 7)]
    assert combine(apart)["a"] == pytest.approx(0.75)
    repeated = [_span("a", 0.5, "x", 0, 2), _span("a", 0.5, "x", 5, 7)]
    assert combine(repeated)["a"] == pytest.approx(0.5)
