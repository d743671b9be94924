"""What search engines and social networks read: the page head (titles,
descriptions, canonical, hreflang, OpenGraph, Twitter), JSON-LD, the
sitemap and robots.txt."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape, quoteattr

from . import presence
from .kinds import TITLE_LIMIT, kind_of
from ..settings.i18n import Strings
from ..sources.links import fediverse_handle
from ..sources.models import Post
from .safetext import output_bytes
from ..site.views import ServiceView

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
    canonical = urls.absolute(spec.url)
    description = shorten(description or settings.tagline[lang] or heading, DESCRIPTION_LIMIT)
    title = page_title(site, spec, heading)
    # A page without its own image gets the generated 1200×630 card (presence.py).
    generated = None if image else presence.social_image(site, spec, t)
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
    kind = kind_of(spec)
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
    graph = jsonld_graph(site, spec, t, heading, description, canonical, social_image)
    return Head(spec.kind, title, heading, description, spec.url, canonical, alternate_links, x_default, switcher,
                og, twitter, to_json_script(graph), feeds, None if kind.indexed else "noindex", social_image,
                calendars, next(filter(None, (fediverse_handle(url) for _, url in site.profile.links)), None))


def to_json_script(graph: list[dict[str, Any]]) -> str:
    # Compact: with an indent, json falls back from its C encoder to Python.
    text = json.dumps({"@context": "https://schema.org", "@graph": graph}, ensure_ascii=False, separators=(",", ":"))
    # Inside <script>, "</script>" would end the element and "<!--" would
    # make the parser swallow the rest of the page; JSON's own escapes keep
    # the same data with none of <, > or & in the text.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def person_id(site: "Site") -> str:
    return site.urls.absolute("/") + "#person"


def person_ref(site: "Site") -> dict[str, str]:
    return {"@type": "Person", "@id": person_id(site), "name": site.profile.name, "url": site.urls.absolute("/")}


def person_node(site: "Site", lang: str) -> dict[str, Any]:
    profile, urls = site.profile, site.urls
    node: dict[str, Any] = {**person_ref(site)}
    if profile.photo:
        node["image"] = urls.absolute(urls.resolve(profile.photo, "/"))
    if profile.job_title[lang]:
        node["jobTitle"] = profile.job_title[lang]
    if profile.headline[lang]:
        node["description"] = profile.headline[lang]
    if profile.links:
        node["sameAs"] = [url for _, url in profile.links]
    expertise = [s.title[lang] for s in site.services if s.kind == "expertise"]
    if expertise:
        node["knowsAbout"] = expertise
    if profile.languages_spoken.get(lang):
        node["knowsLanguage"] = profile.languages_spoken[lang]
    if profile.location:
        node["address"] = {"@type": "PostalAddress", "addressLocality": profile.location}
    if profile.email:
        node["email"] = profile.email
    return node


def session_start(session: Any) -> str:
    """ISO 8601 with its offset when the session has a time; a plain date for
    a whole-day session (midnight would be a made-up time)."""
    return session.start.isoformat()


ATTENDANCE_MODES = {"online": "OnlineEventAttendanceMode", "offline": "OfflineEventAttendanceMode",
                    "mixed": "MixedEventAttendanceMode"}
COURSE_MODES = {"online": "online", "offline": "onsite", "mixed": "blended"}


def session_location(session: Any, page_url: str = "") -> dict[str, Any] | list[dict[str, Any]]:
    """A Place, a VirtualLocation (never a Place called "online"), or both for a hybrid session."""
    virtual = {"@type": "VirtualLocation", "url": session.url or page_url}
    if session.attendance == "online":
        return virtual
    place: dict[str, Any] = {"@type": "Place", "name": session.event or session.city or ""}
    if session.city:
        place["address"] = {"@type": "PostalAddress", "addressLocality": session.city}
    return [place, virtual] if session.attendance == "mixed" else place


def session_when(session: Any) -> dict[str, str]:
    when = {"startDate": session_start(session)}
    if session.end is not None:
        when["endDate"] = session.end.isoformat()
    return when


def session_materials(site: "Site", session: Any, name: str) -> dict[str, Any]:
    """The slides and the recording of one session. A recording is a plain
    CreativeWork with its address, not a VideoObject: Google requires a
    VideoObject's thumbnailUrl and uploadDate, which sitegen does not know,
    and a VideoObject without them is invalid structured data."""
    found: dict[str, Any] = {}
    if session.video:
        found["recordedIn"] = {"@type": "CreativeWork", "name": name, "url": material_url(site, session.video)}
    if session.slides:
        found["workFeatured"] = {"@type": "PresentationDigitalDocument", "name": name,
                                 "url": material_url(site, session.slides)}
    return found


def material_url(site: "Site", value: str) -> str:
    return site.urls.absolute(value) if value.startswith("/") else value


def past_materials(site: "Site", view: ServiceView) -> list[dict[str, Any]]:
    """What remains of past sessions (their recordings and slides), for the
    service's `subjectOf`: past sessions are not Events (search engines
    show only upcoming ones)."""
    works = []
    for session in view.past_sessions:
        name = f"{view.title} ({session.event})" if session.event else view.title
        works.extend(session_materials(site, session, name).values())
    return works


def jsonld_graph(site: "Site", spec: "PageSpec", t: Strings, heading: str, description: str, canonical: str,
                 image: str | None) -> list[dict[str, Any]]:
    lang, urls = spec.lang, site.urls
    home = urls.absolute(urls.home(lang))
    if spec.kind == "home":
        return [
            {"@type": "ProfilePage", "@id": canonical + "#page", "url": canonical, "name": heading,
             "inLanguage": lang, "mainEntity": {"@id": person_id(site)},
             "isPartOf": {"@id": urls.absolute("/") + "#website"}},
            {"@type": "WebSite", "@id": urls.absolute("/") + "#website", "url": urls.absolute("/"),
             "name": site.settings.title[lang], "inLanguage": list(site.settings.codes),
             "publisher": {"@id": person_id(site)}},
            person_node(site, lang),
        ]
    graph: list[dict[str, Any]] = [person_ref(site)]
    if spec.kind == "post":
        post: Post = spec.item
        node: dict[str, Any] = {
            "@type": "BlogPosting", "@id": canonical + "#article", "url": canonical, "mainEntityOfPage": canonical,
            "headline": post.title, "description": description, "inLanguage": post.lang,
            "datePublished": post.date.isoformat(), "dateModified": post.last_modified.isoformat(),
            "author": {"@id": person_id(site)}, "publisher": {"@id": person_id(site)},
            "wordCount": post.words,
        }
        if image:
            node["image"] = image
        if post.tag_names:
            node["keywords"] = list(post.tag_names)
        if post.original:
            node["isBasedOn"] = post.original["url"]
        graph.append(node)
    elif spec.kind in ("talk", "workshop", "expertise"):
        view = ServiceView(spec.item, lang, site)
        graph.extend(service_nodes(site, view, canonical, image))
    elif spec.kind == "card":
        # The card shows the person's contact details: a ContactPage about the Person.
        graph[0] = person_node(site, lang)
        graph.append({"@type": "ContactPage", "@id": canonical + "#page", "url": canonical, "name": heading,
                      "inLanguage": lang, "mainEntity": {"@id": person_id(site)},
                      "isPartOf": {"@id": urls.absolute("/") + "#website"}})
    kind = kind_of(spec)
    if kind.indexed:
        crumbs = [(site.settings.title[lang], home), *kind.crumbs(site, spec, t), (heading, canonical)]
        graph.append({"@type": "BreadcrumbList", "itemListElement": [
            {"@type": "ListItem", "position": i + 1, "name": name, "item": url} for i, (name, url) in enumerate(crumbs)]})
    return graph


def service_nodes(site: "Site", view: ServiceView, canonical: str, image: str | None) -> list[dict[str, Any]]:
    provider = {"@id": person_id(site)}
    base: dict[str, Any] = {"name": view.title, "description": view.summary, "url": canonical,
                            "inLanguage": view.lang}
    if image:
        base["image"] = image
    if view.audience:
        base["audience"] = {"@type": "Audience", "audienceType": view.audience}
    if view.kind == "workshop":
        course = {"@type": "Course", "@id": canonical + "#course", **base,
                  "provider": {**person_ref(site)}}
        if view.outcomes:
            course["teaches"] = view.outcomes
        instances = []
        for session in view.upcoming_sessions:
            instance = {"@type": "CourseInstance", **session_when(session),
                        "courseMode": COURSE_MODES[session.attendance],
                        "location": session_location(session, canonical), "instructor": provider}
            if session.event:
                instance["name"] = session.event
            instances.append(instance)
        if instances:
            course["hasCourseInstance"] = instances
        if past_materials(site, view):
            course["subjectOf"] = past_materials(site, view)
        return [course]
    service = {"@type": "Service", "@id": canonical + "#service", **base, "provider": provider,
               "serviceType": view.title}
    service.pop("inLanguage")
    if view.kind == "talk" and past_materials(site, view):
        service["subjectOf"] = past_materials(site, view)
    nodes = [service]
    if view.kind == "talk":
        for i, session in enumerate(view.upcoming_sessions):
            name = f"{view.title} ({session.event})" if session.event else view.title
            nodes.append({
                "@type": "Event", "@id": f"{canonical}#event-{i + 1}", "name": name,
                "description": view.summary, **session_when(session),
                "eventStatus": "https://schema.org/EventScheduled",
                "eventAttendanceMode": "https://schema.org/" + ATTENDANCE_MODES[session.attendance],
                "location": session_location(session, canonical), "performer": provider, "organizer": provider,
                "url": session.url or canonical, "inLanguage": view.lang,
                **({"image": image} if image else {}), **session_materials(site, session, name),
            })
    return nodes


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
