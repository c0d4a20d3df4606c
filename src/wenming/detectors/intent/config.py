"""The ``intents:`` category key: slot word lists and the patterns built from them.

A pattern is a sequence of slots (``[actor, act, target]``) whose words must occur in
that order within one sentence, at most ``gap`` characters apart. Slot words are
phrases (white space matches any run of white space; a Latin word matches whole words)
or, prefixed ``re:``, regular expression fragments. ``unless`` names phrases that, in
the same sentence, mark the match as reported, quoted or negated, so it gives no
signal. Everything here comes from the policy pack: the engine names no category.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from wenming.core.policy import Extension

KEY = "intents"
_PATTERN_KEYS = {
    "id",
    "sequence",
    "gap",
    "weight",
    "unless",
    "quoted",
    "across_sentences",
    "effect",
}
_SLOT_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}\??$")


@dataclass(frozen=True, slots=True)
class Slot:
    """One position of a pattern: its regex alternation and its literal words."""

    name: str
    regex: str
    literals: tuple[str, ...]  # empty when any entry is a regex fragment
    optional: bool = False


@dataclass(frozen=True, slots=True)
class IntentPattern:
    """A compiled-ready intent pattern of one category."""

    id: str
    category: str
    slots: tuple[Slot, ...]
    gap: int
    weight: float
    unless: str | None
    skip_quoted: bool
    across_sentences: bool = False
    dampen: bool = False  # context that scales the category's score down (core.decide)


def phrase_regex(entry: str) -> tuple[str, str | None]:
    """The regex of one slot entry, and the literal it stands for (``None`` for ``re:``)."""
    if entry.startswith("re:"):
        return f"(?:{entry[3:]})", None
    text = entry.strip().lower()
    body = r"\s+".join(re.escape(w) for w in text.split())
    pre = r"(?<![a-z0-9])" if text[:1].isascii() and text[:1].isalnum() else ""
    post = r"(?![a-z0-9])" if text[-1:].isascii() and text[-1:].isalnum() else ""
    return f"{pre}{body}{post}", text


def parse(ext: Extension, category: str) -> list[IntentPattern]:
    """Validate one category's ``intents:`` value; errors name the file and line."""
    raw = ext.value
    if not isinstance(raw, Mapping):
        raise ext.fail((), f"{category}.intents must be a mapping with slots and patterns")
    unknown = set(raw) - {"slots", "patterns"}
    if unknown:
        raise ext.fail(
            (sorted(unknown)[0],),
            f"unknown key {sorted(unknown)[0]!r} in intents; expected slots, patterns",
        )
    slots_raw = raw.get("slots")
    if not isinstance(slots_raw, Mapping) or not slots_raw:
        raise ext.fail(("slots",), "intents.slots must map slot names to word lists")
    slots: dict[str, Slot] = {}
    for name, words in slots_raw.items():
        if not isinstance(name, str) or not _SLOT_RE.match(name) or name.endswith("?"):
            raise ext.fail(
                ("slots", name),
                f"slot name {name!r} must be lower-case letters, digits and underscores",
            )
        slots[name] = _slot(ext, name, words)
    patterns_raw = raw.get("patterns")
    if not isinstance(patterns_raw, list) or not patterns_raw:
        raise ext.fail(("patterns",), "intents.patterns must be a non-empty list")
    return [_pattern(ext, category, i, p, slots) for i, p in enumerate(patterns_raw)]


def _slot(ext: Extension, name: str, words: object) -> Slot:
    path: tuple[str | int, ...] = ("slots", name)
    if not isinstance(words, list) or not words:
        raise ext.fail(path, f"slot {name!r} must be a non-empty list of phrases")
    parts: list[str] = []
    literals: list[str] = []
    any_regex = False
    for i, w in enumerate(words):
        if not isinstance(w, str | int) or isinstance(w, bool) or not str(w).strip():
            raise ext.fail((*path, i), f"slot {name!r} entry {i + 1} must be a non-empty phrase")
        regex, literal = phrase_regex(str(w))
        try:
            re.compile(regex)
        except re.error as exc:
            raise ext.fail(
                (*path, i), f"invalid regular expression in slot {name!r}: {exc}"
            ) from None
        parts.append(regex)
        if literal is None:
            any_regex = True
        else:
            literals.append(literal)
    # longest first, so that an alternation prefers 我要炸 to 我要
    parts.sort(key=len, reverse=True)
    return Slot(name, "(?:" + "|".join(parts) + ")", () if any_regex else tuple(literals))


def _pattern(
    ext: Extension, category: str, i: int, raw: object, slots: Mapping[str, Slot]
) -> IntentPattern:
    path: tuple[str | int, ...] = ("patterns", i)
    if not isinstance(raw, Mapping):
        raise ext.fail(path, f"intents.patterns[{i}] must be a mapping")
    unknown = set(raw) - _PATTERN_KEYS
    if unknown:
        key = sorted(unknown)[0]
        raise ext.fail(
            (*path, key),
            f"unknown key {key!r} in an intent pattern; expected one "
            f"of {', '.join(sorted(_PATTERN_KEYS))}",
        )
    pid = str(raw.get("id") or f"{category}-intent-{i + 1}")
    seq = raw.get("sequence")
    if not isinstance(seq, list) or not seq:
        raise ext.fail((*path, "sequence"), f"pattern {pid!r} needs a sequence of slot names")
    chosen: list[Slot] = []
    for j, name in enumerate(seq):
        base = str(name).removesuffix("?")
        if base not in slots:
            raise ext.fail(
                (*path, "sequence", j),
                f"pattern {pid!r} names unknown slot {base!r}; slots: {', '.join(slots)}",
            )
        s = slots[base]
        chosen.append(Slot(s.name, s.regex, s.literals, str(name).endswith("?")))
    if all(s.optional for s in chosen):
        raise ext.fail((*path, "sequence"), f"pattern {pid!r} needs a slot that is not optional")
    gap = _number(ext, raw, "gap", 10, (*path, "gap"), 0, 200)
    weight = _number(ext, raw, "weight", 1.0, (*path, "weight"), 0.0, 1.0)
    unless = raw.get("unless", [])
    if not isinstance(unless, list):
        raise ext.fail((*path, "unless"), "unless must be a list of phrases")
    unless_re: list[str] = []
    for j, u in enumerate(unless):
        if isinstance(u, str) and u.removesuffix("?") in slots and not u.startswith("re:"):
            unless_re.append(slots[u].regex)  # a slot name: any of its words
        elif isinstance(u, str) and u.strip():
            unless_re.append(phrase_regex(u)[0])
        else:
            raise ext.fail((*path, "unless", j), "unless entries must be phrases or slot names")
    quoted = raw.get("quoted", "skip")
    if quoted not in ("skip", "match"):
        raise ext.fail((*path, "quoted"), "quoted must be skip or match")
    across = raw.get("across_sentences", False)
    if not isinstance(across, bool):
        raise ext.fail((*path, "across_sentences"), "across_sentences must be true or false")
    effect = raw.get("effect", "signal")
    if effect not in ("signal", "dampen"):
        raise ext.fail((*path, "effect"), "effect must be signal or dampen")
    return IntentPattern(
        pid,
        category,
        tuple(chosen),
        int(gap),
        weight,
        "|".join(unless_re) or None,
        quoted == "skip",
        across,
        effect == "dampen",
    )


def _number(
    ext: Extension,
    raw: Mapping[str, Any],
    key: str,
    default: float,
    path: tuple[str | int, ...],
    lo: float,
    hi: float,
) -> float:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
        raise ext.fail(path, f"{key} must be a number between {lo:g} and {hi:g}, got {value!r}")
    return float(value)


def parse_all(extensions: Sequence[tuple[str, Extension]]) -> list[IntentPattern]:
    """Every category's patterns, in policy order."""
    return [p for category, ext in extensions for p in parse(ext, category)]
