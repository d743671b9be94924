"""The preview's rebuild from the change: a post's text or a template edited.

`sitegen serve` knows which files changed (the watcher's paths). When each
of them is the Markdown of a published post or page edited in a way no
other page shows (its body: a typo fixed, a paragraph added, with its
title, summary, tags, date and reading time as they were), or a theme
template, the site model of the last build is updated in place instead of
being made again, and only the pages that read what changed are rendered:
those that show an edited source whole (the reverse index recorded with
the last build's digests) and those rendered with an edited template. They
are written into the preview's folder one by one, each replaced whole by a
rename, and the browser is told as soon as they are there; the feeds that
list an edited post follow. Any other change (a title, tags, a new or
deleted file, settings, strings, the clock passing a session) goes through
the full incremental build, and so does the next build after a failed one.
"""

from __future__ import annotations

import dataclasses
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Collection

from ..cache.incremental import TemplateGraph
from ..cache.uptodate import BuildResult
from ..errors import SitegenError
from ..pages.spec import PageSpec
from ..parallel import ordered_map
from ..settings.config import Settings
from ..site.image_refs import body_images
from ..site.sitemodel import Site
from ..site.urls import output_file
from ..sources.context import display_path
from ..sources.hashing import file_hash
from ..sources.models import Page, Post
from ..sources.readers import read_page, read_post, stat_key
from .gather import Plan
from .writer import replace_file

if TYPE_CHECKING:
    from .builder import Builder, Rendering

PagesWritten = Callable[[list[str]], None]
"""Told the output files of the edited pages as soon as they are written."""

BODY_ONLY = ("body", "words")
"""What an edit may change for the site model to be updated in place: what
only the source's own page (and the feeds listing it) shows."""


@dataclass(eq=False)
class LastBuild:
    """What the last full build of a preview made, kept for the next edit."""

    settings: Settings
    site: Site
    plan: Plan
    rendering: Rendering
    until: float | None
    """When the clock alone changes the site next (a session passes): a full build then."""
    readers: dict[str, list[str]]
    """Source → URLs of the pages that show it whole (recorded with their digests)."""
    warnings: list[str]

    def __post_init__(self) -> None:
        self.specs = {spec.url: spec for spec in self.plan.specs}
        self.items: dict[str, Post | Page] = {item.source: item for item in [*self.site.posts, *self.site.pages]}
        self.copied = {display_path(copy.file, self.settings.root) for copy in self.plan.copies}


def reverse_index(reads: dict[str, tuple[str, ...]]) -> dict[str, list[str]]:
    """Page URL → sources it shows whole, turned into source → page URLs."""
    readers: dict[str, list[str]] = {}
    for url, sources in reads.items():
        for source in sources:
            readers.setdefault(source, []).append(url)
    return readers


@dataclass(frozen=True, slots=True)
class Edit:
    """One source re-read, and what the model had of it."""

    item: Post | Page
    record: Post | Page
    key: str
    """The file as the read memo names it."""
    digest: str
    stat: tuple[int, int, int] | None
    warnings: list[str]
    old_warnings: list[str]


def rebuild(builder: Builder, changed: Collection[Path], pages_written: PagesWritten | None) -> BuildResult | None:
    """The rebuild from `changed`, or None when it needs the full build."""
    last = builder.last
    started = time.perf_counter()
    if last is None or (last.until is not None and time.time() >= last.until):
        return None
    root = builder.root.resolve()
    edits, template_changed = [], False
    for path in changed:
        if any(path.is_relative_to(d / "templates") for d in last.settings.theme_dirs):
            template_changed = True
            continue
        edit = reread(builder, last, root, path)
        if edit is False:
            return None
        if edit is not None:
            edits.append(edit)
    if not edits and not template_changed:
        return None
    try:
        return update(builder, last, edits, template_changed, pages_written, started)
    except BaseException:
        builder.last = None  # half-updated: the next build is a full one
        raise


def reread(builder: Builder, last: LastBuild, root: Path, path: Path) -> Edit | None | bool:
    """The edit of one changed file; None for nothing to do (a file that came
    and went); False when the model cannot be updated in place."""
    try:
        source = path.relative_to(root).as_posix()
    except ValueError:
        return False
    item = last.items.get(source)
    memo = builder.memo
    key = next((k for k in (str(builder.root / source), source, str(root / source)) if k in memo.records), None)
    if item is None or key is None:
        # A file that came and went (an editor's temporary file) changes nothing.
        return None if not path.exists() and source not in last.copied else False
    stat = stat_key(Path(key))
    if stat is None:
        return False  # deleted
    reader = read_post if isinstance(item, Post) else read_page
    settings = last.settings
    before = len(settings.warnings)
    try:
        digest = file_hash(Path(key))
        record = reader(settings, Path(key))
    except (SitegenError, OSError):
        return False  # the full build reports it, with every other mistake
    finally:
        warnings = settings.warnings[before:]
        del settings.warnings[before:]
    if not body_only(memo.records[key][1], record):
        return False
    return Edit(item, record, key, digest, stat, warnings, memo.records[key][2])


def body_only(old: Post | Page, new: Post | Page) -> bool:
    """Whether everything but what only its own page shows is as it was."""
    same = all(getattr(old, f.name) == getattr(new, f.name) for f in dataclasses.fields(old)
               if f.init and f.name not in BODY_ONLY)
    if isinstance(old, Post) and old.reading_minutes != new.reading_minutes:  # lists show it
        return False
    return same and set(body_images(old.body)) == set(body_images(new.body))  # sized from the image table


def update(builder: Builder, last: LastBuild, edits: list[Edit], template_changed: bool,
           pages_written: PagesWritten | None, started: float) -> BuildResult:
    rendering = last.rendering
    for edit in edits:
        apply(builder, last, edit)
    urls = list(dict.fromkeys(url for edit in edits for url in last.readers.get(edit.item.source, ())))
    if template_changed:
        rendering = retemplated(builder, last)
        old = last.rendering.templates
        urls += [s.url for s in last.plan.specs if rendering.templates.get(s.template) != old.get(s.template)
                 and s.url not in urls]
        last.rendering = rendering
    output = last.settings.output
    changed = render_in_place(builder, rendering, [last.specs[url] for url in urls], output)
    if pages_written is not None and changed:
        pages_written(list(changed))
    changed += refresh_feeds(builder, last, {id(edit.item) for edit in edits}, output)
    warnings = last.warnings
    for edit in edits:
        for old in edit.old_warnings:
            if old in warnings:
                warnings.remove(old)
        warnings += edit.warnings
    return BuildResult(len(last.plan.specs), last.plan.files, time.perf_counter() - started, output,
                       list(warnings), len(urls), changed, builder.notes)


def apply(builder: Builder, last: LastBuild, edit: Edit) -> None:
    """The model, the read memo and the digests' inputs take the new text."""
    edit.item.body, edit.item.words = edit.record.body, edit.record.words
    memo = builder.memo
    memo.records[edit.key] = (edit.digest, edit.record, edit.warnings)
    if edit.stat is not None:
        memo.stats[edit.key] = edit.stat
    memo.hashes[edit.item.source] = edit.digest
    last.rendering.shown.hashes[edit.item.source] = edit.digest


def retemplated(builder: Builder, last: LastBuild) -> Rendering:
    """The rendering with the templates as they are now."""
    rendering = last.rendering
    env = rendering.renderer.env
    graph = TemplateGraph(env)
    templates = graph.digests(rendering.templates)
    if env.cache is not None:
        env.cache.clear()
    return dataclasses.replace(rendering, graph=graph, templates=templates)


def render_in_place(builder: Builder, rendering: Rendering, specs: list[PageSpec], output: Path) -> list[str]:
    """Render `specs` into the served folder; the output files whose bytes changed."""
    digests = builder.page_digests
    for spec in specs:
        digests.pop(spec.url, None)  # until its new file is there, it is not up to date

    def make(index: int) -> tuple[bool, str]:
        spec = specs[index]
        written = replace_file(output, output_file(spec.url), rendering.renderer.render(spec))
        return written, rendering.page_key(spec)

    rendering.preload({spec.template for spec in specs})
    changed = []
    for spec, (written, key) in zip(specs, ordered_map(make, range(len(specs)), renew_workers=True)):
        digests[spec.url] = key
        if written:
            changed.append(output_file(spec.url))
    return changed


def refresh_feeds(builder: Builder, last: LastBuild, edited: set[int], output: Path) -> list[str]:
    """The feeds listing an edited post, made again (they show its text)."""
    changed = []
    for feed in last.plan.outputs:
        if feed.listed is None or not any(id(post) in edited for post in feed.listed):
            continue
        name = f"feed:{feed.path}"
        builder.page_digests.pop(name, None)
        data = feed.content() if callable(feed.content) else feed.content
        if replace_file(output, feed.path, data):
            changed.append(feed.path)
        builder.page_digests[name] = last.rendering.feed_key(feed)
    return changed
