"""Everything a build puts in the output folder, gathered before anything is written.

The pages (the plan), the files beside them (feeds, calendars, the sitemap,
hosting files, redirects, the vCard, social images, image variants) as
`Output` jobs, and the static files as `FileCopy`s. Gathering all of it first
lets the writer refuse two sources for one file before a byte is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape

from ..cache import layout
from ..errors import path_for_messages
from ..outputs import calendars, feeds
from ..outputs import social_images
from ..pages import seo
from ..pages.images import ImageTable
from ..pages.kinds import kind_of, plan_pages
from ..pages.spec import PageSpec
from ..settings.i18n import load_strings
from ..settings.safety import walk_files
from ..site.files import Claim, FileCopy, Output
from ..site.sitemodel import Site
from ..site.urls import output_file
from ..sources.frontmatter import MARKDOWN_SUFFIXES
from ..sources.listing import IGNORED
from .writer import check_collisions


@dataclass(frozen=True, slots=True, eq=False)
class Plan:
    """What one build writes: pages to render, generated files, files to copy."""

    specs: list[PageSpec]
    outputs: list[Output]
    copies: list[FileCopy]

    @property
    def files(self) -> int:
        return len(self.specs) + len(self.outputs) + len(self.copies)


def gather(site: Site, copies: list[FileCopy], images: ImageTable) -> Plan:
    """The whole output, checked for two sources claiming one file."""
    specs = plan_pages(site)
    outputs = extra_outputs(site, specs) + images.outputs
    claims = [Claim(output_file(s.url), s.source) for s in specs]
    claims += [Claim(o.path, o.source) for o in outputs]
    claims += [Claim(c.path, c.source) for c in copies]
    check_collisions(claims)
    return Plan(specs, outputs, copies)


def lastmod(site: Site, spec: PageSpec, newest: dict[str, datetime | None]) -> datetime | None:
    """Real modification dates from content, never from the clock or file times.
    `newest`: per language, the latest change among the posts it lists."""
    return kind_of(spec).lastmod(site, spec, newest)


def extra_outputs(site: Site, specs: list[PageSpec]) -> list[Output]:
    """Feeds, calendars, sitemap, robots.txt, alias redirects, hosting files, the vCard and social images."""
    settings = site.settings
    strings = {lang: load_strings([d / "i18n" for d in settings.theme_dirs], lang, settings.default_lang, settings.root)
               for lang in settings.codes}
    outputs = feed_outputs(site, strings)
    # Made by a build worker, like the pages: it goes over every page.
    outputs.append(Output("sitemap.xml", "the sitemap", lambda: seo.sitemap(site, sitemap_entries(site, specs))))
    outputs.append(Output("robots.txt", "robots.txt", seo.robots(site)))
    for old, new, source in site.aliases:
        outputs.append(Output(output_file(old), f"{source} (alias {old})", redirect_page(site, new)))
    outputs += hosting_files(site)
    # /contact.vcf and the generated social images
    drawn = social_images.outputs(site, settings.root / layout.SOCIAL_IMAGES)
    outputs += [Output(path, source, data) for path, source, data in drawn]
    # /events.ics, /fr/events.ics and each upcoming session's own file: remade on
    # every build (they change with the clock), rewritten only when their bytes differ.
    outputs += calendars.outputs(site, strings)
    return outputs


def sitemap_entries(site: Site, specs: list[PageSpec]) -> list[tuple[str, dict[str, str], datetime | None]]:
    newest = {lang: max((p.last_modified for p in site.listing[lang]), default=None) for lang in site.settings.codes}
    return [(s.url, kind_of(s).alternates(site, s), lastmod(site, s, newest)) for s in specs if kind_of(s).indexed]


def feed_outputs(site: Site, strings: dict) -> list[Output]:
    """The RSS feed of each language and of each tag; each depends only on the posts it lists."""
    urls, settings = site.urls, site.settings
    items = settings.feed.items
    outputs: list[Output] = []
    for lang in settings.codes:
        t = strings[lang]
        title = settings.title[lang]
        description = settings.tagline[lang] or title
        outputs.append(Output(output_file(urls.feed(lang)), "the feed",
                              lambda lang=lang, t=t, title=title, description=description: feeds.rss(
                                  site, lang, site.listing[lang], t("feed_title", site=title), urls.feed(lang),
                                  urls.home(lang), description), site.listing[lang][:items]))
        for entry in site.tags[lang].values():
            outputs.append(Output(output_file(urls.tag_feed(entry.slug, lang)), f"the tag '{entry.name}'",
                                  lambda lang=lang, t=t, title=title, entry=entry: feeds.rss(
                                      site, lang, entry.posts, t("tag_feed_title", site=title, tag=entry.name),
                                      urls.tag_feed(entry.slug, lang), urls.tag(entry.slug, lang),
                                      t("tag_title", tag=entry.name)), entry.posts[:items]))
    return outputs


def hosting_files(site: Site) -> list[Output]:
    """What static hosts read besides the pages: Netlify's and Cloudflare's
    `_redirects` (real 301s for aliases, the redirect pages stay for other
    hosts), GitHub Pages' `.nojekyll` (else folders starting with `_` vanish)
    and `CNAME` for a custom domain."""
    files = [Output(".nojekyll", "GitHub Pages marker", b"")]
    if site.aliases:
        lines = [f"{old} {new} 301\n" for old, new, _ in sorted(site.aliases)]
        files.append(Output("_redirects", "the aliases", "".join(lines).encode()))
    if site.settings.cname:
        files.append(Output("CNAME", "site.yml cname", (site.settings.cname + "\n").encode()))
    return files


def redirect_page(site: Site, target: str) -> bytes:
    absolute = escape(site.urls.absolute(target))
    return (f'<!DOCTYPE html>\n<html lang="{site.settings.default_lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<title>{absolute}</title>\n<link rel="canonical" href="{absolute}">\n'
            f'<meta name="robots" content="noindex">\n<meta http-equiv="refresh" content="0; url={absolute}">\n'
            f'</head>\n<body>\n<p><a href="{absolute}">{absolute}</a></p>\n</body>\n</html>\n').encode()


def file_copies(site: Site) -> list[FileCopy]:
    """Static files: the theme's under /theme/, the site's at their path, and
    a folder post's own files beside each language version of it."""
    copies: dict[str, FileCopy] = {}
    for theme_dir in reversed(site.settings.theme_dirs):  # the site's theme overrides the shipped one
        static = theme_dir / "static"
        # Links are followed only inside the site or the shipped themes.
        for path in walk_files(static, site.settings.root, skip=IGNORED):
            rel = "theme/" + path.relative_to(static).as_posix()
            copies[rel] = FileCopy(rel, "the theme", path)
    result = list(copies.values())
    result += [FileCopy(output_file(f.url), path_for_messages(f.source, site.settings.root), f.source)
               for f in site.static]
    for post in site.posts:
        if post.folder:
            for path in walk_files(post.folder, site.settings.root, skip=IGNORED):
                if path.suffix not in MARKDOWN_SUFFIXES:
                    rel = output_file(post.url + path.relative_to(post.folder).as_posix())
                    result.append(FileCopy(rel, path_for_messages(path, site.settings.root), path))
    return result
