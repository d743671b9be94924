"""One planned record → the text of its Markdown file (front matter + body)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

import yaml
from bs4 import BeautifulSoup

from .bodies import convert_body
from .comments import count, threads
from .links import LinkIndex, absolutize
from .plan import Planned
from .shortcodes import Shortcodes
from .text import plain_text

COMMENT_FRAGMENT = re.compile(r"comment-\d+|c\d+")
# libyaml's emitter when PyYAML has it: the same text, a third of an import's time less
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
ABSTRACT = re.compile(r"^\s*\[([a-z]{2,3})\]\s*(.+)$", re.S)
DRAFT_STATUS = {"draft", "pending", "private"}
MAX_SUMMARY = 600


@dataclass
class Converted:
    text: str
    unknown_shortcodes: list[str] = field(default_factory=list)
    draft: bool = False
    comments: int = 0
    notes: list[str] = field(default_factory=list)  # what changed or was left out, for the report


@dataclass
class Context:
    """What converting any one record needs from the whole export."""

    codes: list[str]
    site_url: str
    links: dict[str, str]
    media: Callable[[str], str]
    shortcodes: Shortcodes
    comments: bool = True
    autop: bool = True  # WordPress content (wpautop); Blogger's is HTML as it is
    comment_anchors: dict[str, set[str]] = field(default_factory=dict)  # new URL → its comments' ids
    index: LinkIndex | None = None

    def link_index(self) -> LinkIndex:
        if self.index is None:
            self.index = LinkIndex(self.site_url, self.links)
        return self.index


def convert(p: Planned, ctx: Context) -> Converted:
    item = p.item
    abstract: dict[str, str] = {}
    body = convert_body(item.content, autop=ctx.autop, shortcodes=ctx.shortcodes, post_id=item.id,
                        ignore=set(ctx.codes),
                        hooks=[lambda soup: take_abstract(soup, p.lang, ctx.codes, abstract),
                               lambda soup: rewrite(soup, ctx, item.link)])
    draft = item.status in DRAFT_STATUS or item.password
    meta: dict = {"title": p.title}
    if item.kind == "post":
        meta["date"] = item.date.isoformat()
    if item.updated and item.updated > item.date:
        meta["updated"] = item.updated.isoformat()
    meta["slug"] = p.slug
    if item.kind == "post" and item.tags:
        meta["tags"] = item.tags
    summary = plain_text(item.excerpt) or teaser_summary(body.teaser)
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
    notes = list(body.notes)
    declared = (item.lang or "").lower().replace("_", "-")
    if declared and p.lang not in (declared, declared.split("-")[0]):
        notes.append(f"written in `{item.lang}`, not a language of the site: imported as `{p.lang}` "
                     "(add the language to site.yml to publish it as such)")
    comments = threads(item.comments, notes) if ctx.comments else []
    if comments:
        meta["comments"] = comments
    front = yaml.dump(meta, Dumper=DUMPER, allow_unicode=True, sort_keys=False, width=10_000)
    return Converted(f"---\n{front}---\n{body.markdown}", body.unknown_shortcodes, draft, count(comments), notes)


def teaser_summary(teaser: str) -> str:
    """The text before `<!--more-->`: the author's own summary, when it is not too long to be one."""
    text = plain_text(re.sub(r"\[/?\w[^\]]*\]", " ", teaser))
    return text if 0 < len(text) <= MAX_SUMMARY else ""


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


def on_old_site(href: str, page_link: str, site_url: str) -> str:
    """A relative address that is not one of the imported posts points to the
    old site (its files, its other pages): made absolute, never a broken link here."""
    href = absolutize(href, page_link)
    if href.startswith("/") and not href.startswith("//") and site_url.startswith(("http://", "https://")):
        return site_url.rstrip("/") + href
    return href


def rewrite(soup: BeautifulSoup, ctx: Context, page_link: str) -> None:
    """Links to the archive's own posts → their new URLs (whatever the old
    scheme or case); relative addresses resolved against the old permalink;
    its media → local copies."""
    index = ctx.link_index()
    for a in soup.find_all("a", href=True):
        href = a["href"]
        new = index.resolve(href, page_link)
        if new and "#" in new:
            url, fragment = new.split("#", 1)
            if COMMENT_FRAGMENT.fullmatch(fragment) and fragment not in ctx.comment_anchors.get(url, set()):
                new = url  # a comment that was not kept (a pingback, spam): the post itself
        a["href"] = new if new else ctx.media(on_old_site(href, page_link, ctx.site_url))
    for img in soup.find_all("img", src=True):
        img["src"] = ctx.media(on_old_site(img["src"], page_link, ctx.site_url))
        for attribute in ("srcset", "sizes"):  # they name the old site's resized copies
            img.attrs.pop(attribute, None)
