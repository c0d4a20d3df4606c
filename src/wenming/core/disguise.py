"""Disguises an automaton cannot see through: masked letters and repeated letters.

Both are checked only on the rare texts that show them, so the hot path pays one
substring test or regex search per text:

*masks* — ``f*ck``, ``f**k``, ``sh#t``, ``傻×``: a character standing in for a letter.
  A Latin term of four or more letters matches a whole word of the same length whose
  first letter is written and at most a third of its letters (rounded up, so ``f**k``
  counts) are mask characters; a Chinese term of two or more characters matches a
  window that starts with a written character and has at most a third of them (at
  least one) replaced by ``×``, ``x``, ``*`` and the like (a lone ``x`` in a
  two-character window only at the end of the word: ``傻x``, not ``人x能力``).
*repeats* — ``fuuuuck``, ``shiiit``, ``傻傻傻逼``: runs of three or more of one Latin
  letter, or two or more of one Chinese character, are collapsed to one and to two
  characters, and the collapsed texts are scanned again.

Everything here works on the views of :class:`~wenming.core.normalize.Normalized`.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from wenming.core.normalize import LEET_AT, SEP_SYMBOL, Normalized

MASKS = "*#_.?%"  # Latin words: a symbol written where a letter was
HAN_MASKS = "×*✕✖☓╳"  # Chinese words: these, or a lone "x"
MIN_MASKED_LATIN = 4
_MAX_MIXED_RUNS = 3
_HAN = "\u3400-\u4dbf\u4e00-\u9fff"
_LETTER = f"a-z{LEET_AT}"
# A Latin word holding a symbol (in the spaced view, where symbols are SEP_SYMBOL).
_MASKED_WORD_RE = re.compile(
    f"(?<![{_LETTER}0-9{SEP_SYMBOL}])[{_LETTER}][{_LETTER}0-9]*{SEP_SYMBOL}[{_LETTER}0-9{SEP_SYMBOL}]*"
)
_HAN_MASK = f"(?:[{HAN_MASKS}]|x(?![a-z]))"
_HAN_OR_MASK = f"(?:[{_HAN}]|{_HAN_MASK})"
_MASKED_HAN_RE = re.compile(f"[{_HAN}]{_HAN_OR_MASK}*{_HAN_MASK}{_HAN_OR_MASK}*")
_REPEAT_RE = re.compile(f"([a-z])\\1\\1|([{_HAN}])\\2")
_RUN_RE = re.compile(f"([a-z])\\1{{2,}}|([{_HAN}])\\2+")


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u4dbf" or "\u4e00" <= ch <= "\u9fff"


@dataclass(frozen=True, slots=True)
class MaskHit:
    key: int  # the caller's key id
    start: int  # offsets into the original text
    end: int


class MaskIndex:
    """Keys that may be written with masked characters, by (length, first character)."""

    def __init__(self) -> None:
        self._latin: dict[tuple[int, str, str], list[tuple[str, int]]] = {}
        self._han: dict[tuple[int, str], list[tuple[str, int]]] = {}
        self._han_lengths: set[int] = set()

    def add(self, key: str, kid: int) -> None:
        """Index ``key`` (a compact term key) if masking applies to it."""
        if len(key) >= MIN_MASKED_LATIN and key.isascii() and key.isalpha():
            # by length, first and last letter; by length and first letter for words
            # whose last letter is masked (rare: "fuc*" needs an inner mask as well)
            self._latin.setdefault((len(key), key[0], key[-1]), []).append((key, kid))
            self._latin.setdefault((len(key), key[0], ""), []).append((key, kid))
        elif len(key) >= 2 and all(_is_han(c) for c in key):
            self._han.setdefault((len(key), key[0]), []).append((key, kid))
            self._han_lengths.add(len(key))

    def find(self, norm: Normalized) -> list[MaskHit]:
        out: list[MaskHit] = []
        if self._latin and SEP_SYMBOL in norm.spaced:
            self._find_latin(norm, out)
        if self._han and any(c in norm.canonical for c in HAN_MASKS + "x"):
            self._find_han(norm, out)
        return out

    def _find_latin(self, norm: Normalized, out: list[MaskHit]) -> None:
        spaced, canonical = norm.spaced, norm.canonical
        for m in _MASKED_WORD_RE.finditer(spaced):
            s, e = m.span()
            stripped = e
            while (
                stripped > s
                and spaced[stripped - 1] == SEP_SYMBOL
                and (canonical[stripped - 1] in ".?")
            ):
                stripped -= 1  # sentence punctuation after the word, not a mask...
            ends = [stripped]
            if stripped < e and SEP_SYMBOL in spaced[s:stripped]:
                ends.append(e)  # ...unless the word is masked inside too: c.ca.n.
            for end in ends:
                self._match_latin(norm, s, end, out)

    def _match_latin(self, norm: Normalized, s: int, e: int, out: list[MaskHit]) -> None:
        word = norm.spaced[s:e]
        masks = [i for i, c in enumerate(word) if c == SEP_SYMBOL]
        if not masks or len(word) < MIN_MASKED_LATIN or 3 * len(masks) > len(word) + 2:
            return
        if any(norm.canonical[s + i] not in MASKS for i in masks):
            return
        last = "" if word[-1] == SEP_SYMBOL else word[-1]
        if last == LEET_AT:
            last = ""
        for key, kid in self._latin.get((len(word), word[0], last), ()):
            if _agrees_masked(word, key):
                start, end = norm.canonical_span(s, e)
                out.append(MaskHit(kid, start, end))

    def _find_han(self, norm: Normalized, out: list[MaskHit]) -> None:
        canonical = norm.canonical
        for m in _MASKED_HAN_RE.finditer(canonical):
            run, base = m.group(), m.start()
            masked = [not _is_han(c) for c in run]
            for i, ch in enumerate(run):
                if masked[i]:
                    continue
                for length in self._han_lengths:
                    n = sum(masked[i : i + length])
                    if i + length > len(run) or n == 0 or 3 * n > max(length, 3):
                        continue
                    window = run[i : i + length]
                    if length == 2 and window[1] == "x" and i + 2 < len(run):
                        continue  # 人x能力: a lone "x" masks two characters only at the end
                    for key, kid in self._han.get((length, ch), ()):
                        if all(masked[i + j] or c == key[j] for j, c in enumerate(window)):
                            start, end = norm.canonical_span(base + i, base + i + length)
                            out.append(MaskHit(kid, start, end))


# Look-alike letters: "l" written "1"/"|"/"!" (decoded "i"), "i" written "l", "u" written
# "v", "a", "o" and "u" written "@" (decoded LEET_AT). Keys and texts are matched in a
# coarser *skeleton* spelling and every hit is then checked letter by letter
# (:func:`agrees`), so "p@rn" finds "porn" while "caan" does not find "coon".
_SKELETON_BYTES = bytes.maketrans(b"lvuo", b"iaaa")


def skeleton(compact: str) -> str:
    """``compact`` in the coarse spelling the key automaton is built from."""
    if compact.isascii():
        return compact.encode("ascii").translate(_SKELETON_BYTES).decode("ascii")
    return (
        compact.replace("l", "i")
        .replace("v", "a")
        .replace("u", "a")
        .replace("o", "a")
        .replace(LEET_AT, "a")
    )


def agrees(written: str, key: str) -> int:
    """0 if ``written`` cannot be a disguise of ``key``; 1 if it can; 2 if it can but
    writes an "i" of the key as "l" (which an all-capitals acronym never does)."""
    if written == key:
        return 1
    out = 1
    for w, k in zip(written, key, strict=True):
        if w == k or (w == "i" and k == "l") or (w == "v" and k == "u"):
            continue
        if w == LEET_AT and k in "aou":  # f@cking too
            continue
        if w == "l" and k == "i":
            out = 2
            continue
        return 0
    return out


def _agrees_masked(word: str, key: str) -> bool:
    """Whether ``word`` (SEP_SYMBOL where masked) can be a disguise of ``key``."""
    for w, k in zip(word, key, strict=True):
        if w in (k, SEP_SYMBOL) or (w == "i" and k == "l") or (w == "v" and k == "u"):
            continue
        if (w == LEET_AT and k in "aou") or (w == "l" and k == "i"):
            continue
        return False
    return True


def has_repeats(compact: str) -> bool:
    """Whether ``compact`` holds a run worth collapsing (one regex search)."""
    return _REPEAT_RE.search(compact) is not None


def _runs(norm: Normalized) -> list[tuple[int, int]]:
    """Runs worth collapsing, split where a word starts ("verifyyy yyyour": two runs)."""
    out = []
    for m in _RUN_RE.finditer(norm.compact):
        s, e = m.span()
        cuts = [k for k in range(s + 1, e) if norm.word_start(k)]
        for a, b in zip([s, *cuts], [*cuts, e], strict=True):
            if b - a >= (2 if _is_han(norm.compact[a]) else 3):
                out.append((a, b))
    return out


def collapsed(norm: Normalized) -> list[tuple[str, list[int], list[int]]]:
    """The compact view with runs collapsed to one or two characters each.

    Every mix for up to three runs (each to one or to two characters), beyond that all
    to one and all to two. Each variant comes with, per character, the compact offsets
    where the characters it stands for start and end.
    """
    compact = norm.compact
    runs = _runs(norm)
    if len(runs) <= _MAX_MIXED_RUNS:
        keeps = list(itertools.product((1, 2), repeat=len(runs)))
    else:
        keeps = [(1,) * len(runs), (2,) * len(runs)]
    out = []
    for keep in keeps:
        text: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        at = 0
        for (s, e), k in zip(runs, keep, strict=True):
            text.append(compact[at:s])
            starts.extend(range(at, s))
            ends.extend(range(at + 1, s + 1))
            text.append(compact[s] * k)
            if k == 1:
                starts.append(s)
                ends.append(e)
            else:
                starts.extend((s, e - 1))
                ends.extend((e - 1, e))
            at = e
        text.append(compact[at:])
        starts.extend(range(at, len(compact)))
        ends.extend(range(at + 1, len(compact) + 1))
        out.append(("".join(text), starts, ends))
    return out
