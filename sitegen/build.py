"""`sitegen build`: settings → sources → site model → pages → output folder."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from pathlib import Path

from . import feeds, seo
from .config import Settings, load_settings
from .errors import SitegenError
from .i18n import load_strings
from .readers import is_ignored, read_sources
from .render import PageSpec, Renderer, alternates, plan_pages
from .sitemodel import Site, build_site
from .urls import output_file
from .writer import StagedOutput, check_collisions


@dataclass
class BuildResult:
    pages: int
    files: int
    seconds: float
    output: Path
    warnings: list[str] = field(default_factory=list)


class StrictFailure(SitegenError):
    """--strict and there were warnings."""


def build(root: Path, *, drafts: bool = False, future: bool = False, base_url: str | None = None,
          output: str | None = None, strict: bool = False) -> BuildResult:
    started = time.perf_counter()
    settings = load_settings(root, base_url=base_url, output=output, drafts=drafts, future=future)
    site = build_site(settings, read_sources(settings))
    if strict and settings.warnings:
        raise StrictFailure(f"{len(settings.warnings)} warning(s) and --strict is on:\n  "
                            + "\n  ".join(settings.warnings))
    pages, files = write_site(site)
    return BuildResult(pages, files, time.perf_counter() - started, settings.output, settings.warnings)


def write_site(site: Site) -> tuple[int, int]:
    """Render every output into a staging folder, then swap it in."""
    specs = plan_pages(site)
    extra = extra_outputs(site, specs)
    copies = file_copies(site)
    claims = [(output_file(s.url), s.source) for s in specs]
    claims += [(path, source) for path, source, _ in extra]
    claims += [(path, source) for path, source, _ in copies]
    check_collisions(claims)
    renderer = Renderer(site)
    with StagedOutput(site.settings.output) as out:
        for spec in specs:
            out.write(output_file(spec.url), renderer.render(spec))
        for path, _, data in extra:
            out.write(path, data() if callable(data) else data)
        for path, _, source in copies:
            out.copy(path, source)
    return len(specs), len(specs) + len(extra) + len(copies)


def lastmod(site: Site, spec: PageSpec) -> datetime | None:
    """Real modification dates from content, never from the clock or file times."""
    item, lang = spec.item, spec.lang
    if spec.kind == "post":
        return item.last_modified
    if spec.kind == "page" or spec.kind in ("talk", "workshop", "expertise"):
        return item.updated
    posts = {"tag": lambda: item.posts, "series": lambda: item.posts}.get(spec.kind, lambda: site.listing[lang])()
    if spec.kind == "services":
        return None
    return max((p.last_modified for p in posts), default=None)


def extra_outputs(site: Site, specs: list[PageSpec]) -> list[tuple[str, str, object]]:
    """Feeds, sitemap, robots.txt and alias redirects: (file, source, bytes or a function making them)."""
    urls, settings = site.urls, site.settings
    outputs: list[tuple[str, str, object]] = []
    strings = {lang: load_strings([d / "i18n" for d in settings.theme_dirs], lang, settings.default_lang, settings.root)
               for lang in settings.codes}
    for lang in settings.codes:
        t = strings[lang]
        title = settings.title[lang]
        description = settings.tagline[lang] or title
        outputs.append((output_file(urls.feed(lang)), "the feed",
                        lambda lang=lang, t=t, title=title, description=description: feeds.rss(
                            site, lang, site.listing[lang], t("feed_title", site=title), urls.feed(lang),
                            urls.home(lang), description)))
        for entry in site.tags[lang].values():
            outputs.append((output_file(urls.tag_feed(entry.slug, lang)), f"the tag '{entry.name}'",
                            lambda lang=lang, t=t, title=title, entry=entry: feeds.rss(
                                site, lang, entry.posts, t("tag_feed_title", site=title, tag=entry.name),
                                urls.tag_feed(entry.slug, lang), urls.tag(entry.slug, lang),
                                t("tag_title", tag=entry.name))))
    indexable = [(s.url, alternates(site, s), lastmod(site, s)) for s in specs if s.kind != "404"]
    outputs.append(("sitemap.xml", "the sitemap", lambda: seo.sitemap(site, indexable)))
    outputs.append(("robots.txt", "robots.txt", seo.robots(site)))
    for old, new, source in site.aliases:
        outputs.append((output_file(old), f"{source} (alias {old})", redirect_page(site, new)))
    outputs += hosting_files(site)
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
        if static.is_dir():
            for path in sorted(static.rglob("*")):
                if path.is_file() and not is_ignored(path.relative_to(static)):
                    rel = "theme/" + path.relative_to(static).as_posix()
                    copies[rel] = (rel, "the theme", path)
    result = list(copies.values())
    result += [(output_file(f.url), display(f.source, site.settings.root), f.source) for f in site.static]
    for post in site.posts:
        if post.folder:
            for path in sorted(post.folder.rglob("*")):
                if path.is_file() and path.suffix != ".md" and not is_ignored(path.relative_to(post.folder)):
                    rel = output_file(post.url + path.relative_to(post.folder).as_posix())
                    result.append((rel, display(path, site.settings.root), path))
    return result


def display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
