"""The intent detector: threats, calls to harass and dehumanising comparisons as patterns.

Word lists catch what is written the way they expect; intent is structure — a first
person, a harmful act and a target ("I'm going to … your school", 我要炸了这栋楼), a
group and a dehumanising comparison (河南人都是骗子). A category's ``intents:`` key
(see :mod:`wenming.detectors.intent.config` and docs/policy.md) names slot word lists
and the sequences they form; this detector compiles each sequence once into a regex
and runs it on the canonical view, only on items where an Aho-Corasick scan found a
word of the pattern's most selective slot. Reported, quoted or negated uses (``unless``
phrases in the same sentence, an open quotation mark) give no signal.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import ahocorasick_rs

from wenming.core.model import Signal
from wenming.core.policy import Policy
from wenming.detectors.base import Detector, Prepared
from wenming.detectors.intent.config import KEY, IntentPattern, Slot, parse_all

NAME = "intent"
VERSION = "1"
POLICY_KEYS = (KEY,)
_BREAK = re.compile(r"[.!?。！？;；\n]")
_OPEN_QUOTES = "“「『《"
_CLOSE_QUOTES = "”」』》"


@dataclass(frozen=True, slots=True)
class _Compiled:
    pattern: IntentPattern
    regex: re.Pattern[str]
    unless: re.Pattern[str] | None


def compile_sequence(slots: Sequence[Slot], gap: int, *, across: bool = False) -> str:
    """One regex for a slot sequence: slots in order, ``gap`` characters apart at most,
    never across a sentence break unless ``across``."""
    g = rf"[\s\S]{{0,{gap}}}?" if across else rf"(?:(?!\.\s)[^!?。！？;；\n]){{0,{gap}}}?"
    out = ""
    pending: list[Slot] = []  # optional slots before the first required one
    started = False
    for s in slots:
        if not started:
            if s.optional:
                pending.append(s)
                continue
            out = "".join(f"(?:{p.regex}{g})?" for p in pending) + s.regex
            started = True
        elif s.optional:
            out += f"(?:{g}{s.regex})?"
        else:
            out += f"{g}{s.regex}"
    return out


def _hint_words(p: IntentPattern) -> tuple[str, ...]:
    """The literals of the most selective required slot (longest shortest word)."""
    candidates = [s for s in p.slots if not s.optional and s.literals]
    if not candidates:
        return ()
    best = max(candidates, key=lambda s: (min(len(w) for w in s.literals), -len(s.literals)))
    return best.literals


class IntentDetector:
    """Runs the policy's intent patterns over each item's canonical text."""

    name = NAME
    version = VERSION

    def __init__(self, patterns: Sequence[IntentPattern]) -> None:
        self.compiled = [
            _Compiled(p, re.compile(compile_sequence(p.slots, p.gap, across=p.across_sentences)),
                      re.compile(p.unless) if p.unless else None)
            for p in patterns
        ]
        words: dict[str, set[int]] = {}
        self._always: list[int] = []
        for i, p in enumerate(patterns):
            hints = _hint_words(p)
            if not hints:
                self._always.append(i)
            for w in hints:
                words.setdefault(w, set()).add(i)
        self._hint_sets = list(words.values())
        self._hints = (ahocorasick_rs.AhoCorasick(list(words)) if words else None)

    def examples(self) -> list[str]:
        return ["I am going to bomb your school tomorrow", "我要炸了这栋楼",
                "All immigrants are vermin and should be exterminated", "河南人都是骗子"]

    def detect(self, batch: Sequence[Prepared]) -> list[list[Signal]]:
        return [self._detect_one(p) for p in batch]

    def _candidates(self, canonical: str) -> list[int]:
        found = set(self._always)
        if self._hints is not None:
            for wid, _, _ in self._hints.find_matches_as_indexes(canonical, overlapping=True):
                found |= self._hint_sets[wid]
        return sorted(found)

    def _detect_one(self, prepared: Prepared) -> list[Signal]:
        norm = prepared.norm
        canonical = norm.canonical
        out: list[Signal] = []
        for i in self._candidates(canonical):
            c = self.compiled[i]
            for m in c.regex.finditer(canonical):
                if m.end() == m.start() or not self._counts(c, canonical, m.start(), m.end()):
                    continue
                start, end = norm.canonical_span(*m.span())
                out.append(Signal(c.pattern.category, c.pattern.weight, NAME, start, end,
                                  prepared.item.text[start:end], self._detail(c.pattern)))
                break
        return out

    @staticmethod
    def _detail(p: IntentPattern) -> dict[str, object]:
        return {"rule": p.id, "dampen": True} if p.dampen else {"rule": p.id}

    @staticmethod
    def _counts(c: _Compiled, text: str, start: int, end: int) -> bool:
        """False when the match is reported, negated or quoted rather than meant."""
        head = _sentence_start(text, start)
        tail = _BREAK.search(text, end)
        sentence_end = tail.start() if tail else len(text)
        if c.unless is not None and c.unless.search(text, head, sentence_end):
            return False
        if c.pattern.skip_quoted:
            before = text[head:start]
            opened = sum(before.count(q) for q in _OPEN_QUOTES)
            closed = sum(before.count(q) for q in _CLOSE_QUOTES)
            if opened > closed or before.count('"') % 2 == 1:
                return False
        return True


def _sentence_start(text: str, pos: int) -> int:
    for i in range(pos - 1, max(pos - 300, 0) - 1, -1):
        if text[i] in ".!?。！？;；\n":
            return i + 1
    return max(pos - 300, 0)


def build(policy: Policy) -> Detector | None:
    """The intent detector, if any category has an ``intents:`` key."""
    exts = [(c.id, c.extensions[KEY]) for c in policy.categories.values() if KEY in c.extensions]
    if not exts:
        return None
    return IntentDetector(parse_all(exts))
