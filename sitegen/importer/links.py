"""Links inside imported bodies → the new site's URLs.

An archive links to its own posts under whatever permalink scheme was in use
when each post was written: another case (`/2019/05/My-Post/`), the
`/index.php/…` prefix of servers without rewriting, a date scheme changed
since (`/2023/07/13/slug/` for `/2023/07/slug/`), `?p=123`. Each is tried in
turn against the planned URLs; a relative address (`../images/a.png`,
`other-post/`) is first made absolute against the post's old permalink.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from .plan import link_key


@dataclass
class LinkIndex:
    """The planned URLs by every key an old link may use."""

    site_url: str
    exact: dict[str, str]
    folded: dict[str, str] = field(default_factory=dict)
    by_slug: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        slugs: dict[str, set[str]] = {}
        for key, url in self.exact.items():
            if not key or key.startswith("?"):
                continue
            self.folded.setdefault(fold(key), url)
            last = key.rstrip("/").rsplit("/", 1)[-1].removesuffix(".html").lower()
            if last:
                slugs.setdefault(last, set()).add(url)
        self.by_slug = {slug: next(iter(urls)) for slug, urls in slugs.items() if len(urls) == 1}

    def resolve(self, href: str, page_link: str) -> str | None:
        """The new URL (with the fragment) for a link to the archive's own post, else None."""
        absolute = absolutize(href, page_link)
        key = link_key(absolute, self.site_url)
        if not key:
            return None
        fragment = "#" + absolute.split("#", 1)[1] if "#" in absolute else ""
        url = self.exact.get(key) or self.folded.get(fold(key))
        if url is None and not key.startswith("?") and looks_like_permalink(key):
            url = self.by_slug.get(key.rstrip("/").rsplit("/", 1)[-1].removesuffix(".html").lower())
        return url + fragment if url else None


def fold(key: str) -> str:
    """`/index.php/2019/05/My-Post` → `/2019/05/my-post`."""
    key = key.lower()
    key = re.sub(r"^/index\.php(?=/|$)", "", key)
    return key.rstrip("/") or "/"


def looks_like_permalink(key: str) -> bool:
    """A dated path or one with a single segment: not `/wp-content/…`, `/feed`, `/tag/x`."""
    parts = [p for p in fold(key).split("/") if p]
    if not parts or parts[0] in ("wp-content", "wp-includes", "wp-admin", "feed", "tag", "category", "author",
                                  "search", "comments", "page", "feeds", "search"):
        return False
    return len(parts) == 1 or bool(re.fullmatch(r"\d{4}", parts[0]))


def absolutize(href: str, page_link: str) -> str:
    """`href` made absolute against the post's old address, when it is relative and that is known."""
    href = href.strip()
    if not href or href.startswith(("#", "/", "mailto:", "tel:", "data:", "javascript:")) or urlsplit(href).scheme:
        return href
    if not page_link.startswith(("http://", "https://")):
        return href
    return urljoin(page_link if page_link.endswith("/") or "." in page_link.rsplit("/", 1)[-1]
                   else page_link + "/", href)
