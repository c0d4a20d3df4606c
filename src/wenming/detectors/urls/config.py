"""The URL detector's part of the policy: listed domains and URL shorteners.

Keys it reads in a category: ``domains`` (a list of domains, or ``{domain, weight}``)
and ``domains_file`` (one domain a line); at the top: ``url_shorteners: {category,
weight}``, the category that links through a public URL shortener score.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from wenming.core.policy import Category, KeyPath, PolicyReader

CATEGORY_KEYS = frozenset({"domains", "domains_file"})
TOP_KEYS = frozenset({"url_shorteners"})


@dataclass(frozen=True, slots=True)
class DomainEntry:
    """A listed registrable domain or host; subdomains match too."""

    domain: str
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class UrlsConfig:
    """Listed domains by category, and the shortener category with its weight."""

    categories: Mapping[str, tuple[DomainEntry, ...]]
    shortener_category: str | None = None
    shortener_weight: float = 0.0


def parse(reader: PolicyReader, categories: Mapping[str, Category]) -> UrlsConfig | None:
    listed: dict[str, tuple[DomainEntry, ...]] = {}
    for cid in categories:
        found = _domains(reader, reader.category_raw(cid), ("categories", cid))
        if found:
            listed[cid] = tuple(found)
    short_cat, short_weight = None, 0.0
    top = reader.top
    if "url_shorteners" in top:
        sraw = reader.mapping(top["url_shorteners"], ("url_shorteners",))
        short_cat = reader.string(sraw.get("category"), ("url_shorteners", "category"))
        if short_cat not in categories:
            raise reader.fail(
                ("url_shorteners", "category"),
                f"url_shorteners.category names unknown category {short_cat!r}",
            )
        short_weight = reader.number(
            sraw.get("weight", 0.3), ("url_shorteners", "weight"), 0.0, 1.0
        )
    if not listed and short_cat is None:
        return None
    return UrlsConfig(listed, short_cat, short_weight)


def _domains(reader: PolicyReader, c: Mapping[str, object], path: KeyPath) -> list[DomainEntry]:
    out: list[DomainEntry] = []
    for i, d in enumerate(reader.seq(c.get("domains"), (*path, "domains"))):
        dpath = (*path, "domains", i)
        if isinstance(d, Mapping):
            out.append(
                DomainEntry(
                    reader.string(d.get("domain"), (*dpath, "domain")).lower(),
                    reader.number(d.get("weight", 1.0), (*dpath, "weight"), 0, 1),
                )
            )
        else:
            out.append(DomainEntry(reader.string(d, dpath).lower()))
    for line, _, _ in reader.file_lines(c, path, "domains_file"):
        out.append(DomainEntry(line.lower()))
    return out
