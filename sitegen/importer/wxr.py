"""WordPress eXtended RSS (WXR 1.0, 1.1, 1.2) → records.

Polylang stores a post's language and translation group as taxonomies
(`language`, `post_translations`); WPML, when its export add-on is used, as
post meta (`_wpml_language`, `_wpml_trid`). Both are read here.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timezone
from xml.etree.ElementTree import Element

from .records import Comment, Export, Item
from .text import plain_text

CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
EXCERPT = "{http://wordpress.org/export/%s/excerpt/}encoded"
KEPT_STATUS = {"publish", "future", "draft", "pending", "private"}
NO_DATE = "0000-00-00 00:00:00"


def read_wxr(root: Element, version: str, shown: str) -> Export:
    wp = "{http://wordpress.org/export/%s/}" % version
    channel = root.find("channel")
    if channel is None:
        from ..errors import ContentError

        raise ContentError("a WordPress export without a <channel>", shown, 1, hint="export it again")
    site_url = (channel.findtext(f"{wp}base_blog_url") or channel.findtext("link") or "").strip()
    export = Export(f"WordPress WXR {version}", site_url.rstrip("/"), [],
                    language=(channel.findtext("language") or "").strip().lower().replace("_", "-"))
    dropped: Counter = Counter()
    for node in channel.findall("item"):
        kind = text(node, f"{wp}post_type")
        status = text(node, f"{wp}status")
        title = plain_text(text(node, "title"))
        if kind == "attachment":
            url = text(node, f"{wp}attachment_url")
            if url:
                export.attachments.append(url)
                export.attachment_ids[text(node, f"{wp}post_id")] = url
                export.attachment_children.setdefault(text(node, f"{wp}post_parent"), []).append(url)
            continue
        if kind not in ("post", "page"):
            export.skipped.append(f"{kind or 'item'} {title!r}: not a post or a page")
            continue
        if status not in KEPT_STATUS:
            export.skipped.append(f"{kind} {title!r}: status {status or 'unknown'}")
            continue
        export.items.append(read_item(node, wp, version, kind, status, title, dropped))
    if dropped:
        export.notes.append("comments not kept: " + ", ".join(f"{n} {why}" for why, n in sorted(dropped.items())))
    return export


def read_item(node: Element, wp: str, version: str, kind: str, status: str, title: str, dropped: Counter) -> Item:
    meta = {text(m, f"{wp}meta_key"): text(m, f"{wp}meta_value") for m in node.findall(f"{wp}postmeta")}
    tags, lang, group = [], meta.get("_wpml_language") or None, meta.get("_wpml_trid") or None
    for category in node.findall("category"):
        domain = category.get("domain", "")
        if domain == "language":
            lang = category.get("nicename") or lang
        elif domain == "post_translations":
            group = category.get("nicename") or group
        elif domain in ("post_tag", "category") and category.get("nicename") != "uncategorized":
            name = plain_text(category.text or "")
            if name and name not in tags:
                tags.append(name)
    return Item(
        kind=kind, id=text(node, f"{wp}post_id"), title=title,
        date=post_date(text(node, f"{wp}post_date"), text(node, f"{wp}post_date_gmt")),
        updated=modified_date(node, wp), content=text(node, CONTENT),
        link=text(node, "link"), slug=text(node, f"{wp}post_name"),
        excerpt=text(node, EXCERPT % version), status=status, password=bool(text(node, f"{wp}post_password")),
        tags=tags, lang=lang, translation_group=group, parent=text(node, f"{wp}post_parent") or None,
        comments=read_comments(node, wp, dropped),
    )


APPROVAL = {"0": "pending", "spam": "spam", "trash": "in the trash", "post-trashed": "on trashed posts"}


def read_comments(node: Element, wp: str, dropped: Counter) -> list[Comment]:
    """Approved comments only (spam, trash, pending and pingbacks dropped, and counted)."""
    comments = []
    for c in node.findall(f"{wp}comment"):
        approved, kind = text(c, f"{wp}comment_approved"), text(c, f"{wp}comment_type")
        if approved != "1":
            dropped[APPROVAL.get(approved, f"with status {approved or 'none'}")] += 1
            continue
        if kind not in ("", "comment"):
            dropped[f"{kind}s"] += 1
            continue
        parent = text(c, f"{wp}comment_parent")
        comments.append(Comment(
            author=plain_text(text(c, f"{wp}comment_author")) or "Anonymous",
            date=post_date(text(c, f"{wp}comment_date"), text(c, f"{wp}comment_date_gmt")),
            text=text(c, f"{wp}comment_content"), url=text(c, f"{wp}comment_author_url"),
            id=text(c, f"{wp}comment_id"), parent="" if parent in ("", "0") else parent,
        ))
    return sorted(comments, key=lambda c: c.date)


def post_date(local: str, gmt: str) -> datetime:
    """The local time with its real offset (local − GMT), as WordPress shows
    it; drafts have no GMT date, so their local time is taken as UTC."""
    when = parse(local) or parse(gmt) or datetime(1970, 1, 1)
    utc = parse(gmt)
    offset = (when - utc) if utc else None
    if offset is None or abs(offset.total_seconds()) > 18 * 3600:
        return when.replace(tzinfo=timezone.utc)
    return when.replace(tzinfo=timezone(offset))


def modified_date(node: Element, wp: str) -> datetime | None:
    """WXR from recent WordPress versions has it; older ones do not."""
    local, gmt = text(node, f"{wp}post_modified"), text(node, f"{wp}post_modified_gmt")
    return post_date(local, gmt) if parse(local) or parse(gmt) else None


def parse(value: str) -> datetime | None:
    value = value.strip()
    if not value or value == NO_DATE or not re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", value):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


def text(node: Element, tag: str) -> str:
    return (node.findtext(tag) or "").strip()
