"""``wenming serve``: run the HTTP API (and, later, the web UI) with uvicorn.

Migrations are applied on start and the policy in force is recorded in the audit log
when it changed. ``--demo`` seeds a demo platform, prints its keys and screens the
example posts first, so a new user has something to look at.
"""

from __future__ import annotations

import gc
import os
import shlex
from pathlib import Path
from typing import Annotated, Any

import typer
import uvicorn

from wenming.cli import app
from wenming.cli._service import err, runtime, settings
from wenming.config import Settings
from wenming.core.model import Item
from wenming.http import accesslog
from wenming.policies import default_examples_path, default_factchecks_path
from wenming.runtime import Runtime
from wenming.server.app import create_app
from wenming.service import demo as demo_service
from wenming.service.screening import policy_activate
from wenming.worker.loop import embedded


def _settle(rt: Runtime) -> None:
    """Load what the screener loads on first use, then put every object alive now beyond
    the cyclic garbage collector (``gc.freeze``): the policy, lexicons and models are
    ~300,000 long-lived objects, and a full collection over them stalls a request for
    tens of milliseconds, which showed as the API's p99."""
    rt.screener.screen([Item(id="warm-up", text="warm up 热身 https://example.com")])
    gc.collect()
    gc.freeze()


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind [default: 127.0.0.1].")] = None,
    port: Annotated[int | None, typer.Option(help="Port to bind [default: 8000].")] = None,
    demo: Annotated[
        bool, typer.Option("--demo", help="Seed a demo platform, keys and example posts.")
    ] = False,
    policy: Annotated[
        Path | None, typer.Option(help="Policy file [default: the bundled default pack].")
    ] = None,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    access_log: Annotated[bool, typer.Option(help="Log every request.")] = True,
) -> None:
    """Start the API on http://HOST:PORT (OpenAPI docs at /docs)."""
    config = settings(host=host, port=port, policy=policy)
    if config.default_secret and not demo:
        # Reporter digests and key hashes are keyed with it: with the published value,
        # anyone holding the database could reverse them.
        err.print(
            "refusing to serve with the built-in development secret: set "
            "WENMING_SECRET_KEY (or run `wenming serve --demo`)"
        )
        raise typer.Exit(2)
    accesslog.install()
    rt = runtime(config, migrate_db=True)
    try:
        screener = rt.screener
        version = screener.policy.version
        source = str(config.policy) if config.policy else "bundled default"
        if policy_activate(rt.store, version=version, source=source):
            err.print(f"policy {version} now in force (recorded in the audit log)")
        if demo:
            _seed(rt)
        url = f"http://{config.host}:{config.port}"
        err.print(f"wenming serving on {url}  (docs: {url}/docs, policy {version})")
        if workers == 1:
            _settle(rt)
            with embedded(rt):  # screens POST /v1/items when there is no Redis
                uvicorn.run(
                    create_app(rt),
                    host=config.host,
                    port=config.port,
                    access_log=access_log,
                    log_level="info",
                    timeout_graceful_shutdown=10,
                    **proxy_options(config),
                )
            return
    finally:
        rt.close()
    # Several workers: each process builds its own runtime from the environment.
    os.environ.update({"WENMING_HOST": config.host, "WENMING_PORT": str(config.port)})
    if config.policy is not None:
        os.environ["WENMING_POLICY"] = str(config.policy)
    # Without Redis, one embedded worker here screens what every process put in the outbox.
    rt = runtime(config)
    try:
        with embedded(rt):
            uvicorn.run(
                "wenming.server.app:app_from_env",
                factory=True,
                host=config.host,
                port=config.port,
                workers=workers,
                access_log=access_log,
                log_level="info",
                **proxy_options(config),
            )
    finally:
        rt.close()


def proxy_options(_config: Settings) -> dict[str, Any]:
    """uvicorn reads no forwarding headers (its default believes 127.0.0.1): the app
    believes them from ``WENMING_TRUSTED_PROXIES`` only, whatever server runs it."""
    return {"proxy_headers": False}


def _seed(rt: Runtime) -> None:
    # Fact-checks first, so example posts that restate a debunked claim are labelled.
    published = demo_service.seed_factchecks(
        rt.store, rt.resources.embedder(), default_factchecks_path()
    )
    if published:
        err.print(f"demo fact-checks: {published} published to the rumor-busting registry")
    seeded = demo_service.seed(
        rt.store,
        rt.screener,
        secret=rt.settings.secret_key.get_secret_value(),
        examples=default_examples_path(),
        hooks=rt.decision_hooks,
    )
    counts = ", ".join(f"{v} {n}" for v, n in seeded.verdicts.most_common())
    url = f"http://{rt.settings.host}:{rt.settings.port}"
    body = '{"items": [{"id": "post-1", "text": "加我微信领取福利, buy followers cheap"}]}'
    curl = (
        f"curl -s {url}/v1/screen -H {shlex.quote('Authorization: Bearer ' + seeded.platform_key)}"
        f" -H 'Content-Type: application/json' -d {shlex.quote(body)}"
    )
    typer.echo(
        f"\ndemo platform {demo_service.PLATFORM!r}: {seeded.screened} example posts screened"
        f"{' (' + counts + ')' if counts else ''}\n"
        f"  platform key: {seeded.platform_key}\n"
        f"  admin key:    {seeded.admin_key}\n"
        f"these keys are shown only now. Try:\n  {curl}\n"
        f"  curl -s {url}/v1/items/post-1 -H "
        f"{shlex.quote('Authorization: Bearer ' + seeded.platform_key)}\n"
        f"  open {url}/docs\n"
        f"  open {url}/ (the public portal) and {url}/console (sign in with the admin key)\n"
    )
