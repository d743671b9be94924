"""Template-facing objects: a record seen in one language.

Services and the profile hold every language; a page shows one. These thin
views resolve each field for the page's language on access, so a talk's
expertise can list its talks without building the whole graph up front.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from functools import cached_property
from typing import TYPE_CHECKING, Iterable

from babel.dates import format_date, format_time
from markupsafe import Markup

from ..settings.i18n import language_name
from ..sources.models import Notice, Post, Service, Session, TagLink

if TYPE_CHECKING:
    from .sitemodel import Site


@dataclass(frozen=True, slots=True)
class MenuEntry:
    title: str
    url: str
    active: bool


@dataclass(frozen=True, slots=True)
class NoticeView:
    note: str
    start: object
    until: object


def notice_view(notice: Notice, lang: str) -> NoticeView:
    return NoticeView(notice.note[lang], notice.start, notice.until)


RELATED_POSTS = 5
"""How many posts a talk or workshop page shows on its tags (an expertise
page, which is about the depth, shows them all)."""


def related_posts(service: Service, listing: list[Post]) -> list[Post]:
    """The posts a service page lists: those sharing its tags, newest first."""
    wanted = set(service.tags)
    posts = [p for p in listing if wanted.intersection(p.tag_names)]
    return posts if service.kind == "expertise" else posts[:RELATED_POSTS]


def is_upcoming(session: Session, now: datetime, zone: tzinfo) -> bool:
    """Upcoming until it is over: a date-only session all through its day,
    a session with an `end` until then."""
    return session.over_at(zone) > now


@dataclass(frozen=True, slots=True)
class When:
    """One end of a session as a page shows it: `<time datetime="{iso}">{text}</time>`."""

    iso: str
    text: str


def session_when(session: Session, zone: tzinfo, locale: str) -> tuple[When, ...]:
    """The start, and the end when there is one, in the reader's locale; a
    time carries its zone ("14:00 CET"), a date-only session no time at all.
    An end on the start's day shows only its time."""
    start = When(session.start.isoformat(), moment_text(session.start, zone, locale))
    if session.end is None:
        return (start,)
    end = session.end
    same_day = isinstance(end, datetime) and isinstance(session.start, datetime) \
        and named(end, zone).date() == named(session.start, zone).date()
    text = clock_text(end, zone, locale) if same_day else moment_text(end, zone, locale)
    return start, When(end.isoformat(), text)


def moment_text(value: date | datetime, zone: tzinfo, locale: str) -> str:
    if not isinstance(value, datetime):
        return format_date(value, "long", locale=locale)
    return f"{format_date(named(value, zone).date(), 'long', locale=locale)}, {clock_text(value, zone, locale)}"


def clock_text(value: datetime, zone: tzinfo, locale: str) -> str:
    shown = named(value, zone)
    return f"{format_time(shown, 'short', tzinfo=shown.tzinfo, locale=locale)} {shown.tzname()}"


def named(value: datetime, zone: tzinfo) -> datetime:
    """A time written with the offset the site's zone has at that moment is
    shown in that zone, so it reads "CET" rather than "UTC+01:00"."""
    if value.tzinfo is not zone and value.astimezone(zone).utcoffset() == value.utcoffset():
        return value.astimezone(zone)
    return value


class ServiceView:
    """A talk, workshop or expertise area in one language."""

    def __init__(self, service: Service, lang: str, site: "Site"):
        self.record = service
        self.lang = lang
        self._site = site
        self.kind = service.kind
        self.name = service.name
        self.title = service.title[lang]
        self.summary = service.summary[lang]
        self.body = Markup(service.body[lang])
        self.url = site.urls.service(service.kind, service.slug, lang)
        self.weight = service.weight
        self.duration = service.duration[lang] if service.duration else None
        self.audience = service.audience[lang] if service.audience else None
        self.formats = list(service.formats)
        self.outcomes = service.outcomes.get(lang, [])
        self.pricing = service.pricing[lang] if service.pricing else None
        self.meta = service.meta

    @cached_property
    def image(self) -> str | None:
        src = self.record.image_source
        return self._site.urls.absolute(self._site.urls.resolve(src, "/")) if src else None

    @cached_property
    def tags(self) -> list[TagLink]:
        return [self._site.urls.tag_link(name, self.lang) for name in self.record.tags]

    @cached_property
    def languages(self) -> list[str]:
        locale = self._site.settings.language(self.lang).locale
        return [language_name(code, locale) for code in self.record.languages]

    @cached_property
    def past_sessions(self) -> list[Session]:
        """Newest first."""
        settings = self._site.settings
        return [s for s in reversed(self.record.sessions) if not is_upcoming(s, settings.now, settings.timezone)]

    @cached_property
    def upcoming_sessions(self) -> list[Session]:
        """Soonest first."""
        settings = self._site.settings
        return [s for s in self.record.sessions if is_upcoming(s, settings.now, settings.timezone)]

    def calendar_url(self, session: Session) -> str:
        """The "add to calendar" file of one of its upcoming sessions."""
        return self._site.urls.session_calendar(self.kind, self.record.slug, session.start, session.event, self.lang)

    @cached_property
    def expertise(self) -> list["ServiceView"]:
        by_name = {s.name: s for s in self._site.services if s.kind == "expertise"}
        return [ServiceView(by_name[n], self.lang, self._site) for n in self.record.expertise_names if n in by_name]

    @cached_property
    def posts(self) -> list[Post]:
        return related_posts(self.record, self._site.listing[self.lang])

    def _naming_me(self, kind: str) -> list["ServiceView"]:
        return [ServiceView(s, self.lang, self._site) for s in self._site.services
                if s.kind == kind and self.name in s.expertise_names]

    @cached_property
    def talks(self) -> list["ServiceView"]:
        return self._naming_me("talk")

    @cached_property
    def workshops(self) -> list["ServiceView"]:
        return self._naming_me("workshop")


@dataclass(frozen=True, slots=True)
class UpcomingSession:
    """A line of the home page's "Upcoming" block."""

    service: ServiceView
    session: Session


def upcoming_sessions(services: Iterable[ServiceView], now: datetime, zone: tzinfo) -> list[UpcomingSession]:
    """The next sessions of every talk and workshop given, soonest first."""
    found = [UpcomingSession(view, session) for view in services if view.kind in ("talk", "workshop")
             for session in view.record.sessions if is_upcoming(session, now, zone)]
    return sorted(found, key=lambda u: (u.session.begins(zone), u.service.weight, u.service.title))


class ProfileView:
    """The person, in one language."""

    def __init__(self, site: "Site", lang: str):
        profile = site.profile
        self.name = profile.name
        self.photo = site.urls.resolve(profile.photo, "/") if profile.photo else None
        self.photo_alt = profile.photo_alt[lang]
        self.job_title = profile.job_title[lang]
        self.headline = profile.headline[lang]
        self.bio = Markup(profile.bio[lang])
        self.location = profile.location
        self.email = profile.email
        self.booking = site.urls.resolve(profile.booking, "/") if profile.booking else None
        self.links = [{"name": name, "url": url} for name, url in profile.links]
        self.meta = profile.meta
        locale = site.settings.language(lang).locale
        self.languages_spoken = [language_name(value, locale) for value in profile.languages_spoken.get(lang, [])]
        self.availability = [notice_view(n, lang) for n in site.notices]


class SiteView:
    """`site` in templates: settings and the profile in the page language."""

    def __init__(self, site: "Site", lang: str):
        settings = site.settings
        self.title = settings.title[lang]
        self.tagline = settings.tagline[lang]
        self.base_url = settings.base_url
        self.languages = list(settings.languages)
        self.language_names = {language.code: language.name for language in settings.languages}
        self.default_lang = settings.default_lang
        self.timezone = settings.timezone  # session times are shown in its names ("CET")
        self.profile = ProfileView(site, lang)
        self.notices = self.profile.availability
        self._home = site.urls.home(lang)
        self._menu = [(item.title[lang], site.urls.localize(item.url, lang)) for item in settings.menu]

    def menu_for(self, page_url: str) -> list[MenuEntry]:
        """Menu entries; a section is active on its own pages too (`/posts/x/`)."""
        return [MenuEntry(title, url, page_url == url or (url != self._home and page_url.startswith(url)))
                for title, url in self._menu]
