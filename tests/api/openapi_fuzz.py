"""Hypothesis strategies built from the app's own OpenAPI document, and a checker of
responses against the schemas it documents (schemathesis is not on the package list).

Values mostly follow the schema, so requests get past validation and reach the service;
some are hostile on purpose (NUL, lone surrogates, huge numbers, far dates, deep nesting,
wrong types), which is where the 500s were.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

Schema = dict[str, Any]
Components = dict[str, Schema]

HOSTILE_STRINGS = [
    "",
    " ",
    "a\x00b",
    "\ud800",
    "%00",
    "../../etc/passwd",
    "' OR 1=1 --",
    "<script>x</script>",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "x" * 300,
    "ｆｕｃｋ",
    "\u202e",
    "acme",
    "other",
    "https://evil.github.io/a",
    "{{7*7}}",
    "\\",
    "9223372036854775808",
]
HOSTILE_INTS = [0, -1, 1, 2**31, 2**63, -(2**63), 10**30]
DATES = [
    "2026-01-01T00:00:00Z",
    "2026-11-30T12:00:00+08:00",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "1970-01-01",
    "not a date",
]


def resolve(schema: Schema, components: Components) -> Schema:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _text(schema: Schema) -> st.SearchStrategy[Any]:
    if schema.get("format") == "date-time":
        return st.sampled_from(DATES)
    if schema.get("format") == "uuid":
        return st.one_of(st.uuids().map(str), st.sampled_from(HOSTILE_STRINGS))
    low, high = schema.get("minLength", 0), min(schema.get("maxLength", 40), 40)
    fitting = st.text(st.characters(codec="utf-8"), min_size=low, max_size=max(low, high))
    return st.one_of(fitting, st.sampled_from(HOSTILE_STRINGS))


def values(schema: Schema, components: Components, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values for ``schema``: mostly valid, sometimes hostile."""
    schema = resolve(schema, components)
    if "enum" in schema:
        return st.one_of(st.sampled_from(schema["enum"]), st.sampled_from(["", "nope"]))
    if "anyOf" in schema:
        return st.one_of(*(values(s, components, depth) for s in schema["anyOf"]))
    kind = schema.get("type")
    if kind == "string":
        return _text(schema)
    if kind == "integer":
        low, high = schema.get("minimum", -5), schema.get("maximum", 1000)
        return st.one_of(st.integers(low, high), st.sampled_from(HOSTILE_INTS))
    if kind == "number":
        return st.one_of(
            st.floats(allow_nan=False, allow_infinity=False, width=32),
            st.sampled_from([0.0, 1.0, 1e308]),
        )
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    if kind == "array" or depth > 4:
        if depth > 4:
            return st.just([])
        inner = values(schema.get("items", {}), components, depth + 1)
        return st.lists(inner, max_size=min(schema.get("maxItems", 3), 3))
    if kind == "object" or "properties" in schema:
        props: dict[str, Schema] = schema.get("properties", {})
        required = set(schema.get("required", []))
        fixed = {k: values(v, components, depth + 1) for k, v in props.items() if k in required}
        optional = {
            k: values(v, components, depth + 1) for k, v in props.items() if k not in required
        }
        return st.fixed_dictionaries(fixed, optional=optional)
    # No type: anything JSON.
    return st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=5),
        lambda c: st.lists(c, max_size=3),
        max_leaves=5,
    )


def conforms(value: Any, schema: Schema, components: Components, where: str = "$") -> str | None:
    """The first way ``value`` breaks ``schema``, or ``None``."""
    schema = resolve(schema, components)
    if "anyOf" in schema:
        if any(conforms(value, s, components, where) is None for s in schema["anyOf"]):
            return None
        return f"{where}: matches no alternative"
    if "enum" in schema and value not in schema["enum"]:
        return f"{where}: {value!r} not in {schema['enum']}"
    kind = schema.get("type")
    checks: dict[str, type | tuple[type, ...]] = {
        "string": str,
        "integer": int,
        "number": (int, float),
        "boolean": bool,
        "array": list,
        "object": dict,
    }
    if kind == "null":
        return None if value is None else f"{where}: expected null"
    wrong_type = kind in checks and not isinstance(value, checks[kind])
    if wrong_type or (kind in ("integer", "number") and isinstance(value, bool)):
        return f"{where}: expected {kind}, got {type(value).__name__}"
    if kind == "array":
        for n, v in enumerate(value):
            if broken := conforms(v, schema.get("items", {}), components, f"{where}[{n}]"):
                return broken
    if kind == "object" or "properties" in schema:
        if not isinstance(value, dict):
            return f"{where}: expected object"
        for name in schema.get("required", []):
            if name not in value:
                return f"{where}: missing {name}"
        for name, sub in schema.get("properties", {}).items():
            if name in value and (
                broken := conforms(value[name], sub, components, f"{where}.{name}")
            ):
                return broken
    return None
