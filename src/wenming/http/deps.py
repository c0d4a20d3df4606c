"""FastAPI dependencies, as ``Annotated`` aliases the routes declare.

``RuntimeDep`` and ``StoreDep`` hand the route the runtime's parts; ``CurrentKey``
authenticates the bearer key and spends a token of its rate limit (401 and 429 are
raised here, before the route runs); ``PublicCaller`` does the same for routes open to
anyone, limiting callers without a key by network address. These dependencies are
``async`` on purpose: a verified key is served from memory, so they need no worker
thread.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, cast

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from wenming.http.errors import ApiError
from wenming.http.limits import TokenBuckets
from wenming.runtime import Runtime
from wenming.service.factcheck import FactCheckIndex
from wenming.service.keys import Principal
from wenming.store import Store

_bearer = HTTPBearer(auto_error=False, description="an API key from `wenming keys create`")


async def get_runtime(request: Request) -> Runtime:
    return cast(Runtime, request.app.state.runtime)


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def get_store(runtime: RuntimeDep) -> Store:
    return runtime.store


StoreDep = Annotated[Store, Depends(get_store)]


async def get_index(runtime: RuntimeDep) -> FactCheckIndex:
    return runtime.factcheck_index


IndexDep = Annotated[FactCheckIndex, Depends(get_index)]


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


@dataclass(frozen=True, slots=True)
class Caller:
    """Who sent a request that needs no key: the key's principal if one was sent, and
    the network address (for per-address limits and counting distinct reporters)."""

    key: Principal | None
    address: str | None


async def public_caller(
    request: Request,
    runtime: RuntimeDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    """A caller with or without a key. With a key it is verified and spends that key's
    rate; without, the address spends ``WENMING_REPORT_RATE_PER_MINUTE`` (429 beyond)."""
    address = request.client.host if request.client else None
    if credentials is not None:
        return Caller(await current_key(request, runtime, credentials), address)
    settings = runtime.settings
    wait = address_wait(request, runtime)
    if wait > 0:
        raise ApiError(
            429,
            "rate_limited",
            f"too many requests from this address (limit {settings.report_rate_per_minute:g} "
            f"a minute); retry in {wait:.0f}s",
            {"Retry-After": str(max(1, math.ceil(wait)))},
        )
    return Caller(None, address)


PublicCaller = Annotated[Caller, Depends(public_caller)]


def address_wait(request: Request, runtime: Runtime) -> float:
    """Spend one of the caller's address tokens (``WENMING_REPORT_RATE_PER_MINUTE``, shared
    by every public route that costs the server work); seconds to wait, or 0."""
    address = request.client.host if request.client else None
    settings = runtime.settings
    buckets = cast(TokenBuckets, request.app.state.rate_limits)
    rate = settings.report_rate_per_minute / 60.0
    return buckets.take(("address", address), rate=rate, burst=settings.report_burst)
