"""Hashes of files and of values, and when a file's time can be trusted.

Reading sources memoises parses by these hashes and the cache keys builds and
pages on them: they sit below both, so reading never imports the cache.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

RACY_SECONDS = 2.0
"""A file modified this recently may change again within the file system's
time resolution without its time changing: hash it rather than trust it."""


def digest(*parts: object) -> str:
    """A hash of the parts, each ended by a NUL (so ("ab", "c") != ("a", "bc"))."""
    text = "".join(f"{part}\0" for part in parts)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def file_hash(path: Path) -> str:
    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    except OSError:
        return "missing"
