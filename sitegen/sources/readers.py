"""Readers: source files on disk to typed records (models.py).

Each reader validates what it reads and raises ContentError naming the file
and line; `read_sources` collects the errors of every file so the user sees
them all at once.
"""

from __future__ import annotations

import copy
import os
import re
import time as clock
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from slugify import slugify

from ..settings.config import Settings
from ..errors import ContentError, SitegenError, every_mistake
from .keys import PAGE_FIELDS, POST_FIELDS, PROFILE_FIELDS, SERVICE_FIELDS, check_keys, own_params
from .links import link_name, written_url
from .markdown import count_words, first_paragraph, render_markdown
from .models import CONTENT_FOLDERS, Notice, Page, Post, Profile, Service, Sources, StaticFile
from ..parallel import ordered_map
from ..settings.placeholders import placeholder_warnings
from ..settings.safety import (LinkOutside, alias_problem, allowed_folders, check_path, is_inside, link_problem,
                     slug_problem, walk_files)
from .context import ContentErrors, FileContext, display_path
from .sessions import read_sessions
from .hashing import RACY_SECONDS, file_hash
from ..settings.yamlio import normalize_newlines, parse_yaml, path_line, quoted, read_text

SERVICE_KINDS = {folder: kind for kind, folder in CONTENT_FOLDERS.items() if kind != "post"}
LEADING_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}[-_]")
LANG_SUFFIX = re.compile(r"^[a-z]{2,3}$")
MARKDOWN_SUFFIXES = (".md", ".markdown")
"""What a Markdown post or page may end with (Jekyll and Hugo users write `.markdown`)."""
EMAIL = re.compile(r"[^@\s?#&/:<>\"']+@[A-Za-z0-9.-]+\.[A-Za-z0-9-]+")


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


def markdown_collisions(paths: list[Path], root: Path) -> list[ContentError]:
    """`x.md` beside `x.markdown`: one post (or page) written twice; which one
    wins would depend on the order the folder lists them."""
    seen: dict[tuple[Path, str], Path] = {}
    errors = []
    for path in sorted(paths, key=lambda p: (p.parent, markdown_stem(p.name), not p.name.endswith(".md"))):
        key = (path.parent, markdown_stem(path.name))
        other = seen.setdefault(key, path)
        if other is not path:
            first, second = display_path(other, root), display_path(path, root)
            errors.append(ContentError(f"{first} and {second} are the same file under two names (same name and "
                                       "language)", second, 1, hint="keep one of them: delete or rename the other"))
    return errors


def string_list(ctx: FileContext, raw: dict, key: str) -> tuple[str, ...]:
    value = raw.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        ctx.report(f"{key} must be a list of text, e.g. {key}: [one, two]", key)
        return ()
    return tuple(str(v) for v in value)


def tag_list(ctx: FileContext, raw: dict, key: str) -> tuple[str, ...]:
    """Tags: each must give a URL segment (`/tags/<slug>/`)."""
    names = string_list(ctx, raw, key)
    for i, name in enumerate(names):
        if not slugify(name):
            ctx.report(f"{key}: {name[:80]!r} gives an empty URL (/tags/…/); use a tag with letters "
                       f"or digits", key, i)
    return names


def alias_list(ctx: FileContext, raw: dict) -> tuple[str, ...]:
    """Old URLs: site paths only, so `_redirects` gets one rule per alias."""
    aliases = string_list(ctx, raw, "aliases")
    for i, alias in enumerate(aliases):
        problem = alias_problem(alias)
        if problem:
            ctx.report(f"aliases: {problem}", "aliases", i)
    return aliases


def checked_slug(ctx: FileContext, raw: dict, default: str, nested: bool = False) -> str:
    """The `slug` key or the one made from the file name: one URL segment,
    or for a page (`nested`) segments joined by '/', as in a page tree
    (`about/team`)."""
    if raw.get("slug") is None or raw.get("slug") == "":
        if not default:
            raise ctx.error("the file name gives an empty slug (URL)", hint="add a line 'slug: my-page' "
                            "or rename the file with letters or digits")
        return default
    value = raw["slug"]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    segments = value.split("/") if nested and isinstance(value, str) and all(value.split("/")) else [value]
    problem = next(filter(None, map(slug_problem, segments)), None)
    if problem:
        ctx.report(f"slug: {problem}", "slug")
        return default or "slug"
    return value


def check_link(ctx: FileContext, value: Any, *keys: Any) -> None:
    """A field that becomes an href: http(s), mailto, tel or a site path."""
    problem = link_problem(value)
    if problem:
        label = ".".join(str(k) for k in keys)
        ctx.report(f"{label}: {problem}", *keys)


def boolean(ctx: FileContext, raw: dict, key: str) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        ctx.report(f"{key} must be true or false, not {quoted(value)}", key)
        return False
    return value


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

    body = render_markdown(body_md, lang)
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
        if not slugify(name):
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
    body = render_markdown(body_md, lang)
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
    body = {code: render_markdown(text, code) for code, text in body_md.items()}
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


def profile_links(ctx: FileContext, raw: Any) -> tuple[tuple[str, str], ...]:
    """(name, url) pairs from a list of URLs, `{name, url}` mappings, or both."""
    if raw is None:
        return ()
    if isinstance(raw, (str, dict)):
        raw = [raw]
    if not isinstance(raw, list):
        ctx.report("links must be a list of addresses or of {name, url}", "links",
                   hint="write e.g. links: [https://github.com/jane, https://www.linkedin.com/in/jane]")
        return ()
    links = []
    for i, item in enumerate(raw):
        if isinstance(item, dict) and "url" in item:
            check_keys(ctx, item, "link", "links", i)
            url, name = item["url"], item.get("name")
            url = written_url(url) if isinstance(url, str) else url
            check_link(ctx, url, "links", i, "url")
        elif isinstance(item, str):
            url, name = written_url(item), None
            check_link(ctx, url, "links", i)
        else:
            ctx.report("each link is an address (https://github.com/jane) or {name: GitHub, url: https://...}",
                       "links", i)
            continue
        links.append((str(name).strip() if name not in (None, "") else link_name(url), url))
    return tuple(links)


@every_mistake
def read_profile(settings: Settings, path: Path) -> Profile:
    if os.path.lexists(path):
        check_path(path, settings.root)
    if not path.is_file():
        raise ContentError("the profile is missing", display_path(path, settings.root),
                           hint="create content/profile.yml with at least 'name: Your Name'")
    ctx, raw = read_yaml_file(settings, path)
    if not raw.get("name"):
        raise ctx.error("'name' is required", hint="add a line 'name: Your Name'")
    check_keys(ctx, raw, "profile")
    links = profile_links(ctx, raw.get("links"))
    if raw.get("photo") is not None:
        check_link(ctx, raw["photo"], "photo")
    booking = raw.get("booking")
    if booking is not None:
        check_link(ctx, booking, "booking")
    email = raw.get("email")
    if email and not EMAIL.fullmatch(str(email)):
        # It is written after mailto: in links, so '?' or '&' would add headers.
        ctx.report(f"email: {str(email)[:80]!r} is not an e-mail address such as jane@jane.example", "email")
    notices = []
    for i, item in enumerate(raw.get("availability") or []):
        if not isinstance(item, dict) or "until" not in item or "note" not in item:
            ctx.report("each availability notice needs a note and an until date", "availability", i)
            continue
        check_keys(ctx, item, "availability", "availability", i)
        start = ctx.date(item["from"], ("availability", i, "from")).date() if item.get("from") else None
        until = ctx.date(item["until"], ("availability", i, "until")).date()
        note = ctx.localized({"note": item["note"]}, "note", required=True)
        notices.append(Notice(note, start, until))
    spoken = raw.get("languages_spoken") or []
    spoken_by_lang = ctx.localized({"languages_spoken": spoken}, "languages_spoken", kind=list) or {}
    bio = ctx.localized(raw, "bio") or {c: "" for c in settings.codes}
    empty = {c: "" for c in settings.codes}
    return Profile(
        name=str(raw["name"]), photo=raw.get("photo"),
        photo_alt=ctx.localized(raw, "photo_alt") or {c: str(raw["name"]) for c in settings.codes},
        job_title=ctx.localized(raw, "job_title") or empty, headline=ctx.localized(raw, "headline") or empty,
        bio={c: render_markdown(t, c) for c, t in bio.items()},
        location=str(raw["location"]) if raw.get("location") else None,
        email=str(raw["email"]) if raw.get("email") else None,
        links=links, booking=str(booking).strip() if booking else None,
        languages_spoken={c: [str(x) for x in v] for c, v in spoken_by_lang.items()},
        availability=tuple(notices),
        source=ctx.display,
        meta=own_params(ctx, raw, PROFILE_FIELDS),
    )


IGNORED = re.compile(r"(^\.|~$|\.swp$|\.swx$|^4913$|___jb_(tmp|old)___$|^#.*#$)")


def is_ignored(path: Path) -> bool:
    """Hidden files and editors' temporary files are never content."""
    return any(IGNORED.search(part) for part in path.parts)


def _entries(folder: Path, root: Path, allowed: tuple[Path, ...]) -> list[os.DirEntry]:
    """A folder's entries, sorted, without ignored names; a link among them
    that leads out of the site raises LinkOutside."""
    with os.scandir(folder) as found:
        entries = sorted((e for e in found if not IGNORED.search(e.name)), key=lambda e: e.path)
    for entry in entries:
        if entry.is_symlink() and not is_inside(Path(entry.path).resolve(), allowed):
            raise LinkOutside(display_path(Path(entry.path), root), Path(entry.path).resolve(),
                              os.readlink(entry.path))
    return entries


def _files(folder: Path, pattern: str, root: Path) -> list[Path]:
    """Source files under `folder`: `*.md` (one level), `*/index*.md` (folder
    posts) or `**/*` (everything). Links are followed only inside the site."""
    if not folder.is_dir():
        return []
    allowed = allowed_folders(root)
    check_path(folder, root, allowed)
    if pattern == "**/*":
        return list(walk_files(folder, root, allowed, skip=IGNORED))
    if pattern.startswith("*/"):  # folder posts: <name>/index*.md
        suffixes = suffixes_of(pattern.rsplit("*", 1)[-1])
        return [Path(inner.path) for entry in _entries(folder, root, allowed) if entry.is_dir()
                for inner in _entries(Path(entry.path), root, allowed)
                if inner.name.startswith("index") and inner.name.endswith(suffixes) and inner.is_file()]
    # One folder: a scan is much cheaper than a glob on thousands of posts.
    suffixes = suffixes_of(pattern.lstrip("*"))
    return [Path(e.path) for e in _entries(folder, root, allowed) if e.name.endswith(suffixes) and e.is_file()]


def suffixes_of(suffix: str) -> tuple[str, ...]:
    """A Markdown file is `.md` or `.markdown` wherever one of them is asked for."""
    return MARKDOWN_SUFFIXES if suffix in MARKDOWN_SUFFIXES else (suffix,)


@dataclass
class ReadMemo:
    """Records of the last read, by file, with the hash of the bytes they came
    from: an unchanged file is not parsed (nor its Markdown rendered) again.
    Only valid for one set of settings (languages, time zone, …)."""

    settings_key: str = ""
    records: dict[str, tuple[str, Any, list[str]]] = field(default_factory=dict)
    """path → (content hash, record, warnings it gave). Paths as text: Path
    objects are slow to unpickle, by the thousand."""
    stats: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    """path → (mtime_ns, size, inode) when it was hashed."""
    hashes: dict[str, str] = field(default_factory=dict)
    """source (as records name it) → content hash, from the last read."""


def stat_key(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino


def content_digest(path: Path, memo: ReadMemo, now_ns: int) -> tuple[str, tuple[int, int, int] | None]:
    """The file's content hash, without reading it when its size, time and
    inode are those of the last read and it has not just been written; and
    the stat taken before reading (so a write during the read is seen next time)."""
    key = stat_key(path)
    known = memo.records.get(str(path))
    if (known is not None and key is not None and memo.stats.get(str(path)) == key
            and now_ns - key[0] > RACY_SECONDS * 1e9):
        return known[0], key
    return file_hash(path), key


def read_sources(settings: Settings, memo: ReadMemo | None = None) -> Sources:
    """Read every source file; collect every file's error before failing.

    Files unchanged since the memo's read are not parsed again; the others
    are parsed in parallel when there are many (their Markdown is most of a
    cold build's time)."""
    content, root = settings.content_dir, settings.root
    tasks: list[tuple[str, Callable[..., Any], Path, tuple]] = []

    def add(group: str, reader: Callable[..., Any], path: Path, *args: Any) -> None:
        tasks.append((group, reader, path, args))

    post_files = _files(content / "posts", "*.md", root) + _files(content / "posts", "*/index*.md", root)
    page_files = _files(content / "pages", "*.md", root)
    collisions = markdown_collisions(post_files, root) + markdown_collisions(page_files, root)
    for path in post_files:
        add("posts", read_post, path)
    for path in page_files:
        add("pages", read_page, path)
    for folder, kind in SERVICE_KINDS.items():
        for path in _files(content / folder, "*.yml", root) + _files(content / folder, "*.yaml", root):
            add("services", read_service, path, kind)
    add("profile", read_profile, content / "profile.yml")

    now_ns = clock.time_ns()
    checked = [content_digest(path, memo, now_ns) if memo is not None else ("", None) for _, _, path, _ in tasks]
    digests = [digest for digest, _ in checked]
    known = [memo.records.get(str(path)) if memo is not None else None for _, _, path, _ in tasks]
    stale = [i for i, entry in enumerate(known) if entry is None or entry[0] != digests[i]]

    def parse(index: int) -> tuple[Any, list[str], SitegenError | None]:
        _, reader, path, args = tasks[index]
        before = len(settings.warnings)
        try:
            record = reader(settings, path, *args)
        except SitegenError as exc:
            del settings.warnings[before:]
            return None, [], exc
        # Taken back out of the shared list: the loop below adds every file's
        # warnings, whether it was parsed here, in a worker or earlier.
        warnings = settings.warnings[before:]
        del settings.warnings[before:]
        return record, warnings, None

    parsed = dict(zip(stale, ordered_map(parse, stale)))
    errors: list[SitegenError] = [*collisions]
    seen: dict[str, tuple[str, Any, list[str]]] = {}
    hashes: dict[str, str] = {}
    groups: dict[str, list[Any]] = {"posts": [], "pages": [], "services": [], "profile": []}
    for index, (group, _, path, _) in enumerate(tasks):
        if index in parsed:
            record, warnings, error = parsed[index]
            if error is not None:
                errors.append(error)
                continue
        else:
            record, warnings = known[index][1], known[index][2]  # type: ignore[index]
        settings.warnings.extend(warnings)
        seen[str(path)] = (digests[index], record, warnings)
        hashes[display_path(path, settings.root)] = digests[index]
        # Relations (translations, series, …) are set on copies by the site
        # model, so the memo keeps each record as it was read.
        groups[group].append(copy.copy(record) if memo is not None else record)
    static = [StaticFile(p, "/" + p.relative_to(content / "static").as_posix())
              for p in _files(content / "static", "**/*", root)]
    if memo is not None:
        memo.stats = {str(tasks[i][2]): key for i, (_, key) in enumerate(checked)
                      if key is not None and str(tasks[i][2]) in seen}
        memo.records, memo.hashes = seen, hashes
    if errors:
        raise errors[0] if len(errors) == 1 else ContentErrors(errors)
    posts, pages, services = groups["posts"], groups["pages"], groups["services"]
    profile = groups["profile"][0]
    return Sources(posts, pages, services, profile, static)
