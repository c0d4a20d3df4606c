"""How ordinary a Chinese spelling is: a small word-frequency table, and the two checks
that keep ordinary words from being read as disguised terms.

The table (``data/zh_freq.txt``) is generated from jieba's bundled dictionary (MIT
licence; counts from public Chinese text) by ``scripts/build_zh_freq.py``: every
character's count and the 2–4 character words counted at least 300 times.

* :func:`ordinary_homophone` — a same-sounding spelling of a term is not a disguise when
  it is ordinary Chinese: when the spelling is itself a frequent word, or (where the
  term's own characters there form no frequent word, as in slang) every replaced
  character is far more common than the one it replaces (``同城约跑``, "go
  running together", is not ``同城约炮``; ``代开发漂`` still is ``代开发票``).
* :func:`splits_word` — a two- or three-character term whose edge character forms a more
  frequent word with its neighbour outside the match (``刷单词``: 单词 "vocabulary";
  ``误杀了你``: 误杀 "killed by mistake"; ``听他妈的话``: 的话) is a coincidence of adjacent
  words, not the term — unless the neighbour is a particle (``贱人们``).
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

COMMONER = 3  # a replacement this many times as common as the original is ordinary text
PARTICLES = frozenset("们的了吗呢啊吧呀哦嘛么啦")


@cache
def counts() -> dict[str, int]:
    text = files("wenming.core").joinpath("data/zh_freq.txt").read_text(encoding="utf-8")
    out: dict[str, int] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            word, _, count = line.partition("\t")
            out[word] = int(count)
    return out


def ordinary_homophone(written: str, term: str) -> bool:
    """Whether ``written`` (same length as ``term``, all Chinese) reads as ordinary text."""
    freq = counts()
    replaced = [i for i, (w, t) in enumerate(zip(written, term, strict=True)) if w != t]
    if not replaced:
        return False
    if written in freq:  # the homophone spelling is itself a frequent word
        return True
    for i in replaced:  # the term reads as ordinary words there (出售, 发票): a disguise
        if any(term[a : a + 2] in freq for a in (i - 1, i) if 0 <= a < len(term) - 1):
            return False
    return all(freq.get(written[i], 0) >= COMMONER * max(freq.get(term[i], 0), 1) for i in replaced)


def splits_word(compact: str, start: int, end: int) -> bool:
    """Whether a two- or three-character match ``compact[start:end]`` splits a more
    common word at its edge (刷单词, 误杀了你, 听他妈的话)."""
    if not 2 <= end - start <= 3:
        return False
    freq = counts()
    own = freq.get(compact[start:end], 0)
    before = compact[start - 1 : start + 1] if start > 0 else ""
    after = compact[end - 1 : end + 1] if end < len(compact) else ""
    if after[-1:] in PARTICLES:
        after = ""  # 贱人们: a plural or particle after the term, not a word it splits
    return any(len(w) == 2 and freq.get(w, 0) > own for w in (before, after))
