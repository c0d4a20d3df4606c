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
from wenming.detectors.base import Detector, DetectorPlugin, Prepared, Resources
from wenming.detectors.rules.config import CATEGORY_KEYS, RulesConfig, parse

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

    def __init__(self, part: RulesConfig) -> None:
        self.rules = [
            _Compiled(r.id, cid, re.compile(r.pattern), r.weight, r.view == "original")
            for cid, rules in part.categories.items()
            for r in rules
        ]
        self._examples = [
            x for rules in part.categories.values() for r in rules for x in r.examples[:1]
        ]

    def examples(self) -> list[str]:
        return list(self._examples)

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
                out.append(
                    Signal(
                        rule.category,
                        rule.weight,
                        NAME,
                        start,
                        end,
                        text[start:end],
                        {"rule": rule.id},
                    )
                )
        return out


def build(policy: Policy, resources: Resources | None = None) -> Detector | None:
    """The rules detector, if the policy has any regex rule."""
    part = policy.part(NAME)
    return RulesDetector(part) if isinstance(part, RulesConfig) else None


def _summary(part: object, cid: str) -> dict[str, int]:
    rules = part.categories.get(cid, ()) if isinstance(part, RulesConfig) else ()
    return {"rules": len(rules)}


PLUGIN = DetectorPlugin(
    name=NAME,
    version=VERSION,
    category_keys=CATEGORY_KEYS,
    parse=parse,
    build=build,
    summary=_summary,
)
