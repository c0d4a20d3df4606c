"""The URL detector: links in the text (and the item's ``urls`` field) against domain lists.

Hosts are extracted from the canonical view, so full-width dots, look-alike letters and
"example。com" do not hide a link; ``hxxp``/``[.]``/`` dot `` defanging is undone too.
A listed domain matches itself and all its subdomains; registrable domains come from the
Public Suffix List snapshot bundled with tldextract (no network). Known URL shorteners
are reported, and score the policy's ``url_shorteners`` category when it names one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import tldextract

from wenming.core.model import Signal
from wenming.core.policy import Policy
from wenming.detectors.base import Detector, DetectorPlugin, Prepared, Resources
from wenming.detectors.urls.config import CATEGORY_KEYS, TOP_KEYS, UrlsConfig, parse

NAME = "urls"
VERSION = "1"

# Public shorteners that hide where a link goes. Twitter's t.co and Weibo's t.cn are left
# out: the platforms wrap every link in them, so they say nothing about the author.
SHORTENERS = frozenset(
    "bit.ly bitly.com tinyurl.com goo.gl ow.ly is.gd buff.ly cutt.ly rebrand.ly shorturl.at "
    "rb.gy tiny.cc v.gd t.ly s.id lnkd.in trib.al dlvr.it soo.gd bl.ink short.io shorte.st "
    "adf.ly bc.vc ouo.io url.cn dwz.cn suo.im sina.lt 985.so mrw.so u.nu qr.net clck.ru "
    "x.co tr.im po.st snip.ly".split()
)

# Scheme or www prefix, or a bare host with a dot; "[.]", "(.)", "。" and " dot " defanged.
_DOT = r"(?:\.|。|．|\[\.\]|\(\.\)|\s+dot\s+|\[dot\])"
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_URL_RE = re.compile(
    rf"(?<![a-z0-9-])(?:(?:h[tx]{{2}}ps?|ftp)://)?((?:{_LABEL}{_DOT})+(?:[a-z]{{2,24}}|xn--[a-z0-9-]+))"
    r"(?::\d{2,5})?(?:/[^\s<>\"'，。！？]*)?",
)
# A cheap test that a text may hold a link at all, before the full pattern runs.
_HINT = re.compile(r"[a-z0-9][.。．][a-z]|\[\.\]|\(\.\)|\sdot\s|\[dot\]")
_DEFANG = re.compile(r"\[\.\]|\(\.\)|\s+dot\s+|\[dot\]|。|．")


@dataclass(frozen=True, slots=True)
class _Listed:
    category: str
    weight: float


class UrlDetector:
    """Flags links whose host or a parent domain is listed in a category."""

    name = NAME
    version = VERSION

    def __init__(self, part: UrlsConfig) -> None:
        self._extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
        self.listed: dict[str, list[_Listed]] = {}
        for cid, domains in part.categories.items():
            for d in domains:
                host = _host_of(d.domain)
                self.listed.setdefault(host, []).append(_Listed(cid, d.weight))
        self.shortener_category = part.shortener_category
        self.shortener_weight = part.shortener_weight

    def examples(self) -> list[str]:
        return [f"see https://{h}/promo" for h in list(self.listed)[:3]]

    def detect(self, batch: Sequence[Prepared]) -> list[list[Signal]]:
        return [self._detect_one(p) for p in batch]

    def registrable(self, host: str) -> str | None:
        """The registrable domain of ``host`` (``a.b.example.co.uk`` → ``example.co.uk``)."""
        parts = self._extract(host)
        if not parts.suffix:
            return None
        return f"{parts.domain}.{parts.suffix}" if parts.domain else None

    def _detect_one(self, prepared: Prepared) -> list[Signal]:
        norm = prepared.norm
        canonical = norm.canonical
        text = prepared.item.text
        found: list[tuple[str, int | None, int | None]] = []
        if _HINT.search(canonical):
            for m in _URL_RE.finditer(canonical):
                span = norm.canonical_span(*m.span())
                found.append((_host_of(_DEFANG.sub(".", m.group(1))), span[0], span[1]))
        found.extend((_host_of(u), None, None) for u in prepared.item.urls)
        out: list[Signal] = []
        for host, start, end in found:
            if not host or self.registrable(host) is None:
                continue
            match = text[start:end] if start is not None and end is not None else host
            for suffix in _parents(host):
                for listed in self.listed.get(suffix, ()):
                    out.append(
                        Signal(
                            listed.category,
                            listed.weight,
                            NAME,
                            start,
                            end,
                            match,
                            {"domain": suffix, "host": host},
                        )
                    )
            if self.shortener_category and host.removeprefix("www.") in SHORTENERS:
                out.append(
                    Signal(
                        self.shortener_category,
                        self.shortener_weight,
                        NAME,
                        start,
                        end,
                        match,
                        {"domain": host, "host": host, "shortener": True},
                    )
                )
        return out


def _host_of(url: str) -> str:
    host = re.sub(r"^[a-z]+://", "", url.strip().lower())
    host = host.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0].rsplit("@", 1)[-1]
    host = host.split(":", 1)[0].strip(".")
    try:
        return host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        return host


def _parents(host: str) -> list[str]:
    labels = host.split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)]


def build(policy: Policy, resources: Resources | None = None) -> Detector | None:
    """The URL detector, if the policy lists domains or scores URL shorteners."""
    part = policy.part(NAME)
    return UrlDetector(part) if isinstance(part, UrlsConfig) else None


def _summary(part: object, cid: str) -> dict[str, int]:
    domains = part.categories.get(cid, ()) if isinstance(part, UrlsConfig) else ()
    return {"domains": len(domains)}


PLUGIN = DetectorPlugin(
    name=NAME,
    version=VERSION,
    category_keys=CATEGORY_KEYS,
    top_keys=TOP_KEYS,
    parse=parse,
    build=build,
    summary=_summary,
)
