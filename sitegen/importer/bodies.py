"""A post's body as the archive stores it → Markdown, in WordPress's order.

1. code (shortcodes, `<pre>`) out, byte-exact, as placeholders (code.py);
2. embeds: Gutenberg embed blocks, oEmbed URL lines, iframes → links (embeds.py);
3. wpautop for classic WordPress content (autop.py; not for block content,
   as WordPress does not run it there, nor for Blogger);
4. the other shortcodes (shortcodes.py);
5. the HTML parsed as a browser would (html5ever, through nh3) and cleaned:
   no script, style, form or frame, no event handler, no `javascript:` URL;
   text with a `<` in it stays text, since the sanitizer escapes it;
6. the caller's hooks on the parsed tree (links, media, abstract);
7. Markdown (html2md.py), every text node escaped, code put back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

import nh3
from bs4 import BeautifulSoup

from .autop import wpautop
from .code import CodeBlocks
from .embeds import replace_embeds
from .html2md import Converter, drop_dangling_breaks, put_code_back
from .shortcodes import Shortcodes

MORE = re.compile(r"<!--more(.*?)?-->", re.S)
BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:[^>]*-->")
TAGS = {"a", "abbr", "acronym", "address", "article", "aside", "audio", "b", "bdi", "bdo", "big", "blockquote",
        "br", "caption", "center", "cite", "code", "col", "colgroup", "dd", "del", "details", "dfn", "div", "dl",
        "dt", "em", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr",
        "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "section",
        "small", "source", "span", "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot",
        "th", "thead", "time", "tr", "tt", "u", "ul", "var", "video", "wbr"}
ATTRIBUTES = {"*": {"id", "title", "lang", "dir"}, "a": {"href", "name"}, "img": {"src", "alt", "width", "height"},
              "ol": {"start"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"},
              "video": {"src", "poster"}, "audio": {"src"}, "source": {"src", "type"}}
DROPPED_WITH_CONTENT = {"script", "style", "template", "noscript", "textarea", "select", "object", "embed",
                        "applet", "svg", "math", "title", "iframe", "frame", "frameset", "noembed", "noframes"}


@dataclass
class Body:
    markdown: str
    teaser: str = ""  # the HTML before <!--more-->, for the summary
    unknown_shortcodes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def sanitize(content: str) -> str:
    return nh3.clean(content, tags=TAGS, attributes=ATTRIBUTES, clean_content_tags=DROPPED_WITH_CONTENT,
                     url_schemes={"http", "https", "mailto", "tel"}, link_rel=None, strip_comments=True)


def convert_body(content: str, *, autop: bool, shortcodes: Shortcodes, post_id: str, ignore: set[str],
                 hooks: list[Callable[[BeautifulSoup], None]]) -> Body:
    notes: list[str] = []
    content = content.replace("\r\n", "\n").replace("\r", "\n")
    teaser = ""
    more = MORE.search(content)
    if more:
        teaser = content[:more.start()]
        content = content[:more.start()] + content[more.end():]
    codes = CodeBlocks()
    content = codes.take(content)
    dropped = _dropped(content)
    content = replace_embeds(content, notes)
    blocks = "<!-- wp:" in content
    content = BLOCK_COMMENT.sub("", content)
    if autop and not blocks:
        content = wpautop(content)
    content, unknown = shortcodes.expand(content, post_id, ignore, notes)
    soup = BeautifulSoup(sanitize(content), "html.parser")
    for hook in hooks:
        hook(soup)
    markdown = Converter(codes.blocks).convert_soup(soup)
    markdown = re.sub(r"[ \t]+\n", "\n", markdown)
    markdown = re.sub(r"\n{3,}", "\n\n", drop_dangling_breaks(markdown)).strip() + "\n"
    notes.extend(dropped)
    return Body(put_code_back(markdown, codes.blocks), teaser, unknown, notes)


def _dropped(content: str) -> list[str]:
    """A report line for each kind of element that never reaches the site."""
    found = {m.group(1).lower() for m in re.finditer(r"<(script|style|form|object|embed|applet)\b", content, re.I)}
    return [f"<{name}> left out (never published from an archive)" for name in sorted(found)]
