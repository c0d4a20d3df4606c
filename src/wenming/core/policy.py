"""The policy model: categories, their terms, rules, domains and thresholds.

A policy is data (DESIGN.md, "Policy is data"): the engine knows no category by name.
This module holds the validated, immutable form and the validation itself, which works
on plain decoded data plus a line lookup so that every error can name the file and
line it comes from. Reading YAML and term files is the loader's job
(:mod:`wenming.policyfile`); start there if you want to load a policy from disk.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from wenming.core import governance
from wenming.core.governance import AGE_RATINGS as AGE_RATINGS
from wenming.core.governance import Ladder, Queue, ReasonTemplate
from wenming.core.model import ACTIONS, Verdict

VIEWS = ("canonical", "original")


class PolicyError(ValueError):
    """A policy that cannot be used; the message names the file, the line and the fault."""

    def __init__(self, source: str, line: int | None, message: str) -> None:
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {message}")
        self.source = source
        self.line = line
        self.reason = message


@dataclass(frozen=True, slots=True)
class Term:
    """A listed phrase; ``weight`` is the score one match gives its category."""

    text: str
    weight: float = 1.0
    phonetic: bool = True


@dataclass(frozen=True, slots=True)
class Rule:
    """A regular expression that signals its category wherever it matches."""

    id: str
    pattern: str
    weight: float = 1.0
    view: str = "canonical"


@dataclass(frozen=True, slots=True)
class Near:
    """A combination rule: every listed term occurs, all within ``within`` characters."""

    id: str
    terms: tuple[str, ...]
    within: int
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class DomainEntry:
    """A listed registrable domain or host; subdomains match too."""

    domain: str
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class ModelRef:
    """A trained classifier whose calibrated score feeds the category's score."""

    name: str
    weight: float = 1.0
    langs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Extension:
    """A category key that no core part reads, kept for the detector that claims it.

    Detectors that own a part of the policy (``intents:``, ``pii:``, ...) declare their
    keys when they register; the core keeps the decoded value and the line of every
    part of it, so the detector can validate it and name the file and line of a fault.
    """

    key: str
    value: Any
    source: str
    lines: Mapping[tuple[str | int, ...], int]

    def fail(self, path: tuple[str | int, ...], message: str) -> PolicyError:
        """An error at ``path`` inside this key's value (its nearest known line)."""
        while path and path not in self.lines:
            path = path[:-1]
        return PolicyError(self.source, self.lines.get(path), message)


@dataclass(frozen=True, slots=True)
class Category:
    """One harm the policy names, what finds it and what happens at which score."""

    id: str
    title: Mapping[str, str]
    description: Mapping[str, str]
    severity: int
    age_rating: str
    terms: tuple[Term, ...]
    allow: tuple[str, ...]
    rules: tuple[Rule, ...]
    domains: tuple[DomainEntry, ...]
    near: tuple[Near, ...]
    models: tuple[ModelRef, ...]
    thresholds: Mapping[Verdict, float]
    phonetic: bool = True
    extensions: Mapping[str, Extension] = field(default_factory=dict)

    def action_for(self, score: float) -> Verdict:
        """The strongest action whose threshold ``score`` reaches (``allow`` if none)."""
        best = Verdict.ALLOW
        for action, at in self.thresholds.items():
            if score >= at and action.rank > best.rank:
                best = action
        return best

    @property
    def lowest_threshold(self) -> float:
        return min(self.thresholds.values()) if self.thresholds else float("inf")


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


@dataclass(frozen=True, slots=True)
class Policy:
    """A validated policy; ``version`` is a content hash every decision records."""

    name: str
    categories: Mapping[str, Category]
    allow: tuple[str, ...] = ()
    shortener_category: str | None = None
    shortener_weight: float = 0.0
    source: str = "<policy>"
    version: str = field(default="")
    factchecks: FactCheckPolicy | None = None
    # The human side (wenming.core.governance): review queues in routing order, ladders
    # by subject kind then ladder id ("default" or a category), reason templates by id.
    queues: tuple[Queue, ...] = governance.DEFAULT_QUEUES
    ladders: Mapping[str, Mapping[str, Ladder]] = field(
        default_factory=lambda: governance.DEFAULT_LADDERS
    )
    reason_templates: Mapping[str, ReasonTemplate] = field(
        default_factory=lambda: governance.DEFAULT_TEMPLATES
    )


LineOf = Callable[[tuple[str | int, ...]], int | None]
TermsReader = Callable[[str, tuple[str | int, ...]], list[tuple[str, int]]]

_ID_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_CATEGORY_KEYS = {
    "title", "description", "severity", "age_rating", "terms", "terms_file", "allow",
    "allow_file", "rules", "domains", "domains_file", "near", "model", "models",
    "phonetic", "label_at", "limit_at", "review_at", "block_at",
}  # fmt: skip
_TOP_KEYS = {"name", "description", "version", "categories", "allow", "allow_file",
             "url_shorteners", "languages", "queues", "ladders", "reason_templates",
             "factchecks"}  # fmt: skip
_FACTCHECK_KEYS = {"category", "suggest_at", "act_at", "registry", "verdicts"}
FACTCHECK_VERDICTS = ("false", "misleading", "partly_false", "unproven", "true")


def build_policy(
    raw: object, *, source: str, line_of: LineOf, read_lines: TermsReader,
    extension_keys: Collection[str] = (),
) -> Policy:
    """Validate decoded policy data and build a :class:`Policy`.

    ``line_of(path)`` gives the line of a key path in the source file;
    ``read_lines(relpath, key_path)`` returns ``(line text, line number)`` pairs of a
    referenced list file (the loader does the I/O, so this stays pure).
    ``extension_keys`` are category keys that detectors claim: they are kept as
    :class:`Extension` values for those detectors to validate.
    """
    v = _Validator(source, line_of, read_lines, extension_keys)
    return v.policy(raw)


class _Validator:
    def __init__(self, source: str, line_of: LineOf, read_lines: TermsReader,
                 extension_keys: Collection[str] = ()) -> None:
        self.source = source
        self.line_of = line_of
        self.read_lines = read_lines
        self.extension_keys = frozenset(extension_keys) - _CATEGORY_KEYS

    def fail(self, path: tuple[str | int, ...], message: str) -> PolicyError:
        return PolicyError(self.source, self.line_of(path), message)

    def mapping(self, value: object, path: tuple[str | int, ...]) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(path, f"{_dotted(path)} must be a mapping, got {_kind(value)}")
        return value

    def number(self, value: object, path: tuple[str | int, ...], lo: float, hi: float) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(path, f"{_dotted(path)} must be a number, got {_kind(value)}")
        if not lo <= float(value) <= hi:
            raise self.fail(path, f"{_dotted(path)} must be between {lo} and {hi}, got {value}")
        return float(value)

    def string(self, value: object, path: tuple[str | int, ...]) -> str:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.fail(path, f"{_dotted(path)} must be a string, got {_kind(value)}")
        text = str(value).strip()
        if not text:
            raise self.fail(path, f"{_dotted(path)} must not be empty")
        return text

    def policy(self, raw: object) -> Policy:
        top = self.mapping(raw, ())
        for key in top:
            if key not in _TOP_KEYS:
                raise self.fail((key,), f"unknown top-level key {key!r}; expected one of "
                                        f"{', '.join(sorted(_TOP_KEYS))}")
        cats_raw = self.mapping(top.get("categories"), ("categories",))
        if not cats_raw:
            raise self.fail(("categories",), "a policy needs at least one category")
        categories = {}
        for cid, craw in cats_raw.items():
            path: tuple[str | int, ...] = ("categories", cid)
            if not isinstance(cid, str) or not _ID_RE.match(cid):
                raise self.fail(path, f"category id {cid!r} must be lower-case letters, "
                                      "digits and underscores, starting with a letter")
            categories[cid] = self.category(cid, craw, path)
        allow = tuple(self.phrases(top, (), "allow", "allow_file"))
        short_cat, short_weight = None, 0.0
        if "url_shorteners" in top:
            sraw = self.mapping(top["url_shorteners"], ("url_shorteners",))
            short_cat = self.string(sraw.get("category"), ("url_shorteners", "category"))
            if short_cat not in categories:
                raise self.fail(("url_shorteners", "category"),
                                f"url_shorteners.category names unknown category {short_cat!r}")
            short_weight = self.number(sraw.get("weight", 0.3), ("url_shorteners", "weight"),
                                       0.0, 1.0)
        name = str(top.get("name") or "policy")
        policy = Policy(name=name, categories=categories, allow=allow,
                        shortener_category=short_cat, shortener_weight=short_weight,
                        source=self.source,
                        queues=governance.parse_queues(self, top.get("queues"), categories),
                        ladders=governance.parse_ladders(self, top.get("ladders"), categories),
                        reason_templates=governance.parse_templates(
                            self, top.get("reason_templates"), categories),
                        factchecks=self.factchecks(top["factchecks"], categories)
                        if "factchecks" in top else None)
        return _with_version(policy)

    def factchecks(self, raw: object, categories: Mapping[str, Category]) -> FactCheckPolicy:
        path: tuple[str | int, ...] = ("factchecks",)
        m = self.mapping(raw, path)
        for key in m:
            if key not in _FACTCHECK_KEYS:
                raise self.fail((*path, key), f"unknown key {key!r} in factchecks; expected "
                                              f"one of {', '.join(sorted(_FACTCHECK_KEYS))}")
        cid = self.string(m.get("category"), (*path, "category"))
        if cid not in categories:
            raise self.fail((*path, "category"),
                            f"factchecks.category names unknown category {cid!r}")
        lowest = categories[cid].lowest_threshold
        act = self.number(m.get("act_at", lowest), (*path, "act_at"), 0.0, 1.0)
        if act != lowest:
            raise self.fail((*path, "act_at"),
                            f"factchecks.act_at ({act:g}) must equal the lowest threshold of "
                            f"category {cid!r} ({lowest:g}): the category's thresholds act on "
                            "the match score (or leave act_at out)")
        suggest = self.number(m.get("suggest_at", min(0.80, act)), (*path, "suggest_at"),
                              0.0, 1.0)
        if suggest > act:
            raise self.fail((*path, "suggest_at"), f"factchecks.suggest_at ({suggest:g}) must "
                                                   f"not be above act_at ({act:g})")
        registry = self.string(m["registry"], (*path, "registry")) if "registry" in m else None
        # YAML reads a bare `false`/`true` as a boolean; here it can only mean the verdict.
        raw_verdicts = self.seq(m.get("verdicts", ["false", "misleading"]), (*path, "verdicts"))
        verdicts = tuple(
            str(v).lower() if isinstance(v, bool) else self.string(v, (*path, "verdicts", i))
            for i, v in enumerate(raw_verdicts))
        verdicts = tuple(v.lower() for v in verdicts)
        for i, v in enumerate(verdicts):
            if v not in FACTCHECK_VERDICTS:
                raise self.fail((*path, "verdicts", i), f"verdict {v!r} must be one of "
                                                        f"{', '.join(FACTCHECK_VERDICTS)}")
        return FactCheckPolicy(category=cid, suggest_at=suggest, act_at=act, registry=registry,
                               verdicts=verdicts)

    def category(self, cid: str, raw: object, path: tuple[str | int, ...]) -> Category:
        c = self.mapping(raw, path)
        for key in c:
            if key not in _CATEGORY_KEYS and key not in self.extension_keys:
                expected = ", ".join(sorted(_CATEGORY_KEYS | self.extension_keys))
                raise self.fail((*path, key), f"unknown key {key!r} in category {cid!r}; "
                                              f"expected one of {expected}")
        thresholds: dict[Verdict, float] = {}
        for action in ACTIONS:
            key = f"{action.value}_at"
            if key in c:
                thresholds[action] = self.number(c[key], (*path, key), 0.0, 1.0)
        if not thresholds:
            raise self.fail(path, f"category {cid!r} has no threshold; give at least one of "
                                  "label_at, limit_at, review_at, block_at")
        severity = int(self.number(c.get("severity", 3), (*path, "severity"), 1, 5))
        rating = str(c.get("age_rating", "all"))
        if rating not in AGE_RATINGS:
            raise self.fail((*path, "age_rating"),
                            f"age_rating must be one of {', '.join(AGE_RATINGS)}, got {rating!r}")
        phonetic = c.get("phonetic", True)
        if not isinstance(phonetic, bool):
            raise self.fail((*path, "phonetic"), "phonetic must be true or false")
        return Category(
            id=cid,
            title=self.texts(c.get("title", cid), (*path, "title")),
            description=self.texts(c.get("description", ""), (*path, "description"),
                                   allow_empty=True),
            severity=severity,
            age_rating=rating,
            terms=tuple(self.terms(c, path, phonetic)),
            allow=tuple(self.phrases(c, path, "allow", "allow_file")),
            rules=tuple(self.rules(c.get("rules", []), (*path, "rules"))),
            domains=tuple(self.domains(c, path)),
            near=tuple(self.near(c.get("near", []), (*path, "near"))),
            models=tuple(self.models(c, path)),
            thresholds=thresholds,
            phonetic=phonetic,
            extensions={k: self.extension(k, c[k], (*path, k))
                        for k in c if k in self.extension_keys},
        )

    def extension(self, key: str, value: object, path: tuple[str | int, ...]) -> Extension:
        lines: dict[tuple[str | int, ...], int] = {}

        def walk(v: object, sub: tuple[str | int, ...]) -> None:
            line = self.line_of((*path, *sub))
            if line is not None:
                lines[sub] = line
            if isinstance(v, Mapping):
                for k, x in v.items():
                    walk(x, (*sub, k))
            elif isinstance(v, list):
                for i, x in enumerate(v):
                    walk(x, (*sub, i))

        walk(value, ())
        return Extension(key, value, self.source, lines)

    def texts(self, raw: object, path: tuple[str | int, ...], *,
              allow_empty: bool = False) -> Mapping[str, str]:
        if isinstance(raw, str):
            return {"en": raw, "zh": raw}
        m = self.mapping(raw, path)
        out = {str(k): str(v) for k, v in m.items()}
        if not allow_empty and not out:
            raise self.fail(path, f"{_dotted(path)} needs at least one language")
        return out

    def seq(self, raw: object, path: tuple[str | int, ...]) -> Sequence[Any]:
        if raw is None:
            return []
        if isinstance(raw, str) or not isinstance(raw, Sequence):
            raise self.fail(path, f"{_dotted(path)} must be a list, got {_kind(raw)}")
        return raw

    def file_lines(self, c: Mapping[str, Any], path: tuple[str | int, ...],
                   key: str) -> list[tuple[str, int | None, tuple[str | int, ...]]]:
        out: list[tuple[str, int | None, tuple[str | int, ...]]] = []
        if key not in c:
            return out
        names = c[key]
        names = [names] if isinstance(names, str) else self.seq(names, (*path, key))
        for i, name in enumerate(names):
            kpath = (*path, key) if isinstance(c[key], str) else (*path, key, i)
            rel = self.string(name, kpath)
            for text, lineno in self.read_lines(rel, kpath):
                line = "" if text.lstrip().startswith("#") else text.split(" #", 1)[0].strip()
                if line:
                    out.append((line, lineno, kpath))
        return out

    def phrases(self, c: Mapping[str, Any], path: tuple[str | int, ...], key: str,
                file_key: str) -> list[str]:
        out = [self.string(t, (*path, key, i)) for i, t in
               enumerate(self.seq(c.get(key), (*path, key)))]
        out += [line for line, _, _ in self.file_lines(c, path, file_key)]
        return out

    def terms(self, c: Mapping[str, Any], path: tuple[str | int, ...],
              phonetic: bool) -> list[Term]:
        out: list[Term] = []
        for i, t in enumerate(self.seq(c.get("terms"), (*path, "terms"))):
            tpath = (*path, "terms", i)
            if isinstance(t, Mapping):
                unknown = set(t) - {"term", "weight", "phonetic"}
                if unknown:
                    raise self.fail(tpath, f"unknown key(s) {sorted(unknown)} in a term; "
                                           "expected term, weight, phonetic")
                ph = t.get("phonetic", phonetic)
                if not isinstance(ph, bool):
                    raise self.fail((*tpath, "phonetic"), "phonetic must be true or false")
                out.append(Term(self.string(t.get("term"), (*tpath, "term")),
                                self.number(t.get("weight", 1.0), (*tpath, "weight"), 0.0, 1.0),
                                ph))
            else:
                out.append(Term(self.string(t, tpath), 1.0, phonetic))
        for line, lineno, kpath in self.file_lines(c, path, "terms_file"):
            text, weight = line, 1.0
            if "\t" in line:
                text, _, w = line.rpartition("\t")
                try:
                    weight = float(w)
                except ValueError:
                    raise PolicyError(self._file_of(c, kpath), lineno,
                                      f"weight {w!r} after the tab is not a number") from None
                if not 0.0 <= weight <= 1.0:
                    raise PolicyError(self._file_of(c, kpath), lineno,
                                      f"weight {weight} must be between 0 and 1")
            out.append(Term(text.strip(), weight, phonetic))
        return out

    def _file_of(self, c: Mapping[str, Any], kpath: tuple[str | int, ...]) -> str:
        value = c
        for key in kpath[2:]:
            value = value[key]  # type: ignore[index]
        return str(value)

    def rules(self, raw: object, path: tuple[str | int, ...]) -> list[Rule]:
        out: list[Rule] = []
        for i, r in enumerate(self.seq(raw, path)):
            rpath = (*path, i)
            m = self.mapping(r, rpath)
            pattern = self.string(m.get("pattern"), (*rpath, "pattern"))
            try:
                re.compile(pattern)
            except re.error as exc:
                raise self.fail((*rpath, "pattern"), f"invalid regular expression: {exc}") from None
            view = str(m.get("view", "canonical"))
            if view not in VIEWS:
                raise self.fail((*rpath, "view"), f"view must be one of {', '.join(VIEWS)}")
            out.append(Rule(id=str(m.get("id") or f"{path[1]}-rule-{i + 1}"), pattern=pattern,
                            weight=self.number(m.get("weight", 1.0), (*rpath, "weight"), 0, 1),
                            view=view))
        return out

    def domains(self, c: Mapping[str, Any], path: tuple[str | int, ...]) -> list[DomainEntry]:
        out: list[DomainEntry] = []
        for i, d in enumerate(self.seq(c.get("domains"), (*path, "domains"))):
            dpath = (*path, "domains", i)
            if isinstance(d, Mapping):
                out.append(DomainEntry(self.string(d.get("domain"), (*dpath, "domain")).lower(),
                                       self.number(d.get("weight", 1.0), (*dpath, "weight"), 0, 1)))
            else:
                out.append(DomainEntry(self.string(d, dpath).lower()))
        for line, _, _ in self.file_lines(c, path, "domains_file"):
            out.append(DomainEntry(line.lower()))
        return out

    def near(self, raw: object, path: tuple[str | int, ...]) -> list[Near]:
        out: list[Near] = []
        for i, n in enumerate(self.seq(raw, path)):
            npath = (*path, i)
            m = self.mapping(n, npath)
            terms = [self.string(t, (*npath, "terms", j))
                     for j, t in enumerate(self.seq(m.get("terms"), (*npath, "terms")))]
            if len(terms) < 2:
                raise self.fail((*npath, "terms"), "a near rule needs at least two terms")
            within = int(self.number(m.get("within", 20), (*npath, "within"), 1, 10_000))
            out.append(Near(id=str(m.get("id") or f"{path[1]}-near-{i + 1}"), terms=tuple(terms),
                            within=within,
                            weight=self.number(m.get("weight", 1.0), (*npath, "weight"), 0, 1)))
        return out

    def models(self, c: Mapping[str, Any], path: tuple[str | int, ...]) -> list[ModelRef]:
        raw: list[Any] = []
        if "model" in c:
            raw.append(c["model"])
        raw += list(self.seq(c.get("models"), (*path, "models")))
        out: list[ModelRef] = []
        for i, m in enumerate(raw):
            mpath = (*path, "models", i)
            if isinstance(m, str):
                out.append(ModelRef(m))
                continue
            mm = self.mapping(m, mpath)
            langs = mm.get("langs", [])
            out.append(ModelRef(self.string(mm.get("name"), (*mpath, "name")),
                                self.number(mm.get("weight", 1.0), (*mpath, "weight"), 0, 1),
                                tuple(str(x) for x in self.seq(langs, (*mpath, "langs")))))
        return out


def _with_version(policy: Policy) -> Policy:
    canon = json.dumps(_canonical(policy), sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(canon.encode()).hexdigest()[:16]
    return replace(policy, version=f"{policy.name}@{digest}")


def _canonical(obj: object) -> object:
    if isinstance(obj, Policy):
        out = {"name": obj.name, "allow": list(obj.allow),
               "categories": {k: _canonical(v) for k, v in obj.categories.items()},
               "shorteners": [obj.shortener_category, obj.shortener_weight],
               "queues": _canonical(obj.queues), "ladders": _canonical(obj.ladders),
               "reason_templates": _canonical(obj.reason_templates)}
        if obj.factchecks is not None:  # absent key: policies without one keep their version
            out["factchecks"] = _canonical(obj.factchecks)
        return out
    if isinstance(obj, Category):
        # no extensions: the version stays what it was before extensions existed
        return {f: _canonical(getattr(obj, f)) for f in obj.__slots__
                if f != "extensions" or obj.extensions}
    if isinstance(obj, Extension):
        return _canonical(obj.value)
    if isinstance(obj, Mapping):
        return {str(k): _canonical(v) for k, v in obj.items()}
    if isinstance(obj, tuple | list):
        return [_canonical(x) for x in obj]
    if hasattr(obj, "__slots__"):
        return {f: _canonical(getattr(obj, f)) for f in obj.__slots__}
    return obj


def _dotted(path: tuple[str | int, ...]) -> str:
    return ".".join(str(p) for p in path) or "the policy"


def _kind(value: object) -> str:
    return "nothing" if value is None else type(value).__name__
