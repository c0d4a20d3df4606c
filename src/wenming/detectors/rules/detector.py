"""The rules detector: the policy's regular expressions.

Rules run on the *canonical* view by default (case-folded, full-width and look-alike
characters folded, traditional Chinese simplified, invisible characters removed,
punctuation kept), so one pattern covers many spellings; a rule may ask for the
``original`` text instead. Spans map back to the original text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from wenming.core.model import Signal
from wenming.core.policy import Policy
from wenming.detectors.base import Detector, Prepared

NAME = "rules"
VERSION = "1"
MAX_MATCHES_PER_RULE = 20


@dataclass(frozen=True, slots=True)
class _Compiled:
    id: str
    category: str
    pattern: re.Pattern[str]
    weight: float
    on_original: bool


class RulesDetector:
    """Runs every category's regex rules over each item."""

    name = NAME
    version = VERSION

    def __init__(self, policy: Policy) -> None:
        self.rules = [
            _Compiled(r.id, c.id, re.compile(r.pattern), r.weight, r.view == "original")
            for c in policy.categories.values()
            for r in c.rules
        ]

    def examples(self) -> list[str]:
        return []

    def detect(self, batch: Sequence[Prepared]) -> list[list[Signal]]:
        return [self._detect_one(p) for p in batch]

    def _detect_one(self, prepared: Prepared) -> list[Signal]:
        norm = prepared.norm
        text = prepared.item.text
        out: list[Signal] = []
        for rule in self.rules:
            haystack = text if rule.on_original else norm.canonical
            for n, m in enumerate(rule.pattern.finditer(haystack)):
                if n >= MAX_MATCHES_PER_RULE or m.end() == m.start():
                    break
                start, end = m.span() if rule.on_original else norm.canonical_span(*m.span())
                out.append(Signal(rule.category, rule.weight, NAME, start, end,
                                  text[start:end], {"rule": rule.id}))
        return out


def build(policy: Policy) -> Detector | None:
    """The rules detector, if the policy has any regex rule."""
    if not any(c.rules for c in policy.categories.values()):
        return None
    return RulesDetector(policy)
