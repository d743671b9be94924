"""Small text helpers shared by the readers of exports."""

from __future__ import annotations

import html
import re

TAG = re.compile(r"<[^>]+>")
QT_COMMENT = re.compile(r"<!--:([a-z]{2,3}(?:[_-][a-zA-Z]{2})?)?-->")


def plain_text(value: str) -> str:
    """Text from a title or name that may carry HTML and entities
    (`Tom &amp; <em>Jerry</em>` → `Tom & Jerry`). qTranslate's `<!--:en-->`
    language marks are kept, as `[:en]`, for tidy.py to split."""
    value = QT_COMMENT.sub(lambda m: f"[:{m.group(1) or ''}]", html.unescape(value or ""))
    return re.sub(r"\s+", " ", html.unescape(TAG.sub("", value))).strip()
