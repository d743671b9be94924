"""What a page is before it is rendered (its URL, kind, language and item),
and what it shows once its kind has read it (`Shown`).

It sits apart from rendering so that the head (seo), the JSON-LD nodes
(jsonld) and the page digests (incremental) can name a page without
importing the renderer, and imports go one way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Protocol

if TYPE_CHECKING:
    from ..sources.models import Post
    from ..site.sitemodel import Site

SERVICE_KINDS = ("talk", "workshop", "expertise")
TITLE_LIMIT = 60
"""What search engines show of a `<title>`."""


@dataclass(frozen=True, slots=True)
class Shown:
    """What one page shows: its template's variables and what its head says."""

    context: dict[str, Any]
    heading: str
    description: str
    image: str | None = None
    """The page's own social image, when it has one."""
    og_type: str = "website"


class Reads(Protocol):
    """Tokens naming records a page shows (cache/incremental.py's `Inputs`)."""

    def whole(self, items: Iterable[Any]) -> list[str]: ...

    def listed(self, posts: Iterable[Post]) -> list[str]: ...


@dataclass(frozen=True, slots=True)
class PageSpec:
    """One HTML page to render."""

    url: str
    kind: str
    lang: str
    template: str
    source: str
    """What asks for this page, for collision messages."""
    item: Any = None
    number: int = 1


def blog_page_count(site: Site, lang: str) -> int:
    return max(1, math.ceil(len(site.listing[lang]) / site.settings.posts_per_page))


def blog_slice(site: Site, lang: str, number: int) -> list[Post]:
    """The posts blog page `number` lists: the one slice its HTML, its
    digest and its sitemap date all read."""
    per_page = site.settings.posts_per_page
    return site.listing[lang][(number - 1) * per_page: number * per_page]
