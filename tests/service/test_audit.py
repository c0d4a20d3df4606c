"""The audit chain records every state change and catches any edit, insertion or deletion."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, update

from wenming.core.model import Item
from wenming.detectors.screener import Screener
from wenming.service import audit, keys, screening
from wenming.store import Store
from wenming.store.audit.tables import audit_entries
from wenming.store.items.tables import decisions

SECRET = "s" * 32


def _history(store: Store, screener: Screener) -> list[str]:
    """Key creation, two screening batches: four entries (platform, key, screen, screen)."""
    created = keys.create(
        store,
        secret=SECRET,
        role=keys.Role.PLATFORM,
        platform="acme",
        label="k",
        actor="test",
        now=datetime.now(UTC),
    )
    principal = keys.Principal(key=created.key, role=keys.Role.PLATFORM)
    platform = store.access.platform_by_name("acme")
    assert platform is not None
    ids = []
    for batch in (["heroin", "hello"], ["buy followers"]):
        items = [Item(id=f"{b}-{n}", text=b) for n, b in enumerate(batch)]
        out = screening.screen(store, screener, platform=platform, principal=principal, items=items)
        ids += [str(o.decision.id) for o in out]
    return ids


def test_every_change_is_chained(store: Store, service_screener: Screener) -> None:
    decision_ids = _history(store, service_screener)
    entries = store.audit.audit_list()
    assert [e.action for e in entries] == ["platform.create", "key.create", "screen", "screen"]
    assert [d for d, _ in entries[2].payload["decisions"] + entries[3].payload["decisions"]] == (
        decision_ids
    )
    assert entries[2].actor.startswith("key:") and entries[2].subject == "platform:acme"
    report = audit.verify(store)
    assert (report.ok, report.entries, report.decisions_checked) == (True, 4, 3)
    assert report.head_hash == entries[-1].hash
    assert screening.policy_activate(store, version="p@1", source="test") is True
    assert screening.policy_activate(store, version="p@1", source="test") is False
    assert screening.policy_activate(store, version="p@2", source="test") is True
    latest = store.audit.audit_latest("policy.activate")
    assert latest is not None and latest.payload["previous"] == "p@1"


@pytest.mark.parametrize(
    ("tamper", "seq", "problem"),
    [
        (
            update(audit_entries).where(audit_entries.c.seq == 2).values(payload={"role": "admin"}),
            2,
            "altered",
        ),
        (
            update(audit_entries).where(audit_entries.c.seq == 3).values(actor="someone-else"),
            3,
            "altered",
        ),
        (delete(audit_entries).where(audit_entries.c.seq == 2), 3, "entry 2 is missing"),
        (update(decisions).values(verdict="allow"), 3, "altered after it was recorded"),
    ],
)
def test_tampering_is_caught(
    store: Store, service_screener: Screener, tamper: object, seq: int, problem: str
) -> None:
    _history(store, service_screener)
    with store.engine.begin() as conn:
        conn.execute(tamper)  # type: ignore[call-overload]
    report = audit.verify(store)
    assert not report.ok
    assert report.broken_seq == seq and problem in (report.problem or "")


def test_a_rewritten_entry_with_a_fresh_hash_breaks_the_next_link(
    store: Store, service_screener: Screener
) -> None:
    _history(store, service_screener)
    e = store.audit.audit_list()[1]
    forged = audit.entry_hash(
        prev_hash=e.prev_hash,
        seq=e.seq,
        ts=e.ts,
        actor=e.actor,
        action=e.action,
        subject=e.subject,
        payload={"role": "admin"},
    )
    with store.engine.begin() as conn:
        conn.execute(
            update(audit_entries)
            .where(audit_entries.c.seq == 2)
            .values(payload={"role": "admin"}, hash=forged)
        )
    report = audit.verify(store)
    assert (report.ok, report.broken_seq) == (False, 3)
    assert "prev_hash" in (report.problem or "")


def test_chain_only_skips_decision_checks(store: Store, service_screener: Screener) -> None:
    _history(store, service_screener)
    with store.engine.begin() as conn:
        conn.execute(update(decisions).values(verdict="allow"))
    assert audit.verify(store, decisions=False).ok
    assert not audit.verify(store).ok
