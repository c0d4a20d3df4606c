"""Screening time grows linearly with the text: 1 MiB texts built to be pathological for
each normalisation step are screened by the default pack within a fixed budget.

Before the fix, the phonetic view's offset lookup recounted the text from its start for
every match (100,000 characters took 20 s); allowed-phrase checks compared every hit
with every allowed span. The budget has a wide margin for a loaded shared machine: a
quadratic step would take minutes here, not seconds.
"""

from __future__ import annotations

import time

import pytest

from wenming.detectors.screener import Screener

MIB = 1 << 20
BUDGET_S = 12.0

# One repeating unit per normalisation step (and the matchers after them).
PATHOLOGICAL = {
    "fold-irregular": "ﬁ\u200bﬂ①㎏ß\u0301",  # expansions, deletions, combining marks
    "leetspeak": "a1$4@7!0|3 ",
    "separators": "f.u.c.k ",
    "single-letters": "b u y f o l l o w e r s ",
    "phonetic": "我们 sha逼 散步 ",
    "homophones": "代开发漂傻逼",
    "allow-and-terms": "帮助朋友戒毒 冰毒 ",
    "one-long-word": "a",
    "one-han-char": "傻",
    "repeated-letters": "fuuuuuuuuck ",
    "masks": "f*ck sh#t ",
    "mask-run": "*",
    "html": "f<b>u</b>ck sh&#105;t ",
    "line-breaks": "\n",
}


@pytest.fixture(scope="module")
def default_screener() -> Screener:
    screener = Screener.from_policy(None)
    screener.screen_one("warm up: 傻逼 fuck")
    return screener


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_one_mebibyte_is_screened_within_budget(default_screener: Screener, name: str) -> None:
    unit = PATHOLOGICAL[name]
    text = (unit * (MIB // len(unit) + 1))[:MIB]
    t0 = time.perf_counter()
    decision = default_screener.screen_one(text)
    took = time.perf_counter() - t0
    print(f"{name}: {took:.2f} s for {len(text):,} characters ({decision.verdict.value})")
    assert took < BUDGET_S, (name, took)
    for e in decision.to_dict()["evidence"]:
        if e["start"] is not None:
            assert text[e["start"] : e["end"]] == e["match"]
