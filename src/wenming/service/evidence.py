"""Does the audit log account for every record that matters? The completeness half of
``wenming audit verify`` (the chain itself is :func:`wenming.service.audit.verify`).

Every decision, case decision, strike, sanction and fact-check version in the database
must have been recorded by an audit entry, and the entry must agree with the row (a
decision's digest is checked by the chain walk; here the case decision's verdict and the
sanction's action). A row written straight into the database, bypassing the service,
has no entry and is reported.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from wenming.store import AuditRecord, Store


@dataclass(slots=True)
class _Seen:
    decisions: set[uuid.UUID] = field(default_factory=set)
    case_decisions: dict[uuid.UUID, Any] = field(default_factory=dict)
    strikes: set[uuid.UUID] = field(default_factory=set)
    sanctions: dict[uuid.UUID, Any] = field(default_factory=dict)
    factchecks: set[tuple[str, int]] = field(default_factory=set)

    def add(self, e: AuditRecord) -> None:
        p = e.payload
        for pair in p.get("decisions") or ():
            self.decisions.add(uuid.UUID(str(pair[0])))
        if e.action == "case.decide" and p.get("decision"):
            self.case_decisions[uuid.UUID(str(p["decision"]))] = p.get("verdict")
        if e.action == "strike.add" and p.get("strike"):
            self.strikes.add(uuid.UUID(str(p["strike"])))
        if e.action == "sanction.apply" and p.get("sanction"):
            self.sanctions[uuid.UUID(str(p["sanction"]))] = p.get("action")
        fact = e.action.startswith("factcheck.") and e.subject.startswith("factcheck:")
        if fact and isinstance(p.get("version"), int):
            self.factchecks.add((e.subject.split(":", 1)[1], p["version"]))


def unaccounted(store: Store, *, page: int = 1000, limit: int = 20) -> list[str]:
    """What the audit log does not account for (at most ``limit`` problems)."""
    seen, after = _Seen(), 0
    while batch := store.audit.audit_list(after_seq=after, limit=page):
        for e in batch:
            seen.add(e)
        after = batch[-1].seq
    problems = [
        f"decision {d} has no audit entry"
        for d in sorted(store.audit.evidence_decision_ids() - seen.decisions, key=str)
    ]
    for cid, verdict in sorted(
        store.audit.evidence_case_decisions().items(), key=lambda kv: str(kv[0])
    ):
        if cid not in seen.case_decisions:
            problems.append(f"case decision {cid} has no audit entry")
        elif seen.case_decisions[cid] != verdict:
            problems.append(
                f"case decision {cid} says {verdict!r}, its audit entry "
                f"{seen.case_decisions[cid]!r}"
            )
    problems += [
        f"strike {s} has no audit entry"
        for s in sorted(store.audit.evidence_strike_ids() - seen.strikes, key=str)
    ]
    for sid, action in sorted(store.audit.evidence_sanctions().items(), key=lambda kv: str(kv[0])):
        if sid not in seen.sanctions:
            problems.append(f"sanction {sid} has no audit entry")
        elif seen.sanctions[sid] != action:
            problems.append(
                f"sanction {sid} says {action!r}, its audit entry {seen.sanctions[sid]!r}"
            )
    versions = store.audit.evidence_factcheck_versions() - seen.factchecks
    problems += [f"fact-check {fid} version {v} has no audit entry" for fid, v in sorted(versions)]
    return problems[:limit]
