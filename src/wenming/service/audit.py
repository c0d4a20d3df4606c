"""The audit log: an append-only, hash-chained record of everything that changed state.

Each entry's ``hash`` is SHA-256 over the previous entry's hash and the canonical JSON of
its own fields, so altering, inserting or deleting any entry breaks every later link.
With an audit key set (``WENMING_AUDIT_KEY``, kept outside the database) each entry also
carries an HMAC of its hash, so even an operator who rewrites an entry and re-hashes
everything after it cannot make :func:`verify` pass without the key.
Screening entries also carry a digest of each decision they record, so :func:`verify`
catches a decision edited in place as well. The chain proves internal consistency; to
catch truncation of its tail, publish the head that ``wenming audit verify`` prints
somewhere the database's operators cannot rewrite.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from wenming.store import AuditRecord, DecisionRecord, Store, Tx

GENESIS = "0" * 64


def canonical(value: Any) -> bytes:
    """The one JSON encoding hashes are taken over: sorted keys, no spaces, UTF-8
    (orjson: floats in their shortest round-trip form, NaN and infinities as null)."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def _ts(value: datetime) -> str:
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(
    *,
    prev_hash: str,
    seq: int,
    ts: datetime,
    actor: str,
    action: str,
    subject: str,
    payload: dict[str, Any],
) -> str:
    body = canonical(
        {
            "seq": seq,
            "ts": _ts(ts),
            "actor": actor,
            "action": action,
            "subject": subject,
            "payload": payload,
        }
    )
    return hashlib.sha256(prev_hash.encode() + b"\n" + body).hexdigest()


def key_id(key: bytes) -> str:
    """A short public name of an audit key (so entries say which key MAC'd them)."""
    return hashlib.sha256(b"wenming-audit-key\n" + key).hexdigest()[:8]


def entry_mac(key: bytes, entry_hash_hex: str) -> str:
    """``kid:hmac``: the keyed MAC of an entry's hash, under the key named ``kid``."""
    mac = hmac.new(key, b"audit-entry\n" + entry_hash_hex.encode(), hashlib.sha256).hexdigest()
    return f"{key_id(key)}:{mac}"


def decision_digest(d: DecisionRecord) -> str:
    """A 128-bit digest of what a decision says; the audit entry that recorded it keeps it."""
    body = canonical(
        {
            "id": str(d.id),
            "platform_id": d.platform_id,
            "item_id": str(d.item_id),
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
            "created_at": _ts(d.created_at),
        }
    )
    return hashlib.sha256(body).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Change:
    """What an audit entry says: who did what to which subject, with details."""

    actor: str
    action: str
    subject: str
    payload: dict[str, Any]


def append(
    tx: Tx, *, actor: str, action: str, subject: str, payload: dict[str, Any], now: datetime
) -> AuditRecord:
    """Add one entry at the head of the chain, inside the caller's transaction."""
    return append_many(tx, [Change(actor, action, subject, payload)], now=now)[0]


def append_many(tx: Tx, changes: list[Change], *, now: datetime) -> list[AuditRecord]:
    """Add entries at the head of the chain, in order, inside the caller's transaction."""
    head = tx.audit.audit_head()
    seq, prev = (head[0] + 1, head[1]) if head else (1, GENESIS)
    key = tx.store.audit_key
    entries = []
    for c in changes:
        digest = entry_hash(
            prev_hash=prev,
            seq=seq,
            ts=now,
            actor=c.actor,
            action=c.action,
            subject=c.subject,
            payload=c.payload,
        )
        entry = AuditRecord(
            seq=seq,
            ts=now,
            actor=c.actor,
            action=c.action,
            subject=c.subject,
            payload=c.payload,
            prev_hash=prev,
            hash=digest,
            mac=entry_mac(key, digest) if key else None,
        )
        entries.append(entry)
        seq, prev = seq + 1, digest
    tx.audit.audit_add(entries)
    return entries


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """What :func:`verify` found: ``ok``, or the first broken link and what is wrong."""

    ok: bool
    entries: int
    decisions_checked: int
    head_seq: int
    head_hash: str
    broken_seq: int | None = None
    problem: str | None = None
    macs_checked: int = 0


def verify(
    store: Store, *, decisions: bool = True, page: int = 1000, keys: Sequence[bytes] = ()
) -> VerifyReport:
    """Walk the chain from its start; stop at the first entry that does not hold.

    With ``keys`` (the audit key and any retired ones), every entry's MAC is checked too:
    a MAC under a key not given, a MAC that does not match (the entry was rewritten and
    re-hashed by someone without the key), or an entry without a MAC after the first
    MAC'd one (MACs stripped) each break the chain. A chain with no MAC at all passes
    with ``macs_checked == 0`` (the key was set after its newest entry — or every MAC was
    stripped, which only a published checkpoint can tell).
    """
    by_kid = {key_id(k): k for k in keys}
    keyed, macs = False, 0
    expected_seq, prev, count, checked = 1, GENESIS, 0, 0

    def broken(seq: int, problem: str) -> VerifyReport:
        return VerifyReport(False, count, checked, expected_seq - 1, prev, seq, problem)

    while True:
        batch = store.audit.audit_list(after_seq=expected_seq - 1, limit=page)
        if not batch:
            return VerifyReport(True, count, checked, expected_seq - 1, prev, macs_checked=macs)
        for e in batch:
            if e.seq != expected_seq:
                return broken(e.seq, f"entry {expected_seq} is missing (next is {e.seq})")
            if e.prev_hash != prev:
                return broken(e.seq, "prev_hash does not match the previous entry's hash")
            again = entry_hash(
                prev_hash=e.prev_hash,
                seq=e.seq,
                ts=e.ts,
                actor=e.actor,
                action=e.action,
                subject=e.subject,
                payload=e.payload,
            )
            if again != e.hash:
                return broken(e.seq, "entry content does not match its hash (altered)")
            if by_kid:
                problem = _check_mac(e, by_kid, keyed=keyed)
                if problem:
                    return broken(e.seq, problem)
                keyed = keyed or e.mac is not None
                macs += e.mac is not None
            if decisions:
                problem = _check_decisions(store, e)
                if problem:
                    return broken(e.seq, problem)
                checked += len(e.payload.get("decisions", ()))
            expected_seq, prev, count = e.seq + 1, e.hash, count + 1


def _check_mac(e: AuditRecord, by_kid: dict[str, bytes], *, keyed: bool) -> str | None:
    if e.mac is None:
        return "entry has no MAC although earlier entries do (MACs stripped)" if keyed else None
    kid, _, _ = e.mac.partition(":")
    key = by_kid.get(kid)
    if key is None:
        return f"entry is MAC'd under key {kid!r}, which was not given"
    if not hmac.compare_digest(entry_mac(key, e.hash), e.mac):
        return "entry's MAC does not match its hash (rewritten without the audit key)"
    return None


def _check_decisions(store: Store, entry: AuditRecord) -> str | None:
    listed = entry.payload.get("decisions")
    if not listed:
        return None
    want = {uuid.UUID(str(pair[0])): str(pair[1]) for pair in listed}
    found = {d.id: d for d in store.items.decision_list(list(want))}
    for decision_id, digest in want.items():
        d = found.get(decision_id)
        if d is None:
            return f"decision {decision_id} recorded by this entry is missing"
        if decision_digest(d) != digest:
            return f"decision {decision_id} was altered after it was recorded"
    return None
