"""Counter-speech: warnings and notices that quote what they warn against.

An anti-fraud police notice quotes ``安全账户`` ("safe account"), an anti-drug poster
names ``冰毒``, a scam alert repeats the scammer's promise. Term lists alone flag them
all. When a text carries a warning cue (``警惕``, ``谨防``, ``反诈``, ``禁毒``, "beware
of", "scam alert"…), the policy's ``counter_speech`` rule multiplies the score of every
term match by ``factor`` — so a quoted term alone drops to review or allow, while other
evidence (a classifier, a URL, a second term) still adds up by the usual noisy-OR.
Policies turn it off with ``counter_speech: false`` (see docs/policy.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

DEFAULT_CUES: tuple[str, ...] = (
    "警惕",
    "谨防",
    "反诈",
    "防诈",
    "提醒",
    "禁毒",
    "防范",
    "切勿",
    "小心上当",
    "识破",
    "揭秘",
    "骗局",
    "诈骗手段",
    "警方提示",
    "温馨提示",
    "远离毒品",
    "拒绝毒品",
    "举报",
    "曝光",
    "辟谣",
    "不要相信",
    "千万不要",
    "谨记",
    "当心",
    "beware of",
    "scam alert",
    "fraud alert",
    "watch out for",
    "do not fall for",
    "don't fall for",
    "never share",
    "never send",
    "is a scam",
    "warning:",
    "be careful",
    "report it",
    "phishing alert",
)
DEFAULT_FACTOR = 0.4


@dataclass(frozen=True, slots=True)
class CounterSpeech:
    """The ``counter_speech`` rule of a policy: cues, and the factor applied to matches."""

    cues: tuple[str, ...] = DEFAULT_CUES
    factor: float = DEFAULT_FACTOR

    def cue_in(self, canonical: str) -> str | None:
        """The first warning cue in a text's canonical view, if any."""
        m = _cue_re(self.cues).search(canonical)
        return m.group() if m else None


@cache
def _cue_re(cues: tuple[str, ...]) -> re.Pattern[str]:
    ordered = sorted({c.casefold() for c in cues if c.strip()}, key=len, reverse=True)
    return re.compile("|".join(re.escape(c) for c in ordered) or "(?!)")
