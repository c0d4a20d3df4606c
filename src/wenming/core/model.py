"""The nouns of screening: items, signals, evidence, verdicts and decisions.

An *item* is one piece of user content (a post, a comment, a profile). Detectors look
at items and emit *signals*: "this span looks like category X with score s". The policy
turns the signals of one item into a *decision*: a verdict, the labels and scores per
category, the evidence (spans into the text the user actually wrote) and the reasons.
Everything here is a frozen dataclass so that decisions can be shared across threads,
cached and compared; start with :class:`Item` and :class:`Decision`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Verdict(enum.StrEnum):
    """What happens to an item, from mildest to strongest (the order is meaningful)."""

    ALLOW = "allow"
    LABEL = "label"
    LIMIT = "limit"
    REVIEW = "review"
    BLOCK = "block"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {v: i for i, v in enumerate(Verdict)}
ACTIONS: tuple[Verdict, ...] = (Verdict.LABEL, Verdict.LIMIT, Verdict.REVIEW, Verdict.BLOCK)


@dataclass(frozen=True, slots=True)
class Item:
    """One piece of content to screen; only ``id`` and ``text`` are required."""

    id: str
    text: str
    author: str | None = None
    group: str | None = None
    lang: str | None = None
    created_at: str | None = None
    urls: tuple[str, ...] = ()

    @classmethod
    def from_mapping(cls, raw: dict[str, Any]) -> Item:
        """Build an item from a decoded JSON object, ignoring unknown fields."""
        urls = raw.get("urls") or ()
        if isinstance(urls, str):
            urls = (urls,)
        return cls(
            id=str(raw["id"]),
            text=str(raw["text"]),
            author=_opt_str(raw.get("author")),
            group=_opt_str(raw.get("group")),
            lang=_opt_str(raw.get("lang")),
            created_at=_opt_str(raw.get("created_at")),
            urls=tuple(str(u) for u in urls),
        )


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True, slots=True)
class Signal:
    """One detector's finding: a category, a score in 0..1 and, when it has one, a span.

    ``start``/``end`` are offsets into the item's original text (``end`` exclusive);
    both are ``None`` for whole-item signals (a classifier score, a listed URL field).
    ``detail`` says what matched in the detector's own terms (the term, the rule id,
    the domain, the model and version).
    """

    category: str
    score: float
    detector: str
    start: int | None = None
    end: int | None = None
    match: str = ""
    detail: dict[str, Any] = field(default_factory=dict)

    def evidence(self) -> dict[str, Any]:
        """The wire form of this signal as evidence (DESIGN.md's output contract)."""
        out: dict[str, Any] = {
            "category": self.category,
            "detector": self.detector,
            "start": self.start,
            "end": self.end,
            "match": self.match,
            "score": round(self.score, 4),
        }
        out.update(self.detail)
        return out


@dataclass(frozen=True, slots=True)
class Decision:
    """The policy's answer for one item."""

    item_id: str
    verdict: Verdict
    labels: tuple[str, ...]
    scores: dict[str, float]
    signals: tuple[Signal, ...]
    reasons: tuple[str, ...]
    policy_version: str
    automated: bool = True

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``wenming screen`` output lines."""
        return {
            "id": self.item_id,
            "verdict": self.verdict.value,
            "labels": list(self.labels),
            "scores": {k: round(v, 4) for k, v in self.scores.items()},
            "evidence": [s.evidence() for s in self.signals],
            "reasons": list(self.reasons),
            "policy_version": self.policy_version,
        }
