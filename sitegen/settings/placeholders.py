"""The starter's placeholder text (`sitegen init`) left in a site.

A site published with "Your city", a GitHub link to `your-name` or the
sample e-mail looks careless to the very people it is meant to convince,
and nothing else would say so: each placeholder still in a file is a
warning naming its line and what to write instead.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .starter_text import BASE_URL_NOTE, TEXT

# (starter text keys, what it is, what to do): the sample text written in every language.
SAMPLE_TEXT = [
    (("bio",), "sample bio", "write a few sentences about you"),
    (("talk_title", "talk_summary", "talk_body"), "sample talk", "describe a talk you give, or delete the file"),
    (("expertise_title", "expertise_summary", "expertise_body"), "sample expertise area",
     "describe your own area, or delete the file"),
    (("post_summary", "post_body"), "sample post", "write your own post, or delete the file"),
]


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[tuple[str, ...], re.Pattern[str], str], ...]:
    """(texts one of which a match holds, pattern, message after the quoted
    match) for every placeholder. The plain texts are looked for first: a
    substring search is many times faster than the pattern, and every file of
    a site is searched on a cold build."""
    found = [
        (("Your city",), re.compile(r"\bYour city\b"), "is the starter's placeholder location; write where you "
                                                       "work, e.g. location: Lyon, France"),
        (("/your-name",), re.compile(r"https?://[^\s\"'/]+/your-name\b"),
         "is the starter's sample link; put the address of your own profile, or remove the link"),
        (("hello@",), re.compile(r"\bhello@[A-Za-z0-9.-]+\.example\b"),
         "is the starter's sample e-mail; write your own address"),
    ]
    for keys, what, todo in SAMPLE_TEXT:
        # The sentence the starter opens each text with, in each language it writes.
        sentences = {text.split("{")[0].split(". ")[0].strip() for key in keys for text in TEXT[key].values()}
        chosen = tuple(s for s in sorted(sentences, key=len, reverse=True) if len(s) > 12)
        found.append((chosen, re.compile("|".join(map(re.escape, chosen))), f"is the starter's {what}; {todo}"))
    return tuple(found)


@lru_cache(maxsize=1)
def _any_placeholder() -> re.Pattern[str]:
    """Every placeholder's plain texts in one pattern: one pass over a file
    that has none (every file of a finished site), where a search for each
    text took twice as long."""
    texts = {text for needles, _, _ in _patterns() for text in needles}
    return re.compile("|".join(map(re.escape, sorted(texts, key=len, reverse=True))))


def placeholder_warnings(display: str, text: str, *, yaml: bool) -> list[str]:
    """One warning per placeholder found in `text` (at its first line).
    Comment lines of a YAML file are not published, so they may keep theirs."""
    if not _any_placeholder().search(text):
        return []
    found = []
    for needles, pattern, message in _patterns():
        if not any(map(text.__contains__, needles)):
            continue
        # Lines are only counted for a match.
        for match in pattern.finditer(text):
            start = text.rfind("\n", 0, match.start()) + 1
            if yaml and text[start:match.start()].lstrip().startswith("#"):
                continue
            number = text.count("\n", 0, start) + 1
            shown = match.group(0) if len(match.group(0)) <= 40 else match.group(0)[:39].rstrip() + "…"
            found.append((number, f"{display}:{number}: '{shown}' {message}"))
            break
    return [warning for _, warning in sorted(found)]


def base_url_warning(text: str) -> str | None:
    """site.yml's `base_url` as the starter wrote it. Only the starter's own
    line counts: the repository's example site lives at a `.example` address
    on purpose."""
    for number, line in enumerate(text.split("\n"), 1):
        if re.match(rf"base_url:\s*https://[^\s#]+\.example/?\s*#\s*{re.escape(BASE_URL_NOTE)}", line):
            return (f"site.yml:{number}: base_url is still the starter's placeholder address; write the address "
                    f"where the site will be published, e.g. base_url: https://www.jane.example")
    return None
