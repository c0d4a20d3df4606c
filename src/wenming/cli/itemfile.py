"""Items in files: reading JSONL or CSV input line by line, writing JSONL decisions.

Bad lines never stop the good ones: each problem comes back as a :class:`BadLine`
(line number and a plain reason) in the stream, and the caller decides whether to skip
it or stop. Used by ``wenming screen`` and every other command that reads item files.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from wenming.core.model import Decision, Item


@dataclass(frozen=True, slots=True)
class BadLine:
    """An input line that could not be read as an item."""

    line: int
    reason: str


def read_items(
    src: IO[bytes], *, text_column: str | None = None, id_column: str = "id"
) -> Iterator[Item | BadLine]:
    """Items from JSONL (the default) or, when ``text_column`` is given, CSV."""
    if text_column is not None:
        yield from _read_csv(src, text_column=text_column, id_column=id_column)
        return
    for lineno, raw in enumerate(src, start=1):
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield BadLine(lineno, f"not valid UTF-8 (byte {exc.start})")
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield BadLine(lineno, f"not JSON: {exc.msg} at column {exc.colno}")
            continue
        yield _item(obj, lineno)


def _item(obj: Any, lineno: int) -> Item | BadLine:
    if not isinstance(obj, dict):
        return BadLine(lineno, f"expected a JSON object, got {type(obj).__name__}")
    for key in ("id", "text"):
        if key not in obj or obj[key] is None:
            return BadLine(lineno, f"missing field {key!r}")
    if not isinstance(obj["text"], str):
        return BadLine(lineno, f"field 'text' must be a string, got {type(obj['text']).__name__}")
    if not isinstance(obj["id"], str | int) or isinstance(obj["id"], bool):
        return BadLine(
            lineno, f"field 'id' must be a string or an integer, got {type(obj['id']).__name__}"
        )
    urls = obj.get("urls")
    if urls is not None and not (isinstance(urls, list) and all(isinstance(u, str) for u in urls)):
        return BadLine(lineno, "field 'urls' must be a list of strings")
    return Item.from_mapping(obj)


def _read_csv(src: IO[bytes], *, text_column: str, id_column: str) -> Iterator[Item | BadLine]:
    bad: dict[int, str] = {}

    def lines() -> Iterator[str]:
        for lineno, raw in enumerate(src, start=1):
            try:
                yield raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                bad[lineno] = f"not valid UTF-8 (byte {exc.start})"
                yield "\n"

    reader = csv.DictReader(lines())
    if reader.fieldnames is None or text_column not in reader.fieldnames:
        yield BadLine(
            1,
            f"the CSV header has no column {text_column!r} "
            f"(columns: {', '.join(reader.fieldnames or [])})",
        )
        return
    for n, row in enumerate(reader, start=1):
        lineno = reader.line_num
        if lineno in bad:
            yield BadLine(lineno, bad.pop(lineno))
            continue
        text = row.get(text_column)
        if text is None:
            yield BadLine(lineno, f"row has no value in column {text_column!r}")
            continue
        yield Item(id=row.get(id_column) or str(n), text=text)
    for lineno, reason in sorted(bad.items()):
        yield BadLine(lineno, reason)


def write_decision(dst: IO[str], decision: Decision) -> None:
    """Write one decision as a JSONL line."""
    dst.write(json.dumps(decision.to_dict(), ensure_ascii=False))
    dst.write("\n")
