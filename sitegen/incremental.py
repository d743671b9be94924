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

import hashlib
import re
from pathlib import Path
from typing import Any, Iterable

import jinja2

from .models import Post
from .render import SERVICE_KINDS, PageSpec, blog_page_count
from .sitemodel import Site


def digest(*parts: object) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(str(part).encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


def template_digests(env: jinja2.Environment, names: Iterable[str]) -> dict[str, str]:
    """Per template: a digest of its own file and of every template it
    extends, includes or imports. A template using a name computed at run
    time depends on every template."""
    loader = env.loader
    assert isinstance(loader, jinja2.FileSystemLoader)
    every = sorted(loader.list_templates())
    sources: dict[str, str] = {}
    references: dict[str, set[str] | None] = {}
    for name in every:
        try:
            source, _, _ = loader.get_source(env, name)
        except jinja2.TemplateNotFound:
            continue
        sources[name] = source
        references[name] = referenced_templates(source)

    def closure(name: str) -> set[str]:
        done: set[str] = set()
        todo = [name]
        while todo:
            current = todo.pop()
            if current in done:
                continue
            done.add(current)
            refs = references.get(current, set())
            if refs is None:
                return set(every)
            todo.extend(refs)
        return done

    return {name: digest(*(f"{n}:{sources.get(n, 'missing')}" for n in sorted(closure(name)))) for name in names}


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


def sources_of(items: Iterable[Any]) -> list[str]:
    return [item.source for item in items]


def post_dependencies(post: Post) -> list[str]:
    """A post page shows its translations (switcher, hreflang), its series
    neighbours and list, and its similar posts."""
    deps = [post.source, *sources_of(post.translations), *sources_of(post.similar)]
    if post.series:
        deps += ["series", *sources_of(post.series.posts)]
    return deps


def page_dependencies(site: Site, spec: PageSpec) -> list[str]:
    """The sources whose content a page shows, in the order it shows them."""
    kind, lang, item = spec.kind, spec.lang, spec.item
    listing = site.listing[lang]
    if kind == "post":
        return post_dependencies(item)
    if kind == "page":
        return [item.source, *sources_of(item.translations)]
    if kind == "blog":
        # hreflang links a page N to page N of languages that have that many.
        pages = [f"{code}:{blog_page_count(site, code)}" for code in site.settings.codes]
        per_page = site.settings.posts_per_page
        return [*pages, *sources_of(listing[(spec.number - 1) * per_page: spec.number * per_page])]
    if kind == "archive":
        return sources_of(listing)
    if kind == "home":
        return [*sources_of(listing[:5]), *sources_of(site.services)]
    if kind == "tags":
        return [f"{entry.slug}:{entry.name}:{len(entry.posts)}" for entry in site.tags[lang].values()]
    if kind in ("tag", "series"):
        other = [f"{code}:{slug in site.tags[code] if kind == 'tag' else slug in site.series[code]}"
                 for code in site.settings.codes for slug in [item.slug]]
        return [*other, *sources_of(item.posts)]
    if kind == "services":
        return sources_of(site.services_of(item))
    if kind in SERVICE_KINDS:
        # Service pages show the expertise they name; expertise pages the
        # posts sharing their tags and the services naming them. Sessions
        # move from upcoming to past with the clock.
        now = site.settings.now
        sessions = [f"{s.date.isoformat()}:{s.date > now}" for s in getattr(item, "sessions", ())]
        wanted = set(item.tags)
        posts = [p for p in listing if wanted.intersection(p.tag_names)] if kind == "expertise" else []
        return [*sources_of(site.services), *sources_of(posts), *sessions]
    return []


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
                hashes: dict[str, str]) -> str:
    deps = page_dependencies(site, spec)
    return digest(global_digest, templates.get(spec.template, "missing"), spec.url, spec.kind, spec.lang,
                  spec.number, *(f"{d}={hashes.get(d, '')}" for d in deps))


def theme_inputs(theme_dirs: Iterable[Path], root: Path) -> dict[str, str]:
    """Digests of the interface strings files, which every page shows."""
    from .readers import file_hash

    found: dict[str, str] = {}
    for directory in theme_dirs:
        folder = directory / "i18n"
        if folder.is_dir():
            for path in sorted(folder.glob("*.yml")):
                found[f"i18n:{path}"] = file_hash(path)
    return found
