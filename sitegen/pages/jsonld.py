"""The JSON-LD of pages: the nodes each kind of page gives (its `jsonld_nodes`
in pages/kinds.py names its builder here), the Person they are all by, the
services and their sessions, and the breadcrumb trail; seo.py puts them in
the head.

Nothing here knows the kinds, so kinds.py can name these builders without
an import cycle.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import msgspec

from ..site.views import ServiceView
from ..sources.models import Post

if TYPE_CHECKING:
    from .spec import PageSpec
    from ..site.sitemodel import Site


@dataclass(frozen=True, slots=True)
class PageFacts:
    """What the head already decided about a page, as its JSON-LD repeats it."""

    heading: str
    description: str
    """Shortened as the meta description."""
    canonical: str
    """Absolute URL."""
    image: str | None
    """Absolute URL of its own image or of the generated one."""


def person_only(site: "Site", spec: "PageSpec", page: PageFacts) -> list[dict[str, Any]]:
    """A page about nothing in particular: who it is by."""
    return [person_ref(site)]


def profile_page(site: "Site", spec: "PageSpec", page: PageFacts) -> list[dict[str, Any]]:
    """The home page: the person's profile, the web site and the person in full."""
    lang, urls = spec.lang, site.urls
    return [
        {"@type": "ProfilePage", "@id": page.canonical + "#page", "url": page.canonical, "name": page.heading,
         "inLanguage": lang, "mainEntity": {"@id": person_id(site)},
         "isPartOf": {"@id": urls.absolute("/") + "#website"}},
        {"@type": "WebSite", "@id": urls.absolute("/") + "#website", "url": urls.absolute("/"),
         "name": site.settings.title[lang], "inLanguage": list(site.settings.codes),
         "publisher": {"@id": person_id(site)}},
        person_node(site, lang),
    ]


def blog_posting(site: "Site", spec: "PageSpec", page: PageFacts) -> list[dict[str, Any]]:
    post: Post = spec.item
    canonical = page.canonical
    node: dict[str, Any] = {
        "@type": "BlogPosting", "@id": canonical + "#article", "url": canonical, "mainEntityOfPage": canonical,
        "headline": post.title, "description": page.description, "inLanguage": post.lang,
        "datePublished": post.date.isoformat(), "dateModified": post.last_modified.isoformat(),
        "author": {"@id": person_id(site)}, "publisher": {"@id": person_id(site)},
        "wordCount": post.words,
    }
    if page.image:
        node["image"] = page.image
    if post.tag_names:
        node["keywords"] = list(post.tag_names)
    if post.original:
        node["isBasedOn"] = post.original["url"]
    return [person_ref(site), node]


def service_page(site: "Site", spec: "PageSpec", page: PageFacts) -> list[dict[str, Any]]:
    view = ServiceView(spec.item, spec.lang, site)
    return [person_ref(site), *service_nodes(site, view, page.canonical, page.image)]


def contact_page(site: "Site", spec: "PageSpec", page: PageFacts) -> list[dict[str, Any]]:
    """The card shows the person's contact details: a ContactPage about the Person."""
    return [person_node(site, spec.lang),
            {"@type": "ContactPage", "@id": page.canonical + "#page", "url": page.canonical, "name": page.heading,
             "inLanguage": spec.lang, "mainEntity": {"@id": person_id(site)},
             "isPartOf": {"@id": site.urls.absolute("/") + "#website"}}]


def breadcrumb_list(crumbs: list[tuple[str, str]]) -> dict[str, Any]:
    """`crumbs`: (name, absolute URL) from the home page to the page itself."""
    return {"@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": i + 1, "name": name, "item": url} for i, (name, url) in enumerate(crumbs)]}


_ENCODER = msgspec.json.Encoder()


def to_json_script(graph: list[dict[str, Any]]) -> str:
    document = {"@context": "https://schema.org", "@graph": graph}
    # msgspec writes what json.dumps(ensure_ascii=False) compact would, eight
    # times faster; json takes what msgspec refuses (a str subclass, a lone
    # surrogate), so nothing that json writes fails here.
    try:
        text = _ENCODER.encode(document).decode("utf-8")
    except (TypeError, ValueError, OverflowError, msgspec.EncodeError):
        text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
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

