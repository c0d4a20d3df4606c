"""The human side of a policy: review queues, enforcement ladders, reason templates, ratings.

A *queue* is where cases wait for a moderator; the policy lists queues in order and a
case goes to the first whose conditions (categories, sources, minimum severity) it
meets, so the last queue must be a catch-all. Each queue has an SLA: how long a case
may wait before it counts as breached.

A *ladder* is graduated enforcement for one kind of subject (account, group, site):
every upheld violation adds a *strike* whose weight depends on the category's severity
and which expires after a while; the sum of a subject's active strike weights places it
on a *step*, and each violation applies that step's sanction (warning, mute for 24h,
ban...). Categories may have their own ladder; the others share ``default``.

*Reason templates* are the stock sentences moderators pick from when they decide, so
statements of reasons are consistent. *Age ratings* come from the categories an item
was labelled with. Everything here is pure: :mod:`wenming.core.policy` validates the
YAML into these objects, and the service layer applies them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

SOURCES = ("public", "flagger", "automated", "appeal")
SUBJECT_KINDS = ("account", "group", "site")
LADDER_ACTIONS: Mapping[str, tuple[str, ...]] = {
    "account": ("warning", "strike", "mute", "suspend", "ban"),
    "group": ("warning", "restrict", "dissolve"),
    "site": ("notice", "rectify", "restrict", "close"),
}
#: Verdicts a person may decide a case with (``review`` would only send it back).
HUMAN_VERDICTS = ("allow", "label", "limit", "block")
AGE_RATINGS = ("all", "12+", "16+", "18+")
_MIN_AGE = {"all": 0, "12+": 12, "16+": 16, "18+": 18}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([mhdw])\s*$")
_UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_ID = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


@dataclass(frozen=True, slots=True)
class Queue:
    """A review queue: which cases it takes and how long they may wait (``sla_seconds``)."""

    id: str
    title: Mapping[str, str]
    sla_seconds: int
    categories: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    min_severity: int = 1

    @property
    def catch_all(self) -> bool:
        return not self.categories and not self.sources and self.min_severity <= 1

    def takes(self, *, category: str | None, severity: int, source: str) -> bool:
        if self.categories and category not in self.categories:
            return False
        if self.sources and source not in self.sources:
            return False
        return severity >= self.min_severity


@dataclass(frozen=True, slots=True)
class Step:
    """A rung of a ladder: reached when active strike weight is at least ``at``.

    ``duration_seconds`` is how long the sanction lasts (for ``rectify``, the deadline
    to put things right); ``None`` means it does not expire by itself."""

    at: float
    action: str
    duration_seconds: int | None = None


@dataclass(frozen=True, slots=True)
class Ladder:
    """Graduated enforcement for one kind of subject, for one category or ``default``."""

    id: str
    kind: str
    steps: tuple[Step, ...]
    strike_weights: Mapping[int, float]
    strike_expiry_seconds: int | None
    counts: tuple[str, ...] = ("block",)
    window_seconds: int = 30 * 86400

    def weight_for(self, severity: int) -> float:
        return self.strike_weights.get(severity, 1.0)

    def step_for(self, total: float) -> Step | None:
        """The highest step ``total`` active strike weight reaches, if any."""
        reached = None
        for step in self.steps:
            if total + 1e-9 >= step.at:
                reached = step
        return reached


@dataclass(frozen=True, slots=True)
class ReasonTemplate:
    """A stock sentence for statements of reasons; ``{category}`` becomes its title."""

    id: str
    text: Mapping[str, str]
    verdicts: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()

    def fits(self, verdict: str | None, category: str | None) -> bool:
        if verdict is not None and self.verdicts and verdict not in self.verdicts:
            return False
        return not (category is not None and self.categories and category not in self.categories)

    def render(self, category_title: str, lang: str = "en") -> str:
        text = self.text.get(lang) or next(iter(self.text.values()), "")
        return text.replace("{category}", category_title)


def route(queues: Sequence[Queue], *, category: str | None, severity: int, source: str) -> Queue:
    """The first queue that takes a case (the validated list ends with a catch-all)."""
    for q in queues:
        if q.takes(category=category, severity=severity, source=source):
            return q
    return queues[-1]


def ladder_for(
    ladders: Mapping[str, Mapping[str, Ladder]], kind: str, category: str | None
) -> Ladder | None:
    """The ladder a violation in ``category`` climbs for a subject of ``kind``."""
    of_kind = ladders.get(kind, {})
    if category is not None and category in of_kind:
        return of_kind[category]
    return of_kind.get("default")


def min_age(rating: str) -> int:
    return _MIN_AGE.get(rating, 18)


def strictest(ratings: Iterable[str]) -> str:
    """The most restrictive of ``ratings`` (``all`` for none)."""
    best = "all"
    for r in ratings:
        if min_age(r) > min_age(best):
            best = r
    return best


def rating_allows(rating: str, age: int | None) -> bool:
    """Whether a viewer of ``age`` may see content rated ``rating`` (``None``: youngest)."""
    return min_age(rating) <= (age if age is not None else 0)


def seconds(value: str) -> int:
    """``"90m"``, ``"24h"``, ``"7d"``, ``"2w"`` → seconds; ``ValueError`` otherwise."""
    m = _DURATION.match(value)
    if not m:
        raise ValueError(value)
    return int(float(m.group(1)) * _UNIT_SECONDS[m.group(2)])


def describe_seconds(value: int | None) -> str:
    if value is None:
        return "permanent"
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if value % size == 0:
            return f"{value // size}{unit}"
    return f"{value}s"


# -- the defaults a policy gets for what it does not say --------------------------------


def _en_zh(en: str, zh: str) -> Mapping[str, str]:
    return {"en": en, "zh": zh}


DEFAULT_QUEUES: tuple[Queue, ...] = (
    Queue("appeals", _en_zh("Appeals", "申诉复核"), 48 * 3600, sources=("appeal",)),
    Queue("urgent", _en_zh("Urgent (severity 5)", "紧急"), 4 * 3600, min_severity=5),
    Queue(
        "trusted_flaggers",
        _en_zh("Trusted flaggers", "可信举报人"),
        12 * 3600,
        sources=("flagger",),
    ),
    Queue("default", _en_zh("Everything else", "常规"), 24 * 3600),
)

_SEVERITY_WEIGHTS: Mapping[int, float] = {1: 1.0, 2: 1.0, 3: 1.0, 4: 2.0, 5: 3.0}

DEFAULT_LADDERS: Mapping[str, Mapping[str, Ladder]] = {
    "account": {
        "default": Ladder(
            "default",
            "account",
            (
                Step(1, "warning"),
                Step(2, "strike"),
                Step(3, "mute", 86400),
                Step(4, "suspend", 7 * 86400),
                Step(6, "ban"),
            ),
            _SEVERITY_WEIGHTS,
            90 * 86400,
        )
    },
    "group": {
        "default": Ladder(
            "default",
            "group",
            (Step(1, "warning"), Step(3, "restrict", 7 * 86400), Step(6, "dissolve")),
            _SEVERITY_WEIGHTS,
            180 * 86400,
        )
    },
    "site": {
        "default": Ladder(
            "default",
            "site",
            (
                Step(1, "notice"),
                Step(3, "rectify", 7 * 86400),
                Step(5, "restrict", 30 * 86400),
                Step(8, "close"),
            ),
            _SEVERITY_WEIGHTS,
            365 * 86400,
            window_seconds=30 * 86400,
        )
    },
}

DEFAULT_TEMPLATES: Mapping[str, ReasonTemplate] = {
    t.id: t
    for t in (
        ReasonTemplate(
            "removed",
            _en_zh(
                "The content was removed because it violates the rules on {category}.",
                "该内容违反了关于“{category}”的规定，已被删除。",
            ),
            ("block",),
        ),
        ReasonTemplate(
            "limited",
            _en_zh(
                "The content's reach was limited and it is hidden from minors ({category}).",
                "该内容涉及“{category}”，已限制传播并对未成年人隐藏。",
            ),
            ("limit",),
        ),
        ReasonTemplate(
            "labelled",
            _en_zh(
                "The content stays up with a label: {category}.", "该内容已加注标签：{category}。"
            ),
            ("label",),
        ),
        ReasonTemplate(
            "no_violation",
            _en_zh("No violation was found; no action was taken.", "经审核未发现违规，不予处理。"),
            ("allow",),
        ),
    )
}


# -- validation (called by wenming.core.policy with its validator) ----------------------

KeyPath = tuple[str | int, ...]


class Checks(Protocol):
    """What these parsers need of the policy validator: typed reads that fail with lines."""

    def fail(self, path: KeyPath, message: str) -> Exception: ...

    def mapping(self, value: object, path: KeyPath) -> Mapping[str, Any]: ...

    def number(self, value: object, path: KeyPath, lo: float, hi: float) -> float: ...

    def string(self, value: object, path: KeyPath) -> str: ...

    def seq(self, raw: object, path: KeyPath) -> Sequence[Any]: ...

    def texts(
        self, raw: object, path: KeyPath, *, allow_empty: bool = False
    ) -> Mapping[str, str]: ...


def _keys(v: Checks, m: Mapping[str, Any], path: KeyPath, allowed: set[str], what: str) -> None:
    for key in m:
        if key not in allowed:
            raise v.fail(
                (*path, key),
                f"unknown key {key!r} in {what}; expected one of {', '.join(sorted(allowed))}",
            )


def _duration(v: Checks, value: object, path: KeyPath) -> int:
    text = v.string(value, path)
    try:
        out = seconds(text)
    except ValueError:
        raise v.fail(
            path,
            f"{'.'.join(map(str, path))} must be a duration such as 90m, "
            f"24h, 7d or 2w, got {text!r}",
        ) from None
    if out <= 0:
        raise v.fail(path, f"{'.'.join(map(str, path))} must be longer than zero")
    return out


def _names(
    v: Checks, raw: object, path: KeyPath, allowed: Iterable[str], what: str
) -> tuple[str, ...]:
    known = set(allowed)
    out = []
    for i, x in enumerate(v.seq(raw, path)):
        name = v.string(x, (*path, i))
        if name not in known:
            raise v.fail((*path, i), f"{'.'.join(map(str, path))} names unknown {what} {name!r}")
        out.append(name)
    return tuple(out)


def parse_queues(v: Checks, raw: object, categories: Iterable[str]) -> tuple[Queue, ...]:
    """``queues:`` → queues in order; absent → :data:`DEFAULT_QUEUES`."""
    if raw is None:
        return DEFAULT_QUEUES
    path: KeyPath = ("queues",)
    m = v.mapping(raw, path)
    if not m:
        raise v.fail(path, "queues needs at least one queue")
    cats = set(categories)
    out = []
    for qid, qraw in m.items():
        qpath = (*path, qid)
        if not isinstance(qid, str) or not _ID.match(qid):
            raise v.fail(
                qpath,
                f"queue id {qid!r} must be lower-case letters, digits and "
                "underscores, starting with a letter",
            )
        q = v.mapping(qraw, qpath)
        _keys(
            v, q, qpath, {"title", "sla", "categories", "sources", "min_severity"}, f"queue {qid!r}"
        )
        if "sla" not in q:
            raise v.fail(qpath, f"queue {qid!r} needs an sla (e.g. sla: 24h)")
        out.append(
            Queue(
                id=qid,
                title=v.texts(q.get("title", qid), (*qpath, "title")),
                sla_seconds=_duration(v, q["sla"], (*qpath, "sla")),
                categories=_names(v, q.get("categories"), (*qpath, "categories"), cats, "category"),
                sources=_names(v, q.get("sources"), (*qpath, "sources"), SOURCES, "source"),
                min_severity=int(
                    v.number(q.get("min_severity", 1), (*qpath, "min_severity"), 1, 5)
                ),
            )
        )
    if not out[-1].catch_all:
        raise v.fail(
            (*path, out[-1].id),
            f"the last queue ({out[-1].id!r}) must take every "
            "case: give it no categories, sources or min_severity",
        )
    return tuple(out)


def parse_ladders(
    v: Checks, raw: object, categories: Iterable[str]
) -> Mapping[str, Mapping[str, Ladder]]:
    """``ladders:`` → per kind, per ladder id; kinds not given keep their defaults."""
    if raw is None:
        return DEFAULT_LADDERS
    path: KeyPath = ("ladders",)
    m = v.mapping(raw, path)
    _keys(v, m, path, set(SUBJECT_KINDS), "ladders")
    cats = set(categories)
    out: dict[str, Mapping[str, Ladder]] = dict(DEFAULT_LADDERS)
    for kind, kraw in m.items():
        kpath = (*path, kind)
        ladders: dict[str, Ladder] = {}
        for lid, lraw in v.mapping(kraw, kpath).items():
            if lid != "default" and lid not in cats:
                raise v.fail(
                    (*kpath, lid),
                    f"ladder {kind}.{lid}: a ladder is 'default' or "
                    "named after a category of this policy",
                )
            ladders[lid] = _ladder(v, lraw, (*kpath, lid), kind, lid)
        if "default" not in ladders:
            ladders["default"] = DEFAULT_LADDERS[kind]["default"]
        out[kind] = ladders
    return out


def _ladder(v: Checks, raw: object, path: KeyPath, kind: str, lid: str) -> Ladder:
    m = v.mapping(raw, path)
    _keys(
        v,
        m,
        path,
        {"steps", "strike_weights", "strike_expiry", "counts", "window"},
        f"ladder {kind}.{lid}",
    )
    base = DEFAULT_LADDERS[kind]["default"]
    steps = []
    last = 0.0
    for i, sraw in enumerate(v.seq(m.get("steps"), (*path, "steps"))):
        spath = (*path, "steps", i)
        s = v.mapping(sraw, spath)
        _keys(v, s, spath, {"at", "action", "duration"}, "a ladder step")
        at = v.number(s.get("at"), (*spath, "at"), 0.0, 1e6)
        if at <= last and i:
            raise v.fail(
                (*spath, "at"),
                f"ladder {kind}.{lid}: step 'at' values must increase ({at:g} after {last:g})",
            )
        action = v.string(s.get("action"), (*spath, "action"))
        if action not in LADDER_ACTIONS[kind]:
            raise v.fail(
                (*spath, "action"),
                f"the action of a step on the {kind} ladder must be one of "
                f"{', '.join(LADDER_ACTIONS[kind])}, got {action!r}",
            )
        duration = _duration(v, s["duration"], (*spath, "duration")) if "duration" in s else None
        steps.append(Step(at, action, duration))
        last = at
    weights = dict(base.strike_weights)
    if "strike_weights" in m:
        wpath = (*path, "strike_weights")
        for sev, w in v.mapping(m["strike_weights"], wpath).items():
            level = int(v.number(sev, (*wpath, sev), 1, 5))
            weights[level] = v.number(w, (*wpath, sev), 0.0, 1000.0)
    expiry = base.strike_expiry_seconds
    if "strike_expiry" in m:
        given = m["strike_expiry"]
        expiry = None if given in (None, "never") else _duration(v, given, (*path, "strike_expiry"))
    counts = base.counts
    if "counts" in m:
        counts = _names(v, m["counts"], (*path, "counts"), ("label", "limit", "block"), "verdict")
    window = _duration(v, m["window"], (*path, "window")) if "window" in m else base.window_seconds
    return Ladder(lid, kind, tuple(steps), weights, expiry, counts, window)


def parse_templates(
    v: Checks, raw: object, categories: Iterable[str]
) -> Mapping[str, ReasonTemplate]:
    """``reason_templates:`` → templates by id; absent → :data:`DEFAULT_TEMPLATES`."""
    if raw is None:
        return DEFAULT_TEMPLATES
    path: KeyPath = ("reason_templates",)
    cats = set(categories)
    out: dict[str, ReasonTemplate] = {}
    for tid, traw in v.mapping(raw, path).items():
        tpath = (*path, tid)
        if not isinstance(tid, str) or not _ID.match(tid):
            raise v.fail(
                tpath,
                f"template id {tid!r} must be lower-case letters, digits and "
                "underscores, starting with a letter",
            )
        t = v.mapping(traw, tpath)
        _keys(v, t, tpath, {"text", "verdicts", "categories"}, f"reason template {tid!r}")
        if "text" not in t:
            raise v.fail(tpath, f"reason template {tid!r} needs a text")
        out[tid] = ReasonTemplate(
            id=tid,
            text=v.texts(t["text"], (*tpath, "text")),
            verdicts=_names(v, t.get("verdicts"), (*tpath, "verdicts"), HUMAN_VERDICTS, "verdict"),
            categories=_names(v, t.get("categories"), (*tpath, "categories"), cats, "category"),
        )
    return out
