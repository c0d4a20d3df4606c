"""The shipped deployment examples work: systemd units and the Procfile name real
commands and options, the environment example names real settings, and the Procfile's
commands start, serve and stop cleanly."""

from __future__ import annotations

import configparser
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import typer

from wenming.cli import _load_commands, app
from wenming.config import Settings

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))


def cli_accepts(argv: list[str]) -> None:
    """Parse ``argv`` (after ``wenming``) with the real CLI; raises on unknown commands
    or options, runs nothing."""
    _load_commands()
    command: Any = typer.main.get_command(app)
    ctx = command.make_context("wenming", list(argv), resilient_parsing=False)
    while hasattr(command, "get_command"):  # a group: descend into the named sub-command
        # click 8.2 keeps the sub-command's name in _protected_args (protected_args before)
        protected = getattr(ctx, "_protected_args", None) or getattr(ctx, "protected_args", [])
        rest = [*protected, *ctx.args]
        assert rest, f"no sub-command in {argv}"
        name, rest = rest[0], rest[1:]
        sub = command.get_command(ctx, name)
        assert sub is not None, f"no command {name!r} in {argv}"
        command, ctx = sub, sub.make_context(name, rest, parent=ctx)


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path)
    return parser


def expand(command: str) -> list[str]:
    command = command.replace("%i", "01").replace("%H", "host").replace("${PORT:-8000}", "8000")
    return shlex.split(command)


@pytest.mark.parametrize("path", UNITS, ids=[p.name for p in UNITS])
def test_unit_files_run_real_commands(path: Path) -> None:
    u = unit(path)
    assert {"Unit", "Service", "Install"} <= set(u.sections())
    service = u["Service"]
    assert service["Restart"] == "always"
    assert service["EnvironmentFile"] == "/etc/wenming/wenming.env"
    for key in ("ExecStartPre", "ExecStart"):
        if key in service:
            argv = expand(service[key])
            assert argv[0].endswith("/wenming")
            cli_accepts(argv[1:])


def test_worker_instances_get_their_own_name_and_metrics_port() -> None:
    service = unit(DEPLOY / "systemd" / "wenming-worker@.service")["Service"]
    assert "--name %H-%i" in service["ExecStart"]
    assert "--metrics-port 91%i" in service["ExecStart"]
    assert int(service["TimeoutStopSec"]) >= 30  # time to finish the batch in hand


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_systemd_analyze_finds_no_syntax_errors(tmp_path: Path) -> None:
    for path in [*UNITS, DEPLOY / "systemd" / "wenming-workers.target"]:
        shutil.copy(path, tmp_path / path.name)
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        text=True,
        timeout=60,
    )
    # The binaries and users of a real install are absent here; only syntax counts.
    syntax = [
        line
        for line in result.stderr.splitlines()
        if re.search(r"Unknown (key|section)|Invalid|Failed to parse|bad-setting", line)
    ]
    assert syntax == []


def test_environment_example_names_only_real_settings() -> None:
    values: dict[str, str] = {}
    for line in (DEPLOY / "wenming.env.example").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value
    fields = {f"WENMING_{name.upper()}" for name in Settings.model_fields}
    assert set(values) <= fields, set(values) - fields
    fields_in: dict[str, Any] = {k.removeprefix("WENMING_").lower(): v for k, v in values.items()}
    settings = Settings(**fields_in)
    assert settings.redis_url and settings.env == "production"


def procfile() -> dict[str, str]:
    out = {}
    for line in (DEPLOY / "Procfile").read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_-]+):\s*(.+)$", line)
        if m:
            out[m[1]] = m[2]
    return out


def test_cli_accepts_refuses_what_the_cli_would() -> None:
    cli_accepts(["worker", "--batch", "10"])
    cli_accepts(["db", "upgrade"])
    for bad in (["worker", "--no-such-option"], ["no-such-command"], ["db", "nothing"]):
        with pytest.raises(Exception):  # noqa: B017, PT011 - click's usage errors vary by version
            cli_accepts(bad)


def test_procfile_commands_parse() -> None:
    procs = procfile()
    assert set(procs) == {"release", "api", "worker"}
    for command in procs.values():
        argv = expand(command)
        assert argv[0] == "wenming"
        cli_accepts(argv[1:])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(cond: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(cond) and cond():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.slow
def test_procfile_processes_start_serve_and_stop(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WENMING_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["WENMING_DATABASE_URL"] = f"sqlite:///{tmp_path / 'wenming.db'}"
    env["WENMING_SECRET_KEY"] = "procfile-test-secret-0123456789"  # serve refuses the dev one
    env["PORT"] = str(_free_port())
    procs = procfile()
    release = subprocess.run(
        ["bash", "-c", procs["release"]], env=env, cwd=tmp_path, timeout=60, capture_output=True
    )
    assert release.returncode == 0, release.stderr
    running = {}
    for name in ("api", "worker"):
        with (tmp_path / f"{name}.log").open("wb") as log:
            running[name] = subprocess.Popen(
                ["bash", "-c", f"exec {procs[name]}"],
                env=env,
                cwd=tmp_path,
                stdout=log,
                stderr=log,
            )
    try:

        def healthy() -> bool:
            try:
                url = f"http://127.0.0.1:{env['PORT']}/healthz"
                with urllib.request.urlopen(url, timeout=1) as r:
                    return bool(r.status == 200)
            except OSError:
                return False

        assert _wait(healthy, 30), (tmp_path / "api.log").read_text()
        worker_log = tmp_path / "worker.log"
        assert _wait(lambda: "embedded queue" in worker_log.read_text(), 30), worker_log.read_text()
    finally:
        for proc in running.values():
            proc.send_signal(signal.SIGTERM)
        codes = {name: proc.wait(30) for name, proc in running.items()}
    # uvicorn shuts down gracefully, then re-raises SIGTERM so its exit status says why.
    assert codes["worker"] == 0 and codes["api"] in (0, -signal.SIGTERM), codes
    assert "Application shutdown complete" in (tmp_path / "api.log").read_text()
