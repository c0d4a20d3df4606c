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

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import ahocorasick_rs

from wenming.core.disguise import MaskIndex, agrees, collapsed, has_repeats, skeleton
from wenming.core.normalize import Normalized, compact_boundaries, is_han, normalize
from wenming.core.zh_words import ordinary_homophone, splits_word

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
    text: str
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
        self._masks = MaskIndex()
        self._key_ids: dict[str, int] = {}
        self._skel_ids: dict[str, int] = {}
        self._skel_keys: list[list[int]] = []  # per skeleton, the keys spelt that way
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
        for n, variant in enumerate(_variants(key)):
            kid = self._key_ids.get(variant)
            if kid is None:
                kid = len(self._keys)
                self._key_ids[variant] = kid
                self._keys.append(
                    _Key(
                        variant,
                        len(key),
                        _latin(variant[0]),
                        _latin(variant[-1]),
                        not han_chars and len(key) > 1,
                        han_chars > 0,
                        compact_boundaries(norm),
                    )
                )
                sid = self._skel_ids.setdefault(skeleton(variant), len(self._skel_keys))
                if sid == len(self._skel_keys):
                    self._skel_keys.append([])
                self._skel_keys[sid].append(kid)
                if n == 0:
                    self._masks.add(key, kid)
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
            self._exact = ahocorasick_rs.AhoCorasick(list(self._skel_ids), matchkind=standard)
        if self._pkeys:
            self._phonetic = ahocorasick_rs.AhoCorasick(list(self._pkey_ids), matchkind=standard)
        self._key_ids.clear()
        self._skel_ids.clear()
        self._pkey_ids.clear()
        self._built = True

    def find(self, norm: Normalized) -> list[Hit]:
        """Every indexed phrase in ``norm``, with spans in the original text."""
        hits: list[Hit] = []
        compact = norm.compact
        if self._exact is not None and compact:
            self._scan(norm, compact, self._exact, "exact", hits)
            if has_repeats(compact):
                for text, starts, ends in collapsed(norm):
                    self._scan(norm, text, self._exact, "repeated", hits, (starts, ends))
            for m in self._masks.find(norm):
                hits.extend(Hit(p, m.start, m.end, "masked") for p in self._keys[m.key].payloads)
        if self._phonetic is not None and compact:
            self._find_phonetic(norm, self._phonetic, hits)
        return hits

    @staticmethod
    def _exact_ok(norm: Normalized, k: _Key, s: int, e: int) -> bool:
        if k.latin_start and not norm.word_start(s):
            return False
        if k.latin_end and not norm.word_start(e):
            return False
        if k.check_internal and not _internal_ok(norm, s, e, k.bounds):
            return False
        return not (k.has_han and e - s > 1 and norm.spans_break(s, e))

    def _scan(
        self,
        norm: Normalized,
        text: str,
        automaton: ahocorasick_rs.AhoCorasick,
        via: str,
        hits: list[Hit],
        runs: tuple[list[int], list[int]] | None = None,
    ) -> None:
        """Scan ``text`` (the compact view, or one with runs collapsed: ``runs`` maps each
        of its characters to compact start and end offsets) and keep the hits that pass."""
        for sid, s, e in automaton.find_matches_as_indexes(skeleton(text), overlapping=True):
            cs, ce = s, e
            if runs is not None:
                cs, ce = runs[0][s], runs[1][e - 1]
                if ce - cs == e - s:
                    continue  # nothing collapsed inside: the plain scan saw it
            written = text[s:e]
            for kid in self._skel_keys[sid]:
                k = self._keys[kid]
                agree = agrees(written, k.text)
                if runs is not None and k.bounds:  # the key's word breaks, in compact offsets
                    k = replace(k, bounds=frozenset(runs[0][s + b] - cs for b in k.bounds))
                if not agree or not self._exact_ok(norm, k, cs, ce):
                    continue
                if k.has_han and e - s <= 3 and splits_word(norm.compact, cs, ce):
                    continue  # 刷单词: 刷 + 单词 ("vocabulary"), not 刷单
                start, end = norm.compact_span(cs, ce)
                if agree == 2 and norm.original[start:end].isupper():
                    continue  # "SPLC" is an acronym, not "spic" with an "l" for the "i"
                hits.extend(Hit(p, start, end, via) for p in k.payloads)

    def _find_phonetic(
        self, norm: Normalized, automaton: ahocorasick_rs.AhoCorasick, hits: list[Hit]
    ) -> None:
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
            for p, key in pk.payloads:
                if key == written:
                    continue
                if via == "homophone" and (
                    len(key) != len(written) or ordinary_homophone(written, key)
                ):
                    continue  # 同城约跑 ("go running") is ordinary Chinese, not 同城约炮
                hits.append(Hit(p, start, end, via))


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


# Chinese contact handles: 微信 written v信, 薇信, vx (and 加 written "+", a separator).
_HANDLES = {"微信": ("v信", "薇信", "vx")}


def _variants(key: str) -> list[str]:
    """The key and its other spellings (the key itself first)."""
    out = [key]
    for word, aliases in _HANDLES.items():
        if word in key:
            for alias in aliases:
                out.append(key.replace(word, alias))
                if key.startswith("加" + word):
                    out.append(key[1:].replace(word, alias))
    return out
