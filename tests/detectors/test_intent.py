"""The intent detector: slot sequences from the policy, context that cancels or dampens."""

from __future__ import annotations

from pathlib import Path

import pytest

from wenming.core.policy import PolicyError
from wenming.detectors.screener import Screener

POLICY = """\
name: intents
categories:
  threats:
    title: Threats
    review_at: 0.6
    block_at: 0.9
    intents:
      slots:
        me: ["re:\\\\bi\\\\s*'ll\\\\b", i will, 我要]
        act: [hurt, bomb, 炸]
        target: [you, your, 这栋楼]
        news: [police said, 警方]
        deny: [never]
      patterns:
        - {id: threat, sequence: [me, act, target], gap: 12, weight: 0.95, unless: [deny]}
        - {id: reported, sequence: [news], effect: dampen, weight: 0.8}
"""


@pytest.fixture
def intents(tmp_path: Path) -> Screener:
    path = tmp_path / "p.yaml"
    path.write_text(POLICY, encoding="utf-8")
    return Screener.from_policy(path)


def test_a_sequence_matches_in_order_within_the_gap(intents: Screener) -> None:
    d = intents.screen_one("Listen. I'll come and hurt your kids.")
    assert d.verdict.value == "block"
    ev = d.to_dict()["evidence"][0]
    assert (ev["detector"], ev["rule"]) == ("intent", "threat")
    assert ev["match"] == "I'll come and hurt your"
    assert intents.screen_one("我要炸了这栋楼").verdict.value == "block"
    assert intents.screen_one("you hurt me, I'll be fine").verdict.value == "allow"  # order
    assert intents.screen_one("I'll " + "x" * 20 + " hurt you").verdict.value == "allow"  # gap
    assert intents.screen_one("I'll go. It hurt you").verdict.value == "allow"  # sentence


def test_unless_quotes_and_dampening_context(intents: Screener) -> None:
    assert intents.screen_one("I will never hurt you").verdict.value == "allow"
    assert intents.screen_one('He wrote "I will hurt you" in the chat').verdict.value == "allow"
    d = intents.screen_one("Police said the man wrote that I will bomb your house")
    assert d.verdict.value == "allow" and d.scores["threats"] == pytest.approx(0.95 * 0.2)


def test_the_default_policy_ships_examples_it_flags() -> None:
    screener = Screener.from_policy()
    det = next(d for d in screener.detectors if d.name == "intent")
    for text in det.examples():
        d = screener.screen_one(text)
        assert d.verdict.value in ("review", "block"), text
        assert any(s.detector == "intent" for s in d.signals), text


@pytest.mark.parametrize(
    ("block", "line", "words"),
    [
        ("    intents: [a]\n", 5, "must be a mapping"),
        (
            "    intents:\n      slots: {a: [x]}\n      patterns:\n        - {sequence: [b]}\n",
            8,
            "unknown slot 'b'",
        ),
        (
            "    intents:\n      slots: {a: [x]}\n      patterns:\n        - {sequence: [a], "
            "weight: 2}\n",
            8,
            "weight must be a number",
        ),
        (
            "    intents:\n      slots:\n        a: ['re:(']\n      patterns: [{sequence: [a]}]\n",
            7,
            "invalid regular expression",
        ),
        (
            "    intents:\n      slots: {a: [x]}\n      patterns:\n        - {sequence: [a], "
            "colour: red}\n",
            8,
            "unknown key 'colour'",
        ),
        ("    intentz: {}\n", 5, "unknown key 'intentz'"),
    ],
)
def test_config_faults_name_the_file_and_line(
    tmp_path: Path, block: str, line: int, words: str
) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "categories:\n  c:\n    title: C\n    block_at: 0.9\n" + block, encoding="utf-8"
    )
    with pytest.raises(PolicyError) as exc:
        Screener.from_policy(path)
    assert str(exc.value).startswith(f"{path}:{line}:"), str(exc.value)
    assert words in str(exc.value)


def test_extension_keys_keep_the_version_of_policies_without_them(tmp_path: Path) -> None:
    from wenming.policies.loader import parse_policy

    plain = "categories:\n  c:\n    terms: [x]\n    block_at: 0.9\n"
    with_intents = plain + (
        "    intents:\n      slots: {a: [y]}\n      patterns: [{sequence: [a]}]\n"
    )
    v1 = parse_policy(plain, base_dir=tmp_path).version
    v2 = parse_policy(with_intents, base_dir=tmp_path).version
    assert v1 != v2
    assert parse_policy(plain, base_dir=tmp_path).part("intent") is None


def test_dampening_is_named_in_the_reasons(intents: Screener) -> None:
    d = intents.screen_one("Police said: I will bomb your house, I will hurt your dog")
    assert d.verdict.value == "allow" and d.reasons[0].startswith("allow")
    from wenming.core.decide import combine
    from wenming.core.model import Signal

    damp = Signal("threats", 0.5, "intent", detail={"rule": "ctx", "dampen": True})
    assert combine([Signal("threats", 0.8, "x"), damp]) == {"threats": pytest.approx(0.4)}
    assert combine([damp]) == {}
