"""Registrable domains: the unit a site sanction applies to.

``https://a.b.example.co.uk/x`` → ``example.co.uk``, from the Public Suffix List snapshot
bundled with tldextract (never fetched), *including* its private section, so each
tenant of a shared host (``evil.github.io``, ``x.blogspot.com``, ``y.vercel.app``) is its
own site rather than the whole host.
"""

from __future__ import annotations

from functools import lru_cache

import tldextract


@lru_cache(maxsize=1)
def _extractor() -> tldextract.TLDExtract:
    return tldextract.TLDExtract(
        suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
    )


def registrable_domain(value: str) -> str | None:
    """``https://a.b.example.co.uk/x`` → ``example.co.uk``; ``None`` for no domain."""
    host = value.strip().lower()
    host = host.split("://", 1)[-1].split("/", 1)[0].split("?", 1)[0].rsplit("@", 1)[-1]
    host = host.split(":", 1)[0].strip(".")
    if not host:
        return None
    parts = _extractor()(host)
    if not parts.suffix or not parts.domain:
        return None
    return f"{parts.domain}.{parts.suffix}"
