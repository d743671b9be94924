"""The records sources are read into, and the site model built from them.

Source fields are set by the readers; the relation fields (URLs,
translations, similar posts, series neighbours) are filled once by
`sitemodel.build_site` and never changed after, so rendering can treat every
record as read-only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any

CONTENT_FOLDERS = {"post": "posts", "talk": "talks", "workshop": "workshops", "expertise": "expertise"}
"""The folder of `content/` each kind of source lives in (readers read it,
`sitegen new` writes into it)."""


@dataclass(frozen=True, slots=True)
class TagLink:
    """A tag as shown on a page of one language."""

    name: str
    slug: str
    url: str
    feed_url: str


@dataclass(eq=False)
class Post:
    """One Markdown post in one language."""

    source: str
    """Path relative to the site root, for messages (`content/posts/x.fr.md`)."""
    name: str
    """File name without language suffix: translations share it."""
    lang: str
    title: str
    date: datetime
    updated: datetime | None
    tag_names: tuple[str, ...]
    summary: str
    """Plain text: the `summary` key or the first paragraph."""
    abstract: dict[str, str]
    """Summaries for readers of other languages, by language."""
    slug: str
    series_name: str | None
    """The series' name in the post's language."""
    draft: bool
    original: dict[str, str] | None
    image_source: str | None
    aliases: tuple[str, ...]
    body: str
    """Rendered HTML."""
    translation_key: str
    words: int
    series_names: dict[str, str] | None = None
    """The series' name in every language, when the post names it by language
    (`series: {en: …, fr: …}`); None for a plain name."""
    folder: Path | None = None
    """The post's own folder when it is `posts/<name>/index.md` (its images)."""
    meta: dict[str, Any] = field(default_factory=dict)
    """Front matter keys sitegen does not know, for custom themes."""

    # relations, filled by sitemodel.build_site
    url: str = ""
    image: str | None = None
    tags: tuple[TagLink, ...] = ()
    translations: tuple["Post", ...] = ()
    similar: tuple["Post", ...] = ()
    series: "SeriesNav | None" = None

    @property
    def reading_minutes(self) -> int:
        return max(1, round(self.words / 200))

    def summary_for(self, lang: str) -> str:
        """What a reader of `lang` sees in lists: own summary or the abstract."""
        if lang == self.lang:
            return self.summary
        return self.abstract.get(lang, self.summary)

    @property
    def last_modified(self) -> datetime:
        return self.updated or self.date


@dataclass(eq=False)
class SeriesNav:
    name: str
    slug: str
    url: str
    index: int
    total: int
    prev: Post | None
    next: Post | None
    posts: tuple[Post, ...]


@dataclass(eq=False)
class Page:
    """A free Markdown page (contact, imprint…) in one language."""

    source: str
    name: str
    lang: str
    title: str
    summary: str
    slug: str
    body: str
    draft: bool
    translation_key: str
    aliases: tuple[str, ...] = ()
    updated: datetime | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    url: str = ""
    translations: tuple["Page", ...] = ()


@dataclass(frozen=True, slots=True)
class Session:
    """A time a talk or workshop was, or will be, given."""

    start: date | datetime
    """A timezone-aware datetime (a time written without an offset is in
    site.yml's `timezone`), or a plain date for a date-only session: no
    invented midnight."""
    end: date | datetime | None
    """From `end:`, same rules; None when not given."""
    event: str
    city: str | None
    """None for an online-only session (`city: online` reads as that)."""
    online: bool
    """True for online and hybrid sessions."""
    url: str | None
    slides: str | None = None
    """URL (or site path) of the slides."""
    video: str | None = None
    """URL of the recording."""

    @property
    def has_time(self) -> bool:
        return isinstance(self.start, datetime)

    @property
    def attendance(self) -> str:
        """`online`, `offline` or `mixed` (schema.org's attendance modes)."""
        if not self.online:
            return "offline"
        return "mixed" if self.city else "online"

    def begins(self, zone: tzinfo) -> datetime:
        """The moment it starts; a date-only session at the start of its day in `zone`."""
        return _moment(self.start, zone, day_end=False)

    def over_at(self, zone: tzinfo) -> datetime:
        """The moment it is past: its end, else its start for a timed session;
        a date-only day is over when that day ends in `zone`."""
        return _moment(self.end or self.start, zone, day_end=True)


def _moment(value: date | datetime, zone: tzinfo, *, day_end: bool) -> datetime:
    if isinstance(value, datetime):
        return value
    day = value + timedelta(days=1) if day_end else value
    return datetime.combine(day, time(), tzinfo=zone)


@dataclass(eq=False)
class Service:
    """A talk, workshop or expertise area: one YAML file, every language."""

    kind: str
    """`talk`, `workshop` or `expertise`."""
    name: str
    source: str
    slug: str
    title: dict[str, str]
    summary: dict[str, str]
    body: dict[str, str]
    """Rendered HTML per language."""
    tags: tuple[str, ...]
    image_source: str | None
    weight: int
    draft: bool
    duration: dict[str, str] | None = None
    audience: dict[str, str] | None = None
    formats: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    outcomes: dict[str, list[str]] = field(default_factory=dict)
    pricing: dict[str, str] | None = None
    expertise_names: tuple[str, ...] = ()
    sessions: tuple[Session, ...] = ()
    aliases: tuple[str, ...] = ()
    updated: datetime | None = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Notice:
    """An availability notice: shown from when it is written until `until`."""

    note: dict[str, str]
    start: date | None
    until: date


@dataclass(frozen=True)
class Profile:
    name: str
    photo: str | None
    photo_alt: dict[str, str]
    job_title: dict[str, str]
    headline: dict[str, str]
    bio: dict[str, str]
    """Rendered HTML per language."""
    location: str | None
    email: str | None
    links: tuple[tuple[str, str], ...]
    """(name, url) pairs: official profiles, `sameAs` and `rel=me`."""
    languages_spoken: dict[str, list[str]]
    availability: tuple[Notice, ...]
    booking: str | None = None
    """Where a client books a call or a meeting (a scheduling page, or a page of the site)."""
    source: str = "content/profile.yml"
    meta: dict[str, Any] = field(default_factory=dict)
    """Keys for templates: those under `params:`, and any other unknown key."""


@dataclass(frozen=True, slots=True)
class StaticFile:
    source: Path
    """Absolute path of the file to copy."""
    url: str
    """Where it is published (`/images/portrait.jpg`)."""


@dataclass
class Sources:
    """Everything read from disk, before any cross-linking."""

    posts: list[Post]
    pages: list[Page]
    services: list[Service]
    profile: Profile
    static: list[StaticFile]
