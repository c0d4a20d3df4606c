"""The decision engine: signals and a policy in, a verdict with its reasons out.

Signals of one category combine by noisy-OR over *distinct* findings (the same term
found five times counts once, at its best score), so several weak cues add up while
repetition does not. Each category's score maps to the strongest action whose
threshold it reaches; the item's verdict is the strongest over all categories, and its
labels are the categories that reached their lowest threshold.
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
    best: dict[str, dict[tuple[str, str], float]] = {}
    for s in signals:
        per = best.setdefault(s.category, {})
        key = _finding(s)
        per[key] = max(per.get(key, 0.0), s.score)
    scores: dict[str, float] = {}
    for category, findings in best.items():
        miss = 1.0
        for score in findings.values():
            miss *= 1.0 - min(max(score, 0.0), 1.0)
        scores[category] = 1.0 - miss
    return scores


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
    return Decision(item_id=item_id, verdict=verdict, labels=tuple(labels), scores=scores,
                    signals=tuple(evidence[:MAX_EVIDENCE]), reasons=tuple(reasons),
                    policy_version=policy.version)


def _describe(s: Signal) -> str:
    d = s.detail
    if "term" in d:
        via = "" if d.get("via") in (None, "exact") else f" via {d['via']}"
        return f"term {d['term']!r}{via} ({s.detector})"
    if "rule" in d:
        return f"rule {d['rule']!r} ({s.detector})"
    if "domain" in d:
        return f"domain {d['domain']!r} ({s.detector})"
    if "model" in d:
        return f"model {d['model']!r} score {s.score:.2f} ({s.detector})"
    return f"{s.detector} signal"
