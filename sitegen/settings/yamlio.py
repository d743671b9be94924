"""YAML loading shared by settings, front matter, service and interface files.

Timestamps are *not* resolved by YAML: sitegen parses dates itself so that an
impossible date ("2026-02-30") gets a message naming the key and line instead
of a ValueError deep inside the YAML constructor.

Every document is checked as a graph of nodes before it is turned into Python
values, because what YAML allows is wider than what a site needs and some of
it cannot be undone later:

- a key written twice in one mapping is an error naming both lines (YAML
  would silently keep the last one);
- aliases may not expand the document beyond MAX_VALUES values (a
  "billion laughs" file is a few hundred bytes that expand to 10⁹ strings:
  any code that walks or prints the value would hang or run out of memory),
  nor refer to the value that contains them (a cycle);
- nesting is at most MAX_DEPTH levels (deeper structures make recursive code
  downstream, such as the cache, fail after the build);
- whole numbers must fit in 64 bits (Python refuses to print ints of more
  than 4300 digits, and the cache formats stop at 64 bits).

The check works on the nodes the C parser composed, with one memo per node,
so it costs one pass over what is written, however much aliases repeat it.
"""

from __future__ import annotations

import re
import reprlib
from pathlib import Path
from typing import Any

import yaml

try:  # the C parser is several times faster on large sites
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader = yaml.SafeLoader

from ..errors import ContentError

MAX_VALUES = 100_000
"""Values a document may hold once aliases are expanded; real site files hold
a few thousand at most."""
MAX_DEPTH = 50
"""Levels of nesting; real files use four or five."""
INT_RANGE = (-(2 ** 63), 2 ** 64 - 1)
MAX_QUOTED = 80
"""Characters of a value quoted in a message."""

MERGE_TAG = "tag:yaml.org,2002:merge"
YAML_HINT = ("check the indentation and quote values containing ': ' or starting with "
             "'[', '{', '*', '&', '!', '%' or '@'")

# What PyYAML says it was reading when the text ended → what a person opened.
UNCLOSED = {"while scanning a quoted scalar": "a quote opened on this line is never closed",
            "while parsing a flow sequence": "a '[' opened on this line is never closed",
            "while parsing a flow mapping": "a '{' opened on this line is never closed",
            "while scanning a simple key": "this line has no ':' after its key"}


class _Problem(Exception):
    """A YAML document that parses but is refused; `line` is 0-based in the text."""

    def __init__(self, message: str, line: int, hint: str | None = None, first: int | None = None):
        super().__init__(message)
        self.message, self.line, self.hint = message, line, hint
        self.first = first
        """For a duplicate key: the line of its first occurrence."""


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader, with the document checked before it is constructed."""

    def get_single_data(self) -> Any:
        node = self.get_single_node()
        if node is None:
            return None
        _check_document(node)
        try:
            return _plain_value(self, node, set())
        except _NotPlain:
            return self.construct_document(node)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        try:
            value = super().construct_yaml_int(node)
        except ValueError:  # more digits than Python converts (sys.int_info)
            value = None
        if value is None or not INT_RANGE[0] <= value <= INT_RANGE[1]:
            digits = sum(ch.isdigit() for ch in node.value)
            raise _Problem(f"number too large ({digits} digits); whole numbers must fit in 64 bits",
                           node.start_mark.line, hint="put it in quotes if it is text, e.g. \"123…\"")
        return value


class _NotPlain(Exception):
    """A document with what only PyYAML's own constructor handles."""


_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
_PLAIN_SCALARS = {f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float", "binary", "timestamp")}


def _plain_value(loader: _Loader, node: yaml.Node, collections: set[int]) -> Any:
    """The value PyYAML's constructor makes, for the documents people write
    (mappings, lists and scalars, without aliases or merges), in one direct
    walk: PyYAML's generic constructor was a third of reading front matter.
    Anything else raises _NotPlain, and the document goes to PyYAML."""
    kind = type(node)
    if kind is yaml.ScalarNode:
        if node.tag == _STR:
            return node.value
        if node.tag in _PLAIN_SCALARS:
            return loader.yaml_constructors[node.tag](loader, node)
        raise _NotPlain
    if id(node) in collections:  # an alias: PyYAML shares the value
        raise _NotPlain
    collections.add(id(node))
    if kind is yaml.MappingNode and node.tag == _MAP:
        mapping = {}
        for key, value in node.value:
            if type(key) is not yaml.ScalarNode or key.tag == MERGE_TAG:
                raise _NotPlain
            mapping[_plain_value(loader, key, collections)] = _plain_value(loader, value, collections)
        return mapping
    if kind is yaml.SequenceNode and node.tag == _SEQ:
        return [_plain_value(loader, item, collections) for item in node.value]
    raise _NotPlain


_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)
# An explicit `!!timestamp` stays text too: one date parser, one set of messages.
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_str)
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


def _check_document(root: yaml.Node) -> None:
    """Refuse duplicate keys, alias bombs, cycles and deep nesting (module docstring)."""
    measured: dict[int, tuple[int, int]] = {}  # id(collection) → (values once expanded, height)
    open_nodes: set[int] = set()
    scalar = yaml.ScalarNode

    def too_deep(node: yaml.Node) -> _Problem:
        return _Problem(f"values nested more than {MAX_DEPTH} levels deep", node.start_mark.line,
                        hint="flatten the structure; sitegen's files need a few levels at most")

    def measure(node: yaml.Node, depth: int) -> tuple[int, int]:
        """(values once aliases are expanded, levels below) of a collection."""
        known = measured.get(id(node))
        if known is not None:  # an alias to a value already measured: only its depth here is new
            if depth + known[1] > MAX_DEPTH:
                raise too_deep(node)
            return known
        if id(node) in open_nodes:
            raise _Problem("an alias refers to the value that contains it (a loop)", node.start_mark.line,
                           hint="write the value out instead of the '*' alias")
        if depth >= MAX_DEPTH:
            raise too_deep(node)
        open_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            _check_unique_keys(node)
            children = [child for pair in node.value for child in pair]
        else:
            children = node.value
        size, height = 1, 1
        for child in children:  # scalars inline: most nodes are scalars, and this runs on every file
            if type(child) is scalar:
                size += 1
            else:
                child_size, child_height = measure(child, depth + 1)
                size += child_size
                height = max(height, child_height + 1)
        open_nodes.discard(id(node))
        if size > MAX_VALUES:
            raise _Problem(f"this value holds more than {MAX_VALUES:,} values once aliases are expanded",
                           node.start_mark.line,
                           hint="write the values out, or use fewer '*' aliases (a YAML alias bomb?)")
        measured[id(node)] = (size, height)
        return size, height

    if not isinstance(root, scalar):
        measure(root, 0)


def _check_unique_keys(node: yaml.MappingNode) -> None:
    first_seen: dict[tuple[str, str], int] = {}
    for key, _ in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.tag == MERGE_TAG:  # `<<` may repeat keys: it merges
            continue
        ident = (key.tag, key.value)
        if ident in first_seen:
            raise _Problem(f"duplicate key {quoted(key.value)}", key.start_mark.line, first=first_seen[ident])
        first_seen[ident] = key.start_mark.line


def parse_yaml(text: str, path: Path | str, first_line: int = 1,
               error_class: type[ContentError] = ContentError) -> Any:
    """Parse YAML text; errors name `path` and the line (offset by `first_line`)."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader subclass
    except _Problem as exc:
        message = exc.message
        if exc.first is not None:  # a duplicate key
            message += f" (first at line {first_line + exc.first}); remove one"
        raise error_class(message, path, first_line + exc.line, hint=exc.hint) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        line = mark.line if mark else 0
        if mark is not None and mark.index >= len(text.rstrip()):
            # The text ended before a quote, bracket or key was closed: the
            # end is past the last line, so name the line where it opened.
            start = exc.context_mark if exc.context_mark is not mark else None
            line = start.line if start else text.rstrip().count("\n")
            problem = UNCLOSED.get(exc.context or "", problem)
        raise error_class(f"invalid YAML: {problem}", path, first_line + line, hint=YAML_HINT) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        line = first_line + text.count("\n", 0, exc.position)
        raise error_class(f"invalid YAML: character U+{exc.character:04X} is not allowed in YAML",
                          path, line, hint="remove it (an invisible control character, often pasted)") from None
    except yaml.YAMLError as exc:
        raise error_class(f"invalid YAML: {exc}", path, first_line) from None
    except RecursionError:  # a backstop: the depth check refuses such files first
        raise error_class("invalid YAML: values nested too deeply", path, first_line) from None


_short = reprlib.Repr()
_short.maxstring = _short.maxother = MAX_QUOTED
_short.maxlevel, _short.maxlist, _short.maxdict, _short.maxtuple = 2, 5, 5, 5


def quoted(value: Any, limit: int = MAX_QUOTED) -> str:
    """`value` as repr() shows it, cut to `limit` characters with an ellipsis.

    For messages: a value can be a 10 kB string or a huge nested structure,
    and the message must stay one readable line (reprlib never builds the
    whole repr)."""
    try:
        text = _short.repr(value)
    except (ValueError, RecursionError):  # e.g. an int beyond Python's str() limit
        text = f"<{type(value).__name__}>"
    text = text.replace("\n", "\\n")
    return text if len(text) <= limit else text[:limit - 1] + "…"


def key_line(text: str, key: str, first_line: int = 1) -> int | None:
    """The line where a top-level `key:` appears, for error messages."""
    match = re.search(rf"^{re.escape(key)}\s*:", text, re.MULTILINE)
    if not match:
        return None
    return first_line + text.count("\n", 0, match.start())


UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def read_text(path: Path, display: str) -> str:
    """Read a UTF-8 source file as text with "\\n" line ends.

    A byte order mark and Windows (CRLF) or old Mac (CR) line ends are
    accepted, so a file saved by any editor builds exactly like its LF twin;
    other encodings get a message saying how to save the file."""
    data = path.read_bytes()
    if data.startswith(UTF16_BOMS):
        raise ContentError("the file is UTF-16 (\"Unicode\" in some Windows editors), not UTF-8", display, 1,
                           hint="save the file with UTF-8 encoding in your editor") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError(*not_utf8(exc, display), hint="save the file with UTF-8 encoding in your editor") from None
    return normalize_newlines(text)


def not_utf8(exc: UnicodeDecodeError, display: str) -> tuple[str, str, int]:
    """The message, file and line for bytes that are not UTF-8."""
    data, start = exc.object, exc.start
    return f"not valid UTF-8 (byte 0x{data[start]:02x} at offset {start})", display, data.count(b"\n", 0, start) + 1


def normalize_newlines(text: str) -> str:
    """Text without a byte order mark, with "\\n" for CRLF and lone CR line ends."""
    text = text.removeprefix("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


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
