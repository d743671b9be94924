"""The one place that decides URLs and output file paths.

The default language lives at the root, the others under `/<code>/`.
Every URL here is site-relative and starts and ends with `/` (directories
with an index.html) unless it names a file (`/feed.xml`).
"""

from __future__ import annotations

import posixpath
from datetime import date, datetime
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from slugify import slugify

from ..settings.safety import name_slug, normal_site_path
from ..sources.models import TagLink

if TYPE_CHECKING:
    from ..sources.models import Post

VCARD = "/contact.vcf"
"""The profile as a vCard: one file for the site, in the default language."""
SERVICE_SECTIONS = {"talk": "talks", "workshop": "workshops", "expertise": "expertise"}


class Urls:
    def __init__(self, default_lang: str, base_url: str):
        self.default_lang = default_lang
        self.base_url = base_url.rstrip("/")

    def prefix(self, lang: str) -> str:
        return "" if lang == self.default_lang else f"/{lang}"

    def home(self, lang: str) -> str:
        return self.prefix(lang) + "/"

    def localize(self, path: str, lang: str) -> str:
        """A language-relative path from site.yml (`/posts/`) in `lang`."""
        if path.startswith(("http://", "https://", "mailto:")):
            return path
        return self.prefix(lang) + "/" + path.lstrip("/")

    def post(self, slug: str, lang: str) -> str:
        return f"{self.prefix(lang)}/posts/{slug}/"

    def blog(self, lang: str, page: int = 1) -> str:
        return f"{self.prefix(lang)}/posts/" + (f"page/{page}/" if page > 1 else "")

    def tags(self, lang: str) -> str:
        return f"{self.prefix(lang)}/tags/"

    def tag(self, slug: str, lang: str) -> str:
        return f"{self.prefix(lang)}/tags/{slug}/"

    def tag_feed(self, slug: str, lang: str) -> str:
        return f"{self.prefix(lang)}/tags/{slug}/feed.xml"

    def tag_link(self, name: str, lang: str) -> TagLink:
        slug = name_slug(name)
        return TagLink(name, slug, self.tag(slug, lang), self.tag_feed(slug, lang))

    def feed(self, lang: str) -> str:
        return f"{self.prefix(lang)}/feed.xml"

    def events(self, lang: str) -> str:
        """The language's iCalendar feed of upcoming sessions (`/events.ics`, `/fr/events.ics`)."""
        return f"{self.prefix(lang)}/events.ics"

    def session_calendar(self, kind: str, slug: str, start: date | datetime, event: str, lang: str) -> str:
        """One session's own calendar file, beside its service page:
        `/talks/<slug>/2027-03-14T0930-devdays.ics` (local time: readable, and
        a rescheduled session gets a new file as it gets a new UID)."""
        stamp = start.isoformat()[:16].replace(":", "")
        name = slugify(event, max_length=40, word_boundary=True) or "session"
        return f"{self.service(kind, slug, lang)}{stamp}-{name}.ics"

    def card(self, lang: str) -> str:
        """The printable business card page."""
        return self.prefix(lang) + "/card/"

    def vcard(self) -> str:
        return VCARD

    def social(self, lang: str) -> str:
        """The generated social image of a language's pages without an image."""
        return f"/social/{lang}.png"

    def post_social(self, post: "Post") -> str:
        """A post's own generated social image (`social_images: posts`)."""
        return f"/social/{post.lang}/posts/{post.slug}.png"

    def archive(self, lang: str) -> str:
        return f"{self.prefix(lang)}/archive/"

    def series(self, slug: str, lang: str) -> str:
        return f"{self.prefix(lang)}/series/{slug}/"

    def services(self, kind: str, lang: str) -> str:
        return f"{self.prefix(lang)}/{SERVICE_SECTIONS[kind]}/"

    def service(self, kind: str, slug: str, lang: str) -> str:
        return f"{self.prefix(lang)}/{SERVICE_SECTIONS[kind]}/{slug}/"

    def page(self, slug: str, lang: str) -> str:
        return f"{self.prefix(lang)}/{slug}/"

    def not_found(self, lang: str) -> str:
        return f"{self.prefix(lang)}/404.html"

    def theme_static(self, path: str) -> str:
        return "/theme/" + path.lstrip("/")

    def absolute(self, url: str) -> str:
        if url.startswith(("http://", "https://")):
            return url
        return self.base_url + "/" + url.lstrip("/")

    def resolve(self, reference: str, base: str) -> str:
        """A path written in content, relative to the page at `base`."""
        if reference.startswith(("http://", "https://", "/")):
            return reference
        return urljoin(base, reference)


def output_file(url: str) -> str:
    """`/fr/posts/x/` → `fr/posts/x/index.html`; `/feed.xml` → `feed.xml`."""
    # Normalised, so that `/./`, `/a//b/` or `/x/../` claim the file they
    # would really write and the collision check sees them; `..` cannot climb
    # above the root.
    trailing = url.endswith("/")
    if trailing and url.startswith("/") and "//" not in url and "/." not in url:
        return url[1:] + "index.html"  # already normal: nearly every page's URL
    path = posixpath.normpath("/" + url).lstrip("/")
    if path == ".":
        path = ""
    if not path or trailing:
        return (path + "/" if path else "") + "index.html"
    return path


def alias_url(alias: str) -> str:
    """Old URLs as written in `aliases` (`/2019/05/old.html`, `old-post/`)."""
    alias = normal_site_path(alias.strip())
    last = alias.rsplit("/", 1)[-1]
    if last and "." not in last:
        alias += "/"
    return alias
