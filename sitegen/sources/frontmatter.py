"""Opening one source file: its front matter (or a whole YAML file) as a
checked mapping, the Markdown body after it, and the language a file name
gives (`name.fr.md`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import ContentError
from ..settings.config import Settings
from ..settings.placeholders import placeholder_warnings
from ..settings.yamlio import normalize_newlines, parse_yaml, path_line, quoted, read_text
from .context import FileContext, display_path

LANG_SUFFIX = re.compile(r"^[a-z]{2,3}$")
MARKDOWN_SUFFIXES = (".md", ".markdown")
"""What a Markdown post or page may end with (Jekyll and Hugo users write `.markdown`)."""


def split_front_matter(ctx_display: str, text: str) -> tuple[str, str, int]:
    """(front matter YAML, Markdown body, line where the body starts).

    A byte order mark and CRLF line ends are accepted (read_text already
    removes them; this is for text that comes from elsewhere)."""
    text = normalize_newlines(text)
    if not text.startswith("---"):
        raise ContentError("no front matter", ctx_display, 1,
                           hint="start the file with a line '---', then 'title: ...' and 'date: ...', "
                                "then a closing '---'")
    first_newline = text.find("\n")
    if first_newline == -1 or text[:first_newline].strip() != "---":
        raise ContentError("the first line must be exactly '---'", ctx_display, 1)
    match = re.compile(r"^(---|\.\.\.)[ \t]*$", re.MULTILINE).search(text, first_newline + 1)
    if not match:
        raise ContentError("front matter is not closed", ctx_display, 1,
                           hint="add a line '---' after the last front matter key")
    yaml_text = text[first_newline + 1:match.start()]
    body_start = match.end() + 1
    body_line = text.count("\n", 0, body_start) + 1
    return yaml_text, text[body_start:], body_line


def key_line(settings: Settings, source: str, *keys: Any) -> int:
    """The line of a key in a source file (`content/posts/x.md`, YAML front
    matter or a YAML file), for problems found after reading (1 when unknown)."""
    text = read_text(settings.root / source, source)
    first_line = 1
    if source.endswith(MARKDOWN_SUFFIXES):
        text, _, _ = split_front_matter(source, text)
        first_line = 2
    return path_line(text, keys, first_line) or 1


def read_markdown_file(settings: Settings, path: Path, name: str, lang_hint: str | None
                       ) -> tuple[FileContext, dict[str, Any], str, str]:
    """Common to posts and pages: front matter checks and the language."""
    display = display_path(path, settings.root)
    text = read_text(path, display)
    yaml_text, body, _ = split_front_matter(display, text)
    ctx = FileContext(settings, path, yaml_text, first_line=2)
    settings.warnings.extend(placeholder_warnings(display, text, yaml=False))
    raw = parse_yaml(yaml_text, display, first_line=2)
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ContentError("front matter must be 'key: value' lines, not a list or a single value",
                           display, 2, hint="write e.g. 'title: My post' and 'date: 2026-11-22'")
    lang = lang_hint
    if lang is None:
        lang = raw.get("lang", settings.default_lang)
        if lang not in settings.codes:
            raise ctx.error(f"lang: {quoted(lang)} is not a language of this site ({', '.join(settings.codes)})", "lang",
                            hint="use one of the codes listed under 'languages' in site.yml")
    if not isinstance(raw.get("title"), (str, int, float)) or not str(raw.get("title")).strip():
        raise ctx.error("front matter: 'title' is required", *(("title",) if "title" in raw else ()),
                        hint="add a line 'title: ...' between the '---' lines")
    return ctx, raw, body, lang


def split_name(path: Path, settings: Settings, display: str) -> tuple[str, str | None]:
    """`name.fr.md` → (`name`, `fr`); a suffix that looks like a language must be one."""
    stem = markdown_stem(path.name)
    if "." in stem:
        base, suffix = stem.rsplit(".", 1)
        if LANG_SUFFIX.match(suffix):
            if suffix not in settings.codes:
                raise ContentError(f"language suffix '.{suffix}' is not a language of this site "
                                   f"({', '.join(settings.codes)})", display, 1,
                                   hint="rename the file or add the language to 'languages' in site.yml")
            return base, suffix
    return stem, None


def markdown_stem(file_name: str) -> str:
    """`x.fr.markdown` → `x.fr`."""
    return next(file_name[:-len(s)] for s in MARKDOWN_SUFFIXES if file_name.endswith(s))


def read_yaml_file(settings: Settings, path: Path) -> tuple[FileContext, dict[str, Any]]:
    display = display_path(path, settings.root)
    text = read_text(path, display)
    raw = parse_yaml(text, display)
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ContentError("must be 'key: value' lines, not a list or a single value", display, 1)
    settings.warnings.extend(placeholder_warnings(display, text, yaml=True))
    return FileContext(settings, path, text), raw
