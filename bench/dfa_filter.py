"""A classic Chinese "DFA" sensitive-word filter, as found in countless tutorials and
in-house moderation code: a trie of nested dicts walked from every position, lower-casing
the text and skipping noise characters (spaces and symbols) inside a match. The peer in
``bench/peers.py`` that stands for what Chinese platforms commonly run."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

END = "\0"


class DfaFilter:
    def __init__(self, words: Iterable[str]) -> None:
        self.root: dict[str, Any] = {}
        for word in words:
            node = self.root
            for ch in word.lower():
                if self._noise(ch):
                    continue
                node = node.setdefault(ch, {})
            if node is not self.root:
                node[END] = True

    @staticmethod
    def _noise(ch: str) -> bool:
        return not ch.isalnum()

    def _match_at(self, text: str, i: int) -> int:
        node, j, found = self.root, i, 0
        while j < len(text):
            ch = text[j]
            if self._noise(ch) and j > i:
                j += 1
                continue
            nxt = node.get(ch)
            if nxt is None:
                break
            node, j = nxt, j + 1
            if END in node:
                found = j
        return found

    def contains(self, text: str) -> bool:
        text = text.lower()
        return any(self._match_at(text, i) for i in range(len(text)))
