"""The whole export, once read: languages and tags made consistent.

- qTranslate-X (and qTranslate, mqTranslate) keep every language in one post:
  `[:en]Pricing[:fr]Tarifs[:]`, `{:en}…{:}`, `<!--:en-->…<!--:-->`, in titles,
  bodies, excerpts and tag names. Each language becomes its own item, the
  items linked as translations, as Polylang's are.
- The export's `<language>` (`fr-FR`) is the language of every item that
  names none (no Polylang/WPML, no `[xx]` title marker).
- Tags that differ only in case or accents (`Bitcoin`, `bitcoin`) would be one
  tag page listing the post twice: they become one, under the spelling used
  most.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from ..settings.safety import name_slug
from .plan import MARKER
from .records import Export, Item

QT_MARK = re.compile(r"\[:([a-z]{2,3}(?:[_-][a-zA-Z]{2})?)?\]|\{:([a-z]{2,3}(?:[_-][a-zA-Z]{2})?)?\}|"
                     r"<!--:([a-z]{2,3}(?:[_-][a-zA-Z]{2})?)?-->")


def tidy(export: Export) -> Export:
    export.items = split_qtranslate(export)
    if export.language:
        for item in export.items:
            if not item.lang and not MARKER.search(item.title):
                item.lang = export.language
    merge_tags(export)
    return export


def qt_split(text: str) -> dict[str, str] | None:
    """{language: text} of a qTranslate value; text outside any block belongs to every language."""
    if not text or not QT_MARK.search(text):
        return None
    segments: list[tuple[str | None, str]] = []
    current, pos = None, 0
    for match in QT_MARK.finditer(text):
        segments.append((current, text[pos:match.start()]))
        lang = match.group(1) or match.group(2) or match.group(3)
        current = lang.lower().replace("_", "-") if lang else None
        if current:
            segments.append((current, ""))
        pos = match.end()
    segments.append((current, text[pos:]))
    langs = [lang for lang in dict.fromkeys(lang for lang, _ in segments) if lang]
    if not langs:
        return None
    return {lang: "".join(chunk for owner, chunk in segments if owner in (lang, None)) for lang in langs}


def split_qtranslate(export: Export) -> list[Item]:
    out: list[Item] = []
    for item in export.items:
        fields = {name: qt_split(getattr(item, name)) for name in ("title", "content", "excerpt")}
        tag_parts = [qt_split(tag) for tag in item.tags]
        langs = sorted({lang for value in (*fields.values(), *tag_parts) if value for lang in value})
        if not langs:
            out.append(item)
            continue
        primary = export.language.split("-")[0] if export.language.split("-")[0] in langs else langs[0]
        group = f"qtranslate-{item.id}"
        for lang in sorted(langs, key=lambda code: code != primary):
            def pick(name: str) -> str:
                value = fields[name]
                return value.get(lang, "") if value else getattr(item, name)
            tags = [(parts.get(lang) or next(iter(parts.values()))) if parts else tag
                    for tag, parts in zip(item.tags, tag_parts)]
            title, content = pick("title").strip(), pick("content")
            if not title and not content.strip():
                continue
            first = lang == primary
            out.append(replace(item, id=item.id if first else f"{item.id}:{lang}", title=title, content=content,
                               excerpt=pick("excerpt"), tags=[t.strip() for t in tags if t.strip()],
                               lang=lang, translation_group=group, link=item.link if first else "",
                               comments=item.comments if first else []))
        export.notes.append(f"{item.kind} {item.title[:60]!r}: qTranslate languages {', '.join(langs)} "
                            "made separate translations")
    return out


def merge_tags(export: Export) -> None:
    """One spelling per tag slug: the most used one (the first seen on a tie)."""
    spellings: dict[str, Counter] = {}
    first_seen: dict[str, dict[str, int]] = {}
    for item in export.items:
        for tag in item.tags:
            key = name_slug(tag) or tag.casefold()
            spellings.setdefault(key, Counter())[tag] += 1
            first_seen.setdefault(key, {}).setdefault(tag, len(first_seen[key]))
    chosen = {}
    for key, counts in spellings.items():
        best = min(counts, key=lambda t: (-counts[t], first_seen[key][t]))
        chosen[key] = best
        if len(counts) > 1:
            others = ", ".join(f"`{t}`" for t in sorted(counts) if t != best)
            export.notes.append(f"tags {others} merged into `{best}` (one tag page; the same name but for "
                                "case or accents)")
    for item in export.items:
        merged: list[str] = []
        for tag in item.tags:
            name = chosen[name_slug(tag) or tag.casefold()]
            if name not in merged:
                merged.append(name)
        item.tags = merged
