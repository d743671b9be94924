"""What search engines and social networks read: the page head (titles,
descriptions, canonical, hreflang, OpenGraph, Twitter, the JSON-LD graph of
the nodes jsonld.py builds), the sitemap and robots.txt."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from datetime import datetime
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape, quoteattr

from . import presence
from .jsonld import PageFacts, breadcrumb_list, to_json_script
from .kinds import TITLE_LIMIT, kind_of
from ..settings.i18n import Strings
from ..sources.links import fediverse_handle
from .safetext import output_bytes

if TYPE_CHECKING:
    from .spec import PageSpec
    from ..site.sitemodel import Site

DESCRIPTION_LIMIT = 160


@dataclass(frozen=True)
class Head:
    kind: str
    title: str
    heading: str
    description: str
    url: str
    canonical: str
    alternates: list[dict[str, str]]
    x_default: str | None
    switcher: list[dict[str, Any]]
    og: list[tuple[str, str]]
    twitter: list[tuple[str, str]]
    jsonld: str
    feeds: list[dict[str, str]]
    robots: str | None
    image: str | None
    calendars: list[dict[str, str]] = field(default_factory=list)
    """iCalendar feeds of upcoming sessions, on the pages that show sessions."""
    fediverse_creator: str | None = None
    """`@user@host` of the profile's first fediverse link: Mastodon credits
    the author under shared links."""
    other_languages: list[dict[str, Any]] = field(default_factory=list)
    """The switcher's entries but the current language's (a theme's
    `rejectattr("current")` was a fiftieth of rendering a post page)."""


def shorten(text: str, limit: int) -> str:
    """Cut at a word boundary, with an ellipsis, when longer than `limit`."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.-–—")
    return cut + "…"


def page_title(site: "Site", spec: "PageSpec", heading: str) -> str:
    own = kind_of(spec).own_title(site, spec)
    if own is not None:
        return own
    full = f"{heading} · {site.settings.title[spec.lang]}"
    # Over the limit: drop the site name. A heading that is itself longer stays
    # whole: cut words would be lost to search engines, which show ~60 anyway.
    return full if len(full) <= TITLE_LIMIT else heading


def head(site: "Site", spec: "PageSpec", t: Strings, heading: str, description: str, image: str | None,
         og_type: str, alternates: dict[str, str]) -> Head:
    urls, settings, lang = site.urls, site.settings, spec.lang
    kind = kind_of(spec)
    canonical = urls.absolute(spec.url)
    description = shorten(description or settings.tagline[lang] or heading, DESCRIPTION_LIMIT)
    title = page_title(site, spec, heading)
    # A page without its own image gets a generated 1200×630 card (its kind says which).
    generated = None if image else kind.social_image(site, spec, t)
    social_image = image or (generated.url if generated else None)
    ordered = [code for code in settings.codes if code in alternates]
    alternate_links = [{"lang": code, "hreflang": code, "url": urls.absolute(alternates[code])} for code in ordered]
    x_default = None
    if alternates:
        x_default = urls.absolute(alternates.get(settings.default_lang, spec.url))
    switcher = [{"lang": l.code, "name": l.name, "current": l.code == lang,
                 "translated": l.code in alternates,
                 "url": alternates.get(l.code) or urls.home(l.code)} for l in settings.languages]
    locale = settings.language(lang).locale
    og = [("og:type", og_type), ("og:title", heading), ("og:description", description), ("og:url", canonical),
          ("og:site_name", settings.title[lang]), ("og:locale", locale)]
    og += [("og:locale:alternate", settings.language(code).locale) for code in ordered if code != lang]
    image_alt = generated.alt if generated else heading
    if social_image:
        og.append(("og:image", social_image))
        if generated:
            og += [("og:image:type", generated.type), ("og:image:width", str(generated.width)),
                   ("og:image:height", str(generated.height))]
        og.append(("og:image:alt", image_alt))
    if og_type == "profile":
        first, last = presence.split_name(site.profile.name)
        og += [("profile:first_name", first)] + ([("profile:last_name", last)] if last else [])
    kind_og, kind_feeds = kind.head_extras(site, spec, t)
    og += kind_og
    twitter = [("twitter:card", "summary_large_image" if social_image else "summary"), ("twitter:title", heading),
               ("twitter:description", description)]
    if social_image:
        twitter += [("twitter:image", social_image), ("twitter:image:alt", image_alt)]
    feeds = [{"title": t("feed_title", site=settings.title[lang]), "url": urls.feed(lang)}, *kind_feeds]
    calendars = []
    if kind.shows_calendar(spec):
        calendars.append({"title": t("calendar_name", name=site.profile.name), "url": urls.events(lang)})
    graph = jsonld_graph(site, spec, t, PageFacts(heading, description, canonical, social_image))
    return Head(spec.kind, title, heading, description, spec.url, canonical, alternate_links, x_default, switcher,
                og, twitter, to_json_script(graph), feeds, None if kind.indexed else "noindex", social_image,
                calendars, fediverse_creator(site.profile.links),
                [entry for entry in switcher if not entry["current"]])


@lru_cache(maxsize=16)
def fediverse_creator(links: tuple[tuple[str, str], ...]) -> str | None:
    """The handle of the profile's first fediverse link: the same on every page."""
    return next(filter(None, (fediverse_handle(url) for _, url in links)), None)


def jsonld_graph(site: "Site", spec: "PageSpec", t: Strings, page: PageFacts) -> list[dict[str, Any]]:
    kind = kind_of(spec)
    graph = kind.jsonld_nodes(site, spec, page)
    if kind.indexed and not kind.trail_root:
        home = site.urls.absolute(site.urls.home(spec.lang))
        crumbs = [(site.settings.title[spec.lang], home), *kind.crumbs(site, spec, t), (page.heading, page.canonical)]
        graph.append(breadcrumb_list(crumbs))
    return graph


def sitemap(site: "Site", entries: list[tuple[str, dict[str, str], datetime | None]]) -> bytes:
    """`entries`: (url, alternates by language, lastmod) for every indexable page."""
    urls, default = site.urls, site.settings.default_lang
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
           'xmlns:xhtml="http://www.w3.org/1999/xhtml">']
    for url, alternates, lastmod in entries:
        out.append("  <url>")
        out.append(f"    <loc>{escape(urls.absolute(url))}</loc>")
        if lastmod:
            out.append(f"    <lastmod>{lastmod.isoformat()}</lastmod>")
        if len(alternates) > 0:
            for code in site.settings.codes:
                if code in alternates:
                    out.append(f'    <xhtml:link rel="alternate" hreflang="{code}" '
                               f'href={quoteattr(urls.absolute(alternates[code]))}/>')
            x_default = alternates.get(default, url)
            out.append(f'    <xhtml:link rel="alternate" hreflang="x-default" '
                       f'href={quoteattr(urls.absolute(x_default))}/>')
        out.append("  </url>")
    out.append("</urlset>\n")
    return output_bytes("\n".join(out))


def robots(site: "Site") -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {site.urls.absolute('/sitemap.xml')}\n".encode()
