"""The rules detector's part of the policy: each category's ``rules`` (regular expressions).

A rule is ``{id, pattern, weight, view, examples}``; ``view`` is ``canonical`` (the
default: the normalized text) or ``original``; ``examples`` are optional texts the rule
must match (checked when the policy loads, and shown as the detector's examples).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from wenming.core.normalize import normalize
from wenming.core.policy import Category, KeyPath, PolicyReader

CATEGORY_KEYS = frozenset({"rules"})
VIEWS = ("canonical", "original")


@dataclass(frozen=True, slots=True)
class Rule:
    """A regular expression that signals its category wherever it matches."""

    id: str
    pattern: str
    weight: float = 1.0
    view: str = "canonical"
    examples: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RulesConfig:
    """Every category's rules, by category id (categories without rules left out)."""

    categories: Mapping[str, tuple[Rule, ...]]


def parse(reader: PolicyReader, categories: Mapping[str, Category]) -> RulesConfig | None:
    out: dict[str, tuple[Rule, ...]] = {}
    for cid in categories:
        raw = reader.category_raw(cid).get("rules")
        if raw:
            out[cid] = tuple(_rules(reader, raw, ("categories", cid, "rules")))
    return RulesConfig(out) if out else None


def _rules(reader: PolicyReader, raw: object, path: KeyPath) -> list[Rule]:
    out: list[Rule] = []
    for i, r in enumerate(reader.seq(raw, path)):
        rpath = (*path, i)
        m = reader.mapping(r, rpath)
        unknown = set(m) - {"id", "pattern", "weight", "view", "examples"}
        if unknown:
            raise reader.fail(
                rpath,
                f"unknown key(s) {sorted(unknown)} in a rule; "
                "expected id, pattern, weight, view, examples",
            )
        pattern = reader.string(m.get("pattern"), (*rpath, "pattern"))
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            raise reader.fail((*rpath, "pattern"), f"invalid regular expression: {exc}") from None
        view = str(m.get("view", "canonical"))
        if view not in VIEWS:
            raise reader.fail((*rpath, "view"), f"view must be one of {', '.join(VIEWS)}")
        examples = tuple(
            reader.string(x, (*rpath, "examples", j))
            for j, x in enumerate(reader.seq(m.get("examples"), (*rpath, "examples")))
        )
        for j, x in enumerate(examples):
            if not compiled.search(x if view == "original" else normalize(x).canonical):
                raise reader.fail(
                    (*rpath, "examples", j), f"example {x!r} does not match the rule's pattern"
                )
        out.append(
            Rule(
                id=str(m.get("id") or f"{path[1]}-rule-{i + 1}"),
                pattern=pattern,
                weight=reader.number(m.get("weight", 1.0), (*rpath, "weight"), 0, 1),
                view=view,
                examples=examples,
            )
        )
    return out
