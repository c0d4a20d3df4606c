"""FastAPI dependencies, as ``Annotated`` aliases the routes declare.

``RuntimeDep`` and ``StoreDep`` hand the route the runtime's parts; ``CurrentKey``
authenticates the bearer key and spends a token of its rate limit (401 and 429 are
raised here, before the route runs). These dependencies are ``async`` on purpose: a
verified key is served from memory, so they need no worker thread.
"""

from __future__ import annotations

import math
from typing import Annotated, cast

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from wenming.api.errors import ApiError
from wenming.api.limits import TokenBuckets
from wenming.runtime import Runtime
from wenming.service.keys import Principal
from wenming.store.sql import Store

_bearer = HTTPBearer(auto_error=False, description="an API key from `wenming keys create`")


async def get_runtime(request: Request) -> Runtime:
    return cast(Runtime, request.app.state.runtime)


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def get_store(runtime: RuntimeDep) -> Store:
    return runtime.store


StoreDep = Annotated[Store, Depends(get_store)]


async def current_key(
    request: Request,
    runtime: RuntimeDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None:
        raise ApiError(
            401,
            "unauthorized",
            "missing API key: send the header 'Authorization: Bearer KEY'",
            {"WWW-Authenticate": "Bearer"},
        )
    principal = runtime.keys.verify(credentials.credentials)
    if principal is None:
        raise ApiError(
            401, "unauthorized", "invalid or revoked API key", {"WWW-Authenticate": "Bearer"}
        )
    buckets = cast(TokenBuckets, request.app.state.rate_limits)
    settings = runtime.settings
    rate = principal.key.rate_limit
    rate = settings.rate_limit_per_second if rate is None else rate
    burst = max(1.0, rate * settings.rate_limit_burst_seconds)
    wait = buckets.take(principal.key.id, rate=rate, burst=burst)
    if wait > 0:
        raise ApiError(
            429,
            "rate_limited",
            f"too many requests for this key (limit {rate:g}/s); retry in {wait:.2f}s",
            {"Retry-After": str(max(1, math.ceil(wait)))},
        )
    return principal


CurrentKey = Annotated[Principal, Depends(current_key)]
