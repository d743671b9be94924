"""The build cache: what `sitegen build` keeps between runs, in one file.

`.sitegen-cache/build.msgpack` (the format is cachefile's: data that cannot run
code) holds the parse memo, every page's digest, the output folder it was for,
the files the last build made and what each image file held (the rows of
pages/images.py's memo, passed through as plain values). A cache that does
not load, or is from another sitegen, is ignored and replaced, never
trusted; one that cannot be written is left out. Neither is ever fatal: the
next build is only slower.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .. import __version__
from ..errors import path_for_messages
from ..sources.readers import ReadMemo
from . import cachefile
from .layout import BUILD_STATE, LEGACY_FILES, LEGACY_FOLDERS

CACHE_FORMAT = 4
"""Changes whenever what the cache holds changes shape, so an older one is ignored."""


@dataclass(eq=False)
class BuildMemory:
    """What one build leaves for the next."""

    memo: ReadMemo
    page_digests: dict[str, str]
    """Page URL (or `feed:<path>`) → the digest of what it was made from."""
    output_key: str
    """The output folder it was for, resolved."""
    produced: set[str] | None
    """Every file the build wrote or kept, relative to the output folder."""
    images: dict[str, list]
    """ImageMemo.rows(): checked by ImageMemo.from_rows, which knows what they mean."""


def load(root: Path, notes: list[str]) -> BuildMemory | None:
    """The last build's memory, or None: no cache, another sitegen's, or damaged (with a note)."""
    path = root / BUILD_STATE
    for old in LEGACY_FILES:
        (root / old).unlink(missing_ok=True)
    for folder in LEGACY_FOLDERS:
        shutil.rmtree(root / folder, ignore_errors=True)
    try:
        data = path.read_bytes()
    except OSError:
        return None  # no cache yet
    try:
        state = cachefile.loads(data)
        if not isinstance(state, dict) or state.get("version") != [CACHE_FORMAT, __version__]:
            return None  # another sitegen's: silently rebuilt
        memo = ReadMemo(state["settings_key"], state["records"], state["stats"], state["hashes"])
        pages, output, produced, images = state["pages"], state["output"], state["produced"], state["images"]
        if not (_str_map(pages) and isinstance(output, str) and _valid_memo(memo) and isinstance(images, dict)
                and (produced is None or all(isinstance(p, str) for p in produced))):
            raise cachefile.CacheFormatError("unexpected shape")
    except (cachefile.CacheFormatError, KeyError, TypeError, ValueError):
        notes.append(f"{path_for_messages(path, root)} is damaged or was not written by sitegen: "
                     "ignored (this build renders everything and replaces it)")
        return None
    return BuildMemory(memo, pages, output, set(produced) if produced is not None else None, images)


def prepare(root: Path, memory: BuildMemory, notes: list[str]) -> Callable[[], None]:
    """Write the cache beside its place; returns the rename that puts it
    there. A cache that cannot be written is left out, with a note."""
    path = root / BUILD_STATE
    partial = path.with_suffix(".partial")
    memo, produced = memory.memo, memory.produced
    try:
        partial.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("wb") as file:
            cachefile.write(file, {
                "version": [CACHE_FORMAT, __version__], "settings_key": memo.settings_key,
                "records": memo.records, "stats": memo.stats, "hashes": memo.hashes,
                "pages": memory.page_digests, "output": memory.output_key,
                "produced": sorted(produced) if produced is not None else None, "images": memory.images})
    except (RecursionError, TypeError, OverflowError, OSError) as exc:
        for stale in (partial, path):  # half a file, or the last build's, which no longer matches
            try:
                stale.unlink(missing_ok=True)
            except OSError:
                pass  # a folder in its place: the next build reads nothing there either
        notes.append(f"the build cache was not saved ({type(exc).__name__}: {exc}); "
                     "the next build renders everything")
        return lambda: None
    return lambda: _rename_quietly(partial, path)


def _str_map(value: object) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())


def _valid_memo(memo: ReadMemo) -> bool:
    """The memo's shape, as read_sources relies on it; the records themselves
    are sitegen's classes or the file would not have loaded."""
    return (isinstance(memo.settings_key, str) and _str_map(memo.hashes)
            and isinstance(memo.records, dict) and isinstance(memo.stats, dict)
            and all(isinstance(k, str) and isinstance(v, tuple) and len(v) == 3 and isinstance(v[0], str)
                    and type(v[1]).__name__ in cachefile.RECORDS and isinstance(v[2], list)
                    for k, v in memo.records.items())
            and all(isinstance(k, str) and isinstance(v, tuple) and len(v) == 3 for k, v in memo.stats.items()))


def _rename_quietly(source: Path, target: Path) -> None:
    try:
        os.replace(source, target)
    except OSError:
        pass  # after the swap nothing may fail: without it, the next build is cold
