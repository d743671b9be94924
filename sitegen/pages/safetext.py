"""Text made safe for the files sitegen writes.

Control characters pasted into a title or body (a PDF copy, a terminal) are
invisible in an editor, but XML 1.0 forbids them: one in a post made every
feed listing it unreadable, and HTML parsers call them errors. Every page,
feed and sitemap goes through `output_bytes`, which drops them.
"""

from __future__ import annotations

import re

# XML 1.0 allows tab, newline and carriage return among C0, no surrogates and
# not U+FFFE/U+FFFF.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_C0 = bytes(c for c in range(32) if c not in (9, 10, 13))
# The UTF-8 lead byte of U+FFFE and U+FFFF (and of the rest of U+F000-U+FFFF,
# rare in text, which then takes the slow path): a one-byte search is a
# memchr, forty times faster than a search for two bytes.
_NONCHARACTERS = b"\xef"


def output_bytes(text: str) -> bytes:
    """UTF-8 of `text` without the characters XML 1.0 forbids.

    Checked on bytes first: a page without any costs one `translate`
    (microseconds), not a regular-expression scan of every character. A lone
    surrogate cannot be encoded, and ASCII text has no U+FFFE or U+FFFF."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        return _FORBIDDEN.sub("", text).encode("utf-8")
    if len(data.translate(None, _C0)) == len(data) and (text.isascii() or _NONCHARACTERS not in data):
        return data
    return _FORBIDDEN.sub("", text).encode("utf-8")


# What a comment from an archive may hold (sitegen import): text formatting and
# links, never anything that runs or loads. Also applied when a page is built,
# so a comment edited by hand in front matter cannot bring a script either.
COMMENT_TAGS = {"p", "br", "a", "em", "strong", "b", "i", "u", "s", "del", "ins", "code", "pre", "blockquote",
                "q", "cite", "ul", "ol", "li", "sub", "sup", "abbr", "span"}
COMMENT_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}


def comment_html(value: object) -> str:
    """Third-party comment HTML, sanitized by nh3 (Ammonia): links get `rel="nofollow ugc"`."""
    import nh3  # only sites with imported comments need it

    return nh3.clean(str(value or ""), tags=COMMENT_TAGS, attributes=COMMENT_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel="nofollow ugc", strip_comments=True)
