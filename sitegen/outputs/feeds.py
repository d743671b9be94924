"""RSS 2.0 feeds: one per language and one per tag and language."""

from __future__ import annotations

import html
import re
from email.utils import format_datetime
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from ..sources.models import Post
from ..pages.safetext import output_bytes

if TYPE_CHECKING:
    from ..site.sitemodel import Site

_RELATIVE_REF = re.compile(r'(\s(?:href|src)=")(?!https?:|mailto:|#|data:)([^"]*)"')


def absolutize(html: str, page_url: str, site: "Site") -> str:
    """Feed readers have no page to resolve relative links against."""
    return _RELATIVE_REF.sub(lambda m: f'{m.group(1)}{site.urls.absolute(site.urls.resolve(m.group(2), page_url))}"',
                             html)


def as_html(text: str) -> str:
    """Feed readers take an RSS description as HTML: a summary that reads
    `Q&A <i>x</i>` must arrive as those characters, not as italics."""
    return html.escape(text, quote=False)


def rss(site: "Site", lang: str, posts: list[Post], title: str, feed_url: str, page_url: str,
        description: str) -> bytes:
    urls, settings = site.urls, site.settings
    posts = posts[: settings.feed.items]
    language = settings.language(lang).hreflang
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" '
           'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
           'xmlns:dc="http://purl.org/dc/elements/1.1/">',
           "<channel>",
           f"  <title>{escape(title)}</title>",
           f"  <link>{escape(urls.absolute(page_url))}</link>",
           f"  <description>{escape(as_html(description))}</description>",
           f"  <language>{language}</language>",
           f'  <atom:link href={quoteattr(urls.absolute(feed_url))} rel="self" type="application/rss+xml"/>',
           "  <generator>sitegen</generator>"]
    if posts:
        newest = max(p.last_modified for p in posts)
        out.append(f"  <lastBuildDate>{format_datetime(newest)}</lastBuildDate>")
    for post in posts:
        link = urls.absolute(post.url)
        foreign = post.lang != lang
        item_title = f"[{post.lang}] {post.title}" if foreign else post.title
        out += ["  <item>",
                f"    <title>{escape(item_title)}</title>",
                f"    <link>{escape(link)}</link>",
                f'    <guid isPermaLink="true">{escape(link)}</guid>',
                f"    <pubDate>{format_datetime(post.date)}</pubDate>",
                f"    <dc:creator>{escape(site.profile.name)}</dc:creator>",
                f"    <description>{escape(as_html(post.summary_for(lang)))}</description>"]
        out += [f"    <category>{escape(tag)}</category>" for tag in post.tag_names]
        if settings.feed.full_content and not foreign:
            body = absolutize(post.body, post.url, site).replace("]]>", "]]]]><![CDATA[>")
            out.append(f"    <content:encoded><![CDATA[{body}]]></content:encoded>")
        out.append("  </item>")
    out += ["</channel>", "</rss>", ""]
    return output_bytes("\n".join(out))
