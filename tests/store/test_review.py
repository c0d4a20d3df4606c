"""The review area's contract (cases, reports, case decisions, appeals) on both backends."""

from __future__ import annotations

import threading
import uuid
from dataclasses import replace
from datetime import timedelta

from tests.store.common import NOW, platform
from wenming.store import CaseDecisionRecord, CaseRecord, NewCase, PlatformRecord, Store, new_id

STALE = NOW - timedelta(minutes=30)


def _new(p: PlatformRecord, ref: str = "u1", **over: object) -> NewCase:
    base = NewCase(
        platform_id=p.id,
        kind="review",
        subject_kind="account",
        subject_ref=ref,
        item_id=None,
        subject_id=None,
        category="spam",
        severity=2,
        source="public",
        queue="default",
        priority=1.0,
        confidence=0.5,
        due_at=NOW + timedelta(hours=24),
        open_key=f"{p.id}:account:{ref}",
    )
    return replace(base, **over)  # type: ignore[arg-type]


def _open(store: Store, new: NewCase) -> tuple[CaseRecord, bool]:
    with store.transaction() as tx:
        return tx.review.case_open(new, now=NOW)


def _report(store: Store, case: CaseRecord, n: int, *, key_id: int | None = None) -> uuid.UUID:
    with store.transaction() as tx:
        return tx.review.report_add(
            case_id=case.id,
            platform_id=case.platform_id,
            category="spam",
            text=f"r{n}",
            source="flagger" if key_id else "public",
            reporter_key_id=key_id,
            reporter_hash=f"who{n % 2}",
            contact=None,
            token_hash=f"tok{n}",
            now=NOW,
        )


def test_reports_on_one_subject_join_its_open_case_even_concurrently(store: Store) -> None:
    acme = platform(store)
    got: list[tuple[CaseRecord, bool]] = []
    barrier = threading.Barrier(4)

    def open_one() -> None:
        barrier.wait()
        got.append(_open(store, _new(acme)))

    threads = [threading.Thread(target=open_one) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len({c.id for c, _ in got}) == 1 and sum(created for _, created in got) == 1
    case = got[0][0]
    assert (case.status, case.platform_name, case.opened_at, case.pending) == (
        "open",
        "acme",
        NOW,
        True,
    )
    other, created = _open(store, _new(acme, "u2"))
    assert created and other.id != case.id
    assert store.review.case_count(platform_id=acme.id) == 2
    assert store.review.case_get(case.id) == case and store.review.case_get(new_id()) is None


def test_claims_release_and_close_let_exactly_one_moderator_win(store: Store) -> None:
    acme = platform(store)
    case, _ = _open(store, _new(acme, excluded_actor="barred"))
    with store.transaction() as tx:
        assert not tx.review.case_claim(case.id, actor="barred", now=NOW, stale_before=STALE)
        assert tx.review.case_claim(case.id, actor="ann", now=NOW, stale_before=STALE)
        assert tx.review.case_claim(case.id, actor="ann", now=NOW, stale_before=STALE)  # hers
        assert not tx.review.case_claim(case.id, actor="bob", now=NOW, stale_before=STALE)
        assert not tx.review.case_release(case.id, actor="bob", now=NOW)
    later = NOW + timedelta(hours=1)  # ann's claim went stale: bob may take it over
    with store.transaction() as tx:
        assert tx.review.case_claim(case.id, actor="bob", now=later, stale_before=later)
        assert tx.review.case_release(case.id, actor="bob", now=later)
    released = store.review.case_get(case.id)
    assert released is not None and (released.status, released.assignee) == ("open", None)
    with store.transaction() as tx:
        assert tx.review.case_close(
            case.id, actor="cy", outcome="upheld", now=later, stale_before=STALE
        )
        assert not tx.review.case_close(
            case.id, actor="cy", outcome="upheld", now=later, stale_before=STALE
        )
    closed = store.review.case_get(case.id)
    assert closed is not None and (closed.status, closed.outcome, closed.assignee) == (
        "decided",
        "upheld",
        "cy",
    )
    # Decided: the subject's next report opens a new case.
    fresh, created = _open(store, _new(acme))
    assert created and fresh.id != case.id


def test_case_lists_filters_orders_and_queue_stats(store: Store) -> None:
    acme, other = platform(store), platform(store, "other")
    low, _ = _open(store, _new(acme, "a", priority=1.0, due_at=NOW + timedelta(hours=1)))
    high, _ = _open(store, _new(acme, "b", priority=9.0, queue="urgent"))
    _open(store, _new(other, "c"))
    with store.transaction() as tx:
        tx.review.case_claim(high.id, actor="ann", now=NOW, stale_before=STALE)
        tx.review.case_update(low.id, now=NOW, priority=2.0)
    assert [c.id for c in store.review.case_list(platform_id=acme.id)] == [high.id, low.id]
    assert [c.id for c in store.review.case_list(platform_id=acme.id, order="due")] == [
        low.id,
        high.id,
    ]
    assert [c.id for c in store.review.case_list(queue="urgent")] == [high.id]
    assert [c.id for c in store.review.case_list(assignee="ann")] == [high.id]
    assert store.review.case_count(statuses=["open"]) == 2
    assert store.review.case_list(subject_ref="a")[0].priority == 2.0
    found = store.review.queue_stats(platform_id=acme.id, now=NOW + timedelta(hours=2))
    stats = {s.queue: s for s in found}
    assert (stats["default"].open, stats["default"].breached) == (1, 1)
    assert (stats["urgent"].claimed, stats["urgent"].oldest_opened_at) == (1, NOW)


def test_reports_tokens_reporters_and_outcomes(store: Store) -> None:
    acme = platform(store)
    case, _ = _open(store, _new(acme))
    with store.transaction() as tx:
        kid = tx.access.key_add(
            prefix="wm_f",
            key_hash="f" * 64,
            role="flagger",
            platform_id=None,
            label="flagger",
            rate_limit=None,
            now=NOW,
        )
    ids = [_report(store, case, n, key_id=kid if n < 2 else None) for n in range(3)]
    assert [r.id for r in store.review.report_list(case.id)] == ids
    by_token = store.review.report_by_token("tok1")
    assert by_token is not None and by_token.id == ids[1] and by_token.outcome is None
    assert store.review.report_get(ids[2]) is not None and store.review.report_by_token("x") is None
    with store.transaction() as tx:
        assert tx.review.reporter_seen(case.id, "who0")
        assert not tx.review.reporter_seen(case.id, "z")
        assert tx.review.reporters_count(case.id) == 2
        assert tx.review.flagger_record(kid) == (0, 0)
        tx.review.reports_resolve([case.id], outcome="upheld", now=NOW)
        assert tx.review.flagger_record(kid) == (2, 2)
    resolved = store.review.report_get(ids[0])
    assert resolved is not None and (resolved.outcome, resolved.resolved_at) == ("upheld", NOW)
    [stats] = store.review.flagger_stats()
    assert (stats.key_id, stats.reports, stats.decided, stats.upheld, stats.accuracy) == (
        kid,
        2,
        2,
        2,
        1.0,
    )
    assert store.review.flagger_stats(kid + 1) == []


def test_case_decisions_and_appeals(store: Store) -> None:
    acme = platform(store)
    case, _ = _open(store, _new(acme))
    ruling = CaseDecisionRecord(
        id=new_id(),
        case_id=case.id,
        platform_id=acme.id,
        verdict="block",
        category="spam",
        template=None,
        note="n",
        statement="s",
        age_rating="all",
        policy_version="p@1",
        actor="ann",
        actor_key_id=None,
        appeal_outcome=None,
        reviews=None,
        created_at=NOW,
    )
    with store.transaction() as tx:
        tx.review.case_decision_add(ruling)
        tx.review.case_update(case.id, now=NOW, decision_id=ruling.id)
        assert tx.review.case_decision_get(ruling.id) == ruling
    assert store.review.case_decision_get(ruling.id) == ruling
    assert store.review.case_decision_list([case.id]) == [ruling]
    assert store.review.case_decision_list([]) == []
    by_decision = store.review.case_by_decision(ruling.id)
    assert by_decision is not None and by_decision.id == case.id
    appeal_case, _ = _open(
        store, _new(acme, kind="appeal", open_key="appeal:1", appeal_of=ruling.id)
    )
    with store.transaction() as tx:
        aid = tx.review.appeal_add(
            platform_id=acme.id,
            decision_id=ruling.id,
            case_id=appeal_case.id,
            text="wrong",
            appellant="affected",
            appellant_key_id=None,
            report_id=None,
            now=NOW,
        )
    appeal = store.review.appeal_get(aid)
    assert appeal is not None and (appeal.status, appeal.outcome) == ("open", None)
    assert store.review.appeal_list(decision_id=ruling.id) == [appeal]
    assert store.review.appeal_list(case_id=appeal_case.id) == [appeal]
    assert store.review.appeal_counts() == {"open": 1}
    page = store.review.appeal_page(platform_id=acme.id, outcome="open", limit=10, offset=0)
    assert page == [appeal]
    result = new_id()
    with store.transaction() as tx:
        tx.review.appeals_decide(appeal_case.id, outcome="overturned", result=result, now=NOW)
    decided = store.review.appeal_get(aid)
    assert decided is not None
    assert (decided.status, decided.outcome, decided.result_decision_id, decided.decided_at) == (
        "decided",
        "overturned",
        result,
        NOW,
    )
    assert store.review.appeal_counts(platform_id=acme.id) == {"overturned": 1}
    assert store.review.appeal_page(platform_id=None, outcome="open", limit=10, offset=0) == []
