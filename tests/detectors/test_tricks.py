"""The tricks English filters treat as basic, each on a generated corpus with its recall
printed, and the disguises' own edge cases (what must and must not match)."""

from __future__ import annotations

from pathlib import Path

import pytest

from wenming.detectors import tricks
from wenming.detectors.redteam import recall
from wenming.detectors.screener import Screener

LATIN = [
    "fuck",
    "shit",
    "bitch",
    "asshole",
    "motherfucker",
    "bastard",
    "whore",
    "slut",
    "cocaine",
    "heroin",
    "porn",
    "nigger",
    "buy followers",
    "kill yourself",
    "verify your bank",
    "free bitcoin giveaway",
]
HAN = ["傻逼", "鸡掰", "操你妈", "脑残", "冰毒", "海洛因", "加微信", "代开发票", "刷单返利"]
NEW_TRICKS = {
    "ascii-separators",
    "spaced-phrase",
    "leet-more",
    "leet-separated",
    "masked",
    "masked-han",
    "repeated",
    "html",
    "contact-handle",
    "han-suffix",
}


@pytest.fixture(scope="module")
def trick_screener(tmp_path_factory: pytest.TempPathFactory) -> Screener:
    p = tmp_path_factory.mktemp("tricks") / "p.yaml"
    terms = ", ".join(LATIN + HAN)
    p.write_text(f"categories:\n  a:\n    terms: [{terms}]\n    block_at: 0.9\n", encoding="utf-8")
    return Screener.from_policy(p)


def test_each_new_trick_is_caught(
    trick_screener: Screener, capsys: pytest.CaptureFixture[str]
) -> None:
    results = [r for seed in (1, 2, 3) for r in recall(trick_screener, LATIN + HAN, seed=seed)]
    by_trick: dict[str, list[int]] = {}
    missed: dict[str, list[str]] = {}
    for r in results:
        tally = by_trick.setdefault(r.trick, [0, 0])
        tally[0] += r.caught
        tally[1] += r.total
        missed.setdefault(r.trick, []).extend(r.missed)
    with capsys.disabled():
        print("\nrecall per trick (3 seeds, 16 Latin and 9 Chinese terms):")
        for trick, (caught, total) in by_trick.items():
            print(f"  {trick:<17} {caught:>4}/{total:<4} {caught / total:6.1%}")
    assert set(by_trick) >= NEW_TRICKS
    for trick in NEW_TRICKS:
        caught, total = by_trick[trick]
        assert total >= 9, trick
        assert caught / total >= 0.99, (trick, missed[trick][:5])


@pytest.mark.parametrize(
    "text",
    [
        "f|u|c|k",
        "f!u!c!k",
        "f#u#c#k",
        "b u y  f o l l o w e r s",
        "ｂ ｕ ｙ　ｆ ｏ ｌ ｌ ｏ ｗ ｅ ｒ ｓ",
        "b😀u😀y  f😀o😀l😀l😀o😀w😀e😀r😀s",
        "v e r i f y  y o u r  b a n k",
        "ni66er",
        "ni99er",
        "7hat shi7",
        "4sshole",
        "a$$hole",
        "@sshole",
        "p@rn",
        "sh!t",
        "b1tch",
        "fvck",
        "shlt",
        "5h!7",
        "s.h.1.t",
        "$hit",
        "f*ck",
        "f**k",
        "sh*t",
        "sh#t",
        "fuuuuck",
        "shiiit",
        "f<b>u</b>ck",
        "sh&#105;t",
        "f&#x75;ck",
        "+V❤信",
        "v信",
        "薇❤信",
        "傻×",
        "傻x",
        "鸡掰人",
        "傻傻傻逼",
    ],
)
def test_disguised_term_is_caught(trick_screener: Screener, text: str) -> None:
    d = trick_screener.screen_one(text)
    assert d.labels == ("a",), text
    for e in d.to_dict()["evidence"]:
        assert text[e["start"] : e["end"]] == e["match"]


@pytest.mark.parametrize(
    "text",
    [
        "The SPLC said so",
        "call me at 5pm",
        "5mの距離",
        "5mの道",
        "James Caan starred",
        "shi.",
        "the U.S.A. and e.g. www.google.com",
        "asses the risk",
        "hello world...",
        "as is",
        "Sooooo good",
        "the shiitake",
        "a < b and c > d",
        "AT&T; Q&A",
        "3×4 = 12",
        "长×宽",
        "我xbox玩得好",
        "天天向上",
        "version 1.2.3",
        "10 - 20 - 30",
    ],
)
def test_ordinary_text_is_left_alone(trick_screener: Screener, text: str) -> None:
    assert trick_screener.screen_one(text).labels == (), text


def test_masks_respect_word_boundaries_and_the_one_third_limit(trick_screener: Screener) -> None:
    assert trick_screener.screen_one("f***").labels == ()  # three of four masked
    assert trick_screener.screen_one("*uck").labels == ()  # first letter masked
    assert trick_screener.screen_one("f*cking").labels == ()  # a longer word, not the term
    assert trick_screener.screen_one("m*th*rf*ck*r").labels == ("a",)


def test_trick_rewrites_really_disguise(tmp_path: Path) -> None:
    import random

    rng = random.Random(3)
    assert tricks.ascii_separators("fuck", rng) != "fuck"
    assert "<" in (tricks.html_markup("fuck", random.Random(0)) or "") or "&#" in (
        tricks.html_markup("fuck", random.Random(0)) or ""
    )
    assert tricks.contact_handle("加微信", rng) != "加微信"
    assert tricks.masked("ass", rng) is None  # too short to mask
