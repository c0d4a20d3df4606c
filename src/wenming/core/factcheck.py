"""The fact-check: a claim that a fact-checker rated, with the verdict and the rebuttal.

A :class:`FactCheck` is what the rumor-busting registry holds and what a matched post is
labelled with. It is shaped after schema.org's ClaimReview (the format fact-checkers
publish) reduced to what screening and the public feed need: the claim as people
state it, a verdict on a fixed five-step scale, a short rebuttal to show beside a
post, the sources, languages, publisher, dates and tags. ``version`` counts edits.
:func:`factcheck_from_mapping` validates decoded data strictly; every import format
goes through it, so a bad record is refused the same way wherever it comes from.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from typing import Any

VERDICTS = ("false", "misleading", "partly_false", "unproven", "true")
"""The verdict scale, from most to least debunked. Only the first ones are acted on."""

FIELDS = (
    "id",
    "claim",
    "verdict",
    "title",
    "rebuttal",
    "sources",
    "languages",
    "publisher",
    "published",
    "updated",
    "tags",
    "version",
)
# At most 190 characters: the audit entry's subject, "factcheck:" + id, holds 200.
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/@#-]{0,189}$")
_LANG_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


class FactCheckError(ValueError):
    """A record or file that cannot be imported; the message says where and what."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where
        self.reason = message


@dataclass(frozen=True, slots=True)
class FactCheck:
    """One fact-check. ``claim`` is the statement as it circulates; ``title`` the
    fact-checker's headline; ``rebuttal`` the short correction shown beside a post."""

    id: str
    claim: str
    verdict: str = "unproven"
    title: str = ""
    rebuttal: str = ""
    sources: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    publisher: str = ""
    published: str | None = None
    updated: str | None = None
    tags: tuple[str, ...] = ()
    version: int = 1

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (JSONL lines, API bodies): lists for the tuple fields."""
        out = asdict(self)
        for key in ("sources", "languages", "tags"):
            out[key] = list(out[key])
        return out

    def same_content(self, other: FactCheck) -> bool:
        """True when the two differ at most in ``version`` (re-imports are idempotent)."""
        return replace(self, version=0) == replace(other, version=0)

    @property
    def debunked(self) -> bool:
        return self.verdict in ("false", "misleading", "partly_false")


def factcheck_from_mapping(raw: object, where: str = "") -> FactCheck:
    """Validate decoded data (a JSONL line, an API body, a CSV row) into a :class:`FactCheck`.

    Needs ``id`` and ``claim``; ``verdict`` defaults to ``unproven`` (never acted on).
    Unknown keys are refused rather than dropped, so a misspelt field is not lost silently.
    """
    if not isinstance(raw, Mapping):
        raise FactCheckError(where, f"expected an object, got {type(raw).__name__}")
    unknown = sorted(str(k) for k in raw if k not in FIELDS)
    if unknown:
        raise FactCheckError(
            where, f"unknown field(s) {', '.join(unknown)}; expected some of {', '.join(FIELDS)}"
        )
    fid = _text(raw, "id", where, required=True)
    if not _ID_RE.match(fid):
        raise FactCheckError(
            where,
            f"id {fid!r} must be 1-190 letters, digits or ._:/@#- and start with a letter or digit",
        )
    verdict = _text(raw, "verdict", where) or "unproven"
    verdict = verdict.lower().replace(" ", "_").replace("-", "_")
    if verdict not in VERDICTS:
        raise FactCheckError(
            where, f"verdict {raw.get('verdict')!r} must be one of {', '.join(VERDICTS)}"
        )
    sources = _list(raw, "sources", where)
    for s in sources:
        if not re.match(r"^https?://\S+$", s):
            raise FactCheckError(where, f"source {s!r} is not an http(s) URL")
    languages = tuple(x.lower() for x in _list(raw, "languages", where))
    for lang in languages:
        if not _LANG_RE.match(lang):
            raise FactCheckError(
                where, f"language {lang!r} is not a language tag such as 'en' or 'zh-Hans'"
            )
    version = raw.get("version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise FactCheckError(where, f"version must be a positive integer, got {version!r}")
    return FactCheck(
        id=fid,
        claim=_text(raw, "claim", where, required=True, limit=4000),
        verdict=verdict,
        title=_text(raw, "title", where, limit=1000),
        rebuttal=_text(raw, "rebuttal", where, limit=4000),
        sources=sources,
        languages=languages,
        publisher=_text(raw, "publisher", where, limit=200),
        published=_date(raw, "published", where),
        updated=_date(raw, "updated", where),
        tags=tuple(t.lower() for t in _list(raw, "tags", where)),
        version=version,
    )


def _text(
    raw: Mapping[str, Any], key: str, where: str, *, required: bool = False, limit: int = 200
) -> str:
    value = raw.get(key)
    if value is None or value == "":
        if required:
            raise FactCheckError(where, f"missing field {key!r}")
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise FactCheckError(where, f"field {key!r} must be a string, got {type(value).__name__}")
    text = " ".join(str(value).split())
    if required and not text:
        raise FactCheckError(where, f"field {key!r} must not be blank")
    if len(text) > limit:
        raise FactCheckError(where, f"field {key!r} is longer than {limit} characters")
    return text


def _list(raw: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key)
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise FactCheckError(where, f"field {key!r} must be a list of strings")
    out: list[str] = []
    for v in value:
        v = v.strip()
        if v and v not in out:
            out.append(v)
    return tuple(out)


def _date(raw: Mapping[str, Any], key: str, where: str) -> str | None:
    value = raw.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise FactCheckError(where, f"field {key!r} must be an ISO 8601 date string")
    text = value.strip()
    try:
        if len(text) == 10:
            date.fromisoformat(text)
        else:
            datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise FactCheckError(
            where, f"field {key!r} value {value!r} is not an ISO 8601 date (e.g. 2024-05-01)"
        ) from None
    return text


def with_version(fc: FactCheck, version: int) -> FactCheck:
    return replace(fc, version=version)
