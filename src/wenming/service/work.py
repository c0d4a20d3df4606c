"""Process the work stream: screen queued items and store their decisions, exactly once.

Messages are small JSON documents (:func:`item_body`, :func:`sweep_body`). A worker
hands a batch to :meth:`Processor.process`, which screens the items in one pipeline call
and writes, in one transaction per platform: the items, a *claim* per (item, text,
policy version), the decisions for the claims it won, one audit entry, the shadow
policy's decisions, the deletion of the items' outbox rows, and whatever the registered
hooks add (cases and enforcement, in later issues). The claim's primary key is what
makes redelivery safe: a message handled twice, even by two workers at once, writes one
decision and runs the hooks once.

Failures are kept apart: an item that crashes a detector is isolated by bisecting the
batch and reported in :attr:`Outcome.failed` (the worker retries it, then dead-letters
it), while a database that is unavailable raises, so the worker backs off and retries
the whole batch.
"""

from __future__ import annotations

import time
import traceback
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import orjson

from wenming.core.model import Decision, Item
from wenming.queue.base import Message, stream_id_ms
from wenming.queue.metrics import Metrics
from wenming.service import audit
from wenming.service.screening import ScreenerLike, new_decision, new_item, text_hash
from wenming.store import (
    DecisionRecord,
    ItemRecord,
    NewShadow,
    PlatformRecord,
    Store,
    Tx,
    unavailable,
)
from wenming.store.engine import redact_detail

ITEM = "item"
SWEEP = "sweep"

#: Called inside the transaction that stored ``records`` (only decisions new to the
#: store, so a redelivered message never runs a hook twice).
DecisionHook = Callable[[Tx, PlatformRecord, list[DecisionRecord]], None]


class ScreenerSource(Protocol):
    """Where the processor gets its screeners: the live policy, the version a sweep
    names, and the shadow (candidate) policy if one is set."""

    def live(self) -> ScreenerLike: ...

    def for_version(self, version: str, source: str) -> ScreenerLike: ...

    def shadow(self) -> ScreenerLike | None: ...


# -- messages --------------------------------------------------------------------------


def item_fields(it: Item) -> dict[str, Any]:
    out: dict[str, Any] = {"id": it.id, "text": it.text}
    for key in ("author", "group", "lang", "created_at"):
        value = getattr(it, key)
        if value is not None:
            out[key] = value
    if it.urls:
        out["urls"] = list(it.urls)
    return out


def item_body(platform_id: int, it: Item, *, outbox_id: int | None = None) -> bytes:
    doc: dict[str, Any] = {"k": ITEM, "p": platform_id, "i": item_fields(it)}
    if outbox_id is not None:
        doc["o"] = outbox_id
    return orjson.dumps(doc)


def item_body_from_payload(platform_id: int, payload: str, outbox_id: int) -> bytes:
    """A message for an outbox row (whose payload is :func:`item_fields` as JSON)."""
    return orjson.dumps({"k": ITEM, "p": platform_id, "o": outbox_id, "i": orjson.loads(payload)})


def sweep_body(
    item: ItemRecord, *, policy_version: str, policy_source: str, sweep_id: int
) -> bytes:
    it = Item(
        id=item.external_id,
        text=item.text,
        author=item.author,
        group=item.group,
        lang=item.lang,
        urls=item.urls,
        created_at=item.posted_at.isoformat() if item.posted_at else None,
    )
    return orjson.dumps(
        {
            "k": SWEEP,
            "p": item.platform_id,
            "i": item_fields(it),
            "v": policy_version,
            "src": policy_source,
            "s": sweep_id,
        }
    )


@dataclass(frozen=True, slots=True)
class Work:
    """A decoded message."""

    message: Message
    kind: str
    platform_id: int
    item: Item
    outbox_id: int | None = None
    policy_version: str | None = None
    policy_source: str | None = None
    sweep_id: int | None = None


def decode(message: Message) -> Work:
    """Raises ``ValueError`` for a body that is not a work message."""
    try:
        doc = orjson.loads(message.body)
        kind = doc["k"]
        if kind not in (ITEM, SWEEP):
            raise ValueError(f"unknown kind {kind!r}")
        item = Item.from_mapping(doc["i"])
        return Work(
            message=message,
            kind=kind,
            platform_id=int(doc["p"]),
            item=item,
            outbox_id=doc.get("o"),
            policy_version=doc.get("v"),
            policy_source=doc.get("src"),
            sweep_id=doc.get("s"),
        )
    except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"not a work message ({exc.__class__.__name__}: {exc})") from None


# -- processing --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Failure:
    work: Work | None
    message: Message
    error: str


@dataclass
class Outcome:
    """What became of a batch: messages to acknowledge and those that failed."""

    done: list[str] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    decided: int = 0
    replayed: int = 0
    outbox_ids: list[int] = field(default_factory=list)


def describe(exc: BaseException) -> str:
    """``Type: message (at file:line in function)`` — enough to find a crashing detector."""
    text = redact_detail("".join(traceback.format_exception_only(exc)).strip())
    frames = traceback.extract_tb(exc.__traceback__)
    if frames:
        last = frames[-1]
        text += f" (at {last.filename.rsplit('/', 1)[-1]}:{last.lineno} in {last.name})"
    return text[:4000]


class Processor:
    """Turns batches of messages into stored decisions; see the module docstring."""

    def __init__(
        self,
        store: Store,
        screeners: ScreenerSource,
        *,
        actor: str = "worker",
        metrics: Metrics | None = None,
        hooks: Sequence[DecisionHook] = (),
    ) -> None:
        self.store = store
        self.screeners = screeners
        self.actor = actor
        self.metrics = metrics
        self.hooks = list(hooks)
        self._platforms: dict[int, PlatformRecord] = {}

    @contextmanager
    def _stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            if self.metrics is not None:
                self.metrics.stage_seconds.labels(name).observe(time.perf_counter() - started)

    def process(self, batch: Sequence[Message]) -> Outcome:
        """Process ``batch``; raises only when the database is unavailable."""
        out = Outcome()
        groups: dict[tuple[str, int, str | None, str | None], list[Work]] = defaultdict(list)
        with self._stage("decode"):
            now_ms = time.time() * 1000
            for m in batch:
                try:
                    w = decode(m)
                except ValueError as exc:
                    out.failed.append(Failure(None, m, str(exc)))
                    continue
                if self.metrics is not None:
                    wait = max(0.0, (now_ms - stream_id_ms(m.id)) / 1000)
                    self.metrics.queue_wait_seconds.observe(wait)
                groups[(w.kind, w.platform_id, w.policy_version, w.policy_source)].append(w)
        for (kind, platform_id, version, source), works in groups.items():
            platform = self._platform(platform_id)
            if platform is None:
                out.failed += [Failure(w, w.message, f"no platform {platform_id}") for w in works]
                continue
            try:
                screener = (
                    self.screeners.live()
                    if kind == ITEM
                    else self.screeners.for_version(version or "", source or "")
                )
            except Exception as exc:
                out.failed += [Failure(w, w.message, describe(exc)) for w in works]
                continue
            for part in _rounds(works):
                self._round(platform, screener, kind, part, out)
        return out

    def _platform(self, platform_id: int) -> PlatformRecord | None:
        found = self._platforms.get(platform_id)
        if found is None:
            found = self.store.access.platform_get(platform_id)
            if found is not None:
                self._platforms[platform_id] = found
        return found

    def _round(
        self,
        platform: PlatformRecord,
        screener: ScreenerLike,
        kind: str,
        works: list[Work],
        out: Outcome,
    ) -> None:
        version = screener.policy.version
        hashes = [text_hash(w.item.text) for w in works]
        with self._stage("lookup"):
            refs = self.store.items.item_refs(
                platform, [w.item.id for w in works], policy_version=version
            )
        todo: list[int] = []
        settled: list[Work] = []
        for n, (w, h) in enumerate(zip(works, hashes, strict=True)):
            ref = refs.get(w.item.id)
            if kind == SWEEP and (ref is None or ref.text_hash != h):
                settled.append(w)  # the item was edited (or is gone) since the sweep began
            elif ref is not None and h in ref.decided:
                settled.append(w)
                out.replayed += 1
            else:
                todo.append(n)
        with self._stage("screen"):
            results = _screen_isolating(screener, [works[n].item for n in todo])
        ok: list[tuple[Work, str, Decision]] = []
        for n, result in zip(todo, results, strict=True):
            if isinstance(result, str):
                out.failed.append(Failure(works[n], works[n].message, result))
            else:
                ok.append((works[n], hashes[n], result))
        shadow = self._shadow([w.item for w, _, _ in ok]) if kind == ITEM else None
        done = list(settled)
        with self._stage("store"):
            try:
                out.decided += self._write(platform, kind, ok, shadow, refs, settled)
                done += [w for w, _, _ in ok]
            except Exception as exc:
                if unavailable(exc):
                    raise
                # One bad row fails the whole transaction: settle the rest, then write
                # each item alone to find the one that cannot be stored.
                out.decided += self._write(platform, kind, [], None, refs, settled)
                for n, entry in enumerate(ok):
                    one = [shadow[n]] if shadow else None
                    try:
                        out.decided += self._write(platform, kind, [entry], one, refs, [])
                    except Exception as single:
                        if unavailable(single):
                            raise
                        out.failed.append(Failure(entry[0], entry[0].message, describe(single)))
                    else:
                        done.append(entry[0])
        for w in done:
            out.done.append(w.message.id)
            if w.outbox_id is not None:
                out.outbox_ids.append(w.outbox_id)

    def _shadow(self, items: list[Item]) -> list[Decision | None] | None:
        candidate = self.screeners.shadow()
        if candidate is None or not items:
            return None
        with self._stage("shadow"):
            try:
                return list(candidate.screen(items))
            except Exception:  # a candidate policy must never stop the live one
                return [None] * len(items)

    def _write(
        self,
        platform: PlatformRecord,
        kind: str,
        ok: list[tuple[Work, str, Decision]],
        shadow: list[Decision | None] | None,
        refs: dict[str, Any],
        settled: list[Work],
    ) -> int:
        outbox = [w.outbox_id for w in settled if w.outbox_id is not None]
        outbox += [w.outbox_id for w, _, _ in ok if w.outbox_id is not None]
        if not ok and not outbox:
            return 0
        now = datetime.now(UTC)
        with self.store.transaction() as tx:
            wtx = tx.work
            ids: dict[str, uuid.UUID] = {ext: ref.id for ext, ref in refs.items()}
            if kind == ITEM:
                fresh = sorted(
                    (new_item(w.item, h) for w, h, _ in ok if w.item.id not in refs),
                    key=lambda it: it.external_id,
                )
                ids.update(tx.items.items_add(platform.id, fresh, now=now))
                changed = sorted(
                    (
                        (refs[w.item.id].id, new_item(w.item, h))
                        for w, h, _ in ok
                        if w.item.id in refs and refs[w.item.id].text_hash != h
                    ),
                    key=lambda pair: pair[1].external_id,
                )
                tx.items.items_update(platform.id, changed, now=now)
            keys = [(ids[w.item.id], h, d.policy_version) for w, h, d in ok]
            won = wtx.claims_take(keys, now=now)
            fresh_decisions = [
                (w, new_decision(d, h, item_id=ids[w.item.id]))
                for (w, h, d), key in zip(ok, keys, strict=True)
                if key in won
            ]
            records = tx.items.decisions_add(platform, [nd for _, nd in fresh_decisions], now=now)
            if records:
                payload: dict[str, Any] = {
                    "decisions": [[str(d.id), audit.decision_digest(d)] for d in records]
                }
                sweeps = sorted({w.sweep_id for w, _ in fresh_decisions if w.sweep_id})
                if sweeps:
                    payload["sweeps"] = sweeps
                audit.append(
                    tx,
                    actor=self.actor,
                    action="screen" if kind == ITEM else "sweep",
                    subject=f"platform:{platform.name}",
                    payload=payload,
                    now=now,
                )
            if shadow:
                wtx.shadow_add(
                    [
                        _new_shadow(platform, ids[w.item.id], h, d, s)
                        for (w, h, d), s, key in zip(ok, shadow, keys, strict=True)
                        if s is not None and key in won
                    ],
                    now=now,
                )
            wtx.outbox_delete(outbox)
            for hook in self.hooks:
                hook(tx, platform, records)
        if self.metrics is not None:
            for rec in records:
                self.metrics.screened.labels(rec.verdict).inc()
        return len(records)


def _rounds(works: list[Work]) -> Iterator[list[Work]]:
    """Split ``works`` so that no item id repeats within a part (an item sent twice in a
    row is decided in order: its first text, then its second)."""
    while works:
        seen: set[str] = set()
        part: list[Work] = []
        later: list[Work] = []
        for w in works:
            if w.item.id in seen:
                later.append(w)
            else:
                seen.add(w.item.id)
                part.append(w)
        yield part
        works = later


def _screen_isolating(screener: ScreenerLike, items: list[Item]) -> list[Decision | str]:
    """Screen ``items``; an item that makes the screener raise gets the error text instead
    of a decision, found by bisecting, so its neighbours are still decided."""
    if not items:
        return []
    try:
        return list(screener.screen(items))
    except Exception as exc:
        if len(items) == 1:
            return [describe(exc)]
    mid = len(items) // 2
    return _screen_isolating(screener, items[:mid]) + _screen_isolating(screener, items[mid:])


def _new_shadow(
    platform: PlatformRecord, item_id: uuid.UUID, digest: str, live: Decision, cand: Decision
) -> NewShadow:
    return NewShadow(
        platform_id=platform.id,
        item_id=item_id,
        text_hash=digest,
        policy_version=cand.policy_version,
        live_policy_version=live.policy_version,
        live_verdict=live.verdict.value,
        verdict=cand.verdict.value,
        live_labels=tuple(live.labels),
        labels=tuple(cand.labels),
        scores={k: round(v, 4) for k, v in cand.scores.items()},
    )
