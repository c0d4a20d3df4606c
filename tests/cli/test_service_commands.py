"""``wenming db``, ``keys`` and ``audit`` through Typer's CliRunner, on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from tests.databases import Database

# The database fixtures, imported under their own names so pytest finds them here.
from tests.databases import db as db
from tests.databases import pg_schema as pg_schema
from tests.databases import sqlite_template as sqlite_template
from wenming.cli import _load_commands, app
from wenming.config import Settings
from wenming.runtime import Runtime
from wenming.store.audit.tables import audit_entries

_load_commands()
runner = CliRunner()


def _env(db: Database) -> dict[str, str]:
    env = {"WENMING_DATABASE_URL": db.url, "WENMING_ENV": "development"}
    if db.schema:
        env["WENMING_DATABASE_SCHEMA"] = db.schema
    return env


def test_keys_create_prints_a_working_key_once(db: Database) -> None:
    result = runner.invoke(
        app,
        ["keys", "create", "--role", "platform", "--platform", "acme", "--name", "ci"],
        env=_env(db),
    )
    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[-1]
    assert token.startswith("wm_") and len(token) > 30
    rt = Runtime.build(Settings(database_url=db.url, database_schema=db.schema))
    try:
        principal = rt.keys.verify(token)
        assert principal is not None
        assert (principal.role.value, principal.key.platform_name, principal.key.label) == (
            "platform",
            "acme",
            "ci",
        )
        assert token not in str(rt.store.access.key_list())  # only the hash is stored
    finally:
        rt.close()

    listed = runner.invoke(app, ["keys", "list"], env=_env(db))
    assert listed.exit_code == 0 and "acme" in listed.stdout and token not in listed.stdout
    revoked = runner.invoke(app, ["keys", "revoke", "1"], env=_env(db))
    assert revoked.exit_code == 0, revoked.output
    assert runner.invoke(app, ["keys", "revoke", "1"], env=_env(db)).exit_code == 1


def test_keys_create_refuses_bad_requests(db: Database) -> None:
    r = runner.invoke(app, ["keys", "create", "--role", "platform"], env=_env(db))
    assert r.exit_code == 2 and "platform" in r.output
    r = runner.invoke(app, ["keys", "create", "--role", "emperor"], env=_env(db))
    assert r.exit_code == 2
    r = runner.invoke(
        app, ["keys", "create", "--role", "viewer", "--platform", "Bad Name!"], env=_env(db)
    )
    assert r.exit_code == 2 and "invalid platform name" in r.output


def test_audit_verify_reports_the_first_broken_link(db: Database) -> None:
    for name in ("a", "b"):
        r = runner.invoke(
            app, ["keys", "create", "--role", "platform", "--platform", name], env=_env(db)
        )
        assert r.exit_code == 0, r.output
    ok = runner.invoke(app, ["audit", "verify"], env=_env(db))
    assert ok.exit_code == 0 and "audit chain OK: 4 entries" in ok.stdout
    store = db.store()
    with store.engine.begin() as conn:
        conn.execute(
            update(audit_entries).where(audit_entries.c.seq == 3).values(subject="platform:c")
        )
    store.close()
    broken = runner.invoke(app, ["audit", "verify"], env=_env(db))
    assert broken.exit_code == 1 and "BROKEN at entry #3" in broken.stdout


def test_db_upgrade_on_an_empty_sqlite_file(tmp_path: Path) -> None:
    env = {"WENMING_DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}"}
    r = runner.invoke(app, ["keys", "list"], env=env)
    assert r.exit_code == 2 and "wenming db upgrade" in r.output
    r = runner.invoke(app, ["db", "upgrade"], env=env)
    assert r.exit_code == 0 and "upgraded from empty" in r.output
    r = runner.invoke(app, ["db", "upgrade"], env=env)
    assert r.exit_code == 0 and "already at revision" in r.output
    assert runner.invoke(app, ["db", "current"], env=env).exit_code == 0
    sql = runner.invoke(app, ["db", "upgrade", "--sql"], env=env)
    assert sql.exit_code == 0 and "CREATE TABLE items" in sql.stdout


def test_refuses_the_default_secret_outside_development(tmp_path: Path) -> None:
    env = {"WENMING_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "WENMING_ENV": "production"}
    r = runner.invoke(app, ["keys", "list"], env=env)
    assert r.exit_code == 2 and "WENMING_SECRET_KEY" in r.output


@pytest.mark.parametrize("url", ["mysql://x@y/z", "sqlite:////nonexistent/dir/x.db"])
def test_unusable_database_urls_fail_cleanly(url: str) -> None:
    r = runner.invoke(app, ["keys", "list"], env={"WENMING_DATABASE_URL": url})
    assert r.exit_code == 2 and "cannot open the database" in r.output
