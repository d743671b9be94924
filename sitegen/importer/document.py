"""One planned record → the text of its Markdown file (front matter + body)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Callable

import yaml
from bs4 import BeautifulSoup

from .html2md import to_markdown
from .plan import Planned, link_key
from .records import Comment
from .shortcodes import Shortcodes
from .text import plain_text

ABSTRACT = re.compile(r"^\s*\[([a-z]{2,3})\]\s*(.+)$", re.S)
DRAFT_STATUS = {"draft", "pending", "private"}


@dataclass
class Converted:
    text: str
    unknown_shortcodes: list[str] = field(default_factory=list)
    draft: bool = False
    comments: int = 0


@dataclass
class Context:
    """What converting any one record needs from the whole export."""

    codes: list[str]
    site_url: str
    links: dict[str, str]
    media: Callable[[str], str]
    shortcodes: Shortcodes
    comments: bool = True


def convert(p: Planned, ctx: Context) -> Converted:
    item = p.item
    body_html, unknown = ctx.shortcodes.expand(item.content, item.id, set(ctx.codes))
    abstract: dict[str, str] = {}
    markdown = to_markdown(body_html, [lambda soup: take_abstract(soup, p.lang, ctx.codes, abstract),
                                       lambda soup: rewrite(soup, ctx)])
    draft = item.status in DRAFT_STATUS or item.password
    meta: dict = {"title": p.title}
    if item.kind == "post":
        meta["date"] = item.date.isoformat()
    if item.updated and item.updated > item.date:
        meta["updated"] = item.updated.isoformat()
    meta["slug"] = p.slug
    if item.kind == "post" and item.tags:
        meta["tags"] = item.tags
    summary = plain_text(item.excerpt)
    if summary:
        meta["summary"] = summary
    if abstract and item.kind == "post":
        meta["abstract"] = abstract
    if draft:
        meta["draft"] = True
    if p.translation_key:
        meta["translation_key"] = p.translation_key
    if p.aliases:
        meta["aliases"] = p.aliases
    comments = [comment_data(c) for c in item.comments] if ctx.comments and item.kind == "post" else []
    if comments:
        meta["comments"] = comments
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000)
    return Converted(f"---\n{front}---\n{markdown}", unknown, draft, len(comments))


def take_abstract(soup: BeautifulSoup, lang: str, codes: list[str], abstract: dict[str, str]) -> None:
    """A first paragraph `[fr] …` (another site language) is the abstract for
    those readers, and leaves the body."""
    first = soup.find(["p", "h1", "h2", "h3", "h4", "ul", "ol", "pre", "blockquote", "table"])
    if first is None or first.name != "p":
        return
    match = ABSTRACT.match(first.get_text(" "))
    if match and match.group(1) in codes and match.group(1) != lang:
        abstract[match.group(1)] = re.sub(r"\s+", " ", match.group(2)).strip()
        first.decompose()


def rewrite(soup: BeautifulSoup, ctx: Context) -> None:
    """Links to the archive's own posts → their new URLs; its media → local copies."""
    for a in soup.find_all("a", href=True):
        key = link_key(a["href"], ctx.site_url)
        fragment = "#" + a["href"].split("#", 1)[1] if "#" in a["href"] else ""
        if key and key in ctx.links:
            a["href"] = ctx.links[key] + fragment
        else:
            a["href"] = ctx.media(a["href"])
    for img in soup.find_all("img", src=True):
        img["src"] = ctx.media(img["src"])
        for attribute in ("srcset", "sizes"):  # they name the old site's resized copies
            img.attrs.pop(attribute, None)


def comment_data(comment: Comment) -> dict:
    """What is shown under a post: never the e-mail address nor the IP."""
    text = re.sub(r"<br\s*/?>", "\n", comment.text)
    text = html.unescape(re.sub(r"<[^>]+>", "", text)).replace("\r\n", "\n").strip()
    data = {"author": comment.author, "date": comment.date.isoformat(), "text": re.sub(r"\n{3,}", "\n\n", text)}
    if comment.url.startswith(("http://", "https://")):
        data["url"] = comment.url
    return data
