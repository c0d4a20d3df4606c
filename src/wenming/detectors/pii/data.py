"""Finding personal data in text: phone numbers, ID and card numbers, e-mail, plates, addresses.

Each kind is a regular expression over the canonical view, and numbers with a check
digit are checked: an 18-digit mainland resident ID by its ISO 7064 MOD 11-2 digit, a
bank card by Luhn. What a kind is called here is data, not a policy category.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10x98765432"


def resident_id_ok(digits: str) -> bool:
    """The check digit of an 18-character mainland resident ID number (lower-case x)."""
    if len(digits) != 18 or not digits[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == digits[17].lower()


def luhn_ok(digits: str) -> bool:
    """The Luhn checksum that bank card numbers carry."""
    if not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def _digits(s: str) -> str:
    return re.sub(r"[^0-9x]", "", s)


_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_STREET = (
    r"street|st|avenue|ave|road|rd|lane|ln|drive|dr|boulevard|blvd|court|ct|way|"
    r"place|pl|terrace|circle|parkway"
)
KINDS: dict[str, tuple[str, Callable[[str], bool] | None]] = {
    "cn_resident_id": (
        r"(?<![0-9])[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])"
        r"(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9x](?![0-9a-z])",
        lambda m: resident_id_ok(m),
    ),
    "bank_card": (r"(?<![0-9])(?:[0-9][ -]?){15,18}[0-9](?![0-9])", lambda m: luhn_ok(_digits(m))),
    "cn_mobile": (r"(?<![0-9])(?:\+?86[ -]?)?1[3-9][0-9](?:[ -]?[0-9]{4}){2}(?![0-9])", None),
    "us_ssn": (r"(?<![0-9])[0-9]{3}-[0-9]{2}-[0-9]{4}(?![0-9])", None),
    "phone": (
        r"(?<![0-9])(?:\+?1[ .-]?)?(?:\([0-9]{3}\)\s?|[0-9]{3}[ .-])?[0-9]{3}[ .-][0-9]{4}"
        r"(?![0-9])",
        None,
    ),
    "email": (
        r"(?<![a-z0-9._%+-])[a-z0-9._%+-]{1,64}@[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63})*"
        r"\.[a-z]{2,24}",
        None,
    ),
    "cn_plate": (rf"(?<![\u4e00-\u9fff])[{_PROVINCES}][a-z]\s?[a-z0-9]{{5,6}}(?![a-z0-9])", None),
    # "the plate of the car that hit me: 7abc123" (the span is narrowed to the number)
    "plate": (r"\bplates?\b[^0-9]{0,40}?\b(?=[a-z]*[0-9])(?=[0-9]*[a-z])[a-z0-9]{5,8}\b", None),
    "address": (
        rf"\b[0-9]{{1,5}}\s+(?:[a-z]+\s+){{1,3}}(?:{_STREET})\b\.?"
        r"(?:,?\s*(?:apt|unit|suite|#)\s*[0-9a-z]+)?",
        None,
    ),
    "cn_address": (
        r"[\u4e00-\u9fff]{2,12}(?:路|街|道|巷|弄)[0-9]{1,5}号"
        r"(?:[0-9]{1,3}(?:栋|幢|号楼))?(?:[0-9]{1,2}单元)?(?:[0-9]{2,4}(?:室)?)?"
        r"|[\u4e00-\u9fff]{2,10}(?:小区|花园|公寓|新村|家园|苑|大厦)\s*[0-9]{1,3}\s*"
        r"(?:栋|号楼|幢)\s*(?:[0-9]{1,2}\s*单元)?\s*(?:[0-9]{2,4})?",
        None,
    ),
}
_FIND = re.compile("|".join(f"(?P<{k}>{p})" for k, (p, _) in KINDS.items()))
# A cheap test before the full pattern: a run of digits, an @, or a plate province.
HINT = re.compile(
    rf"[0-9]{{4}}|[0-9]{{3}}[ .-][0-9]|@|[{_PROVINCES}][a-z]|小区|花园|公寓|plate"
    rf"|[0-9]\s+[a-z]+\s+(?:[a-z]+\s+)?(?:{_STREET})\b|(?:路|街|道|巷|弄)[0-9]"
)


def find(text: str) -> Iterator[tuple[str, int, int]]:
    """``(kind, start, end)`` of each piece of personal data in ``text`` (canonical)."""
    for m in _FIND.finditer(text):
        kind = m.lastgroup
        assert kind is not None
        check = KINDS[kind][1]
        if check is not None and not check(m.group()):
            continue
        start = m.start()
        if kind == "plate":
            start = m.end() - len(m.group().split()[-1].split(":")[-1])
        yield kind, start, m.end()
