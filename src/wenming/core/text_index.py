"""A compiled multi-pattern index of phrases, matched against normalized text.

Term lists run to hundreds of thousands of phrases, so matching uses an Aho-Corasick
automaton (ahocorasick-rs, in Rust) over the *compact* view of the text, plus a second one
over the *phonetic* view for Chinese phrases. Every raw hit is then checked by the rules
that keep clean text clean:

* a phrase that starts (ends) with a Latin letter or digit must start (end) at a word
  boundary, so "cunt" never fires inside "Scunthorpe";
* a Latin phrase may span separators the user inserted ("f u c k", "f.u.c.k") but not
  join whole words that merely happen to spell it ("hero in" is not "heroin");
* a phonetic hit is accepted when the user wrote at least part of the phrase in pinyin
  ("sha逼", "shabi"), or — for phrases of three or more characters, where collisions are
  rare — entirely in same-sounding characters ("代开发漂" for "代开发票").

Payloads are the caller's integers; see :class:`Hit`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

import ahocorasick_rs

from wenming.core.normalize import Normalized, compact_boundaries, is_han, normalize

MIN_PINYIN_LETTERS = 4
MIN_HOMOPHONE_CHARS = 3


@dataclass(frozen=True, slots=True)
class Hit:
    """A phrase found in a text: the caller's payload and the span in the original text."""

    payload: int
    start: int
    end: int
    via: str  # "exact", "pinyin" (partly or wholly written in pinyin) or "homophone"


@dataclass(slots=True)
class _Key:
    length: int
    latin_start: bool
    latin_end: bool
    check_internal: bool
    has_han: bool
    bounds: frozenset[int]
    payloads: list[int] = field(default_factory=list)


@dataclass(slots=True)
class _PhoneticKey:
    length: int
    han_chars: int
    payloads: list[tuple[int, str]] = field(default_factory=list)  # (payload, compact key)


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


class TextIndex:
    """Add phrases with :meth:`add`, call :meth:`build` once, then :meth:`find` many times."""

    def __init__(self) -> None:
        self._exact: ahocorasick_rs.AhoCorasick | None = None
        self._phonetic: ahocorasick_rs.AhoCorasick | None = None
        self._keys: list[_Key] = []
        self._pkeys: list[_PhoneticKey] = []
        self._key_ids: dict[str, int] = {}
        self._pkey_ids: dict[str, int] = {}
        self._built = False

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, phrase: str, payload: int, *, phonetic_keys: Iterable[str] = ()) -> bool:
        """Index ``phrase`` (and, for Chinese phrases, its pinyin spellings).

        ``phonetic_keys`` are the phrase's pinyin readings without tones or spaces
        (the caller chooses them: phrase-aware and per-character readings). Returns
        ``False`` when the phrase normalizes to nothing (only separators, say).
        """
        if self._built:
            raise RuntimeError("the index is already built")
        norm = normalize(phrase)
        key = norm.compact
        if not key:
            return False
        han_chars = sum(1 for c in key if is_han(c))
        for variant in _l_variants(key):
            kid = self._key_ids.get(variant)
            if kid is None:
                kid = len(self._keys)
                self._key_ids[variant] = kid
                self._keys.append(_Key(len(key), _latin(key[0]), _latin(key[-1]),
                                       not han_chars and len(key) > 1, han_chars > 0,
                                       compact_boundaries(norm)))
            if payload not in self._keys[kid].payloads:
                self._keys[kid].payloads.append(payload)
        if han_chars >= 2:
            for pkey in set(phonetic_keys):
                self._add_phonetic(pkey, payload, key, han_chars)
        return True

    def _add_phonetic(self, pkey: str, payload: int, key: str, han_chars: int) -> None:
        pkey = normalize(pkey).compact
        if not pkey:
            return
        pid = self._pkey_ids.get(pkey)
        if pid is None:
            pid = len(self._pkeys)
            self._pkey_ids[pkey] = pid
            self._pkeys.append(_PhoneticKey(len(pkey), han_chars))
        entry = self._pkeys[pid]
        entry.han_chars = max(entry.han_chars, han_chars)
        entry.payloads.append((payload, key))

    def build(self) -> None:
        """Compile the automata; the key dictionaries are only needed while adding."""
        standard = ahocorasick_rs.MatchKind.Standard  # every match, overlapping ones too
        if self._keys:
            self._exact = ahocorasick_rs.AhoCorasick(list(self._key_ids), matchkind=standard)
        if self._pkeys:
            self._phonetic = ahocorasick_rs.AhoCorasick(list(self._pkey_ids), matchkind=standard)
        self._key_ids.clear()
        self._pkey_ids.clear()
        self._built = True

    def find(self, norm: Normalized) -> list[Hit]:
        """Every indexed phrase in ``norm``, with spans in the original text."""
        hits: list[Hit] = []
        compact = norm.compact
        if self._exact is not None and compact:
            for kid, s, e in self._exact.find_matches_as_indexes(compact, overlapping=True):
                k = self._keys[kid]
                if k.latin_start and not norm.word_start(s):
                    continue
                if k.latin_end and not norm.word_start(e):
                    continue
                if k.check_internal and not _internal_ok(norm, s, e, k.bounds):
                    continue
                if k.has_han and e - s > 1 and norm.spans_break(s, e):
                    continue
                start, end = norm.compact_span(s, e)
                hits.extend(Hit(p, start, end, "exact") for p in k.payloads)
        if self._phonetic is not None and compact:
            self._find_phonetic(norm, self._phonetic, hits)
        return hits

    def _find_phonetic(self, norm: Normalized, automaton: ahocorasick_rs.AhoCorasick,
                       hits: list[Hit]) -> None:
        compact = norm.compact
        for pid, ps, pe in automaton.find_matches_as_indexes(norm.phonetic, overlapping=True):
            pk = self._pkeys[pid]
            if not (norm.phonetic_unit_start(ps) and norm.phonetic_unit_start(pe)):
                continue
            cs, ce = norm.phonetic_to_compact(ps, pe)
            if norm.spans_break(cs, ce):
                continue
            written = compact[cs:ce]
            if all(is_han(c) for c in written):
                if pk.han_chars < MIN_HOMOPHONE_CHARS:
                    continue
                via = "homophone"
            elif pk.length >= MIN_PINYIN_LETTERS:
                via = "pinyin"
            else:
                continue
            start, end = norm.compact_span(cs, ce)
            hits.extend(Hit(p, start, end, via) for p, key in pk.payloads if key != written)


def _internal_ok(norm: Normalized, s: int, e: int, bounds: frozenset[int]) -> bool:
    """Whether the word breaks inside a Latin match look like inserted separators.

    A break the phrase itself has ("buy followers") is fine; any other must hold a
    symbol ("f.u.c.k", "f*ck") or sit beside a lone letter ("f u c k", "f uck") —
    white space between longer pieces joins real words ("go ok", "hero in").
    """
    cuts = [k for k in range(s + 1, e) if norm.word_start(k)]
    edges = [s, *cuts, e]
    for i, k in enumerate(cuts, start=1):
        if k - s in bounds or norm.gap_is_symbol(k):
            continue
        if edges[i] - edges[i - 1] > 1 and edges[i + 1] - edges[i] > 1:
            return False
    return True


def _l_variants(key: str) -> list[str]:
    """The key and its spellings with "l" written as "i" (from "1", "|" or "I" look-alikes)."""
    at = [i for i, c in enumerate(key) if c == "l"]
    if not at:
        return [key]
    if len(at) > 3:
        return [key, key.replace("l", "i")]
    out = []
    for subset in itertools.product((False, True), repeat=len(at)):
        chars = list(key)
        for i, swap in zip(at, subset, strict=True):
            if swap:
                chars[i] = "i"
        out.append("".join(chars))
    return out
