"""What several page kinds share: tag links, the blog pager, list descriptions,
breadcrumbs, dates and session states."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable

from ..site.sitemodel import Site
from ..settings.i18n import Strings
from ..site.views import ServiceView, is_upcoming
from ..sources.models import Post, Service
from .spec import PageSpec, blog_page_count


def describe_list(heading: str, posts: list[Post], name: str, number: int = 1) -> str:
    titles = ", ".join(p.title for p in posts[:3])
    return f"{heading} · {name}" + (f" ({number})" if number > 1 else "") + (f": {titles}" if titles else "")


def describe_services(heading: str, services: list[ServiceView], name: str) -> str:
    return f"{heading} · {name}: " + ", ".join(s.title for s in services) if services else f"{heading} · {name}"


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


def listed_lastmod(posts: Iterable[Post]) -> datetime | None:
    return max((p.last_modified for p in posts), default=None)


def blog_crumb(site: Site, spec: PageSpec, t: Strings) -> list[tuple[str, str]]:
    return [(t("blog_title"), site.urls.absolute(site.urls.blog(spec.lang)))]


def session_states(site: Site, services: Iterable[Service]) -> list[str]:
    """Each session and whether it is still upcoming: the clock moves it to the past."""
    settings = site.settings
    return [f"{s.start.isoformat()}:{is_upcoming(s, settings.now, settings.timezone)}"
            for service in services for s in service.sessions]
