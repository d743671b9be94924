"""Services (talks, workshops, consulting…): one YAML file each → Service records."""

from __future__ import annotations

import re
from pathlib import Path

from slugify import slugify

from ..errors import every_mistake
from ..settings.config import Settings
from ..settings.yamlio import quoted
from .fields import alias_list, boolean, check_link, checked_slug, string_list, tag_list
from .frontmatter import LANG_SUFFIX, read_yaml_file
from .keys import SERVICE_FIELDS, check_keys, own_params
from .markdown import first_paragraph, render_markdown
from .models import Service
from .sessions import read_sessions

# What people write for a service's formats (SPEC §2 says "in person" and
# "online") → the code templates and structured data use.
FORMATS = {"in person": "in-person", "on site": "in-person", "onsite": "in-person", "face to face": "in-person",
           "online": "online", "remote": "online", "virtual": "online"}


def format_code(written: str) -> str | None:
    """`In person`, `in-person`, `on site` → `in-person`; None when unknown."""
    return FORMATS.get(" ".join(re.split(r"[\s_-]+", written.strip().lower())))


@every_mistake
def read_service(settings: Settings, path: Path, kind: str) -> Service:
    ctx, raw = read_yaml_file(settings, path)
    check_keys(ctx, raw, "service")
    title = ctx.localized(raw, "title", required=True)
    body_md = ctx.localized(raw, "body") or {c: "" for c in settings.codes}
    body = {code: render_markdown(text, settings.footnote_names[code]) for code, text in body_md.items()}
    summary = ctx.localized(raw, "summary") or {c: first_paragraph(body[c]) for c in settings.codes}
    weight = raw.get("weight", 0)
    if not isinstance(weight, int) or isinstance(weight, bool):
        ctx.report(f"weight must be a whole number (lower comes first), not {quoted(weight)}", "weight")
        weight = 0
    formats = string_list(ctx, raw, "formats")
    for i, fmt in enumerate(formats):
        if format_code(fmt) is None:
            ctx.report(f"formats: {quoted(fmt)} is not a format; write in person (or on site) or online",
                       "formats", i)
    formats = tuple(dict.fromkeys(filter(None, map(format_code, formats))))
    languages = string_list(ctx, raw, "languages")
    for i, code in enumerate(languages):
        if code not in settings.codes and not LANG_SUFFIX.match(code):
            ctx.report(f"languages: {quoted(code)} is not a language code such as en or fr", "languages", i)
    outcomes_raw = raw.get("outcomes")
    outcomes: dict[str, list[str]] = {}
    if outcomes_raw is not None:
        if isinstance(outcomes_raw, list):  # a list of plain or localized items
            items = [ctx.localized({"outcomes": item}, "outcomes") for item in outcomes_raw]
            outcomes = {c: [str(item[c]) for item in items if item] for c in settings.codes}
        else:
            outcomes = {c: [str(x) for x in v] for c, v in (ctx.localized(raw, "outcomes", kind=list) or {}).items()}
    if raw.get("image") is not None:
        check_link(ctx, raw["image"], "image")
    updated = ctx.date(raw["updated"], ("updated",)) if raw.get("updated") else None
    return Service(
        kind=kind, name=path.stem, source=ctx.display, slug=checked_slug(ctx, raw, slugify(path.stem)),
        title=title, summary=summary, body=body, tags=tag_list(ctx, raw, "tags"),
        image_source=raw.get("image"), weight=weight, draft=boolean(ctx, raw, "draft"),
        duration=ctx.localized(raw, "duration"), audience=ctx.localized(raw, "audience"),
        formats=formats, languages=languages, outcomes=outcomes, pricing=ctx.localized(raw, "pricing"),
        expertise_names=string_list(ctx, raw, "expertise"),
        sessions=read_sessions(ctx, raw.get("sessions"), check_link), aliases=alias_list(ctx, raw),
        updated=updated,
        meta=own_params(ctx, raw, SERVICE_FIELDS),
    )
