"""The profile (content/profile.yml): who the site is about → the Profile record."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from ..errors import ContentError, every_mistake
from ..settings.config import Settings
from ..settings.safety import check_path
from .context import FileContext, display_path
from .fields import check_link
from .frontmatter import read_yaml_file
from .keys import PROFILE_FIELDS, check_keys, own_params
from .links import link_name, written_url
from .markdown import render_markdown
from .models import Notice, Profile

EMAIL = re.compile(r"[^@\s?#&/:<>\"']+@[A-Za-z0-9.-]+\.[A-Za-z0-9-]+")


def profile_links(ctx: FileContext, raw: Any) -> tuple[tuple[str, str], ...]:
    """(name, url) pairs from a list of URLs, `{name, url}` mappings, or both."""
    if raw is None:
        return ()
    if isinstance(raw, (str, dict)):
        raw = [raw]
    if not isinstance(raw, list):
        ctx.report("links must be a list of addresses or of {name, url}", "links",
                   hint="write e.g. links: [https://github.com/jane, https://www.linkedin.com/in/jane]")
        return ()
    links = []
    for i, item in enumerate(raw):
        if isinstance(item, dict) and "url" in item:
            check_keys(ctx, item, "link", "links", i)
            url, name = item["url"], item.get("name")
            url = written_url(url) if isinstance(url, str) else url
            check_link(ctx, url, "links", i, "url")
        elif isinstance(item, str):
            url, name = written_url(item), None
            check_link(ctx, url, "links", i)
        else:
            ctx.report("each link is an address (https://github.com/jane) or {name: GitHub, url: https://...}",
                       "links", i)
            continue
        links.append((str(name).strip() if name not in (None, "") else link_name(url), url))
    return tuple(links)


@every_mistake
def read_profile(settings: Settings, path: Path) -> Profile:
    if os.path.lexists(path):
        check_path(path, settings.root)
    if not path.is_file():
        raise ContentError("the profile is missing", display_path(path, settings.root),
                           hint="create content/profile.yml with at least 'name: Your Name'")
    ctx, raw = read_yaml_file(settings, path)
    if not raw.get("name"):
        raise ctx.error("'name' is required", hint="add a line 'name: Your Name'")
    check_keys(ctx, raw, "profile")
    links = profile_links(ctx, raw.get("links"))
    if raw.get("photo") is not None:
        check_link(ctx, raw["photo"], "photo")
    booking = raw.get("booking")
    if booking is not None:
        check_link(ctx, booking, "booking")
    email = raw.get("email")
    if email and not EMAIL.fullmatch(str(email)):
        # It is written after mailto: in links, so '?' or '&' would add headers.
        ctx.report(f"email: {str(email)[:80]!r} is not an e-mail address such as jane@jane.example", "email")
    notices = []
    for i, item in enumerate(raw.get("availability") or []):
        if not isinstance(item, dict) or "until" not in item or "note" not in item:
            ctx.report("each availability notice needs a note and an until date", "availability", i)
            continue
        check_keys(ctx, item, "availability", "availability", i)
        start = ctx.date(item["from"], ("availability", i, "from")).date() if item.get("from") else None
        until = ctx.date(item["until"], ("availability", i, "until")).date()
        note = ctx.localized({"note": item["note"]}, "note", required=True)
        notices.append(Notice(note, start, until))
    spoken = raw.get("languages_spoken") or []
    spoken_by_lang = ctx.localized({"languages_spoken": spoken}, "languages_spoken", kind=list) or {}
    bio = ctx.localized(raw, "bio") or {c: "" for c in settings.codes}
    empty = {c: "" for c in settings.codes}
    return Profile(
        name=str(raw["name"]), photo=raw.get("photo"),
        photo_alt=ctx.localized(raw, "photo_alt") or {c: str(raw["name"]) for c in settings.codes},
        job_title=ctx.localized(raw, "job_title") or empty, headline=ctx.localized(raw, "headline") or empty,
        bio={c: render_markdown(t, settings.footnote_names[c]) for c, t in bio.items()},
        location=str(raw["location"]) if raw.get("location") else None,
        email=str(raw["email"]) if raw.get("email") else None,
        links=links, booking=str(booking).strip() if booking else None,
        languages_spoken={c: [str(x) for x in v] for c, v in spoken_by_lang.items()},
        availability=tuple(notices),
        source=ctx.display,
        meta=own_params(ctx, raw, PROFILE_FIELDS),
    )
