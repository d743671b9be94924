"""`sitegen build`: settings → sources → site model → pages → output folder."""

from __future__ import annotations

import errno
import os
import shutil
import sys
import time
from contextlib import contextmanager
from datetime import datetime
from functools import partial
from html import escape
from pathlib import Path
from typing import Callable, Iterator

import filelock
import jinja2

from .. import __version__
from ..cache import cachefile, uptodate
from ..outputs import calendars, feeds
from ..pages import presence, seo
from ..pages.images import IMAGES_MEMO, ImageMemo, ImageTable
from ..settings.config import CACHE_DIR, SETTINGS_FILE, load_settings
from ..errors import SitegenError, path_for_messages
from ..settings.i18n import load_strings
from ..site.image_refs import check_images
from ..cache.incremental import Inputs, TemplateGraph, page_digest, site_digest, theme_inputs
from ..sources.models import Post
from ..parallel import ordered_map
from ..sources.readers import IGNORED, MARKDOWN_SUFFIXES, ReadMemo, read_sources
from ..settings.safety import walk_files
from ..pages.spec import PageSpec
from ..pages.kinds import kind_of, plan_pages
from ..pages.render import Renderer, make_environment
from ..site.sitemodel import Site, build_site
from ..cache.uptodate import BuildResult, digest, fail_if_strict
from ..site.urls import output_file
from .writer import OutputError, StagedOutput, UpdatedOutput, check_collisions, check_output_folder
from .writer import shown as shown_path


CACHE_FILE = CACHE_DIR / "build.msgpack"
OLD_CACHE_FILE = CACHE_DIR / "build.pickle"
"""Written by earlier versions; never read (loading a pickle runs code), removed."""
OLD_TEMPLATE_CACHE = CACHE_DIR / "templates"
LOCK_FILE = CACHE_DIR / "build.lock"
LOCK_PATIENCE = 600.0
"""Seconds a build waits for another build of the same site before giving up."""
CACHE_FORMAT = 3
"""Changes whenever what the cache holds changes shape, so an older one is ignored."""


class Builder:
    """Builds one site again and again, re-rendering only what changed.

    Keeps the parsed sources (with their rendered Markdown) and the digest of
    every page between builds: in memory for `sitegen serve`, in
    `.sitegen-cache/` between runs of `sitegen build`.
    """

    def __init__(self, root: Path, *, drafts: bool = False, future: bool = False, base_url: str | None = None,
                 output: str | None = None, cache: bool = False,
                 progress: Callable[[str, int, int], None] | None = None):
        self.root = root
        self.progress = progress
        """`progress(stage, done, total)` for a progress bar on long builds."""
        self.options = dict(base_url=base_url, output=output, drafts=drafts, future=future)
        self.cache_path = root / CACHE_FILE if cache else None
        self.memo = ReadMemo()
        self.image_memo = ImageMemo()
        self.page_digests: dict[str, str] = {}
        self.output_key = ""
        self.produced: set[str] | None = None
        """Every file the last build wrote or kept, relative to the output folder."""
        self._env: tuple[str, jinja2.Environment, dict[str, str]] | None = None
        self._cache_loaded = False
        self.notes: list[str] = []
        """Problems with the cache: reported once, never fatal, not warnings about the site."""

    def build(self, *, strict: bool = False) -> BuildResult:
        # One build of a site at a time: a second one waits, so neither sees
        # the other's half-made output or cache.
        with build_lock(self.root):
            return self._build(strict)

    def _build(self, strict: bool) -> BuildResult:
        started = time.perf_counter()
        settings = load_settings(self.root, **self.options)
        check_output_folder(settings.output, self.root,
                            [self.root / SETTINGS_FILE, settings.content_dir, *settings.theme_dirs])
        current = uptodate.fingerprint(self.root, settings, with_signature=self.cache_path is not None)
        if self.cache_path is not None:
            unchanged = uptodate.result_if_unchanged(self.root, settings, current, started, strict)
            if unchanged is not None:
                return unchanged
            uptodate.forget(self.root)
            if not self._cache_loaded:
                self._load_cache()
                self.image_memo = ImageMemo.load(self.root / IMAGES_MEMO)
                self._cache_loaded = True
        if current.settings_key != self.memo.settings_key:
            self.memo, self.page_digests = ReadMemo(current.settings_key), {}
        sources = read_sources(settings, self.memo)
        site = build_site(settings, sources)
        copies = file_copies(site)
        check_images(site, {path for path, _, _ in copies})
        # Before pages render: they show every image's size and variants.
        images = ImageTable(self.root, copies, self.image_memo, settings.warnings.append, settings.base_url)
        if self.cache_path is not None:
            self.image_memo.save(self.root / IMAGES_MEMO)
        fail_if_strict(strict, settings.warnings)

        def before_swap(pages: int, files: int, produced: set[str]) -> Callable[[], None]:
            """What might fail is done before the new output goes in; what is
            left for after is renames, whose failure only costs a cold build."""
            if self.cache_path is None:
                return lambda: None
            until = uptodate.next_clock_change(settings, sources)
            installs = [self._prepare_cache(),
                        uptodate.prepare_record(self.root, current, until=until, pages=pages, files=files,
                                                warnings=settings.warnings, produced=produced)]
            return lambda: [install() for install in installs]

        try:
            pages, files, rendered, changed = self._write(site, current.settings_hash, before_swap, copies, images)
        except OSError as exc:
            raise disk_error(exc, settings.output, self.root) from None
        return BuildResult(pages, files, time.perf_counter() - started, settings.output, settings.warnings,
                           rendered, changed, self.notes)

    def _environment(self, site: Site) -> tuple[jinja2.Environment, dict[str, str]]:
        settings = site.settings
        key = digest(settings.theme_dirs, settings.default_lang, settings.base_url)
        if self._env is None or self._env[0] != key:
            # Compiled templates stay in memory: a bytecode cache on disk is
            # loaded with marshal, which runs whatever a planted file holds.
            self._env = (key, make_environment(site), {})
        return self._env[1], self._env[2]

    def _write(self, site: Site, settings_hash: str,
               before_swap: Callable[[int, int, set[str]], Callable[[], None]],
               copies: list[tuple[str, str, Path]], images: ImageTable) -> tuple[int, int, int, list[str]]:
        settings = site.settings
        specs = plan_pages(site)
        extra = extra_outputs(site, specs) + [(path, source, make, None) for path, source, make in images.outputs]
        claims = [(output_file(s.url), s.source) for s in specs]
        claims += [(path, source) for path, source, _, _ in extra]
        claims += [(path, source) for path, source, _ in copies]
        check_collisions(claims)

        env, last_templates = self._environment(site)
        graph = TemplateGraph(env)
        templates = graph.digests({s.template for s in specs})
        if templates != last_templates:
            if env.cache is not None:
                env.cache.clear()  # never trust file times alone
            last_templates.clear()
            last_templates.update(templates)
        renderer = Renderer(site, env, images)
        inputs = {**theme_inputs(settings.theme_dirs), **self.memo.hashes,
                  SETTINGS_FILE: settings_hash}
        everywhere = digest(site_digest(site, inputs), images.digest)
        shown = Inputs(inputs)

        output = settings.output
        output_key = str(output.resolve())
        incremental = bool(self.page_digests) and self.output_key == output_key and output.is_dir()
        digests: dict[str, str] = {}
        output_text = str(output)
        writer = UpdatedOutput(output, self.produced, self.root) if incremental else StagedOutput(output, self.root)

        def unchanged(name: str, key: str, relative: str) -> bool:
            """Whether an output's digest is the last build's and its file still there."""
            digests[name] = key
            return (incremental and self.page_digests.get(name) == key
                    and os.path.isfile(os.path.join(output_text, relative)))

        def page_key(spec: PageSpec) -> str:
            return page_digest(site, spec, everywhere, templates, shown)

        pause_point("started")
        with writer as out:
            # What must be made: the pages to render, then feeds, the sitemap and
            # social images that changed, all shared out among the workers.
            to_render: list[PageSpec] = []
            jobs: list[tuple[str, Callable[[], bytes]]] = []
            for spec in specs:
                relative = output_file(spec.url)
                if incremental and unchanged(spec.url, page_key(spec), relative):
                    out.keep(relative)
                else:
                    to_render.append(spec)
                    jobs.append((relative, partial(renderer.render, spec)))
            for path, _, data, listed in extra:
                # A feed changes only with the posts it lists.
                if listed is not None and unchanged(
                        f"feed:{path}", digest(everywhere, path, *shown.whole(listed), *shown.listed(listed)), path):
                    out.keep(path)
                    continue
                if callable(data):
                    jobs.append((path, data))
                else:
                    out.write(path, data)

            def make(index: int) -> tuple[bool, str | None]:
                # Written by the process that makes it: pages never pile up in memory.
                path, content = jobs[index]
                changed = out.store(path, content())
                # Without a last build to compare with, every page is rendered, and
                # the workers work out the digests for the next build alongside.
                if not incremental and index < len(to_render):
                    return changed, page_key(to_render[index])
                return changed, None

            # Loaded here, the templates are shared with the workers instead of loaded by each.
            for name in sorted(graph.used({spec.template for spec in to_render})):
                try:
                    renderer.template(name)
                except SitegenError:
                    pass  # reported by the page that renders it
            report = (lambda done, total: self.progress("rendering pages", done, total)) if self.progress else None
            # Workers get indices: a page's spec would drag its posts' whole graph through pickle.
            results = ordered_map(make, range(len(jobs)), progress=report, renew_workers=True)
            for index, ((path, _), (changed, key)) in enumerate(zip(jobs, results)):
                out.note(path, changed)
                if key is not None:
                    digests[to_render[index].url] = key
            rendered = len(to_render)
            pause_point("rendered")
            for path, _, source in copies:
                out.copy(path, source)
            out.prepare()
            # The in-memory state first: the cache written before the swap is this build's.
            last = self.page_digests, self.output_key, self.produced
            self.page_digests, self.output_key, self.produced = digests, output_key, out.produced
            try:
                total = len(specs) + len(extra) + len(copies)
                after_swap = before_swap(len(specs), total, out.produced)
                pause_point("staged")
                out.commit()
            except BaseException:
                self.page_digests, self.output_key, self.produced = last
                raise
        pause_point("swapped")
        after_swap()
        return len(specs), total, rendered, [*out.changed, *out.removed]

    def _load_cache(self) -> None:
        """A cache that does not load, or is from another sitegen, is
        ignored (and replaced after the build), never trusted."""
        assert self.cache_path is not None
        # Left by earlier versions: a pickle and Jinja bytecode, never loaded again.
        (self.root / OLD_CACHE_FILE).unlink(missing_ok=True)
        shutil.rmtree(self.root / OLD_TEMPLATE_CACHE, ignore_errors=True)
        try:
            data = self.cache_path.read_bytes()
        except OSError:
            return  # no cache yet
        try:
            state = cachefile.loads(data)
            if not isinstance(state, dict) or state.get("version") != [CACHE_FORMAT, __version__]:
                return  # another sitegen's: silently rebuilt
            memo = ReadMemo(state["settings_key"], state["records"], state["stats"], state["hashes"])
            pages, output, produced = state["pages"], state["output"], state["produced"]
            if not (_str_map(pages) and isinstance(output, str) and _valid_memo(memo)
                    and (produced is None or all(isinstance(p, str) for p in produced))):
                raise cachefile.CacheFormatError("unexpected shape")
        except (cachefile.CacheFormatError, KeyError, TypeError, ValueError):
            self.notes.append(f"{shown_path(self.cache_path, self.root)} is damaged or was not written by sitegen: "
                              "ignored (this build renders everything and replaces it)")
            return
        self.memo, self.page_digests, self.output_key = memo, pages, output
        self.produced = set(produced) if produced is not None else None

    def _prepare_cache(self) -> Callable[[], None]:
        """Write the cache beside its place; returns the rename that puts it
        there. A cache that cannot be written is left out, with a note."""
        assert self.cache_path is not None
        partial = self.cache_path.with_suffix(".partial")
        try:
            payload = cachefile.dumps({
                "version": [CACHE_FORMAT, __version__], "settings_key": self.memo.settings_key,
                "records": self.memo.records, "stats": self.memo.stats, "hashes": self.memo.hashes,
                "pages": self.page_digests, "output": self.output_key,
                "produced": sorted(self.produced) if self.produced is not None else None})
            partial.parent.mkdir(parents=True, exist_ok=True)
            partial.write_bytes(payload)
        except (RecursionError, TypeError, OverflowError, OSError) as exc:
            partial.unlink(missing_ok=True)
            self.cache_path.unlink(missing_ok=True)
            self.notes.append(f"the build cache was not saved ({type(exc).__name__}: {exc}); "
                              "the next build renders everything")
            return lambda: None
        return lambda: _rename_quietly(partial, self.cache_path)


def _str_map(value: object) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())


def _valid_memo(memo: ReadMemo) -> bool:
    """The memo's shape, as read_sources relies on it; the records themselves
    are sitegen's classes or the file would not have loaded."""
    return (isinstance(memo.settings_key, str) and _str_map(memo.hashes)
            and isinstance(memo.records, dict) and isinstance(memo.stats, dict)
            and all(isinstance(k, str) and isinstance(v, tuple) and len(v) == 3 and isinstance(v[0], str)
                    and type(v[1]).__name__ in cachefile.RECORDS and isinstance(v[2], list)
                    for k, v in memo.records.items())
            and all(isinstance(k, str) and isinstance(v, tuple) and len(v) == 3 for k, v in memo.stats.items()))


def _rename_quietly(source: Path, target: Path) -> None:
    try:
        os.replace(source, target)
    except OSError:
        pass  # after the swap nothing may fail: without it, the next build is cold


@contextmanager
def build_lock(root: Path) -> Iterator[None]:
    """Holds `.sitegen-cache/build.lock` (the OS frees it if the process dies)."""
    path = root / LOCK_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = filelock.FileLock(str(path), thread_local=False)
        try:
            lock.acquire(timeout=0)
        except filelock.Timeout:
            print(f"waiting for another build of this site to finish ({shown_path(path, root)} is held)",
                  file=sys.stderr, flush=True)
            lock.acquire(timeout=LOCK_PATIENCE)
    except filelock.Timeout:
        raise OutputError(f"another build of this site has been running for {LOCK_PATIENCE:.0f} s",
                          path=shown_path(path, root), hint="wait for it to end, or stop it, then build again") from None
    except OSError as exc:
        raise disk_error(exc, path, root) from None
    try:
        yield
    finally:
        lock.release()


def disk_error(exc: OSError, output: Path, root: Path) -> OutputError:
    """One clear message for a write the disk refused."""
    where = exc.filename if exc.filename else output
    hints = {errno.ENOSPC: "the disk is full: free some space, then build again",
             errno.EDQUOT: "the disk quota is used up: free some space, then build again",
             errno.EFBIG: "a file size limit was hit (ulimit -f, or the disk is full): raise it or free space",
             errno.EROFS: "that file system is read-only: pick an output folder on a writable disk (--output)",
             errno.EACCES: "no permission to write there: fix its permissions or pick another folder (--output)",
             errno.EPERM: "no permission to write there: fix its permissions or pick another folder (--output)"}
    return OutputError(f"cannot write {shown_path(Path(where), root)}: {exc.strerror or exc}",
                       hint=hints.get(exc.errno, "the last good output is untouched; fix that, then build again"))


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
                      progress=progress)
    return builder.build(strict=strict)


def lastmod(site: Site, spec: PageSpec, newest: dict[str, datetime | None]) -> datetime | None:
    """Real modification dates from content, never from the clock or file times.
    `newest`: per language, the latest change among the posts it lists."""
    return kind_of(spec).lastmod(site, spec, newest)


def extra_outputs(site: Site, specs: list[PageSpec]) -> list[tuple[str, str, object, list[Post] | None]]:
    """Feeds, calendars, sitemap, robots.txt and alias redirects: (file, source, bytes or
    a function making them, and for feeds the posts they list)."""
    urls, settings = site.urls, site.settings
    items = settings.feed.items
    outputs: list[tuple[str, str, object, list[Post] | None]] = []
    strings = {lang: load_strings([d / "i18n" for d in settings.theme_dirs], lang, settings.default_lang, settings.root)
               for lang in settings.codes}
    for lang in settings.codes:
        t = strings[lang]
        title = settings.title[lang]
        description = settings.tagline[lang] or title
        outputs.append((output_file(urls.feed(lang)), "the feed",
                        lambda lang=lang, t=t, title=title, description=description: feeds.rss(
                            site, lang, site.listing[lang], t("feed_title", site=title), urls.feed(lang),
                            urls.home(lang), description), site.listing[lang][:items]))
        for entry in site.tags[lang].values():
            outputs.append((output_file(urls.tag_feed(entry.slug, lang)), f"the tag '{entry.name}'",
                            lambda lang=lang, t=t, title=title, entry=entry: feeds.rss(
                                site, lang, entry.posts, t("tag_feed_title", site=title, tag=entry.name),
                                urls.tag_feed(entry.slug, lang), urls.tag(entry.slug, lang),
                                t("tag_title", tag=entry.name)), entry.posts[:items]))
    newest = {lang: max((p.last_modified for p in site.listing[lang]), default=None) for lang in settings.codes}
    indexable = [(s.url, kind_of(s).alternates(site, s), lastmod(site, s, newest)) for s in specs
                 if kind_of(s).indexed]
    outputs.append(("sitemap.xml", "the sitemap", lambda: seo.sitemap(site, indexable), None))
    outputs.append(("robots.txt", "robots.txt", seo.robots(site), None))
    for old, new, source in site.aliases:
        outputs.append((output_file(old), f"{source} (alias {old})", redirect_page(site, new), None))
    outputs += [(path, source, data, None) for path, source, data in hosting_files(site)]
    # /contact.vcf and the generated social images
    outputs += [(path, source, data, None) for path, source, data in presence.outputs(site)]
    # /events.ics, /fr/events.ics and each upcoming session's own file: remade on
    # every build (they change with the clock), rewritten only when their bytes differ.
    outputs += [(path, source, data, None) for path, source, data in calendars.outputs(site, strings)]
    return outputs


def hosting_files(site: Site) -> list[tuple[str, str, object]]:
    """What static hosts read besides the pages: Netlify's and Cloudflare's
    `_redirects` (real 301s for aliases, the redirect pages stay for other
    hosts), GitHub Pages' `.nojekyll` (else folders starting with `_` vanish)
    and `CNAME` for a custom domain."""
    files: list[tuple[str, str, object]] = [(".nojekyll", "GitHub Pages marker", b"")]
    if site.aliases:
        lines = [f"{old} {new} 301\n" for old, new, _ in sorted(site.aliases)]
        files.append(("_redirects", "the aliases", "".join(lines).encode()))
    if site.settings.cname:
        files.append(("CNAME", "site.yml cname", (site.settings.cname + "\n").encode()))
    return files


def redirect_page(site: Site, target: str) -> bytes:
    absolute = escape(site.urls.absolute(target))
    return (f'<!DOCTYPE html>\n<html lang="{site.settings.default_lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<title>{absolute}</title>\n<link rel="canonical" href="{absolute}">\n'
            f'<meta name="robots" content="noindex">\n<meta http-equiv="refresh" content="0; url={absolute}">\n'
            f'</head>\n<body>\n<p><a href="{absolute}">{absolute}</a></p>\n</body>\n</html>\n').encode()


def file_copies(site: Site) -> list[tuple[str, str, Path]]:
    """Static files: the theme's under /theme/, the site's at their path, and
    a folder post's own files beside each language version of it."""
    copies: dict[str, tuple[str, str, Path]] = {}
    for theme_dir in reversed(site.settings.theme_dirs):  # the site's theme overrides the shipped one
        static = theme_dir / "static"
        # Links are followed only inside the site or the shipped themes.
        for path in walk_files(static, site.settings.root, skip=IGNORED):
            rel = "theme/" + path.relative_to(static).as_posix()
            copies[rel] = (rel, "the theme", path)
    result = list(copies.values())
    result += [(output_file(f.url), path_for_messages(f.source, site.settings.root), f.source) for f in site.static]
    for post in site.posts:
        if post.folder:
            for path in walk_files(post.folder, site.settings.root, skip=IGNORED):
                if path.suffix not in MARKDOWN_SUFFIXES:
                    rel = output_file(post.url + path.relative_to(post.folder).as_posix())
                    result.append((rel, path_for_messages(path, site.settings.root), path))
    return result
