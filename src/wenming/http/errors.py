"""Every error the API answers is JSON ``{"code": ..., "message": ...}`` with the right status.

Handlers here translate service errors, request-validation errors (422, naming the
field; 400 for a body that is not JSON at all), Starlette's HTTP errors and anything
unexpected (500, logged, without internals) into that one shape.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wenming.service.errors import (
    ConflictError,
    ForbiddenError,
    InvalidError,
    NotFoundError,
    ServiceError,
)
from wenming.store.base import DatabaseError, ValueRefusedError, unavailable
from wenming.store.engine import redact_detail

log = logging.getLogger("wenming.api")
_RETRY_AFTER = "2"  # seconds a client waits before retrying a 503

_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}
_SERVICE_STATUS: dict[type[ServiceError], int] = {
    NotFoundError: 404,
    ForbiddenError: 403,
    InvalidError: 422,
    ConflictError: 409,
}


class ApiError(Exception):
    """An error raised at the HTTP edge itself (authentication, rate limits)."""

    def __init__(
        self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})


def error_response(
    status: int,
    code: str,
    message: str,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    return JSONResponse(
        {"code": code, "message": message, **extra}, status_code=status, headers=headers
    )


def field_name(loc: Sequence[int | str]) -> str:
    """``("body", "items", 3, "text")`` → ``items.3.text``."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    return ".".join(parts) or "body"


def _message(error: Mapping[str, Any]) -> str:
    # pydantic words a length limit on a constrained string as "items"; say characters.
    value, ctx = error.get("input"), error.get("ctx") or {}
    if isinstance(value, str) and error.get("type") in ("too_long", "too_short"):
        if error["type"] == "too_long":
            return f"must be at most {ctx.get('max_length')} characters long, not {len(value)}"
        return f"must be at least {ctx.get('min_length')} characters long, not {len(value)}"
    return str(error.get("msg", "")).removeprefix("Value error, ")


def _unparsable(exc: BaseException) -> str:
    # FastAPI raises "There was an error parsing the body" from the real cause; name it.
    # (The body is not read again here: it is gone, and a client may still be sending.)
    cause = exc.__cause__
    if isinstance(cause, UnicodeDecodeError):
        return f"the request body is not valid UTF-8 (byte {cause.start})"
    if isinstance(cause, RecursionError):
        return "the request body is JSON nested too deeply"
    return "the request body could not be parsed as JSON"


def _validation(errors: Sequence[Any]) -> JSONResponse:
    if any(e.get("type") == "json_invalid" for e in errors):
        first = errors[0]
        where = first.get("ctx", {}).get("error") or first.get("msg", "")
        return error_response(400, "malformed_json", f"the request body is not valid JSON: {where}")
    fields = [{"field": field_name(e.get("loc", ())), "message": _message(e)} for e in errors]
    first = fields[0] if fields else {"field": "body", "message": "invalid"}
    return error_response(
        422, "invalid_request", f"{first['field']}: {first['message']}", fields=fields[:20]
    )


class ContainErrors:
    """ASGI middleware: an exception no handler took becomes a logged 500 JSON answer
    here, instead of reaching Starlette's outermost layer, which re-raises it to the
    server and so resets the client's keep-alive connection."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception:
            log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise  # half an answer is out; only closing the connection can end it
            response = error_response(
                500, "internal_error", "internal error; the server log has details"
            )
            await response(scope, receive, send)


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    async def on_db_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DatabaseError)
        if unavailable(exc):
            log.warning("database unavailable on %s %s", request.method, request.url.path)
            return error_response(
                503,
                "unavailable",
                "the database is unavailable; retry shortly",
                {"Retry-After": _RETRY_AFTER},
            )
        if isinstance(exc, ValueRefusedError):
            # A value the database cannot hold (a NUL, an over-long string) that no schema
            # check caught: the request's fault, so never a 500.
            log.warning(
                "database refused a value on %s %s: %s",
                request.method,
                request.url.path,
                exc.orig.__class__.__name__,
            )
            return error_response(
                422,
                "invalid_request",
                "body: a value cannot be stored (too long, or it holds a NUL character)",
            )
        log.error(
            "database error on %s %s: %s",
            request.method,
            request.url.path,
            redact_detail("".join(traceback.format_exception(exc))),
        )
        return error_response(500, "internal_error", "internal error; the server log has details")

    async def on_api_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiError)
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    async def on_service_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ServiceError)
        return error_response(_SERVICE_STATUS.get(type(exc), 400), exc.code, exc.message)

    async def on_validation(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return _validation(exc.errors())

    async def on_http(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        status = exc.status_code
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if status == 400 and message == "There was an error parsing the body":
            return error_response(400, "malformed_json", _unparsable(exc))
        return error_response(
            status, _STATUS_CODES.get(status, "error"), message, getattr(exc, "headers", None)
        )

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "internal_error", "internal error; the server log has details")

    app.add_exception_handler(DatabaseError, on_db_error)
    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(ServiceError, on_service_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_unexpected)
