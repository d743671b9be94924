"""Clean HTML (see bodies.py) → Markdown that renders to the same thing.

markdownify writes the Markdown, with three changes that matter:
- every text node is escaped for CommonMark (`escape_text`): a `<`, `*`, `[`,
  `&lt;`, a line starting with `#` or `1.` in the text stays text, never markup;
- the tree is walked with an explicit stack instead of recursion, so HTML
  nested thousands of levels deep converts (lists and quotes deeper than
  MAX_NESTING are flattened: Markdown readers stop nesting long before);
- a line break that ends a block is dropped (`\\` at the end of a paragraph
  is shown as a backslash), `id`s and `<a name>` become `<a id>` anchors so
  in-page links keep working, and code blocks come back byte-exact from the
  placeholders bodies.py left (`CODE_MARK`).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from urllib.parse import quote

from bs4 import BeautifulSoup, Comment, Doctype, NavigableString, Tag
from markdownify import MarkdownConverter, re_extract_newlines, should_remove_whitespace_inside
from markdownify import should_remove_whitespace_outside
from slugify import slugify

MAX_NESTING = 12
THEME_IDS = {"main", "comments-heading", "similar-heading", "series-heading"}  # ids the default theme gives a post
CODE_MARK = re.compile("\ue000(\\d+)\ue001")
ANCHOR_ID = re.compile(r"[A-Za-z][\w:.-]{0,99}")
NESTING_TAGS = {"ul", "ol", "blockquote"}
ANCHOR_BEFORE = {"table", "thead", "tbody", "tfoot", "tr", "ul", "ol", "dl", "pre", "figure", "div", "section"}
_BLOCK_MARKER = re.compile(r"(?:[ \t]*(?:#{1,6} |[-*+] |\d{1,9}[.)] |> ?))*")

_LINE_START = re.compile(r"(^|\n)([ \t]*)(#{1,6}(?=\s|$)|[-+*=](?=\s|$)|[-=_*]{2,}(?=\s|$)|\d{1,9}(?=[.)](?:\s|$)))")
_ALWAYS = re.compile(r"([\\`*\[\]<>|~])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_CLOSING_HASHES = re.compile(r"(?<=\s)#+(?=[ \t]*$)")  # would close an ATX heading and vanish
_URL_UNSAFE = re.compile(r"[\s()<>\\]")


def escape_text(text: str) -> str:
    """Text that CommonMark shows as itself: the characters that open markup
    are backslash-escaped, `&` only where it would start an entity, `_` only
    where it could start or end emphasis."""
    text = _ALWAYS.sub(r"\\\1", text)
    text = _ENTITY.sub(r"\\&", text)
    text = _UNDERSCORE.sub(r"\\_", text)
    text = _CLOSING_HASHES.sub(lambda m: "\\" + m.group(0), text)
    return _LINE_START.sub(lambda m: m.group(1) + m.group(2) + "".join("\\" + c if not c.isdigit() else c
                                                                     for c in m.group(3))
                           + ("\\" if m.group(3).isdigit() else ""), text)


def safe_url(url: str) -> str:
    """A link destination Markdown cannot misread: spaces, brackets, `<>` percent-encoded."""
    return _URL_UNSAFE.sub(lambda m: quote(m.group(0)), url.strip())


def drop_breaks(text: str) -> str:
    """A hard break (`\\` + newline) at the start or end of a block shows as a stray backslash."""
    text = text.strip(" \t\r\n")
    while True:
        stripped = text
        if stripped.endswith("\\") and (len(stripped) - len(stripped.rstrip("\\"))) % 2 == 1:
            stripped = stripped[:-1].rstrip(" \t\r\n")
        if stripped.startswith("\\\n"):
            stripped = stripped[2:].lstrip(" \t\r\n")
        if stripped == text:
            return text
        text = stripped


_BLOCK_START = re.compile(r"\s*(?:[-+*] |\d{1,9}[.)] |#{1,6} |>|```|~~~|\||\ue000)")


def drop_dangling_breaks(markdown: str) -> str:
    """A hard break before a blank line, a new block or the end shows as `\\`: dropped.
    Fenced code is left alone."""
    lines = markdown.split("\n")
    fenced, in_fence = False, [False] * len(lines)
    for i, line in enumerate(lines):
        if line.lstrip(" >-*+0123456789.").startswith(("```", "~~~")):
            fenced = not fenced
            in_fence[i] = True
        in_fence[i] = in_fence[i] or fenced
    # from the end: a run of breaks before a blank line goes as a whole
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i]
        if in_fence[i] or not line.endswith("\\") or (len(line) - len(line.rstrip("\\"))) % 2 == 0:
            continue
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if not following.strip() or _BLOCK_START.match(following):
            lines[i] = line[:-1].rstrip()
    return "\n".join(lines)


@dataclass
class Frame:
    node: Tag
    parent_tags: set[str]
    children: list
    child_tags: set[str]
    depth: int
    strings: list[str] = field(default_factory=list)
    index: int = 0


class Converter(MarkdownConverter):
    """markdownify, iterative and escaping, with ATX headings, `-` bullets and fenced code."""

    def __init__(self, codes: list[tuple[str, str]] | None = None) -> None:
        super().__init__(heading_style="ATX", bullets="-", escape_misc=False, escape_asterisks=False,
                         escape_underscores=False, newline_style="BACKSLASH", strip=["script", "style"])
        self.codes = codes or []
        self.anchors: set[str] = set()
        self.taken_ids: set[str] = set(THEME_IDS)

    def convert_soup(self, soup):
        # sitegen gives h2–h4 an id of their own (the slug of their text)
        self.taken_ids |= {slugify(h.get_text()) or "section" for h in soup.find_all(["h2", "h3", "h4"])}
        return super().convert_soup(soup)

    # -- the walk: markdownify's process_tag, with a stack instead of recursion --------------

    def process_tag(self, node, parent_tags=None):
        stack = [self._frame(node, set(parent_tags or ()), 0)]
        while True:
            frame = stack[-1]
            if frame.index < len(frame.children):
                child = frame.children[frame.index]
                frame.index += 1
                if isinstance(child, Tag):
                    depth = frame.depth + (child.name in NESTING_TAGS)
                    stack.append(self._frame(child, frame.child_tags, depth))
                else:
                    frame.strings.append(self.process_text(child, parent_tags=frame.child_tags))
                continue
            stack.pop()
            text = self._finish(frame)
            if not stack:
                return text
            stack[-1].strings.append(text)

    def _frame(self, node: Tag, parent_tags: set[str], depth: int) -> Frame:
        inside = should_remove_whitespace_inside(node)
        children = [c for c in node.children if not self._ignorable(c, inside)]
        child_tags = parent_tags | {node.name}
        if re.fullmatch(r"h\d", node.name or "") or node.name in ("td", "th"):
            child_tags.add("_inline")
        if node.name in ("pre", "code", "kbd", "samp"):
            child_tags.add("_noformat")
        return Frame(node, parent_tags, children, child_tags, depth)

    @staticmethod
    def _ignorable(el, inside: bool) -> bool:
        if isinstance(el, Tag):
            return False
        if isinstance(el, (Comment, Doctype)) or not isinstance(el, NavigableString):
            return True
        if str(el).strip():
            return False
        if inside and (not el.previous_sibling or not el.next_sibling):
            return True
        return should_remove_whitespace_outside(el.previous_sibling) or should_remove_whitespace_outside(el.next_sibling)

    def _finish(self, frame: Frame) -> str:
        node = frame.node
        strings = [s for s in frame.strings if s]
        if "pre" not in frame.child_tags:
            collapsed = [""]
            for piece in strings:
                leading, content, trailing = re_extract_newlines.match(piece).groups()
                if collapsed[-1] and leading:
                    previous = collapsed.pop()
                    leading = "\n" * min(2, max(len(previous), len(leading)))
                collapsed.extend([leading, content, trailing])
            strings = collapsed
        text = "".join(strings)
        name = node.name
        if name in NESTING_TAGS and frame.depth > MAX_NESTING:
            name = "div"  # too deep for any Markdown reader: kept as plain blocks
        convert = self.get_conv_fn_cached(name)
        if convert is not None:
            text = convert(node, text, parent_tags=frame.parent_tags)
        return self._anchor(node, text)

    def _anchor(self, node: Tag, text: str) -> str:
        """`id="x"` or `<a name="x">` → `<a id="x"></a>` where the element was."""
        ident = node.get("id") or (node.get("name") if node.name == "a" else None)
        if not isinstance(ident, str) or not ANCHOR_ID.fullmatch(ident) or ident in self.anchors:
            return text
        if ident in self.taken_ids:
            return text  # a heading's own anchor (or the theme) already has this id: links reach it
        self.anchors.add(ident)
        anchor = f'<a id="{html.escape(ident)}"></a>'
        leading, content, trailing = re_extract_newlines.match(text).groups()
        if not content:
            return text + anchor
        if node.name in ANCHOR_BEFORE:  # a table, a list, code: the anchor in a line of its own above
            return f"{leading}{anchor}\n\n{content}{trailing}"
        marker = _BLOCK_MARKER.match(content)  # after `## `, `- `, `1. `, `> `
        return f"{leading}{content[:marker.end()]}{anchor}{content[marker.end():]}{trailing}"

    # -- text ---------------------------------------------------------------------------------

    def escape(self, text, parent_tags):
        return escape_text(text) if text else ""

    # -- elements whose Markdown markdownify gets wrong for us ---------------------------------

    def convert_p(self, el, text, parent_tags):
        text = drop_breaks(text)
        if not text.replace("\xa0", "").strip():
            return ""
        if "_inline" in parent_tags:
            return " " + text + " "
        return f"\n\n{text}\n\n" if text else ""

    def convert_li(self, el, text, parent_tags):
        return super().convert_li(el, drop_breaks(text), parent_tags)

    def convert_hN(self, n, el, text, parent_tags):
        return super().convert_hN(n, el, drop_breaks(text).replace("\\\n", " "), parent_tags)

    def convert_div(self, el, text, parent_tags):
        return super().convert_div(el, drop_breaks(text), parent_tags)

    convert_section = convert_article = convert_figure = convert_div

    def convert_blockquote(self, el, text, parent_tags):
        return super().convert_blockquote(el, drop_breaks(text), parent_tags)

    def convert_td(self, el, text, parent_tags):
        return super().convert_td(el, drop_breaks(text).replace("\\\n", " "), parent_tags)

    convert_th = convert_td

    def convert_br(self, el, text, parent_tags):
        if "pre" in parent_tags:
            return "\n"
        return super().convert_br(el, text, parent_tags)

    def convert_a(self, el, text, parent_tags):
        href = el.get("href")
        if href:
            el["href"] = safe_url(href)
        if el.get("title"):
            el["title"] = el["title"].replace("\\", "\\\\")
        return super().convert_a(el, text, parent_tags)

    def convert_img(self, el, text, parent_tags):
        alt = escape_text(re.sub(r"\s+", " ", el.get("alt") or "").strip())
        src = safe_url(el.get("src") or "")
        if not src:
            return alt
        title = (el.get("title") or "").replace("\\", "\\\\").replace('"', '\\"')
        title_part = f' "{title}"' if title else ""
        if "_inline" in parent_tags and el.parent.name not in self.options["keep_inline_images_in"]:
            return alt
        return f"![{alt}]({src}{title_part})"

    def convert_pre(self, el, text, parent_tags):
        """A `<pre>` that was not taken out as exact code (nested in odd places): its text, fenced."""
        text = el.get_text().replace("\r\n", "\n").strip("\n")
        return "\n\n" + fence(text, "") + "\n\n" if text.strip() else ""

    def convert_code(self, el, text, parent_tags):
        if "_noformat" in parent_tags:
            return text
        raw = el.get_text()
        if "\n" in raw.strip():
            return "\n\n" + fence(raw.strip("\n"), "") + "\n\n"
        return super().convert_code(el, raw, parent_tags)


def fence(code: str, lang: str) -> str:
    """A fenced block holding `code` exactly: the fence is longer than any backtick run in it."""
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    marks = "`" * max(3, longest + 1)
    return f"{marks}{lang}\n{code}\n{marks}"


def to_markdown(clean_html: str, codes: list[tuple[str, str]]) -> str:
    """Markdown of clean HTML; `codes` are the (code, language) pairs whose
    placeholders the HTML holds."""
    soup = BeautifulSoup(clean_html, "html.parser")
    markdown = Converter(codes).convert_soup(soup)
    markdown = re.sub(r"[ \t]+\n", "\n", markdown)
    markdown = re.sub(r"\n{3,}", "\n\n", markdown).strip() + "\n"
    return put_code_back(markdown, codes)


def put_code_back(markdown: str, codes: list[tuple[str, str]]) -> str:
    """Each placeholder line → its fenced code, indented like the line (in a list, a quote)."""
    def line(match: re.Match) -> str:
        prefix, index = match.group(1), int(match.group(2))
        code, lang = codes[index] if index < len(codes) else ("", "")
        block = fence(code, lang)
        continuation = re.sub(r"[^>\s]", " ", prefix)
        lines = block.split("\n")
        return prefix + lines[0] + "".join("\n" + (continuation if l else continuation.rstrip()) + l for l in lines[1:])

    markdown = re.sub(r"(?m)^([ \t>\-*+0-9.]*?)\ue000(\d+)\ue001[ \t]*$", line, markdown)
    # a placeholder that shares its line with text (code inside a sentence): inline code
    return CODE_MARK.sub(lambda m: inline_code(codes[int(m.group(1))][0]) if int(m.group(1)) < len(codes) else "",
                         markdown)


def inline_code(code: str) -> str:
    code = " ".join(code.split("\n"))
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    marks = "`" * (longest + 1)
    pad = " " if code.startswith("`") or code.endswith("`") or longest else ""
    return f"{marks}{pad}{code}{pad}{marks}"
