"""Fact-check use cases: publish, edit and withdraw fact-checks; the public feed and search.

Writes need a ``factchecker`` (or ``admin``) key; each is one transaction holding the
new current row, its version row and an audit entry. A fact-check's embedding is
computed when its text changes and stored with it, so the registry is embedded once.
:class:`FactCheckIndex` keeps a :class:`~wenming.detectors.claims.matcher.Matcher` over the
stored registry for search ("in any language") and rebuilds it when the registry
changes. :func:`snapshot` writes the registry to a directory in the format the
screening detector reads, which is how the database reaches screening workers.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from wenming.core.factcheck import FactCheck, FactCheckError, factcheck_from_mapping
from wenming.detectors.claims.embed import Embedder, embed_factchecks, recipe
from wenming.detectors.claims.matcher import Matcher, embedding_text
from wenming.detectors.claims.registry import FactCheckDir, text_hash
from wenming.service import audit
from wenming.service.errors import ForbiddenError, InvalidError, NotFoundError
from wenming.service.keys import Principal, Role
from wenming.store import FactCheckRow, Store, VersionRow

WRITERS = (Role.FACTCHECKER, Role.ADMIN)


@dataclass(frozen=True, slots=True)
class FactCheckView:
    """A fact-check as the API shows it: the record, its dates and its match count."""

    factcheck: FactCheck
    created_at: datetime
    updated_at: datetime
    matches: int | None = None
    score: float | None = None


class FactCheckIndex:
    """The matcher over the stored registry, kept current incrementally.

    The database is the single source of truth: search and screening both ask this
    index, which (at most every ``check_seconds``) compares the registry's stamp and,
    when it changed, reads only the fact-checks written since the last look, reusing
    every stored embedding; the matcher is then rebuilt from memory.
    """

    def __init__(self, embedder: Embedder, *, check_seconds: float = 0.0) -> None:
        self.embedder = embedder
        self.check_seconds = check_seconds
        self._matcher: Matcher | None = None
        self._stamp: object = None
        self._checked = -math.inf
        self._since: datetime | None = None
        self._rows: dict[str, tuple[int, FactCheck, np.ndarray, datetime]] = {}
        self._lock = threading.Lock()

    def matcher(self, store: Store) -> Matcher:
        now = time.monotonic()
        if self._matcher is not None and now - self._checked < self.check_seconds:
            return self._matcher
        stamp = store.factchecks.factcheck_stamp()
        with self._lock:
            self._checked = now
            if self._matcher is None or stamp != self._stamp:
                changed = store.factchecks.factcheck_changed(self._since)
                self._apply(changed)
                ordered = sorted(self._rows.values(), key=lambda r: r[0])
                vectors = (
                    np.stack([r[2] for r in ordered])
                    if ordered
                    else np.zeros((0, self.embedder.dim), dtype=np.float32)
                )
                self._matcher = Matcher([r[1] for r in ordered], vectors, embedder=self.embedder)
                self._stamp = stamp
            return self._matcher

    def _apply(self, changed: Sequence[FactCheckRow]) -> None:
        # The read starts at the last change seen, so it sees that row again: skip what
        # is already held unchanged.
        fresh = [
            r
            for r in changed
            if (held := self._rows.get(r.factcheck.id)) is None
            or held[3] != r.updated_at
            or r.deleted_at is not None
        ]
        live = [r for r in fresh if r.deleted_at is None]
        for r in fresh:
            self._rows.pop(r.factcheck.id, None)
        for r, vec in zip(live, _vectors(live, self.embedder), strict=True):
            self._rows[r.factcheck.id] = (r.seq, r.factcheck, vec, r.updated_at)
        if changed:
            latest = max(r.updated_at for r in changed)
            self._since = latest if self._since is None else max(self._since, latest)


class StoreFactChecks:
    """The live fact-check source the screening detector reads: the index over a store."""

    def __init__(self, index: FactCheckIndex, store: Store) -> None:
        self.index = index
        self.store = store

    def matcher(self) -> Matcher:
        return self.index.matcher(self.store)


def _vectors(rows: Sequence[FactCheckRow], embedder: Embedder) -> np.ndarray:
    out = np.zeros((len(rows), embedder.dim), dtype=np.float32)
    missing: list[int] = []
    want = recipe(embedder)
    for i, r in enumerate(rows):
        if r.embedding is not None and r.embedding_recipe == want:
            out[i] = np.frombuffer(r.embedding, dtype=np.float16)
        else:
            missing.append(i)
    if missing:  # written by another model: embed here (not stored; a write re-stores)
        texts = [embedding_text(rows[i].factcheck) for i in missing]
        out[missing] = embed_factchecks(embedder, texts)
    return out


def require_writer(principal: Principal) -> None:
    """Only ``factchecker`` and ``admin`` keys publish (``ForbiddenError`` otherwise)."""
    if principal.role not in WRITERS:
        raise ForbiddenError("publishing fact-checks needs a factchecker or admin key")


def parse(raw: dict[str, Any]) -> FactCheck:
    """Validate an API body or import record (``InvalidError`` names the fault)."""
    try:
        return factcheck_from_mapping(raw)
    except FactCheckError as exc:
        raise InvalidError(exc.reason) from None


def put(
    store: Store,
    embedder: Embedder,
    incoming: Iterable[FactCheck],
    *,
    actor: str,
    now: datetime,
    create_only: bool = False,
) -> list[tuple[FactCheck, str]]:
    """Create or update fact-checks (the caller checked the writer, see
    :func:`require_writer`); returns each record with ``created``, ``updated`` or
    ``unchanged``. Unchanged records are not written again."""
    items = list(incoming)
    want = recipe(embedder)
    current = store.factchecks.factcheck_rows([fc.id for fc in items])
    plans: list[tuple[FactCheck, str, np.ndarray | None, str]] = []
    to_embed: list[int] = []
    for fc in items:
        row = current.get(fc.id)
        if create_only and row is not None and row.deleted_at is None:
            raise InvalidError(f"a fact-check with id {fc.id!r} exists; use PUT to change it")
        h = text_hash(embedding_text(fc))
        if row is None or row.deleted_at is not None:
            version = 1 if row is None else row.factcheck.version + 1
            plans.append((replace(fc, version=version), "create", None, h))
        elif row.factcheck.same_content(fc):
            plans.append((row.factcheck, "unchanged", None, h))
            continue
        else:
            plans.append((replace(fc, version=row.factcheck.version + 1), "update", None, h))
        if (
            row is not None
            and row.embedding_hash == h
            and row.embedding_recipe == want
            and row.embedding is not None
        ):
            kept = np.frombuffer(row.embedding, dtype=np.float16).astype(np.float32)
            plans[-1] = (plans[-1][0], plans[-1][1], kept, h)
        else:
            to_embed.append(len(plans) - 1)
    if to_embed:
        vecs = embed_factchecks(embedder, [embedding_text(plans[i][0]) for i in to_embed])
        for i, fresh in zip(to_embed, vecs, strict=True):
            plans[i] = (plans[i][0], plans[i][1], fresh, plans[i][3])
    with store.transaction() as tx:
        for fc, change, vec, h in plans:
            if change == "unchanged":
                continue
            tx.factchecks.factcheck_put(
                fc,
                change=change,
                actor=actor,
                now=now,
                embedding=vec,
                recipe=want,
                text_hash=h,
            )
            audit.append(
                tx,
                actor=actor,
                action=f"factcheck.{change}",
                subject=f"factcheck:{fc.id}",
                payload={"version": fc.version, "verdict": fc.verdict},
                now=now,
            )
    outcome = {"create": "created", "update": "updated", "unchanged": "unchanged"}
    return [(fc, outcome[change]) for fc, change, _, _ in plans]


def delete(store: Store, fid: str, *, actor: str, now: datetime) -> None:
    with store.transaction() as tx:
        row = tx.factchecks.factcheck_get(fid)
        if row is None or row.deleted_at is not None:
            raise NotFoundError(f"no fact-check with id {fid!r}")
        tx.factchecks.factcheck_delete(row.factcheck, actor=actor, now=now)
        audit.append(
            tx,
            actor=actor,
            action="factcheck.delete",
            subject=f"factcheck:{fid}",
            payload={"version": row.factcheck.version + 1},
            now=now,
        )


def get(store: Store, fid: str) -> FactCheckView:
    """One live fact-check with how many posts matched it (a count, never who)."""
    row = store.factchecks.factcheck_get(fid)
    if row is None or row.deleted_at is not None:
        raise NotFoundError(f"no fact-check with id {fid!r}")
    count = store.factchecks.match_count(fid)
    return FactCheckView(row.factcheck, row.created_at, row.updated_at, matches=count)


def versions(store: Store, fid: str) -> list[VersionRow]:
    found = store.factchecks.factcheck_versions_of(fid)
    if not found:
        raise NotFoundError(f"no fact-check with id {fid!r}")
    return found


def search(
    store: Store,
    index: FactCheckIndex | None,
    *,
    q: str | None = None,
    verdict: str | None = None,
    tag: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> tuple[list[FactCheckView], int]:
    """The public feed (newest first) or, with ``q``, the fact-checks nearest to ``q`` in
    any language, best first; filtered by verdict, tag and publication date."""
    if not q:
        rows, total = store.factchecks.factcheck_list(
            verdict=verdict, tag=tag, since=since, until=until, limit=limit, offset=offset
        )
        return [FactCheckView(r.factcheck, r.created_at, r.updated_at) for r in rows], total
    if index is None:
        raise InvalidError("text search is not available on this server")
    matcher = index.matcher(store)
    [found] = matcher.match([q], top=200, dense="always")
    keep = [
        m for m in found if m.score >= 0.05 and _passes(m.factcheck, verdict, tag, since, until)
    ]
    page = keep[offset : offset + limit]
    by_id = store.factchecks.factcheck_rows([m.factcheck.id for m in page])
    views = [
        FactCheckView(
            by_id[m.factcheck.id].factcheck,
            by_id[m.factcheck.id].created_at,
            by_id[m.factcheck.id].updated_at,
            score=m.score,
        )
        for m in page
        if m.factcheck.id in by_id
    ]
    return views, len(keep)


def _passes(
    fc: FactCheck, verdict: str | None, tag: str | None, since: str | None, until: str | None
) -> bool:
    if verdict and fc.verdict != verdict:
        return False
    if tag and tag.lower() not in fc.tags:
        return False
    day = (fc.published or "")[:10]
    if since and day < since:
        return False
    return not (until and (not day or day > until))


def snapshot(store: Store, path: Path) -> int:
    """Write the stored registry (records and embeddings) as a registry directory."""
    rows = store.factchecks.factcheck_all()
    reg = FactCheckDir(path)
    reg.save([r.factcheck for r in rows])
    recipes = {r.embedding_recipe for r in rows}
    if rows and len(recipes) == 1 and None not in recipes and all(r.embedding for r in rows):
        vecs = np.stack([np.frombuffer(r.embedding or b"", dtype=np.float16) for r in rows])
        reg.store_vectors(
            vecs.astype(np.float32),
            [(r.factcheck.id, r.embedding_hash or "") for r in rows],
            recipe=next(iter(recipes)) or "",
        )
    return len(rows)
