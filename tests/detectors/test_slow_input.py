"""Texts built to be pathological for each normalisation step screen within a budget.

This one screens the whole default pack on many small pathological patterns through
the public entry point; ``tests/core/test_linear_time.py`` holds the 1 MiB texts (one per
normalisation step) within a fixed budget, now that screening is linear.
"""

from __future__ import annotations

import time

import pytest

from wenming.core.model import Item
from wenming.detectors.screener import Screener

SIZE = 20_000
BUDGET_S = 2.0  # generous: the test machine's cores are shared

PATTERNS = {
    "fullwidth": "ｆｕｃｋ",
    "zero-width": "f\u200bu\u200bc\u200bk ",
    "separators": "f.u.c.k ",
    "homoglyphs": "fսсk ",
    "traditional": "傻逼賣淫",
    "pinyin": "sha bi ",
    "leetspeak": "f4ck 5h1t ",
    "repeats": "fuuuuuuuuuck ",
    "masks": "f*ck s**t ",
    "mixed": "加V信 代开发票 ｆｕｃｋ f.u.c.k 傻 逼 ",
    "combining": "f\u0301u\u0301c\u0301k\u0301 ",
}


@pytest.fixture(scope="module")
def default_screener() -> Screener:
    return Screener.from_policy()


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_pathological_text_screens_within_budget(default_screener: Screener, name: str) -> None:
    unit = PATTERNS[name]
    text = (unit * (SIZE // len(unit) + 1))[:SIZE]
    began = time.perf_counter()
    [decision] = default_screener.screen([Item("slow", text)])
    took = time.perf_counter() - began
    assert took < BUDGET_S, f"{name}: {len(text)} characters took {took:.2f}s"
    assert decision.item_id == "slow"
