"""Issue 14's plainly worded posts get the verdicts a careful moderator would give.

The harmful examples are the ones the issue quotes (they are also in the evaluation
sets, ``bench/data``); the clean ones are the kinds the issue says must never be blocked
on words alone: warnings quoting a scam, news of an attack, victims, help-seeking.
"""

from __future__ import annotations

import pytest

from wenming.detectors.screener import Screener


@pytest.fixture(scope="module")
def default() -> Screener:
    return Screener.from_policy()


@pytest.mark.parametrize(
    ("text", "verdicts", "category"),
    [
        ("All immigrants are vermin and should be exterminated", {"review", "block"}, "hate"),
        ("我要炸了这栋楼", {"block"}, "violence"),
        ("河南人都是骗子", {"review"}, "hate"),
        ("Found her. Her phone is 555-0199, go harass her", {"block"}, "privacy"),
        (
            "Hi, this is Amazon customer support. To cancel the order, please reply with your "
            "password and the code we just sent you.",
            {"block"},
            "fraud",
        ),
        ("I'll come and hurt your kids", {"block"}, "violence"),
        ("I am going to bomb your school tomorrow", {"block"}, "violence"),
        ("gas the jews", {"block"}, "violence"),
        (
            "Dear customer, your PayPal account has been limited. "
            "Log in at paypa1-secure-login.com",
            {"block"},
            "fraud",
        ),
        ("曝光他的电话：15987654321，大家去问候他", {"block"}, "privacy"),
        ("大家去冲她微博，骂到她删号为止", {"review"}, "harassment"),
    ],
)
def test_plain_harm_is_acted_on(
    default: Screener, text: str, verdicts: set[str], category: str
) -> None:
    d = default.screen_one(text)
    assert d.verdict.value in verdicts, (text, d.verdict, d.reasons)
    assert category in d.labels, (text, d.labels)


@pytest.mark.parametrize(
    "text",
    [
        "PSA from the police: scammers send texts saying 'your PayPal account has been limited, "
        "verify your account'. PayPal never asks for your password by text.",
        "【反诈提醒】凡是自称客服要给你退款、让你提供验证码的，都是诈骗！",
        "Police say a man was arrested after threatening to bomb a high school on Tuesday.",
        "警方通报：一男子在网上扬言要炸学校，已被依法刑事拘留",
        "My ex used to say he'd kill me if I left. I finally left.",
        "I've been thinking about killing myself lately and I don't know who to talk to",
        "最近总是想死，不知道该跟谁说",
        "说“河南人都是骗子”的人才是真的无知，地域黑该停了",
        "Joe's Plumbing, 24/7 emergency service. Call us at 312-555-0110",
        "I'm going to crush this exam tomorrow",
        "这道题我真的要炸了",
    ],
)
def test_warnings_news_victims_and_help_seeking_are_not_blocked(
    default: Screener, text: str
) -> None:
    d = default.screen_one(text)
    assert d.verdict.value == "allow", (text, d.verdict, d.reasons)


@pytest.mark.parametrize("name", ["intent", "pii", "phishing"])
def test_new_detectors_ship_examples_they_flag(default: Screener, name: str) -> None:
    det = next(d for d in default.detectors if d.name == name)
    assert det.examples()
    for text in det.examples():
        d = default.screen_one(text)
        assert any(s.detector == name for s in d.signals), text
        assert d.verdict.value != "allow", text
