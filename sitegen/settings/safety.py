"""What makes input safe to read and to publish (SPEC §5).

Reading: a symbolic link is followed only when it stays inside the allowed
folders (the site root, the shipped themes); a link out of them, e.g. to
/proc/self/environ, would publish whatever it points to.

Values: slugs are one URL segment, aliases are site paths, link fields are
http(s), mailto, tel or site paths. Each check returns what is wrong in
words (None when the value is fine), so the reader that knows the file and
line raises the error.
"""

from __future__ import annotations

import os
import posixpath
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from slugify import slugify

from ..errors import ContentError, path_for_messages

LINK_SCHEMES = {"http", "https", "mailto", "tel"}
SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
SLUG = re.compile(r"^\w[\w.~-]*$")
HOSTNAME = re.compile(r"^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
                      r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


class LinkOutside(ContentError):
    """A symbolic link that leads out of the site."""

    def __init__(self, link: str, target: Path, written: str | None = None):
        shown = written if written and written != str(target) else str(target)
        super().__init__(f"this is a link to {shown}, outside the site; sitegen only reads files inside "
                         f"the site folder", link,
                         hint="copy the file into the site instead of linking to it, or remove the link")


class NameNotText(ContentError):
    """A file or folder name that is not UTF-8 (an old Windows or FTP copy
    writes Latin-1 bytes): no web address can be made of it, and any message
    or cache entry that holds it would fail to encode."""

    def __init__(self, path: Path, root: Path):
        raw = os.fsencode(path_for_messages(path, root))
        super().__init__("this name is not UTF-8 text, so sitegen cannot make a web address of it",
                         raw.decode("utf-8", "backslashreplace"),
                         hint=f"rename it in UTF-8, e.g. to {_likely_name(os.fsencode(path.name))!r}")


def _likely_name(raw: bytes) -> str:
    """What a name that is not UTF-8 most likely meant: such bytes nearly
    always come from Windows-1252 (or Latin-1, which decodes anything)."""
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def check_name(path: Path | str, name: str, root: Path) -> None:
    """NameNotText when `name` holds bytes that were not UTF-8 (Python keeps them as lone surrogates)."""
    if not name.isascii():
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            raise NameNotText(Path(path), root) from None


# Where links may lead besides the site: the themes that ship with sitegen.
SHIPPED_THEMES = Path(__file__).parents[1] / "themes"
# In a source checkout (editable install) the shipped theme sits beside the package.
SOURCE_THEMES = Path(__file__).parents[2] / "themes"


def is_inside(path: Path, folders: tuple[Path, ...]) -> bool:
    return any(path == folder or folder in path.parents for folder in folders)


def allowed_folders(root: Path) -> tuple[Path, ...]:
    """The site root and the shipped themes, resolved: where links may lead."""
    return tuple(p.resolve() for p in (root, SHIPPED_THEMES, SOURCE_THEMES))


def _written(link: Path) -> str | None:
    """The target as the link spells it (`/proc/self/environ`, not the pid)."""
    try:
        return os.readlink(link)
    except OSError:
        return None


def check_path(path: Path, root: Path, allowed: tuple[Path, ...] | None = None) -> None:
    """Raise LinkOutside if `path` (or a folder on the way to it) resolves
    outside the allowed folders."""
    allowed = allowed or allowed_folders(root)
    if is_inside(path.resolve(), allowed):
        return
    # Name the link itself, not only the file reached through it.
    probe = path
    while probe != probe.parent:
        if probe.is_symlink():
            if not is_inside(probe.resolve(), allowed):
                raise LinkOutside(path_for_messages(probe, root), probe.resolve(), _written(probe))
        probe = probe.parent
    raise LinkOutside(path_for_messages(path, root), path.resolve())


def walk_files(folder: Path, root: Path, allowed: tuple[Path, ...] | None = None,
               skip: re.Pattern[str] | None = None) -> Iterator[Path]:
    """Every file under `folder`, sorted, following links only inside the
    allowed folders; a link that leads out raises LinkOutside. Names that
    `skip` matches (hidden files, editors' temporary files) are left out."""
    allowed = allowed or allowed_folders(root)
    if not folder.is_dir():
        return
    check_path(folder, root, allowed)

    def walk(current: Path, above: frozenset[Path] = frozenset()) -> Iterator[Path]:
        real = current.resolve()
        if real in above:  # a link back up the tree would never end
            return
        above = above | {real}
        with os.scandir(current) as entries:
            ordered = sorted(entries, key=lambda e: e.name)
        for entry in ordered:
            if skip is not None and skip.search(entry.name):
                continue
            path = Path(entry.path)
            check_name(path, entry.name, root)
            if entry.is_symlink():
                target = path.resolve()
                if not is_inside(target, allowed):
                    raise LinkOutside(path_for_messages(path, root), target, _written(path))
            if entry.is_dir():
                yield from walk(path, above)
            elif entry.is_file():
                yield path

    yield from walk(folder)


def _has_control_or_space(value: str) -> bool:
    return any(ch.isspace() or unicodedata.category(ch)[0] == "C" for ch in value)


def link_problem(value: object) -> str | None:
    """Why `value` may not become an href; None when it may."""
    if not isinstance(value, str) or not value:
        return "must be a web address (https://…) or a site path (/…)"
    if _has_control_or_space(value):
        return (f"{value!r} contains spaces or control characters; write a web address such as "
                f"https://example.com/page (spaces as %20)")
    match = SCHEME.match(value)
    if match and match.group(1).lower() not in LINK_SCHEMES:
        return (f"'{match.group(1)}:' links are not allowed ({value[:40]!r}); use an http(s), mailto or tel "
                f"address or a site path")
    if value.startswith("//"):  # protocol-relative: another site, not a path of this one
        return f"{value!r} is not a site path; write the full address, https:{value}"
    if "\\" in value:  # browsers read a backslash as '/', so '\\evil.example' leaves the site
        return f"{value!r} has a backslash; write the address with '/'"
    return None


@lru_cache(maxsize=None)
def name_slug(name: str) -> str:
    """`écoles` → `ecoles`: the URL segment of a tag or series name. The same
    few names come back on every post, and python-slugify's transliteration
    costs more than the rest of reading a tag."""
    return slugify(name)


def slug_problem(value: object) -> str | None:
    """Why `value` is not one URL segment; None when it is."""
    if not isinstance(value, str) or not value:
        return "must be text made of letters, digits and '-'"
    if not SLUG.fullmatch(value) or set(value) == {"."}:
        suggestion = slugify(value)
        return (f"{value!r} is not one URL segment (no '/', '.', '..', spaces or other signs); "
                + (f"write e.g. slug: {suggestion}" if suggestion else "use letters, digits and '-'"))
    return None


def alias_problem(value: str) -> str | None:
    """Why `value` is not a site path an old URL can redirect from."""
    if not value.strip():
        return "an alias may not be empty"
    if _has_control_or_space(value):
        return f"{value!r} contains spaces or control characters; an alias is a site path such as /old/page/"
    if SCHEME.match(value) or value.startswith("//") or "\\" in value:
        return f"{value!r} is not a site path; write only the path, such as /old/page/"
    if any(ch in value for ch in "?#"):
        return f"{value!r} has a query or fragment ('?' or '#'); static hosts redirect paths only"
    if any(part in (".", "..") for part in value.split("/")):
        return f"{value!r} has '.' or '..' in it; write the path as it is published, such as /old/page/"
    return None


def normal_site_path(value: str) -> str:
    """`/a//b/` → `/a/b/`: one spelling per path, so collisions are seen."""
    trailing = value.endswith("/")
    path = posixpath.normpath("/" + value.lstrip("/"))
    if path.startswith("//"):
        path = "/" + path.lstrip("/")
    return path + "/" if trailing and path != "/" else path


def base_url_problem(value: str) -> str | None:
    from urllib.parse import urlsplit
    if _has_control_or_space(value):
        return f"{value!r} contains spaces, a line break or control characters"
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"must be an absolute URL such as https://jane.example, not {value!r}"
    if parts.query or parts.fragment or value.rstrip("/").endswith(("?", "#")):
        return f"{value!r} has a query or fragment ('?' or '#'); write only the address, e.g. https://jane.example"
    if parts.username or parts.password:
        return f"{value!r} holds a user name or password; write only the address, e.g. https://jane.example"
    return None


def hostname_problem(value: object) -> str | None:
    if not isinstance(value, str) or not HOSTNAME.fullmatch(value):
        return f"must be a bare domain name such as jane.example, not {str(value)[:80]!r}"
    return None
