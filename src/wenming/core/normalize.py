"""Normalization that sees through evasion while keeping a map back to the original text.

People slip banned phrases past filters with full-width letters, zero-width characters,
separators between the letters (``f.u.c.k``, ``傻 逼``), look-alike Cyrillic letters,
leetspeak (``sh1t``), traditional characters and pinyin. :func:`normalize` folds all of
these into views of one text, and every view keeps offsets back to the characters the
user wrote, so evidence always points at the original:

``canonical``
    each character folded on its own (NFKC/compatibility, case, diacritics, homoglyphs,
    traditional→simplified); invisible characters removed; punctuation kept. Regex rules
    run here.
``spaced``
    ``canonical`` with leetspeak inside Latin words decoded and every separator replaced
    by a marker (``" "`` for white space, ``"\\x1f"`` for any other symbol or emoji);
    the same length as ``canonical``.
``compact``
    ``spaced`` without separators: what term lists are matched against. Word starts
    (see :meth:`Normalized.word_start`) remember where separators and script changes
    were, so short Latin terms can still respect word boundaries.
``phonetic``
    ``compact`` with each Chinese character replaced by its toneless pinyin: a term
    written in Hanzi also matches when written in pinyin or with same-sounding characters.

The hot path is three ``str.translate`` calls and one regex; offset maps are only built
when a detector asks for one (when something matched), which is rare.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import cache
from importlib.resources import files
from itertools import accumulate

SEP_SPACE = " "
SEP_SYMBOL = "\x1f"
SEP_BREAK = "\x1e"  # sentence punctuation and line breaks: Chinese matches never span one
_SEPS = SEP_SPACE + SEP_SYMBOL + SEP_BREAK
_BREAKS = ",。!?;:\n\r\u2028\u2029"

# Latin look-alikes from other scripts (Cyrillic, Greek, Armenian, Latin small capitals).
# NFKC does not fold these; filters that ignore them are trivially evaded ("сasinо").
_HOMOGLYPHS = {
    "а": "a",
    "в": "b",
    "с": "c",
    "ԁ": "d",
    "е": "e",
    "ё": "e",
    "һ": "h",
    "і": "i",
    "ї": "i",
    "ј": "j",
    "к": "k",
    "ӏ": "l",
    "м": "m",
    "н": "h",
    "о": "o",
    "р": "p",
    "ԛ": "q",
    "г": "r",
    "ѕ": "s",
    "т": "t",
    "у": "y",
    "ԝ": "w",
    "х": "x",
    "ү": "y",
    "ь": "b",
    "п": "n",
    "и": "u",
    "α": "a",
    "β": "b",
    "γ": "y",
    "δ": "d",
    "ε": "e",
    "η": "n",
    "ι": "i",
    "κ": "k",
    "ν": "v",
    "ο": "o",
    "ρ": "p",
    "τ": "t",
    "υ": "u",
    "χ": "x",
    "ω": "w",
    "ς": "c",
    "σ": "o",
    "μ": "u",
    "ո": "n",
    "ս": "u",
    "օ": "o",
    "ɑ": "a",
    "ɡ": "g",
    "ɩ": "i",
    "ʀ": "r",
    "ʏ": "y",
    "ᴀ": "a",
    "ʙ": "b",
    "ᴄ": "c",
    "ᴅ": "d",
    "ᴇ": "e",
    "ɢ": "g",
    "ʜ": "h",
    "ɪ": "i",
    "ᴊ": "j",
    "ᴋ": "k",
    "ʟ": "l",
    "ᴍ": "m",
    "ɴ": "n",
    "ᴏ": "o",
    "ᴘ": "p",
    "ᴛ": "t",
    "ᴜ": "u",
    "ᴠ": "v",
    "ᴡ": "w",
    "ᴢ": "z",
    "ı": "i",
    "ȷ": "j",
    "ℓ": "l",
}

# Leetspeak, decoded only inside Latin words (between letters, or at a word's start).
# "@" decodes to "ɑ" (Latin alpha; the canonical fold turns a written "ɑ" into "a", so
# only a decoded "@" is ever "ɑ"): it stands for "a", "o" or "u", and term keys are indexed
# with both spelled "ɑ" (see text_index), so "p@rn" matches without "caan" matching "coon".
LEET_AT = "ɑ"
_LEET = {
    "0": "o",
    "1": "i",
    "3": "e",
    "4": "a",
    "5": "s",
    "6": "g",
    "7": "t",
    "8": "b",
    "9": "g",
    "@": LEET_AT,
    "$": "s",
    "!": "i",
    "|": "i",
    "+": "t",
}
_LEET_GAP = r" .\-_*·~/"  # separators that may sit between spelled-out letters
_LEET_PIECE = "[a-z0-9@$!|+]"
_LEET_RE = re.compile(
    # a word spelt out one character at a time, leet among them: s.h.1.t, 4.$.$.h.o.l.e
    rf"(?P<spelled>(?<![a-z0-9@$!|+]){_LEET_PIECE}(?:[{_LEET_GAP}]{{1,2}}{_LEET_PIECE}){{2,}}"
    r"(?![a-z0-9@$!|+]))|"
    # single letters split by one repeated symbol are separated, not leet: f|u|c|k, f!u!c!k
    r"(?P<keep>(?<![a-z0-9])[a-z](?P<sym>[|!+$@])[a-z](?:(?P=sym)[a-z])+(?![a-z0-9]))"
    r"|(?<=[a-z])[01345678@$!|+9]+(?=[a-z])"  # inside a word: sh1t, b00b, 5h17
    r"|(?<![a-z0-9@$!|+])[@$013456789][@$013456789!|+]*(?=[a-z][a-z0-9@$!|+])"  # $hit, 9ay
    r"|(?<![a-z0-9@$!|+])[@$013456789][@$013456789!|+]+(?=[a-z])"  # two or more: 8!o, 81o
    r"|(?<=[a-z])(?:[0134578$@]{1,3}|!+[013457$+]{1,2})(?![a-z0-9])"  # end: t0, a$$, sh!+, j@8
)
_LEET_TABLE = str.maketrans(_LEET)
_LEET_SYMBOLS = "@$!|+"

# Astral ranges worth folding: mathematical alphanumerics (𝐟𝐮𝐜𝐤), enclosed letters
# (🅵🆄🅲🅺), emoji and pictographs (separators), tags and variation selectors (invisible).
_ASTRAL = [
    (0x1D400, 0x1D7FF),
    (0x1F100, 0x1F1FF),
    (0x1F000, 0x1F0FF),
    (0x1F200, 0x1FAFF),
    (0xE0000, 0xE007F),
    (0xE0100, 0xE01EF),
]


@cache
def _char_data(name: str) -> dict[str, str]:
    text = files("wenming.core").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return {line[0]: line[1:] for line in text.splitlines() if line}


def _fold_char(ch: str, t2s: dict[str, str]) -> str:
    """The canonical form of one character (possibly empty or several characters)."""
    cat = unicodedata.category(ch)
    if cat in ("Cf", "Mn", "Me", "Cs", "Co", "Cn") or (cat == "Cc" and ch not in "\t\n\r"):
        return ""
    if 0x1F150 <= ord(ch) <= 0x1F189 or 0x1F1E6 <= ord(ch) <= 0x1F1FF:
        # Negative circled/squared letters and regional indicators: 🅵 → f, 🇦 → a.
        base = 0x1F1E6 if ord(ch) >= 0x1F1E6 else (0x1F150 if ord(ch) < 0x1F170 else 0x1F170)
        return chr(ord("a") + ord(ch) - base)
    out = []
    for c in unicodedata.normalize("NFKD", ch):
        if unicodedata.combining(c):
            continue
        for f in c.casefold():
            f = _HOMOGLYPHS.get(f, f)
            out.append(t2s.get(f, f))
    return unicodedata.normalize("NFC", "".join(out))


@cache
def _tables() -> tuple[
    dict[int, str], dict[int, str], dict[int, str], dict[int, str], frozenset[str]
]:
    """Translate tables (canonical fold, separator marks, pinyin, syllable mask) and the
    characters whose fold is not exactly one character."""
    t2s = _char_data("t2s.txt")
    canon: dict[int, str] = {}
    marks: dict[int, str] = {}
    irregular: list[str] = []
    code_points = [*range(0x10000), *(cp for lo, hi in _ASTRAL for cp in range(lo, hi + 1))]
    for cp in code_points:
        ch = chr(cp)
        if 0xD800 <= cp <= 0xDFFF:
            continue
        # Tables list every character, unchanged ones too: a miss in str.translate
        # raises and catches a KeyError inside CPython, which doubles its cost.
        folded = _fold_char(ch, t2s)
        canon[cp] = folded
        if len(folded) != 1:
            irregular.append(ch)
        cat = unicodedata.category(ch)
        if ch in _BREAKS:
            marks[cp] = SEP_BREAK
        elif ch.isspace():
            marks[cp] = SEP_SPACE
        elif cat[0] in "PSZC" and ch not in _LEET_SYMBOLS:
            marks[cp] = SEP_SYMBOL
        else:
            marks[cp] = ch
    for ch in _LEET_SYMBOLS:  # left over after leet decoding: plain punctuation
        marks[ord(ch)] = SEP_BREAK if ch in _BREAKS else SEP_SYMBOL
    readings = {ord(c): p for c, p in _char_data("pinyin.txt").items()}
    pinyin = {cp: readings.get(cp, chr(cp)) for cp in code_points}
    mask = {
        cp: "\x01" + "\x00" * (len(readings[cp]) - 1) if cp in readings else chr(cp)
        for cp in code_points
    }
    return canon, marks, pinyin, mask, frozenset(irregular)


def _decode_leet(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        if m.group("keep"):
            return m.group()
        if m.group("spelled"):
            found = m.group()
            if sum(c.isalpha() for c in found) < 2:
                return found  # numbers: 1.2.3, 10 - 20 - 30
        return m.group().translate(_LEET_TABLE)

    return _LEET_RE.sub(repl, text)


# Runs of one character class (digits, CJK, anything else); a class change starts a word.
_CJK = "\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003ffff"
_RUN_RE = re.compile(rf"\d+|[{_CJK}]+|[^\d{_CJK}]+")
_GAP_RE = re.compile(f"[{_SEPS}]+")


# Markup inside words: f<b>u</b>ck, sh&#105;t. Tags become invisible (block tags a
# space) and an entity its character, padded with invisible characters to the same
# length, so folding and offset maps run on a same-length stand-in of the original.
_MARKUP_RE = re.compile(
    r"</?([a-zA-Z][a-zA-Z0-9]{0,15})(?:[\s/][^<>]{0,200})?>"
    r"|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,10});"
)
_BLOCK_TAGS = frozenset(
    "br p div li ul ol tr td th h1 h2 h3 h4 h5 h6 hr table blockquote "
    "pre section article header footer nav".split()
)
_INVISIBLE = "\u200b"


def _unmarkup(text: str) -> str:
    """``text`` with tags and entities replaced by same-length stand-ins."""

    def repl(m: re.Match[str]) -> str:
        found = m.group()
        if found[0] == "&":
            ch = html.unescape(found)
            if len(ch) != 1 or ch == found:
                return found
            return ch + _INVISIBLE * (len(found) - 1)
        head = " " if m.group(1).lower() in _BLOCK_TAGS else _INVISIBLE
        return head + _INVISIBLE * (len(found) - 1)

    return _MARKUP_RE.sub(repl, text)


class Normalized:
    """The views of one text and the maps from each view back to the original.

    Build it with :func:`normalize`. Offsets of any view map back with
    :meth:`canonical_span`, :meth:`compact_span` and :meth:`phonetic_span`.
    """

    __slots__ = (
        "_canon_pos",
        "_compact_pos",
        "_mask",
        "_phon_pos",
        "_phonetic",
        "_regular",
        "_source",
        "_starts",
        "canonical",
        "compact",
        "original",
        "spaced",
    )

    def __init__(
        self,
        original: str,
        canonical: str,
        spaced: str,
        compact: str,
        regular: bool | None,
        source: str | None = None,
    ) -> None:
        self.original = original
        self._source = original if source is None else source  # same length as original
        self.canonical = canonical
        self.spaced = spaced
        self.compact = compact
        self._regular = regular
        self._canon_pos: list[int] | None = None
        self._compact_pos: list[int] | None = None
        self._starts: frozenset[int] | None = None
        self._phonetic: str | None = None
        self._mask: str | None = None
        self._phon_pos: list[int] | None = None

    # -- canonical (== spaced) -> original -------------------------------------------
    def _canon_map(self) -> list[int]:
        if self._canon_pos is None:
            canon = _tables()[0]
            pos = []
            for i, ch in enumerate(self._source):
                pos.extend([i] * len(canon.get(ord(ch), ch)))
            self._canon_pos = pos
        return self._canon_pos

    def canonical_span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of the ``canonical[start:end]`` span (end exclusive)."""
        if self._regular is None:  # decided on first use: most texts never need it
            self._regular = len(self.canonical) == len(self._source) and _tables()[4].isdisjoint(
                self._source
            )
        if self._regular:
            return start, end
        pos = self._canon_map()
        if start >= end:
            at = pos[start] if start < len(pos) else len(self.original)
            return at, at
        return pos[start], pos[end - 1] + 1

    # -- compact -> canonical ---------------------------------------------------------
    def _compact_map(self) -> list[int]:
        if self._compact_pos is None:
            self._compact_pos = [i for i, c in enumerate(self.spaced) if c not in _SEPS]
        return self._compact_pos

    def compact_span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of the ``compact[start:end]`` span (end exclusive)."""
        pos = self._compact_map()
        return self.canonical_span(pos[start], pos[end - 1] + 1)

    def word_start(self, i: int) -> bool:
        """Whether a word starts at ``compact[i]`` (true at both ends of the text).

        A word starts after a separator or where the character class changes
        (letters, digits, CJK), so "fuck123" and "我fuck" have a boundary after/before
        "fuck" while "Scunthorpe" has none inside.
        """
        if self._starts is None:
            starts = {m.start() for m in _RUN_RE.finditer(self.compact)}
            removed = 0
            for m in _GAP_RE.finditer(self.spaced):
                starts.add(m.start() - removed)
                removed += m.end() - m.start()
            starts.add(len(self.compact))
            self._starts = frozenset(starts)
        return i in self._starts

    def gap_is_symbol(self, i: int) -> bool:
        """Whether the separators before ``compact[i]`` include a symbol (not only space)."""
        pos = self._compact_map()
        gap = self.spaced[pos[i - 1] + 1 : pos[i]]
        return SEP_SYMBOL in gap or SEP_BREAK in gap

    def spans_break(self, start: int, end: int) -> bool:
        """Whether ``compact[start:end]`` spans sentence punctuation or a line break."""
        pos = self._compact_map()
        return SEP_BREAK in self.spaced[pos[start] : pos[end - 1]]

    # -- phonetic -----------------------------------------------------------------------
    @property
    def phonetic(self) -> str:
        if self._phonetic is None:
            c = self.compact
            self._phonetic = c if c.isascii() else c.translate(_tables()[2])
        return self._phonetic

    def _phon_mask(self) -> str:
        # Same length as ``phonetic``: "\x01" where a syllable starts, "\x00" inside one,
        # and the character itself elsewhere (compact text never holds control characters).
        if self._mask is None:
            c = self.compact
            self._mask = c if c.isascii() else c.translate(_tables()[3])
        return self._mask

    def _phon_index(self, p: int) -> int:
        # A running count of syllable starts, built once per text (in C: accumulate over
        # a bound method), so each lookup is O(1) and a text with many phonetic hits
        # stays linear (counting from the start per hit made 100,000 characters take 20 s).
        if self._phon_pos is None:
            self._phon_pos = list(accumulate(map("\x00".__ne__, self._phon_mask()), initial=0))
        return self._phon_pos[p + 1] - 1

    def phonetic_unit_start(self, p: int) -> bool:
        """Whether a syllable or a Latin word starts at phonetic offset ``p`` (or p is the end)."""
        mask = self._phon_mask()
        if p >= len(mask):
            return True
        c = mask[p]
        if c == "\x01":
            return True
        return c != "\x00" and self.word_start(self._phon_index(p))

    def phonetic_to_compact(self, start: int, end: int) -> tuple[int, int]:
        return self._phon_index(start), self._phon_index(end - 1) + 1

    def __repr__(self) -> str:
        return f"Normalized({self.original!r} -> {self.compact!r})"


@cache
def _ascii_tables() -> tuple[bytes, bytes, bytes]:
    """Byte-level equivalents of the fold and mark tables for pure-ASCII text (fast path)."""
    canon, marks = _tables()[:2]
    fold = bytes(ord(canon.get(b, chr(b)) or " ") for b in range(128)) + bytes(range(128, 256))
    delete = bytes(b for b in range(128) if canon.get(b) == "")
    mark = bytes(ord(marks.get(b, chr(b))) for b in range(128)) + bytes(range(128, 256))
    return fold, delete, mark


def normalize(text: str) -> Normalized:
    """Fold ``text`` into its canonical, spaced, compact and phonetic views."""
    canon, marks = _tables()[:2]
    fold, delete, mark = _ascii_tables()
    source = text
    if ("<" in text or "&" in text) and _MARKUP_RE.search(text):
        source = _unmarkup(text)
    regular: bool | None
    if source.isascii():
        canonical = source.encode("ascii").translate(fold, delete).decode("ascii")
        regular = len(canonical) == len(source)
    else:
        canonical = source.translate(canon)
        regular = None if len(canonical) == len(source) else False
    decoded = _decode_leet(canonical)
    if decoded.isascii():
        spaced = decoded.encode("ascii").translate(mark).decode("ascii")
    else:
        spaced = decoded.translate(marks)
    compact = spaced.replace(SEP_SPACE, "").replace(SEP_SYMBOL, "").replace(SEP_BREAK, "")
    return Normalized(text, canonical, spaced, compact, regular, source)


def has_han(text: str) -> bool:
    """Whether ``text`` holds a Chinese character (one regex search, for hot paths)."""
    return _HAN_RE.search(text) is not None


_HAN_RE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def is_han(ch: str) -> bool:
    """Whether ``ch`` is a Chinese character with a pinyin reading."""
    return ch in _char_data("pinyin.txt")


def reading(ch: str) -> str | None:
    """The toneless pinyin of a Chinese character, if it has one."""
    return _char_data("pinyin.txt").get(ch)


def compact_boundaries(norm: Normalized) -> frozenset[int]:
    """Internal word starts of a (term's) compact text, for multi-word term matching."""
    return frozenset(i for i in range(1, len(norm.compact)) if norm.word_start(i))
