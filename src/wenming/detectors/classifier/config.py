"""The classifier detector's part of the policy: the models each category names.

Keys it reads in a category: ``model`` (one name) and ``models`` (a list of names or
``{name, weight, langs}``). A model's calibrated probability of harm, times the
reference's weight, scores the category.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from wenming.core.policy import Category, KeyPath, PolicyReader

CATEGORY_KEYS = frozenset({"model", "models"})


@dataclass(frozen=True, slots=True)
class ModelRef:
    """A trained classifier whose calibrated score feeds the category's score."""

    name: str
    weight: float = 1.0
    langs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ClassifierConfig:
    """The models each category names (categories without models left out)."""

    categories: Mapping[str, tuple[ModelRef, ...]]


def parse(reader: PolicyReader, categories: Mapping[str, Category]) -> ClassifierConfig | None:
    out: dict[str, tuple[ModelRef, ...]] = {}
    for cid in categories:
        refs = _models(reader, reader.category_raw(cid), ("categories", cid))
        if refs:
            out[cid] = tuple(refs)
    return ClassifierConfig(out) if out else None


def _models(reader: PolicyReader, c: Mapping[str, Any], path: KeyPath) -> list[ModelRef]:
    raw: list[Any] = []
    if "model" in c:
        raw.append(c["model"])
    raw += list(reader.seq(c.get("models"), (*path, "models")))
    out: list[ModelRef] = []
    for i, m in enumerate(raw):
        mpath = (*path, "models", i)
        if isinstance(m, str):
            out.append(ModelRef(m))
            continue
        mm = reader.mapping(m, mpath)
        langs = mm.get("langs", [])
        out.append(
            ModelRef(
                reader.string(mm.get("name"), (*mpath, "name")),
                reader.number(mm.get("weight", 1.0), (*mpath, "weight"), 0, 1),
                tuple(str(x) for x in reader.seq(langs, (*mpath, "langs"))),
            )
        )
    return out
