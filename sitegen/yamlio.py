"""YAML loading shared by settings, front matter and service files.

Timestamps are *not* resolved by YAML: sitegen parses dates itself so that an
impossible date ("2026-02-30") gets a message naming the key and line instead
of a ValueError deep inside the YAML constructor.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

try:  # the C loader is several times faster on large sites
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader = yaml.SafeLoader

from .errors import ContentError


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    pass


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


def parse_yaml(text: str, path: Path | str, first_line: int = 1,
               error_class: type[ContentError] = ContentError) -> Any:
    """Parse YAML text; errors name `path` and the line (offset by `first_line`)."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + mark.line if mark else first_line
        problem = exc.problem or exc.context or "invalid YAML"
        raise error_class(
            f"invalid YAML: {problem}", path, line,
            hint="check the indentation and quote values containing ': ' or starting with '[', '{', '*', '&', '!', '%' or '@'",
        ) from None
    except yaml.YAMLError as exc:
        raise error_class(f"invalid YAML: {exc}", path, first_line) from None


def key_line(text: str, key: str, first_line: int = 1) -> int | None:
    """The line where a top-level `key:` appears, for error messages."""
    match = re.search(rf"^{re.escape(key)}\s*:", text, re.MULTILINE)
    if not match:
        return None
    return first_line + text.count("\n", 0, match.start())


def read_text(path: Path, display: str) -> str:
    """Read a UTF-8 source file, with a clear error when it is not UTF-8."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ContentError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            display, line, hint="save the file with UTF-8 encoding in your editor",
        ) from None
    return text.removeprefix("\ufeff")


def path_line(text: str, keys: tuple[Any, ...], first_line: int = 1) -> int | None:
    """The line of a nested value (`("sessions", 2, "date")`), for error messages.

    Only called when something is wrong, so the second parse costs nothing on
    a good build.
    """
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return None
    line = None
    for key in keys:
        if node is None:
            break
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == str(key)), None)
            if match is None:
                break
            line = match[0].start_mark.line
            node = match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line
        else:
            break
    return None if line is None else first_line + line
