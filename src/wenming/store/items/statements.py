"""Prepared statements of items and decisions, and the one mapping between their rows
and records.

Statements are built once, with bind parameters, because constructing SQLAlchemy
expressions costs more per call than executing them on a hot path; the store passes
values at execution time. Row → record functions normalise what backends hand back
(SQLite's naive datetimes become UTC-aware), and every time written is
normalised to UTC here, whichever path (insert, bulk insert, update) writes it.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select, update

from wenming.store.access.tables import platforms
from wenming.store.base import opt_utc, utc
from wenming.store.items import tables as t
from wenming.store.items.records import DecisionRecord, ItemRecord, NewItem
from wenming.store.metadata import Document, Timestamp

_author = t.subjects.alias("author")
_group = t.subjects.alias("grp")
_i, _d, _s = t.items, t.decisions, t.subjects

ITEM_SELECT = (
    select(
        *_i.c,
        platforms.c.name.label("platform_name"),
        _author.c.external_id.label("author"),
        _group.c.external_id.label("grp"),
    )
    .join(platforms, platforms.c.id == _i.c.platform_id)
    .outerjoin(_author, _author.c.id == _i.c.author_id)
    .outerjoin(_group, _group.c.id == _i.c.group_id)
)
ITEM_BY_EXTERNAL_ID = ITEM_SELECT.where(
    _i.c.platform_id == bindparam("platform_id"), _i.c.external_id == bindparam("external_id")
)
ITEM_IDS = select(_i.c.external_id, _i.c.id).where(
    _i.c.platform_id == bindparam("platform_id"),
    _i.c.external_id.in_(bindparam("ids", expanding=True)),
)
ITEM_UPDATE = (
    update(_i)
    .where(_i.c.id == bindparam("item_id"))
    .values(
        text=bindparam("text"),
        text_hash=bindparam("text_hash"),
        author_id=bindparam("author_id"),
        group_id=bindparam("group_id"),
        lang=bindparam("lang"),
        urls=bindparam("urls", type_=Document),
        posted_at=bindparam("posted_at", type_=Timestamp),
        updated_at=bindparam("updated_at", type_=Timestamp),
    )
)
SUBJECT_IDS = select(_s.c.kind, _s.c.external_id, _s.c.id).where(
    _s.c.platform_id == bindparam("platform_id"),
    _s.c.external_id.in_(bindparam("ids", expanding=True)),
)

DECISION_SELECT = (
    select(
        *_d.c,
        _i.c.external_id.label("item_external_id"),
        platforms.c.name.label("platform_name"),
    )
    .join(_i, _i.c.id == _d.c.item_id)
    .join(platforms, platforms.c.id == _d.c.platform_id)
)
DECISION_BY_ID = DECISION_SELECT.where(_d.c.id == bindparam("id"))
DECISION_BY_IDS = DECISION_SELECT.where(_d.c.id.in_(bindparam("ids", expanding=True)))
DECISIONS_OF_ITEM = (
    DECISION_SELECT.where(_d.c.item_id == bindparam("item_id"))
    .order_by(_d.c.created_at.desc(), _d.c.id.desc())
    .limit(bindparam("limit"))
)
DECISION_COUNT = select(func.count()).select_from(_d)
DECISION_INSERT = _d.insert()


def item(row: Any) -> ItemRecord:
    return ItemRecord(
        id=row.id,
        platform_id=row.platform_id,
        platform_name=row.platform_name,
        external_id=row.external_id,
        text=row.text,
        text_hash=row.text_hash,
        author=row.author,
        group=row.grp,
        lang=row.lang,
        urls=tuple(row.urls),
        posted_at=opt_utc(row.posted_at),
        created_at=utc(row.created_at),
        updated_at=utc(row.updated_at),
    )


def item_row(
    platform_id: int,
    it: NewItem,
    subjects: dict[tuple[str, str], int],
    now: datetime,
    item_id: uuid.UUID,
) -> dict[str, Any]:
    return {
        "id": item_id,
        "platform_id": platform_id,
        "external_id": it.external_id,
        "text": it.text,
        "text_hash": it.text_hash,
        "author_id": subjects[("account", it.author)] if it.author else None,
        "group_id": subjects[("group", it.group)] if it.group else None,
        "lang": it.lang,
        "urls": list(it.urls),
        "posted_at": opt_utc(it.posted_at),
        "created_at": now,
        "updated_at": now,
    }


def decision(row: Any, platform_name: str | None = None) -> DecisionRecord:
    return DecisionRecord(
        id=row.id,
        platform_id=row.platform_id,
        platform_name=platform_name or row.platform_name,
        item_id=row.item_id,
        item_external_id=row.item_external_id,
        text_hash=row.text_hash,
        verdict=row.verdict,
        labels=tuple(row.labels),
        scores=dict(row.scores),
        evidence=list(row.evidence),
        reasons=tuple(row.reasons),
        policy_version=row.policy_version,
        automated=bool(row.automated),
        actor_key_id=row.actor_key_id,
        actor_user=row.actor_user,
        statement=row.statement,
        created_at=utc(row.created_at),
    )


def decision_row(d: DecisionRecord) -> dict[str, Any]:
    return {
        "id": d.id,
        "platform_id": d.platform_id,
        "item_id": d.item_id,
        "text_hash": d.text_hash,
        "verdict": d.verdict,
        "labels": list(d.labels),
        "scores": d.scores,
        "evidence": d.evidence,
        "reasons": list(d.reasons),
        "policy_version": d.policy_version,
        "automated": d.automated,
        "actor_key_id": d.actor_key_id,
        "actor_user": d.actor_user,
        "statement": d.statement,
        "created_at": d.created_at,
    }
