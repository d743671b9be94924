"""Rendering: the list of pages a site has, and each page's HTML.

`plan_pages` decides every page (URL, template, what it shows) without
rendering anything; `Renderer.render(spec)` turns one into bytes and touches
no disk, so pages can be rendered in any order, in parallel, or only the ones
that changed.
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from babel import Locale
from babel.dates import format_date as babel_format_date
from markupsafe import Markup

from . import presence, seo
from ..errors import TemplateError, path_for_messages
from ..settings.i18n import Strings, load_strings
from .images import ImageTable
from .safetext import output_bytes
from ..sources.models import Page, Post, Session
from ..site.sitemodel import Site
from ..site.views import ServiceView, SiteView, When, session_when, upcoming_sessions
from .spec import SERVICE_KINDS, PageSpec, blog_page_count

def plan_pages(site: Site) -> list[PageSpec]:
    urls = site.urls
    specs: list[PageSpec] = []
    for lang in site.settings.codes:
        def add(url: str, kind: str, template: str, source: str, item: Any = None, number: int = 1) -> None:
            specs.append(PageSpec(url, kind, lang, template, source, item, number))

        add(urls.home(lang), "home", "home.html", site.profile.source)
        for number in range(1, blog_page_count(site, lang) + 1):
            add(urls.blog(lang, number), "blog", "blog.html", "the blog index", number=number)
        for post in site.posts:
            if post.lang == lang:
                add(post.url, "post", "post.html", post.source, post)
        add(urls.tags(lang), "tags", "tags.html", "the tag index")
        for entry in site.tags[lang].values():
            add(urls.tag(entry.slug, lang), "tag", "tag.html", f"the tag '{entry.name}'", entry)
        add(urls.archive(lang), "archive", "archive.html", "the archive")
        for entry in site.series[lang].values():
            add(urls.series(entry.slug, lang), "series", "series.html", f"the series '{entry.name}'", entry)
        for kind in SERVICE_KINDS:
            add(urls.services(kind, lang), "services", "services.html", f"the {kind} index", kind)
        for service in site.services:
            add(urls.service(service.kind, service.slug, lang), service.kind,
                "expertise.html" if service.kind == "expertise" else "service.html", service.source, service)
        for page in site.pages:
            if page.lang == lang:
                add(page.url, "page", "page.html", page.source, page)
        add(presence.card_url(site, lang), "card", "card.html", "the business card page")
        add(urls.not_found(lang), "404", "404.html", "the 404 page")
    return specs


def alternates(site: Site, spec: PageSpec) -> dict[str, str]:
    """The page's URL in every language where that page really exists."""
    urls, codes = site.urls, site.settings.codes
    item = spec.item
    if spec.kind in ("post", "page"):
        return {spec.lang: spec.url, **{t.lang: t.url for t in item.translations}}
    if spec.kind == "tag":
        return {lang: urls.tag(item.slug, lang) for lang in codes if item.slug in site.tags[lang]}
    if spec.kind == "series":
        return {lang: urls.series(slug, lang) for lang, slug in item.alternates.items()}
    if spec.kind == "blog":
        return {lang: urls.blog(lang, spec.number) for lang in codes if blog_page_count(site, lang) >= spec.number}
    if spec.kind == "404":
        return {}
    same_path = spec.url[len(urls.prefix(spec.lang)):]
    return {lang: urls.prefix(lang) + same_path for lang in codes}


def make_environment(site: Site) -> jinja2.Environment:
    """The Jinja environment of a site's theme chain (reusable across builds
    of the same settings: it keeps compiled templates in memory). No bytecode
    cache on disk: Jinja loads those files with marshal, so a planted one
    would run its code."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d / "templates") for d in site.settings.theme_dirs]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Jinja would stat every template a page uses, for every page. Builds
        # compare the templates' digests instead and empty the cache when one
        # changed.
        auto_reload=False,
    )
    env.filters["isodate"] = isodate
    env.filters["date"] = localized_date
    env.filters["session_when"] = session_when_filter
    env.globals["theme_url"] = site.urls.theme_static
    return env


class Renderer:
    """Renders pages of one site; holds the Jinja environment and per-language views."""

    def __init__(self, site: Site, env: jinja2.Environment | None = None, images: ImageTable | None = None):
        self.site = site
        self.images = images
        """When given, every page's `<img>` tags are sized (see sitegen.images)."""
        settings = site.settings
        self.env = env or make_environment(site)
        i18n_dirs = [d / "i18n" for d in settings.theme_dirs]
        self.strings: dict[str, Strings] = {
            lang: load_strings(i18n_dirs, lang, settings.default_lang, settings.root) for lang in settings.codes}
        self.site_views = {lang: SiteView(site, lang) for lang in settings.codes}
        for language in settings.languages:
            # Babel reads a locale's data on first use: read here, it is shared
            # with the forked workers instead of read again by each of them.
            _locale(language.locale).date_formats
        urls = site.urls
        # Section addresses per language, so themes never rebuild the URL layout.
        self.links = {lang: {"home": urls.home(lang), "blog": urls.blog(lang), "archive": urls.archive(lang),
                             "tags": urls.tags(lang), "feed": urls.feed(lang), "calendar": urls.events(lang),
                             "card": presence.card_url(site, lang), "vcard": presence.VCARD_URL,
                             **{urls_kind: urls.services(kind, lang) for kind, urls_kind in
                                (("talk", "talks"), ("workshop", "workshops"), ("expertise", "expertise"))}}
                      for lang in settings.codes}

    def template(self, name: str) -> jinja2.Template:
        try:
            return self.env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            raise template_error(exc, self.site) from None
        except jinja2.TemplateNotFound as exc:
            dirs = ", ".join(path_for_messages(Path(d), self.site.settings.root) for d in self.env.loader.searchpath)
            raise TemplateError(f"template '{exc.name}' not found (looked in {dirs})",
                                hint=f"add {exc.name} to your theme's templates/ folder") from None

    def render(self, spec: PageSpec) -> bytes:
        site, lang = self.site, spec.lang
        t = self.strings[lang]
        context, heading, description, image, og_type = self._context(spec, t)
        page = seo.head(site, spec, t, heading, description, image, og_type, alternates(site, spec))
        site_view = self.site_views[lang]
        locale = site.settings.language(lang).locale
        template = self.template(spec.template)
        try:
            html = template.render(
                **context, site=site_view, page=page, lang=lang, t=t,
                menu=site_view.menu_for(spec.url), locale=locale, links=self.links[lang],
                has_code=has_highlighted_code(context),
            )
        except jinja2.TemplateError as exc:
            raise template_error(exc, site) from None
        except TemplateError:
            raise
        if self.images is not None:
            html = self.images.rewrite(html, spec.url)
        return output_bytes(html)

    def _context(self, spec: PageSpec, t: Strings) -> tuple[dict[str, Any], str, str, str | None, str]:
        """(template variables, heading, description, social image, og:type)."""
        site, lang, item = self.site, spec.lang, spec.item
        name = site.profile.name
        kind = spec.kind
        if kind == "home":
            profile = self.site_views[lang].profile
            services = {k: [ServiceView(s, lang, site) for s in site.services_of(k)] for k in SERVICE_KINDS}
            context = dict(profile=profile, expertise=services["expertise"], talks=services["talk"],
                           workshops=services["workshop"], latest_posts=site.listing[lang][:5],
                           notices=profile.availability,
                           upcoming=upcoming_sessions(services["talk"] + services["workshop"], site.settings.now,
                                                      site.settings.timezone))
            return context, name, profile.headline or profile.job_title, None, "profile"
        if kind == "blog":
            per_page = site.settings.posts_per_page
            posts = site.listing[lang][(spec.number - 1) * per_page: spec.number * per_page]
            heading = t("blog_title") if spec.number == 1 else t("blog_page_title", n=spec.number)
            description = seo.describe_list(t("blog_title"), posts, lang, name, spec.number)
            return dict(posts=posts, paginator=paginator(site, lang, spec.number)), heading, description, None, "website"
        if kind == "post":
            post: Post = item
            return dict(post=post), post.title, post.summary, post.image, "article"
        if kind == "tags":
            tags = [{"tag": tag_link(site, e, lang), "count": len(e.posts)} for e in site.tags[lang].values()]
            return dict(tags=tags), t("tags_title"), seo.describe_list(t("tags_title"), [], lang, name), None, "website"
        if kind == "tag":
            heading = t("tag_title", tag=item.name)
            return (dict(tag=tag_link(site, item, lang), posts=item.posts), heading,
                    seo.describe_list(heading, item.posts, lang, name), None, "website")
        if kind == "archive":
            years: dict[int, list[Post]] = {}
            for post in site.listing[lang]:
                years.setdefault(post.date.year, []).append(post)
            context = dict(years=[{"year": y, "posts": p} for y, p in years.items()])
            return context, t("archive_title"), seo.describe_list(t("archive_title"), site.listing[lang], lang, name), None, "website"
        if kind == "series":
            heading = t("series_title", name=item.name)
            series = {"name": item.name, "slug": item.slug, "url": spec.url, "posts": item.posts}
            return dict(series=series), heading, seo.describe_list(heading, item.posts, lang, name), None, "website"
        if kind == "services":
            services = [ServiceView(s, lang, site) for s in site.services_of(item)]
            heading = t(f"{item}s_title" if item != "expertise" else "expertise_title")
            description = seo.describe_services(heading, services, name)
            return dict(kind=item, services=services), heading, description, None, "website"
        if kind in SERVICE_KINDS:
            view = ServiceView(item, lang, site)
            return dict(service=view), view.title, view.summary, view.image, "website"
        if kind == "page":
            page: Page = item
            content = {"title": page.title, "body": Markup(page.body), "meta": page.meta}
            return dict(content=content), page.title, page.summary or page.title, None, "website"
        if kind == "card":
            return (dict(card=presence.card_view(site, lang, t), profile=self.site_views[lang].profile),
                    presence.card_heading(t), presence.card_description(site, lang, t), None, "profile")
        if kind == "404":
            return {}, t("not_found_title"), t("not_found_text"), None, "website"
        raise ValueError(f"unknown page kind {kind}")  # a bug, not a user mistake


def has_highlighted_code(context: dict[str, Any]) -> bool:
    """Whether the page's Markdown body has highlighted code, so the theme
    loads the code colours only where they are used."""
    item = context.get("post") or context.get("service") or context.get("content")
    body = item.get("body") if isinstance(item, dict) else getattr(item, "body", None)
    return bool(body) and 'class="highlight"' in body


def tag_link(site: Site, entry: Any, lang: str) -> dict[str, str]:
    return {"name": entry.name, "slug": entry.slug, "url": site.urls.tag(entry.slug, lang),
            "feed_url": site.urls.tag_feed(entry.slug, lang)}


def paginator(site: Site, lang: str, number: int) -> dict[str, Any]:
    total = blog_page_count(site, lang)
    url = lambda n: site.urls.blog(lang, n)  # noqa: E731
    return {"number": number, "total": total,
            "prev_url": url(number - 1) if number > 1 else None,
            "next_url": url(number + 1) if number < total else None,
            "pages": [{"number": n, "url": url(n), "current": n == number, "gap": False} if n else {"gap": True}
                      for n in page_window(number, total)]}


def page_window(number: int, total: int, around: int = 2) -> list[int | None]:
    """The page numbers a pager shows: the first, the last and `around` on
    each side of the current one, None for each gap. Listing every page
    would make each page's size, and the build, grow with the square of the
    number of pages."""
    shown = sorted({1, total} | set(range(max(1, number - around), min(total, number + around) + 1)))
    window: list[int | None] = []
    for n in shown:
        if window and n - window[-1] == 2:
            window.append(n - 1)  # a gap of one page shows the page itself
        elif window and n - window[-1] > 2:
            window.append(None)
        window.append(n)
    return window


@jinja2.pass_context
def localized_date(context: jinja2.runtime.Context, value: date | datetime, pattern: str = "long") -> str:
    return format_date(value, context["locale"], pattern)


@jinja2.pass_context
def session_when_filter(context: jinja2.runtime.Context, session: Session) -> tuple[When, ...]:
    """`{% for when in session|session_when %}`: its start and end as shown."""
    return session_when(session, context["site"].timezone, context["locale"])


def format_date(value: date | datetime, locale: str, pattern: str = "long") -> str:
    """`22 novembre 2026`: a date in the reader's locale (Babel)."""
    return _format_day(value.date() if isinstance(value, datetime) else value, locale, pattern)


@lru_cache(maxsize=65536)
def _format_day(day: date, locale: str, pattern: str) -> str:
    # A post's date appears in every list that shows it: format it once.
    return babel_format_date(day, format=pattern, locale=_locale(locale))


@lru_cache(maxsize=64)
def _locale(identifier: str) -> Locale:
    # Given a name, Babel parses it again on every call: more than half of a date's cost.
    return Locale.parse(identifier)


def isodate(value: date | datetime) -> str:
    return value.isoformat()


def template_error(exc: jinja2.TemplateError, site: Site) -> TemplateError:
    """Name the template file and line of a Jinja error."""
    root = site.settings.root
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        return TemplateError(f"template syntax error: {exc.message}", path_for_messages(Path(exc.filename), root),
                             exc.lineno)
    # Jinja rewrites tracebacks so template frames carry the template's file and line.
    filename, lineno = None, None
    tb = sys.exc_info()[2]
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename.endswith((".html", ".xml", ".j2", ".jinja")):
            filename, lineno = code.co_filename, tb.tb_lineno
        tb = tb.tb_next
    message = exc.message if hasattr(exc, "message") and exc.message else str(exc)
    hint = None
    if isinstance(exc, jinja2.UndefinedError):
        hint = "check the variable's spelling; 'sitegen docs templates' lists what each template gets"
    return TemplateError(f"template error: {message}", path_for_messages(Path(filename), root) if filename else None,
                         lineno, hint)
