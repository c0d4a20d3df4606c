"""The decision engine: signals and a policy in, a verdict with its reasons out.

Signals of one category combine by noisy-OR over *distinct* findings, so several weak
cues add up while repetition does not: the same term found five times counts once, and
signals whose spans overlap (a term and the longer term containing it, two spellings
matching the same characters) count once, at their best score. Each category's score
maps to the strongest action whose threshold it reaches; the item's verdict is the
strongest over all categories, and its labels are the categories that reached their
lowest threshold.

A signal whose ``detail`` carries ``dampen: true`` is context, not a finding: a police
notice, a news report, counter-speech. It does not add to its category's score but
scales it by ``1 - score``, so words quoted in a warning are not acted on alone.
"""

from __future__ import annotations

from collections.abc import Iterable

from wenming.core.model import Decision, Signal, Verdict
from wenming.core.policy import Policy

MAX_EVIDENCE = 50


def _finding(signal: Signal) -> tuple[str, str]:
    d = signal.detail
    key = d.get("term") or d.get("rule") or d.get("domain") or d.get("model") or signal.match
    return signal.detector, str(key)


def combine(signals: Iterable[Signal]) -> dict[str, float]:
    """Category scores: noisy-OR over distinct findings, each at its best score."""
    by_category: dict[str, list[Signal]] = {}
    damp: dict[str, float] = {}
    for s in signals:
        if s.detail.get("dampen"):
            damp[s.category] = min(damp.get(s.category, 1.0), 1.0 - min(max(s.score, 0.0), 1.0))
        else:
            by_category.setdefault(s.category, []).append(s)
    scores: dict[str, float] = {}
    for category, found in by_category.items():
        miss = 1.0
        for score in _finding_scores(found):
            miss *= 1.0 - min(max(score, 0.0), 1.0)
        scores[category] = (1.0 - miss) * damp.get(category, 1.0)
    return scores


def _finding_scores(signals: list[Signal]) -> list[float]:
    """One score per distinct finding: overlapping spans merge, repeated keys count once."""
    spanned = sorted(
        (s for s in signals if s.start is not None and s.end is not None),
        key=lambda s: (s.start, s.end),
    )
    clusters: list[tuple[int, float, set[tuple[str, str]]]] = []  # (end, best, keys)
    for s in spanned:
        assert s.start is not None and s.end is not None
        if clusters and s.start < clusters[-1][0]:
            end, best, keys = clusters[-1]
            keys.add(_finding(s))
            clusters[-1] = (max(end, s.end), max(best, s.score), keys)
        else:
            clusters.append((s.end, s.score, {_finding(s)}))
    best_by_key: dict[tuple[str, str], float] = {}
    for s in signals:
        if s.start is None or s.end is None:
            best_by_key[_finding(s)] = max(best_by_key.get(_finding(s), 0.0), s.score)
    out = list(best_by_key.values())
    seen: set[tuple[str, str]] = set()
    for _, best, keys in sorted(clusters, key=lambda c: -c[1]):
        if keys <= seen:
            continue  # the same term(s) again elsewhere in the text
        seen |= keys
        out.append(best)
    return out


def decide(item_id: str, signals: Iterable[Signal], policy: Policy) -> Decision:
    """Turn one item's signals into a :class:`Decision` under ``policy``."""
    known = [s for s in signals if s.category in policy.categories]
    scores = {c: round(v, 6) for c, v in combine(known).items() if v > 0}
    verdict = Verdict.ALLOW
    labels: list[str] = []
    reasons: list[str] = []
    for cid, score in sorted(scores.items(), key=lambda kv: -kv[1]):
        cat = policy.categories[cid]
        if score < cat.lowest_threshold:
            continue
        labels.append(cid)
        action = cat.action_for(score)
        if action.rank > verdict.rank:
            verdict = action
        at = cat.thresholds.get(action, cat.lowest_threshold)
        found = sorted({_describe(s) for s in known if s.category == cid})[:5]
        reasons.append(
            f"{action.value}: {cid} ({cat.title.get('en', cid)} / {cat.title.get('zh', cid)}) "
            f"scored {score:.2f}, reaching {action.value}_at {at:.2f}; found {', '.join(found)}"
        )
    if not reasons:
        reasons.append("allow: no policy category reached its lowest threshold")
    evidence = sorted(known, key=lambda s: (s.start is None, s.start or 0, -s.score))
    return Decision(
        item_id=item_id,
        verdict=verdict,
        labels=tuple(labels),
        scores=scores,
        signals=tuple(evidence[:MAX_EVIDENCE]),
        reasons=tuple(reasons),
        policy_version=policy.version,
    )


def _describe(s: Signal) -> str:
    d = s.detail
    if d.get("dampen"):
        return f"context {d.get('rule', '')!r} scaling by {1 - s.score:.2f} ({s.detector})"
    if "term" in d:
        via = "" if d.get("via") in (None, "exact") else f" via {d['via']}"
        return f"term {d['term']!r}{via} ({s.detector})"
    if "rule" in d:
        return f"rule {d['rule']!r} ({s.detector})"
    if "domain" in d:
        return f"domain {d['domain']!r} ({s.detector})"
    if "factcheck_id" in d:
        return f"fact-check {d['factcheck_id']!r} ({d.get('verdict', '')}) ({s.detector})"
    if "model" in d:
        return f"model {d['model']!r} score {s.score:.2f} ({s.detector})"
    return f"{s.detector} signal"
