"""Graduated enforcement: strikes, ladders and sanctions on accounts, groups and sites.

When a moderator upholds a violation, :func:`apply` records a strike against each
subject it implicates (the item's author and group, the sites its links point to, or
the reported account, group or site itself), weighted by the category's severity and
expiring per the ladder; the subject's active strike weight then places it on a step of
its ladder, whose sanction is imposed with a statement of reasons (DSA Art. 17 fields).
When an appeal overturns the decision, :func:`reverse` removes its strikes and lifts
its sanctions. Sanctions end by themselves: a sanction is in force while ``now`` is
before its ``ends_at`` (the audit entry that imposed it records that end), so expiry
needs no job and is exact under any clock a test injects.

Sites are subjects of a reserved platform, ``_web``, keyed by registrable domain, so a
domain accumulates violations across every platform.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from wenming.core.domains import registrable_domain
from wenming.core.governance import Ladder, describe_seconds, ladder_for
from wenming.core.policy import Policy
from wenming.service import audit
from wenming.service.cases import require
from wenming.service.errors import InvalidError, NotFoundError
from wenming.service.keys import Permission, Principal
from wenming.store import (
    DecisionRecord,
    ItemRecord,
    PlatformRecord,
    SanctionRecord,
    Store,
    StrikeRecord,
    SubjectRecord,
    Tx,
    new_id,
)
from wenming.store.enforcement.repo import EnforcementWrites

SITE_PLATFORM = "_web"
#: Sanctions that restrict something while in force; the others are notices on record.
RESTRICTIVE = frozenset({"mute", "suspend", "ban", "restrict", "dissolve", "close"})
TERRITORIAL_SCOPE = "every territory where the platform operates"


@dataclass(frozen=True, slots=True)
class Target:
    """A subject a decision implicates."""

    kind: str
    platform_id: int
    platform_name: str
    subject_id: int
    ref: str

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.platform_name}/{self.ref}"


@dataclass(frozen=True, slots=True)
class Applied:
    """What a decision did to one subject: the strike, and the sanction if a step applied."""

    target: Target
    strike: StrikeRecord
    total: float
    sanction: SanctionRecord | None


@dataclass(frozen=True, slots=True)
class Standing:
    """A subject's position on one ladder."""

    ladder: str
    weight: float
    step: int
    action: str | None


@dataclass(frozen=True, slots=True)
class SubjectState:
    """Everything known about a subject's enforcement record at ``now``."""

    subject: SubjectRecord
    now: datetime
    active: list[SanctionRecord]
    sanctions: list[SanctionRecord]
    strikes: list[StrikeRecord]
    standings: list[Standing]
    minor: bool
    minor_age: int | None
    decisions: list[DecisionRecord]
    window_seconds: int
    violations_in_window: int

    @property
    def status(self) -> str:
        """The strongest restriction in force (``ok`` if none)."""
        order = ["close", "dissolve", "ban", "suspend", "restrict", "mute"]
        actions = {s.action for s in self.active if s.action in RESTRICTIVE}
        return next((a for a in order if a in actions), "ok")


def in_force(s: SanctionRecord, now: datetime) -> bool:
    """Whether a sanction binds at ``now``; a rectification notice counts until its
    deadline."""
    if s.lifted_at is not None or (s.ends_at is not None and s.ends_at <= now):
        return False
    return s.action in RESTRICTIVE or (s.action == "rectify" and s.ends_at is not None)


def site_platform(tx: Tx, now: datetime) -> PlatformRecord:
    """The reserved platform sites belong to (its name cannot be a tenant's)."""
    found = tx.access.platform_by_name(SITE_PLATFORM)
    if found is not None:
        return found
    return tx.access.platform_reserve(SITE_PLATFORM, title="Sites (by registrable domain)", now=now)


def targets(
    tx: Tx,
    *,
    platform: PlatformRecord,
    subject_kind: str,
    subject_id: int | None,
    subject_ref: str,
    item: ItemRecord | None,
    now: datetime,
) -> list[Target]:
    """The subjects a decision on this case's subject implicates."""
    if subject_kind in ("account", "group", "site") and subject_id is not None:
        return [Target(subject_kind, platform.id, platform.name, subject_id, subject_ref)]
    if item is None:
        return []
    wanted = [("account", item.author)] if item.author else []
    wanted += [("group", item.group)] if item.group else []
    ids = tx.items.subject_ids(platform.id, wanted, now=now) if wanted else {}
    out = [Target(k, platform.id, platform.name, ids[(k, ref)], ref) for k, ref in wanted]
    domains = sorted({d for d in (registrable_domain(u) for u in item.urls) if d})
    if domains:
        web = site_platform(tx, now)
        site_ids = tx.items.subject_ids(web.id, [("site", d) for d in domains], now=now)
        out += [Target("site", web.id, web.name, site_ids[("site", d)], d) for d in domains]
    return out


def apply(
    tx: Tx,
    policy: Policy,
    found: Sequence[Target],
    *,
    verdict: str,
    category: str | None,
    decision_id: uuid.UUID,
    case_id: uuid.UUID | None,
    automated_detection: bool,
    ground: str,
    actor: str,
    now: datetime,
) -> tuple[list[Applied], list[audit.Change]]:
    """Strike each target whose ladder counts ``verdict``, and impose the step reached."""
    etx = tx.enforcement
    applied: list[Applied] = []
    changes: list[audit.Change] = []
    cat = policy.categories.get(category) if category else None
    severity = cat.severity if cat else 3
    for target in found:
        ladder = ladder_for(policy.ladders, target.kind, category)
        if ladder is None or verdict not in ladder.counts:
            continue
        etx.subject_lock(target.subject_id)
        expires = ladder.strike_expiry_seconds
        strike = etx.strike_add(
            platform_id=target.platform_id,
            subject_id=target.subject_id,
            ladder=ladder.id,
            category=category,
            severity=severity,
            weight=ladder.weight_for(severity),
            decision_id=decision_id,
            case_id=case_id,
            now=now,
            expires_at=now + timedelta(seconds=expires) if expires else None,
        )
        total = etx.strike_weight(target.subject_id, ladder.id, now)
        changes.append(
            audit.Change(
                actor,
                "strike.add",
                target.label,
                {
                    "strike": str(strike.id),
                    "ladder": ladder.id,
                    "weight": strike.weight,
                    "total": total,
                    "decision": str(decision_id),
                    "expires_at": strike.expires_at.isoformat() if strike.expires_at else None,
                },
            )
        )
        sanction = _impose(
            etx,
            ladder,
            target,
            strike,
            total,
            verdict=verdict,
            automated_detection=automated_detection,
            ground=ground,
            policy=policy,
            actor=actor,
            now=now,
        )
        if sanction is not None:
            changes.append(
                audit.Change(
                    actor,
                    "sanction.apply",
                    target.label,
                    {
                        "sanction": str(sanction.id),
                        "action": sanction.action,
                        "step": sanction.step,
                        "ladder": ladder.id,
                        "decision": str(decision_id),
                        "ends_at": sanction.ends_at.isoformat() if sanction.ends_at else None,
                        "statement": sanction.statement,
                    },
                )
            )
        applied.append(Applied(target, strike, total, sanction))
    return applied, changes


def _impose(
    etx: EnforcementWrites,
    ladder: Ladder,
    target: Target,
    strike: StrikeRecord,
    total: float,
    *,
    verdict: str,
    automated_detection: bool,
    ground: str,
    policy: Policy,
    actor: str,
    now: datetime,
) -> SanctionRecord | None:
    step = ladder.step_for(total)
    if step is None:
        return None
    number = ladder.steps.index(step) + 1
    ends = now + timedelta(seconds=step.duration_seconds) if step.duration_seconds else None
    what = step.action if step.action != "rectify" else "rectification required"
    if step.duration_seconds and step.action != "rectify":
        what += f" for {describe_seconds(step.duration_seconds)}"
    statement: dict[str, Any] = {
        "what": f"{what} ({target.kind} {target.ref})",
        "ground": ground,
        "facts": f"decision {strike.decision_id} ({verdict}); active strike weight {total:g} "
        f"reaches step {number} of the {target.kind} ladder '{ladder.id}'",
        "policy_version": policy.version,
        "automated_detection": automated_detection,
        "automated_decision": "partially: a person decided the violation, the ladder "
        "chose the sanction",
        "territorial_scope": TERRITORIAL_SCOPE,
        "ends_at": ends.isoformat() if ends else None,
        "redress": f'appeal with POST /v1/appeals {{"decision_id": "{strike.decision_id}"}} '
        "(through the platform, or with the report status token); out-of-court "
        "dispute settlement and judicial redress remain open",
    }
    record = SanctionRecord(
        id=new_id(),
        platform_id=target.platform_id,
        subject_id=target.subject_id,
        action=step.action,
        ladder=ladder.id,
        step=number,
        category=strike.category,
        decision_id=strike.decision_id,
        strike_id=strike.id,
        case_id=strike.case_id,
        statement=statement,
        automated=False,
        actor=actor,
        starts_at=now,
        ends_at=ends,
        lifted_at=None,
        lifted_by=None,
        lift_reason=None,
        created_at=now,
    )
    etx.sanction_add(record)
    return record


def reverse(
    tx: Tx, decision_id: uuid.UUID, *, actor: str, reason: str, now: datetime
) -> tuple[list[StrikeRecord], list[SanctionRecord], list[audit.Change]]:
    """Undo what ``decision_id`` imposed: remove its strikes, lift its sanctions."""
    etx = tx.enforcement
    strikes = etx.strikes_remove(decision_id, reason=reason, now=now)
    lifted = etx.sanctions_lift(decision_id=decision_id, by=actor, reason=reason, now=now)
    touched = {s.subject_id for s in strikes} | {s.subject_id for s in lifted}
    labels = {sid: _label(etx, sid) for sid in touched}
    changes = [
        audit.Change(
            actor,
            "strike.remove",
            labels[s.subject_id],
            {"strike": str(s.id), "decision": str(decision_id), "reason": reason},
        )
        for s in strikes
    ] + [
        audit.Change(
            actor,
            "sanction.lift",
            labels[s.subject_id],
            {
                "sanction": str(s.id),
                "action": s.action,
                "decision": str(decision_id),
                "reason": reason,
            },
        )
        for s in lifted
    ]
    return strikes, lifted, changes


def _label(etx: EnforcementWrites, subject_id: int) -> str:
    s = etx.subject_by_id(subject_id)
    return f"{s.kind}:{s.platform_name}/{s.external_id}" if s else f"subject:{subject_id}"


def lift(
    store: Store,
    principal: Principal,
    sanction_id: uuid.UUID,
    *,
    reason: str,
    now: datetime,
    user: str | None = None,
) -> SanctionRecord:
    """Lift one sanction by hand (admins), with the reason on record."""
    require(principal, Permission.MANAGE)
    if not reason.strip():
        raise InvalidError("reason: say why the sanction is lifted")
    actor = user or principal.actor
    with store.transaction() as tx:
        etx = tx.enforcement
        lifted = etx.sanctions_lift(sanction_id=sanction_id, by=actor, reason=reason, now=now)
        if not lifted:
            raise NotFoundError(f"no sanction {sanction_id} in force")
        s = lifted[0]
        audit.append(
            tx,
            actor=actor,
            action="sanction.lift",
            subject=_label(etx, s.subject_id),
            payload={"sanction": str(s.id), "action": s.action, "reason": reason},
            now=now,
        )
    found = store.enforcement.sanction_get(sanction_id)
    assert found is not None
    return found


def sanction_changes(
    store: Store,
    principal: Principal,
    *,
    platform: str | None,
    since: datetime,
    limit: int = 500,
) -> list[tuple[SanctionRecord, SubjectRecord]]:
    """Sanctions on a platform's accounts and groups imposed or lifted since ``since``,
    oldest change first: what a platform polls to enforce them. Page on by passing the
    last change's time as the next ``since`` (a change may then repeat; apply by id)."""
    require(principal, Permission.READ)
    wanted = platform or principal.key.platform_name
    if wanted is None:
        raise InvalidError("platform: this key is not bound to a platform; pass ?platform=NAME")
    record = store.access.platform_by_name(wanted)
    if record is None or (wanted != SITE_PLATFORM and not principal.sees(record.id)):
        raise NotFoundError(f"no platform {wanted!r}")
    return store.enforcement.sanction_changes(record.id, since=since, limit=limit)


def subject_state(
    store: Store,
    policy: Policy,
    principal: Principal,
    *,
    kind: str,
    platform: str,
    ref: str,
    now: datetime,
) -> SubjectState:
    """A subject's record: sanctions in force, history, strikes and ladder standing."""
    require(principal, Permission.READ)
    if kind == "site":
        domain = registrable_domain(ref)
        if domain is None:
            raise InvalidError(f"{ref!r} is not a domain name")
        ref, platform = domain, SITE_PLATFORM
    record = store.access.platform_by_name(platform)
    if record is None or (kind != "site" and not principal.sees(record.id)):
        raise NotFoundError(f"no platform {platform!r}")
    es = store.enforcement
    subject = es.subject_get(record.id, kind, ref)
    if subject is None:
        raise NotFoundError(f"no {kind} {ref!r} on record")
    sanctions = es.sanction_list(subject.id)
    strikes = es.strike_list(subject.id)
    standings = []
    for lid in sorted({s.ladder for s in strikes}):
        ladder = policy.ladders.get(kind, {}).get(lid) or ladder_for(policy.ladders, kind, None)
        weight = sum(s.weight for s in strikes if s.ladder == lid and s.active(now))
        step = ladder.step_for(weight) if ladder else None
        number = ladder.steps.index(step) + 1 if ladder and step else 0
        standings.append(Standing(lid, weight, number, step.action if step else None))
    default = ladder_for(policy.ladders, kind, None)
    window = default.window_seconds if default else 30 * 86400
    minor, age = es.minor_age(subject.id) if kind == "account" else (False, None)
    return SubjectState(
        subject=subject,
        now=now,
        active=[s for s in sanctions if in_force(s, now)],
        sanctions=sanctions,
        strikes=strikes,
        standings=standings,
        minor=minor,
        minor_age=age,
        decisions=store.items.decision_list_for_author(subject.id) if kind == "account" else [],
        window_seconds=window,
        violations_in_window=es.strikes_since(subject.id, now - timedelta(seconds=window)),
    )
