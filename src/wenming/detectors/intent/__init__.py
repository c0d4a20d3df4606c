"""The intent detector: threats, calls to harass and dehumanising comparisons as patterns.

Word lists catch what is written the way they expect; intent is structure — a first
person, a harmful act and a target ("I'm going to … your school", 我要炸了这栋楼), a
group and a dehumanising comparison (河南人都是骗子). A category's ``intents:`` key
(see :mod:`wenming.detectors.intent.config` and docs/policy.md) names slot word lists
and the sequences they form; this detector compiles each sequence once into a regex
and runs it on the canonical view, only on items where an Aho-Corasick scan found a
word of each of the pattern's required word-list slots. Reported, quoted or negated uses (``unless``
phrases in the same sentence, an open quotation mark) give no signal.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import ahocorasick_rs

from wenming.core.model import Signal
from wenming.detectors.base import Detector, Prepared, extension_plugin
from wenming.detectors.intent.config import KEY, IntentPattern, Slot, parse

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


class IntentDetector:
    """Runs the policy's intent patterns over each item's canonical text."""

    name = NAME
    version = VERSION

    def __init__(self, patterns: Sequence[IntentPattern]) -> None:
        self.compiled = [
            _Compiled(
                p,
                re.compile(compile_sequence(p.slots, p.gap, across=p.across_sentences)),
                re.compile(p.unless) if p.unless else None,
            )
            for p in patterns
        ]
        # One Aho-Corasick pass finds every literal slot word; a pattern's regex runs only
        # when each of its required literal slots has a word in the text.
        slot_ids: dict[tuple[str, str], int] = {}
        words: dict[str, set[int]] = {}
        self._needs: list[frozenset[int]] = []
        # where a pattern starts with a required word-list slot, its regex is tried only
        # at the places the scan found one of those words, not at every position
        self._anchor: list[int | None] = []
        for p in patterns:
            need: set[int] = set()
            for slot in p.slots:
                if slot.optional or not slot.literals:
                    continue
                sid = slot_ids.setdefault((p.category, slot.name), len(slot_ids))
                need.add(sid)
                for w in slot.literals:
                    words.setdefault(w, set()).add(sid)
            self._needs.append(frozenset(need))
            first = p.slots[0]
            self._anchor.append(
                slot_ids[(p.category, first.name)]
                if not first.optional and first.literals
                else None
            )
        self._word_slots = list(words.values())
        self._by_slot: list[list[int]] = [[] for _ in slot_ids]
        for i, needed in enumerate(self._needs):
            for sid in needed:
                self._by_slot[sid].append(i)
        self._always = [i for i, needed in enumerate(self._needs) if not needed]
        self._words = ahocorasick_rs.AhoCorasick(list(words)) if words else None

    def examples(self) -> list[str]:
        return [
            "I am going to bomb your school tomorrow",
            "我要炸了这栋楼",
            "All immigrants are vermin and should be exterminated",
            "河南人都是骗子",
        ]

    def detect(self, batch: Sequence[Prepared]) -> list[list[Signal]]:
        return [self._detect_one(p) for p in batch]

    def _candidates(self, canonical: str) -> tuple[list[int], dict[int, list[int]]]:
        """Patterns whose word slots all occur, and where each slot's words start."""
        starts: dict[int, list[int]] = {}
        if self._words is not None:
            for wid, start, _ in self._words.find_matches_as_indexes(canonical, overlapping=True):
                for sid in self._word_slots[wid]:
                    starts.setdefault(sid, []).append(start)
        hits: dict[int, int] = {}
        for sid in starts:
            for i in self._by_slot[sid]:
                hits[i] = hits.get(i, 0) + 1
        found = [i for i, n in hits.items() if n == len(self._needs[i])]
        return sorted(found + self._always), starts

    def _detect_one(self, prepared: Prepared) -> list[Signal]:
        norm = prepared.norm
        canonical = norm.canonical
        out: list[Signal] = []
        # categories often share a pattern (the same context words): match it once
        seen: dict[tuple[str, str | None, bool], tuple[int, int] | None] = {}
        candidates, starts = self._candidates(canonical)
        for i in candidates:
            c = self.compiled[i]
            key = (c.regex.pattern, c.pattern.unless, c.pattern.skip_quoted)
            if key not in seen:
                sid = self._anchor[i]
                seen[key] = self._first(
                    c, canonical, sorted(set(starts[sid])) if sid is not None else None
                )
            span = seen[key]
            if span is None:
                continue
            start, end = norm.canonical_span(*span)
            out.append(
                Signal(
                    c.pattern.category,
                    c.pattern.weight,
                    NAME,
                    start,
                    end,
                    prepared.item.text[start:end],
                    self._detail(c.pattern),
                )
            )
        return out

    def _first(
        self, c: _Compiled, canonical: str, anchors: list[int] | None
    ) -> tuple[int, int] | None:
        found = (
            c.regex.finditer(canonical)
            if anchors is None
            else (m for m in (c.regex.match(canonical, a) for a in anchors) if m is not None)
        )
        for m in found:
            if m.end() > m.start() and self._counts(c, canonical, m.start(), m.end()):
                return m.span()
        return None

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


def _build(parsed: list[list[IntentPattern]]) -> Detector:
    return IntentDetector([p for patterns in parsed for p in patterns])


PLUGIN = extension_plugin(name=NAME, version=VERSION, key=KEY, parse=parse, build=_build)
"""The ``intents:`` category key, parsed when the policy loads (docs/detectors.md)."""
