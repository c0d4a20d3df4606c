"""Checkpoints of the audit chain's head, to publish where the database's operators
cannot rewrite them (a transparency page, a report card, a notary, an auditor's mailbox).

A checkpoint is ``{"seq", "hash", "ts", "mac"}``: the head entry's number and hash, and
an HMAC-SHA256 over both under the audit key (``WENMING_AUDIT_KEY`` or
``WENMING_AUDIT_KEY_FILE``), which lives outside the database. Anyone holding an earlier
checkpoint detects truncation (the chain no longer reaches ``seq``) and rewriting (entry
``seq`` no longer has that hash, even if every later hash was recomputed); the MAC lets
the key holder tell a real checkpoint from one forged to fit a rewritten chain.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from typing import Any

from wenming.service.audit import verify
from wenming.store import Store

_LABEL = b"wenming-audit-checkpoint\n"


def mac(key: bytes, *, seq: int, head: str) -> str:
    return hmac.new(key, _LABEL + f"{seq}\n{head}".encode(), hashlib.sha256).hexdigest()


def make(store: Store, *, key: bytes | None, now: datetime) -> dict[str, Any]:
    """A checkpoint of the chain's head as it is (after verifying the chain)."""
    report = verify(store, decisions=False)
    if not report.ok:
        raise ValueError(f"the chain is broken at entry #{report.broken_seq}: {report.problem}")
    point: dict[str, Any] = {
        "seq": report.head_seq,
        "hash": report.head_hash,
        "ts": now.isoformat(),
    }
    if key is not None:
        point["mac"] = mac(key, seq=report.head_seq, head=report.head_hash)
    return point


def check(store: Store, point: dict[str, Any], *, key: bytes | None) -> str | None:
    """What is wrong between the chain and an earlier checkpoint, or ``None``."""
    try:
        seq, head = int(point["seq"]), str(point["hash"])
    except (KeyError, TypeError, ValueError):
        return "not a checkpoint (it needs seq and hash)"
    if key is not None:
        if "mac" not in point:
            return f"checkpoint #{seq} carries no MAC"
        if not hmac.compare_digest(str(point["mac"]), mac(key, seq=seq, head=head)):
            return f"checkpoint #{seq} has a MAC the audit key did not make (forged?)"
    if seq == 0:
        return None
    found = store.audit.audit_list(after_seq=seq - 1, limit=1)
    if not found or found[0].seq != seq:
        return f"the chain no longer reaches entry #{seq} (truncated)"
    if found[0].hash != head:
        return f"entry #{seq} no longer has the checkpoint's hash (the chain was rewritten)"
    return None
