"""Property-based probing of the whole API from its OpenAPI document, on SQLite and
PostgreSQL: no request may get a 5xx, an error that is not ``{"code", "message"}`` JSON,
or a success that breaks its documented schema. Bounded to well under a minute a backend.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.conftest import Keys, auth
from tests.api.openapi_fuzz import conforms, resolve, values

EXAMPLES = 600


def _quote(text: str, safe: str = "") -> str:
    return quote(text.encode("utf-8", "surrogatepass"), safe=safe)


def _wire(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, op)
        for path, ops in sorted(doc["paths"].items())
        for method, op in sorted(ops.items())
    ]


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_request_breaks_the_api(client: TestClient, keys: Keys, data: st.DataObject) -> None:
    doc = client.app.openapi()  # type: ignore[attr-defined]
    components = doc["components"]["schemas"]
    method, path, op = data.draw(st.sampled_from(_operations(doc)), label="operation")
    url = path
    query: dict[str, Any] = {}
    for param in op.get("parameters", []):
        value = data.draw(values(param["schema"], components), label=param["name"])
        if param["in"] == "path":
            text = str(value) or "x"
            url = url.replace("{" + param["name"] + "}", _quote(text, safe="/"))
        elif param["in"] == "query" and (param.get("required") or data.draw(st.booleans())):
            query[param["name"]] = value if not isinstance(value, list | dict) else str(value)
    if query:
        # Lone surrogates travel as the bytes a careless client would send.
        url += "?" + "&".join(f"{_quote(k)}={_quote(_wire(v))}" for k, v in query.items())
    body = None
    if "requestBody" in op:
        schema = op["requestBody"]["content"]["application/json"]["schema"]
        body = data.draw(values(schema, components), label="body")
    who = data.draw(
        st.sampled_from(["admin", "acme", "acme_moderator", "viewer", "flagger", None]), label="key"
    )
    headers = auth(getattr(keys, who)) if who else {}
    if body is not None:
        headers["Content-Type"] = "application/json"
    content = None if body is None else json.dumps(body).encode()  # \ud800 travels escaped
    response = client.request(method.upper(), url, content=content, headers=headers)
    status = response.status_code
    assert status < 500, (method, url, query, body, status, response.text[:500])
    if path == "/metrics" and status == 200:
        return
    payload = response.json() if response.content else None
    if status >= 400:
        assert isinstance(payload, dict) and {"code", "message"} <= set(payload), payload
        return
    documented = op["responses"].get(str(status)) or {}
    schema = documented.get("content", {}).get("application/json", {}).get("schema")
    if schema is not None and resolve(schema, components):
        broken = conforms(payload, schema, components)
        assert broken is None, (method, url, status, broken)


def test_the_fuzzer_covers_every_documented_operation(client: TestClient) -> None:
    ops = _operations(client.app.openapi())  # type: ignore[attr-defined]
    assert len(ops) >= 35
    assert all(re.match(r"^(get|post|put|delete|patch)$", m) for m, _, _ in ops)
