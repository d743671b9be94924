"""Missing images: every local image a page shows must be published.

Checked once the site model is built, against the files the build copies
(content/static, a folder post's own files, the theme's static files), and
not when a source is read: adding the missing file must clear the problem
even though the file naming it did not change.

An image named in front matter or a YAML file (`photo`, `image`) is an
error: the theme shows it on the home page or in the social card, so the
published page would be broken. An image in a Markdown body is a warning
(`--strict` fails on it): the file may be one the host serves beside the
site. Remote images (http, https) are not checked.
"""

from __future__ import annotations

import html
import re
from typing import Iterable
from urllib.parse import unquote, urlsplit

from ..errors import ContentError
from ..sources.context import ContentErrors
from ..sources.frontmatter import key_line, split_front_matter
from .sitemodel import Site
from .urls import output_file
from ..settings.yamlio import read_text

IMG_SRC = re.compile(r"""<img\b[^>]*?\bsrc=(["'])(.*?)\1""", re.I | re.S)


def check_images(site: Site, published: set[str]) -> None:
    """Raise for missing front-matter images; warn for missing body images."""
    errors: list[ContentError] = []
    for source, key, src, base in front_matter_images(site):
        if not is_published(site, src, base, published):
            errors.append(ContentError(
                f"{key}: {shown(site, src, base)} does not exist, so the page would show a broken image",
                source, key_line(site.settings, source, key), hint=advice(site, src, base, source)))
    for source, keys, body, base in bodies(site):
        missing = sorted({src for src in body_images(body) if not is_published(site, src, base, published)})
        for src in missing:
            line = key_line(site.settings, source, *keys) if keys else body_line(site, source, src)
            site.settings.warnings.append(f"{source}:{line}: image {shown(site, src, base)} does not exist (a broken image on "
                                          f"the page); {advice(site, src, base, source)}")
    if errors:
        raise errors[0] if len(errors) == 1 else ContentErrors(errors)


def front_matter_images(site: Site) -> Iterable[tuple[str, str, str, str]]:
    """(source, key, image as written, URL it is relative to)."""
    if site.profile.photo:
        yield site.profile.source, "photo", site.profile.photo, "/"
    for post in site.posts:
        if post.image_source:
            yield post.source, "image", post.image_source, post.url
    for service in site.services:
        if service.image_source:
            yield service.source, "image", str(service.image_source), "/"


def bodies(site: Site) -> Iterable[tuple[str, tuple[str, ...], str, str]]:
    """(source, key of the body in a YAML file or () for a Markdown file, HTML, URL it is relative to)."""
    for item in [*site.posts, *site.pages]:
        yield item.source, (), item.body, item.url
    for service in site.services:
        for lang, body in service.body.items():
            yield service.source, ("body", lang), body, site.urls.service(service.kind, service.slug, lang)
    for lang, bio in site.profile.bio.items():
        yield site.profile.source, ("bio", lang), bio, site.urls.home(lang)


def body_images(body: str) -> list[str]:
    if "<img" not in body:  # most posts: no need for the expression
        return []
    return [html.unescape(m.group(2)) for m in IMG_SRC.finditer(body)]


def is_published(site: Site, src: str, base: str, published: set[str]) -> bool:
    if src.startswith("//") or urlsplit(src).scheme or not src.strip():  # remote, or data:
        return True
    path = unquote(urlsplit(site.urls.resolve(src, base)).path)
    return output_file(path) in published


def shown(site: Site, src: str, base: str) -> str:
    """`diagram.png (/posts/x/diagram.png)`: a relative path with the address it leads to."""
    resolved = site.urls.resolve(src, base)
    return src if resolved == src else f"{src} ({resolved})"


def body_line(site: Site, source: str, src: str) -> int:
    """The line of the Markdown body that names the image (where it starts when not found)."""
    text = read_text(site.settings.root / source, source)
    _, body, first = split_front_matter(source, text)
    for number, line in enumerate(body.split("\n")):
        if src in line or src in unquote(line) or html.escape(src) in line:
            return first + number
    return first


def advice(site: Site, src: str, base: str, source: str) -> str:
    path = unquote(urlsplit(site.urls.resolve(src, base)).path)
    static = site.settings.content_dir / "static"
    if path.startswith("/static/") and (static / path[len("/static/"):]).is_file():
        return f"files in content/static/ are published without 'static/': write /{path[len('/static/'):]}"
    where = ("add the file to content/static/ (content/static/img/x.png is published as /img/x.png) "
             "or correct the path")
    if source.startswith("content/posts/") and not src.startswith("/"):
        where += "; a relative path is relative to the post's address: start it with '/' or put the image " \
                 "beside the post in a folder post (content/posts/<name>/index.md)"
    return where
