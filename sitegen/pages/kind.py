"""What every kind of page answers: the hooks of `Kind`, with the defaults
that fit a page existing in every language at the same path and showing no
record. Each kind (kinds.py) overrides what differs for it; the rest of
sitegen asks the kind, never compares kind names.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Iterator

from . import presence
from .jsonld import PageFacts, person_only
from ..settings.i18n import Strings
from ..site.sitemodel import Site
from ..site.views import SiteView
from .spec import PageSpec, Reads, Shown


class Kind:
    """One kind of page. The defaults fit a page that exists in every
    language at the same path and shows no record."""

    names: ClassVar[tuple[str, ...]]
    """The `PageSpec.kind` values this class answers for."""
    indexed: ClassVar[bool] = True
    """In the sitemap and with breadcrumbs; else the head says noindex."""
    trail_root: ClassVar[bool] = False
    """Where breadcrumb trails start (the home page): no BreadcrumbList of its own."""
    light: ClassVar[bool] = False
    """One of the many pages that each show one record (a post's): the build
    hands out the heavier others, which list many records, among them."""

    def pages(self, site: Site, lang: str) -> Iterator[PageSpec]:
        raise NotImplementedError

    def shown(self, site: Site, spec: PageSpec, t: Strings, view: SiteView) -> Shown:
        raise NotImplementedError

    def alternates(self, site: Site, spec: PageSpec) -> dict[str, str]:
        """The page's URL in every language where that page really exists."""
        urls = site.urls
        same_path = spec.url[len(urls.prefix(spec.lang)):]
        return {lang: urls.prefix(lang) + same_path for lang in site.settings.codes}

    def dependencies(self, site: Site, spec: PageSpec, reads: Reads) -> list[str]:
        """What the page shows beyond the site-wide inputs, in the order it shows it."""
        return []

    def crumbs(self, site: Site, spec: PageSpec, t: Strings) -> list[tuple[str, str]]:
        """Breadcrumbs between the home page and this page: (name, absolute URL)."""
        return []

    def jsonld_nodes(self, site: Site, spec: PageSpec, page: PageFacts) -> list[dict[str, Any]]:
        """The page's JSON-LD nodes (built in jsonld.py); the head adds the breadcrumbs."""
        return person_only(site, spec, page)

    def social_image(self, site: Site, spec: PageSpec, t: Strings) -> presence.SocialImage:
        """The generated share image, for a page without an image of its own."""
        return presence.language_social_image(site, spec.lang, t)

    def shows_calendar(self, spec: PageSpec) -> bool:
        """Whether the head links the iCalendar feed of upcoming sessions."""
        return False

    def own_title(self, site: Site, spec: PageSpec) -> str | None:
        """A `<title>` of its own, instead of 'heading · site title'."""
        return None

    def head_extras(self, site: Site, spec: PageSpec, t: Strings) -> tuple[list[tuple[str, str]], list[dict[str, str]]]:
        """OpenGraph properties and feed links of this kind only."""
        return [], []

    def lastmod(self, site: Site, spec: PageSpec, newest: dict[str, datetime | None]) -> datetime | None:
        """Real modification dates from content, never from the clock or file
        times. `newest`: per language, the latest change among its posts."""
        return newest[spec.lang]
