"""A post's HTML (as WordPress or Blogger stores it) → Markdown.

Order matters: Gutenberg block comments go first, then WordPress's wpautop
turns blank lines into paragraphs (raw WordPress content has no <p>), then
the caller's hooks rewrite links and media on the parsed tree, then
markdownify writes Markdown.
"""

from __future__ import annotations

import re
from typing import Callable

from bs4 import BeautifulSoup
from markdownify import MarkdownConverter

COMMENT = re.compile(r"<!--.*?-->", re.S)
PRE = re.compile(r"<pre\b.*?</pre>", re.S | re.I)
BLOCK = re.compile(r"^\s*</?(p|div|h[1-6]|ul|ol|li|pre|blockquote|table|thead|tbody|tr|td|th|figure|figcaption|"
                   r"hr|dl|dt|dd|section|address|iframe|form|\x00)\b", re.I)


class Converter(MarkdownConverter):
    """markdownify with ATX headings, `-` bullets and fenced code."""

    def __init__(self) -> None:
        super().__init__(heading_style="ATX", bullets="-", code_language="", escape_misc=False, newline_style="BACKSLASH", strip=["script", "style"])


def wpautop(content: str) -> str:
    """Blank lines → paragraphs, single newlines → <br>, as WordPress shows
    its raw content; <pre> blocks are left exactly as they are."""
    kept: list[str] = []

    def hide(match: re.Match) -> str:
        kept.append(match.group(0))
        return f"\x00{len(kept) - 1}\x00"

    content = PRE.sub(hide, content.replace("\r\n", "\n"))
    chunks = [c.strip() for c in re.split(r"\n\s*\n", content) if c.strip()]
    paragraphs = []
    for chunk in chunks:
        if BLOCK.match(chunk):
            paragraphs.append(chunk)
        else:
            paragraphs.append("<p>" + re.sub(r"\s*\n\s*", "<br />\n", chunk) + "</p>")
    html = "\n\n".join(paragraphs)
    return re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], html)


def to_markdown(content: str, hooks: list[Callable[[BeautifulSoup], None]]) -> str:
    soup = BeautifulSoup(wpautop(COMMENT.sub("", content)), "html.parser")
    for hook in hooks:
        hook(soup)
    markdown = Converter().convert_soup(soup)
    markdown = re.sub(r"[ \t]+\n", "\n", markdown)
    return re.sub(r"\n{3,}", "\n\n", markdown).strip() + "\n"
