"""A talk's or workshop's `sessions:` list, read as people write it.

`date: 2026-03-04` is a whole day (no invented midnight anywhere); a time
without an offset is in site.yml's `timezone`; `city: online` (or `en
ligne`…) is an online session, never a place called "online"; a city with
`online: true` is a hybrid one.
"""

from __future__ import annotations

import re
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING, Any, Callable

from .keys import check_keys
from .models import Session
from ..settings.yamlio import quoted

if TYPE_CHECKING:
    from .context import FileContext

ONLINE_CITIES = {"online", "on line", "en ligne", "en línea", "in linea", "virtual", "virtuel", "remote"}
"""What people write in `city:` for a session with no place (any case)."""
DATE_ONLY = re.compile(r"\s*\d{4}-\d{1,2}-\d{1,2}\s*")


def read_sessions(ctx: "FileContext", raw: Any, check_link: Callable[..., None]) -> tuple[Session, ...]:
    """Every session, soonest first; an error names the session's key and line."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        ctx.report("sessions must be a list of {date, event, city or online, url}", "sessions")
        return ()
    # Each mistake is noted and the reader goes on, so one run reports them all.
    sessions = [session for i, item in enumerate(raw) if (session := read_session(ctx, item, i, check_link))]
    zone = ctx.settings.timezone
    return tuple(sorted(sessions, key=lambda s: s.begins(zone)))


def read_session(ctx: "FileContext", item: Any, i: int, check_link: Callable[..., None]) -> Session | None:
    if not isinstance(item, dict) or "date" not in item:
        ctx.report("each session needs at least a date and an event, e.g. "
                   "{date: 2026-05-14, event: DevConf, city: Lyon}", "sessions", i)
        return None
    check_keys(ctx, item, "session", "sessions", i)
    start = when(ctx, item["date"], i, "date")
    end = when(ctx, item["end"], i, "end") if item.get("end") is not None else None
    for key in ("url", "slides", "video"):
        if item.get(key) is not None:
            check_link(ctx, item[key], "sessions", i, key)
    city, online = place(ctx, item, i)
    session = Session(start=start, end=end, event=str(item.get("event") or ""), city=city, online=online,
                      url=text_or_none(item.get("url")), slides=text_or_none(item.get("slides")),
                      video=text_or_none(item.get("video")))
    if end is not None and ends_before_start(session, ctx.settings.timezone):
        ctx.report(f"sessions.{i}.end: {quoted(item['end'])} is before the session's date "
                   f"{quoted(item['date'])}; swap them or fix the end", "sessions", i, "end")
    return session


def ends_before_start(session: Session, zone: tzinfo) -> bool:
    """A date-only end may be the start's day; a timed end must not come before the start."""
    start = session.begins(zone)
    if isinstance(session.end, datetime):
        return session.end < start
    return session.end is not None and session.end < start.astimezone(zone).date()


def when(ctx: "FileContext", value: Any, i: int, key: str) -> date | datetime:
    """A plain date stays a date; anything with a time becomes aware."""
    moment = ctx.date(value, ("sessions", i, key))
    if isinstance(value, str) and DATE_ONLY.fullmatch(value):
        return moment.date()
    return moment


def place(ctx: "FileContext", item: dict, i: int) -> tuple[str | None, bool]:
    """(city, online): `city: online` is online-only; a city with `online: true` is hybrid."""
    online = item.get("online", False)
    if not isinstance(online, bool):
        ctx.report(f"sessions.{i}.online must be true or false, not {quoted(online)}", "sessions", i, "online")
        online = False
    city = text_or_none(item.get("city"))
    if city is not None and " ".join(city.split()).casefold() in ONLINE_CITIES:
        if "online" in item and not online:
            ctx.report(f"sessions.{i}: city {quoted(city)} says online but online is false; "
                       "remove one of them", "sessions", i, "online")
        return None, True
    return city, online


def text_or_none(value: Any) -> str | None:
    text = "" if value is None else str(value).strip()
    return text or None

