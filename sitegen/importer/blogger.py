"""Blogger's Atom export → records.

An entry's kind is a category in the `g/2005#kind` scheme: posts, pages
and comments are kept, settings and template entries skipped. Labels are
the categories in the `atom/ns#` scheme.
"""

from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

from .records import Comment, Export, Item
from .text import plain_text

ATOM = "{http://www.w3.org/2005/Atom}"
APP = "{http://purl.org/atom/app#}"
THREAD = "{http://purl.org/syndication/thread/1.0}"
KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
LABEL_SCHEME = "http://www.blogger.com/atom/ns#"
KINDS = {"post": "post", "page": "page", "comment": "comment"}


def read_blogger(root: Element, shown: str) -> Export:
    site_url = alternate(root)
    export = Export("Blogger", site_url.rstrip("/"), [], autop=False)
    comments: list[tuple[str, Comment]] = []
    for entry in root.findall(f"{ATOM}entry"):
        kind = entry_kind(entry)
        if kind == "comment":
            reply = entry.find(f"{THREAD}in-reply-to")
            if reply is not None:
                comments.append((reply.get("ref", ""), read_comment(entry)))
            continue
        if kind not in ("post", "page"):
            export.skipped.append(f"Blogger {kind or 'unknown'} entry: not a post or a page")
            continue
        export.items.append(read_entry(entry, kind))
    by_id = {item.id: item for item in export.items}
    for ref, comment in comments:
        if ref in by_id:
            by_id[ref].comments.append(comment)
    for item in export.items:
        item.comments.sort(key=lambda c: c.date)
    return export


def entry_kind(entry: Element) -> str:
    for category in entry.findall(f"{ATOM}category"):
        if category.get("scheme") == KIND_SCHEME:
            return category.get("term", "").rsplit("#", 1)[-1]
    return ""


def read_entry(entry: Element, kind: str) -> Item:
    link = alternate(entry)
    draft = (entry.findtext(f"{APP}control/{APP}draft") or "").strip() == "yes"
    path = urlsplit(link).path
    slug = path.rsplit("/", 1)[-1].removesuffix(".html") if path else ""
    published = when(entry.findtext(f"{ATOM}published"))
    updated = when(entry.findtext(f"{ATOM}updated"))
    return Item(
        kind=kind, id=(entry.findtext(f"{ATOM}id") or "").strip(),
        title=plain_text(entry.findtext(f"{ATOM}title") or ""), date=published,
        updated=updated if updated and (updated - published).days >= 1 else None,
        content=entry.findtext(f"{ATOM}content") or "", link=link, slug=slug,
        status="draft" if draft else "publish",
        tags=[c.get("term", "") for c in entry.findall(f"{ATOM}category")
              if c.get("scheme") == LABEL_SCHEME and c.get("term")],
    )


def read_comment(entry: Element) -> Comment:
    author = entry.find(f"{ATOM}author")
    name = plain_text(author.findtext(f"{ATOM}name") or "") if author is not None else ""
    uri = (author.findtext(f"{ATOM}uri") or "").strip() if author is not None else ""
    return Comment(author=name or "Anonymous", date=when(entry.findtext(f"{ATOM}published")),
                   text=entry.findtext(f"{ATOM}content") or "", url=uri)


def alternate(node: Element) -> str:
    for link in node.findall(f"{ATOM}link"):
        if link.get("rel") == "alternate":
            return link.get("href", "")
    return ""


def when(value: str | None) -> datetime:
    try:
        parsed = datetime.fromisoformat((value or "").strip().replace("Z", "+00:00"))
    except ValueError:
        return datetime(1970, 1, 1, tzinfo=timezone.utc)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
