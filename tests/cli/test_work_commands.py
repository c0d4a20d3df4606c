"""``wenming ingest``, ``worker``, ``sweep`` and ``backtest`` through Typer's CliRunner, on
the embedded queue (both database backends)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.databases import FIXTURE_TERMS, Database
from tests.databases import db as db
from tests.databases import pg_schema as pg_schema
from tests.databases import sqlite_template as sqlite_template
from tests.work import platform, work_settings
from wenming.cli import _load_commands, app
from wenming.runtime import Runtime
from wenming.service import sweep as sweep_service

_load_commands()
runner = CliRunner()

CANDIDATE = FIXTURE_TERMS.replace("name: svc-fixture", "name: svc-candidate").replace(
    "    label_at: 0.3\n    review_at: 0.9\n", "    block_at: 0.9\n"
)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    live = tmp_path / "live.yaml"
    live.write_text(FIXTURE_TERMS, encoding="utf-8")
    candidate = tmp_path / "candidate.yaml"
    candidate.write_text(CANDIDATE, encoding="utf-8")
    posts = tmp_path / "posts.jsonl"
    lines = [
        json.dumps({"id": f"p{i}", "text": f"post {i}" + (" buy followers" if i % 4 == 0 else "")})
        for i in range(40)
    ]
    lines.insert(5, "{not json")
    posts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"live": live, "candidate": candidate, "posts": posts}


@pytest.fixture
def env(db: Database, files: dict[str, Path]) -> dict[str, str]:
    environ = {
        "WENMING_DATABASE_URL": db.url,
        "WENMING_ENV": "development",
        "WENMING_POLICY": str(files["live"]),
    }
    if db.schema:
        environ["WENMING_DATABASE_SCHEMA"] = db.schema
    rt = Runtime.build(work_settings(db))
    platform(rt, "acme")
    rt.close()
    return environ


def runtime(db: Database) -> Runtime:
    return Runtime.build(work_settings(db))


def test_ingest_enqueues_a_file_and_screens_it(
    db: Database, env: dict[str, str], files: dict[str, Path]
) -> None:
    r = runner.invoke(app, ["ingest", str(files["posts"]), "--platform", "acme"], env=env)
    assert r.exit_code == 0, r.output
    assert "enqueued 40 items" in r.output and "skipped 1 bad lines" in r.output
    assert "line 6" in r.output
    rt = runtime(db)
    try:
        assert rt.store.items.decision_count() == 40
        assert rt.store.work.outbox_count() == 0
    finally:
        rt.close()


def test_ingest_without_waiting_leaves_work_for_the_worker(
    db: Database, env: dict[str, str], files: dict[str, Path]
) -> None:
    r = runner.invoke(
        app, ["ingest", str(files["posts"]), "--platform", "acme", "--no-wait"], env=env
    )
    assert r.exit_code == 0, r.output
    rt = runtime(db)
    try:
        assert (rt.store.items.decision_count(), rt.store.work.outbox_count()) == (0, 40)
        r = runner.invoke(app, ["worker", "--drain", "--name", "cli-test"], env=env)
        assert r.exit_code == 0, r.output
        assert "40 decided" in r.output
        assert rt.store.items.decision_count() == 40
    finally:
        rt.close()


def test_ingest_refuses_an_unknown_platform(env: dict[str, str], files: dict[str, Path]) -> None:
    r = runner.invoke(app, ["ingest", str(files["posts"]), "--platform", "nobody"], env=env)
    assert r.exit_code == 2 and "no platform 'nobody'" in r.output


def test_backtest_reports_what_would_change(env: dict[str, str], files: dict[str, Path]) -> None:
    assert runner.invoke(app, ["ingest", str(files["posts"]), "--platform", "acme"], env=env)
    r = runner.invoke(app, ["backtest", "--policy", str(files["candidate"]), "--json"], env=env)
    assert r.exit_code == 0, r.output
    report = json.loads(r.stdout)
    assert report["items"] == 40
    assert report["flips"] == [{"from": "review", "to": "block", "count": 10}]
    assert report["human_decided"] == 0
    table = runner.invoke(app, ["backtest", "--policy", str(files["candidate"])], env=env)
    assert table.exit_code == 0 and "verdict flips" in table.stdout


def test_sweep_rescreens_stored_items_and_resumes(
    db: Database, env: dict[str, str], files: dict[str, Path]
) -> None:
    assert runner.invoke(app, ["ingest", str(files["posts"]), "--platform", "acme"], env=env)
    rt = runtime(db)
    try:
        from wenming.detectors.screener import Screener

        version = Screener.from_policy(files["candidate"]).policy.version
        record, resumed = sweep_service.sweep_start(
            rt.store, policy_version=version, policy_source=str(files["candidate"].resolve())
        )
        assert not resumed and record.total == 40
        pages = iter(range(100))
        # Interrupted after one page of 15 (the items went nowhere: the queue died with us).
        half = sweep_service.sweep_run(
            rt.store, rt.work.sweeps, record, page=15, should_stop=lambda: next(pages) >= 1
        )
        assert (half.status, half.enqueued) == ("running", 15)
    finally:
        rt.close()
    cmd = ["sweep", "--policy", str(files["candidate"]), "--page", "15"]
    r = runner.invoke(app, cmd, env=env)
    assert r.exit_code == 0, r.output
    said = " ".join(r.output.split())  # rich wraps lines at the runner's width
    assert "resuming after 15" in said and "40 items screened" in said
    rt = runtime(db)
    try:
        # 25 items re-screened under the candidate (the first page never reached a worker).
        assert rt.store.work.claims_count(version) == 25
        assert rt.store.items.decision_count() == 40 + 25
    finally:
        rt.close()
