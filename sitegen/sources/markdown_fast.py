"""The fast way to render Markdown: markdown-it-pyrs, the same markdown-it
compiled from Rust, renders CommonMark, tables and strikethrough ~40x faster
than markdown-it-py. It lacks our two customisations, Pygments fences and
heading anchors, so those are grafted onto its output by markdown-it-py's own
code (passed in by `sitegen.markdown`).

markdown-it-pyrs 0.4 follows an older CommonMark than markdown-it-py and
panics on some inputs. Every document where the two could disagree (each case
below was found by comparing both on the CommonMark spec, markdown-it's
fixtures and random documents) goes the plain-Python way instead: `render`
returns None. Erring towards None costs speed, never correctness.
tests/test_markdown.py proves both ways give the same bytes. Without the
package (the `fast` extra), every document goes the Python way."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from markdown_it.token import Token
from mdit_py_plugins.anchors.index import unique_slug

try:
    import markdown_it_pyrs
except ImportError:
    markdown_it_pyrs = None

AVAILABLE = markdown_it_pyrs is not None
_TAG = re.compile(r"<[^>]+>")

_HEADING = re.compile(r"<h([2-4])>(.*?)</h\1>", re.DOTALL)
_CODE_BLOCK = re.compile(r"<pre><code(?: class=\"[^\"]*\")?>.*?</code></pre>\n", re.DOTALL)


@lru_cache(maxsize=1)
def _fast_parser():
    md = markdown_it_pyrs.MarkdownIt("commonmark")
    md.enable_many(["table", "strikethrough"])
    return md


@lru_cache(maxsize=1)
def _block_parser():
    """Blocks only: its text nodes are the raw inline content of each block."""
    md = markdown_it_pyrs.MarkdownIt("zero")
    md.enable_many(["blockquote", "code", "fence", "heading", "hr", "lheading", "list",
                    "paragraph", "reference", "html_block", "table"])
    return md


_BACKTICKS = re.compile(r"`+")


def _unclosed_code_span(inline: str) -> bool:
    """True when a backtick run in this inline content may have no closer:
    markdown-it-pyrs 0.4 panics on one inside a link label. Errs towards True."""
    if "\\`" in inline or "<" in inline:
        return True
    runs = [len(run) for run in _BACKTICKS.findall(inline)]
    i = 0
    while i < len(runs):
        try:
            i = runs.index(runs[i], i + 1) + 1
        except ValueError:
            return True
    return False


def _backticks_balanced_by_line(text: str) -> bool:
    """True when every line's backtick runs pair up within the line (fence
    markers aside), so no inline content can hold an unclosed one."""
    for line in text.split("\n"):
        if "`" not in line:
            continue
        stripped = line.lstrip(" ")
        if stripped.startswith("```") and "`" not in stripped.lstrip("`") and len(line) - len(stripped) < 4:
            continue  # a fence marker (indented more, it may be a paragraph's text)
        if "|" in line or _unclosed_code_span(line):
            return False
    return True


def _may_panic(text: str) -> bool:
    if "[" not in text or "`" not in text or _backticks_balanced_by_line(text):
        return False
    for node in _block_parser().tree(text).walk():
        if node.name in ("text", "code_block"):
            inline = node.meta["content"]
            if "[" in inline and "`" in inline and _unclosed_code_span(inline):
                return True
    return False


_BLOCKS = frozenset({"paragraph", "heading", "lheading", "blockquote", "bullet_list", "ordered_list",
                     "list_item", "fence", "code_block", "html_block", "hr", "table", "definition"})


def _code_blocks(text: str) -> list[Token | None] | None:
    """Fenced blocks as markdown-it-py tokens (None for an indented block), in
    output order; None when the document has raw HTML, or a code block right
    after the text of a tight list item (markdown-it-py puts no newline
    between the two)."""
    blocks: list[Token | None] = []

    def visit(node) -> bool:
        previous = None
        for child in node.children:
            name = child.name
            if name in ("fence", "code_block"):
                if previous is not None and previous not in _BLOCKS:
                    return False
                blocks.append(Token("fence", "code", 0, info=child.meta.get("info", ""),
                                    content=child.meta.get("content", "")) if name == "fence" else None)
            elif name in ("html_block", "html_inline"):
                return False
            elif child.children and not visit(child):
                return False
            previous = name
        return True

    # Without "<" there is no raw HTML to find, only blocks: the blocks-only
    # parser makes half the tree (no inline nodes), in half the time.
    parser = _fast_parser() if "<" in text else _block_parser()
    return blocks if visit(parser.tree(text)) else None


def _anchored(html_text: str, anchor_slug: Callable[[str], str]) -> str:
    """Heading ids and permalinks, as anchors_plugin makes them: the slug is
    taken from the heading's text, unique within the document."""
    slugs: set[str] = set()

    def anchor(match: re.Match) -> str:
        level, inner = match.groups()
        # A soft break is no text token, so a wrapped heading's lines join.
        title = html.unescape(_TAG.sub("", inner).replace("\n", ""))
        slug = unique_slug(anchor_slug(title), slugs)
        return f'<h{level} id="{slug}">{inner} <a class="header-anchor" href="#{slug}">#</a></h{level}>'

    return _HEADING.sub(anchor, html_text)


# Where markdown-it-pyrs 0.4 (an older CommonMark) and markdown-it-py differ.
_SPACES_CODE_SPAN = re.compile(r"`[ \n]+`")  # "`  `" keeps its spaces since CommonMark 0.31
_ODD_HOST = re.compile(r"//[^\s/?#)>]*?(?:\[|[^\x00-\x7f]|xn--)", re.IGNORECASE)  # IPv6, IDN
_MARKUP_IN_ALT = re.compile(r"!\[[^\]]*?[\\&<`*_~\[]")  # alt text is only plain text alike
_LONG_TILDE_RUN = re.compile(r"^(?![ \t>]*~~~).*~~~", re.MULTILINE)  # "~~~~" inside a line
_TITLE_AFTER_DEFINITION = re.compile(r"^[ \t]*\[[^\]]+\]:.*\n[ \t]*[\"'(]", re.MULTILINE)
_ENTITY_IN_DESTINATION = re.compile(r"\]\([^)]*&|^[ \t]*\[[^\]]+\]:[ \t]*\S*&", re.MULTILINE)
_BRACKET_PAREN_AT_LINE_END = re.compile(r"\]\([ \t]*$", re.MULTILINE)  # "[ref](" then nothing
# Line patterns start with the newline before the line, searched for in
# "\n" + text: a pattern starting with a literal is tried only where that
# character is, where "^" (MULTILINE) is tried at every character of the text.
_EMPTY_LIST_ITEM = re.compile(r"\n[ \t>]*(?:[-*+]|\d+[.)])[ \t]*(?=\n|\Z)")
_TABLE_DELIMITER_ROW = re.compile(r"\n[ \t>]*[|:-][|: \t-]*(?=\n|\Z)")
_BLOCK_START = re.compile(r"[ \t]*(?:[-*+>#<]|\d+[.)]|```|~~~)")
_QUOTE_LINE = re.compile(r"^[ \t]*>", re.MULTILINE)
_CONTAINER_MARKERS = re.compile(r"^[ \t]*(?:(?:>|[-*+]|\d+[.)])[ \t]*)+", re.MULTILINE)


def _table_differs(text: str) -> bool:
    """Where the two disagree on what is a table: a header line without "|",
    a delimiter row of dashes only, a table near a quote's lazy lines, a line
    starting another block read as a row."""
    for row in _TABLE_DELIMITER_ROW.finditer("\n" + text):
        # Offsets in `text`: the match starts with the newline before the row.
        delimiters, row_start, row_end = row.group()[1:], row.start(), row.end() - 1
        if "-" not in delimiters:
            continue
        end = max(row_start - 1, 0)
        header = text[text.rfind("\n", 0, end) + 1:end]
        if "|" not in delimiters and ":" not in delimiters:
            if "|" in header:
                return True
            continue
        if "|" not in header or "\\|" in header or _QUOTE_LINE.search(text):
            return True
        for line in text[row_end + 1:].split("\n"):
            if not line.strip():
                break
            if _BLOCK_START.match(line):
                return True
    return False


def _block_after_quote(text: str) -> bool:
    """A line that could start a block among a quote's lazy continuation
    lines: markdown-it-pyrs reads it as part of the quote's paragraph."""
    in_quote = False
    for line in text.split("\n"):
        if not line.strip():
            in_quote = False
        elif line.lstrip().startswith(">"):
            in_quote = True
        elif in_quote and _BLOCK_START.match(line):
            return True
    return False


def _symbol_beside_delimiter(text: str) -> bool:
    """Unicode symbols (€, ©, emoji) count as punctuation beside * _ ~ since
    CommonMark 0.31, which changes what is emphasis."""
    last = len(text) - 1
    for mark in "*_~":
        at = text.find(mark)
        while at != -1:
            for near in (at - 1, at + 1):
                if 0 <= near <= last and ord(text[near]) > 127 and unicodedata.category(text[near])[0] == "S":
                    return True
            at = text.find(mark, at + 1)
    return False


def _needs_python(text: str) -> bool:
    if "^" in text and ("[^" in text or "^[" in text):  # footnotes: only markdown-it-py's plugin gives our markup
        return True
    if not text.endswith("\n") and ("```" in text or "~~~" in text):
        return True  # a fence left open at the very end gains a newline
    if "~~~" in text and _LONG_TILDE_RUN.search(text):
        return True
    if _table_differs(text) or _EMPTY_LIST_ITEM.search("\n" + text) or (">" in text and _block_after_quote(text)):
        return True
    if "\t" in text and any("\t" in markers for markers in _CONTAINER_MARKERS.findall(text)):
        return True  # tab stops after quote and list markers
    if "&" in text and _ENTITY_IN_DESTINATION.search(text):
        return True
    if "](" in text and _BRACKET_PAREN_AT_LINE_END.search(text):
        return True  # a reference link followed by "(" that opens nothing
    if "]:" in text and _TITLE_AFTER_DEFINITION.search(text):
        return True  # a link definition's title on the next line
    if "<" in text and ("<!" in text or "<?" in text or "%" in text):
        return True  # HTML comments and declarations; autolinks' shown text is %-decoded
    if "![" in text and _MARKUP_IN_ALT.search(text):
        return True
    if "`" in text and _SPACES_CODE_SPAN.search(text):
        return True
    if "//" in text and _ODD_HOST.search(text):
        return True
    if not text.isascii() and _symbol_beside_delimiter(text):
        return True
    return _may_panic(text)


def render(text: str, render_fence: Callable[[Token], str], anchor_slug: Callable[[str], str]) -> str | None:
    """The HTML of `text`, or None when it must go the plain-Python way."""
    if _needs_python(text):
        return None
    try:
        html_text = _fast_parser().render(text)
        blocks = _code_blocks(text) if "<" in text or "<pre><code" in html_text else []
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # a Rust panic that _may_panic did not foresee
        return None
    if blocks is None:
        return None
    html_text = html_text.replace("<blockquote>\n</blockquote>", "<blockquote></blockquote>")
    if any(blocks):
        matches = list(_CODE_BLOCK.finditer(html_text))
        if len(matches) != len(blocks):
            return None
        pieces, start = [], 0
        for match, token in zip(matches, blocks):
            if token is not None:
                pieces += [html_text[start:match.start()], render_fence(token)]
                start = match.end()
        html_text = "".join(pieces) + html_text[start:]
    return _anchored(html_text, anchor_slug)
