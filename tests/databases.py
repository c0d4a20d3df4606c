"""Database fixtures: every test that asks for ``db`` runs once on SQLite and once on PostgreSQL.

SQLite: each test gets a copy of a database migrated once per session. PostgreSQL (the
server at 127.0.0.1:5432, database ``test``; override with WENMING_TEST_POSTGRES_URL):
one schema per session, migrated once, dropped at the end; every test starts from
empty tables. Without a reachable server the PostgreSQL half is skipped with the
reason shown, except under CI=true, where it fails. Conftests import these fixtures.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text

from wenming.core.model import Item
from wenming.detectors.screener import Screener
from wenming.store import Store, migrate
from wenming.store.engine import engine_create
from wenming.store.schema import metadata

PG_URL = os.environ.get(
    "WENMING_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
_pg_error: list[str] = []


@dataclass(frozen=True)
class Database:
    """Where a test's database is: a URL and, on PostgreSQL, a schema."""

    backend: str
    url: str
    schema: str | None = None

    def store(self) -> Store:
        return Store.open(self.url, schema=self.schema, pool_size=4)


def _postgres_unreachable() -> str | None:
    if not _pg_error:
        try:
            engine = engine_create(PG_URL)
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            engine.dispose()
            _pg_error.append("")
        except Exception as exc:
            _pg_error.append(f"PostgreSQL at {PG_URL} is unreachable: {exc.__class__.__name__}")
    return _pg_error[0] or None


def _need_postgres() -> None:
    reason = _postgres_unreachable()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: PostgreSQL is required)")
        pytest.skip(reason)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    engine = engine_create(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_schema() -> Iterator[str]:
    _need_postgres()
    schema = f"wm_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = engine_create(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine = engine_create(PG_URL, schema=schema)
    migrate.upgrade(engine)
    engine.dispose()
    yield schema
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def _truncate(schema: str) -> None:
    engine = engine_create(PG_URL, schema=schema)
    names = ", ".join(t.name for t in metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "wenming.db"
        shutil.copyfile(template, path)
        return Database("sqlite", f"sqlite:///{path}")
    schema: str = request.getfixturevalue("pg_schema")
    _truncate(schema)
    return Database("postgresql", PG_URL, schema)


@pytest.fixture
def store(db: Database) -> Iterator[Store]:
    s = db.store()
    yield s
    s.close()


FIXTURE_TERMS = """\
name: svc-fixture
categories:
  drugs:
    title: {en: Drugs}
    severity: 5
    terms: [heroin, 冰毒]
    block_at: 0.9
  spam:
    title: {en: Spam}
    severity: 2
    terms: [buy followers, 加微信]
    label_at: 0.3
    review_at: 0.9
"""


@pytest.fixture(scope="session")
def service_screener(tmp_path_factory: pytest.TempPathFactory) -> Screener:
    """A small, known policy: 'heroin' blocks, 'buy followers' is held for review."""
    path = tmp_path_factory.mktemp("policy") / "policy.yaml"
    path.write_text(FIXTURE_TERMS, encoding="utf-8")
    screener = Screener.from_policy(path)
    assert screener.screen([Item(id="x", text="heroin")])[0].verdict.value == "block"
    return screener
