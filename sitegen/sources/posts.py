"""Posts and pages: Markdown files with front matter → Post and Page records."""

from __future__ import annotations

import re
from pathlib import Path

from slugify import slugify

from ..errors import every_mistake
from ..settings.config import Settings
from .context import FileContext, display_path
from ..settings.safety import name_slug
from .fields import alias_list, boolean, check_link, checked_slug, tag_list
from .frontmatter import read_markdown_file, split_name
from .keys import PAGE_FIELDS, POST_FIELDS, check_keys, own_params
from .markdown import count_words, first_paragraph, render_markdown
from .models import Page, Post

LEADING_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}[-_]")


@every_mistake
def read_post(settings: Settings, path: Path) -> Post:
    folder_post = path.name.startswith("index.") and path.parent != settings.content_dir / "posts"
    display = display_path(path, settings.root)
    name, lang = split_name(path, settings, display)
    if folder_post:
        name = path.parent.name
    ctx, raw, body_md, lang = read_markdown_file(settings, path, name, lang)
    check_keys(ctx, raw, "post")

    if "date" not in raw or raw["date"] in (None, ""):
        ctx.report("front matter: 'date' is required", hint="add a line 'date: 2026-11-22'")
    published = ctx.date(raw["date"], ("date",)) if raw.get("date") else settings.now
    updated = ctx.date(raw["updated"], ("updated",)) if raw.get("updated") else None

    abstract = raw.get("abstract") or {}
    if not isinstance(abstract, dict) or not all(k in settings.codes and isinstance(v, str) for k, v in abstract.items()):
        ctx.report(f"abstract must map a language code ({', '.join(settings.codes)}) to a short summary", "abstract",
                   hint="write e.g. abstract: {fr: Deux phrases en français.}")
        abstract = {}
    original = raw.get("original")
    if original is not None and (not isinstance(original, dict) or not isinstance(original.get("url"), str)):
        ctx.report("original must be {url: https://..., title: ...}", "original")
        original = None
    if original is not None:
        check_link(ctx, original["url"], "original", "url")
        check_keys(ctx, original, "original", "original")
    slug = checked_slug(ctx, raw, slugify(LEADING_DATE.sub("", name)))
    series_names = series_of(ctx, raw)
    summary = raw.get("summary")
    if summary is not None and not isinstance(summary, str):
        ctx.report("summary must be text", "summary")
        summary = None
    image = raw.get("image")
    if image is not None and not isinstance(image, str):
        ctx.report("image must be a file path or URL", "image")
        image = None
    if image is not None:
        check_link(ctx, image, "image")

    body = render_markdown(body_md, settings.footnote_names[lang])
    return Post(
        source=display, name=name, lang=lang, title=str(raw["title"]).strip(),
        date=published, updated=updated, tag_names=tag_list(ctx, raw, "tags"),
        summary=summary.strip() if summary else first_paragraph(body),
        abstract={k: v.strip() for k, v in abstract.items()}, slug=slug,
        series_name=series_names[lang] if series_names else None,
        series_names=series_names if isinstance(raw.get("series"), dict) else None,
        draft=boolean(ctx, raw, "draft"),
        original={"url": original["url"], "title": str(original.get("title") or original["url"])} if original else None,
        image_source=image, aliases=alias_list(ctx, raw), body=body,
        translation_key=str(raw.get("translation_key") or name), words=count_words(body),
        folder=path.parent if folder_post else None,
        meta=own_params(ctx, raw, POST_FIELDS),
    )


def series_of(ctx: FileContext, raw: dict) -> dict[str, str] | None:
    """`series: Name` or `series: {en: Name, fr: Nom}`: the name in every language."""
    if raw.get("series") is None:
        return None
    if isinstance(raw["series"], bool) or not isinstance(raw["series"], (str, int, float, dict)):
        ctx.report("series must be the series name, as text or by language ({en: …, fr: …})", "series")
        return None
    names = ctx.localized(raw, "series")
    for code, name in names.items():
        if not name_slug(name):
            where = ("series", code) if isinstance(raw["series"], dict) and code in raw["series"] else ("series",)
            ctx.report(f"series: {name[:80]!r} gives an empty URL (/series/…/); use a name with letters "
                       f"or digits", *where)
            return None
    return {code: name.strip() for code, name in names.items()}


@every_mistake
def read_page(settings: Settings, path: Path) -> Page:
    display = display_path(path, settings.root)
    name, lang = split_name(path, settings, display)
    ctx, raw, body_md, lang = read_markdown_file(settings, path, name, lang)
    check_keys(ctx, raw, "page")
    body = render_markdown(body_md, settings.footnote_names[lang])
    summary = raw.get("summary")
    updated = ctx.date(raw["updated"], ("updated",)) if raw.get("updated") else None
    return Page(
        source=display, name=name, lang=lang, title=str(raw["title"]).strip(),
        summary=str(summary).strip() if summary else first_paragraph(body),
        slug=checked_slug(ctx, raw, slugify(name), nested=True), body=body, draft=boolean(ctx, raw, "draft"),
        translation_key=str(raw.get("translation_key") or name), aliases=alias_list(ctx, raw),
        updated=updated,
        meta=own_params(ctx, raw, PAGE_FIELDS),
    )
