"""Text preparation for claim matching: cleaning posts, lexical terms, dominant script.

Posts carry noise that says nothing about the claim: link-shortener URLs, the
date and handle an embedded tweet's signature ends with (``— Name (@handle) May 1,
2020``), HTML entities. :func:`clean_post` removes it and splits ``#HashTags``/``@handles`` into
words, since they often *are* the claim's nouns. :func:`terms` turns canonical
(normalized, case-folded) text into the lexical stage's terms: Latin and other
alphabetic words, light-stemmed, and overlapping Han character bigrams, so Chinese
needs no word segmenter. Standard library only.
"""

from __future__ import annotations

import html
import re
import unicodedata

_SIGNATURE = re.compile(
    r"\s*[—–-]{1,2}\s*([^—–\n(]{0,80})\(@\w{1,30}\)\s*"
    r"(?:[A-Z][a-z]+\.? \d{1,2}(?:, \d{4})?|\d{1,2} [A-Z][a-z]+ \d{4})\s*$"
)
_URL = re.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S+", re.IGNORECASE)
_TAG = re.compile(r"(?<!\w)[#@]([A-Za-z0-9_]{2,})")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d{2,})")
_SPACES = re.compile(r"\s+")


def clean_post(text: str) -> str:
    """The text of a post without URLs, markup and the date of a tweet signature.

    The signature's author name stays: who said it is often part of the claim.
    """
    text = html.unescape(text)
    text = _SIGNATURE.sub(lambda m: " " + m.group(1).strip(), text)
    text = _URL.sub(" ", text)
    text = _TAG.sub(lambda m: _CAMEL.sub(" ", m.group(1)).replace("_", " "), text)
    return _SPACES.sub(" ", text).strip()


_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_STOP = frozenset(
    "a an and are as at be been but by can could did do does for from had has have he her "
    "his i if in into is it its me my no not of on or our she so than that the their them "
    "then there these they this those to was we were what when which who will with would "
    "you your rt via amp just now new says said one all about after over more out up".split()
)


def _is_han(ch: str) -> bool:
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF


def _stem(word: str) -> str:
    # Enough English inflection folding for retrieval; a real stemmer buys little here.
    if len(word) > 4 and word.isascii():
        for suffix, repl in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
            if word.endswith(suffix) and not word.endswith("ss"):
                return word[: -len(suffix)] + repl
    return word


def terms(canonical: str) -> list[str]:
    """Lexical terms of already-normalized text: words and Han bigrams, in order."""
    out: list[str] = []
    for run in _WORD.findall(canonical):
        if run.isascii():
            if run not in _STOP and (len(run) > 1 or run.isdigit()):
                out.append(_stem(run))
            continue
        word: list[str] = []
        han: list[str] = []
        for ch in run + " ":
            if _is_han(ch):
                if word:
                    out.extend(_word_terms("".join(word)))
                    word.clear()
                han.append(ch)
                continue
            if han:
                out.extend(_han_terms(han))
                han.clear()
            if ch != " ":
                word.append(ch)
        if word:
            out.extend(_word_terms("".join(word)))
    return out


def _word_terms(word: str) -> list[str]:
    if word in _STOP or (len(word) < 2 and not word.isdigit()):
        return []
    return [_stem(word)]


def _han_terms(chars: list[str]) -> list[str]:
    if len(chars) == 1:
        return chars[:]
    return [chars[i] + chars[i + 1] for i in range(len(chars) - 1)]


def script_of(text: str) -> str:
    """The dominant writing system of ``text``: ``han``, ``latin``, ``arabic``, … or ``""``."""
    counts: dict[str, int] = {}
    for ch in text:
        if not ch.isalpha():
            continue
        if _is_han(ch):
            name = "han"
        elif ch.isascii():
            name = "latin"
        else:
            try:
                name = unicodedata.name(ch).split(" ", 1)[0].lower()
            except ValueError:
                continue
        counts[name] = counts.get(name, 0) + 1
    return max(counts, key=counts.__getitem__) if counts else ""
