"""Rewrites for the evasion tricks that the English filters treat as basic.

Each function writes a term the way an evader would (``f|u|c|k``, ``b u y  f o l l o w
e r s``, ``5h!7``, ``f**k``, ``fuuuuck``, ``f<b>u</b>ck``, ``+V❤信``, ``傻×``), or returns
``None`` when the trick does not apply to the term. :mod:`wenming.detectors.redteam` turns them
into tricks of its red-team corpus; ``bench/peers.py`` runs the same corpus against
other filters.
"""

from __future__ import annotations

import math
import random

from wenming.core.normalize import is_han

ASCII_SEPARATORS = "|!+'\"#%^&~=:;`\\/?,<>$@"
WORD_GAPS = ["  ", "   ", "\u3000", " 😀 ", " ❤ ", " ⭐ ", "\u3000\u3000"]
LETTER_GAPS = [" ", " ", " ", "\u3000", "😀", "❤"]
LEET_MORE = {
    "a": "4@",
    "b": "8",
    "e": "3",
    "g": "96",
    "i": "1!l",
    "l": "1",
    "o": "0@",
    "s": "5$",
    "t": "7",
    "u": "v",
}
MASKS = "*#_."
HAN_MASKS = "×x*"
INLINE_TAGS = ["b", "i", "u", "em", "strong", "span"]


def latin(term: str) -> bool:
    return any(c.isascii() and c.isalpha() for c in term) and not any(is_han(c) for c in term)


def latin_word(term: str) -> bool:
    return latin(term) and term.isalpha() and len(term) >= 4


def han(term: str) -> bool:
    return sum(1 for c in term if is_han(c)) >= 2 and all(is_han(c) for c in term)


def ascii_separators(term: str, rng: random.Random) -> str | None:
    """Every letter apart, one ASCII symbol between them: f|u|c|k, b#u#y#f#o#l#l#o#w#e#r#s."""
    sep = rng.choice(ASCII_SEPARATORS)
    return sep.join(c for c in term if not c.isspace())


def spaced_phrase(term: str, rng: random.Random) -> str | None:
    """A multi-word phrase letter by letter, words apart by wider or other gaps."""
    words = term.split()
    if len(words) < 2:
        return None
    gap = rng.choice(WORD_GAPS)
    inner = rng.choice(LETTER_GAPS)
    return gap.join(inner.join(w) for w in words)


def leet_more(term: str, rng: random.Random) -> str | None:
    """Several letters of a word swapped for look-alike digits and symbols, first and
    last letters included (5h!7, @$$, 9ay, fvck)."""
    at = [i for i, c in enumerate(term) if c in LEET_MORE]
    if not at:
        return None
    chars = list(term)
    for i in rng.sample(at, k=max(1, (len(at) + 1) // 2)):
        chars[i] = rng.choice(LEET_MORE[chars[i]])
    return "".join(chars)


def leet_separated(term: str, rng: random.Random) -> str | None:
    """Leet digits in a word spelt out with separators: s.h.1.t, f-v-c-k."""
    written = leet_more(term.replace(" ", ""), rng)
    if written is None:
        return None
    return rng.choice(".-_*").join(written)


def masked(term: str, rng: random.Random) -> str | None:
    """Up to a third of the letters (rounded up; never the first) masked: f*ck, f**k.

    A "." in place of the last letter is not used: it reads as a full stop.
    """
    if not latin_word(term):
        return None
    k = rng.randint(1, math.ceil(len(term) / 3))
    chars = list(term)
    at = rng.sample(range(1, len(term)), k=k)
    # A "." for the last letter reads as a full stop ("shi." is not "shit").
    mask = rng.choice(MASKS if len(term) - 1 not in at else MASKS[:-1])
    for i in at:
        chars[i] = mask
    return "".join(chars)


def masked_han(term: str, rng: random.Random) -> str | None:
    """One character of a Chinese term (never the first) replaced by ×, x or *: 傻×."""
    if not han(term):
        return None
    i = rng.randrange(1, len(term))
    # A lone "x" after one character reads as Latin text in running prose (人x能力);
    # wenming takes it as a mask there only at the end of a word, so the corpus,
    # which embeds terms mid-sentence, uses it for longer terms.
    masks = HAN_MASKS if len(term) > 2 else HAN_MASKS.replace("x", "")
    return term[:i] + rng.choice(masks) + term[i + 1 :]


def repeated(term: str, rng: random.Random) -> str | None:
    """Letters drawn out (fuuuuck, shiiit) or Chinese characters doubled as padding."""
    if han(term):
        i = rng.randrange(len(term))
        return term[:i] + term[i] * rng.randint(2, 4) + term[i + 1 :]
    at = [i for i, c in enumerate(term) if c.isalpha()]
    chars = list(term)
    for i in rng.sample(at, k=min(len(at), rng.randint(1, 2))):
        chars[i] = chars[i] * rng.randint(3, 7)
    return "".join(chars)


def html_markup(term: str, rng: random.Random) -> str | None:
    """Inline tags around a letter, or a letter written as a character reference."""
    at = [i for i, c in enumerate(term) if not c.isspace()]
    i = rng.choice(at[1:] or at)
    ch = term[i]
    how = rng.randrange(3)
    if how == 0:
        tag = rng.choice(INLINE_TAGS)
        piece = f"<{tag}>{ch}</{tag}>"
    elif how == 1:
        piece = f"&#{ord(ch)};"
    else:
        piece = f"&#x{ord(ch):x};"
    return term[:i] + piece + term[i + 1 :]


def contact_handle(term: str, rng: random.Random) -> str | None:
    """微信 written as a handle: +V❤信, v信, 薇❤信, 加vx."""
    if "微信" not in term:
        return None
    alias = rng.choice(["v信", "V信", "薇信", "vx", "V❤信", "薇❤信", "v❤信"])
    written = term.replace("微信", alias)
    if written.startswith("加") and rng.random() < 0.5:
        written = "+" + written[1:]
    return written


def han_suffix(term: str, rng: random.Random) -> str | None:
    """A Chinese term with a harmless suffix: 鸡掰人, 傻逼们."""
    if not han(term):
        return None
    return term + rng.choice("人们的啊呀吧")
