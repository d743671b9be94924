"""Fields several kinds of source share (lists, tags, aliases, slugs,
links, booleans), each checked with the problem reported at its key."""

from __future__ import annotations

from typing import Any

from ..settings.safety import alias_problem, link_problem, name_slug, slug_problem
from ..settings.yamlio import quoted
from .context import FileContext


def string_list(ctx: FileContext, raw: dict, key: str) -> tuple[str, ...]:
    value = raw.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        ctx.report(f"{key} must be a list of text, e.g. {key}: [one, two]", key)
        return ()
    return tuple(str(v) for v in value)


def tag_list(ctx: FileContext, raw: dict, key: str) -> tuple[str, ...]:
    """Tags: each must give a URL segment (`/tags/<slug>/`)."""
    names = string_list(ctx, raw, key)
    for i, name in enumerate(names):
        if not name_slug(name):
            ctx.report(f"{key}: {name[:80]!r} gives an empty URL (/tags/…/); use a tag with letters "
                       f"or digits", key, i)
    return names


def alias_list(ctx: FileContext, raw: dict) -> tuple[str, ...]:
    """Old URLs: site paths only, so `_redirects` gets one rule per alias."""
    aliases = string_list(ctx, raw, "aliases")
    for i, alias in enumerate(aliases):
        problem = alias_problem(alias)
        if problem:
            ctx.report(f"aliases: {problem}", "aliases", i)
    return aliases


def checked_slug(ctx: FileContext, raw: dict, default: str, nested: bool = False) -> str:
    """The `slug` key or the one made from the file name: one URL segment,
    or for a page (`nested`) segments joined by '/', as in a page tree
    (`about/team`)."""
    if raw.get("slug") is None or raw.get("slug") == "":
        if not default:
            raise ctx.error("the file name gives an empty slug (URL)", hint="add a line 'slug: my-page' "
                            "or rename the file with letters or digits")
        return default
    value = raw["slug"]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    segments = value.split("/") if nested and isinstance(value, str) and all(value.split("/")) else [value]
    problem = next(filter(None, map(slug_problem, segments)), None)
    if problem:
        ctx.report(f"slug: {problem}", "slug")
        return default or "slug"
    return value


def check_link(ctx: FileContext, value: Any, *keys: Any) -> None:
    """A field that becomes an href: http(s), mailto, tel or a site path."""
    problem = link_problem(value)
    if problem:
        label = ".".join(str(k) for k in keys)
        ctx.report(f"{label}: {problem}", *keys)


def boolean(ctx: FileContext, raw: dict, key: str) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        ctx.report(f"{key} must be true or false, not {quoted(value)}", key)
        return False
    return value
