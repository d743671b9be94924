"""Small text helpers shared by the readers of exports."""

from __future__ import annotations

import html
import re

TAG = re.compile(r"<[^>]+>")


def plain_text(value: str) -> str:
    """Text from a title or name that may carry HTML and entities
    (`Tom &amp; <em>Jerry</em>` → `Tom & Jerry`)."""
    return re.sub(r"\s+", " ", html.unescape(TAG.sub("", html.unescape(value or "")))).strip()
