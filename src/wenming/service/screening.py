"""Screen a platform's items and record every item and decision, idempotently.

:func:`screen` is the pre-publication interception path: it answers synchronously and
has stored the items, the decisions and one audit entry when it returns. Re-sending an
item (same platform, id, text and policy version) returns the stored decision instead
of a new one, so a client may retry freely. The screening itself runs before the write
transaction opens, so the database is held only for the inserts. Reads that respect
tenancy (:func:`decision_get`, :func:`item_history`) live here too.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from wenming.core.model import Decision, Item
from wenming.core.reasons import statement_of_reasons
from wenming.service import audit
from wenming.service.errors import ForbiddenError, InvalidError, NotFoundError
from wenming.service.keys import Permission, Principal
from wenming.service.recorder import DecisionHook, Recorder, Recording
from wenming.store import DecisionRecord, ItemRecord, NewDecision, NewItem, PlatformRecord, Store
from wenming.store.items.records import storable_instant

# Placeholder item id of a decision whose item is stored in the same transaction.
_PENDING = uuid.UUID(int=0)


class PolicyLike(Protocol):
    @property
    def version(self) -> str: ...


class ScreenerLike(Protocol):
    """What the service needs of :class:`wenming.detectors.screener.Screener`."""

    @property
    def policy(self) -> PolicyLike: ...

    def screen(self, items: Sequence[Item]) -> list[Decision]: ...


@dataclass(frozen=True, slots=True)
class ScreenOutcome:
    """One item's answer: the stored decision, and whether it was replayed from the store."""

    decision: DecisionRecord
    replayed: bool


def text_hash(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


Offload = Callable[[Callable[[], "Prepared"]], Awaitable["Prepared"]]


@dataclass(frozen=True, slots=True)
class Prepared:
    """A screened request waiting to be recorded: the answers already stored, and the
    writes (``job``) for the rest, if any."""

    outcomes: list[ScreenOutcome | None]
    todo: list[int]
    job: Recording | None

    def finish(self, records: Sequence[DecisionRecord]) -> list[ScreenOutcome]:
        outcomes = list(self.outcomes)
        for n, record in zip(self.todo, records, strict=True):
            outcomes[n] = ScreenOutcome(record, replayed=False)
        return [o for o in outcomes if o is not None]


def prepare(
    store: Store,
    screener: ScreenerLike,
    *,
    platform: PlatformRecord,
    principal: Principal | None,
    items: Sequence[Item],
) -> Prepared:
    """Check the caller, find the items already decided, screen the others."""
    if principal is not None:
        _require(principal, Permission.SCREEN)
        if not principal.sees(platform.id):
            raise ForbiddenError(f"this key cannot screen for platform {platform.name!r}")
    ids = [it.id for it in items]
    if len(set(ids)) != len(ids):
        raise InvalidError("items: every item id in one request must be different")
    version = screener.policy.version
    hashes = [text_hash(it.text) for it in items]
    refs = store.items.item_refs(platform, ids, policy_version=version)

    outcomes: list[ScreenOutcome | None] = [None] * len(items)
    todo: list[int] = []
    for n, (it, h) in enumerate(zip(items, hashes, strict=True)):
        ref = refs.get(it.id)
        stored = ref.decided.get(h) if ref else None
        if stored is not None:
            outcomes[n] = ScreenOutcome(stored, replayed=True)
        else:
            todo.append(n)
    if not todo:
        return Prepared(outcomes, todo, None)

    decided = screener.screen([items[n] for n in todo])
    key_id = principal.key.id if principal else None
    job = Recording(
        platform=platform,
        actor=principal.actor if principal else "system",
        fresh=[new_item(items[n], hashes[n]) for n in todo if items[n].id not in refs],
        changed=[
            (refs[items[n].id].id, new_item(items[n], hashes[n]))
            for n in todo
            if items[n].id in refs and refs[items[n].id].text_hash != hashes[n]
        ],
        known={ext: ref.id for ext, ref in refs.items()},
        decisions=[
            new_decision(d, hashes[n], key_id=key_id) for n, d in zip(todo, decided, strict=True)
        ],
    )
    return Prepared(outcomes, todo, job)


def screen(
    store: Store,
    screener: ScreenerLike,
    *,
    platform: PlatformRecord,
    principal: Principal | None,
    items: Sequence[Item],
    recorder: Recorder | None = None,
    hooks: Sequence[DecisionHook] = (),
) -> list[ScreenOutcome]:
    """Screen ``items`` for ``platform`` and record them; one outcome per item, in order.

    With the runtime's ``recorder``, concurrent calls share write transactions (and run
    its hooks); without one, this call writes its own, running ``hooks``."""
    ready = prepare(store, screener, platform=platform, principal=principal, items=items)
    if ready.job is None:
        return ready.finish([])
    if recorder is not None:
        records = recorder.record(ready.job)
    else:
        records = Recorder.write_now(store, ready.job, hooks)
    return ready.finish(records)


async def screen_async(
    store: Store,
    screener: ScreenerLike,
    *,
    platform: PlatformRecord,
    principal: Principal | None,
    items: Sequence[Item],
    recorder: Recorder,
    offload: Offload | None = None,
) -> list[ScreenOutcome]:
    """:func:`screen` for an event loop: ``offload`` runs the screening (CPU work) off
    the loop, so one long request cannot freeze the server; the commit happens on the
    recorder's writer thread and is awaited. Without ``offload`` it runs inline."""

    def work() -> Prepared:
        return prepare(store, screener, platform=platform, principal=principal, items=items)

    ready = work() if offload is None else await offload(work)
    if ready.job is None:
        return ready.finish([])
    return ready.finish(await recorder.record_async(ready.job))


def new_item(it: Item, digest: str) -> NewItem:
    """The one mapping of an incoming item to what the store keeps (the synchronous and
    the work-stream paths both use it; the store normalises its times to UTC)."""
    return NewItem(
        external_id=it.id,
        text=it.text,
        text_hash=digest,
        author=it.author,
        group=it.group,
        lang=it.lang,
        urls=it.urls,
        posted_at=_parse_ts(it.created_at),
    )


def _parse_ts(value: str | None) -> datetime | None:
    """An ISO 8601 time; one without an offset is taken as UTC, an unreadable one as none."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if not storable_instant(parsed):
        return None  # the API refuses these; other paths keep the item without the time
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def new_decision(
    d: Decision, digest: str, *, item_id: uuid.UUID = _PENDING, key_id: int | None = None
) -> NewDecision:
    """The one mapping of an engine decision to what the store keeps; ``item_id`` stays a
    placeholder when the item is stored in the same transaction."""
    wire = d.to_dict()
    return NewDecision(
        item_id=item_id,
        item_external_id=d.item_id,
        text_hash=digest,
        verdict=d.verdict.value,
        labels=tuple(d.labels),
        scores=wire["scores"],
        evidence=wire["evidence"],
        reasons=tuple(d.reasons),
        policy_version=d.policy_version,
        automated=d.automated,
        statement=statement_of_reasons(d),
        actor_key_id=key_id,
    )


def _require(principal: Principal, permission: Permission) -> None:
    if not principal.can(permission):
        raise ForbiddenError(f"role {principal.role.value!r} may not {permission.value}")


def decision_get(store: Store, principal: Principal, decision_id: uuid.UUID) -> DecisionRecord:
    """One decision, if the caller may see it (another tenant's looks like a missing one)."""
    _require(principal, Permission.READ)
    found = store.items.decision_get(decision_id)
    if found is None or not principal.sees(found.platform_id):
        raise NotFoundError(f"no decision {decision_id}")
    return found


def item_history(
    store: Store, principal: Principal, *, platform: str | None, external_id: str, limit: int = 100
) -> tuple[ItemRecord, list[DecisionRecord]]:
    """An item and its decisions, newest first."""
    _require(principal, Permission.READ)
    record = _platform_for(store, principal, platform)
    item = store.items.item_get(record.id, external_id)
    if item is None:
        raise NotFoundError(f"no item {external_id!r} on platform {record.name!r}")
    return item, store.items.decision_list_for_item(item.id, limit=limit)


def _platform_for(store: Store, principal: Principal, name: str | None) -> PlatformRecord:
    bound = principal.key.platform_name
    if name is not None and not name:
        raise InvalidError("platform: must not be empty (leave ?platform= out instead)")
    if name is None and bound is None:
        raise InvalidError("platform: this key is not bound to a platform; pass ?platform=NAME")
    if name is not None and bound is not None and name != bound:
        raise ForbiddenError(f"this key can only see platform {bound!r}")
    wanted = name or bound
    assert wanted is not None
    record = store.access.platform_by_name(wanted)
    if record is None:
        raise NotFoundError(f"no platform {wanted!r}")
    return record


def platform_for_screening(store: Store, principal: Principal, name: str | None) -> PlatformRecord:
    """The platform a screening request is for: the key's own, or (for an unbound admin
    key) the one named."""
    _require(principal, Permission.SCREEN)
    return _platform_for(store, principal, name)


def policy_activate(
    store: Store, *, version: str, source: str, now: datetime | None = None
) -> bool:
    """Audit a change of the policy in force; ``False`` when ``version`` already is."""
    last = store.audit.audit_latest("policy.activate")
    if last is not None and last.payload.get("version") == version:
        return False
    now = now or datetime.now(UTC)
    with store.transaction() as tx:
        audit.append(
            tx,
            actor="system",
            action="policy.activate",
            subject=f"policy:{version.split('@')[0]}",
            payload={
                "version": version,
                "source": source,
                "previous": last.payload.get("version") if last else None,
            },
            now=now,
        )
    return True
