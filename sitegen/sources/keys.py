"""The keys each kind of source file knows, and the warning for any other.

A misspelt key (`tgas:`) would otherwise be kept without a word and the
site published without what it meant; so every unknown key is named with
its line, with the known key it is closest to. Keys of one's own, for a
template, go under `params:` (as in Hugo), which is never checked.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .context import FileContext

# What a reader turns into fields; any other top-level key stays in `meta`.
POST_FIELDS = frozenset({"title", "date", "updated", "tags", "summary", "abstract", "slug", "series", "draft",
                         "original", "image", "aliases", "lang", "translation_key"})
PAGE_FIELDS = frozenset({"title", "summary", "slug", "draft", "lang", "translation_key", "aliases", "updated"})
SERVICE_FIELDS = frozenset({"title", "summary", "body", "tags", "image", "weight", "draft", "duration", "audience",
                            "formats", "languages", "outcomes", "pricing", "expertise", "sessions", "slug",
                            "aliases", "updated"})
PROFILE_FIELDS = frozenset({"name", "photo", "photo_alt", "job_title", "headline", "bio", "location", "email",
                            "links", "languages_spoken", "availability", "booking"})

# Known without warning: the fields, `params`, and what the default theme
# reads from `meta` (`comments` on posts and pages, written by `sitegen import`).
KNOWN = {
    "post": POST_FIELDS | {"params", "comments"},
    "page": PAGE_FIELDS | {"params", "comments"},
    "service": SERVICE_FIELDS | {"params"},
    "profile": PROFILE_FIELDS | {"params"},
    "session": frozenset({"date", "end", "event", "city", "online", "url", "slides", "video"}),
    "availability": frozenset({"from", "until", "note"}),
    "link": frozenset({"name", "url"}),
    "original": frozenset({"url", "title"}),
}

# Other generators' names for the same thing (Hugo, Jekyll, Pelican).
SYNONYMS = {"description": "summary", "excerpt": "summary", "categories": "tags", "keywords": "tags",
            "category": "tags", "lastmod": "updated", "modified": "updated", "publishdate": "date",
            "pubdate": "date", "url": "slug", "permalink": "slug", "redirect_from": "aliases",
            "language": "lang", "translationkey": "translation_key"}
CUTOFF = 0.75
"""How close a key must be to a known one to be called a misspelling of it:
`tgas` → `tags` (0.75), `sumary` → `summary`, not `rating` → `date`."""


def closest(key: str, known: frozenset[str]) -> str | None:
    synonym = SYNONYMS.get(key.lower().replace("-", "").replace(" ", ""))
    if synonym in known:
        return synonym
    folded = {k.replace("_", ""): k for k in known}
    match = difflib.get_close_matches(key.lower().replace("-", "").replace("_", ""), sorted(folded), 1, CUTOFF)
    return folded[match[0]] if match else None


def check_keys(ctx: "FileContext", raw: dict[Any, Any], kind: str, *where: Any) -> None:
    """Warn about each key of `raw` that a `kind` mapping does not know.

    At the top of a file (`where` empty) an unknown key is kept for
    templates, as it always was, and the warning says to move it under
    `params:`; inside an entry (`where` = ("sessions", 2)) it is ignored."""
    known = KNOWN[kind]
    label = "".join(f"[{k}]" if isinstance(k, int) else (f".{k}" if i else str(k)) for i, k in enumerate(where))
    prefix = f"{label}: " if label else ""
    for key in raw:
        if str(key) in known:
            continue
        guess = closest(str(key), known)
        if guess is not None:
            message = f"{prefix}unknown key `{key}`: did you mean `{guess}`?"
            message += " (ignored)" if where else " (as written, sitegen does not use it)"
        elif where:
            message = f"{prefix}unknown key `{key}` is ignored (known keys: {', '.join(sorted(known))})"
        else:
            message = (f"unknown key `{key}`: sitegen does not use it; if it is meant for a template, move it "
                       f"under `params:`, else check its spelling (known keys: {', '.join(sorted(known))})")
        ctx.warn(message, *where, key)


def own_params(ctx: "FileContext", raw: dict[Any, Any], fields: frozenset[str]) -> dict[str, Any]:
    """`meta` for templates: the keys under `params:`, and for compatibility
    any other top-level key sitegen does not read itself."""
    params = raw.get("params")
    if params is not None and not isinstance(params, dict):
        raise ctx.error("params must be a mapping of your own keys, e.g. params: {rating: 5}", "params")
    meta = {k: v for k, v in raw.items() if k not in fields and k != "params"}
    meta.update(params or {})
    return meta
