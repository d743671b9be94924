"""Rendering: the list of pages a site has, and each page's HTML.

`kinds.plan_pages` decides every page (URL, template, what it shows) without
rendering anything; `Renderer.render(spec)` turns one into bytes and touches
no disk, so pages can be rendered in any order, in parallel, or only the ones
that changed.
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Collection

import jinja2
from markupsafe import Markup
from babel import Locale
from babel.dates import format_date as babel_format_date

from . import seo
from .escaping import TextEscapingEnvironment
from ..errors import TemplateError, path_for_messages
from ..settings.i18n import Strings, load_strings
from .fragments import FragmentCache, forget_fragments
from .imports import forget_modules
from .images import ImageTable
from .safetext import comment_html, output_bytes
from ..sources.models import Session
from ..settings.config import Settings
from ..site.sitemodel import Site
from ..site.urls import Urls
from ..site.views import SiteView, When, session_when
from .kinds import kind_of
from .spec import PageSpec

def make_environment(settings: Settings) -> jinja2.Environment:
    """The Jinja environment of a site's theme chain (reusable across builds
    of the same settings: it keeps compiled templates in memory). No bytecode
    cache on disk: Jinja loads those files with marshal, so a planted one
    would run its code."""
    env = TextEscapingEnvironment(
        loader=jinja2.FileSystemLoader([str(d / "templates") for d in settings.theme_dirs]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Jinja would stat every template a page uses, for every page. Builds
        # compare the templates' digests instead and empty the cache when one
        # changed.
        auto_reload=False,
        # A plain dict instead of Jinja's 400-entry LRU, whose lookups (three a
        # page: the page's template, what it extends and imports) take a lock
        # and reorder a queue: a theme has a few dozen templates.
        cache_size=-1,
        extensions=[FragmentCache],
    )
    env.filters["isodate"] = isodate
    env.filters["date"] = localized_date
    env.filters["session_when"] = session_when_filter
    env.filters["comment_html"] = lambda value: Markup(comment_html(value))  # sanitized: safe to insert
    env.globals["theme_url"] = Urls(settings.default_lang, settings.base_url).theme_static
    return env


def compile_templates(env: jinja2.Environment) -> None:
    """Every template of the theme chain compiled into the environment's
    cache, ahead of the first page (forked workers then share them)."""
    for name in env.list_templates(filter_func=lambda name: name.endswith(".html")):
        try:
            env.get_template(name)
        except Exception:  # noqa: BLE001 - whatever is wrong, the page rendering the template reports it
            pass


def forget_templates(env: jinja2.Environment, names: Collection[str] | None) -> None:
    """The compiled templates of `names` (None: all) dropped from the
    environment's cache, to be compiled again when next used."""
    if env.cache is None:
        return
    if names is None:
        env.cache.clear()
        return
    for key in list(env.cache.keys()):
        # Jinja keys its cache by (loader, name); any other key: drop it too.
        if not (isinstance(key, tuple) and len(key) == 2) or key[1] in names:
            del env.cache[key]


def forget_last_build(env: jinja2.Environment) -> None:
    """What the environment made from the last build's model: list items and imported macros."""
    forget_fragments(env)
    forget_modules(env)


def load_locale_data(settings: Settings) -> None:
    """Babel reads a locale's data on first use: read once here, it is shared
    with the forked workers instead of read again by each of them."""
    for language in settings.languages:
        _locale(language.locale).date_formats


class Renderer:
    """Renders pages of one site; holds the Jinja environment and per-language views."""

    def __init__(self, site: Site, env: jinja2.Environment | None = None, images: ImageTable | None = None):
        self.site = site
        self.images = images
        """When given, every page's `<img>` tags are sized (see sitegen.images)."""
        settings = site.settings
        self.env = env or make_environment(settings)
        self.globals = dict(self.env.globals)
        forget_last_build(self.env)
        i18n_dirs = [d / "i18n" for d in settings.theme_dirs]
        self.strings: dict[str, Strings] = {
            lang: load_strings(i18n_dirs, lang, settings.default_lang, settings.root) for lang in settings.codes}
        self.site_views = {lang: SiteView(site, lang) for lang in settings.codes}
        load_locale_data(settings)
        urls = site.urls
        # Section addresses per language, so themes never rebuild the URL layout.
        self.links = {lang: {"home": urls.home(lang), "blog": urls.blog(lang), "archive": urls.archive(lang),
                             "tags": urls.tags(lang), "feed": urls.feed(lang), "calendar": urls.events(lang),
                             "card": urls.card(lang), "vcard": urls.vcard(),
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
        kind = kind_of(spec)
        shown = kind.shown(site, spec, t, self.site_views[lang])
        context = shown.context
        page = seo.head(site, spec, t, shown.heading, shown.description, shown.image, shown.og_type,
                        kind.alternates(site, spec))
        site_view = self.site_views[lang]
        locale = site.settings.language(lang).locale
        template = self.template(spec.template)
        try:
            # template.render(...) without its copy of the globals' ChainMap
            # for every page: the globals were copied once, into a dict.
            variables = {**self.globals, **context, "site": site_view, "page": page, "lang": lang, "t": t,
                         "menu": site_view.menu_for(spec.url), "locale": locale, "links": self.links[lang],
                         "has_code": has_highlighted_code(context)}
            try:
                html = self.env.concat(template.root_render_func(template.new_context(variables, shared=True)))
            except Exception:
                self.env.handle_exception()  # Jinja's traceback, with template files and lines
        except jinja2.TemplateError as exc:
            raise template_error(exc, site) from None
        except TemplateError:
            raise
        if self.images is not None:
            html = self.images.rewrite(html, spec.url)
        return output_bytes(html)


def has_highlighted_code(context: dict[str, Any]) -> bool:
    """Whether the page's Markdown body has highlighted code, so the theme
    loads the code colours only where they are used."""
    item = context.get("post") or context.get("service") or context.get("content")
    body = item.get("body") if isinstance(item, dict) else getattr(item, "body", None)
    return bool(body) and 'class="highlight"' in body


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
