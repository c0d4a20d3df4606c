"""Reading and writing fact-checks: schema.org ClaimReview (JSON-LD), CSV and JSONL.

Imports are all-or-nothing: :func:`read_factchecks` validates the whole file first and
raises one :class:`~wenming.core.factcheck.FactCheckError` naming every bad record (up to
ten) by line or position, so a malformed file never leaves half its records behind.
ClaimReview is what fact-checkers publish (Google's Fact Check Tools read it); a file
may hold one ClaimReview, a list, an ``@graph`` or a ``DataFeed``. Its free-text
``reviewRating.alternateName`` ("Pants on Fire!", "Mostly false", "Falso", "谣言") is
mapped onto wenming's five verdicts by :data:`RATING_WORDS`; an unknown rating is an
error, never a guess.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any, Literal

from wenming.core.factcheck import FIELDS, FactCheck, FactCheckError, factcheck_from_mapping

Format = Literal["claimreview", "csv", "jsonl"]
FORMATS: tuple[Format, ...] = ("claimreview", "csv", "jsonl")
MAX_ERRORS = 10

RATING_WORDS: dict[str, str] = {
    **{
        w: "false"
        for w in (
            "false",
            "pants on fire",
            "pants on fire!",
            "fake",
            "incorrect",
            "wrong",
            "hoax",
            "fabricated",
            "scam",
            "four pinocchios",
            "falso",
            "falsa",
            "faux",
            "fałsz",
            "falsch",
            "rumor",
            "rumour",
            "谣言",
            "错误",
            "虚假",
            "假",
            "不实",
            "مضلل كليا",
            "زائف",
        )
    },
    **{
        w: "misleading"
        for w in (
            "misleading",
            "mostly false",
            "missing context",
            "out of context",
            "altered",
            "manipulated",
            "distorts the facts",
            "three pinocchios",
            "engañoso",
            "enganoso",
            "trompeur",
            "irreführend",
            "误导",
            "误导性",
            "مضلل",
        )
    },
    **{
        w: "partly_false"
        for w in (
            "partly false",
            "partly_false",
            "partially false",
            "half true",
            "half-true",
            "mixture",
            "mixed",
            "two pinocchios",
            "needs context",
            "exaggerated",
            "部分错误",
            "部分不实",
        )
    },
    **{
        w: "unproven"
        for w in (
            "unproven",
            "unverified",
            "unsupported",
            "no evidence",
            "research in progress",
            "unclear",
            "未证实",
            "待核实",
            "无法证实",
        )
    },
    **{
        w: "true"
        for w in (
            "true",
            "correct",
            "accurate",
            "mostly true",
            "verdadero",
            "verdadeiro",
            "vrai",
            "richtig",
            "属实",
            "真实",
            "正确",
        )
    },
}
_VERDICT_LABEL = {
    "false": "False",
    "misleading": "Misleading",
    "partly_false": "Partly false",
    "unproven": "Unproven",
    "true": "True",
}
_VERDICT_RATING = {"false": 1, "misleading": 2, "partly_false": 3, "true": 5}
_LIST_SEP = "|"


def detect_format(name: str) -> Format:
    """The format a file name suggests (``.jsonld``/``.json`` → ClaimReview)."""
    lower = name.lower()
    if lower.endswith(".csv"):
        return "csv"
    if lower.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    return "claimreview"


def read_factchecks(data: bytes, *, fmt: Format, source: str = "<input>") -> list[FactCheck]:
    """Every fact-check in ``data``, or :class:`FactCheckError` naming what is wrong where."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FactCheckError(f"{source}:{line}", "the file is not valid UTF-8") from None
    readers = {"claimreview": _read_claimreview, "csv": _read_csv, "jsonl": _read_jsonl}
    out: list[FactCheck] = []
    errors: list[str] = []
    seen: dict[str, str] = {}
    for where, record in readers[fmt](text, source):
        if isinstance(record, FactCheckError):
            errors.append(str(record))
        elif record.id in seen:
            errors.append(f"{where}: duplicate id {record.id!r} (first at {seen[record.id]})")
        else:
            seen[record.id] = where
            out.append(record)
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        more = " (stopped at the first ten)" if len(errors) >= MAX_ERRORS else ""
        head = f"{len(errors)} bad record(s){more}; nothing was imported"
        raise FactCheckError(source, head + ":\n  " + "\n  ".join(errors))
    return out


Parsed = Iterator[tuple[str, FactCheck | FactCheckError]]


def _validated(raw: object, where: str) -> FactCheck | FactCheckError:
    try:
        return factcheck_from_mapping(raw, where)
    except FactCheckError as exc:
        return exc


def _read_jsonl(text: str, source: str) -> Parsed:
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{source}:{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield where, FactCheckError(where, f"not JSON: {exc.msg} at column {exc.colno}")
            continue
        yield where, _validated(obj, where)


def _read_csv(text: str, source: str) -> Parsed:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [c for c in ("id", "claim") if c not in header]
    unknown = [c for c in header if c not in FIELDS]
    if missing or unknown:
        what = (
            f"missing column(s) {', '.join(missing)}"
            if missing
            else f"unknown column(s) {', '.join(unknown)}"
        )
        yield (
            f"{source}:1",
            FactCheckError(
                f"{source}:1", f"the CSV header has {what}; columns are {', '.join(FIELDS)}"
            ),
        )
        return
    for row in reader:
        where = f"{source}:{reader.line_num}"
        if None in row:
            yield where, FactCheckError(where, "more values than header columns")
            continue
        raw: dict[str, Any] = {k: v for k, v in row.items() if v not in (None, "")}
        for key in ("sources", "languages", "tags"):
            if key in raw:
                raw[key] = [x.strip() for x in str(raw[key]).split(_LIST_SEP) if x.strip()]
        if "version" in raw:
            try:
                raw["version"] = int(raw["version"])
            except ValueError:
                yield where, FactCheckError(where, f"version {raw['version']!r} is not a number")
                continue
        yield where, _validated(raw, where)


def _read_claimreview(text: str, source: str) -> Parsed:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"{source}:{exc.lineno}"
        yield where, FactCheckError(where, f"not JSON: {exc.msg} at column {exc.colno}")
        return
    nodes = list(_claimreviews(doc, "$"))
    if not nodes:
        yield (
            source,
            FactCheckError(
                source,
                "no ClaimReview found (expected an object with "
                '"@type": "ClaimReview", a list, an @graph or '
                "a DataFeed of them)",
            ),
        )
        return
    for path, node in nodes:
        where = f"{source}: {path}"
        try:
            yield where, factcheck_from_mapping(_from_claimreview(node, where), where)
        except FactCheckError as exc:
            yield where, exc


def _claimreviews(doc: object, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(doc, list):
        for i, x in enumerate(doc):
            yield from _claimreviews(x, f"{path}[{i}]")
    elif isinstance(doc, dict):
        kind = doc.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if "ClaimReview" in kinds:
            yield path, doc
        elif "@graph" in doc:
            yield from _claimreviews(doc["@graph"], f"{path}.@graph")
        elif "dataFeedElement" in doc:
            yield from _claimreviews(doc["dataFeedElement"], f"{path}.dataFeedElement")
        elif "item" in doc:
            yield from _claimreviews(doc["item"], f"{path}.item")
        elif kind is not None:
            yield path, doc  # a wrong @type: reported by _from_claimreview


def _from_claimreview(node: dict[str, Any], where: str) -> dict[str, Any]:
    kind = node.get("@type")
    if "ClaimReview" not in (kind if isinstance(kind, list) else [kind]):
        raise FactCheckError(where, f'@type is {kind!r}, expected "ClaimReview"')
    claim = node.get("claimReviewed")
    if not isinstance(claim, str) or not claim.strip():
        raise FactCheckError(where, "claimReviewed (the claim text) is missing or not a string")
    rating = node.get("reviewRating")
    if not isinstance(rating, dict):
        raise FactCheckError(where, "reviewRating is missing or not an object")
    label = rating.get("alternateName") or rating.get("name")
    if not isinstance(label, str) or not label.strip():
        raise FactCheckError(where, "reviewRating.alternateName (the verdict) is missing")
    verdict = RATING_WORDS.get(" ".join(label.lower().split()))
    if verdict is None:
        raise FactCheckError(
            where,
            f"reviewRating.alternateName {label!r} is not a rating "
            "wenming knows; use one of False, Misleading, Partly "
            "false, Unproven, True (or a common synonym)",
        )
    url = node.get("url")
    citation = node.get("citation") or []
    if isinstance(citation, str | dict):
        citation = [citation]
    sources = [url] if isinstance(url, str) and url else []
    for c in citation if isinstance(citation, list) else []:
        c_url = c.get("url") if isinstance(c, dict) else c
        if isinstance(c_url, str):
            sources.append(c_url)
    fid = node.get("identifier") or node.get("@id")
    if fid is None:
        if not sources:
            raise FactCheckError(where, "no identifier, @id or url to take an id from")
        fid = "cr-" + hashlib.sha1(sources[0].encode()).hexdigest()[:16]
    author = node.get("author")
    if isinstance(author, list):
        author = author[0] if author else None
    publisher = author.get("name") if isinstance(author, dict) else author
    langs = node.get("inLanguage") or []
    langs = [langs] if isinstance(langs, str | dict) else langs
    langs = [x.get("alternateName") or x.get("name") if isinstance(x, dict) else x for x in langs]
    keywords = node.get("keywords") or []
    if isinstance(keywords, str):
        keywords = [k.strip() for k in keywords.split(",")]
    out: dict[str, Any] = {
        "id": fid if isinstance(fid, str) else str(fid),
        "claim": claim,
        "verdict": verdict,
        "title": node.get("headline") or node.get("name") or "",
        "rebuttal": node.get("reviewBody") or node.get("description") or "",
        "sources": sources,
        "languages": langs,
        "publisher": publisher or "",
        "published": node.get("datePublished"),
        "updated": node.get("dateModified"),
        "tags": keywords,
    }
    version = node.get("version")
    if version is not None:
        out["version"] = int(version) if isinstance(version, str) and version.isdigit() else version
    return out


def to_claimreview(fc: FactCheck) -> dict[str, Any]:
    """A fact-check as a schema.org ClaimReview object."""
    node: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "identifier": fc.id,
        "claimReviewed": fc.claim,
        "reviewRating": {"@type": "Rating", "alternateName": _VERDICT_LABEL[fc.verdict]},
    }
    if fc.verdict in _VERDICT_RATING:
        node["reviewRating"].update(
            ratingValue=_VERDICT_RATING[fc.verdict], worstRating=1, bestRating=5
        )
    if fc.sources:
        node["url"] = fc.sources[0]
        if fc.sources[1:]:
            node["citation"] = list(fc.sources[1:])
    optional = {
        "headline": fc.title,
        "reviewBody": fc.rebuttal,
        "datePublished": fc.published,
        "dateModified": fc.updated,
    }
    node.update({k: v for k, v in optional.items() if v})
    if fc.publisher:
        node["author"] = {"@type": "Organization", "name": fc.publisher}
    if fc.languages:
        node["inLanguage"] = fc.languages[0] if len(fc.languages) == 1 else list(fc.languages)
    if fc.tags:
        node["keywords"] = ", ".join(fc.tags)
    node["version"] = fc.version
    return node


def write_factchecks(
    factchecks: Iterable[FactCheck], dst: io.TextIOBase | Any, *, fmt: Format
) -> int:
    """Write ``factchecks`` to a text stream; returns how many were written."""
    n = 0
    if fmt == "jsonl":
        for fc in factchecks:
            dst.write(json.dumps(fc.to_dict(), ensure_ascii=False) + "\n")
            n += 1
    elif fmt == "csv":
        writer = csv.DictWriter(dst, fieldnames=list(FIELDS), lineterminator="\n")
        writer.writeheader()
        for fc in factchecks:
            row = fc.to_dict()
            for key in ("sources", "languages", "tags"):
                row[key] = _LIST_SEP.join(row[key])
            writer.writerow({k: "" if v is None else v for k, v in row.items()})
            n += 1
    else:
        nodes = [to_claimreview(fc) for fc in factchecks]
        n = len(nodes)
        dst.write(json.dumps(nodes, ensure_ascii=False, indent=2) + "\n")
    return n
