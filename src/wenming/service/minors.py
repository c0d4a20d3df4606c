"""Minors: age ratings for content, youth mode for feeds, accounts flagged as minors'.

Every decision rates its content (``all``, ``12+``, ``16+``, ``18+``): the strictest
``age_rating`` of the policy categories it was labelled with. :func:`feed_filter`
answers, for a platform's feed, which items a viewer may be shown. Blocked items and
items held for review are shown to no one. In youth mode, or for an account its
platform has flagged as a minor's (:func:`minor_set`), whatever the viewer's age
excludes is hidden too, and so is content whose reach was limited (``limit`` means
"hidden from minors") or that was never screened. An account flagged as a minor's is
in youth mode whatever the request says, and its flagged age, if younger than the one
sent, wins; an unknown age counts as the youngest, so only ``all`` content passes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from wenming.core.governance import rating_allows
from wenming.core.policy import Policy
from wenming.core.reasons import age_rating
from wenming.service import audit
from wenming.service.cases import require
from wenming.service.errors import ForbiddenError, InvalidError, NotFoundError
from wenming.service.keys import Permission, Principal
from wenming.store import PlatformRecord, Store

MAX_FEED = 1000


@dataclass(frozen=True, slots=True)
class Shown:
    id: str
    show: bool
    age_rating: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class Filtered:
    youth_mode: bool
    age: int | None
    items: list[Shown]


def _platform(store: Store, principal: Principal, name: str | None) -> PlatformRecord:
    wanted = name or principal.key.platform_name
    if wanted is None:
        raise InvalidError("platform: this key is not bound to a platform; pass its name")
    found = store.access.platform_by_name(wanted)
    if found is None or not principal.sees(found.id):
        raise NotFoundError(f"no platform {wanted!r}")
    return found


def feed_filter(
    store: Store,
    policy: Policy,
    principal: Principal,
    *,
    platform: str | None,
    item_ids: Sequence[str],
    youth_mode: bool,
    age: int | None,
    account: str | None = None,
) -> Filtered:
    """Which of ``item_ids`` a viewer may be shown, each with its rating and why."""
    if not (principal.can(Permission.SCREEN) or principal.can(Permission.READ)):
        raise ForbiddenError(f"role {principal.role.value!r} may not filter feeds")
    if len(item_ids) > MAX_FEED:
        raise InvalidError(f"items: at most {MAX_FEED} ids")
    record = _platform(store, principal, platform)
    es = store.enforcement
    if account is not None:
        subject = es.subject_get(record.id, "account", account)
        minor, minor_age = es.minor_age(subject.id) if subject else (False, None)
        if minor:
            youth_mode = True
            known = [a for a in (age, minor_age) if a is not None]
            age = min(known) if known else None
    ratings = es.item_ratings(record.id, list(dict.fromkeys(item_ids)))
    out = []
    for ext in item_ids:
        found = ratings.get(ext)
        if found is None:
            out.append(Shown(ext, not youth_mode, None, "not screened"))
            continue
        rating = age_rating(policy, found.labels)
        if found.verdict == "block":
            out.append(Shown(ext, False, rating, "blocked"))
        elif found.verdict == "review":
            out.append(Shown(ext, False, rating, "held for review"))
        elif youth_mode and found.verdict == "limit":
            out.append(Shown(ext, False, rating, "limited: hidden from minors"))
        elif youth_mode and not rating_allows(rating, age):
            out.append(Shown(ext, False, rating, f"rated {rating}"))
        else:
            out.append(Shown(ext, True, rating, "ok"))
    return Filtered(youth_mode, age if youth_mode else None, out)


def minor_set(
    store: Store,
    principal: Principal,
    *,
    platform: str,
    account: str,
    minor: bool,
    age: int | None,
    now: datetime,
) -> None:
    """Flag (or unflag) an account as a minor's; the platform knows, wenming records."""
    require(principal, Permission.SCREEN)
    record = _platform(store, principal, platform)
    if age is not None and not 0 <= age < 18:
        raise InvalidError("age: a minor's age is between 0 and 17")
    with store.transaction() as tx:
        sid = tx.items.subject_ids(record.id, [("account", account)], now=now)[("account", account)]
        tx.enforcement.minor_set(sid, minor=minor, age=age if minor else None, now=now)
        # The age itself stays out of the permanent log.
        audit.append(
            tx,
            actor=principal.actor,
            action="minor.set",
            subject=f"account:{record.name}/{account}",
            payload={"minor": minor},
            now=now,
        )
