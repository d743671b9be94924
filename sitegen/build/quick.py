"""The preview's rebuild from the change: a post's text or a template edited.

`sitegen serve` knows which files changed (the watcher's paths). When each
of them is a theme template, or the Markdown of a published post or page
edited without moving it in the site (its body, and for a post its title,
summary, abstracts or reading time; not its date, tags, series, language,
address or image), the site model of the last build is updated in place
instead of being made again, and only the pages that read what changed are
rendered: those that show an edited source whole, those that list an edited
post whose title or summary changed (the reverse indexes recorded with the
last build's digests), and those rendered with an edited template. They are
written into the preview's folder one by one, each replaced whole by a
rename, and the browser is told as soon as they are all there; the feeds
(and social image) of an edited post follow. Any other change (tags, a new
or deleted file, settings, strings, the clock passing a session) goes
through the full incremental build, and so does the next build after a
failed one.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Collection

from ..cache.incremental import PageReads
from ..cache.uptodate import BuildResult
from ..errors import SitegenError
from ..pages.fragments import forget_fragments
from ..pages.spec import PageSpec
from ..parallel import MIN_ITEMS, ordered_map
from ..settings.config import Settings
from ..site.image_refs import body_images
from ..site.sitemodel import Site
from ..site.urls import output_file
from ..sources.context import display_path
from ..sources.hashing import file_hash
from ..sources.models import Page, Post
from ..sources.posts import read_page, read_post
from ..sources.readers import stat_key
from .gather import Plan
from .writer import InPlaceWriter

if TYPE_CHECKING:
    from .builder import Builder, Rendering

PagesWritten = Callable[[list[str], bool], None]
"""`pages_written(files, partial)`: told the output files of the edited
sources' own pages as soon as they are written; `partial`: other pages
(those listing them) are still to come."""

OWN_PAGE = ("body", "words", "meta")
"""What only a source's own page (and the feeds listing it) shows."""
LISTED = ("title", "summary", "abstract", "original")
"""What pages listing a post show of it, besides its reading time. Anything
else moves it in the site: its place in lists, tags, series or translations."""


@dataclass(eq=False)
class LastBuild:
    """What the last full build of a preview made, kept for the next edit."""

    settings: Settings
    site: Site
    plan: Plan
    rendering: Rendering
    until: float | None
    """When the clock alone changes the site next (a session passes): a full build then."""
    reads: dict[str, PageReads]
    """Page URL → the sources it shows (recorded with its digest)."""
    warnings: list[str]

    def __post_init__(self) -> None:
        self.readers: dict[str, list[str]] = {}
        """Source → URLs of the pages that show it whole."""
        self.listers: dict[str, list[str]] = {}
        """Post source → URLs of the pages that list it."""
        for url, read in self.reads.items():
            for source in read.whole:
                self.readers.setdefault(source, []).append(url)
            for source in read.listed:
                self.listers.setdefault(source, []).append(url)
        self.specs = {spec.url: spec for spec in self.plan.specs}
        self.items: dict[str, Post | Page] = {item.source: item for item in [*self.site.posts, *self.site.pages]}
        self.copied = {display_path(copy.file, self.settings.root) for copy in self.plan.copies}


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
    listed: bool
    """Whether what lists show of it changed."""


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
    old = memo.records[key][1]
    if not stays_in_place(old, record):
        return False
    listed = isinstance(old, Post) and (any(getattr(old, n) != getattr(record, n) for n in LISTED)
                                        or old.reading_minutes != record.reading_minutes)
    return Edit(item, record, key, digest, stat, warnings, memo.records[key][2], listed)


def stays_in_place(old: Post | Page, new: Post | Page) -> bool:
    """Whether the edit leaves the source where it was in the site model."""
    free = OWN_PAGE + LISTED if isinstance(old, Post) else OWN_PAGE
    if any(getattr(old, f.name) != getattr(new, f.name) for f in dataclasses.fields(old)
           if f.init and f.name not in free):
        return False
    if isinstance(old, Post) and old.abstract.keys() != new.abstract.keys():
        return False  # an abstract for a language lists the post there
    return set(body_images(old.body)) == set(body_images(new.body))  # sized from the image table


def update(builder: Builder, last: LastBuild, edits: list[Edit], template_changed: bool,
           pages_written: PagesWritten | None, started: float) -> BuildResult:
    rendering = last.rendering
    # The list items kept by the last renders show the model as it was.
    forget_fragments(rendering.renderer.env)
    for edit in edits:
        apply(builder, last, edit)
    # A source's own pages first: the browser gets them before the lists.
    own = list(dict.fromkeys(url for edit in edits for url in last.readers.get(edit.item.source, ())))
    rest = dict.fromkeys(url for edit in edits if edit.listed for url in last.listers.get(edit.item.source, ()))
    if template_changed:
        rendering = retemplated(builder, last)
        old = last.rendering.templates
        rest.update(dict.fromkeys(s.url for s in last.plan.specs
                                  if rendering.templates.get(s.template) != old.get(s.template)))
        last.rendering = rendering
    for url in own:
        rest.pop(url, None)
    output = last.settings.output
    changed = render_in_place(builder, rendering, [last.specs[url] for url in own], output)
    if pages_written is not None and changed:
        pages_written(list(changed), bool(rest))
    changed += render_in_place(builder, rendering, [last.specs[url] for url in rest], output)
    changed += refresh_outputs(builder, last, edits, output)
    warnings = last.warnings
    for edit in edits:
        for old in edit.old_warnings:
            if old in warnings:
                warnings.remove(old)
        warnings += edit.warnings
    return BuildResult(len(last.plan.specs), last.plan.files, time.perf_counter() - started, output,
                       list(warnings), len(own) + len(rest), changed, builder.notes)


def apply(builder: Builder, last: LastBuild, edit: Edit) -> None:
    """The model, the read memo and the digests' inputs take the new text."""
    for name in (*OWN_PAGE, *LISTED) if isinstance(edit.item, Post) else OWN_PAGE:
        setattr(edit.item, name, getattr(edit.record, name))
    if edit.listed:
        last.rendering.shown.forget(edit.item)
    memo = builder.memo
    memo.records[edit.key] = (edit.digest, edit.record, edit.warnings)
    if edit.stat is not None:
        memo.stats[edit.key] = edit.stat
    memo.hashes[edit.item.source] = edit.digest
    last.rendering.shown.hashes[edit.item.source] = edit.digest


def retemplated(builder: Builder, last: LastBuild) -> Rendering:
    """The rendering with the templates as they are now."""
    rendering = last.rendering
    graph = builder.templates_now(rendering.renderer.env, last.settings.root)
    templates = graph.digests(rendering.templates)
    return dataclasses.replace(rendering, graph=graph, templates=templates)


def render_in_place(builder: Builder, rendering: Rendering, specs: list[PageSpec], output: Path) -> list[str]:
    """Render `specs` into the served folder; the output files whose bytes changed."""
    digests = builder.page_digests
    for spec in specs:
        digests.pop(spec.url, None)  # until its new file is there, it is not up to date

    writer = InPlaceWriter(output)

    def make(index: int) -> tuple[bool, str]:
        spec = specs[index]
        written = writer.replace(output_file(spec.url), rendering.renderer.render(spec))
        return written, rendering.page_key(spec)

    rendering.preload({spec.template for spec in specs})
    if len(specs) >= MIN_ITEMS:
        rendering.shown.remember(rendering.site.posts)
    changed = []
    for spec, (written, key) in zip(specs, ordered_map(make, range(len(specs)))):
        digests[spec.url] = key
        if written:
            changed.append(output_file(spec.url))
    return changed


def refresh_outputs(builder: Builder, last: LastBuild, edits: list[Edit], output: Path) -> list[str]:
    """The feeds listing an edited post (they show its text) made again, and
    the social image of a post whose title changed."""
    edited = {id(edit.item) for edit in edits}
    urls = last.site.urls
    drawn = {urls.post_social(edit.item).lstrip("/") for edit in edits if edit.listed}
    changed = []
    writer = InPlaceWriter(output)
    for made in last.plan.outputs:
        feed = made.listed is not None and any(id(post) in edited for post in made.listed)
        if not feed and made.path not in drawn:
            continue
        if feed:
            builder.page_digests.pop(made.digest_name, None)
        data = made.content() if callable(made.content) else made.content
        if writer.replace(made.path, data):
            changed.append(made.path)
        if feed:
            builder.page_digests[made.digest_name] = last.rendering.feed_key(made)
    return changed
