"""Queues, ladders and reason templates in the policy: defaults, routing, ladder arithmetic,
and errors that name the line."""

from __future__ import annotations

import pytest

from wenming.core.governance import (
    DEFAULT_LADDERS,
    DEFAULT_QUEUES,
    Ladder,
    Step,
    ladder_for,
    rating_allows,
    route,
    seconds,
    strictest,
)
from wenming.core.policy import PolicyError
from wenming.policies.loader import load_policy, parse_policy

BASE = "categories:\n  spam:\n    severity: 2\n    terms: [a]\n    block_at: 0.9\n"


def test_a_policy_without_the_keys_gets_the_defaults() -> None:
    p = parse_policy(BASE)
    assert p.queues == DEFAULT_QUEUES and p.ladders == DEFAULT_LADDERS
    assert {"removed", "limited", "labelled", "no_violation"} <= set(p.reason_templates)


def test_the_default_pack_names_queues_ladders_and_templates() -> None:
    p = load_policy()
    assert p.queues[-1].catch_all
    assert set(p.ladders) == {"account", "group", "site"}
    assert all(t.text.get("zh") and t.text.get("en") for t in p.reason_templates.values())


def test_routing_takes_the_first_queue_that_fits() -> None:
    q = {x.id: x for x in DEFAULT_QUEUES}
    assert route(DEFAULT_QUEUES, category="x", severity=5, source="public") is q["urgent"]
    assert route(DEFAULT_QUEUES, category="x", severity=5, source="appeal") is q["appeals"]
    assert (
        route(DEFAULT_QUEUES, category="x", severity=2, source="flagger") is q["trusted_flaggers"]
    )
    assert route(DEFAULT_QUEUES, category=None, severity=1, source="automated") is q["default"]


def test_ladder_steps_and_weights() -> None:
    ladder = Ladder(
        "default", "account", (Step(1, "warning"), Step(3, "mute", 3600)), {5: 3.0}, None
    )
    assert ladder.step_for(0.5) is None and ladder.step_for(1).action == "warning"  # type: ignore[union-attr]
    assert ladder.step_for(10) == Step(3, "mute", 3600)
    assert ladder.weight_for(5) == 3.0 and ladder.weight_for(2) == 1.0
    assert (
        ladder_for(DEFAULT_LADDERS, "account", "anything") is DEFAULT_LADDERS["account"]["default"]
    )
    assert ladder_for(DEFAULT_LADDERS, "planet", None) is None


def test_ratings_and_durations() -> None:
    assert strictest(["all", "16+", "12+"]) == "16+" and strictest([]) == "all"
    assert rating_allows("16+", 16) and not rating_allows("16+", 15)
    assert not rating_allows("12+", None) and rating_allows("all", None)
    assert [seconds(x) for x in ("90m", "24h", "7d", "2w", "1.5h")] == [
        5400,
        86400,
        604800,
        1209600,
        5400,
    ]


def test_the_policy_configures_all_three() -> None:
    p = parse_policy(
        BASE
        + """\
queues:
  spam_desk: {title: {en: Spam desk}, sla: 2h, categories: [spam], sources: [public]}
  rest: {sla: 1d}
ladders:
  account:
    spam:
      strike_weights: {2: 0.5}
      strike_expiry: 30d
      counts: [block, limit]
      steps: [{at: 1, action: warning}, {at: 2, action: suspend, duration: 3d}]
  site:
    default:
      window: 7d
      steps: [{at: 1, action: notice}, {at: 2, action: rectify, duration: 5d}]
reason_templates:
  gone: {verdicts: [block], categories: [spam], text: {en: "Gone: {category}", zh: 删除}}
"""
    )
    assert [(q.id, q.sla_seconds) for q in p.queues] == [("spam_desk", 7200), ("rest", 86400)]
    spam = p.ladders["account"]["spam"]
    assert spam.weight_for(2) == 0.5 and spam.strike_expiry_seconds == 30 * 86400
    assert spam.counts == ("block", "limit") and spam.steps[1].duration_seconds == 3 * 86400
    assert p.ladders["account"]["default"] == DEFAULT_LADDERS["account"]["default"]
    assert p.ladders["group"] == DEFAULT_LADDERS["group"]
    assert p.ladders["site"]["default"].window_seconds == 7 * 86400
    assert p.reason_templates["gone"].render("Spam") == "Gone: Spam"
    assert parse_policy(BASE).version != p.version


@pytest.mark.parametrize(
    ("extra", "line", "words"),
    [
        ("queues:\n  a: {categories: [spam]}\n", 7, "needs an sla"),
        ("queues:\n  a: {sla: soon}\n", 7, "duration"),
        ("queues:\n  a: {sla: 1h, categories: [spam]}\n", 7, "must take every case"),
        ("queues:\n  a:\n    sla: 1h\n    categories: [spma]\n", 9, "unknown category 'spma'"),
        ("queues:\n  a:\n    sla: 1h\n    sources: [press]\n", 9, "unknown source"),
        ("queues:\n  a:\n    sla: 1h\n    slaa: 2h\n", 9, "unknown key 'slaa'"),
        ("ladders:\n  planet: {}\n", 7, "unknown key 'planet'"),
        ("ladders:\n  account:\n    hate: {steps: []}\n", 8, "named after a category"),
        (
            "ladders:\n  account:\n    default:\n      steps:\n        - {at: 1, action: nuke}\n",
            10,
            "must be one of warning",
        ),
        (
            "ladders:\n  account:\n    default:\n      steps:\n        - {at: 2, action: warning}\n"
            "        - {at: 1, action: ban}\n",
            11,
            "must increase",
        ),
        (
            "ladders:\n  site:\n    default:\n      steps:\n        - {at: 1, action: ban}\n",
            10,
            "notice, rectify",
        ),
        ("reason_templates:\n  x: {verdicts: [review], text: hi}\n", 7, "unknown verdict"),
        ("reason_templates:\n  x: {verdicts: [block]}\n", 7, "needs a text"),
    ],
)
def test_errors_name_the_line(extra: str, line: int, words: str) -> None:
    with pytest.raises(PolicyError) as info:
        parse_policy(BASE + extra, source="p.yaml")
    assert info.value.line == line, str(info.value)
    assert words in str(info.value)
