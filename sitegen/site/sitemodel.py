"""Build the site model from the records: what is published, translations,
tags, series, similar posts, archives, services and their sessions.

Gathers everything before anything is rendered, so every page sees the same,
consistent site.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import reduce
from itertools import combinations
from operator import and_
from datetime import date

from ..settings.config import Settings
from ..settings.safety import name_slug
from ..errors import ContentError
from ..sources.models import Notice, Page, Post, Profile, SeriesNav, Service, Sources, StaticFile, TagLink
from .urls import Urls, alias_url

SIMILAR_COUNT = 3


@dataclass(eq=False)
class TagEntry:
    name: str
    slug: str
    posts: list[Post]
    """Posts shown to readers of one language, newest first."""


@dataclass(eq=False)
class SeriesEntry:
    name: str
    slug: str
    posts: list[Post]
    """In reading order (oldest first): what the series page lists, and
    what "part N of M" counts."""
    names: dict[str, str] = field(default_factory=dict)
    """The series' name in every language."""
    alternates: dict[str, str] = field(default_factory=dict)
    """Language → slug of the same series' page there, where it has one
    (its own language included); always reciprocal."""


@dataclass(eq=False)
class Site:
    settings: Settings
    urls: Urls
    posts: list[Post]
    """Published posts in every language, newest first."""
    pages: list[Page]
    services: list[Service]
    profile: Profile
    static: list[StaticFile]
    listing: dict[str, list[Post]]
    """Per language: what its readers see (its posts, plus other languages'
    posts that carry an abstract for it and have no translation in it)."""
    tags: dict[str, dict[str, TagEntry]]
    series: dict[str, dict[str, SeriesEntry]]
    notices: list[Notice]
    aliases: list[tuple[str, str, str]] = field(default_factory=list)
    """(old URL, new URL, source file)."""

    def services_of(self, kind: str) -> list[Service]:
        return [s for s in self.services if s.kind == kind]

    @property
    def today(self) -> date:
        return self.settings.now.astimezone(self.settings.timezone).date()


def sort_newest_first(posts: list[Post]) -> list[Post]:
    return sorted(posts, key=lambda p: (p.date, p.source), reverse=True)


def is_published(post: Post | Page, settings: Settings) -> bool:
    if post.draft and not settings.drafts:
        return False
    if isinstance(post, Post) and post.date > settings.now and not settings.future:
        return False
    return True


def build_site(settings: Settings, sources: Sources) -> Site:
    urls = Urls(settings.default_lang, settings.base_url)
    posts = sort_newest_first([p for p in sources.posts if is_published(p, settings)])
    pages = [p for p in sources.pages if is_published(p, settings)]
    services = sorted((s for s in sources.services if settings.drafts or not s.draft),
                      key=lambda s: (s.weight, s.name))

    _link_translations(posts, "post")
    _link_translations(pages, "page")
    # One link per tag and language, shared by its posts (immutable): 9,574
    # made at 4,000 posts were 60 different ones.
    tag_links: dict[tuple[str, str], TagLink] = {}
    for post in posts:
        post.url = urls.post(post.slug, post.lang)
        post.tags = tuple(tag_links.get((name, post.lang))
                          or tag_links.setdefault((name, post.lang), urls.tag_link(name, post.lang))
                          for name in post.tag_names)
        if post.image_source:
            post.image = urls.absolute(urls.resolve(post.image_source, post.url))
    for page in pages:
        page.url = urls.page(page.slug, page.lang)

    listing = {lang: _listing(posts, lang) for lang in settings.codes}
    tags = {lang: _tags(listing[lang], urls) for lang in settings.codes}
    names = _series_names(posts, settings)
    series = {lang: _series(listing[lang], lang, names, urls) for lang in settings.codes}
    _link_series_translations(series)
    _link_similar(posts, listing)
    _check_expertise(services, settings)

    today = settings.now.astimezone(settings.timezone).date()
    notices = [n for n in sources.profile.availability if n.until >= today]
    aliases = [(alias_url(a), item.url, item.source) for item in [*posts, *pages] for a in item.aliases]
    aliases += [(alias_url(a), urls.service(s.kind, s.slug, settings.default_lang), s.source)
                for s in services for a in s.aliases]
    return Site(settings, urls, posts, pages, services, sources.profile, sources.static, listing, tags,
                series, notices, aliases)


def _link_translations(items: list, label: str) -> None:
    groups: dict[str, list] = defaultdict(list)
    for item in items:
        groups[item.translation_key].append(item)
    for group in groups.values():
        seen: dict[str, object] = {}
        for item in group:
            if item.lang in seen:
                other = seen[item.lang]
                raise ContentError(
                    f"two {label}s in '{item.lang}' share the name or translation_key '{item.translation_key}' "
                    f"(the other is {other.source})", item.source, 1,
                    hint="give one of them another file name or translation_key")
            seen[item.lang] = item
        for item in group:
            item.translations = tuple(sorted((o for o in group if o is not item), key=lambda o: o.lang))


def _listing(posts: list[Post], lang: str) -> list[Post]:
    return [p for p in posts
            if p.lang == lang or (lang in p.abstract and not any(t.lang == lang for t in p.translations))]


def _tags(listing: list[Post], urls: Urls) -> dict[str, TagEntry]:
    entries: dict[str, TagEntry] = {}
    for post in listing:
        for name in post.tag_names:
            slug = name_slug(name)
            entry = entries.setdefault(slug, TagEntry(name, slug, []))
            entry.posts.append(post)
    return dict(sorted(entries.items()))


def _series_names(posts: list[Post], settings: Settings) -> dict[int, dict[str, str]]:
    """Per post (by id): its series' name in every language.

    `series: {en: …, fr: …}` names the series for all its posts: a post
    that gives a plain name takes the other languages' names from a post
    whose mapping has that name in its language. A plain name with no such
    mapping is the same in every language (as before mappings existed)."""
    by_name: dict[tuple[str, str], Post] = {}
    errors: list[ContentError] = []
    for post in sorted(posts, key=lambda p: (p.date, p.source)):
        if not post.series_names:
            continue
        for code, name in post.series_names.items():
            first = by_name.setdefault((code, name_slug(name)), post)
            if first is not post and _slugs(first.series_names) != _slugs(post.series_names):
                errors.append(_series_conflict(settings, post, first, code, name))
                break
    if errors:
        from ..sources.context import ContentErrors

        raise errors[0] if len(errors) == 1 else ContentErrors(errors)
    names: dict[int, dict[str, str]] = {}
    for post in posts:
        if post.series_names:
            names[id(post)] = post.series_names
        elif post.series_name:
            slug = name_slug(post.series_name)
            # Its own language first; then a French post may name its series in English.
            mapped = next(filter(None, (by_name.get((code, slug)) for code in (post.lang, *settings.codes))), None)
            names[id(post)] = mapped.series_names if mapped else {c: post.series_name for c in settings.codes}
    return names


def _slugs(names: dict[str, str] | None) -> dict[str, str]:
    return {code: name_slug(name) for code, name in (names or {}).items()}


def _series_conflict(settings: Settings, post: Post, first: Post, code: str, name: str) -> ContentError:
    from ..sources.frontmatter import key_line

    theirs = ", ".join(f"{c}: {n}" for c, n in first.series_names.items())
    return ContentError(
        f"series: '{name}' ({code}) already names another series in {first.source} ({{{theirs}}}); "
        "a name in one language belongs to one series", post.source, key_line(settings, post.source, "series"),
        hint="write the same series: {…} mapping in every post of the series, or give this series other names")


def _series(listing: list[Post], lang: str, names: dict[int, dict[str, str]], urls: Urls) -> dict[str, SeriesEntry]:
    """The series readers of `lang` see: the posts of its listing, grouped
    by the series' name in `lang`."""
    entries: dict[str, SeriesEntry] = {}
    for post in sorted(listing, key=lambda p: (p.date, p.source)):
        if id(post) in names:
            name = names[id(post)][lang]
            slug = name_slug(name)
            entries.setdefault(slug, SeriesEntry(name, slug, [], names[id(post)])).posts.append(post)
    # "Part N of M" counts what the series page lists (a post in another
    # language shown for its abstract included); a post gets its navigation
    # from the series in its own language.
    for entry in entries.values():
        shown = tuple(entry.posts)
        for index, post in enumerate(shown):
            if post.lang == lang:
                post.series = SeriesNav(entry.name, entry.slug, urls.series(entry.slug, lang), index + 1, len(shown),
                                        shown[index - 1] if index else None,
                                        shown[index + 1] if index + 1 < len(shown) else None, shown)
    return dict(sorted(entries.items()))


def _link_series_translations(series: dict[str, dict[str, SeriesEntry]]) -> None:
    """A series' pages in two languages are translations of each other when
    each one's name in the other's language leads to the other."""
    for lang, entries in series.items():
        for entry in entries.values():
            for other_lang, name in entry.names.items():
                other = series[other_lang].get(name_slug(name)) if other_lang in series else None
                if other is not None and name_slug(other.names.get(lang, "")) == entry.slug:
                    entry.alternates[other_lang] = other.slug


def _link_similar(posts: list[Post], listing: dict[str, list[Post]]) -> None:
    """Similar posts: most shared tags first, then the most recent.

    A post with k tags looks first for posts sharing all k, then k-1, …, and
    stops as soon as it has enough. Each tag's posts are a bit set (bit i:
    the i-th most recent post), so the intersections and unions are a few
    machine words per 64 posts, and the most recent of a set is its lowest
    bit: a site of 16,000 posts costs little more per post than one of 1,000."""
    for lang, shown in listing.items():
        members: dict[str, bytearray] = defaultdict(lambda: bytearray(len(shown) // 8 + 1))
        for index, post in enumerate(shown):  # shown is newest first: the index is the recency rank
            for name in set(post.tag_names):
                members[name][index >> 3] |= 1 << (index & 7)
        by_tag = {name: int.from_bytes(bits, "little") for name, bits in members.items()}
        position = {id(p): i for i, p in enumerate(shown)}
        for index, post in enumerate(shown):
            if post.lang != lang:
                continue
            taken = 1 << index
            for translation in post.translations:
                if id(translation) in position:
                    taken |= 1 << position[id(translation)]
            tags = sorted(set(post.tag_names))
            chosen: list[int] = []
            for size in range(len(tags), 0, -1):
                level = 0
                for group in combinations(tags, size):
                    level |= reduce(and_, (by_tag[name] for name in group))
                level &= ~taken
                while level and len(chosen) < SIMILAR_COUNT:
                    lowest = level & -level
                    chosen.append(lowest.bit_length() - 1)
                    taken |= lowest
                    level ^= lowest
                if len(chosen) >= SIMILAR_COUNT:
                    break
            post.similar = tuple(shown[i] for i in chosen)


def _check_expertise(services: list[Service], settings: Settings) -> None:
    from ..settings.yamlio import path_line, read_text

    known = {s.name for s in services if s.kind == "expertise"}
    for service in services:
        for i, name in enumerate(service.expertise_names):
            if name not in known:
                text = read_text(settings.root / service.source, service.source)
                raise ContentError(
                    f"expertise: no expertise named '{name}'", service.source,
                    path_line(text, ("expertise", i)),
                    hint=f"use the file name of one of content/expertise/*.yml "
                         f"({', '.join(sorted(known)) or 'there are none yet'})")
