"""Regression tests for the false positives of issue 13: terms shrunk by normalising,
homophones that are ordinary words, split words, quoted warnings, and leet outside
Latin words."""

from __future__ import annotations

from pathlib import Path

import pytest

from wenming.core.policy import PolicyError
from wenming.detectors.screener import Screener
from wenming.policies.loader import load_policy


def _policy(tmp_path: Path, body: str, terms_file: str | None = None) -> Path:
    if terms_file is not None:
        (tmp_path / "t.txt").write_text(terms_file, encoding="utf-8")
    p = tmp_path / "p.yaml"
    p.write_text(body, encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def default_screener() -> Screener:
    return Screener.from_policy(None)


def test_terms_are_decoded_like_text(tmp_path: Path) -> None:
    p = _policy(
        tmp_path, "categories:\n  a:\n    terms: [a$$, sh!+, 'f|_|ck']\n    block_at: 0.9\n"
    )
    s = Screener.from_policy(p)
    assert s.screen_one("what an ass").labels == ("a",)
    assert s.screen_one("oh shit").labels == ("a",)
    # Never widened to "a" or "sh": ordinary sentences stay clean.
    assert s.screen_one("a cat sat on a mat, she shouted").labels == ()


@pytest.mark.parametrize(("term", "key"), [("s.b", "sb"), ("a$", "as"), ("@!", ""), ("x!", "x")])
def test_terms_too_short_after_normalising_are_refused_with_file_and_line(
    tmp_path: Path, term: str, key: str
) -> None:
    p = _policy(
        tmp_path,
        "categories:\n  a:\n    terms_file: t.txt\n    block_at: 0.9\n",
        terms_file=f"# header\nfine term\n{term}\n",
    )
    with pytest.raises(PolicyError) as err:
        load_policy(p)
    assert err.value.source.endswith("t.txt") and err.value.line == 3
    assert repr(key) in err.value.reason and "fewer than 3" in err.value.reason


def test_inline_short_term_is_refused_at_its_line(tmp_path: Path) -> None:
    p = _policy(
        tmp_path, "categories:\n  a:\n    block_at: 0.9\n    terms:\n      - fine\n      - 's.b'\n"
    )
    with pytest.raises(PolicyError) as err:
        load_policy(p)
    assert err.value.line == 6


def test_short_terms_written_as_matched_stay_literal(tmp_path: Path) -> None:
    p = _policy(tmp_path, "categories:\n  a:\n    terms: [sb]\n    block_at: 0.9\n")
    s = Screener.from_policy(p)
    assert s.screen_one("you sb").labels == ("a",)
    assert s.screen_one("sbc absb").labels == ()


def test_chinese_terms_of_one_character_are_fine(tmp_path: Path) -> None:
    p = _policy(tmp_path, "categories:\n  a:\n    terms: [屌]\n    block_at: 0.9\n")
    assert Screener.from_policy(p).screen_one("屌").labels == ("a",)


@pytest.mark.parametrize(
    "text",
    [
        "约跑",
        "同城约跑",
        "周末同城约跑，一起锻炼身体",
        "每天刷单词一百个",
        "我背单词，刷单词书",
        "他一直听他妈的话。",
    ],
)
def test_ordinary_chinese_is_not_read_as_a_term(default_screener: Screener, text: str) -> None:
    assert default_screener.screen_one(text).labels == (), text


@pytest.mark.parametrize(
    "text",
    ["同城约炮", "代开发漂", "刷单返利，日结", "堵博网站", "你他妈的傻逼", "贱人们", "杀了你们"],
)
def test_real_terms_and_disguises_still_count(default_screener: Screener, text: str) -> None:
    assert default_screener.screen_one(text).labels != (), text


def test_homophone_kept_where_the_term_reads_as_ordinary_words(tmp_path: Path) -> None:
    p = _policy(tmp_path, "categories:\n  a:\n    terms: [枪支出售, 同城约炮]\n    block_at: 0.9\n")
    s = Screener.from_policy(p)
    assert s.screen_one("枪支出手").labels == ("a",)  # 出售 is a word: 手 is a disguise
    assert s.screen_one("同城约跑").labels == ()  # 约炮 is slang; 跑 far commoner than 炮


@pytest.mark.parametrize(
    "text",
    [
        "警惕“安全账户”诈骗：公安机关从不要求把钱转到安全账户",
        "禁毒宣传：珍爱生命，远离冰毒和海洛因",
        "反诈提醒：凡是稳赚不赔的投资都是骗局",
        "谨防刷单返利诈骗",
        "Scam alert: beware of anyone who asks you to verify your bank details by text",
    ],
)
def test_warnings_quoting_terms_are_not_blocked(default_screener: Screener, text: str) -> None:
    d = default_screener.screen_one(text)
    assert d.verdict.value in ("allow", "review", "label"), (text, d.verdict, d.reasons)
    assert d.verdict.value != "block"


def test_counter_speech_lowers_scores_and_can_be_turned_off(tmp_path: Path) -> None:
    body = "categories:\n  a:\n    terms: [安全账户]\n    review_at: 0.3\n    block_at: 0.9\n"
    on = Screener.from_policy(_policy(tmp_path, body))
    text = "警惕：把钱转到安全账户的都是诈骗"
    assert on.screen_one(text).verdict.value == "review"
    assert on.screen_one("把钱转到安全账户").verdict.value == "block"
    (tmp_path / "off.yaml").write_text("counter_speech: false\n" + body, encoding="utf-8")
    off = Screener.from_policy(tmp_path / "off.yaml")
    assert off.screen_one(text).verdict.value == "block"
    (tmp_path / "own.yaml").write_text(
        "counter_speech: {cues: [official notice], factor: 0.1}\n" + body, encoding="utf-8"
    )
    own = Screener.from_policy(tmp_path / "own.yaml")
    assert own.screen_one(text).verdict.value == "block"  # 警惕 is not one of its cues
    assert own.screen_one("Official notice: 安全账户").verdict.value == "allow"
    assert on.policy.version != off.policy.version != own.policy.version


def test_other_evidence_still_counts_in_a_warning(tmp_path: Path) -> None:
    body = (
        "categories:\n  a:\n    terms: [安全账户, 转账到这里]\n    review_at: 0.3\n"
        "    block_at: 0.6\n"
    )
    s = Screener.from_policy(_policy(tmp_path, body))
    assert s.screen_one("提醒：安全账户").verdict.value == "review"
    assert s.screen_one("提醒：安全账户，转账到这里").verdict.value == "block"


@pytest.mark.parametrize("text", ["5mの距離です", "5m先の交差点", "走5m就到", "the 5m mark"])
def test_leet_is_not_applied_outside_latin_words(tmp_path: Path, text: str) -> None:
    p = _policy(tmp_path, "categories:\n  a:\n    terms: [smut]\n    block_at: 0.9\n")
    s = Screener.from_policy(p)
    assert s.screen_one(text).labels == ()
    from wenming.core.normalize import normalize

    assert "sm" not in normalize(text).compact
