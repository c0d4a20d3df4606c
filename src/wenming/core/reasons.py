"""Statements of reasons and age ratings: what a decision tells the people it affects.

:func:`statement_of_reasons` is the plain-language statement every stored decision
carries (what was done, on which grounds of which policy version, whether by automated
means, and that it can be appealed: the DSA Art. 17 elements); :func:`age_rating` is
the rating a decision gives its content, the strictest of its categories'.
"""

from __future__ import annotations

from collections.abc import Sequence

from wenming.core.governance import strictest
from wenming.core.model import Decision
from wenming.core.policy import Policy


def statement_of_reasons(d: Decision) -> str:
    """The plain-language statement a decision carries (DSA Art. 17 style)."""
    if d.verdict.value == "allow":
        return "No action: nothing in this content reached a threshold of the policy."
    how = "automated means" if d.automated else "a human reviewer"
    parts = [
        f"Action: {d.verdict.value}.",
        f"Grounds: the content was found to fall under {', '.join(d.labels) or 'the policy'} "
        f"according to policy {d.policy_version}.",
    ]
    parts.extend(f"Reason: {r}" for r in d.reasons)
    parts.append(f"The decision was taken by {how}. It can be appealed.")
    return " ".join(parts)


def age_rating(policy: Policy, labels: Sequence[str]) -> str:
    """The rating a decision gives its content: the strictest of its categories'."""
    return strictest(policy.categories[c].age_rating for c in labels if c in policy.categories)
