"""The HTTP application factory: ``create_app(runtime)`` builds a FastAPI app on a runtime.

It installs the API (:mod:`wenming.api`) and the web pages (:mod:`wenming.web`) on one
app. The app holds no globals: the runtime (settings, store, screener) lives on
``app.state`` and reaches routes through :mod:`wenming.http.deps`. Routes are versioned
under ``/v1``; ``/healthz`` and ``/readyz`` sit at the root for probes; the OpenAPI
document is at ``/openapi.json`` and the interactive docs at ``/docs``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

import wenming
from wenming import web
from wenming.api import routes
from wenming.api.workload import CpuGate
from wenming.http import accesslog, errors
from wenming.http.inputguard import InputGuard
from wenming.http.limits import BodyLimit, TokenBuckets
from wenming.runtime import Runtime

_DESCRIPTION = """\
wenming screens what people post against a versioned policy and keeps a durable,
auditable record of every item and decision.

Authenticate with `Authorization: Bearer KEY` (keys come from `wenming keys create`).
Every error is JSON `{"code": ..., "message": ...}`.
"""


def create_app(runtime: Runtime, *, owns_runtime: bool = False) -> FastAPI:
    """Build the API on ``runtime``. The caller closes the runtime, unless ``owns_runtime``
    asks the app to close it when it shuts down."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            if owns_runtime:
                runtime.close()

    app = FastAPI(
        lifespan=lifespan,
        title="wenming",
        version=wenming.__version__,
        description=_DESCRIPTION,
        docs_url="/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.runtime = runtime
    app.state.rate_limits = TokenBuckets()
    app.state.cpu_gate = CpuGate(
        threads=runtime.settings.screen_threads,
        per_key=runtime.settings.screen_concurrency_per_key,
    )
    errors.install(app)
    routes.install(app)
    web.install(app)
    app.add_middleware(BodyLimit, max_bytes=runtime.settings.max_body_bytes)
    app.add_middleware(InputGuard)
    app.add_middleware(errors.ContainErrors)
    if runtime.settings.trusted_proxies:
        # X-Forwarded-For names the client only when a configured proxy sent it.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=runtime.settings.trusted_proxies)
    return app


def app_from_env() -> FastAPI:
    """An app on a runtime built from the environment: the factory each worker process
    runs under ``uvicorn --factory wenming.server.app:app_from_env --workers N``."""
    accesslog.install()
    return create_app(Runtime.build(), owns_runtime=True)
