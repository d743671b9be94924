"""What each page depends on, so a rebuild re-renders only what changed.

Every page gets a digest of everything it shows: the sources of the records
it lists or links to (in order), the templates it is rendered with, and the
site-wide inputs (settings, profile, interface strings, today's notices).
A page whose digest is the one of the last build, and whose file is still
there, is not rendered again. Membership changes (a new post in a tag, a post
leaving a series, a shifted blog page) change the list of dependencies, so
they change the digest too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import jinja2

from ..errors import TemplateError, path_for_messages
from ..sources.models import Post
from ..pages.kinds import kind_of
from ..pages.spec import PageSpec
from ..settings.yamlio import not_utf8
from ..site.sitemodel import Site
from ..sources.hashing import digest, file_hash


class TemplateGraph:
    """A theme's templates and the names each one extends, includes or
    imports, read once per build."""

    def __init__(self, env: jinja2.Environment, root: Path):
        loader = env.loader
        assert isinstance(loader, jinja2.FileSystemLoader)
        self.sources: dict[str, str] = {}
        self.references: dict[str, set[str] | None] = {}
        for name in sorted(loader.list_templates()):
            try:
                source, _, _ = loader.get_source(env, name)
            except jinja2.TemplateNotFound:
                continue
            except UnicodeDecodeError as exc:
                raise not_utf8_template(loader, name, exc, root) from None
            self.sources[name] = source
            self.references[name] = referenced_templates(source)

    def closure(self, name: str) -> set[str]:
        """`name` and every template it loads; all of them when one is
        named at run time."""
        done: set[str] = set()
        todo = [name]
        while todo:
            current = todo.pop()
            if current in done:
                continue
            done.add(current)
            refs = self.references.get(current, set())
            if refs is None:
                return set(self.sources)
            todo.extend(refs)
        return done

    def digests(self, names: Iterable[str]) -> dict[str, str]:
        """Per template: a digest of its own file and of every template it loads."""
        return {name: digest(*(f"{n}:{self.sources.get(n, 'missing')}" for n in sorted(self.closure(name))))
                for name in names}

    def used(self, names: Iterable[str]) -> set[str]:
        """The templates rendering `names` loads, those among them that exist."""
        return {n for name in names for n in self.closure(name) if n in self.sources}


def not_utf8_template(loader: jinja2.FileSystemLoader, name: str, exc: UnicodeDecodeError, root: Path) -> TemplateError:
    """The message for a theme template that is not UTF-8 text (Jinja reads every template as UTF-8)."""
    path = next((Path(d) / name for d in loader.searchpath if (Path(d) / name).is_file()), Path(name))
    return TemplateError(*not_utf8(exc, path_for_messages(path, root)),
                         hint="save the template with UTF-8 encoding in your editor, or remove it from the theme")


TEMPLATE_TAG = re.compile(r"{%-?\s*(extends|include|import|from)\s+(.*?)-?%}", re.S)
LITERAL_NAME = re.compile(r"""^(["'])([^"']+)\1""")


def referenced_templates(source: str) -> set[str] | None:
    """Names a template extends, includes or imports; None when one is
    computed at run time. (A regular expression: parsing every template on
    every rebuild costs more than the rest of a small rebuild.)"""
    found: set[str] = set()
    for _, rest in TEMPLATE_TAG.findall(source):
        literal = LITERAL_NAME.match(rest.strip())
        if literal is None:
            return None
        found.add(literal.group(2))
    return found


@dataclass(frozen=True, slots=True)
class PageReads:
    """The sources a page shows: whole (its own text), and as lists show them."""

    whole: tuple[str, ...]
    listed: tuple[str, ...]


class Inputs:
    """Tokens naming what a page shows: a source's whole content (its own
    page), or only what lists show of a post (title, summary, date, tags…),
    so editing a post's body re-renders its page but not every list."""

    def __init__(self, hashes: dict[str, str], recording: bool = False):
        self.hashes = hashes
        self._listed: dict[int, str] = {}
        self.recording = recording
        """Whether `take_reads` is wanted (the preview's reverse indexes):
        recording costs a build that does not keep them."""
        self._whole: list[tuple[Any, ...]] = []
        self._shown_listed: list[tuple[Post, ...]] = []

    def whole(self, items: Iterable[Any]) -> list[str]:
        if self.recording:
            items = tuple(items)
            self._whole.append(items)
        return [f"{item.source}={self.hashes.get(item.source, '')}" for item in items]

    def digest_page(self, site: Site, spec: PageSpec, global_digest: str,
                    templates: dict[str, str]) -> tuple[str, PageReads]:
        """The page's digest, and the sources it shows (recorded while digesting)."""
        self.take_reads()
        key = page_digest(site, spec, global_digest, templates, self)
        return key, self.take_reads()

    def take_reads(self) -> PageReads:
        """The sources `whole` and `listed` were asked for since the last call:
        what the page being digested shows whole, and the posts it lists."""
        taken = PageReads(tuple(dict.fromkeys(item.source for items in self._whole for item in items)),
                          tuple(dict.fromkeys(post.source for posts in self._shown_listed for post in posts)))
        self._whole, self._shown_listed = [], []
        return taken

    def forget(self, post: Post) -> None:
        """`post` changed what lists show of it."""
        self._listed.pop(id(post), None)

    def listed(self, posts: Iterable[Post]) -> list[str]:
        if self.recording:
            posts = tuple(posts)
            self._shown_listed.append(posts)
        known = self._listed
        return [known.get(id(post)) or self._listed_token(post) for post in posts]

    def remember(self, posts: Iterable[Post]) -> None:
        """What lists show of each of `posts` digested here, in the preview's
        process, which keeps it: the workers forked for each edit then share
        it, instead of each digesting every post listed on its pages again."""
        for post in posts:
            if id(post) not in self._listed:
                self._listed_token(post)

    def _listed_token(self, post: Post) -> str:
        token = self._listed[id(post)] = digest(
            post.source, post.url, post.lang, post.title, post.date, post.updated, post.summary,
            sorted(post.abstract.items()), post.tag_names, post.reading_minutes, post.image, post.series_name,
            sorted((post.series_names or {}).items()),
            post.original, post.draft, [t.url for t in post.translations])
        return token


def page_dependencies(site: Site, spec: PageSpec, inputs: Inputs) -> list[str]:
    """What a page shows, in the order it shows it: its kind says (pages/kinds.py)."""
    return kind_of(spec).dependencies(site, spec, inputs)


def site_digest(site: Site, inputs: dict[str, str]) -> str:
    """Inputs every page shows: settings, profile, strings, notices in force."""
    settings = site.settings
    return digest(
        inputs.get("site.yml"), settings.base_url, settings.drafts, settings.future, settings.output,
        site.profile.source, inputs.get(site.profile.source),
        *(f"{k}={v}" for k, v in sorted(inputs.items()) if k.startswith("i18n:")),
        *(f"{n.start}:{n.until}" for n in site.notices),
    )


def page_digest(site: Site, spec: PageSpec, global_digest: str, templates: dict[str, str],
                inputs: Inputs) -> str:
    return digest(global_digest, templates.get(spec.template, "missing"), spec.url, spec.kind, spec.lang,
                  spec.number, *page_dependencies(site, spec, inputs))


def theme_inputs(theme_dirs: Iterable[Path]) -> dict[str, str]:
    """Digests of the interface strings files, which every page shows."""
    found: dict[str, str] = {}
    for directory in theme_dirs:
        folder = directory / "i18n"
        if folder.is_dir():
            for path in sorted(folder.glob("*.yml")):
                found[f"i18n:{path}"] = file_hash(path)
    return found

