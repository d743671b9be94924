"""A recovering read of an export: the quirks real exports have, mended and listed.

WordPress's own importer takes files an XML parser refuses, and exporting
again gives the same file, so these are mended, each repair named with its
line and column for the report:
- a prefix used but never declared (`<atom:link>` in WordPress.com exports):
  declared on the root element;
- control characters pasted from Word (XML 1.0 forbids them): removed;
- bytes that are not UTF-8: each becomes U+FFFD;
- `]]>` inside a CDATA section (old exports nested CDATA): split the standard way;
- HTML entities outside CDATA (`&nbsp;`), and a bare `&`: written as characters.
The protections stay: the file is still parsed by defusedxml, which refuses
any entity declaration and external entity. When the file still cannot be
read, the message names the line, the column and the character there.
"""

from __future__ import annotations

import re
from html.entities import name2codepoint
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET

KNOWN_PREFIXES = {
    "atom": "http://www.w3.org/2005/Atom", "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/", "wfw": "http://wellformedweb.org/CommentAPI/",
    "sy": "http://purl.org/rss/1.0/modules/syndication/", "slash": "http://purl.org/rss/1.0/modules/slash/",
    "georss": "http://www.georss.org/georss", "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "media": "http://search.yahoo.com/mrss/", "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "thr": "http://purl.org/syndication/thread/1.0", "gd": "http://schemas.google.com/g/2005",
    "openSearch": "http://a9.com/-/spec/opensearchrss/1.0/", "app": "http://purl.org/atom/app#",
    "blogger": "http://schemas.google.com/blogger/2018",
}
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
PREFIX_USE = re.compile(r"</?([A-Za-z_][\w.-]*):[A-Za-z_]|\s([A-Za-z_][\w.-]*):[A-Za-z_][\w.-]*\s*=")
DECLARED = re.compile(r"xmlns:([A-Za-z_][\w.-]*)\s*=")
ROOT_TAG = re.compile(r"<(?![?!])([A-Za-z_][\w.:-]*)")
ENTITY = re.compile(r"&(?:(#\d+|#x[0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);)?")
XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}
CDATA_OPEN, CDATA_CLOSE = "<![CDATA[", "]]>"


class Unreadable(Exception):
    """The export cannot be read even mended: `message` and the 1-based `line`."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


def read_root(data: bytes) -> tuple[Element, list[str]]:
    """The root element, and the repairs it took ("line 3, column 5: …")."""
    try:
        return SafeET.fromstring(data, forbid_dtd=False), []
    except ParseError:
        pass
    repairs: list[str] = []
    text = decode(data, repairs)
    text = drop_forbidden(text, repairs)
    text = split_nested_cdata(text, repairs)
    text = fix_entities(text, repairs)
    text = declare_prefixes(text, repairs)
    try:
        return SafeET.fromstring(text.encode("utf-8"), forbid_dtd=False), repairs
    except ParseError as exc:
        line, column = exc.position if getattr(exc, "position", None) else (None, None)
        raise Unreadable(describe(exc, text, line, column), line) from None


def where(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    return f"line {line}, column {offset - (text.rfind(chr(10), 0, offset) + 1) + 1}"


def decode(data: bytes, repairs: list[str]) -> str:
    """UTF-8 (the declared encoding when another is declared); bad bytes → U+FFFD, each listed."""
    head = data[:200].decode("ascii", "replace")
    declared = re.search(r"""encoding\s*=\s*["']([\w.-]+)["']""", head)
    encoding = (declared.group(1).lower() if declared else "utf-8").replace("_", "-")
    if encoding not in ("utf-8", "utf8"):
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            encoding = "utf-8"
    text = data.decode("utf-8", "replace")
    if "\ufffd" in text and b"\xef\xbf\xbd" not in data:
        for match in re.finditer("\ufffd", text):
            repairs.append(f"{where(text, match.start())}: a byte that is not UTF-8, replaced by U+FFFD")
    elif "\ufffd" in text:
        count = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
        if count > 0:
            repairs.append(f"{count} bytes that are not UTF-8, replaced by U+FFFD")
    return text.removeprefix("\ufeff")


def drop_forbidden(text: str, repairs: list[str]) -> str:
    found = list(FORBIDDEN.finditer(text))
    for match in found[:100]:
        repairs.append(f"{where(text, match.start())}: control character U+{ord(match.group(0)):04X} removed")
    if len(found) > 100:
        repairs.append(f"… and {len(found) - 100} more control characters removed")
    return FORBIDDEN.sub("", text) if found else text


def split_nested_cdata(text: str, repairs: list[str]) -> str:
    """A `]]>` inside CDATA content ends it early; when more of the same
    content follows before the next tag, that `]]>` was content: written
    `]]]]><![CDATA[>`, as WordPress's exporter does today."""
    out, pos = [], 0
    while True:
        start = text.find(CDATA_OPEN, pos)
        if start < 0:
            out.append(text[pos:])
            return "".join(out)
        body_start = start + len(CDATA_OPEN)
        out.append(text[pos:body_start])
        end = text.find(CDATA_CLOSE, body_start)
        if end < 0:
            out.append(text[body_start:])
            return "".join(out)
        while True:
            after = end + len(CDATA_CLOSE)
            next_tag = text.find("<", after)
            next_close = text.find(CDATA_CLOSE, after)
            if next_close < 0 or (0 <= next_tag < next_close and not text.startswith(CDATA_OPEN, next_tag)):
                break
            if text.startswith(CDATA_OPEN, next_tag) and next_tag < next_close:
                break  # the next CDATA section of the same element: fine
            repairs.append(f"{where(text, end)}: `]]>` inside a CDATA section (nested CDATA) kept as text")
            out.append(text[body_start:end] + "]]]]><![CDATA[>")
            body_start = after
            end = next_close
        out.append(text[body_start:end + len(CDATA_CLOSE)])
        pos = end + len(CDATA_CLOSE)


def fix_entities(text: str, repairs: list[str]) -> str:
    """Outside CDATA and tags: `&nbsp;` → its character, a bare `&` → `&amp;`."""
    parts = re.split(r"(<!\[CDATA\[.*?\]\]>|<[^>]*>)", text, flags=re.S)
    offset = 0
    for i, part in enumerate(parts):
        if i % 2 == 0 and "&" in part:
            def mend(match: re.Match, base: int = offset) -> str:
                name = match.group(1)
                if name and (name.startswith("#") or name in XML_ENTITIES):
                    return match.group(0)
                if name and name in name2codepoint:
                    repairs.append(f"{where(text, base + match.start())}: HTML entity &{name}; written as its character")
                    return f"&#{name2codepoint[name]};"
                repairs.append(f"{where(text, base + match.start())}: a bare `&` written as `&amp;`")
                return "&amp;" + (name + ";" if name else "")
            parts[i] = ENTITY.sub(mend, part)
        offset += len(part)
    return "".join(parts)


def declare_prefixes(text: str, repairs: list[str]) -> str:
    """Each prefix used but not declared gets a declaration on the root element."""
    declared = set(DECLARED.findall(text)) | {"xml", "xmlns"}
    missing: dict[str, int] = {}
    for match in PREFIX_USE.finditer(text):
        prefix = match.group(1) or match.group(2)
        if prefix not in declared and prefix not in missing:
            missing[prefix] = match.start()
    if not missing:
        return text
    root = next((m for m in ROOT_TAG.finditer(text) if not text.startswith("<!--", m.start())), None)
    if root is None:
        return text
    additions = ""
    for prefix, offset in missing.items():
        uri = KNOWN_PREFIXES.get(prefix, f"urn:sitegen:undeclared:{prefix}")
        repairs.append(f"{where(text, offset)}: prefix `{prefix}:` used without a declaration: declared as {uri}")
        additions += f' xmlns:{prefix}="{uri}"'
    return text[:root.end()] + additions + text[root.end():]


def describe(exc: ParseError, text: str, line: int | None, column: int | None) -> str:
    """`not well-formed (invalid token) at line 5, column 12, near '<' (U+003C)`."""
    reason = str(exc).split(":")[0]
    if line is None:
        return f"the export is not well-formed XML ({reason})"
    lines = text.split("\n")
    char = ""
    if 0 < line <= len(lines) and column is not None and column < len(lines[line - 1]):
        c = lines[line - 1][column]
        char = f", at {c!r} (U+{ord(c):04X})"
    return f"the export is not well-formed XML ({reason}), column {(column or 0) + 1}{char}"
