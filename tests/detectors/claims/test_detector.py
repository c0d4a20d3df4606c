"""The claims detector inside Screener.screen, and the policy's factchecks block."""

from __future__ import annotations

from pathlib import Path

import pytest

from wenming.core.model import Verdict
from wenming.core.policy import PolicyError
from wenming.detectors.claims.detector import factchecks_of
from wenming.detectors.claims.registry import FactCheckDir
from wenming.detectors.screener import Screener
from wenming.policies.loader import load_policy, parse_policy

POLICY = """\
name: rumors
categories:
  misinformation:
    title: {zh: 已辟谣的不实信息, en: Debunked misinformation}
    label_at: 0.5
    limit_at: 0.999
  spam:
    terms: [加我微信]
    block_at: 0.9
factchecks:
  category: misinformation
  suggest_at: 0.3
  registry: {registry}
"""


def _policy(tmp_path: Path, registry: FactCheckDir) -> Path:
    file = tmp_path / "policy.yaml"
    file.write_text(POLICY.replace("{registry}", registry.path.name), encoding="utf-8")
    return file


def test_restated_claim_is_labelled_with_the_rebuttal(
    tmp_path: Path, registry: FactCheckDir
) -> None:
    screener = Screener.from_policy(_policy(tmp_path, registry))
    assert "claims" in [d.name for d in screener.detectors]
    rumor, chat, spam = screener.screen(
        [
            "5G基站正在传播新冠病毒，赶紧转发！",
            "Lovely weather in Beijing today, we are going hiking with friends",
            "加我微信领取福利",
        ]
    )
    assert rumor.verdict is Verdict.LABEL and rumor.labels == ("misinformation",)
    [evidence] = rumor.to_dict()["evidence"]
    assert evidence["detector"] == "claims"
    assert evidence["factcheck_id"] == "fc-5g"
    assert evidence["verdict"] == "false"
    assert evidence["rebuttal"].startswith("Viruses cannot travel on radio waves")
    assert evidence["act"] is True and evidence["suggest"] is True
    assert evidence["start"] is None  # a whole-item signal
    assert chat.verdict is Verdict.ALLOW and not chat.signals
    assert spam.verdict is Verdict.BLOCK and "misinformation" not in spam.labels


def test_true_and_unlisted_verdicts_give_no_signal(tmp_path: Path, registry: FactCheckDir) -> None:
    screener = Screener.from_policy(_policy(tmp_path, registry))
    [moon] = screener.screen(["Astronauts really landed on the Moon in July 1969"])
    assert moon.verdict is Verdict.ALLOW and not moon.signals


def test_registry_changes_are_picked_up(
    tmp_path: Path, registry: FactCheckDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wenming.core.factcheck import FactCheck
    from wenming.detectors.claims import detector as claims

    monkeypatch.setattr(claims, "RELOAD_CHECK_SECONDS", 0.0)
    screener = Screener.from_policy(_policy(tmp_path, registry))
    post = "Putting onions in your socks cures the flu overnight"
    assert screener.screen_one(post).verdict is Verdict.ALLOW
    registry.upsert(
        [
            FactCheck(
                id="fc-onion",
                claim="Onions in your socks cure the flu.",
                verdict="false",
                rebuttal="Onions do not absorb viruses.",
            )
        ]
    )
    decision = screener.screen_one(post)
    assert decision.labels == ("misinformation",)
    assert decision.signals[0].detail["factcheck_id"] == "fc-onion"


def test_policies_without_the_block_build_no_claims_detector() -> None:
    screener = Screener.from_policy(None)
    assert (
        "claims" not in [d.name for d in screener.detectors]
        or factchecks_of(screener.policy) is not None
    )


@pytest.mark.parametrize(
    ("block", "error"),
    [
        ("factchecks: {category: nope}", r"p.yaml:6: factchecks.category names unknown category"),
        (
            "factchecks: {category: misinformation, act_at: 0.9}",
            r"p.yaml:6: factchecks.act_at \(0.9\) must equal the lowest threshold",
        ),
        (
            "factchecks: {category: misinformation, suggest_at: 0.7}",
            r"p.yaml:6: factchecks.suggest_at \(0.7\) must not be above act_at \(0.5\)",
        ),
        (
            "factchecks:\n  category: misinformation\n  verdicts: [false, wrong]",
            r"p.yaml:8: verdict 'wrong' must be one of",
        ),
        ("factchecks: {category: misinformation, colour: red}", r"p.yaml:6: unknown key 'colour'"),
    ],
)
def test_factchecks_block_errors_name_the_line(block: str, error: str) -> None:
    text = (
        "name: p\ncategories:\n  misinformation:\n    label_at: 0.5\n    review_at: 0.9\n"
        + block
        + "\n"
    )
    with pytest.raises(PolicyError, match=error):
        parse_policy(text, source="p.yaml")


def test_factchecks_block_defaults() -> None:
    policy = parse_policy(
        "categories:\n  misinformation: {label_at: 0.6}\nfactchecks: {category: misinformation}\n"
    )
    block = factchecks_of(policy)
    assert block is not None
    assert (block.act_at, block.suggest_at) == (0.6, 0.6)
    assert block.verdicts == ("false", "misleading")
    without = parse_policy("categories:\n  misinformation: {label_at: 0.6}\n")
    assert without.version != policy.version


def test_default_policy_still_loads() -> None:
    assert load_policy(None).categories["misinformation"]
