"""The records the audit log must account for, read for ``wenming audit verify``.

Each function answers the ids (and the fields an audit entry restates) of one kind of
record: decisions, case decisions, strikes, sanctions and fact-check versions. The
service side (:mod:`wenming.service.evidence`) compares them with the audit entries.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from wenming.store import reviewtables as rt
from wenming.store import tables as t
from wenming.store.factchecks import factcheck_versions
from wenming.store.sql import Store


def decision_ids(store: Store) -> set[uuid.UUID]:
    with store.engine.connect() as conn:
        return {row[0] for row in conn.execute(select(t.decisions.c.id))}


def case_decisions(store: Store) -> dict[uuid.UUID, str]:
    """Case decision id → verdict."""
    c = rt.case_decisions.c
    with store.engine.connect() as conn:
        return {row[0]: row[1] for row in conn.execute(select(c.id, c.verdict))}


def strike_ids(store: Store) -> set[uuid.UUID]:
    with store.engine.connect() as conn:
        return {row[0] for row in conn.execute(select(rt.strikes.c.id))}


def sanctions(store: Store) -> dict[uuid.UUID, str]:
    """Sanction id → action."""
    s = rt.sanctions.c
    with store.engine.connect() as conn:
        return {row[0]: row[1] for row in conn.execute(select(s.id, s.action))}


def factcheck_version_keys(store: Store) -> set[tuple[str, int]]:
    v = factcheck_versions.c
    with store.engine.connect() as conn:
        return {(row[0], row[1]) for row in conn.execute(select(v.factcheck_id, v.version))}
