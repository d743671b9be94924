"""The files a build makes besides its pages, as named records.

Every stage that adds a file to the output folder says so with one of these,
so the writer can check that no two sources claim one path and the builder
can tell what each file depends on, without unpacking anonymous tuples.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from ..sources.models import Post


@dataclass(frozen=True, slots=True)
class Claim:
    """One source wanting one output file: two different sources for a path are refused."""

    path: str
    """Relative to the output folder, with `/`."""
    source: str
    """What made it, as messages show it (`content/posts/x.md`, `the feed`)."""


@dataclass(frozen=True, slots=True)
class FileCopy:
    """A static file copied as it is (theme assets, site files, a folder post's files)."""

    path: str
    """Relative to the output folder, with `/`."""
    source: str
    """The file as messages show it."""
    file: Path
    """The file on disk."""


@dataclass(frozen=True, slots=True, eq=False)
class Output:
    """A generated file that is not a page: a feed, a calendar, the sitemap, a redirect…"""

    path: str
    """Relative to the output folder, with `/`."""
    source: str
    """What made it, as messages show it."""
    content: bytes | Callable[[], bytes]
    """The bytes, or a function making them (run in a build worker)."""
    listed: list[Post] | None = None
    """For feeds: the posts it lists. Such an output changes only with them, so
    an incremental build keeps it when they did not change; None: always made."""

    @property
    def digest_name(self) -> str:
        """Its entry among the digests of the last build (beside the pages' URLs)."""
        return f"feed:{self.path}"


def cached_bytes(path: Path, make: Callable[[], bytes]) -> bytes:
    """The bytes kept at `path` in the cache, else `make()`'s, kept there for
    next time. Written beside and renamed, so a build killed mid-write never
    leaves half a file to be read back; a cache that cannot be written (a
    read-only site) only costs making them again next time."""
    try:
        return path.read_bytes()
    except OSError:
        pass
    data = make()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.stem}.{os.getpid()}.partial")
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError:
        pass
    return data
