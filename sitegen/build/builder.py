"""`sitegen build`: settings → sources → site model → pages → output folder."""

from __future__ import annotations

import gc
import os
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Collection, Iterator

import filelock

from ..cache import layout, store, uptodate
from ..cache.uptodate import BuildResult, digest, fail_if_strict
from ..errors import SitegenError, path_for_messages
from ..pages.images import ImageMemo, ImageTable, load_pillow
from ..pages.spec import PageSpec
from ..parallel import ordered_map
from ..settings.config import SETTINGS_FILE, Settings, load_settings
from ..site.files import FileCopy, Output
from ..site.image_refs import check_images
from ..site.sitemodel import Site, build_site
from ..site.urls import output_file
from ..sources.models import Sources
from ..sources.readers import ReadMemo, read_sources
from .outputdir import OutputError, check_output_folder, disk_error
from .writer import StagedOutput, UpdatedOutput

# The rendering stage (Jinja, the page kinds, feeds, calendars: 80 ms of
# imports) is imported in the methods that use it, first while the reading
# workers work (_prepare_rendering), not before they start.
if TYPE_CHECKING:
    import jinja2

    from ..cache.incremental import Inputs, PageReads, TemplateGraph
    from . import quick
    from .gather import Plan

LOCK_PATIENCE = 600.0
"""Seconds a build waits for another build of the same site before giving up."""


@dataclass(frozen=True, slots=True)
class Written:
    """What the write stage did, for the build's result."""

    pages: int
    files: int
    rendered: int
    changed: list[str]
    rendering: Rendering
    reads: dict[str, PageReads]
    """Page URL → the sources it shows."""


@dataclass(frozen=True, slots=True)
class Job:
    """One file made by a build worker: a page to render or a generated output."""

    path: str
    make: Callable[[], bytes]


@dataclass(eq=False)
class Batch:
    """What one build makes, and the digests the next build compares with."""

    pages: list[PageSpec] = field(default_factory=list)
    """The pages to render: the first jobs, in the same order."""
    jobs: list[Job] = field(default_factory=list)
    digests: dict[str, str] = field(default_factory=dict)
    reads: dict[str, PageReads] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class Rendering:
    """How this build renders pages, and what their digests are made of."""

    site: Site
    renderer: Renderer
    graph: TemplateGraph
    templates: dict[str, str]
    everywhere: str
    """The digest of what every page shows (settings, theme, site-wide data, images)."""
    shown: Inputs

    def page_key(self, spec: PageSpec) -> str:
        return self.page_key_and_reads(spec)[0]

    def page_key_and_reads(self, spec: PageSpec) -> tuple[str, PageReads]:
        """The page's digest, and the sources it shows (recorded while digesting)."""
        return self.shown.digest_page(self.site, spec, self.everywhere, self.templates)

    def feed_key(self, output: Output) -> str:
        """A feed changes only with the posts it lists."""
        listed = output.listed or []
        return digest(self.everywhere, output.path, *self.shown.whole(listed), *self.shown.listed(listed))

    def preload(self, templates: set[str]) -> None:
        """Loaded here, the templates are shared with the workers instead of loaded by each."""
        for name in sorted(self.graph.used(templates)):
            try:
                self.renderer.template(name)
            except SitegenError:
                pass  # reported by the page that renders it


class Builder:
    """Builds one site again and again, re-rendering only what changed.

    Keeps the parsed sources (with their rendered Markdown) and the digest of
    every page between builds: in memory for `sitegen serve`, in
    `.sitegen-cache/` between runs of `sitegen build`.
    """

    def __init__(self, root: Path, *, drafts: bool = False, future: bool = False, base_url: str | None = None,
                 output: str | None = None, cache: bool = False, follow_changes: bool = False,
                 progress: Callable[[str, int, int], None] | None = None, once: bool = False):
        self.root = root
        self.once = once
        """Only one build (`build()`): what only a next build would use is worked out for the cache alone."""
        self.follow_changes = follow_changes
        """Keep the last build's site model, to update it from the next change (the preview)."""
        self.last: quick.LastBuild | None = None
        self.progress = progress
        """`progress(stage, done, total)` for a progress bar on long builds."""
        self.options = dict(base_url=base_url, output=output, drafts=drafts, future=future)
        self.cache_path = root / layout.BUILD_STATE if cache else None
        self.memo = ReadMemo()
        self.image_memo = ImageMemo()
        self.page_digests: dict[str, str] = {}
        self.output_key = ""
        self.produced: set[str] | None = None
        """Every file the last build wrote or kept, relative to the output folder."""
        self._env: tuple[str, jinja2.Environment] | None = None
        self._compiled_from: dict[str, str] | None = {}
        """The template sources read before the environment's cache was filled
        (name → text): a template whose file differs now is compiled again.
        None: not known, so every one is."""
        self._cache_loaded = False
        self.notes: list[str] = []
        """Problems with the cache: reported once, never fatal, not warnings about the site."""

    @property
    def keeps_nothing(self) -> bool:
        """A one-off build without the cache: nothing reads what it would keep
        for a next build (page digests, the read memo)."""
        return self.once and self.cache_path is None

    def build(self, *, strict: bool = False, changed: Collection[Path] | None = None,
              pages_written: quick.PagesWritten | None = None) -> BuildResult:
        """`changed`: the files changed since the last build, when known (the
        preview's watcher): then a change that allows it updates the last
        build in place (quick.py). `pages_written(files, partial)`: told
        when the edited pages are there, before the rest."""
        # One build of a site at a time: a second one waits, so neither sees
        # the other's half-made output or cache.
        with build_lock(self.root):
            try:
                if changed is not None and not strict and self.follow_changes:
                    from . import quick

                    result = quick.rebuild(self, changed, pages_written)
                    if result is not None:
                        return result
                self.last = None
                gc.unfreeze()  # the last build's model may go now
                if self.follow_changes and self._env is not None:
                    # Collected before this build ends and freezes what is
                    # left, which would keep the old model's cycles: the
                    # preview would hold two models.
                    from ..pages.render import forget_last_build

                    forget_last_build(self._env[1])
                    gc.collect()
                return self._build(strict)
            finally:
                if self.follow_changes:
                    # The model kept for the next edit is out of the collector's
                    # reach: a full collection walking a 16,000-post model
                    # stalled a save by a second.
                    gc.freeze()

    def _build(self, strict: bool) -> BuildResult:
        """The pipeline, in order."""
        started = time.perf_counter()
        # Settings first: every stage reads them, and the output folder must be
        # a safe place to write before anything is read.
        settings = self._settings()
        # Before anything heavy is imported or read: a build with nothing to do ends here.
        current = uptodate.fingerprint(self.root, settings, with_signature=self.cache_path is not None)
        if self.cache_path is not None:
            unchanged = uptodate.result_if_unchanged(self.root, settings, current, started, strict)
            if unchanged is not None:
                return unchanged
            self._open_cache()
        # Every source is read and the site model made before a page renders:
        # pages show other records (listings, tags, translations).
        sources, site = self._read(settings, current.settings_key)
        from . import quick
        from .gather import file_copies, gather

        # Images are measured before pages render: pages show each one's size and variants.
        copies = file_copies(site)
        images = self._measure_images(site, copies)
        fail_if_strict(strict, settings.warnings)
        before_swap = partial(self._before_swap, settings, sources, current)
        try:
            # Everything the output holds is gathered before a byte is written,
            # so two sources for one file are refused with the last good output intact.
            plan = gather(site, copies, images)
            written = self._write(site, plan, images, current.settings_hash, before_swap)
        except OSError as exc:
            raise disk_error(exc, settings.output, self.root) from None
        if self.follow_changes:
            self.last = quick.LastBuild(settings, site, plan, written.rendering,
                                        uptodate.next_clock_change(settings, sources),
                                        written.reads, list(settings.warnings))
        return BuildResult(written.pages, written.files, time.perf_counter() - started, settings.output,
                           settings.warnings, written.rendered, written.changed, self.notes)

    def _settings(self) -> Settings:
        settings = load_settings(self.root, **self.options)
        check_output_folder(settings.output, self.root,
                            [self.root / SETTINGS_FILE, settings.content_dir, *settings.theme_dirs])
        return settings

    def _open_cache(self) -> None:
        """The last build's record is dropped (this build replaces it); the cache is read once per Builder."""
        uptodate.forget(self.root)
        if not self._cache_loaded:
            memory = store.load(self.root, self.notes)
            if memory is not None:
                self.memo, self.page_digests, self.output_key = memory.memo, memory.page_digests, memory.output_key
                self.produced, self.image_memo = memory.produced, ImageMemo.from_rows(memory.images)
            self._cache_loaded = True

    def _read(self, settings: Settings, settings_key: str) -> tuple[Sources, Site]:
        if settings_key != self.memo.settings_key:
            self.memo, self.page_digests = ReadMemo(settings_key), {}
        # A one-off build without the cache keeps no read memo: nothing would
        # read it, and it holds a copy of every record.
        sources = read_sources(settings, None if self.keeps_nothing else self.memo,
                               meanwhile=partial(self._prepare_rendering, settings))
        return sources, build_site(settings, sources)

    def _prepare_rendering(self, settings: Settings) -> None:
        """Done while the workers read, in a process that would only wait:
        the rendering stage imported, the templates compiled, Babel's locale
        data read and Pillow loaded, for the rendering workers to inherit."""
        from ..cache.incremental import TemplateGraph
        from ..pages.render import compile_templates, load_locale_data

        first = self._env is None
        env = self._environment(settings)
        if first:
            try:
                # Read before compiling: an edit in between is then seen as one.
                sources = TemplateGraph(env, settings.root).sources
            except SitegenError:
                sources = None  # reported with the build's other mistakes
            compile_templates(env)
            self._compiled_from = sources
        load_locale_data(settings)
        load_pillow()

    def _measure_images(self, site: Site, copies: list[FileCopy]) -> ImageTable:
        settings = site.settings
        check_images(site, {copy.path for copy in copies})
        return ImageTable(self.root, copies, self.image_memo, settings.warnings.append, settings.base_url,
                          cache=self.root / layout.IMAGE_VARIANTS)

    def _before_swap(self, settings: Settings, sources: Sources, current: uptodate.Fingerprint,
                     pages: int, files: int, produced: set[str]) -> Callable[[], None]:
        """What might fail is done before the new output goes in; what is
        left for after is renames, whose failure only costs a cold build."""
        if self.cache_path is None:
            return lambda: None
        until = uptodate.next_clock_change(settings, sources)
        memory = store.BuildMemory(self.memo, self.page_digests, self.output_key, self.produced,
                                   self.image_memo.rows())
        installs = [store.prepare(self.root, memory, self.notes),
                    uptodate.prepare_record(self.root, current, until=until, pages=pages, files=files,
                                            warnings=settings.warnings, produced=produced)]
        return lambda: [install() for install in installs]

    def _environment(self, settings: Settings) -> jinja2.Environment:
        from ..pages.render import make_environment

        key = digest(settings.theme_dirs, settings.default_lang, settings.base_url)
        if self._env is None or self._env[0] != key:
            # Compiled templates stay in memory: a bytecode cache on disk is
            # loaded with marshal, which runs whatever a planted file holds.
            self._env = (key, make_environment(settings))
            self._compiled_from = {}
        return self._env[1]

    def templates_now(self, env: jinja2.Environment, root: Path) -> TemplateGraph:
        """The theme's templates as they are now; those edited since they were
        compiled are dropped from the environment's cache (compared by their
        text: file times can miss an edit)."""
        from ..cache.incremental import TemplateGraph
        from ..pages.render import forget_templates

        graph = TemplateGraph(env, root)
        before = self._compiled_from
        forget_templates(env, None if before is None else
                         {n for n in before.keys() | graph.sources.keys() if before.get(n) != graph.sources.get(n)})
        self._compiled_from = graph.sources
        return graph

    def _rendering(self, site: Site, specs: list[PageSpec], images: ImageTable, settings_hash: str) -> Rendering:
        from ..cache.incremental import Inputs, site_digest, theme_inputs
        from ..pages.render import Renderer

        settings = site.settings
        env = self._environment(settings)
        graph = self.templates_now(env, settings.root)
        templates = graph.digests({s.template for s in specs})
        renderer = Renderer(site, env, images)
        inputs = {**theme_inputs(settings.theme_dirs), **self.memo.hashes,
                  SETTINGS_FILE: settings_hash}
        everywhere = digest(site_digest(site, inputs), images.digest)
        return Rendering(site, renderer, graph, templates, everywhere, Inputs(inputs, self.follow_changes))

    def _write(self, site: Site, plan: Plan, images: ImageTable, settings_hash: str,
               before_swap: Callable[[int, int, set[str]], Callable[[], None]]) -> Written:
        """Render what changed, copy the static files, swap the new output in."""
        rendering = self._rendering(site, plan.specs, images, settings_hash)
        output = site.settings.output
        output_key = str(output.resolve())
        incremental = bool(self.page_digests) and self.output_key == output_key and output.is_dir()
        writer = UpdatedOutput(output, self.produced, self.root) if incremental else StagedOutput(output, self.root)
        pause_point("started")
        with writer as out:
            batch = self._schedule(plan, rendering, out, incremental, str(output))
            self._make(batch, rendering, out, incremental)
            pause_point("rendered")
            for copy in plan.copies:
                out.copy(copy.path, copy.file)
            out.prepare()
            after_swap = self._swap(out, batch.digests, output_key,
                                    lambda: before_swap(len(plan.specs), plan.files, out.produced))
        pause_point("swapped")
        after_swap()
        return Written(len(plan.specs), plan.files, len(batch.pages), [*out.changed, *out.removed], rendering,
                       batch.reads)

    def _schedule(self, plan: Plan, rendering: Rendering, out: StagedOutput, incremental: bool,
                  output_text: str) -> Batch:
        """What must be made: the pages to render, then feeds, the sitemap and
        social images that changed; what did not change is kept."""
        batch = Batch()

        def unchanged(name: str, key: str, relative: str) -> bool:
            """Whether an output's digest is the last build's and its file still there."""
            batch.digests[name] = key
            return (incremental and self.page_digests.get(name) == key
                    and os.path.isfile(os.path.join(output_text, relative)))

        for spec in plan.specs:
            relative = output_file(spec.url)
            if incremental:
                key, batch.reads[spec.url] = rendering.page_key_and_reads(spec)
            if incremental and unchanged(spec.url, key, relative):
                out.keep(relative)
            else:
                batch.pages.append(spec)
                batch.jobs.append(Job(relative, partial(rendering.renderer.render, spec)))
        for output in plan.outputs:
            if output.listed is not None and not self.keeps_nothing and unchanged(
                    output.digest_name, rendering.feed_key(output), output.path):
                out.keep(output.path)
            elif callable(output.content):
                batch.jobs.append(Job(output.path, output.content))
            else:
                out.write(output.path, output.content)
        return batch

    def _make(self, batch: Batch, rendering: Rendering, out: StagedOutput, incremental: bool) -> None:
        """Every job, shared out among the workers; each file written by the process that makes it."""
        # A one-off build without the cache (--no-cache) has no use for the digests.
        keyed_pages = 0 if incremental or self.keeps_nothing else len(batch.pages)

        def make(index: int) -> tuple[bool, tuple[str, PageReads] | None]:
            # Written where it is made: pages never pile up in memory.
            job = batch.jobs[index]
            changed = out.store(job.path, job.make())
            # Without a last build to compare with, every page is rendered, and
            # the workers work out the digests for the next build alongside.
            if index < keyed_pages:
                return changed, rendering.page_key_and_reads(batch.pages[index])
            return changed, None

        rendering.preload({spec.template for spec in batch.pages})
        report = (lambda done, total: self.progress("rendering pages", done, total)) if self.progress else None
        # Workers get indices: a page's spec would drag its posts' whole graph through pickle.
        order = render_order(batch)
        results: list[tuple[bool, tuple[str, PageReads] | None]] = [(False, None)] * len(batch.jobs)
        for index, result in zip(order, ordered_map(make, order, progress=report, renew_workers=True)):
            results[index] = result
        for index, (job, (changed, keyed)) in enumerate(zip(batch.jobs, results)):
            out.note(job.path, changed)
            if keyed is not None:
                url = batch.pages[index].url
                batch.digests[url], batch.reads[url] = keyed

    def _swap(self, out: StagedOutput, digests: dict[str, str], output_key: str,
              before_swap: Callable[[], Callable[[], None]]) -> Callable[[], None]:
        """Put the new output in; returns what is left for after (renames of the cache)."""
        # The in-memory state first: the cache written before the swap is this build's.
        last = self.page_digests, self.output_key, self.produced
        self.page_digests, self.output_key, self.produced = digests, output_key, out.produced
        try:
            after_swap = before_swap()
            pause_point("staged")
            out.commit()
        except BaseException:
            self.page_digests, self.output_key, self.produced = last
            raise
        return after_swap


def render_order(batch: Batch) -> list[int]:
    """The jobs' indices in the order the workers take them. A page listing
    many posts (a tag, the archive, an expertise area), a feed or the sitemap
    costs up to 300 post pages; last in the jobs, they kept one worker busy
    for a quarter of a second after the other had finished (4,000 posts).
    Among the post pages, they leave the last batches to post pages, which
    the workers share out evenly. They go in two parts, a third of the way
    and two thirds: each part reads every post (so copies the memory pages
    it touches), and both workers doing that at once raised the peak
    memory of a 4,000-post build from 143 to 150 MiB."""
    from ..pages.kinds import kind_of

    light = [kind_of(spec).light for spec in batch.pages]
    posts = [index for index, is_light in enumerate(light) if is_light]
    others = [index for index, is_light in enumerate(light) if not is_light]
    others += range(len(batch.pages), len(batch.jobs))
    third, half = len(posts) // 3, len(others) // 2
    return posts[:third] + others[:half] + posts[third:2 * third] + others[half:] + posts[2 * third:]


@contextmanager
def build_lock(root: Path) -> Iterator[None]:
    """Holds `.sitegen-cache/build.lock` (the OS frees it if the process dies)."""
    path = root / layout.LOCK
    layout.refuse_links(root)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = filelock.FileLock(str(path), thread_local=False)
        try:
            lock.acquire(timeout=0)
        except filelock.Timeout:
            held = path_for_messages(path, root, resolve=True)
            print(f"waiting for another build of this site to finish ({held} is held)",
                  file=sys.stderr, flush=True)
            lock.acquire(timeout=LOCK_PATIENCE)
    except filelock.Timeout:
        raise OutputError(f"another build of this site has been running for {LOCK_PATIENCE:.0f} s",
                          path=path_for_messages(path, root, resolve=True),
                          hint="wait for it to end, or stop it, then build again") from None
    except OSError as exc:
        raise disk_error(exc, path, root) from None
    try:
        yield
    finally:
        lock.release()


def pause_point(stage: str) -> None:
    """Test hooks at named stages of a build. SITEGEN_TEST_PAUSE_AT=<stage>:
    the build writes the stage's name into SITEGEN_TEST_PAUSE_FILE and waits
    there to be killed, so tests can kill -9 a real build at a known moment.
    SITEGEN_TEST_FAIL_AT=<stage>: a RuntimeError there, as a bug would."""
    if os.environ.get("SITEGEN_TEST_FAIL_AT") == stage:
        raise RuntimeError(f"failure injected at the stage '{stage}' (SITEGEN_TEST_FAIL_AT)")
    if os.environ.get("SITEGEN_TEST_PAUSE_AT") == stage:
        Path(os.environ["SITEGEN_TEST_PAUSE_FILE"]).write_text(stage, encoding="utf-8")
        time.sleep(600)


def build(root: Path, *, drafts: bool = False, future: bool = False, base_url: str | None = None,
          output: str | None = None, strict: bool = False, cache: bool = True,
          progress: Callable[[str, int, int], None] | None = None) -> BuildResult:
    builder = Builder(root, drafts=drafts, future=future, base_url=base_url, output=output, cache=cache,
                      progress=progress, once=True)
    # As Python advises for a process that forks workers (gc.freeze's notes):
    # no collections in it, which would leave holes among the memory pages it
    # shares with them. The workers collect their own (parallel.py). A
    # one-off build's own process makes few cycles: the same peak memory,
    # and 40 ms less at 4,000 posts.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return builder.build(strict=strict)
    finally:
        if collecting:
            gc.enable()
