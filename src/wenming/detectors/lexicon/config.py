"""The lexicon's part of the policy: term lists, allow lists and ``near`` rules.

Keys it reads in a category: ``terms``, ``terms_file``, ``allow``, ``allow_file``,
``near`` and ``phonetic`` (whether terms also match by pinyin and homophones); at the
top: ``allow`` and ``allow_file`` (phrases that never count, in any category). A term
file has one term a line, optionally ``<TAB>weight``; ``#`` starts a comment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from wenming.core.context import DEFAULT_CUES, DEFAULT_FACTOR, CounterSpeech
from wenming.core.normalize import LEET_AT, normalize
from wenming.core.policy import Category, KeyPath, PolicyError, PolicyReader

CATEGORY_KEYS = frozenset({"terms", "terms_file", "allow", "allow_file", "near", "phonetic"})
TOP_KEYS = frozenset({"allow", "allow_file", "counter_speech"})
MIN_LATIN_KEY = 3


@dataclass(frozen=True, slots=True)
class Term:
    """A listed phrase; ``weight`` is the score one match gives its category."""

    text: str
    weight: float = 1.0
    phonetic: bool = True


@dataclass(frozen=True, slots=True)
class Near:
    """A combination rule: every listed term occurs, all within ``within`` characters."""

    id: str
    terms: tuple[str, ...]
    within: int
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class CategoryTerms:
    """One category's terms, allowed phrases and combination rules."""

    terms: tuple[Term, ...] = ()
    allow: tuple[str, ...] = ()
    near: tuple[Near, ...] = ()
    phonetic: bool = True


@dataclass(frozen=True, slots=True)
class LexiconConfig:
    """The parsed lexicon part: per category, and the policy-wide allow list."""

    categories: Mapping[str, CategoryTerms]
    allow: tuple[str, ...] = ()
    counter_speech: CounterSpeech | None = field(default_factory=CounterSpeech)

    @property
    def used(self) -> bool:
        return any(c.terms or c.near for c in self.categories.values())


def parse(reader: PolicyReader, categories: Mapping[str, Category]) -> LexiconConfig | None:
    out: dict[str, CategoryTerms] = {}
    for cid in categories:
        c = reader.category_raw(cid)
        path: KeyPath = ("categories", cid)
        phonetic = reader.flag(c.get("phonetic", True), (*path, "phonetic"))
        out[cid] = CategoryTerms(
            terms=tuple(_terms(reader, c, path, phonetic)),
            allow=tuple(reader.phrases(c, path, "allow", "allow_file")),
            near=tuple(_near(reader, c.get("near", []), (*path, "near"))),
            phonetic=phonetic,
        )
    allow = tuple(reader.phrases(reader.top, (), "allow", "allow_file"))
    speech = _counter_speech(reader, reader.top.get("counter_speech", True))
    return LexiconConfig(categories=out, allow=allow, counter_speech=speech)


def _counter_speech(reader: PolicyReader, raw: object) -> CounterSpeech | None:
    path: KeyPath = ("counter_speech",)
    if raw is True:
        return CounterSpeech()
    if raw is False:
        return None
    m = reader.mapping(raw, path)
    for key in m:
        if key not in ("cues", "factor"):
            raise reader.fail(
                (*path, key), f"unknown key {key!r} in counter_speech; expected cues, factor"
            )
    cues = tuple(
        reader.string(c, (*path, "cues", i))
        for i, c in enumerate(reader.seq(m.get("cues", list(DEFAULT_CUES)), (*path, "cues")))
    )
    factor = reader.number(m.get("factor", DEFAULT_FACTOR), (*path, "factor"), 0.0, 1.0)
    return CounterSpeech(cues, factor)


def term_too_wide(text: str) -> str | None:
    """Why a term would match far more than it says, or ``None`` when it is fine.

    Terms are decoded with the same rules as the text they are matched against (leet,
    symbols, separators), so an imported ``a$$`` is ``ass``; a term that still comes
    out with fewer than three Latin letters or digits and no other letter (``s.b`` is
    ``sb``, ``x!`` is ``x``) would fire on ordinary words and is refused, never shrunk; a
    short term written exactly as it is matched (``sb``) is kept literal.
    """
    key = normalize(text).compact
    latin = sum(1 for c in key if (c.isascii() and c.isalnum()) or c == LEET_AT)
    if any(not c.isascii() and c != LEET_AT for c in key) or latin >= MIN_LATIN_KEY:
        return None
    if key == "".join(text.split()).casefold():
        return None  # written as it is matched ("sb"): kept literal, whole words only
    return (
        f"term {text!r} normalizes to {key!r}: fewer than {MIN_LATIN_KEY} Latin letters "
        "or digits and no Chinese character, so it would match far more than written "
        "(spell it out in full, or drop it)"
    )


def of(policy_part: object | None) -> LexiconConfig:
    """The lexicon part of a policy (empty when the policy has none)."""
    return policy_part if isinstance(policy_part, LexiconConfig) else LexiconConfig({})


def _terms(reader: PolicyReader, c: Mapping[str, Any], path: KeyPath, phonetic: bool) -> list[Term]:
    out: list[Term] = []
    for i, t in enumerate(reader.seq(c.get("terms"), (*path, "terms"))):
        tpath = (*path, "terms", i)
        if isinstance(t, Mapping):
            unknown = set(t) - {"term", "weight", "phonetic"}
            if unknown:
                raise reader.fail(
                    tpath,
                    f"unknown key(s) {sorted(unknown)} in a term; expected term, weight, phonetic",
                )
            ph = reader.flag(t.get("phonetic", phonetic), (*tpath, "phonetic"))
            out.append(
                Term(
                    reader.string(t.get("term"), (*tpath, "term")),
                    reader.number(t.get("weight", 1.0), (*tpath, "weight"), 0.0, 1.0),
                    ph,
                )
            )
        else:
            out.append(Term(reader.string(t, tpath), 1.0, phonetic))
        if (why := term_too_wide(out[-1].text)) is not None:
            raise reader.fail(tpath, why)
    for line, lineno, kpath in reader.file_lines(c, path, "terms_file"):
        text, weight = line, 1.0
        if "\t" in line:
            text, _, w = line.rpartition("\t")
            try:
                weight = float(w)
            except ValueError:
                raise PolicyError(
                    reader.file_of(c, kpath), lineno, f"weight {w!r} after the tab is not a number"
                ) from None
            if not 0.0 <= weight <= 1.0:
                raise PolicyError(
                    reader.file_of(c, kpath), lineno, f"weight {weight} must be between 0 and 1"
                )
        if (why := term_too_wide(text.strip())) is not None:
            raise PolicyError(reader.file_of(c, kpath), lineno, why)
        out.append(Term(text.strip(), weight, phonetic))
    return out


def _near(reader: PolicyReader, raw: object, path: KeyPath) -> list[Near]:
    out: list[Near] = []
    for i, n in enumerate(reader.seq(raw, path)):
        npath = (*path, i)
        m = reader.mapping(n, npath)
        terms = [
            reader.string(t, (*npath, "terms", j))
            for j, t in enumerate(reader.seq(m.get("terms"), (*npath, "terms")))
        ]
        if len(terms) < 2:
            raise reader.fail((*npath, "terms"), "a near rule needs at least two terms")
        within = int(reader.number(m.get("within", 20), (*npath, "within"), 1, 10_000))
        out.append(
            Near(
                id=str(m.get("id") or f"{path[1]}-near-{i + 1}"),
                terms=tuple(terms),
                within=within,
                weight=reader.number(m.get("weight", 1.0), (*npath, "weight"), 0, 1),
            )
        )
    return out
