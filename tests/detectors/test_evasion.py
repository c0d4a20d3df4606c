"""Evasion recall per trick on a generated corpus, and silence on clean text."""

from __future__ import annotations

from pathlib import Path

import pytest

from wenming.detectors.redteam import TRICKS, corpus, recall
from wenming.detectors.screener import Screener

TERMS = [
    "fuck",
    "bitch",
    "asshole",
    "motherfucker",
    "heroin",
    "cocaine",
    "buy followers",
    "kill yourself",
    "傻逼",
    "操你妈",
    "脑残",
    "冰毒",
    "海洛因",
    "出售冰毒",
    "加微信",
    "代开发票",
    "刷单返利",
    "网络赌博",
]

# Everyday text that contains banned strings by accident (the Scunthorpe problem),
# near-homophones of short terms, and words that merely sit next to each other.
CLEAN = [
    "Scunthorpe United won at home",
    "the hero in the story saves the town",
    "please assess the class project",
    "Essex and Sussex are counties",
    "my therapist helps",
    "a cocktail party in Middlesex",
    "skill yourself up with online courses",
    "shitake mushrooms are tasty",
    "I passed the assessment",
    "documents attached, thanks",
    "this is hit or miss",
    "he is a grape farmer",
    "Dickens wrote novels",
    "cockpit crew",
    "我们去银行办理业务",
    "他强制要求大家加班",
    "今天的天气非常好",
    "学习计算机科学",
    "帮助朋友戒毒是好事",
    "傻瓜相机很好用",
    "这个网站的博客不错",
    "代表大会开幕了",
    "我在微信上看到一篇文章",
    "发票已经开好了",
    "call me at 5pm",
    "shabby chic furniture",
    "the Babi Yar memorial",
    "Jiaxing is a city",
    "sha bu sha",
    "xin nian kuai le",
]


def test_every_trick_is_caught(screener: Screener, capsys: pytest.CaptureFixture[str]) -> None:
    results = recall(screener, TERMS)
    with capsys.disabled():
        print("\nevasion recall per trick (fixture terms):")
        for r in results:
            print(f"  {r.trick:<14} {r.caught:>3}/{r.total:<3} {r.recall:6.1%}")
    assert {r.trick for r in results} == {t.name for t in TRICKS}
    for r in results:
        assert r.total > 0, r.trick
        assert r.recall >= 0.95, (r.trick, r.missed[:5])


def test_corpus_really_rewrites_terms() -> None:
    pairs = corpus(["fuck", "傻逼"], seed=1)
    assert any("ｆ" in text for _, text in pairs["fullwidth"])
    assert any(
        "\u200b" in t or "\u200d" in t or "\ufeff" in t or "\u2060" in t or "\u200c" in t
        for _, t in pairs["invisible"]
    )
    assert any("sha" in text for _, text in pairs["pinyin"])


def test_clean_text_raises_no_label(screener: Screener) -> None:
    flagged = [
        (d.item_id, d.labels, [e["match"] for e in d.to_dict()["evidence"]])
        for d in screener.screen(CLEAN)
        if d.labels
    ]
    assert flagged == []


def test_allow_list_drops_matches_inside_allowed_phrases(screener: Screener) -> None:
    assert screener.screen_one("帮助朋友戒毒").labels == ()
    assert screener.screen_one("他在吸冰毒").labels == ("drugs",)


def test_two_character_homophones_are_not_trusted(screener: Screener) -> None:
    # 煞笔 sounds like 傻逼, but all-Hanzi homophones of two-character terms collide with
    # ordinary words too often; pinyin spellings of them are still caught.
    assert screener.screen_one("煞笔").labels == ()
    assert screener.screen_one("sha逼").labels == ("abuse",)


def test_evidence_points_at_what_the_user_wrote(screener: Screener) -> None:
    text = "你这个傻\u200b 逼，f.u.c.k off"
    d = screener.screen_one(text)
    matches = {e["match"] for e in d.to_dict()["evidence"]}
    assert matches == {"傻\u200b 逼", "f.u.c.k"}
    for e in d.to_dict()["evidence"]:
        assert text[e["start"] : e["end"]] == e["match"]


def test_phonetic_can_be_switched_off(tmp_path: Path) -> None:
    p = tmp_path / "p.yaml"
    p.write_text(
        "categories:\n  a:\n    terms: [傻逼]\n    phonetic: false\n    block_at: 0.9\n",
        encoding="utf-8",
    )
    s = Screener.from_policy(p)
    assert s.screen_one("shabi").labels == ()
    assert s.screen_one("傻逼").labels == ("a",)


def test_hard_cases_found_while_tuning_the_default_pack(tmp_path: Path) -> None:
    p = tmp_path / "p.yaml"
    p.write_text(
        "categories:\n  a:\n    terms: [gook, spic, kill yourself, 杀了你, 一夜情, "
        "王八蛋]\n    block_at: 0.9\n",
        encoding="utf-8",
    )
    s = Screener.from_policy(p)
    clean = [
        "At 7 we will go ok na.",
        "The SPLC said so",
        "你干啥了。你说",
        "满意!也請回复",
        "希望吧，但愿如此",
        "skill yourself up",
    ]
    assert [(t, d.labels) for t, d in zip(clean, s.screen(clean), strict=True) if d.labels] == []
    caught = ["ki11 yourself", "k|ll yourself", "杀 了 你", "杀.了.你", "wang八蛋"]
    assert [t for t, d in zip(caught, s.screen(caught), strict=True) if not d.labels] == []
