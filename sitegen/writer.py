"""The only module that writes the output folder.

A build writes into a staging folder beside the output and swaps it in only
when everything succeeded, so a failed build leaves the last good site
untouched. Two sources claiming one URL are refused before anything is
written.
"""

from __future__ import annotations

import os
import posixpath
import shutil
from pathlib import Path

from .errors import ContentError, SitegenError


def check_collisions(claims: list[tuple[str, str]]) -> None:
    """`claims`: (output file, source). Refuse two sources for one file."""
    owners: dict[str, str] = {}
    for path, source in claims:
        other = owners.get(path)
        if other is not None and other != source:
            raise ContentError(
                f"two sources write the same file '{path}': {other} and {source}",
                hint="give one of them another slug (front matter 'slug:'), file name or alias")
        owners[path] = source
    # A file where another source needs a folder (`feed.xml` and
    # `feed.xml/index.html`) cannot both be written either.
    for path, source in owners.items():
        folder = posixpath.dirname(path)
        while folder:
            if folder in owners:
                raise ContentError(
                    f"'{folder}' is a file of {owners[folder]} and a folder of {source} ('{path}')",
                    hint="give one of them another slug (front matter 'slug:'), file name or alias")
            folder = posixpath.dirname(folder)


def contained(relative: str) -> str:
    """`relative`, normalised, if it stays inside the folder it is relative to.
    The staging folder is new and only sitegen writes in it, so no symlink can
    lead out of it and a check of the path's text is enough."""
    normal = posixpath.normpath(relative)
    if normal in (".", "..") or normal.startswith(("../", "/")):
        raise SitegenError(f"refusing to write '{relative}' outside the output folder",
                           hint="URLs, slugs and aliases may not contain '..'")
    return normal


class _Output:
    """What both ways of writing the output share: a staging folder beside
    it that receives the files, thrown away if the build fails."""

    def __init__(self, output: Path):
        self.output = output
        self.staging = output.with_name(f".{output.name}.building")
        self.produced: set[str] = set()
        """Every file this build writes or keeps, relative to the output folder."""
        self.changed: list[str] = []
        self.removed: list[str] = []
        self._folders: set[Path] = set()

    def __enter__(self):
        if self.staging.exists():
            shutil.rmtree(self.staging)
        self.staging.mkdir(parents=True)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            return
        self.commit()

    def commit(self) -> None:
        raise NotImplementedError

    def target(self, relative: str) -> Path:
        """Where an output file goes in the staging folder; never outside it."""
        path = self.staging / contained(relative)
        if path.parent not in self._folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(path.parent)
        return path

    def write(self, relative: str, data: bytes) -> None:
        self.note(relative, self.store(relative, data))

    def store(self, relative: str, data: bytes) -> bool:
        """Stage one file (safe in a worker process); whether it changed."""
        raise NotImplementedError

    def note(self, relative: str, changed: bool) -> None:
        self.produced.add(relative)
        if changed:
            self.changed.append(relative)

    def keep(self, relative: str) -> None:
        """An output known to be unchanged (not re-rendered)."""
        self.produced.add(relative)


class StagedOutput(_Output):
    """Collects a whole build in `.<output>.building/` and swaps it in on success."""

    def __init__(self, output: Path):
        super().__init__(output)
        self.previous = output.with_name(f".{output.name}.previous")

    def __enter__(self) -> "StagedOutput":
        if self.previous.exists():
            shutil.rmtree(self.previous)
        return super().__enter__()

    def commit(self) -> None:
        if self.output.exists():
            os.replace(self.output, self.previous)
            os.replace(self.staging, self.output)
            shutil.rmtree(self.previous, ignore_errors=True)
        else:
            os.replace(self.staging, self.output)

    def store(self, relative: str, data: bytes) -> bool:
        self.target(relative).write_bytes(data)
        return True

    def copy(self, relative: str, source: Path) -> None:
        shutil.copy2(source, self.target(relative))
        self.note(relative, True)


class UpdatedOutput(_Output):
    """Updates an existing output folder in place, touching only what changed.

    Changed files are first written to a staging folder; only when the whole
    build succeeded are they moved in and the files no longer produced
    removed. Files whose bytes did not change are not rewritten, so hosting
    syncs and the preview see only real changes.
    """

    def __init__(self, output: Path, previous: set[str] | None = None):
        super().__init__(output)
        self.previous = previous
        """What the last build produced, when known: then only those files
        are candidates for removal, and the folder is not walked."""

    def commit(self) -> None:
        for relative in self.changed:
            final = self.output / relative
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.staging / relative, final)
        shutil.rmtree(self.staging, ignore_errors=True)
        self.removed = self._remove_stale()

    def _remove_stale(self) -> list[str]:
        if self.previous is not None:
            removed = sorted(self.previous - self.produced)
            for relative in removed:
                path = self.output / relative
                path.unlink(missing_ok=True)
                for folder in path.parents:
                    if folder == self.output or any(folder.iterdir()):
                        break
                    folder.rmdir()
            return removed
        removed = []
        for path in sorted(self.output.rglob("*"), reverse=True):  # children before their folder
            relative = path.relative_to(self.output).as_posix()
            if path.is_dir() and not path.is_symlink():
                if not any(path.iterdir()):
                    path.rmdir()
            elif relative not in self.produced:
                path.unlink()
                removed.append(relative)
        return removed

    def store(self, relative: str, data: bytes) -> bool:
        """Stage one file if its bytes changed."""
        current = self.output / relative
        try:
            if current.stat().st_size == len(data) and current.read_bytes() == data:
                return False
        except OSError:
            pass
        self.target(relative).write_bytes(data)
        return True

    def copy(self, relative: str, source: Path) -> None:
        current = self.output / relative
        try:
            mine, theirs = current.stat(), source.stat()
            if mine.st_size == theirs.st_size and mine.st_mtime_ns == theirs.st_mtime_ns:
                return self.note(relative, False)
        except OSError:
            pass
        shutil.copy2(source, self.target(relative))
        self.note(relative, True)
