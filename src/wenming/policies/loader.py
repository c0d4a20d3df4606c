"""Load a policy from a YAML file and the term, allow and domain list files it names.

Parsing keeps the line of every key so that :class:`~wenming.core.policy.PolicyError`
can say ``policy.yaml:42: ...``; list files are read here (the core stays free of I/O)
and resolved relative to the policy file. Errors in a list file name that file and line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from wenming.core.policy import Policy, PolicyError, build_policy
from wenming.detectors.base import Registry
from wenming.policies import default_policy_path

Path_ = tuple[str | int, ...]


def load_policy(path: str | Path | None = None, *, registry: Registry | None = None) -> Policy:
    """Load and validate the policy at ``path`` (the bundled default pack if ``None``);
    each detector plugin of ``registry`` (default: the installed ones) reads its keys."""
    file = Path(path) if path is not None else default_policy_path()
    source = str(file)
    try:
        raw_bytes = file.read_bytes()
    except OSError as exc:
        raise PolicyError(source, None, f"cannot read the policy file: {exc.strerror}") from None
    try:
        text = raw_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw_bytes[: exc.start].count(b"\n") + 1
        raise PolicyError(source, line, "the file is not valid UTF-8") from None
    return parse_policy(text, source=source, base_dir=file.parent, registry=registry)


def parse_policy(
    text: str,
    *,
    source: str = "<policy>",
    base_dir: Path | None = None,
    registry: Registry | None = None,
) -> Policy:
    """Validate policy YAML given as text; list files resolve against ``base_dir``."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise PolicyError(
            source, mark.line + 1 if mark else None, f"not valid YAML: {problem}"
        ) from None
    if node is None:
        raise PolicyError(source, None, "the policy file is empty")
    lines: dict[Path_, int] = {}
    data = _to_python(node, (), lines, source, yaml.SafeLoader(""))
    base = base_dir or Path.cwd()

    def line_of(path: Path_) -> int | None:
        while path:
            if path in lines:
                return lines[path]
            path = path[:-1]
        return lines.get(())

    def read_lines(rel: str, key_path: Path_) -> list[tuple[str, int]]:
        file = (base / rel).resolve()
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise PolicyError(
                source, line_of(key_path), f"cannot read list file {rel!r}: {exc.strerror}"
            ) from None
        try:
            decoded = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise PolicyError(
                str(file), content[: exc.start].count(b"\n") + 1, "the list file is not valid UTF-8"
            ) from None
        return [(line, i) for i, line in enumerate(decoded.splitlines(), start=1)]

    plugins = (registry or Registry.from_entry_points()).plugins
    return build_policy(data, source=source, line_of=line_of, read_lines=read_lines, parts=plugins)


def _to_python(
    node: yaml.Node, path: Path_, lines: dict[Path_, int], source: str, loader: yaml.SafeLoader
) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node)
            if key in out:
                raise PolicyError(source, key_node.start_mark.line + 1, f"duplicate key {key!r}")
            lines[(*path, key)] = key_node.start_mark.line + 1
            out[key] = _to_python(value_node, (*path, key), lines, source, loader)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(v, (*path, i), lines, source, loader) for i, v in enumerate(node.value)]
    return loader.construct_object(node)
