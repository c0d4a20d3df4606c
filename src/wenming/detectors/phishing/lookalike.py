"""Brand look-alike scoring for host names.

A host imitates a brand when, outside the brand's own registrable domains, one of its
labels is the brand's name, contains it (``appleid-verify``), spells it with digits or
doubled letters (``paypa1``, ``wellsfarg0``, ``rnicrosoft``), or is one edit away from it
(``amazno``); or when it is written with letters of another script or in punycode that
fold to the brand (``pаypal.com`` with a Cyrillic а). Short names (three letters or
fewer) only count as a whole label part (``boc-verify``), never inside a word.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

_LEET = str.maketrans({"0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "$": "s"})
_SPLIT = re.compile(r"[-_.]+")
# What look-alike hosts glue to a brand name (paypalsecure, chasebank, appleidlogin); a
# name inside an ordinary word (applebees, chaser) is not an imitation.
_GLUE = re.compile(
    r"^(?:secure|security|login|log|signin|sign|verify|verification|account|"
    r"accounts|update|service|services|support|help|helpdesk|billing|online|id|"
    r"pay|payment|wallet|app|web|mail|center|centre|team|refund|refunds|bank|"
    r"banking|auth|official|customer|care|kefu|tuikuan|anquan|renzheng|"
    r"[0-9]{1,4}|cn|us|uk|hk|my|portal|alert|alerts|notice|unlock|recovery|"
    r"gift|prize|claim|track|tracking|delivery|parcel|post)*$"
)


@dataclass(frozen=True, slots=True)
class Brand:
    """A brand the policy protects: the names it goes by and the domains it owns."""

    id: str
    names: tuple[str, ...]
    domains: tuple[str, ...]


def _fold(label: str) -> str:
    return label.translate(_LEET).replace("rn", "m").replace("vv", "w")


def _one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by one insertion, deletion, substitution or swap."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


class BrandIndex:
    """Looks up which brand, if any, a host name imitates."""

    def __init__(self, brands: Sequence[Brand]) -> None:
        self.brands = list(brands)
        self.official: Mapping[str, str] = {d: b.id for b in brands for d in b.domains}

    def is_official(self, registrable: str) -> bool:
        return registrable in self.official

    def imitated(self, labels: Sequence[str]) -> str | None:
        """The brand id that host labels (subdomains and domain, no suffix) imitate."""
        for label in labels:
            folded = _fold(label)
            parts = set(_SPLIT.split(label)) | set(_SPLIT.split(folded))
            for brand in self.brands:
                for name in brand.names:
                    if name in parts:
                        return brand.id
                    if len(name) < 4:
                        continue
                    if any(_glued(p, name) for p in parts):
                        return brand.id
                    if len(name) >= 6 and any(_one_edit(p, name) for p in parts if p):
                        return brand.id
        return None


def _glued(part: str, name: str) -> bool:
    """``part`` is ``name`` with look-alike words glued before or after it."""
    i = part.find(name)
    return i >= 0 and bool(_GLUE.match(part[:i])) and bool(_GLUE.match(part[i + len(name) :]))
