"""The claims detector's part of the policy: the top-level ``factchecks:`` block.

``factchecks: {category, suggest_at, act_at, registry, verdicts}``: which category a
post restating a fact-checked claim scores, from which match score it is shown to
humans (``suggest_at``) and acted on (``act_at``, which must equal the category's
lowest threshold), the registry directory (relative to the policy file; default: the
configured one) and which verdicts give signals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from wenming.core.factcheck import VERDICTS
from wenming.core.policy import Category, KeyPath, PolicyReader

TOP_KEYS = frozenset({"factchecks"})
_KEYS = {"category", "suggest_at", "act_at", "registry", "verdicts"}


@dataclass(frozen=True, slots=True)
class FactCheckPolicy:
    """How posts restating fact-checked claims are signalled (the ``factchecks:`` block).

    A match scoring ``suggest_at`` or more is shown to humans; from ``act_at`` (the
    category's lowest threshold, so the policy acts exactly there) it is acted on.
    Only fact-checks whose verdict is in ``verdicts`` give signals; ``registry`` is the
    registry directory, relative to the policy file (default: the configured one).
    """

    category: str
    suggest_at: float = 0.80
    act_at: float = 0.90
    registry: str | None = None
    verdicts: tuple[str, ...] = ("false", "misleading")


def parse(reader: PolicyReader, categories: Mapping[str, Category]) -> FactCheckPolicy | None:
    if "factchecks" not in reader.top:
        return None
    path: KeyPath = ("factchecks",)
    m = reader.mapping(reader.top["factchecks"], path)
    for key in m:
        if key not in _KEYS:
            raise reader.fail(
                (*path, key),
                f"unknown key {key!r} in factchecks; expected one of {', '.join(sorted(_KEYS))}",
            )
    cid = reader.string(m.get("category"), (*path, "category"))
    if cid not in categories:
        raise reader.fail(
            (*path, "category"), f"factchecks.category names unknown category {cid!r}"
        )
    lowest = categories[cid].lowest_threshold
    act = reader.number(m.get("act_at", lowest), (*path, "act_at"), 0.0, 1.0)
    if act != lowest:
        raise reader.fail(
            (*path, "act_at"),
            f"factchecks.act_at ({act:g}) must equal the lowest threshold of "
            f"category {cid!r} ({lowest:g}): the category's thresholds act on "
            "the match score (or leave act_at out)",
        )
    suggest = reader.number(m.get("suggest_at", min(0.80, act)), (*path, "suggest_at"), 0.0, 1.0)
    if suggest > act:
        raise reader.fail(
            (*path, "suggest_at"),
            f"factchecks.suggest_at ({suggest:g}) must not be above act_at ({act:g})",
        )
    registry = reader.string(m["registry"], (*path, "registry")) if "registry" in m else None
    # YAML reads a bare `false`/`true` as a boolean; here it can only mean the verdict.
    raw_verdicts = reader.seq(m.get("verdicts", ["false", "misleading"]), (*path, "verdicts"))
    verdicts = tuple(
        (str(v) if isinstance(v, bool) else reader.string(v, (*path, "verdicts", i))).lower()
        for i, v in enumerate(raw_verdicts)
    )
    for i, v in enumerate(verdicts):
        if v not in VERDICTS:
            raise reader.fail(
                (*path, "verdicts", i), f"verdict {v!r} must be one of {', '.join(VERDICTS)}"
            )
    return FactCheckPolicy(
        category=cid, suggest_at=suggest, act_at=act, registry=registry, verdicts=verdicts
    )
