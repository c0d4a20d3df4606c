"""The audit area's contract on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from tests.store.common import NOW
from wenming.service import audit
from wenming.store import Store


def test_audit_append_and_list(store: Store) -> None:
    assert store.audit.audit_latest() is None
    with store.transaction() as tx:
        assert tx.audit.audit_head() is None
        one = audit.append(tx, actor="a", action="x", subject="s", payload={"k": "値"}, now=NOW)
    with store.transaction() as tx:
        two = audit.append(tx, actor="a", action="y", subject="s", payload={}, now=NOW)
    assert (one.seq, two.seq, two.prev_hash) == (1, 2, one.hash)
    assert store.audit.audit_list() == [one, two]
    assert store.audit.audit_list(after_seq=1) == [two]
    assert store.audit.audit_latest() == two and store.audit.audit_latest("x") == one
    assert audit.verify(store).ok


def test_concurrent_writers_keep_the_audit_chain_whole(store: Store) -> None:
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(8):
                with store.transaction() as tx:
                    audit.append(
                        tx,
                        actor=f"t{n}",
                        action="x",
                        subject=str(i),
                        payload={},
                        now=datetime.now(UTC),
                    )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    report = audit.verify(store)
    assert report.ok and report.entries == 48 and report.head_seq == 48
