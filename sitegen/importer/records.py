"""Neutral records of an export, whatever blog engine wrote it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Comment:
    """An approved comment; e-mail and IP address are never kept."""

    author: str
    date: datetime
    text: str
    url: str = ""
    id: str = ""  # the export's id, for threading
    parent: str = ""  # the id of the comment this one replies to


@dataclass
class Item:
    """A post or a page as the export describes it (content still HTML)."""

    kind: str  # "post" or "page"
    id: str
    title: str
    date: datetime
    content: str
    link: str = ""
    slug: str = ""
    updated: datetime | None = None
    excerpt: str = ""
    status: str = "publish"  # publish, future, draft, pending, private
    password: bool = False
    tags: list[str] = field(default_factory=list)
    lang: str | None = None  # from Polylang/WPML, when the export says
    translation_group: str | None = None
    parent: str | None = None  # a page's parent id
    comments: list[Comment] = field(default_factory=list)


@dataclass
class Export:
    """Everything read from one export file."""

    format: str  # "WordPress WXR 1.2", "Blogger"
    site_url: str  # the old site's address, for its links and media
    items: list[Item]
    attachments: list[str] = field(default_factory=list)  # media URLs
    attachment_ids: dict[str, str] = field(default_factory=dict)  # attachment id → URL
    attachment_children: dict[str, list[str]] = field(default_factory=dict)  # post id → its media URLs
    skipped: list[str] = field(default_factory=list)  # what was left out, why
    repairs: list[str] = field(default_factory=list)  # what the recovering read mended, with line and column
    notes: list[str] = field(default_factory=list)  # other changes made while reading (merged tags, …)
    autop: bool = True  # WordPress content: wpautop makes its paragraphs
    language: str = ""  # the blog's language as the export declares it (`fr-FR`), for items that name none
