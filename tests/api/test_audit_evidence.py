"""The audit log as evidence: every decision, case decision, strike, sanction and
fact-check version has an agreeing entry; rows slipped into the database are reported;
published checkpoints catch truncation and rewriting; the checkpoint MAC needs the key."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select, update
from typer.testing import CliRunner

from tests.api.conftest import Keys, auth
from tests.api.reviewing import item, report, screen
from tests.databases import Database
from wenming.cli import _load_commands, app
from wenming.runtime import Runtime
from wenming.service import audit, checkpoints, evidence
from wenming.store.audit import tables as _audit_t
from wenming.store.enforcement import tables as rt_tables
from wenming.store.items import tables as _items_t

_load_commands()
runner = CliRunner()


def _activity(client: TestClient, keys: Keys) -> None:
    """Screen, report, decide (strikes and sanctions follow), publish fact-checks."""
    for n in range(2):
        screen(client, keys.acme, f"e-{n}", f"post {n}", author="repeat")
        case_id = report(client, item(f"e-{n}"), "spam")["case_id"]
        r = client.post(
            f"/v1/cases/{case_id}/decision",
            headers=auth(keys.acme_moderator),
            json={"verdict": "block", "category": "spam"},
        )
        assert r.status_code == 200, r.text
    fact = {"id": "fc-e", "claim": "the moon is made of cheese", "verdict": "false"}
    assert client.post("/v1/factchecks", json=fact, headers=auth(keys.admin)).status_code == 201
    fact["verdict"] = "misleading"
    fact.pop("id")
    assert client.put("/v1/factchecks/fc-e", json=fact, headers=auth(keys.admin)).status_code == 200
    assert client.delete("/v1/factchecks/fc-e", headers=auth(keys.admin)).status_code == 204


def _env(db: Database, **more: str) -> dict[str, str]:
    env = {"WENMING_DATABASE_URL": db.url, "WENMING_ENV": "development", **more}
    if db.schema:
        env["WENMING_DATABASE_SCHEMA"] = db.schema
    return env


def test_normal_activity_is_fully_accounted_for(
    client: TestClient, keys: Keys, runtime: Runtime
) -> None:
    _activity(client, keys)
    store = runtime.store
    with store.engine.connect() as conn:
        assert conn.execute(select(rt_tables.sanctions.c.id)).first() is not None
        assert conn.execute(select(rt_tables.strikes.c.id)).first() is not None
    assert audit.verify(store).ok
    assert evidence.unaccounted(store) == []


def test_a_decision_inserted_straight_into_the_database_is_reported(
    client: TestClient, keys: Keys, runtime: Runtime, db: Database
) -> None:
    _activity(client, keys)
    store = runtime.store
    with store.engine.begin() as conn:
        row = dict(conn.execute(select(_items_t.decisions)).mappings().first() or {})
        row.update(id=uuid.uuid4(), verdict="allow")
        conn.execute(_items_t.decisions.insert().values(**row))
        conn.execute(update(rt_tables.sanctions).values(action="ban"))
    problems = evidence.unaccounted(store)
    assert any(f"decision {row['id']} has no audit entry" in p for p in problems)
    assert any("sanction" in p and "'ban'" in p for p in problems)
    result = runner.invoke(app, ["audit", "verify"], env=_env(db))
    assert result.exit_code == 1 and "INCOMPLETE" in result.output


def _rehash_from(store: Any, seq: int) -> None:
    """What an intruder with write access does: rewrite entry ``seq`` and recompute
    every later hash, so the chain is internally consistent again."""
    entries = store.audit.audit_list(after_seq=0, limit=100_000)
    prev = entries[seq - 2].hash if seq > 1 else audit.GENESIS
    with store.engine.begin() as conn:
        for e in entries[seq - 1 :]:
            payload = {**e.payload, "rewritten": True} if e.seq == seq else e.payload
            digest = audit.entry_hash(
                prev_hash=prev,
                seq=e.seq,
                ts=e.ts,
                actor=e.actor,
                action=e.action,
                subject=e.subject,
                payload=payload,
            )
            conn.execute(
                update(_audit_t.audit_entries)
                .where(_audit_t.audit_entries.c.seq == e.seq)
                .values(payload=payload, prev_hash=prev, hash=digest)
            )
            prev = digest


@pytest.mark.parametrize("attack", ["truncate", "rewrite", "forge"])
def test_a_published_checkpoint_catches_truncation_and_rewriting(
    client: TestClient, keys: Keys, runtime: Runtime, db: Database, tmp_path: Path, attack: str
) -> None:
    _activity(client, keys)
    store, key = runtime.store, b"audit-key-kept-elsewhere"
    point = checkpoints.make(store, key=key, now=datetime.now(UTC))
    assert checkpoints.check(store, point, key=key) is None
    head = point["seq"]
    if attack == "truncate":
        with store.engine.begin() as conn:
            conn.execute(
                delete(_audit_t.audit_entries).where(_audit_t.audit_entries.c.seq >= head - 1)
            )
    elif attack == "rewrite":
        _rehash_from(store, 2)
    else:  # a checkpoint made to fit a rewritten chain, without the key
        _rehash_from(store, 2)
        point = {**point, "hash": store.audit.audit_list(after_seq=head - 1, limit=1)[0].hash}
    assert audit.verify(store, decisions=False).ok  # the chain alone cannot tell
    problem = checkpoints.check(store, point, key=key)
    expected = {"truncate": "truncated", "rewrite": "rewritten", "forge": "forged"}[attack]
    assert problem is not None and expected in problem
    path = tmp_path / "checkpoint.json"
    path.write_text(json.dumps(point), encoding="utf-8")
    result = runner.invoke(
        app,
        ["audit", "verify", "--chain-only", "--checkpoint", str(path)],
        env=_env(db, WENMING_AUDIT_KEY=key.decode()),
    )
    assert result.exit_code == 1 and "MISMATCH" in result.output


def test_the_checkpoint_command_macs_with_the_key_file(
    client: TestClient, keys: Keys, db: Database, tmp_path: Path
) -> None:
    _activity(client, keys)
    key_file = tmp_path / "audit.key"
    key_file.write_text("k" * 32 + "\n", encoding="utf-8")
    out = tmp_path / "cp.json"
    made = runner.invoke(
        app,
        ["audit", "checkpoint", "-o", str(out)],
        env=_env(db, WENMING_AUDIT_KEY_FILE=str(key_file)),
    )
    assert made.exit_code == 0, made.output
    point = json.loads(out.read_text(encoding="utf-8"))
    assert point["mac"] == checkpoints.mac(b"k" * 32, seq=point["seq"], head=point["hash"])
    ok = runner.invoke(
        app,
        ["audit", "verify", "--checkpoint", str(out)],
        env=_env(db, WENMING_AUDIT_KEY_FILE=str(key_file)),
    )
    assert ok.exit_code == 0, ok.output


@pytest.mark.parametrize("attack", ["rewrite", "strip", "own-key"])
def test_entry_macs_catch_a_rewrite_without_any_checkpoint(
    client: TestClient, keys: Keys, runtime: Runtime, db: Database, tmp_path: Path, attack: str
) -> None:
    """With the audit key set, every entry carries a MAC of its hash: rewriting an entry
    and re-hashing everything after it, stripping the MACs, or MAC-ing under a key of the
    intruder's own all fail verification, with no published checkpoint needed."""
    key = b"audit-key-kept-elsewhere"
    runtime.store.audit_key = key
    _activity(client, keys)
    store = runtime.store
    entries = store.audit.audit_list(after_seq=0, limit=100_000)
    keyed = [e for e in entries if e.mac is not None]  # the fixtures wrote a few before
    first = keyed[0].seq
    assert keyed == entries[first - 1 :] and len(keyed) > 3
    assert all(e.mac and e.mac.startswith(audit.key_id(key) + ":") for e in keyed)
    assert audit.verify(store, decisions=False, keys=[key]).ok
    _rehash_from(store, first + 1)
    if attack == "strip":
        with store.engine.begin() as conn:
            conn.execute(
                update(_audit_t.audit_entries)
                .where(_audit_t.audit_entries.c.seq > first)
                .values(mac=None)
            )
    elif attack == "own-key":
        with store.engine.begin() as conn:
            for e in store.audit.audit_list(after_seq=first - 1, limit=100_000):
                conn.execute(
                    update(_audit_t.audit_entries)
                    .where(_audit_t.audit_entries.c.seq == e.seq)
                    .values(mac=audit.entry_mac(b"intruder", e.hash))
                )
    assert audit.verify(store, decisions=False).ok  # without the key the chain looks fine
    report = audit.verify(store, decisions=False, keys=[key])
    assert not report.ok
    expected = {"rewrite": "MAC does not match", "strip": "MACs stripped", "own-key": "not given"}
    assert report.problem is not None and expected[attack] in report.problem
    result = runner.invoke(
        app, ["audit", "verify", "--chain-only"], env=_env(db, WENMING_AUDIT_KEY=key.decode())
    )
    assert result.exit_code == 1 and "BROKEN at entry" in result.output


def test_retired_keys_still_verify_after_a_rotation(
    client: TestClient, keys: Keys, runtime: Runtime, db: Database, tmp_path: Path
) -> None:
    old, new = b"the-old-audit-key-0001", b"the-new-audit-key-0002"
    runtime.store.audit_key = old
    _activity(client, keys)
    runtime.store.audit_key = new
    screen(client, keys.acme, "after-rotation", "a post after the rotation")
    assert not audit.verify(runtime.store, decisions=False, keys=[new]).ok
    assert audit.verify(runtime.store, decisions=False, keys=[new, old]).ok
    retired = tmp_path / "retired.keys"
    retired.write_text(old.decode() + "\n", encoding="utf-8")
    result = runner.invoke(
        app,
        ["audit", "verify", "--chain-only"],
        env=_env(db, WENMING_AUDIT_KEY=new.decode(), WENMING_AUDIT_RETIRED_KEYS_FILE=str(retired)),
    )
    assert result.exit_code == 0, result.output
