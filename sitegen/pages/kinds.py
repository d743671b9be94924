"""The kinds of page a site has, one small class each, in one table.

A kind holds everything that varies from one kind of page to another: which
pages of it a site has (URL and template), what its template shows, its
URL in the other languages, what it depends on, its last modification,
the breadcrumbs above it, its JSON-LD nodes and its generated social image
(the hooks and their defaults are kind.py's `Kind`). What a page depends on
sits beside what it reads, so the two change together; adding a kind
touches this file (and its template) only.

`dependencies` gets a `spec.Reads` (cache/incremental.py's `Inputs`) that turns
records into tokens: this layer names what a page reads, the cache layer
above decides how it is digested.
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterator

from markupsafe import Markup

from . import presence
from .jsonld import blog_posting, contact_page, profile_page, service_page
from .kind import Kind
from ..settings.i18n import Strings
from ..site.sitemodel import Site
from ..site.views import ServiceView, SiteView, related_posts, upcoming_sessions
from ..sources.models import Post
from .lists import (blog_crumb, describe_list, describe_services, listed_lastmod, paginator, session_states,
                    tag_link)
from .spec import SERVICE_KINDS, TITLE_LIMIT, PageSpec, Reads, Shown, blog_page_count, blog_slice

HOME_POSTS = 5
"""How many of the latest posts the home page lists."""


class Home(Kind):
    names = ("home",)
    trail_root = True
    jsonld_nodes = staticmethod(profile_page)

    def shows_calendar(self, spec: PageSpec) -> bool:
        return True

    def own_title(self, site: Site, spec: PageSpec) -> str | None:
        # The person is the site: their name and job, or the name alone when too long.
        job = site.profile.job_title[spec.lang]
        full = f"{site.profile.name} · {job}" if job else site.profile.name
        return full if len(full) <= TITLE_LIMIT else site.profile.name

    def pages(self, site: Site, lang: str) -> Iterator[PageSpec]:
        yield PageSpec(site.urls.home(lang), "home", lang, "home.html", site.profile.source)

    def shown(self, site: Site, spec: PageSpec, t: Strings, view: SiteView) -> Shown:
        lang, profile = spec.lang, view.profile
        services = {k: [ServiceView(s, lang, site) for s in site.services_of(k)] for k in SERVICE_KINDS}
        context = dict(profile=profile, expertise=services["expertise"], talks=services["talk"],
                       workshops=services["workshop"], latest_posts=site.listing[lang][:HOME_POSTS],
                       notices=profile.availability,
                       upcoming=upcoming_sessions(services["talk"] + services["workshop"], site.settings.now,
                                                  site.settings.timezone))
        return Shown(context, site.profile.name, profile.headline or profile.job_title, None, "profile")

    def dependencies(self, site: Site, spec: PageSpec, reads: Reads) -> list[str]:
        # The upcoming block moves with the clock as sessions pass.
        return [*reads.listed(site.listing[spec.lang][:HOME_POSTS]), *reads.whole(site.services),
                *session_states(site, site.services)]


class Blog(Kind):
    names = ("blog",)

    def crumbs(self, site: Site, spec: PageSpec, t: Strings) -> list[tuple[str, str]]:
        return blog_crumb(site, spec, t) if spec.number > 1 else []

    def pages(self, site: Site, lang: str) -> Iterator[PageSpec]:
        for number in range(1, blog_page_count(site, lang) + 1):
            yield PageSpec(site.urls.blog(lang, number), "blog", lang, "blog.html", "the blog index", None, number)

    def shown(self, site: Site, spec: PageSpec, t: Strings, view: SiteView) -> Shown:
        posts = blog_slice(site, spec.lang, spec.number)
        heading = t("blog_title") if spec.number == 1 else t("blog_page_title", n=spec.number)
        description = describe_list(t("blog_title"), posts, site.profile.name, spec.number)
        return Shown(dict(posts=posts, paginator=paginator(site, spec.lang, spec.number)), heading, description)

    def alternates(self, site: Site, spec: PageSpec) -> dict[str, str]:
        return {lang: site.urls.blog(lang, spec.number) for lang in site.settings.codes
                if blog_page_count(site, lang) >= spec.number}

    def dependencies(self, site: Site, spec: PageSpec, reads: Reads) -> list[str]:
        # hreflang links a page N to page N of languages that have that many.
        pages = [f"{code}:{blog_page_count(site, code)}" for code in site.settings.codes]
        return [*pages, *reads.listed(blog_slice(site, spec.lang, spec.number))]

    def lastmod(self, site: Site, spec: PageSpec, newest: dict[str, datetime | None]) -> datetime | None:
        return listed_lastmod(blog_slice(site, spec.lang, spec.number))


class PostPage(Kind):
    names = ("post",)
    light = True
    crumbs = staticmethod(blog_crumb)
    jsonld_nodes = staticmethod(blog_posting)

    def social_image(self, site: Site, spec: PageSpec, t: Strings) -> presence.SocialImage:
        if site.settings.post_social_images:
            return presence.post_social_image(site, spec.item, t)
        return super().social_image(site, spec, t)

    def head_extras(self, site: Site, spec: PageSpec, t: Strings) -> tuple[list[tuple[str, str]], list[dict[str, str]]]:
        post: Post = spec.item
        og = [("article:published_time", post.date.isoformat()),
              ("article:modified_time", post.last_modified.isoformat()),
              ("article:author", site.urls.absolute(site.urls.home(spec.lang)))]
        return og + [("article:tag", tag) for tag in post.tag_names], []

    def pages(self, site: Site, lang: str) -> Iterator[PageSpec]:
        for post in site.posts:
            if post.lang == lang:
                yield PageSpec(post.url, "post", lang, "post.html", post.source, post)

    def shown(self, site: Site, spec: PageSpec, t: Strings, view: SiteView) -> Shown:
        post: Post = spec.item
        return Shown(dict(post=post), post.title, post.summary, post.image, "article")

    def alternates(self, site: Site, spec: PageSpec) -> dict[str, str]:
        return {spec.lang: spec.url, **{t.lang: t.url for t in spec.item.translations}}

    def dependencies(self, site: Site, spec: PageSpec, reads: Reads) -> list[str]:
        # Itself, its translations (switcher, hreflang), its series
        # neighbours and list, and its similar posts.
        post: Post = spec.item
        deps = [*reads.whole([post]), *reads.listed(post.translations), *reads.listed(post.similar)]
        if post.series:
            deps += ["series", post.series.name, post.series.url, *reads.listed(post.series.posts)]
        return deps

    def lastmod(self, site: Site, spec: PageSpec, newest: dict[str, datetime | None]) -> datetime | None:
        return spec.item.last_modified


class Tags(Kind):
    names = ("tags",)

    def pages(self, site: Site, lang: str) -> Iterator[PageSpec]:
        yield PageSpec(site.urls.tags(lang), "tags", lang, "tags.html", "the tag index")

    def shown(self, site: Site, spec: PageSpec, t: Strings, view: SiteView) -> Shown:
        lang = spec.lang
        tags = [{"tag": tag_link(site, e, lang), "count": len(e.posts)} for e in site.tags[lang].values()]
        return Shown(dict(tags=tags), t("tags_title"), describe_list(t("tags_title"), [], site.profile.name))

    def dependencies(self, site: Site, spec: PageSpec, reads: Reads) -> list[str]:
        return [f"{entry.slug}:{entry.name}:{len(entry.posts)}" for entry in site.tags[spec.lang].values()]


class Tag(Kind):
    names = ("tag",)

    def crumbs(self, site: Site, spec: PageSpec, t: Strings) -> list[tuple[str, str]]:
        return [(t("tags_title"), site.urls.absolute(site.urls.tags(spec.lang)))]

    def head_extras(self, site: Site, spec: PageSpec, t: Strings) -> tuple[list[tuple[str, str]], list[dict[str, str]]]:
        entry, lang = spec.item, spec.lang
        feed = {"title": t("tag_feed_title", site=site.settings.title[lang], tag=entry.name),
                "url": site.urls.tag_feed(entry.slug, lang)}
        return [], [feed]

    def pages(self, site: Site, lang: str) -> Iterator[PageSpec]:
        for entry in site.tags[lang].values():
            yield PageSpec(site.urls.tag(entry.slug, lang), "tag", lang, "tag.html", f"the tag '{entry.name}'", entry)

    def shown(self, site: Site, spec: PageSpec, t: Strings, view: SiteView) -> Shown:
        item = spec.item
        heading = t("tag_title", tag=item.name)
        return Shown(dict(tag=tag_link(site, item, spec.lang), posts=item.posts), heading,
                     describe_list(heading, item.posts, site.profile.name))

    def alternates(self, site: Site, spec: PageSpec) -> dict[str, str]:
        slug = spec.item.slug
        return {lang: site.urls.tag(slug, lang) for lang in site.settings.codes if slug in site.tags[lang]}

    def dependencies(self, site: Site, spec: PageSpec, reads: Reads) -> list[str]:
        item = spec.item
        return [*(f"{code}:{item.slug in site.tags[code]}" for code in site.settings.codes),
                *reads.listed(item.posts)]

    def lastmod(self, site: Site, spec: PageSpec, newest: dict[str, datetime | None]) -> datetime | None:
        return listed_lastmod(spec.item.posts)


class Archive(Kind):
    names = ("archive",)
    crumbs = staticmethod(blog_crumb)

    def pages(self, site: Site, lang: str) -> Iterator[PageSpec]:
        yield PageSpec(site.urls.archive(lang), "archive", lang, "archive.html", "the archive")

    def shown(self, site: Site, spec: PageSpec, t: Strings, view: SiteView) -> Shown:
        listing = site.listing[spec.lang]
        years: dict[int, list[Post]] = {}
        for post in listing:
            years.setdefault(post.date.year, []).append(post)
        context = dict(years=[{"year": y, "posts": p} for y, p in years.items()])
        return Shown(context, t("archive_title"), describe_list(t("archive_title"), listing, site.profile.name))

    def dependencies(self, site: Site, spec: PageSpec, reads: Reads) -> list[str]:
        return reads.listed(site.listing[spec.lang])


class Series(Kind):
    names = ("series",)
    crumbs = staticmethod(blog_crumb)

    def pages(self, site: Site, lang: str) -> Iterator[PageSpec]:
        for entry in site.series[lang].values():
            yield PageSpec(site.urls.series(entry.slug, lang), "series", lang, "series.html",
                           f"the series '{entry.name}'", entry)

    def shown(self, site: Site, spec: PageSpec, t: Strings, view: SiteView) -> Shown:
        item = spec.item
        heading = t("series_title", name=item.name)
        series = {"name": item.name, "slug": item.slug, "url": spec.url, "posts": item.posts}
        return Shown(dict(series=series), heading, describe_list(heading, item.posts, site.profile.name))

    def alternates(self, site: Site, spec: PageSpec) -> dict[str, str]:
        return {lang: site.urls.series(slug, lang) for lang, slug in spec.item.alternates.items()}

    def dependencies(self, site: Site, spec: PageSpec, reads: Reads) -> list[str]:
        # Its name may come from a post it does not list (the one naming it by language).
        item = spec.item
        return [item.name, *(f"{code}:{slug}" for code, slug in sorted(item.alternates.items())),
                *reads.listed(item.posts)]

    def lastmod(self, site: Site, spec: PageSpec, newest: dict[str, datetime | None]) -> datetime | None:
        return listed_lastmod(spec.item.posts)


class Services(Kind):
    """The index of one kind of service (talks, workshops, expertise); `item` names the kind."""

    names = ("services",)

    def shows_calendar(self, spec: PageSpec) -> bool:
        return spec.item != "expertise"

    def pages(self, site: Site, lang: str) -> Iterator[PageSpec]:
        for kind in SERVICE_KINDS:
            yield PageSpec(site.urls.services(kind, lang), "services", lang, "services.html", f"the {kind} index", kind)

    def shown(self, site: Site, spec: PageSpec, t: Strings, view: SiteView) -> Shown:
        kind = spec.item
        services = [ServiceView(s, spec.lang, site) for s in site.services_of(kind)]
        heading = t(f"{kind}s_title" if kind != "expertise" else "expertise_title")
        return Shown(dict(kind=kind, services=services), heading,
                     describe_services(heading, services, site.profile.name))

    def dependencies(self, site: Site, spec: PageSpec, reads: Reads) -> list[str]:
        # Their cards show each service's next session.
        services = site.services_of(spec.item)
        return [*reads.whole(services), *session_states(site, services)]

    def lastmod(self, site: Site, spec: PageSpec, newest: dict[str, datetime | None]) -> datetime | None:
        return None


class ServicePage(Kind):
    """A talk, a workshop or an area of expertise: `kind` is the service's."""

    names = SERVICE_KINDS
    jsonld_nodes = staticmethod(service_page)

    def crumbs(self, site: Site, spec: PageSpec, t: Strings) -> list[tuple[str, str]]:
        kind = spec.kind
        section = t("expertise_title") if kind == "expertise" else t(f"{kind}s_title")
        return [(section, site.urls.absolute(site.urls.services(kind, spec.lang)))]

    def shows_calendar(self, spec: PageSpec) -> bool:
        return spec.kind != "expertise"

    def pages(self, site: Site, lang: str) -> Iterator[PageSpec]:
        for service in site.services:
            template = "expertise.html" if service.kind == "expertise" else "service.html"
            yield PageSpec(site.urls.service(service.kind, service.slug, lang), service.kind, lang, template,
                           service.source, service)

    def shown(self, site: Site, spec: PageSpec, t: Strings, view: SiteView) -> Shown:
        service = ServiceView(spec.item, spec.lang, site)
        return Shown(dict(service=service), service.title, service.summary, service.image)

    def dependencies(self, site: Site, spec: PageSpec, reads: Reads) -> list[str]:
        # Service pages show the expertise they name and the posts sharing
        # their tags; expertise pages the services naming them, as cards with
        # their next session. Sessions move from upcoming to past with the clock.
        return [*reads.whole(site.services), *reads.listed(related_posts(spec.item, site.listing[spec.lang])),
                *session_states(site, site.services)]

    def lastmod(self, site: Site, spec: PageSpec, newest: dict[str, datetime | None]) -> datetime | None:
        return spec.item.updated


class PlainPage(Kind):
    names = ("page",)

    def pages(self, site: Site, lang: str) -> Iterator[PageSpec]:
        for page in site.pages:
            if page.lang == lang:
                yield PageSpec(page.url, "page", lang, "page.html", page.source, page)

    def shown(self, site: Site, spec: PageSpec, t: Strings, view: SiteView) -> Shown:
        page = spec.item
        content = {"title": page.title, "body": Markup(page.body), "meta": page.meta}
        return Shown(dict(content=content), page.title, page.summary or page.title)

    def alternates(self, site: Site, spec: PageSpec) -> dict[str, str]:
        return {spec.lang: spec.url, **{t.lang: t.url for t in spec.item.translations}}

    def dependencies(self, site: Site, spec: PageSpec, reads: Reads) -> list[str]:
        return [*reads.whole([spec.item]), *(f"{t.lang}:{t.url}:{t.title}" for t in spec.item.translations)]

    def lastmod(self, site: Site, spec: PageSpec, newest: dict[str, datetime | None]) -> datetime | None:
        return spec.item.updated


class Card(Kind):
    names = ("card",)
    jsonld_nodes = staticmethod(contact_page)

    def pages(self, site: Site, lang: str) -> Iterator[PageSpec]:
        yield PageSpec(site.urls.card(lang), "card", lang, "card.html", "the business card page")

    def shown(self, site: Site, spec: PageSpec, t: Strings, view: SiteView) -> Shown:
        return Shown(dict(card=presence.card_view(site, spec.lang, t), profile=view.profile),
                     presence.card_heading(t), presence.card_description(site, spec.lang, t), None, "profile")

    def lastmod(self, site: Site, spec: PageSpec, newest: dict[str, datetime | None]) -> datetime | None:
        return None


class NotFound(Kind):
    names = ("404",)
    indexed = False

    def pages(self, site: Site, lang: str) -> Iterator[PageSpec]:
        yield PageSpec(site.urls.not_found(lang), "404", lang, "404.html", "the 404 page")

    def shown(self, site: Site, spec: PageSpec, t: Strings, view: SiteView) -> Shown:
        return Shown({}, t("not_found_title"), t("not_found_text"))

    def alternates(self, site: Site, spec: PageSpec) -> dict[str, str]:
        return {}


PLAN: tuple[Kind, ...] = (Home(), Blog(), PostPage(), Tags(), Tag(), Archive(), Series(), Services(),
                          ServicePage(), PlainPage(), Card(), NotFound())
"""Every kind, in the order a language's pages are planned (the sitemap's order)."""

KINDS: dict[str, Kind] = {name: kind for kind in PLAN for name in kind.names}


def kind_of(spec: PageSpec) -> Kind:
    return KINDS[spec.kind]


def plan_pages(site: Site) -> list[PageSpec]:
    """Every page of the site, language by language, without rendering any."""
    return [spec for lang in site.settings.codes for kind in PLAN for spec in kind.pages(site, lang)]
