"""Where each record goes: language, file name, slug, new URL, aliases,
translation key. Decided for the whole export before anything is written,
so links between posts can be rewritten to their new URLs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

from slugify import slugify

from ..site.urls import Urls, alias_url
from .records import Item
from .text import plain_text

MARKER = re.compile(r"^\s*\[([a-z]{2,3})\]\s*|\s*\[([a-z]{2,3})\]\s*$")
MAX_SLUG = 80


@dataclass
class Planned:
    """One record with where it goes."""

    item: Item
    lang: str
    title: str
    slug: str
    name: str  # file name without .md
    url: str
    aliases: list[str] = field(default_factory=list)
    translation_key: str | None = None

    @property
    def path(self) -> str:
        folder = "posts" if self.item.kind == "post" else "pages"
        return f"content/{folder}/{self.name}.md"


def plan_items(items: list[Item], codes: list[str], urls: Urls) -> list[Planned]:
    default = codes[0]
    by_id = {item.id: item for item in items}
    planned, taken_urls, taken_names = [], set(), set()
    for item in sorted(items, key=lambda i: (i.date, i.id)):
        lang, title = language(item, codes)
        slug = own_slug(item, title)
        if item.kind == "page":
            slug = "/".join([*ancestor_slugs(item, by_id), slug])
        url = new_url(item.kind, slug, lang, urls)
        base_slug, n = slug, 2
        while url in taken_urls:  # two posts with one slug: the later gets -2, -3…
            slug, n = f"{base_slug}-{n}", n + 1
            url = new_url(item.kind, slug, lang, urls)
        taken_urls.add(url)
        stem = slug.replace("/", "-") if item.kind == "page" else f"{item.date:%Y-%m-%d}-{slug}"
        name = stem + ("" if lang == default else f".{lang}")
        while name in taken_names:
            stem += "-x"
            name = stem + ("" if lang == default else f".{lang}")
        taken_names.add(name)
        planned.append(Planned(item, lang, title, slug, name, url))
    link_translations(planned)
    for p in planned:
        alias = old_path(p.item.link)
        if alias and alias_url(alias) != p.url and alias_url(alias) not in taken_urls:
            p.aliases.append(alias)
    return planned


def language(item: Item, codes: list[str]) -> tuple[str, str]:
    """(language, title without its `[xx]` marker): Polylang/WPML first,
    then the marker when it names a site language, else the default."""
    title = item.title
    marker = MARKER.search(title)
    marked = (marker.group(1) or marker.group(2)) if marker else None
    if marked in codes:
        title = MARKER.sub("", title, count=1).strip()
    declared = (item.lang or "").lower().replace("_", "-")
    for code in (declared, declared.split("-")[0], marked):
        if code in codes:
            return code, title or untitled(item)
    return codes[0], title or untitled(item)


def untitled(item: Item) -> str:
    words = plain_text(item.content).split()[:8]
    return " ".join(words) + ("…" if words else "") if words else f"Untitled {item.kind} of {item.date:%Y-%m-%d}"


def own_slug(item: Item, title: str) -> str:
    slug = slugify(unquote(item.slug), max_length=MAX_SLUG, word_boundary=True) if item.slug else ""
    return slug or slugify(title, max_length=MAX_SLUG, word_boundary=True) or f"{item.kind}-{item.id}"


def ancestor_slugs(item: Item, by_id: dict[str, Item]) -> list[str]:
    """A page's parents, outermost first (a loop in the export stops the walk)."""
    slugs, seen, parent = [], {item.id}, by_id.get(item.parent or "")
    while parent is not None and parent.id not in seen and parent.kind == "page":
        seen.add(parent.id)
        slugs.insert(0, own_slug(parent, parent.title))
        parent = by_id.get(parent.parent or "")
    return slugs


def new_url(kind: str, slug: str, lang: str, urls: Urls) -> str:
    return urls.post(slug, lang) if kind == "post" else urls.page(slug, lang)


def link_translations(planned: list[Planned]) -> None:
    """Posts of one Polylang/WPML group, in different languages, share a key."""
    groups: dict[tuple[str, str], list[Planned]] = {}
    for p in planned:
        if p.item.translation_group:
            groups.setdefault((p.item.kind, p.item.translation_group), []).append(p)
    for (_, group), members in groups.items():
        if len(members) > 1 and len({m.lang for m in members}) == len(members):
            for m in members:
                m.translation_key = slugify(f"translation-{group}")


def old_path(link: str) -> str | None:
    """The old permalink's path (language prefix kept); none for `?p=12` links."""
    parts = urlsplit(link)
    if not parts.path or parts.query or parts.path == "/":
        return None
    return unquote(parts.path)


def link_map(planned: list[Planned], site_url: str) -> dict[str, str]:
    """Old addresses (normalised by `link_key`) → new URLs."""
    mapping = {}
    for p in planned:
        if p.item.link:
            mapping[link_key(p.item.link, site_url)] = p.url
        if p.item.id.isdigit():
            mapping[f"?p={p.item.id}"] = p.url
            mapping[f"?page_id={p.item.id}"] = p.url
    return mapping


def link_key(href: str, site_url: str) -> str | None:
    """`https://old.example/2019/05/x/#top` and `/2019/05/x` → `/2019/05/x`;
    links to other sites → None."""
    parts, site = urlsplit(href), urlsplit(site_url)
    if parts.scheme not in ("", "http", "https") or (parts.netloc and parts.netloc.lower() != site.netloc.lower()):
        return None
    if parts.query:
        query = parse_qs(parts.query)
        for key in ("p", "page_id"):
            if key in query:
                return f"?{key}={query[key][0]}"
    path = unquote(parts.path).rstrip("/")
    return path or None
