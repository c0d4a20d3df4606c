"""Backtests and the shadow report: what a candidate policy would change, before it does.

:func:`backtest` screens stored items with the live and the candidate policy (nothing
is written), and reports verdict flips (live → candidate), labels gained and lost per
category, examples of each kind of flip, and, for the items a person has decided,
precision and recall of both policies against those human decisions: overall
("would act" = any verdict but ``allow``) and per category (labels). Screening both
policies over the same text makes the comparison exact even for items stored before
the live policy was in force.

:func:`shadow_report` summarises what the shadow policy recorded on live traffic.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from wenming.core.model import Decision, Item
from wenming.service.screening import ScreenerLike
from wenming.store import HumanVerdict, ItemRecord, Store

ALLOW = "allow"


@dataclass(frozen=True, slots=True)
class Scores:
    """Precision and recall of one policy against human decisions."""

    support: int  # items a human decided
    true_positive: int
    false_positive: int
    false_negative: int

    @property
    def precision(self) -> float | None:
        flagged = self.true_positive + self.false_positive
        return self.true_positive / flagged if flagged else None

    @property
    def recall(self) -> float | None:
        actual = self.true_positive + self.false_negative
        return self.true_positive / actual if actual else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "support": self.support,
            "true_positive": self.true_positive,
            "false_positive": self.false_positive,
            "false_negative": self.false_negative,
            "precision": _round(self.precision),
            "recall": _round(self.recall),
        }


@dataclass
class _Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    n: int = 0

    def add(self, predicted: bool, actual: bool) -> None:
        self.n += 1
        self.tp += predicted and actual
        self.fp += predicted and not actual
        self.fn += actual and not predicted

    def scores(self) -> Scores:
        return Scores(self.n, self.tp, self.fp, self.fn)


@dataclass
class BacktestReport:
    """The outcome of :func:`backtest`; :meth:`to_dict` is its wire form."""

    live_version: str
    candidate_version: str
    items: int = 0
    changed: int = 0
    flips: Counter[tuple[str, str]] = field(default_factory=Counter)
    labels_added: Counter[str] = field(default_factory=Counter)
    labels_removed: Counter[str] = field(default_factory=Counter)
    examples: list[dict[str, Any]] = field(default_factory=list)
    human_decided: int = 0
    live: Scores | None = None
    candidate: Scores | None = None
    by_category: dict[str, dict[str, Scores]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "live_policy": self.live_version,
            "candidate_policy": self.candidate_version,
            "items": self.items,
            "changed": self.changed,
            "flips": [
                {"from": a, "to": b, "count": n}
                for (a, b), n in sorted(self.flips.items(), key=lambda kv: -kv[1])
            ],
            "categories": {
                cat: {"added": self.labels_added[cat], "removed": self.labels_removed[cat]}
                for cat in sorted(set(self.labels_added) | set(self.labels_removed))
            },
            "examples": self.examples,
            "human_decided": self.human_decided,
            "accuracy": {
                "live": self.live.to_dict() if self.live else None,
                "candidate": self.candidate.to_dict() if self.candidate else None,
                "by_category": {
                    cat: {name: s.to_dict() for name, s in pair.items()}
                    for cat, pair in sorted(self.by_category.items())
                },
            },
        }


def backtest(
    store: Store,
    live: ScreenerLike,
    candidate: ScreenerLike,
    *,
    platform_id: int | None = None,
    since: datetime | None = None,
    limit: int | None = None,
    examples_per_flip: int = 3,
    page: int = 1000,
    progress: Callable[[int], None] | None = None,
) -> BacktestReport:
    """Run ``candidate`` beside ``live`` over stored items (oldest first, up to ``limit``)."""
    report = BacktestReport(live.policy.version, candidate.policy.version)
    overall = {"live": _Tally(), "candidate": _Tally()}
    per_cat: dict[str, dict[str, _Tally]] = {}
    shown: Counter[tuple[str, str]] = Counter()
    after = None
    while limit is None or report.items < limit:
        want = page if limit is None else min(page, limit - report.items)
        rows = store.items.items_page(platform_id=platform_id, since=since, after=after, limit=want)
        if not rows:
            break
        after = rows[-1].id
        items = [_as_item(r) for r in rows]
        old, new = live.screen(items), candidate.screen(items)
        humans = store.items.human_verdicts([r.id for r in rows])
        for row, a, b in zip(rows, old, new, strict=True):
            _compare(report, row, a, b, shown, examples_per_flip)
            human = humans.get(row.id)
            if human is not None:
                _score(overall, per_cat, human, a, b)
        report.items += len(rows)
        if progress is not None:
            progress(len(rows))
    report.human_decided = overall["live"].n
    if report.human_decided:
        report.live = overall["live"].scores()
        report.candidate = overall["candidate"].scores()
        report.by_category = {
            cat: {name: t.scores() for name, t in pair.items()} for cat, pair in per_cat.items()
        }
    return report


def _as_item(row: ItemRecord) -> Item:
    return Item(
        id=row.external_id,
        text=row.text,
        author=row.author,
        group=row.group,
        lang=row.lang,
        urls=row.urls,
        created_at=row.posted_at.isoformat() if row.posted_at else None,
    )


def _compare(
    report: BacktestReport,
    row: ItemRecord,
    a: Decision,
    b: Decision,
    shown: Counter[tuple[str, str]],
    examples_per_flip: int,
) -> None:
    old_labels, new_labels = set(a.labels), set(b.labels)
    for cat in new_labels - old_labels:
        report.labels_added[cat] += 1
    for cat in old_labels - new_labels:
        report.labels_removed[cat] += 1
    flip = (a.verdict.value, b.verdict.value)
    if flip[0] == flip[1] and old_labels == new_labels:
        return
    report.changed += 1
    if flip[0] != flip[1]:
        report.flips[flip] += 1
    key = flip if flip[0] != flip[1] else ("labels", "labels")
    if shown[key] < examples_per_flip:
        shown[key] += 1
        report.examples.append(
            {
                "platform": row.platform_name,
                "item_id": row.external_id,
                "text": row.text[:280],
                "live": a.verdict.value,
                "candidate": b.verdict.value,
                "live_labels": sorted(old_labels),
                "candidate_labels": sorted(new_labels),
                "evidence": [s.evidence() for s in b.signals][:5],
            }
        )


def _score(
    overall: dict[str, _Tally],
    per_cat: dict[str, dict[str, _Tally]],
    human: HumanVerdict,
    a: Decision,
    b: Decision,
) -> None:
    actual = human.verdict != ALLOW
    overall["live"].add(a.verdict.value != ALLOW, actual)
    overall["candidate"].add(b.verdict.value != ALLOW, actual)
    for cat in set(human.labels) | set(a.labels) | set(b.labels):
        pair = per_cat.setdefault(cat, {"live": _Tally(), "candidate": _Tally()})
        pair["live"].add(cat in a.labels, cat in human.labels)
        pair["candidate"].add(cat in b.labels, cat in human.labels)


def shadow_report(store: Store, *, policy_version: str, examples: int = 20) -> dict[str, Any]:
    """What the shadow policy ``policy_version`` recorded beside the live one."""
    reader = store.work
    pairs = reader.shadow_pairs(policy_version)
    total = sum(n for _, _, n in pairs)
    return {
        "shadow_policy": policy_version,
        "items": total,
        "changed": sum(n for a, b, n in pairs if a != b),
        "flips": [
            {"from": a, "to": b, "count": n}
            for a, b, n in sorted(pairs, key=lambda p: -p[2])
            if a != b
        ],
        "examples": [
            {
                "platform": e["platform"],
                "item_id": e["external_id"],
                "text": e["text"][:280],
                "live": e["live_verdict"],
                "candidate": e["verdict"],
                "live_labels": list(e["live_labels"]),
                "candidate_labels": list(e["labels"]),
            }
            for e in reader.shadow_flips(policy_version, limit=examples)
        ],
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
