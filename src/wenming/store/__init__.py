"""The system of record: the only layer that speaks SQL (it may import ``core`` only).

One :class:`Store` per database, with one repository per area reached the same way
everywhere: ``store.<area>`` for reads, ``tx.<area>`` inside ``with store.transaction()
as tx:`` for writes (see :mod:`.database` for the areas). Each area keeps its tables,
records and queries together in ``store/<area>/``; :mod:`.metadata` is the one
``MetaData`` they share, :mod:`.schema` all tables at once, ``migrations/`` the Alembic
scripts. The records and the store are importable from here.
"""

from __future__ import annotations

from wenming.store.access.records import KeyRecord, PlatformRecord, UserRecord
from wenming.store.audit.records import AuditRecord
from wenming.store.base import new_id, unavailable, utc
from wenming.store.database import Store, Tx
from wenming.store.enforcement.records import (
    ItemRating,
    SanctionRecord,
    StrikeRecord,
    SubjectRecord,
)
from wenming.store.factchecks.records import FactCheckRow, VersionRow
from wenming.store.items.records import (
    DecisionRecord,
    HumanVerdict,
    ItemHit,
    ItemQuery,
    ItemRecord,
    ItemRef,
    NewDecision,
    NewItem,
)
from wenming.store.items.scans import HumanDecided
from wenming.store.review.records import (
    AppealRecord,
    CaseDecisionRecord,
    CaseRecord,
    FlaggerStats,
    NewCase,
    QueueStats,
    ReportRecord,
)
from wenming.store.review.repo import PENDING
from wenming.store.work.records import ClaimKey, NewShadow, OutboxRow, SweepRecord

__all__ = [
    "PENDING",
    "AppealRecord",
    "AuditRecord",
    "CaseDecisionRecord",
    "CaseRecord",
    "ClaimKey",
    "DecisionRecord",
    "FactCheckRow",
    "FlaggerStats",
    "HumanDecided",
    "HumanVerdict",
    "ItemHit",
    "ItemQuery",
    "ItemRating",
    "ItemRecord",
    "ItemRef",
    "KeyRecord",
    "NewCase",
    "NewDecision",
    "NewItem",
    "NewShadow",
    "OutboxRow",
    "PlatformRecord",
    "QueueStats",
    "ReportRecord",
    "SanctionRecord",
    "Store",
    "StrikeRecord",
    "SubjectRecord",
    "SweepRecord",
    "Tx",
    "UserRecord",
    "VersionRow",
    "new_id",
    "unavailable",
    "utc",
]
