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
from wenming.detectors.base import Detector, DetectorPlugin, Prepared
from wenming.detectors.claims.config import TOP_KEYS, FactCheckPolicy, parse
from wenming.detectors.claims.embed import E5Embedder, Embedder
from wenming.detectors.claims.matcher import Matcher, Thresholds
from wenming.detectors.claims.registry import RECORDS, FactCheckDir, default_dir

NAME = "claims"
VERSION = "1"
RELOAD_CHECK_SECONDS = 5.0


class ClaimsDetector:
    """Matches items against a fact-check registry directory."""

    name = NAME
    version = VERSION

    def __init__(
        self, config: FactCheckPolicy, registry: FactCheckDir, *, embedder: Embedder | None = None
    ) -> None:
        self.config = config
        self.registry = registry
        self.embedder = embedder or E5Embedder()
        self.thresholds = Thresholds(config.suggest_at, config.act_at)
        self._lock = threading.Lock()
        self._stamp: float | None = None
        self._checked = 0.0
        self.matcher = self._load()

    def _load(self) -> Matcher:
        file = self.registry.path / RECORDS
        self._stamp = file.stat().st_mtime if file.exists() else None
        return self.registry.matcher(self.embedder, thresholds=self.thresholds)

    def _current(self) -> Matcher:
        now = time.monotonic()
        if now - self._checked < RELOAD_CHECK_SECONDS:
            return self.matcher
        with self._lock:
            self._checked = now
            file = self.registry.path / RECORDS
            stamp = file.stat().st_mtime if file.exists() else None
            if stamp != self._stamp:
                self.matcher = self._load()
        return self.matcher

    def examples(self) -> list[str]:
        return [fc.claim for fc in self.matcher.factchecks if fc.verdict in self.config.verdicts][
            :3
        ]

    def detect(self, batch: Sequence[Prepared]) -> list[list[Signal]]:
        matcher = self._current()
        if not len(matcher):
            return [[] for _ in batch]
        results = matcher.match(
            [p.item.text for p in batch], top=5, min_score=self.config.suggest_at
        )
        out: list[list[Signal]] = []
        for matches in results:
            best = next((m for m in matches if m.factcheck.verdict in self.config.verdicts), None)
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
                            "suggest": best.suggest,
                            "act": best.act,
                        },
                    )
                ]
            )
        return out


def registry_for(policy: Policy) -> FactCheckDir:
    """The registry directory a policy names (relative to the policy file), or the default."""
    config = factchecks_of(policy)
    if config is None or config.registry is None:
        return FactCheckDir(default_dir())
    path = Path(config.registry)
    source = Path(policy.source)
    if not path.is_absolute() and source.is_file():
        path = source.parent / path
    return FactCheckDir(path)


def build(policy: Policy) -> Detector | None:
    """The claims detector, if the policy has a ``factchecks:`` block."""
    config = factchecks_of(policy)
    if config is None:
        return None
    return ClaimsDetector(config, registry_for(policy))


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
