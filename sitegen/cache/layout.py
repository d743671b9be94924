"""The cache folder, `.sitegen-cache/`: the one place its files are named.

Everything in it is what builds reuse, safe to delete (the next build is
only slower). Structured state is MessagePack (msgspec) in two files:

- `build.msgpack` (store.py): the parsed sources, every page's digest, the
  output folder and files of the last build, what each image file held;
- `unchanged.msgpack` (uptodate.py): the "nothing changed" record, kept apart
  because it is read before anything heavy is imported.

Bytes made once and kept by a key of what made them (`site/files.cached_bytes`):
`images/` (encoded image variants) and `social/` (drawn social images).
The build lock and the preview's output folder live here too. Paths are
relative to the site root.
"""

from __future__ import annotations

from pathlib import Path

CACHE_DIR = Path(".sitegen-cache")
BUILD_STATE = CACHE_DIR / "build.msgpack"
UNCHANGED = CACHE_DIR / "unchanged.msgpack"
IMAGE_VARIANTS = CACHE_DIR / "images"
SOCIAL_IMAGES = CACHE_DIR / "social"
LOCK = CACHE_DIR / "build.lock"
PREVIEW = CACHE_DIR / "preview"

LEGACY_UNCHANGED = CACHE_DIR / "unchanged.json"
"""The record of earlier versions (JSON): read only to recognise an output
folder an earlier sitegen made before it marked them (build/outputdir.py)."""
LEGACY_FILES = (CACHE_DIR / "build.pickle", IMAGE_VARIANTS / "memo.json", LEGACY_UNCHANGED)
"""Left by earlier versions and never loaded (a pickle runs code): removed by the next build."""
LEGACY_FOLDERS = (CACHE_DIR / "templates",)
"""Jinja bytecode of earlier versions (loaded with marshal, which runs code): removed."""
