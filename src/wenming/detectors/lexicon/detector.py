"""The lexicon detector: the policy's term lists, allow lists and combination rules.

Every category's terms, every allow-list phrase and every term of a ``near`` rule go
into one :class:`~wenming.core.text_index.TextIndex`, so a text is scanned once however
many categories and terms the policy has. A term hit inside an allowed phrase (of the
same category, or of the global allow list) is dropped; a ``near`` rule fires when all
its terms occur within its window.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace

from pypinyin import Style, lazy_pinyin

from wenming.core.model import Signal
from wenming.core.policy import Policy
from wenming.core.text_index import Hit, TextIndex
from wenming.detectors.base import Detector, DetectorPlugin, Prepared, Resources
from wenming.detectors.lexicon import config

NAME = "lexicon"
VERSION = "1"
MAX_PER_TERM = 20  # signals kept per term and text (a 1 MiB spam text repeats one term)


@dataclass(frozen=True, slots=True)
class _Entry:
    kind: str  # "term", "allow" or "near"
    category: str | None  # None: the global allow list
    text: str
    weight: float = 1.0
    rule: int = -1  # index into the near rules, for kind "near"
    part: int = -1  # which of the rule's terms


@dataclass(frozen=True, slots=True)
class _NearRule:
    id: str
    category: str
    parts: int
    within: int
    weight: float


def pinyin_keys(phrase: str) -> list[str]:
    """Toneless pinyin spellings of a Chinese phrase: phrase-aware and per character."""
    keys = {"".join(lazy_pinyin(phrase, style=Style.NORMAL, errors="default"))}
    keys.add("".join(lazy_pinyin(list(phrase), style=Style.NORMAL, errors="default")))
    return [k for k in keys if k]


class LexiconDetector:
    """Matches term lists; see the module docstring."""

    name = NAME
    version = VERSION

    def __init__(self, part: config.LexiconConfig) -> None:
        self.index = TextIndex()
        self.entries: list[_Entry] = []
        self.near_rules: list[_NearRule] = []
        for cid, cat in part.categories.items():
            for term in cat.terms:
                keys = pinyin_keys(term.text) if term.phonetic else []
                self._add(_Entry("term", cid, term.text, term.weight), keys)
            for phrase in cat.allow:
                self._add(_Entry("allow", cid, phrase), [])
            for near in cat.near:
                rid = len(self.near_rules)
                self.near_rules.append(
                    _NearRule(near.id, cid, len(near.terms), near.within, near.weight)
                )
                for i, text in enumerate(near.terms):
                    self._add(
                        _Entry("near", cid, text, rule=rid, part=i),
                        pinyin_keys(text) if cat.phonetic else [],
                    )
        for phrase in part.allow:
            self._add(_Entry("allow", None, phrase), [])
        self.index.build()
        self.counter_speech = part.counter_speech
        self._examples = [t.text for c in part.categories.values() for t in c.terms[:1]]

    def _add(self, entry: _Entry, keys: list[str]) -> None:
        self.entries.append(entry)
        self.index.add(entry.text, len(self.entries) - 1, phonetic_keys=keys)

    def examples(self) -> list[str]:
        return list(self._examples)

    def detect(self, batch: Sequence[Prepared]) -> list[list[Signal]]:
        return [self._detect_one(p) for p in batch]

    def _detect_one(self, prepared: Prepared) -> list[Signal]:
        hits = self.index.find(prepared.norm)
        if not hits:
            return []
        entries = self.entries
        allowed = _Allowed(
            [
                (h.start, h.end, entries[h.payload].category)
                for h in hits
                if entries[h.payload].kind == "allow"
            ]
        )
        text = prepared.item.text
        out: list[Signal] = []
        seen: set[tuple[int, int, int]] = set()
        near_hits: list[Hit] = []
        per_term: dict[int, int] = {}
        for h in hits:
            e = entries[h.payload]
            if e.kind == "allow":
                continue
            if allowed and allowed.covers(h.start, h.end, e.category):
                continue
            if e.kind == "near":
                near_hits.append(h)
                continue
            if (h.payload, h.start, h.end) in seen:
                continue
            seen.add((h.payload, h.start, h.end))
            per_term[h.payload] = n = per_term.get(h.payload, 0) + 1
            if n > MAX_PER_TERM:
                continue  # decisions count a term once; evidence is capped anyway
            assert e.category is not None
            out.append(
                Signal(
                    e.category,
                    e.weight,
                    NAME,
                    h.start,
                    h.end,
                    text[h.start : h.end],
                    {"term": e.text, "via": h.via},
                )
            )
        if near_hits:
            out.extend(self._near(near_hits, text))
        if out and self.counter_speech is not None:
            cue = self.counter_speech.cue_in(prepared.norm.canonical)
            if cue is not None:  # a warning quoting what it warns against
                f = self.counter_speech.factor
                out = [
                    replace(s, score=s.score * f, detail={**s.detail, "counter_speech": cue})
                    for s in out
                ]
        return out

    def _near(self, hits: list[Hit], text: str) -> list[Signal]:
        by_rule: dict[int, dict[int, list[Hit]]] = {}
        for h in hits:
            e = self.entries[h.payload]
            by_rule.setdefault(e.rule, {}).setdefault(e.part, []).append(h)
        out: list[Signal] = []
        for rid, parts in by_rule.items():
            rule = self.near_rules[rid]
            if len(parts) < rule.parts:
                continue
            best = _tightest(list(parts.values()))
            start, end = min(h.start for h in best), max(h.end for h in best)
            if end - start > rule.within:
                continue
            terms = [self.entries[h.payload].text for h in best]
            out.append(
                Signal(
                    rule.category,
                    rule.weight,
                    NAME,
                    start,
                    end,
                    text[start:end],
                    {"rule": rule.id, "terms": terms, "via": "near"},
                )
            )
        return out


class _Allowed:
    """Allowed spans, answering "is this span inside one?" in O(log n) per question.

    Per category (``None``: the global allow list): spans sorted by start, with the
    running maximum of their ends, so a text full of allowed phrases and term hits stays
    linear-ish instead of comparing every hit with every allowed span.
    """

    def __init__(self, spans: list[tuple[int, int, str | None]]) -> None:
        self._by: dict[str | None, tuple[list[int], list[int]]] = {}
        for start, end, cat in sorted(spans, key=lambda s: s[0]):
            starts, ends = self._by.setdefault(cat, ([], []))
            starts.append(start)
            ends.append(max(end, ends[-1]) if ends else end)

    def __bool__(self) -> bool:
        return bool(self._by)

    def covers(self, start: int, end: int, category: str | None) -> bool:
        for cat in (None, category):
            found = self._by.get(cat)
            if found is None:
                continue
            i = bisect.bisect_right(found[0], start)
            if i and found[1][i - 1] >= end:
                return True
        return False


def _tightest(parts: list[list[Hit]]) -> tuple[Hit, ...]:
    """One hit per part, chosen so that the span they cover is the shortest."""
    combos = itertools.islice(itertools.product(*parts), 10_000)
    return min(combos, key=lambda hs: max(h.end for h in hs) - min(h.start for h in hs))


def build(policy: Policy, resources: Resources | None = None) -> Detector | None:
    """The lexicon detector, if the policy lists any terms or combination rules."""
    part = config.of(policy.part(NAME))
    return LexiconDetector(part) if part.used else None


PLUGIN = DetectorPlugin(
    name=NAME,
    version=VERSION,
    category_keys=config.CATEGORY_KEYS,
    top_keys=config.TOP_KEYS,
    parse=config.parse,
    build=build,
    summary=lambda part, cid: {
        "terms": len(config.of(part).categories[cid].terms)
        if cid in config.of(part).categories
        else 0
    },
)
