"""iCalendar files of the upcoming sessions of talks and workshops (SPEC §3).

`/events.ics` (default language) and `/<code>/events.ics` list the same
sessions, each in its language's words; every upcoming session also gets a
file of its own beside its service page, behind its "add to calendar" link.

The bytes depend only on the content, the settings and which sessions are
still upcoming: a UID is made of the service and the session (not the
language, so two subscribed language feeds do not show an event twice),
and DTSTAMP is the service's `updated` date, else SOURCE_DATE_EPOCH, else the
Unix epoch — never the clock, or every build would rewrite every file.
"""

from __future__ import annotations

import hashlib
import os
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING, Iterable
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vDuration

from ..settings.i18n import Strings
from ..sources.models import Service, Session
from ..site.files import Output
from ..site.urls import output_file
from ..site.views import ServiceView

if TYPE_CHECKING:
    from ..site.sitemodel import Site

CALENDAR_KINDS = ("talk", "workshop")
PRODID = "-//sitegen-bilingual//sitegen//EN"
REFRESH = timedelta(days=1)
"""How often subscribed clients are asked to fetch a feed again."""
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
ZONE_YEARS = 30
"""The most years a VTIMEZONE describes (each year adds its two changes)."""


def upcoming(site: "Site", lang: str) -> list[tuple[Service, Session]]:
    """What the calendars list: exactly the sessions the pages show as
    upcoming, soonest first (a date-only session from the start of its day)."""
    zone = site.settings.timezone
    entries = [(service, session) for service in site.services if service.kind in CALENDAR_KINDS
               for session in ServiceView(service, lang, site).upcoming_sessions]
    return sorted(entries, key=lambda entry: (beginning(entry[1].start, zone), entry[0].kind, entry[0].slug))


def outputs(site: "Site", strings: dict[str, Strings]) -> list[Output]:
    """Every language's feed and every upcoming session's own file."""
    urls = site.urls
    files: list[Output] = []
    for lang in site.settings.codes:
        t = strings[lang]
        entries = upcoming(site, lang)
        files.append(Output(output_file(urls.events(lang)), "the calendar of upcoming sessions",
                            lambda lang=lang, t=t, entries=entries: feed(site, lang, t, entries)))
        for service, session in entries:
            path = output_file(urls.session_calendar(service.kind, service.slug, session.start, session.event, lang))
            files.append(Output(path, f"{service.source} (session of {session.start.isoformat()})",
                                lambda lang=lang, t=t, entry=(service, session): feed(site, lang, t, [entry],
                                                                                    single=True)))
    return files


def feed(site: "Site", lang: str, t: Strings, entries: list[tuple[Service, Session]], *,
         single: bool = False) -> bytes:
    """A VCALENDAR of `entries`; a single session's file has no calendar name,
    so that importing it adds the event instead of offering a new calendar."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if not single:
        name = t("calendar_name", name=site.profile.name)
        calendar.add("name", name)
        calendar.add("x-wr-calname", name)
        calendar.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(REFRESH))
    zones = time_zones(entries)
    for zone in zones.values():
        if zone is not None:
            calendar.add_component(zone)
    for service, session in entries:
        calendar.add_component(vevent(site, lang, t, service, session, zones))
    return calendar.to_ical()


def vevent(site: "Site", lang: str, t: Strings, service: Service, session: Session,
           zones: dict[str, Timezone | None]) -> Event:
    urls = site.urls
    page = urls.absolute(urls.service(service.kind, service.slug, lang))
    title = service.title[lang]
    event = Event()
    event.add("uid", uid(site, service, session))
    event.add("dtstamp", stamp(service))
    start, end = span(session)
    event.add("dtstart", in_zone(start, zones))
    if end is not None:
        event.add("dtend", in_zone(end, zones))
    event.add("summary", f"{title} ({session.event})" if session.event else title)
    event.add("location", location(session, t))
    event.add("url", page)
    lines = [service.summary[lang]]
    if session.url:
        lines.append(t("calendar_event_page", url=session.url))
    lines.append(t("calendar_details", url=page))
    event.add("description", "\n\n".join(line for line in lines if line))
    return event


def uid(site: "Site", service: Service, session: Session) -> str:
    """`talk-flaky-tests-20270325T093000Z-1a2b3c4d@camille-durand.example`:
    the same in every language and every build, new when the session moves."""
    start = session.start
    when = (start.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ") if isinstance(start, datetime)
            else start.isoformat().replace("-", ""))
    event = hashlib.blake2b(session.event.encode("utf-8", "surrogatepass"), digest_size=4).hexdigest()
    host = urlsplit(site.settings.base_url).hostname or "sitegen"
    return f"{service.kind}-{service.slug}-{when}-{event}@{host}"


def stamp(service: Service) -> datetime:
    if service.updated is not None:
        return service.updated.astimezone(timezone.utc)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    # Settings already refused a SOURCE_DATE_EPOCH that is not a number.
    return datetime.fromtimestamp(int(epoch), tz=timezone.utc) if epoch else EPOCH


def span(session: Session) -> tuple[date | datetime, date | datetime | None]:
    """DTSTART and DTEND. A date-only session is an all-day event whose DTEND
    is the day after its last day (RFC 5545 ends are exclusive); a timed one
    without an end has none (it is a moment: its length is not known)."""
    start, end = session.start, session.end
    if isinstance(start, datetime):
        return start, end if isinstance(end, datetime) and end > start else None
    last = end.date() if isinstance(end, datetime) else end
    return start, (last if last is not None and last > start else start) + timedelta(days=1)


def location(session: Session, t: Strings) -> str:
    if session.city and session.online:
        return t("session_hybrid", city=session.city)  # as the pages say it
    return session.city or t("online")


def time_zones(entries: Iterable[tuple[Service, Session]]) -> dict[str, Timezone | None]:
    """A VTIMEZONE per named zone, covering the years its sessions span (the
    whole tz database would add kilobytes per zone); None for a zone whose
    sessions span too many years or lie beyond year 9998: its times are then
    written in UTC, the same moments."""
    days: dict[str, list[date]] = {}
    zone_of: dict[str, ZoneInfo] = {}
    for _, session in entries:
        for moment in span(session):
            key = zone_key(moment)
            if key is not None:
                days.setdefault(key, []).append(moment.date())
                zone_of[key] = moment.tzinfo
    zones: dict[str, Timezone | None] = {}
    for key in sorted(days):
        if max(days[key]).year - min(days[key]).year > ZONE_YEARS:
            zones[key] = None
            continue
        try:
            zones[key] = Timezone.from_tzinfo(zone_of[key], key, first_date=date(min(days[key]).year, 1, 1),
                                              last_date=date(max(days[key]).year + 1, 1, 1))
        except (OverflowError, ValueError):
            zones[key] = None
    return zones


def in_zone(moment: date | datetime, zones: dict[str, Timezone | None]) -> date | datetime:
    """A time as written: in its named zone when it has a VTIMEZONE, else in
    UTC (a bare offset such as +02:00 names no zone a client would know)."""
    if not isinstance(moment, datetime):
        return moment
    key = zone_key(moment)
    if key is not None and zones.get(key) is not None:
        return moment
    return moment.astimezone(timezone.utc)


def beginning(moment: date | datetime, zone: tzinfo) -> datetime:
    return moment if isinstance(moment, datetime) else datetime.combine(moment, time(), tzinfo=zone)


def zone_key(moment: date | datetime) -> str | None:
    """The tz database name of a time's zone, if it has one."""
    zone = moment.tzinfo if isinstance(moment, datetime) else None
    return zone.key if isinstance(zone, ZoneInfo) else None
