"""Evidence spans over the original text, as segments a template can mark up."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of the text and the evidence that covers all of it (empty: unmarked)."""

    text: str
    evidence: tuple[Mapping[str, Any], ...]

    @property
    def title(self) -> str:
        """Hover text: detector, category, score and what matched, per evidence."""
        parts = []
        for e in self.evidence:
            what = e.get("term") or e.get("rule") or e.get("domain") or e.get("model") or ""
            via = f" ({e['via']})" if e.get("via") not in (None, "exact") else ""
            parts.append(
                f"{e.get('category')} · {e.get('detector')} · "
                f"{float(e.get('score') or 0):.2f} · {what}{via}"
            )
        return "\n".join(parts)


def segments(text: str, evidence: Sequence[Mapping[str, Any]]) -> list[Segment]:
    """Cut ``text`` at every evidence boundary; spanless evidence is left out."""
    spans = [
        e
        for e in evidence
        if isinstance(e.get("start"), int)
        and isinstance(e.get("end"), int)
        and 0 <= e["start"] < e["end"] <= len(text)
    ]
    cuts = sorted({0, len(text), *(e["start"] for e in spans), *(e["end"] for e in spans)})
    out = []
    for a, b in itertools.pairwise(cuts):
        covering = tuple(e for e in spans if e["start"] <= a and b <= e["end"])
        out.append(Segment(text[a:b], covering))
    return out
