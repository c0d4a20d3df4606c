"""The personal-data detector: someone's phone, ID, card or address published to expose them.

Personal data alone is not doxxing (a shop gives its own number; a lost-dog poster its
owner's), so a category's ``pii:`` key pairs the data kinds of
:mod:`wenming.detectors.pii.data` with *exposing* phrases (人肉, 曝光他的电话, "go harass
her", "here is his address") that must stand within ``within`` characters, and *own*
phrases (本店, "call us") that mark the poster's own details and cancel the signal.
Evidence spans point at the personal data. The policy's regex rules may still score
the data alone at low weights.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from wenming.core.model import Signal
from wenming.core.policy import Extension
from wenming.detectors.base import Detector, Prepared, extension_plugin
from wenming.detectors.intent.config import phrase_regex
from wenming.detectors.pii import data

NAME = "pii"
VERSION = "1"
KEY = "pii"
POLICY_KEYS = (KEY,)
_KEYS = {"weight", "within", "exposing", "own", "kinds"}


@dataclass(frozen=True, slots=True)
class PiiRule:
    """One category's ``pii:`` settings, validated."""

    category: str
    weight: float
    within: int
    exposing: re.Pattern[str]
    own: re.Pattern[str] | None
    kinds: frozenset[str]


def parse(ext: Extension, category: str) -> PiiRule:
    """Validate a ``pii:`` value; errors name the policy file and line."""
    raw = ext.value
    if not isinstance(raw, dict):
        raise ext.fail((), f"{category}.pii must be a mapping")
    for key in raw:
        if key not in _KEYS:
            raise ext.fail(
                (key,), f"unknown key {key!r} in pii; expected one of {', '.join(sorted(_KEYS))}"
            )
    weight = raw.get("weight", 0.95)
    if isinstance(weight, bool) or not isinstance(weight, int | float) or not 0 <= weight <= 1:
        raise ext.fail(("weight",), f"pii.weight must be a number between 0 and 1, got {weight!r}")
    within = raw.get("within", 80)
    if isinstance(within, bool) or not isinstance(within, int) or not 1 <= within <= 1000:
        raise ext.fail(("within",), f"pii.within must be a whole number 1-1000, got {within!r}")
    kinds = raw.get("kinds", list(data.KINDS))
    if not isinstance(kinds, list):
        raise ext.fail(("kinds",), "pii.kinds must be a list")
    for i, k in enumerate(kinds):
        if k not in data.KINDS:
            raise ext.fail(
                ("kinds", i),
                f"unknown personal-data kind {k!r}; expected one of {', '.join(data.KINDS)}",
            )
    return PiiRule(
        category,
        float(weight),
        within,
        _phrases(ext, raw, "exposing", required=True),
        _phrases(ext, raw, "own", required=False) if "own" in raw else None,
        frozenset(kinds),
    )


def _phrases(
    ext: Extension, raw: dict[str, object], key: str, *, required: bool
) -> re.Pattern[str]:
    words = raw.get(key)
    if not isinstance(words, list) or (required and not words):
        raise ext.fail((key,), f"pii.{key} must be a list of phrases")
    parts = []
    for i, w in enumerate(words):
        if not isinstance(w, str) or not w.strip():
            raise ext.fail((key, i), f"pii.{key} entry {i + 1} must be a non-empty phrase")
        parts.append(phrase_regex(w)[0])
    try:
        return re.compile("|".join(sorted(parts, key=len, reverse=True)))
    except re.error as exc:
        raise ext.fail((key,), f"invalid regular expression in pii.{key}: {exc}") from None


class PiiDetector:
    """Flags personal data that stands near words exposing it."""

    name = NAME
    version = VERSION

    def __init__(self, rules: Sequence[PiiRule]) -> None:
        self.rules = list(rules)

    def examples(self) -> list[str]:
        return [
            "her phone is 555-0199, go harass her",
            "人肉到了，这个女的手机号13812345678，大家去问候她",
        ]

    def detect(self, batch: Sequence[Prepared]) -> list[list[Signal]]:
        return [self._detect_one(p) for p in batch]

    def _detect_one(self, prepared: Prepared) -> list[Signal]:
        canonical = prepared.norm.canonical
        if not data.HINT.search(canonical):
            return []
        found = list(data.find(canonical))
        out: list[Signal] = []
        for rule in self.rules:
            for kind, s, e in found:
                if kind not in rule.kinds:
                    continue
                lo, hi = max(0, s - rule.within), min(len(canonical), e + rule.within)
                if not rule.exposing.search(canonical, lo, hi):
                    continue
                if rule.own is not None and rule.own.search(canonical, lo, hi):
                    continue
                start, end = prepared.norm.canonical_span(s, e)
                out.append(
                    Signal(
                        rule.category,
                        rule.weight,
                        NAME,
                        start,
                        end,
                        prepared.item.text[start:end],
                        {"rule": f"exposed-{kind}"},
                    )
                )
        return out


def _build(parsed: list[PiiRule]) -> Detector:
    return PiiDetector(parsed)


PLUGIN = extension_plugin(name=NAME, version=VERSION, key=KEY, parse=parse, build=_build)
"""The ``pii:`` category key, parsed when the policy loads (docs/detectors.md)."""
