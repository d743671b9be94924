"""Which files of content/ are sources: hidden and editors' temporary files
left out, links followed only inside the site, and one post written twice
(`x.md` beside `x.markdown`) refused."""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..errors import ContentError
from ..settings.safety import LinkOutside, allowed_folders, check_name, check_path, is_inside, walk_files
from .context import display_path
from .frontmatter import MARKDOWN_SUFFIXES, markdown_stem

IGNORED = re.compile(r"(^\.|~$|\.swp$|\.swx$|^4913$|___jb_(tmp|old)___$|^#.*#$)")


def is_ignored(path: Path) -> bool:
    """Hidden files and editors' temporary files are never content."""
    return any(IGNORED.search(part) for part in path.parts)


def _entries(folder: Path, root: Path, allowed: tuple[Path, ...]) -> list[os.DirEntry]:
    """A folder's entries, sorted, without ignored names; a link among them
    that leads out of the site raises LinkOutside."""
    with os.scandir(folder) as found:
        entries = sorted((e for e in found if not IGNORED.search(e.name)), key=lambda e: e.path)
    for entry in entries:
        check_name(entry.path, entry.name, root)
        if entry.is_symlink() and not is_inside(Path(entry.path).resolve(), allowed):
            raise LinkOutside(display_path(Path(entry.path), root), Path(entry.path).resolve(),
                              os.readlink(entry.path))
    return entries


def source_files(folder: Path, pattern: str, root: Path) -> list[Path]:
    """Source files under `folder`: `*.md` (one level), `*/index*.md` (folder
    posts) or `**/*` (everything). Links are followed only inside the site."""
    if not folder.is_dir():
        return []
    allowed = allowed_folders(root)
    check_path(folder, root, allowed)
    if pattern == "**/*":
        return list(walk_files(folder, root, allowed, skip=IGNORED))
    if pattern.startswith("*/"):  # folder posts: <name>/index*.md
        suffixes = suffixes_of(pattern.rsplit("*", 1)[-1])
        return [Path(inner.path) for entry in _entries(folder, root, allowed) if entry.is_dir()
                for inner in _entries(Path(entry.path), root, allowed)
                if inner.name.startswith("index") and inner.name.endswith(suffixes) and inner.is_file()]
    # One folder: a scan is much cheaper than a glob on thousands of posts.
    suffixes = suffixes_of(pattern.lstrip("*"))
    return [Path(e.path) for e in _entries(folder, root, allowed) if e.name.endswith(suffixes) and e.is_file()]


def suffixes_of(suffix: str) -> tuple[str, ...]:
    """A Markdown file is `.md` or `.markdown` wherever one of them is asked for."""
    return MARKDOWN_SUFFIXES if suffix in MARKDOWN_SUFFIXES else (suffix,)


def markdown_collisions(paths: list[Path], root: Path) -> list[ContentError]:
    """`x.md` beside `x.markdown`: one post (or page) written twice; which one
    wins would depend on the order the folder lists them."""
    seen: dict[tuple[str, str], Path] = {}
    errors = []
    # The folder as text: a Path made for each of thousands of posts cost more than the rest of the listing.
    for path in sorted(paths, key=lambda p: (os.path.dirname(p), markdown_stem(p.name), not p.name.endswith(".md"))):
        key = (os.path.dirname(path), markdown_stem(path.name))
        other = seen.setdefault(key, path)
        if other is not path:
            first, second = display_path(other, root), display_path(path, root)
            errors.append(ContentError(f"{first} and {second} are the same file under two names (same name and "
                                       "language)", second, 1, hint="keep one of them: delete or rename the other"))
    return errors
