"""Hashed character and word n-gram features, computed for a whole batch in numpy.

A model's vocabulary is a sorted array of 64-bit n-gram hashes, not a table of strings:
a batch of texts is joined into one string, turned into one array of code points, and
every character n-gram and word n-gram of every text is hashed at once with a prefix
hash (no per-n-gram Python work). Training and inference share :func:`ngram_keys`, so
the features a model was trained on are exactly the features it sees when it scores.

Texts are first folded the same way for both (NFKC, lower case, URLs, @mentions and
digits replaced by placeholders, whitespace collapsed), which makes the models robust
to width and case tricks and keeps phone numbers and links from becoming vocabulary.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
F32 = npt.NDArray[np.float32]

_SEP = "\x1e"  # record separator: starts every text of a batch; never inside a text
_URL_RE = re.compile(r"https?://\S+|www\.\S+|\burl\b", re.IGNORECASE)
_MENTION_RE = re.compile(r"@\w+")
_DIGIT_RE = re.compile(r"\d")
_SPACE_RE = re.compile(r"[^\S\x1e]+")

_P = np.uint64(0x100000001B3)  # FNV prime: odd, so it has an inverse modulo 2**64
_P_INV = np.uint64(pow(0x100000001B3, -1, 2**64))
_WORD_TAG = np.uint64(0x9E3779B97F4A7C15)
_PAIR_TAG = np.uint64(0xC2B2AE3D27D4EB4F)


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    """Which n-grams a model uses and how texts are folded before hashing."""

    char_min: int = 1
    char_max: int = 4
    word_min: int = 1
    word_max: int = 2
    fold_digits: bool = True

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> FeatureSpec:
        return cls(**{k: raw[k] for k in cls.__slots__ if k in raw})


def fold(texts: Sequence[str], *, fold_digits: bool = True) -> str:
    """Join and fold a batch: one string where each text starts with the separator."""
    joined = _SEP + _SEP.join(" " + t.replace(_SEP, " ") + " " for t in texts)
    s = unicodedata.normalize("NFKC", joined).lower()
    s = _URL_RE.sub(" \x1furl ", s)
    s = _MENTION_RE.sub(" \x1fuser ", s)
    if fold_digits:
        s = _DIGIT_RE.sub("0", s)
    return _SPACE_RE.sub(" ", s)


@cache
def _word_table() -> npt.NDArray[np.bool_]:
    chars = [chr(i) for i in range(0x10000)]
    return np.fromiter((c.isalnum() or c in "_'\x1f" for c in chars), dtype=np.bool_, count=0x10000)


def _mix(h: U64) -> U64:
    """splitmix64's finalizer: spreads prefix-hash structure over all 64 bits."""
    with np.errstate(over="ignore"):
        h = (h ^ (h >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        h = (h ^ (h >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return h ^ (h >> np.uint64(31))


def _powers(base: np.uint64, n: int) -> U64:
    out = np.full(n, base, dtype=np.uint64)
    out[0] = 1
    with np.errstate(over="ignore"):
        return np.cumprod(out, dtype=np.uint64)


def ngram_keys(texts: Sequence[str], spec: FeatureSpec) -> tuple[I64, U64]:
    """Every n-gram of every text as ``(doc, key)``: the text's index and the n-gram hash.

    A text yields one pair per occurrence, so counts are term frequencies.
    """
    if not texts:
        return np.zeros(0, np.int64), np.zeros(0, np.uint64)
    s = fold(texts, fold_digits=spec.fold_digits)
    cp = np.frombuffer(s.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    n = len(cp)
    is_sep = cp == ord(_SEP)
    doc = np.cumsum(is_sep, dtype=np.int64) - 1
    # h(a, b) = sum_{k=a}^{b-1} x_k * P^-(k-a) = (Q[b] - Q[a]) * P^a, with Q the prefix
    # sums of x_k * P^-k: every substring's hash from two lookups, all modulo 2**64.
    with np.errstate(over="ignore"):
        x = cp * np.uint64(0x2545F4914F6CDD1D) + np.uint64(1)
        q = np.zeros(n + 1, dtype=np.uint64)
        np.cumsum(x * _powers(_P_INV, n), dtype=np.uint64, out=q[1:])
        pa = _powers(_P, n)
    docs: list[I64] = []
    keys: list[U64] = []
    with np.errstate(over="ignore"):
        for k in range(spec.char_min, spec.char_max + 1):
            if k > n:
                break
            a = np.arange(n - k + 1)
            ok = (doc[a] == doc[a + k - 1]) & ~is_sep[a]
            a = a[ok]
            h = (q[a + k] - q[a]) * pa[a] + np.uint64(k)
            docs.append(doc[a])
            keys.append(_mix(h))
        if spec.word_max >= 1:
            small = cp < 0x10000
            word = np.ones(n, dtype=np.bool_)
            word[small] = _word_table()[cp[small].astype(np.int64)]
            word &= ~is_sep
            edge = np.diff(np.concatenate(([False], word, [False])).astype(np.int8))
            starts = np.flatnonzero(edge == 1)
            ends = np.flatnonzero(edge == -1)
            wh = _mix((q[ends] - q[starts]) * pa[starts] ^ _WORD_TAG)
            wdoc = doc[starts]
            if spec.word_min <= 1:
                docs.append(wdoc)
                keys.append(wh)
            for k in range(max(2, spec.word_min), spec.word_max + 1):
                if len(wh) < k:
                    break
                same = wdoc[: len(wh) - k + 1] == wdoc[k - 1 :]
                h = wh[: len(wh) - k + 1].copy()
                for j in range(1, k):
                    h = _mix(h * _PAIR_TAG + wh[j : len(wh) - k + 1 + j])
                docs.append(wdoc[: len(wh) - k + 1][same])
                keys.append(h[same])
    return np.concatenate(docs), np.concatenate(keys)


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The kept n-gram hashes (sorted) and their inverse document frequencies."""

    keys: U64
    idf: F32

    def __len__(self) -> int:
        return len(self.keys)


def weighted(texts: Sequence[str], spec: FeatureSpec, vocab: Vocabulary) -> tuple[I64, I64, F32]:
    """Sparse TF-IDF rows as ``(doc, feature, value)``; each row is L2-normalized.

    Values are ``(1 + log tf) * idf``, the sublinear TF-IDF of scikit-learn, so a
    linear model trained on these rows scores them with one ``bincount``.
    """
    doc, key = ngram_keys(texts, spec)
    if len(vocab) == 0 or len(key) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32)
    pos = np.searchsorted(vocab.keys, key)
    pos[pos == len(vocab)] = 0
    hit = vocab.keys[pos] == key
    doc, feat = doc[hit], pos[hit].astype(np.int64)
    pair, counts = np.unique(doc * len(vocab) + feat, return_counts=True)
    doc, feat = pair // len(vocab), pair % len(vocab)
    val = ((1.0 + np.log(counts)) * vocab.idf[feat]).astype(np.float32)
    norm = np.sqrt(np.bincount(doc, weights=val * val, minlength=len(texts)))
    norm[norm == 0] = 1.0
    val = (val / norm[doc]).astype(np.float32)
    return doc, feat, val
