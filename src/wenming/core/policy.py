"""The policy model: categories, their terms, rules, domains and thresholds.

A policy is data (DESIGN.md, "Policy is data"): the engine knows no category by name.
This module holds the validated, immutable form and the validation itself, which works
on plain decoded data plus a line lookup so that every error can name the file and
line it comes from. Reading YAML and term files is the loader's job
(:mod:`wenming.policies.loader`); start there if you want to load a policy from disk.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from wenming.core import governance
from wenming.core.governance import AGE_RATINGS as AGE_RATINGS
from wenming.core.governance import Ladder, Queue, ReasonTemplate
from wenming.core.model import ACTIONS, Verdict


class PolicyError(ValueError):
    """A policy that cannot be used; the message names the file, the line and the fault."""

    def __init__(self, source: str, line: int | None, message: str) -> None:
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {message}")
        self.source = source
        self.line = line
        self.reason = message


@dataclass(frozen=True, slots=True)
class Category:
    """One harm the policy names and what happens at which score.

    What *finds* the harm (terms, rules, domains, models…) is not here: each detector
    plugin reads its own keys of the category and keeps its parsed part in
    :attr:`Policy.parts`.
    """

    id: str
    title: Mapping[str, str]
    description: Mapping[str, str]
    severity: int
    age_rating: str
    thresholds: Mapping[Verdict, float]

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
class Policy:
    """A validated policy; ``version`` is a content hash every decision records.

    The hash covers the parsed policy and the name and version of every detector
    plugin that read it, so a new detector version gives decisions a new version too.
    """

    def part(self, name: str) -> object | None:
        """The parsed part of detector ``name``, or ``None`` when the policy does not use it."""
        return self.parts.get(name)

    name: str
    categories: Mapping[str, Category]
    source: str = "<policy>"
    version: str = field(default="")
    #: Each detector plugin's parsed part of the policy, by detector name (only the
    #: detectors whose keys the policy uses), and the version of every plugin that read it.
    parts: Mapping[str, object] = field(default_factory=dict)
    part_versions: Mapping[str, str] = field(default_factory=dict)
    # The human side (wenming.core.governance): review queues in routing order, ladders
    # by subject kind then ladder id ("default" or a category), reason templates by id.
    queues: tuple[Queue, ...] = governance.DEFAULT_QUEUES
    ladders: Mapping[str, Mapping[str, Ladder]] = field(
        default_factory=lambda: governance.DEFAULT_LADDERS
    )
    reason_templates: Mapping[str, ReasonTemplate] = field(
        default_factory=lambda: governance.DEFAULT_TEMPLATES
    )


@dataclass(frozen=True, slots=True)
class Extension:
    """One category's value of a key a detector plugin reads, with the line of every part.

    :meth:`PolicyReader.extension` builds it, so a plugin can validate a nested value
    (``intents:``, ``pii:``, ...) in its own module and still name the file and line of
    a fault with :meth:`fail`.
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
class ExtensionPart:
    """A plugin part parsed from per-category :class:`Extension` values: ``raw`` (by
    category, what the policy version hashes) and ``parsed`` (what the detector uses)."""

    raw: Mapping[str, Any]
    parsed: tuple[Any, ...]


LineOf = Callable[[tuple[str | int, ...]], int | None]
TermsReader = Callable[[str, tuple[str | int, ...]], list[tuple[str, int]]]
KeyPath = tuple[str | int, ...]

_ID_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
# The keys the core itself reads; every other key belongs to a detector plugin.
CORE_CATEGORY_KEYS = frozenset(
    {
        "title",
        "description",
        "severity",
        "age_rating",
        "label_at",
        "limit_at",
        "review_at",
        "block_at",
    }
)
CORE_TOP_KEYS = frozenset(
    {
        "name",
        "description",
        "version",
        "categories",
        "languages",
        "queues",
        "ladders",
        "reason_templates",
    }
)


class PolicyPart(Protocol):
    """The part of a policy one detector plugin owns: which keys it reads and how.

    ``parse`` reads the plugin's keys through a :class:`PolicyReader` (whose errors name
    the file and line) once the core has validated the categories, and returns the
    plugin's parsed configuration — or ``None`` when the policy does not use the plugin.
    Keys no plugin claims stay errors.
    """

    @property
    def name(self) -> str: ...

    @property
    def version(self) -> str: ...

    @property
    def category_keys(self) -> frozenset[str]: ...

    @property
    def top_keys(self) -> frozenset[str]: ...

    @property
    def parse(self) -> Callable[[PolicyReader, Mapping[str, Category]], object | None]:
        """Reads this plugin's keys; returns its parsed part, or ``None`` if unused."""
        ...


def build_policy(
    raw: object,
    *,
    source: str,
    line_of: LineOf,
    read_lines: TermsReader,
    parts: Sequence[PolicyPart] = (),
) -> Policy:
    """Validate decoded policy data and build a :class:`Policy`.

    ``line_of(path)`` gives the line of a key path in the source file;
    ``read_lines(relpath, key_path)`` returns ``(line text, line number)`` pairs of a
    referenced list file (the loader does the I/O, so this stays pure); ``parts`` are
    the detector plugins that read their own keys.
    """
    return PolicyReader(source, line_of, read_lines).policy(raw, parts)


class PolicyReader:
    """Typed reads of decoded policy data whose errors name the file and line.

    Detector plugins receive one in :meth:`PolicyPart.parse`: :attr:`top` is the
    top-level mapping and :meth:`category_raw` a category's raw mapping.
    """

    def __init__(self, source: str, line_of: LineOf, read_lines: TermsReader) -> None:
        self.source = source
        self.line_of = line_of
        self.read_lines = read_lines
        self.top: Mapping[str, Any] = {}
        self._categories: Mapping[str, Mapping[str, Any]] = {}

    def category_raw(self, cid: str) -> Mapping[str, Any]:
        return self._categories[cid]

    def fail(self, path: KeyPath, message: str) -> PolicyError:
        return PolicyError(self.source, self.line_of(path), message)

    def mapping(self, value: object, path: KeyPath) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(path, f"{_dotted(path)} must be a mapping, got {_kind(value)}")
        return value

    def number(self, value: object, path: KeyPath, lo: float, hi: float) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(path, f"{_dotted(path)} must be a number, got {_kind(value)}")
        if not lo <= float(value) <= hi:
            raise self.fail(path, f"{_dotted(path)} must be between {lo} and {hi}, got {value}")
        return float(value)

    def string(self, value: object, path: KeyPath) -> str:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.fail(path, f"{_dotted(path)} must be a string, got {_kind(value)}")
        text = str(value).strip()
        if not text:
            raise self.fail(path, f"{_dotted(path)} must not be empty")
        return text

    def flag(self, value: object, path: KeyPath) -> bool:
        if not isinstance(value, bool):
            raise self.fail(path, f"{path[-1]} must be true or false")
        return value

    def policy(self, raw: object, parts: Sequence[PolicyPart]) -> Policy:
        top = self.mapping(raw, ())
        self.top = top
        top_keys = set(CORE_TOP_KEYS).union(*(p.top_keys for p in parts))
        for key in top:
            if key not in top_keys:
                raise self.fail(
                    (key,),
                    f"unknown top-level key {key!r}; expected one of {', '.join(sorted(top_keys))}",
                )
        cats_raw = self.mapping(top.get("categories"), ("categories",))
        if not cats_raw:
            raise self.fail(("categories",), "a policy needs at least one category")
        category_keys = set(CORE_CATEGORY_KEYS).union(*(p.category_keys for p in parts))
        categories = {}
        raws: dict[str, Mapping[str, Any]] = {}
        for cid, craw in cats_raw.items():
            path: KeyPath = ("categories", cid)
            if not isinstance(cid, str) or not _ID_RE.match(cid):
                raise self.fail(
                    path,
                    f"category id {cid!r} must be lower-case letters, "
                    "digits and underscores, starting with a letter",
                )
            raws[cid] = self.mapping(craw, path)
            categories[cid] = self.category(cid, raws[cid], path, category_keys)
        self._categories = raws
        parsed: dict[str, object] = {}
        for part in parts:
            config = part.parse(self, categories)
            if config is not None:
                parsed[part.name] = config
        name = str(top.get("name") or "policy")
        policy = Policy(
            name=name,
            categories=categories,
            source=self.source,
            parts=parsed,
            part_versions={p.name: p.version for p in parts},
            queues=governance.parse_queues(self, top.get("queues"), categories),
            ladders=governance.parse_ladders(self, top.get("ladders"), categories),
            reason_templates=governance.parse_templates(
                self, top.get("reason_templates"), categories
            ),
        )
        return _with_version(policy)

    def category(
        self, cid: str, c: Mapping[str, Any], path: KeyPath, allowed: set[str]
    ) -> Category:
        for key in c:
            if key not in allowed:
                expected = ", ".join(sorted(allowed))
                raise self.fail(
                    (*path, key),
                    f"unknown key {key!r} in category {cid!r}; expected one of {expected}",
                )
        thresholds: dict[Verdict, float] = {}
        for action in ACTIONS:
            key = f"{action.value}_at"
            if key in c:
                thresholds[action] = self.number(c[key], (*path, key), 0.0, 1.0)
        if not thresholds:
            raise self.fail(
                path,
                f"category {cid!r} has no threshold; give at least one of "
                "label_at, limit_at, review_at, block_at",
            )
        severity = int(self.number(c.get("severity", 3), (*path, "severity"), 1, 5))
        rating = str(c.get("age_rating", "all"))
        if rating not in AGE_RATINGS:
            raise self.fail(
                (*path, "age_rating"),
                f"age_rating must be one of {', '.join(AGE_RATINGS)}, got {rating!r}",
            )
        return Category(
            id=cid,
            title=self.texts(c.get("title", cid), (*path, "title")),
            description=self.texts(
                c.get("description", ""), (*path, "description"), allow_empty=True
            ),
            severity=severity,
            age_rating=rating,
            thresholds=thresholds,
        )

    def texts(self, raw: object, path: KeyPath, *, allow_empty: bool = False) -> Mapping[str, str]:
        if isinstance(raw, str):
            return {"en": raw, "zh": raw}
        m = self.mapping(raw, path)
        out = {str(k): str(v) for k, v in m.items()}
        if not allow_empty and not out:
            raise self.fail(path, f"{_dotted(path)} needs at least one language")
        return out

    def seq(self, raw: object, path: KeyPath) -> Sequence[Any]:
        if raw is None:
            return []
        if isinstance(raw, str) or not isinstance(raw, Sequence):
            raise self.fail(path, f"{_dotted(path)} must be a list, got {_kind(raw)}")
        return raw

    def file_lines(
        self, c: Mapping[str, Any], path: KeyPath, key: str
    ) -> list[tuple[str, int | None, KeyPath]]:
        """Non-comment lines of the list files named by ``c[key]`` (one name or a list)."""
        out: list[tuple[str, int | None, KeyPath]] = []
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

    def phrases(self, c: Mapping[str, Any], path: KeyPath, key: str, file_key: str) -> list[str]:
        """The strings listed under ``key`` plus the lines of the files under ``file_key``."""
        out = [
            self.string(t, (*path, key, i))
            for i, t in enumerate(self.seq(c.get(key), (*path, key)))
        ]
        out += [line for line, _, _ in self.file_lines(c, path, file_key)]
        return out

    def extension(self, cid: str, key: str) -> Extension:
        """Category ``cid``'s value of ``key``, with the line of every nested part."""
        path: KeyPath = ("categories", cid, key)
        value = self.category_raw(cid)[key]
        lines: dict[KeyPath, int] = {}

        def walk(v: object, sub: KeyPath) -> None:
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

    def file_of(self, c: Mapping[str, Any], kpath: KeyPath) -> str:
        """The list file named at ``kpath`` (for errors that point into that file)."""
        value: Any = c
        for key in kpath[2:]:
            value = value[key]
        return str(value)


def _with_version(policy: Policy) -> Policy:
    canon = json.dumps(_canonical(policy), sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(canon.encode()).hexdigest()[:16]
    return replace(policy, version=f"{policy.name}@{digest}")


def _canonical(obj: object) -> object:
    if isinstance(obj, Policy):
        return {
            "name": obj.name,
            "categories": {k: _canonical(v) for k, v in obj.categories.items()},
            "parts": {k: _canonical(v) for k, v in sorted(obj.parts.items())},
            "detectors": dict(sorted(obj.part_versions.items())),
            "queues": _canonical(obj.queues),
            "ladders": _canonical(obj.ladders),
            "reason_templates": _canonical(obj.reason_templates),
        }
    if isinstance(obj, Category):
        return {f: _canonical(getattr(obj, f)) for f in obj.__slots__}
    if isinstance(obj, Extension | ExtensionPart):
        return _canonical(obj.value if isinstance(obj, Extension) else obj.raw)
    if isinstance(obj, Mapping):
        return {str(k): _canonical(v) for k, v in obj.items()}
    if isinstance(obj, frozenset):
        return sorted(str(_canonical(x)) for x in obj)
    if isinstance(obj, tuple | list):
        return [_canonical(x) for x in obj]
    if hasattr(obj, "__slots__"):
        return {f: _canonical(getattr(obj, f)) for f in obj.__slots__}
    return obj


def _dotted(path: tuple[str | int, ...]) -> str:
    return ".".join(str(p) for p in path) or "the policy"


def _kind(value: object) -> str:
    return "nothing" if value is None else type(value).__name__
