"""Blogger's backups → records, in both formats Blogger has written.

- The current "Back up content" file (namespace …/blogger/2018): each entry
  says what it is (`<blogger:type>` POST, PAGE, COMMENT) and its state
  (`<blogger:status>` LIVE, DRAFT, SCHEDULED, …); a post's old address is
  `<blogger:filename>` (`/2011/10/nach-suzhou.html`); a comment names its post
  (`<blogger:parent>`) and the comment it answers (`<blogger:inReplyTo>`).
- The older Atom backup: an entry's kind is a category in the `g/2005#kind`
  scheme; labels are categories in the `atom/ns#` scheme; a comment names its
  post with `thr:in-reply-to`, or only through its links (older comments),
  and the comment it answers with a `related` link.
Settings and template entries are skipped; so are deleted and trashed ones,
and comments not published, each counted in the report.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timezone
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

from .records import Comment, Export, Item
from .text import plain_text

ATOM = "{http://www.w3.org/2005/Atom}"
APP = "{http://purl.org/atom/app#}"
THREAD = "{http://purl.org/syndication/thread/1.0}"
B = "{http://schemas.google.com/blogger/2018}"
KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
LABEL_SCHEME = "http://www.blogger.com/atom/ns#"
STATUS = {"LIVE": "publish", "DRAFT": "draft", "SCHEDULED": "future", "IMPORTED": "publish"}
POST_IN_FEED_LINK = re.compile(r"/feeds/(\d+)/(\d+)/comments/")


def read_blogger(root: Element, shown: str) -> Export:
    site_url = alternate(root)
    export = Export("Blogger", site_url.rstrip("/"), [], autop=False)
    new_format = any(e.find(f"{B}type") is not None for e in root.findall(f"{ATOM}entry"))
    if new_format:
        export.format = "Blogger (Back up content)"
    comments: list[tuple[str, Comment, str]] = []  # (post ref, comment, post link)
    dropped: Counter = Counter()
    for entry in root.findall(f"{ATOM}entry"):
        kind, status = entry_kind(entry) if not new_format else typed(entry)
        if kind == "comment":
            if status != "publish":
                dropped[f"comments {status}"] += 1
                continue
            comment = read_comment(entry)
            ref, link = comment_post(entry, new_format)
            comments.append((ref, comment, link))
            continue
        if kind not in ("post", "page"):
            export.skipped.append(f"Blogger {kind or 'unknown'} entry: not a post or a page")
            continue
        if status not in ("publish", "draft", "future"):
            export.skipped.append(f"Blogger {kind} {plain_text(entry.findtext(f'{ATOM}title') or '')!r}: {status}")
            continue
        export.items.append(read_entry(entry, kind, status, new_format))
    attach_comments(export, comments, dropped)
    if dropped:
        export.notes.append("comments not kept: " + ", ".join(f"{n} {why}" for why, n in sorted(dropped.items())))
    return export


def typed(entry: Element) -> tuple[str, str]:
    kind = (entry.findtext(f"{B}type") or "").strip().lower()
    status = (entry.findtext(f"{B}status") or "").strip().upper()
    return kind, STATUS.get(status, status.lower().replace("_", " ") or "unknown")


def entry_kind(entry: Element) -> tuple[str, str]:
    kind = ""
    for category in entry.findall(f"{ATOM}category"):
        if category.get("scheme") == KIND_SCHEME:
            kind = category.get("term", "").rsplit("#", 1)[-1]
    draft = (entry.findtext(f"{APP}control/{APP}draft") or "").strip() == "yes"
    return kind, "draft" if draft else "publish"


def read_entry(entry: Element, kind: str, status: str, new_format: bool) -> Item:
    link = alternate(entry)
    filename = (entry.findtext(f"{B}filename") or "").strip()
    if new_format and filename and not link:
        link = filename  # the old address's path: enough for an alias
    path = urlsplit(link).path
    slug = path.rsplit("/", 1)[-1].removesuffix(".html") if path else ""
    published = when(entry.findtext(f"{ATOM}published") or entry.findtext(f"{B}created"))
    updated = when(entry.findtext(f"{ATOM}updated"))
    labels = [c.get("term", "") for c in entry.findall(f"{ATOM}category")
              if c.get("scheme") != KIND_SCHEME and (new_format or c.get("scheme") == LABEL_SCHEME) and c.get("term")]
    return Item(
        kind=kind, id=(entry.findtext(f"{ATOM}id") or "").strip(),
        title=plain_text(entry.findtext(f"{ATOM}title") or ""), date=published,
        updated=updated if updated and (updated - published).days >= 1 else None,
        content=entry.findtext(f"{ATOM}content") or "", link=link, slug=slug, status=status,
        excerpt=(entry.findtext(f"{B}metaDescription") or "").strip(), tags=list(dict.fromkeys(labels)),
    )


def read_comment(entry: Element) -> Comment:
    author = entry.find(f"{ATOM}author")
    name = plain_text(author.findtext(f"{ATOM}name") or "") if author is not None else ""
    uri = (author.findtext(f"{ATOM}uri") or "").strip() if author is not None else ""
    if "blogger.com/profile/" in uri or "plus.google.com" in uri:
        uri = ""  # a Blogger profile page, not the commenter's site
    ident = (entry.findtext(f"{ATOM}id") or "").strip()
    parent = (entry.findtext(f"{B}inReplyTo") or "").strip()
    if not parent:
        related = next((link.get("href", "") for link in entry.findall(f"{ATOM}link")
                        if link.get("rel") == "related"), "")
        if related:
            parent = blog_prefix(ident) + related.rstrip("/").rsplit("/", 1)[-1]
    return Comment(author=name or "Anonymous", date=when(entry.findtext(f"{ATOM}published")),
                   text=entry.findtext(f"{ATOM}content") or "", url=uri, id=ident, parent=parent)


def blog_prefix(ident: str) -> str:
    """`tag:blogger.com,1999:blog-123.post-456` → `tag:blogger.com,1999:blog-123.post-`."""
    return ident.rsplit("-", 1)[0] + "-" if ".post-" in ident else ""


def comment_post(entry: Element, new_format: bool) -> tuple[str, str]:
    """(the id of the post a comment belongs to, the post's address): from
    `blogger:parent`, `thr:in-reply-to`, the comment feed link, else its own link."""
    if new_format:
        return (entry.findtext(f"{B}parent") or "").strip(), ""
    reply = entry.find(f"{THREAD}in-reply-to")
    if reply is not None and reply.get("ref"):
        return reply.get("ref", ""), reply.get("href", "")
    ident = (entry.findtext(f"{ATOM}id") or "").strip()
    for link in entry.findall(f"{ATOM}link"):
        found = POST_IN_FEED_LINK.search(link.get("href", ""))
        if found:
            return f"tag:blogger.com,1999:blog-{found.group(1)}.post-{found.group(2)}", ""
    page = alternate(entry)
    return (blog_prefix(ident) + "?" if ident else ""), page.split("?", 1)[0].split("#", 1)[0]


def attach_comments(export: Export, comments: list[tuple[str, Comment, str]], dropped: Counter) -> None:
    by_id = {item.id: item for item in export.items}
    by_link = {urlsplit(item.link).path: item for item in export.items if item.link}
    for ref, comment, link in comments:
        item = by_id.get(ref) or (by_link.get(urlsplit(link).path) if link else None)
        if item is None:
            dropped["comments on entries not in the export"] += 1
            continue
        item.comments.append(comment)
    for item in export.items:
        item.comments.sort(key=lambda c: c.date)


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
