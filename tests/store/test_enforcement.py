"""The enforcement area's contract (subjects, strikes, sanctions, minors, ratings)."""

from __future__ import annotations

from datetime import timedelta

from tests.store.common import NOW, decision, items, platform
from wenming.store import NewItem, PlatformRecord, SanctionRecord, Store, new_id


def _subject(store: Store, p: PlatformRecord, ref: str = "u1") -> int:
    with store.transaction() as tx:
        return tx.items.subject_ids(p.id, [("account", ref)], now=NOW)[("account", ref)]


def _sanction(p: PlatformRecord, subject_id: int, **over: object) -> SanctionRecord:
    values: dict[str, object] = {
        "id": new_id(),
        "platform_id": p.id,
        "subject_id": subject_id,
        "action": "mute",
        "ladder": "default",
        "step": 1,
        "category": "spam",
        "decision_id": new_id(),
        "strike_id": None,
        "case_id": None,
        "statement": {"what": "mute", "how": ["auto"]},
        "automated": True,
        "actor": "system",
        "starts_at": NOW,
        "ends_at": NOW + timedelta(days=1),
        "lifted_at": None,
        "lifted_by": None,
        "lift_reason": None,
        "created_at": NOW,
    }
    values.update(over)
    return SanctionRecord(**values)  # type: ignore[arg-type]


def test_subjects_by_natural_key_and_by_id(store: Store) -> None:
    acme = platform(store)
    sid = _subject(store, acme)
    got = store.enforcement.subject_get(acme.id, "account", "u1")
    assert got is not None and (got.id, got.platform_name, got.created_at) == (sid, "acme", NOW)
    assert store.enforcement.subject_by_id(sid) == got
    assert store.enforcement.subject_get(acme.id, "group", "u1") is None
    with store.transaction() as tx:
        tx.enforcement.subject_lock(sid)  # a no-op on SQLite, a row lock on PostgreSQL
        assert tx.enforcement.subject_by_id(sid) == got


def test_strikes_weigh_until_they_expire_or_are_removed(store: Store) -> None:
    acme = platform(store)
    sid = _subject(store, acme)
    d1, d2 = new_id(), new_id()
    with store.transaction() as tx:
        s1 = tx.enforcement.strike_add(
            platform_id=acme.id,
            subject_id=sid,
            ladder="default",
            category="spam",
            severity=2,
            weight=1.0,
            decision_id=d1,
            case_id=None,
            now=NOW,
            expires_at=None,
        )
        tx.enforcement.strike_add(
            platform_id=acme.id,
            subject_id=sid,
            ladder="default",
            category="spam",
            severity=2,
            weight=0.5,
            decision_id=d2,
            case_id=None,
            now=NOW + timedelta(seconds=1),
            expires_at=NOW + timedelta(days=1),
        )
        assert tx.enforcement.strike_weight(sid, "default", NOW) == 1.5
        assert tx.enforcement.strike_weight(sid, "default", NOW + timedelta(days=2)) == 1.0
        assert tx.enforcement.strike_weight(sid, "other", NOW) == 0.0
    assert [s.decision_id for s in store.enforcement.strike_list(sid)] == [d2, d1]
    assert store.enforcement.strikes_since(sid, NOW) == 2
    assert s1.active(NOW)
    with store.transaction() as tx:
        removed = tx.enforcement.strikes_remove(d1, reason="overturned", now=NOW)
        assert [s.id for s in removed] == [s1.id]
        assert tx.enforcement.strikes_remove(d1, reason="again", now=NOW) == []
    assert store.enforcement.strikes_since(sid, NOW) == 1
    gone = next(s for s in store.enforcement.strike_list(sid) if s.id == s1.id)
    assert (gone.removed_at, gone.removed_reason, gone.active(NOW)) == (NOW, "overturned", False)


def test_sanctions_lift_once_and_report_changes(store: Store) -> None:
    acme, other = platform(store), platform(store, "other")
    sid, oid = _subject(store, acme), _subject(store, other)
    first, second = _sanction(acme, sid), _sanction(acme, sid, action="suspend", step=2)
    with store.transaction() as tx:
        tx.enforcement.sanction_add(first)
        tx.enforcement.sanction_add(second)
        tx.enforcement.sanction_add(_sanction(other, oid))
    assert store.enforcement.sanction_get(first.id) == first  # the JSON statement round-trips
    assert {s.id for s in store.enforcement.sanction_list(sid)} == {first.id, second.id}
    assert store.enforcement.sanction_list(decision_id=second.decision_id) == [second]
    later = NOW + timedelta(hours=1)
    with store.transaction() as tx:
        lifted = tx.enforcement.sanctions_lift(
            decision_id=first.decision_id, by="ann", reason="appeal", now=later
        )
        assert [s.id for s in lifted] == [first.id]
        assert (
            tx.enforcement.sanctions_lift(sanction_id=first.id, by="ann", reason="again", now=later)
            == []
        )
    after = store.enforcement.sanction_get(first.id)
    assert after is not None and (after.lifted_at, after.lifted_by) == (later, "ann")
    changes = store.enforcement.sanction_changes(acme.id, since=NOW)
    assert [s.id for s, _ in changes] == [second.id, first.id]  # by time of the change
    assert {subject.external_id for _, subject in changes} == {"u1"}
    assert [s.id for s, _ in store.enforcement.sanction_changes(acme.id, since=later)] == [first.id]


def test_minor_flags_and_item_ratings(store: Store) -> None:
    acme = platform(store)
    sid = _subject(store, acme)
    assert store.enforcement.minor_age(sid) == (False, None)
    with store.transaction() as tx:
        tx.enforcement.minor_set(sid, minor=True, age=14, now=NOW)
    assert store.enforcement.minor_age(sid) == (True, 14)
    with store.transaction() as tx:
        tx.enforcement.minor_set(sid, minor=False, age=None, now=NOW)
    assert store.enforcement.minor_age(sid) == (False, None)
    ids = items(store, acme, NewItem("a", "x", "ha"), NewItem("b", "y", "hb"))
    with store.transaction() as tx:
        tx.items.decisions_add(
            acme,
            [decision(ids["a"], "a", "ha", verdict="allow", automated=False, labels=())],
            now=NOW,
        )
        tx.items.decisions_add(
            acme, [decision(ids["a"], "a", "ha")], now=NOW + timedelta(seconds=1)
        )
        tx.items.decisions_add(acme, [decision(ids["b"], "b", "hb", verdict="limit")], now=NOW)
    ratings = store.enforcement.item_ratings(acme.id, ["a", "b", "c"])
    assert set(ratings) == {"a", "b"}
    # A person's decision on the current text governs over a newer automated one.
    assert (ratings["a"].verdict, ratings["a"].automated) == ("allow", False)
    assert ratings["b"].verdict == "limit"
    assert store.enforcement.item_ratings(acme.id, []) == {}
