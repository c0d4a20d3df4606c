"""Seed a demo platform so a first ``wenming serve --demo`` has something to look at.

It creates the platform ``demo``, a platform key and an admin key (returned once, to be
printed), and screens the example posts that ship with the default policy pack through
the same use case the API calls, so they land in the record with their decisions.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from wenming.core.model import Item
from wenming.detectors.claims.embed import Embedder
from wenming.service import keys, screening
from wenming.service.recorder import DecisionHook
from wenming.service.screening import ScreenerLike
from wenming.store import Store

PLATFORM = "demo"
_BATCH = 100


@dataclass(frozen=True, slots=True)
class DemoSeed:
    platform_key: str
    admin_key: str
    screened: int
    verdicts: Counter[str] = field(default_factory=Counter)


def seed(
    store: Store,
    screener: ScreenerLike,
    *,
    secret: str,
    examples: Path | None,
    hooks: Sequence[DecisionHook] = (),
) -> DemoSeed:
    """Create the demo platform and keys, and screen ``examples`` (JSONL) into the record."""
    now = datetime.now(UTC)
    platform_key = keys.create(
        store,
        secret=secret,
        role=keys.Role.PLATFORM,
        platform=PLATFORM,
        label="demo platform key",
        actor="demo",
        now=now,
    )
    admin_key = keys.create(
        store,
        secret=secret,
        role=keys.Role.ADMIN,
        platform=None,
        label="demo admin key",
        actor="demo",
        now=now,
    )
    platform = store.access.platform_by_name(PLATFORM)
    assert platform is not None
    principal = keys.Principal(key=platform_key.key, role=keys.Role.PLATFORM)
    verdicts: Counter[str] = Counter()
    items: list[Item] = []
    if examples is not None and examples.is_file():
        with examples.open("rb") as src:
            items = [Item.from_mapping(json.loads(line)) for line in src if line.strip()]
    for start in range(0, len(items), _BATCH):
        batch = list({it.id: it for it in items[start : start + _BATCH]}.values())
        outcomes = screening.screen(
            store, screener, platform=platform, principal=principal, items=batch, hooks=hooks
        )
        verdicts.update(o.decision.verdict for o in outcomes)
    return DemoSeed(
        platform_key=platform_key.token,
        admin_key=admin_key.token,
        screened=sum(verdicts.values()),
        verdicts=verdicts,
    )


def seed_factchecks(store: Store, embedder: Embedder, path: Path | None) -> int:
    """Publish the bundled demo fact-checks (JSONL) into the registry; returns how many."""
    if path is None or not path.is_file():
        return 0
    from wenming.detectors.claims.formats import read_factchecks
    from wenming.service import factcheck

    records = read_factchecks(path.read_bytes(), fmt="jsonl", source=str(path))
    done = factcheck.put(store, embedder, records, actor="demo", now=datetime.now(UTC))
    return sum(1 for _, change in done if change != "unchanged")
