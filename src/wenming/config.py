"""Typed settings of the governance service, read from ``WENMING_*`` environment variables.

:class:`Settings` is built once by the composition root (:mod:`wenming.runtime`) and
passed down; nothing reads the environment anywhere else. Outside development the
settings refuse the built-in secret, so a deployment cannot run on a key that is
printed in this file. ``docs/operations.md`` lists every setting.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from wenming.store.engine import normalize_database_url

DEV_SECRET = "wenming-development-secret-do-not-use-in-production"

Environment = Literal["development", "test", "production"]


class Settings(BaseSettings):
    """Everything the service can be told; each field is ``WENMING_<NAME>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="WENMING_", extra="ignore", frozen=True)

    env: Environment = Field(
        default="development",
        description="development, test or production; only development accepts the "
        "built-in secret key.",
    )
    database_url: str = Field(
        default="sqlite:///wenming.db",
        description="SQLAlchemy URL of the system of record; SQLite in the working "
        "directory by default, e.g. postgresql+psycopg://user@host:5432/db.",
    )
    database_schema: str | None = Field(
        default=None,
        description="PostgreSQL schema to use (sets search_path); default: the server's.",
    )
    database_pool_size: int = Field(default=10, ge=1, description="connections per process")
    redis_url: str | None = Field(
        default=None,
        description="Redis URL of the work stream (e.g. redis://127.0.0.1:6379/0); unset: "
        "the in-process queue with a database outbox.",
    )
    policy: Path | None = Field(
        default=None, description="policy file to screen with; default: the bundled pack."
    )
    secret_key: SecretStr = Field(
        default=SecretStr(DEV_SECRET),
        description="server secret; peppers API-key hashes. Changing it revokes every key.",
    )
    host: str = Field(default="127.0.0.1", description="address `wenming serve` binds")
    port: int = Field(default=8000, ge=0, le=65535, description="port `wenming serve` binds")
    max_body_bytes: int = Field(
        default=5 * 1024 * 1024, ge=1024, description="largest request body accepted (413 above)"
    )
    rate_limit_per_second: float = Field(
        default=500.0,
        ge=0,
        description="requests per second allowed per API key (token bucket); 0 = unlimited. "
        "A key's own limit overrides it.",
    )
    rate_limit_burst_seconds: float = Field(
        default=2.0,
        gt=0,
        description="token-bucket size, in seconds of a key's rate: a key may send "
        "rate x this many requests at once",
    )
    key_cache_seconds: float = Field(
        default=5.0,
        ge=0,
        description="how long a verified API key is cached in-process; a revoked key stops "
        "working within this time.",
    )
    # -- hostile input (docs/security.md) --
    screen_threads: int = Field(
        default=4,
        ge=1,
        description="screening requests a process runs at once, each on a worker thread "
        "off the event loop",
    )
    screen_concurrency_per_key: int = Field(
        default=16,
        ge=1,
        description="screening requests one key may have in flight at once, running or "
        "waiting for a thread (429 beyond), so one key cannot queue without bound ahead of "
        "the others",
    )
    max_request_chars: int = Field(
        default=1_000_000,
        ge=1000,
        description="most characters of text (all items together) one screening request "
        "may carry (413 above)",
    )
    trusted_proxies: list[str] = Field(
        default=[],
        description="addresses or networks (CIDR) of reverse proxies whose "
        "X-Forwarded-For is believed; empty: the header is ignored and the peer address "
        "counts",
    )
    cookie_secure: bool | None = Field(
        default=None,
        description="mark the console's session cookie Secure (sent over HTTPS only); "
        "default: on outside development",
    )
    sign_in_failures: int = Field(
        default=5,
        ge=1,
        description="failed console sign-ins allowed per address and per account before "
        "each further try must wait (the wait doubles with every failure)",
    )
    sign_in_max_wait_seconds: float = Field(
        default=900.0,
        gt=0,
        description="the longest a sign-in throttle makes an address or account wait",
    )
    audit_key: SecretStr | None = Field(
        default=None,
        description="key of the MACs on every audit entry and checkpoint "
        "(docs/security.md); keep it "
        "outside the database. WENMING_AUDIT_KEY_FILE names a file holding it instead.",
    )
    audit_key_file: Path | None = Field(
        default=None, description="a file holding the audit checkpoint key"
    )
    audit_retired_keys_file: Path | None = Field(
        default=None,
        description="a file of earlier audit keys, one a line, that `wenming audit verify` "
        "still accepts for entries MAC'd before a key rotation",
    )
    # -- reports and review (docs/review.md) --
    report_rate_per_minute: float = Field(
        default=10.0,
        ge=0,
        description="reports per minute accepted from one network address without a key "
        "(token bucket); 0 = unlimited. Reports with a key spend that key's rate instead.",
    )
    report_burst: float = Field(
        default=5.0,
        ge=1,
        description="reports one address may send at once before the rate applies",
    )
    claim_timeout_seconds: float = Field(
        default=1800.0,
        gt=0,
        description="how long a moderator's claim on a case holds without a decision; after "
        "it, another moderator may take the case over",
    )
    # -- the work stream (docs/scaling.md) --
    stream_prefix: str = Field(
        default="wenming",
        pattern=r"^[A-Za-z0-9_.-]{1,64}$",
        description="prefix of every Redis stream and group name, so several deployments "
        "can share one Redis",
    )
    max_deliveries: int = Field(
        default=5, ge=1, description="deliveries of a work message before it is dead-lettered"
    )
    stream_maxlen: int = Field(
        default=2_000_000,
        ge=1000,
        description="bound of each work stream's backlog; ingest answers 503 beyond it",
    )
    reclaim_idle_seconds: float = Field(
        default=30.0,
        gt=0,
        description="how long a delivered message may go unacknowledged before another "
        "worker takes it over (its worker is presumed dead)",
    )
    shadow_policy: Path | None = Field(
        default=None,
        description="a candidate policy the workers also run on live traffic, recording "
        "its decisions beside the live ones without acting on them (shadow mode)",
    )

    session_hours: float = Field(
        default=12.0,
        gt=0,
        le=24 * 30,
        description="how long a console sign-in lasts; sessions live on the server and end "
        "at sign-out, when the key is revoked or when the password changes",
    )
    # -- the engine (docs/detectors.md, docs/models.md, docs/factchecks.md) --
    cascade: bool = Field(
        default=False,
        description="run the classifiers' second stage (an e5 embedding of the items the fast "
        "model is unsure of): more accurate, far slower; for back-office or low volume",
    )
    model_path: str = Field(
        default="",
        description="folders (os.pathsep-separated) searched for classifier models before "
        "./models and the packaged ones",
    )
    embed_threads: int | None = Field(
        default=None,
        ge=1,
        description="threads of the one multilingual-e5 embedding engine per process "
        "(default: the engine's, all cores)",
    )
    factchecks_dir: Path | None = Field(
        default=None,
        description="fact-check registry directory that `wenming screen` and `wenming claims` "
        "use without a database (default ./wenming-factchecks); the server screens against "
        "the database instead",
    )
    factchecks_check_seconds: float = Field(
        default=2.0,
        ge=0,
        description="how often screening looks for fact-checks published since its last look "
        "(only the new ones are read)",
    )

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> Settings:
        if self.env != "development" and self.secret_key.get_secret_value() == DEV_SECRET:
            raise ValueError(
                f"WENMING_SECRET_KEY must be set when WENMING_ENV={self.env} "
                "(the built-in secret is for development only)"
            )
        if len(self.secret_key.get_secret_value()) < 16:
            raise ValueError("WENMING_SECRET_KEY must be at least 16 characters long")
        return self

    def audit_mac_key(self) -> bytes | None:
        """The audit checkpoint key, from the setting or its file (read when asked)."""
        if self.audit_key is not None:
            return self.audit_key.get_secret_value().encode()
        if self.audit_key_file is not None:
            return self.audit_key_file.read_bytes().strip()
        return None

    def audit_verify_keys(self) -> list[bytes]:
        """The keys ``wenming audit verify`` checks entry MACs with: the audit key and
        the retired ones."""
        found = [k for k in [self.audit_mac_key()] if k]
        if self.audit_retired_keys_file is not None:
            text = self.audit_retired_keys_file.read_text(encoding="utf-8")
            found += [line.strip().encode() for line in text.splitlines() if line.strip()]
        return found

    @property
    def secure_cookies(self) -> bool:
        """Whether the session cookie is marked Secure."""
        return self.env != "development" if self.cookie_secure is None else self.cookie_secure

    @property
    def default_secret(self) -> bool:
        """Whether the built-in development secret is in use."""
        return self.secret_key.get_secret_value() == DEV_SECRET

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL with a driver SQLAlchemy can load (psycopg 3 for PostgreSQL)."""
        return normalize_database_url(self.database_url)
