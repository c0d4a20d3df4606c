"""The claims detector: posts that restate a debunked claim, with the rebuttal attached.

Configured by the policy's ``factchecks:`` block (category, ``suggest_at``/``act_at``,
registry directory, verdicts acted on); built only when the policy has one. For each
item it runs the :class:`~wenming.detectors.claims.matcher.Matcher` cascade against the
registry and emits at most one whole-item signal, for the best-scoring fact-check whose
verdict the policy lists, when that score reaches ``suggest_at``. The signal's
``detail`` carries ``factcheck_id``, ``verdict``, ``rebuttal``, ``score`` and whether
the match is for a human to look at (``suggest``) or to act on (``act``); since the
category's lowest threshold equals ``act_at``, suggestions are evidence without a
label. The registry is re-read when its files change (checked every few seconds).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path

from wenming.core.model import Signal
from wenming.core.policy import Policy
from wenming.detectors.base import (
    Detector,
    DetectorPlugin,
    FactCheckSource,
    Prepared,
    Resources,
)
from wenming.detectors.claims.config import TOP_KEYS, FactCheckPolicy, parse
from wenming.detectors.claims.embed import Embedder
from wenming.detectors.claims.matcher import Matcher, Thresholds
from wenming.detectors.claims.registry import RECORDS, FactCheckDir, default_dir

NAME = "claims"
VERSION = "1"
RELOAD_CHECK_SECONDS = 5.0


class DirSource:
    """Fact-checks from a registry directory, re-read when its files change (checked
    every few seconds): how ``wenming screen`` works without a database."""

    def __init__(self, registry: FactCheckDir, embedder: Embedder) -> None:
        self.registry = registry
        self.embedder = embedder
        self._lock = threading.Lock()
        self._stamp: float | None = None
        self._checked = 0.0
        self._matcher = self._load()

    def _load(self) -> Matcher:
        file = self.registry.path / RECORDS
        self._stamp = file.stat().st_mtime if file.exists() else None
        return self.registry.matcher(self.embedder)

    def matcher(self) -> Matcher:
        now = time.monotonic()
        if now - self._checked < RELOAD_CHECK_SECONDS:
            return self._matcher
        with self._lock:
            self._checked = now
            file = self.registry.path / RECORDS
            stamp = file.stat().st_mtime if file.exists() else None
            if stamp != self._stamp:
                self._matcher = self._load()
        return self._matcher


class ClaimsDetector:
    """Matches items against the live fact-check registry (:class:`FactCheckSource`)."""

    name = NAME
    version = VERSION

    def __init__(self, config: FactCheckPolicy, source: FactCheckSource) -> None:
        self.config = config
        self.source = source
        self.thresholds = Thresholds(config.suggest_at, config.act_at)

    @property
    def matcher(self) -> Matcher:
        return self.source.matcher()

    def examples(self) -> list[str]:
        return [fc.claim for fc in self.matcher.factchecks if fc.verdict in self.config.verdicts][
            :3
        ]

    def detect(self, batch: Sequence[Prepared]) -> list[list[Signal]]:
        matcher = self.source.matcher()
        if not len(matcher):
            return [[] for _ in batch]
        results = matcher.match(
            [p.item.text for p in batch], top=5, min_score=self.config.suggest_at
        )
        out: list[list[Signal]] = []
        for matches in results:
            best = next((m for m in matches if m.factcheck.verdict in self.config.verdicts), None)
            th = self.thresholds
            if best is None:
                out.append([])
                continue
            fc = best.factcheck
            out.append(
                [
                    Signal(
                        category=self.config.category,
                        score=best.score,
                        detector=NAME,
                        match=fc.claim[:200],
                        detail={
                            "factcheck_id": fc.id,
                            "verdict": fc.verdict,
                            "rebuttal": fc.rebuttal,
                            "title": fc.title,
                            "sources": list(fc.sources[:3]),
                            "score": round(best.score, 4),
                            "suggest": best.score >= th.suggest,
                            "act": best.score >= th.act,
                        },
                    )
                ]
            )
        return out


def registry_for(policy: Policy, default: Path | None = None) -> FactCheckDir:
    """The registry directory a policy names (relative to the policy file), or ``default``
    (the ``factchecks_dir`` setting, else ``./wenming-factchecks``)."""
    config = factchecks_of(policy)
    if config is None or config.registry is None:
        return FactCheckDir(default or default_dir())
    path = Path(config.registry)
    source = Path(policy.source)
    if not path.is_absolute() and source.is_file():
        path = source.parent / path
    return FactCheckDir(path)


def build(policy: Policy, resources: Resources | None = None) -> Detector | None:
    """The claims detector, if the policy has a ``factchecks:`` block.

    It matches against the composition root's live registry (the fact-check database)
    unless the policy names a registry directory, or no live registry is lent (then the
    ``factchecks_dir`` directory).
    """
    config = factchecks_of(policy)
    if config is None:
        return None
    lent = resources or Resources()
    if lent.factchecks is not None and config.registry is None:
        return ClaimsDetector(config, lent.factchecks)
    source = DirSource(registry_for(policy, lent.factchecks_dir), lent.embedder())
    return ClaimsDetector(config, source)


def factchecks_of(policy: Policy) -> FactCheckPolicy | None:
    """The policy's ``factchecks:`` block, parsed, or ``None`` when it has none."""
    part = policy.part(NAME)
    return part if isinstance(part, FactCheckPolicy) else None


PLUGIN = DetectorPlugin(
    name=NAME,
    version=VERSION,
    top_keys=TOP_KEYS,
    parse=parse,
    build=build,
)
