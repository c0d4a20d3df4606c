"""Red-teaming a policy: write its terms the way evaders do and measure what is caught.

Each *trick* rewrites a term as people do to slip it past filters (full-width letters,
zero-width characters, separators, look-alike letters, leetspeak, traditional
characters, pinyin, same-sounding characters…). :func:`recall` screens every rewrite of
every term inside a carrier sentence and reports, per trick, how many were still caught.
The test suite runs it on a fixed term list; ``wenming policy redteam`` runs it on any
policy's own terms.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from wenming.core.normalize import is_han, reading
from wenming.core.policy import Policy
from wenming.detectors import tricks
from wenming.detectors.lexicon import config as lexicon_config
from wenming.detectors.screener import Screener

_FULLWIDTH = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}
_CYRILLIC = {
    "a": "а",
    "c": "с",
    "e": "е",
    "i": "і",
    "o": "о",
    "p": "р",
    "x": "х",
    "y": "у",
    "s": "ѕ",
    "j": "ј",
    "h": "һ",
}
_LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}
_INVISIBLE = ["\u200b", "\u200c", "\u200d", "\ufeff", "\u2060"]
_SEPARATORS = [" ", ".", "*", "-", "_", "·", "~", "😀", "🍎", "/"]
_MATH_BOLD = {chr(ord("a") + i): chr(0x1D41A + i) for i in range(26)}


def _latin(term: str) -> bool:
    return any(c.isascii() and c.isalpha() for c in term) and not any(is_han(c) for c in term)


def _han(term: str) -> bool:
    return sum(1 for c in term if is_han(c)) >= 2


@cache
def _s2t() -> dict[str, str]:
    text = files("wenming.core").joinpath("data/t2s.txt").read_text(encoding="utf-8")
    return {line[1]: line[0] for line in text.splitlines() if len(line) == 2}


@cache
def _homophones() -> dict[str, list[str]]:
    text = files("wenming.core").joinpath("data/pinyin.txt").read_text(encoding="utf-8")
    by_sound: dict[str, list[str]] = {}
    for line in text.splitlines():
        ch, sound = line[0], line[1:]
        if 0x4E00 <= ord(ch) <= 0x9FFF and ch not in _s2t().values():
            by_sound.setdefault(sound, []).append(ch)
    return by_sound


def _interleave(term: str, rng: random.Random, pieces: Sequence[str]) -> str:
    chars = [c for c in term if not c.isspace()]
    return "".join(
        c + (rng.choice(pieces) if i < len(chars) - 1 else "") for i, c in enumerate(chars)
    )


def _leet(term: str, rng: random.Random) -> str | None:
    idx = [i for i, c in enumerate(term) if c in _LEET and 0 < i < len(term) - 1]
    if not idx:
        return None
    chars = list(term)
    for i in rng.sample(idx, k=max(1, len(idx) // 2)):
        chars[i] = _LEET[chars[i]]
    return "".join(chars)


def _traditional(term: str, rng: random.Random) -> str | None:
    out = "".join(_s2t().get(c, c) for c in term)
    return out if out != term else None


def _pinyin_all(term: str, rng: random.Random) -> str:
    return " ".join(reading(c) or c for c in term if not c.isspace())


def _pinyin_part(term: str, rng: random.Random) -> str:
    han = [i for i, c in enumerate(term) if is_han(c)]
    i = rng.choice(han)
    return term[:i] + (reading(term[i]) or term[i]) + term[i + 1 :]


def _homophone(term: str, rng: random.Random) -> str | None:
    han = [i for i, c in enumerate(term) if is_han(c)]
    rng.shuffle(han)
    for i in han:
        sound = reading(term[i])
        others = [c for c in _homophones().get(sound or "", []) if c != term[i]]
        if others:
            return term[:i] + rng.choice(others) + term[i + 1 :]
    return None


Rewrite = Callable[[str, random.Random], str | None]


@dataclass(frozen=True, slots=True)
class Trick:
    """One evasion technique and the terms it applies to."""

    name: str
    applies: Callable[[str], bool]
    rewrite: Rewrite


TRICKS: tuple[Trick, ...] = (
    Trick("fullwidth", _latin, lambda t, r: "".join(_FULLWIDTH.get(c, c) for c in t)),
    Trick("case", _latin, lambda t, r: "".join(c.upper() if r.random() < 0.5 else c for c in t)),
    Trick("math-letters", _latin, lambda t, r: "".join(_MATH_BOLD.get(c, c) for c in t)),
    Trick("invisible", lambda t: True, lambda t, r: _interleave(t, r, _INVISIBLE)),
    Trick("separators", lambda t: True, lambda t, r: _interleave(t, r, _SEPARATORS)),
    Trick(
        "homoglyphs",
        lambda t: _latin(t) and any(c in _CYRILLIC for c in t),
        lambda t, r: "".join(_CYRILLIC.get(c, c) if r.random() < 0.6 else c for c in t),
    ),
    Trick("leetspeak", _latin, _leet),
    Trick("traditional", _han, _traditional),
    Trick("pinyin", _han, _pinyin_all),
    Trick("pinyin-mixed", _han, _pinyin_part),
    Trick("homophones", lambda t: sum(1 for c in t if is_han(c)) >= 3, _homophone),
    # The tricks English filters treat as basic (issue 13), from wenming.detectors.tricks.
    Trick("ascii-separators", tricks.latin, tricks.ascii_separators),
    Trick("spaced-phrase", lambda t: tricks.latin(t) and " " in t, tricks.spaced_phrase),
    Trick("leet-more", tricks.latin, tricks.leet_more),
    Trick("leet-separated", tricks.latin_word, tricks.leet_separated),
    Trick("masked", tricks.latin_word, tricks.masked),
    Trick("masked-han", tricks.han, tricks.masked_han),
    Trick("repeated", lambda t: True, tricks.repeated),
    Trick("html", tricks.latin, tricks.html_markup),
    Trick("contact-handle", lambda t: "微信" in t, tricks.contact_handle),
    Trick("han-suffix", tricks.han, tricks.han_suffix),
)

PHONETIC_TRICKS = frozenset({"pinyin", "pinyin-mixed", "homophones"})
CARRIERS = ("{} ", "well {} then", "我觉得{}真的", "【{}】!!", "看看这个{}吧 ok")


@dataclass(frozen=True, slots=True)
class TrickResult:
    trick: str
    caught: int
    total: int
    missed: tuple[str, ...]

    @property
    def recall(self) -> float:
        return self.caught / self.total if self.total else 1.0


def corpus(
    terms: Iterable[str], *, seed: int = 7, variants: int = 3, literal: frozenset[str] = frozenset()
) -> dict[str, list[tuple[str, str]]]:
    """Per trick, ``(term, text)`` pairs: each term rewritten inside carrier sentences.

    Terms in ``literal`` opted out of phonetic matching and get no phonetic rewrites.
    """
    rng = random.Random(seed)
    out: dict[str, list[tuple[str, str]]] = {t.name: [] for t in TRICKS}
    for term in terms:
        for trick in TRICKS:
            if not trick.applies(term) or (term in literal and trick.name in PHONETIC_TRICKS):
                continue
            for _ in range(variants):
                written = trick.rewrite(term, rng)
                if written is None or written == term:
                    continue
                carrier = rng.choice(CARRIERS)
                if _latin(term) and not carrier.startswith("{"):
                    written = f" {written} "
                out[trick.name].append((term, carrier.format(written)))
    return out


def acting_terms(policy: Policy, *, limit: int | None = None) -> tuple[list[str], frozenset[str]]:
    """The terms that reach their category's lowest threshold on their own (at most
    ``limit`` per category), and the terms that opted out of phonetic matching."""
    lexicon = lexicon_config.of(policy.part("lexicon"))
    terms = [
        t.text
        for cid, c in lexicon.categories.items()
        for t in c.terms[:limit]
        if t.weight >= policy.categories[cid].lowest_threshold
    ]
    literal = frozenset(
        t.text for c in lexicon.categories.values() for t in c.terms if not t.phonetic
    )
    return terms, literal


def recall(
    screener: Screener,
    terms: Iterable[str],
    *,
    seed: int = 7,
    literal: frozenset[str] = frozenset(),
) -> list[TrickResult]:
    """Screen the evasion corpus of ``terms`` and count, per trick, what was caught."""
    results = []
    for trick, pairs in corpus(terms, seed=seed, literal=literal).items():
        decisions = screener.screen([text for _, text in pairs])
        missed = tuple(text for (_, text), d in zip(pairs, decisions, strict=True) if not d.labels)
        results.append(TrickResult(trick, len(pairs) - len(missed), len(pairs), missed))
    return results
