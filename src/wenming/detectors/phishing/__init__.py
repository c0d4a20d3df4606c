"""The phishing detector: links that imitate a brand the policy protects.

A category's ``phishing:`` key lists brands (names and the domains they own) and the
weight of a look-alike link. Hosts come from the canonical view (so ``paypal[.]com``
and full-width dots are seen) and from the item's ``urls``; a host written with letters
of another script or in punycode that fold to a brand is a spoof even when the folded
name is the brand's own domain. Scoring is in :mod:`wenming.detectors.phishing.lookalike`.
Credential requests and fake-service pretexts are intent patterns (``intents:``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import tldextract

from wenming.core.model import Signal
from wenming.core.normalize import normalize
from wenming.core.policy import Extension
from wenming.detectors.base import Detector, Prepared, extension_plugin
from wenming.detectors.phishing.lookalike import Brand, BrandIndex

NAME = "phishing"
VERSION = "1"
KEY = "phishing"
POLICY_KEYS = (KEY,)
_HOST = re.compile(
    r"(?<![a-z0-9@._-])(?:[a-z]+://)?((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
    r"(?:\.|\[\.\]|。|．))+(?:[a-z]{2,24}|xn--[a-z0-9-]{1,59}))(?![a-z0-9-])"
)
_HINT = re.compile(r"[a-z0-9](?:\.|\[\.\]|。|．)[a-z]")


@dataclass(frozen=True, slots=True)
class PhishingRule:
    """One category's ``phishing:`` settings, validated."""

    category: str
    weight: float
    index: BrandIndex


def parse(ext: Extension, category: str) -> PhishingRule:
    """Validate a ``phishing:`` value; errors name the policy file and line."""
    raw = ext.value
    if not isinstance(raw, dict):
        raise ext.fail((), f"{category}.phishing must be a mapping with weight and brands")
    for key in raw:
        if key not in ("weight", "brands"):
            raise ext.fail((key,), f"unknown key {key!r} in phishing; expected brands, weight")
    weight = raw.get("weight", 0.95)
    if isinstance(weight, bool) or not isinstance(weight, int | float) or not 0 <= weight <= 1:
        raise ext.fail(("weight",), f"phishing.weight must be between 0 and 1, got {weight!r}")
    brands_raw = raw.get("brands")
    if not isinstance(brands_raw, dict) or not brands_raw:
        raise ext.fail(("brands",), "phishing.brands must map brand ids to names and domains")
    brands = []
    for bid, b in brands_raw.items():
        path: tuple[str | int, ...] = ("brands", bid)
        if not isinstance(b, dict) or set(b) - {"names", "domains"}:
            raise ext.fail(path, f"brand {bid!r} must be a mapping with names and domains")
        names = b.get("names", [bid])
        domains = b.get("domains", [])
        for key, values in (("names", names), ("domains", domains)):
            if not isinstance(values, list) or not all(
                isinstance(v, str) and v.strip() for v in values
            ):
                raise ext.fail((*path, key), f"brand {bid!r}: {key} must be a list of strings")
        if not domains:
            raise ext.fail(path, f"brand {bid!r} needs the domains it owns")
        brands.append(
            Brand(
                str(bid),
                tuple(n.lower().strip() for n in names),
                tuple(d.lower().strip() for d in domains),
            )
        )
    return PhishingRule(category, float(weight), BrandIndex(brands))


class PhishingDetector:
    """Flags links whose host imitates a protected brand."""

    name = NAME
    version = VERSION

    def __init__(self, rules: Sequence[PhishingRule]) -> None:
        self.rules = list(rules)
        self._extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

    def examples(self) -> list[str]:
        return [
            "Your account is limited, log in at paypa1-secure-login.com",
            "【中国银行】请登录 boc-verify.com 验证身份",
        ]

    def detect(self, batch: Sequence[Prepared]) -> list[list[Signal]]:
        return [self._detect_one(p) for p in batch]

    def _hosts(self, prepared: Prepared) -> list[tuple[str, bool, int | None, int | None]]:
        """``(ascii host, spoofed, start, end)`` of each link; spans into the original."""
        norm = prepared.norm
        text = prepared.item.text
        out: list[tuple[str, bool, int | None, int | None]] = []
        if _HINT.search(norm.canonical):
            for m in _HOST.finditer(norm.canonical):
                host = re.sub(r"\[\.\]|。|．", ".", m.group(1))
                start, end = norm.canonical_span(*m.span(1))
                out.append((host, not text[start:end].isascii(), start, end))
        for url in prepared.item.urls:
            host = re.sub(r"^[a-z]+://", "", url.strip().lower()).split("/", 1)[0]
            folded = normalize(host).canonical
            out.append((folded, not host.isascii(), None, None))
        return out

    def _detect_one(self, prepared: Prepared) -> list[Signal]:
        out: list[Signal] = []
        for host, spoofed, start, end in self._hosts(prepared):
            if "xn--" in host:
                try:
                    decoded = host.encode("ascii").decode("idna")
                except UnicodeError:
                    decoded = host
                host, spoofed = normalize(decoded).canonical, spoofed or decoded != host
            parts = self._extract(host)
            if not parts.suffix or not parts.domain:
                continue
            registrable = f"{parts.domain}.{parts.suffix}"
            labels = (
                [*parts.subdomain.split("."), parts.domain] if parts.subdomain else [parts.domain]
            )
            match = prepared.item.text[start:end] if start is not None else host
            for rule in self.rules:
                official = rule.index.is_official(registrable)
                brand = (
                    rule.index.official.get(registrable)
                    if official and spoofed
                    else None
                    if official
                    else rule.index.imitated(labels)
                )
                if brand is None:
                    continue
                out.append(
                    Signal(
                        rule.category,
                        rule.weight,
                        NAME,
                        start,
                        end,
                        match,
                        {"rule": f"lookalike-{brand}", "host": host, "spoofed": spoofed},
                    )
                )
        return out


def _build(parsed: list[PhishingRule]) -> Detector:
    return PhishingDetector(parsed)


PLUGIN = extension_plugin(name=NAME, version=VERSION, key=KEY, parse=parse, build=_build)
"""The ``phishing:`` category key, parsed when the policy loads (docs/detectors.md)."""
