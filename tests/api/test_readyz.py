"""Readiness follows the work stream too when it runs on Redis."""

from __future__ import annotations

import socket
from pathlib import Path

from fastapi.testclient import TestClient

from wenming.config import Settings
from wenming.runtime import Runtime
from wenming.server.app import create_app


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again when the block ends


def test_readyz_is_503_while_redis_is_unreachable(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'r.db'}",
        redis_url=f"redis://127.0.0.1:{_closed_port()}/0",
    )
    rt = Runtime.build(settings, migrate_db=True)
    try:
        with TestClient(create_app(rt)) as client:
            r = client.get("/readyz")
            assert r.status_code == 503
            assert r.json()["code"] == "unavailable" and "Redis" in r.json()["message"]
            assert client.get("/healthz").status_code == 200
    finally:
        rt.close()
