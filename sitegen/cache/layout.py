"""The cache folder, `.sitegen-cache/`: the one place its files are named.

Everything in it is what builds reuse, safe to delete (the next build is
only slower). Structured state is MessagePack (msgspec) in two files:

- `build.msgpack` (store.py): the parsed sources, every page's digest, the
  output folder and files of the last build, what each image file held;
- `unchanged.msgpack` (uptodate.py): the "nothing changed" record, kept apart
  because it is read before anything heavy is imported.

Bytes made once and kept by a key of what made them (`site/files.cached_bytes`):
`images/` (encoded image variants) and `social/` (drawn social images).
The build lock, the preview's output folder and the external links' cache
(`.lycheecache`, lychee's own) live here too. Paths are
relative to the site root.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import SitegenError, path_for_messages

CACHE_DIR = Path(".sitegen-cache")
BUILD_STATE = CACHE_DIR / "build.msgpack"
UNCHANGED = CACHE_DIR / "unchanged.msgpack"
IMAGE_VARIANTS = CACHE_DIR / "images"
SOCIAL_IMAGES = CACHE_DIR / "social"
LOCK = CACHE_DIR / "build.lock"
PREVIEW = CACHE_DIR / "preview"
LINK_CACHE = CACHE_DIR / ".lycheecache"
"""lychee's own cache of external links checked (`sitegen check --external`):
one `URL,status,time` line each, kept a day; never code."""

LEGACY_UNCHANGED = CACHE_DIR / "unchanged.json"
"""The record of earlier versions (JSON): read only to recognise an output
folder an earlier sitegen made before it marked them (build/outputdir.py)."""
LEGACY_FILES = (CACHE_DIR / "build.pickle", IMAGE_VARIANTS / "memo.json", LEGACY_UNCHANGED)
"""Left by earlier versions and never loaded (a pickle runs code): removed by the next build."""
LEGACY_FOLDERS = (CACHE_DIR / "templates",)
"""Jinja bytecode of earlier versions (loaded with marshal, which runs code): removed."""


class PlantedLink(SitegenError):
    """A symbolic link at or in the cache folder, where sitegen makes none."""


def refuse_links(root: Path) -> None:
    """Refuse a symbolic link at `.sitegen-cache/` or anywhere in it, before a
    build opens anything there. sitegen makes none; one that a repository
    carries would have the build write through it outside the site (the lock,
    the cache files) or publish the file it points to as a cached image.
    The preview's output folder is not walked: it is an output folder, whose
    writers check their own way (build/writer.py)."""
    folder = root / CACHE_DIR
    hint = "delete the .sitegen-cache folder (it only makes builds faster), then build again"
    if folder.is_symlink():
        raise PlantedLink(f"sitegen's cache folder is a symbolic link (to {os.readlink(folder)}); sitegen keeps "
                          "its cache in a folder of its own inside the site", path_for_messages(folder, root),
                          hint="delete the link; the next build makes the folder")
    preview = str(root / PREVIEW)
    pending = [str(folder)] if folder.is_dir() else []
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                if entry.is_symlink():
                    raise PlantedLink(f"a symbolic link (to {os.readlink(entry.path)}) in sitegen's cache folder, "
                                      "where sitegen makes none: a build would write or read through it",
                                      path_for_messages(Path(entry.path), root), hint=hint)
                if entry.is_dir(follow_symlinks=False) and entry.path != preview:
                    pending.append(entry.path)
