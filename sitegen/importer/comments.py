"""Approved comments → what the front matter keeps: sanitized HTML, threads.

A comment is third-party HTML: nh3 (the Ammonia sanitizer) keeps paragraphs,
emphasis, code, quotes, lists and links (made `rel="nofollow ugc"`), and
nothing that runs. Replies are nested under their parent (`replies:`), as
WordPress and Blogger show them, at most MAX_DEPTH levels deep (WordPress's
own limit is 10); a reply whose parent is not in the export (spam, trash,
another post) is shown at the top level and noted in the report.
"""

from __future__ import annotations

import re

from ..pages.safetext import comment_html
from .records import Comment

MAX_DEPTH = 8


def clean_comment(text: str) -> str:
    """Comment HTML made safe; plain newlines become paragraphs and breaks as WordPress shows them."""
    text = text.replace("\r\n", "\n").strip()
    if "<p" not in text:
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
        text = "".join("<p>" + p.replace("\n", "<br>\n") + "</p>" for p in paragraphs)
    return comment_html(text).strip()


def comment_data(comment: Comment) -> dict:
    """What is shown under a post: never the e-mail address nor the IP."""
    data = {"author": comment.author, "date": comment.date.isoformat(), "html": clean_comment(comment.text)}
    if comment.url.startswith(("http://", "https://")):
        data["url"] = comment.url
    anchor = comment_anchor(comment.id)
    if anchor:
        data["id"] = anchor
    return data


def comment_anchor(ident: str) -> str:
    """The id the old blog gave the comment on its page (`comment-12` on
    WordPress, `c123…` on Blogger), so links to it keep working."""
    if ident.isdigit():
        return f"comment-{ident}"
    number = ident.rsplit("-", 1)[-1]
    return f"c{number}" if ident.startswith("tag:blogger.com") and number.isdigit() else ""


def threads(comments: list[Comment], notes: list[str]) -> list[dict]:
    """The comments as nested threads, each level by date."""
    ordered = sorted(comments, key=lambda c: c.date)
    by_id = {c.id: c for c in ordered if c.id}
    children: dict[str, list[Comment]] = {}
    roots: list[Comment] = []
    for c in ordered:
        parent = c.parent if c.parent and c.parent != c.id else ""
        if parent and parent in by_id:
            children.setdefault(parent, []).append(c)
        else:
            if parent:
                notes.append(f"comment by {c.author} of {c.date:%Y-%m-%d} replies to a comment not kept: shown "
                             "at the top level")
            roots.append(c)
    out: list[dict] = []
    # an explicit stack: reply chains can be long, and a loop in the export must not hang
    stack: list[tuple[Comment, list[dict], int]] = [(c, out, 1) for c in reversed(roots)]
    seen: set[int] = set()
    while stack:
        comment, into, depth = stack.pop()
        if id(comment) in seen:
            continue
        seen.add(id(comment))
        data = comment_data(comment)
        into.append(data)
        kids = children.get(comment.id, []) if comment.id else []
        if kids:
            target = into if depth >= MAX_DEPTH else data.setdefault("replies", [])
            stack.extend((kid, target, min(depth + 1, MAX_DEPTH)) for kid in reversed(kids))
    reachable = len(seen)
    if reachable < len(ordered):  # replies in a loop (a → b → a): never reached from a root
        for c in ordered:
            if id(c) not in seen:
                out.append(comment_data(c))
                notes.append(f"comment by {c.author} of {c.date:%Y-%m-%d} is in a reply loop: shown at the top level")
    return out


def count(threaded: list[dict]) -> int:
    total, stack = 0, list(threaded)
    while stack:
        item = stack.pop()
        total += 1
        stack.extend(item.get("replies", []))
    return total


def anchors_by_url(planned) -> dict[str, set[str]]:
    """The comment anchors each new page will have, for links to them from other posts."""
    return {p.url: {a for a in (comment_anchor(c.id) for c in p.item.comments) if a} for p in planned}
