"""The only module that writes the output folder.

A build writes a complete new output folder beside the old one (files that
did not change are hard links to the old ones, so they keep their bytes,
times and inode) and, only when everything succeeded, exchanges the two in
one atomic rename: a failed, interrupted or killed build leaves either the
last good site or the new one, never a mix. Two sources claiming one URL are
refused before anything is written.

sitegen only ever replaces a folder it made: every output folder carries the
marker file `MARKER` (outputdir.py checks the folder before a build). An
output folder that cannot be renamed (a mount point, such as a Docker
volume) is built into by swapping its contents.
"""

from __future__ import annotations

import ctypes
import errno
import os
import posixpath
import shutil
import stat
import sys
from pathlib import Path

from ..errors import ContentError, SitegenError, path_for_messages
from ..site.files import Claim
from .outputdir import MARKER, MARKER_TEXT, OutputError, marked

_RENAME_EXCHANGE = 2
_CANNOT_RENAME = {errno.EBUSY, errno.EXDEV, errno.EPERM, errno.EACCES, errno.EINVAL}
"""What rename(2) says for a mount point or a folder on another device."""


def check_collisions(claims: list[Claim]) -> None:
    """Refuse two sources for one output file."""
    owners: dict[str, str] = {}
    for claim in claims:
        path, source = claim.path, claim.source
        other = owners.get(path)
        if other is not None and other != source:
            raise ContentError(
                f"two sources write the same file '{path}': {other} and {source}",
                hint="give one of them another slug (front matter 'slug:'), file name or alias")
        owners[path] = source
    # A file where another source needs a folder (`feed.xml` and
    # `feed.xml/index.html`) cannot both be written either.
    folders: set[str] = set()
    """Folders known to be no file, nor any folder above them (every file
    but the first in a folder stops there)."""
    for path, source in owners.items():
        folder = posixpath.dirname(path)
        while folder and folder not in folders:
            if folder in owners:
                raise ContentError(
                    f"'{folder}' is a file of {owners[folder]} and a folder of {source} ('{path}')",
                    hint="give one of them another slug (front matter 'slug:'), file name or alias")
            folders.add(folder)
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


def is_mount_point(folder: Path) -> bool:
    """A folder that rename(2) cannot move: another device, or a mount point."""
    try:
        return os.path.ismount(folder) or folder.stat().st_dev != folder.parent.resolve().stat().st_dev
    except OSError:
        return False


def _exchange(a: Path, b: Path) -> None:
    """Swap two paths in one atomic step (Linux renameat2 RENAME_EXCHANGE)."""
    if not sys.platform.startswith("linux"):
        raise OSError(errno.ENOSYS, "no atomic exchange here")
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.renameat2(-100, os.fsencode(a), -100, os.fsencode(b), _RENAME_EXCHANGE) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(a))


def _remove(folder: Path) -> None:
    """Deletes a folder this build made or replaced; a failure only leaves
    it behind (it is marked, so the next build deletes it)."""
    shutil.rmtree(folder, ignore_errors=True)


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # a file system without hard links, or too many of them
        shutil.copy2(source, target)


class InPlaceWriter:
    """The preview's edits of files in place: each written beside the old one
    and renamed over it, so a reader gets the old file or the new one, never
    half (and a hard link to an older build is never written through).

    Unlike a staging folder, the served folder has been there a while: a
    symbolic link planted in it must not take a write elsewhere. Each folder
    on the way to a file is checked not to be one, once per writer (a
    writer lives for one batch of edits)."""

    def __init__(self, output: Path):
        self.output = os.path.realpath(output)
        self._checked: set[str] = set()

    def replace(self, relative: str, data: bytes) -> bool:
        """Whether the file's bytes changed."""
        normal = contained(relative)
        folder = posixpath.dirname(normal)
        if folder not in self._checked:
            self._check(folder)
        path = f"{self.output}/{normal}"
        try:
            # The size first: most edits change it, and then one system call tells.
            if os.stat(path).st_size == len(data):
                with open(path, "rb") as old:
                    if old.read() == data:
                        return False
        except OSError:
            pass
        # The process in the name: each worker writes a partial file of its own.
        head, name = path.rsplit("/", 1)
        partial = f"{head}/.{name}.{os.getpid()}.partial"
        with open(partial, "wb") as new:
            new.write(data)
        os.replace(partial, path)
        return True

    def _check(self, folder: str) -> None:
        parent = posixpath.dirname(folder)
        if parent and parent not in self._checked:
            self._check(parent)
        if folder:
            try:
                link = stat.S_ISLNK(os.lstat(f"{self.output}/{folder}").st_mode)
            except OSError:
                return  # not there: the write fails and says so
            if link:
                raise OutputError(
                    f"refusing to write in '{folder}': in the output it is a link to "
                    f"{os.path.realpath(f'{self.output}/{folder}')}",
                    hint="delete the output folder (sitegen makes it again)")
        self._checked.add(folder)


# -- the writers ---------------------------------------------------------------

class _Output:
    """What both ways of writing share: a new, marked folder that receives
    the whole build and is swapped in on success, thrown away on failure."""

    def __init__(self, output: Path, root: Path | None = None):
        self.output = output
        self.root = root or output.parent
        self.inside = output.is_dir() and is_mount_point(output)
        """Whether the output is a mount point: then the new build is made
        inside it (renames cannot cross devices) and its contents swapped."""
        if self.inside:
            self.staging = output / ".sitegen-building"
            self.previous = output / ".sitegen-previous"
        else:
            self.staging = output.with_name(f".{output.name}.building")
            self.previous = output.with_name(f".{output.name}.previous")
        self.produced: set[str] = set()
        """Every file this build writes or keeps, relative to the output folder."""
        self.changed: list[str] = []
        self.removed: list[str] = []
        self.staging_text = str(self.staging)
        self._folders: set[str] = set()
        """Folders of the staging folder made so far, as text."""
        self.committed = False

    def __enter__(self):
        self._recover()
        for leftover in (self.staging, self.previous):
            self._clear(leftover)
        self.staging.mkdir(parents=True)
        (self.staging / MARKER).write_bytes(MARKER_TEXT)
        self._folders.add(self.staging_text)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None or not self.committed:
            _remove(self.staging)

    def _recover(self) -> None:
        """A build killed between the two renames of the fallback swap left
        the last good output in `previous`: put it back."""
        if not self.inside and not self.output.exists() and marked(self.previous):
            os.rename(self.previous, self.output)

    def _clear(self, leftover: Path) -> None:
        if not (leftover.exists() or leftover.is_symlink()):
            return
        if leftover.is_dir() and not leftover.is_symlink() and marked(leftover):
            shutil.rmtree(leftover)
            return
        name = path_for_messages(leftover, self.root, resolve=True)
        raise OutputError(f"'{name}' is in the way of the build and sitegen did not make it",
                          hint="move it away or delete it, then build again")

    def target(self, relative: str) -> Path:
        """Where an output file goes in the staging folder; never outside it."""
        return Path(self._staged(relative))

    def _staged(self, relative: str) -> str:
        # os.path on text, not Path: this runs for every page of a build.
        path = os.path.join(self.staging_text, contained(relative))
        folder = os.path.dirname(path)
        if folder not in self._folders:
            try:
                os.mkdir(folder)  # the usual case (a page's own folder): one system call
            except FileExistsError:
                pass
            except FileNotFoundError:
                os.makedirs(folder, exist_ok=True)
            self._folders.add(folder)
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
        _link_or_copy(self.output / relative, self.target(relative))
        self.produced.add(relative)

    def prepare(self) -> None:
        """Everything that may still fail, before the swap: what goes away."""
        self.removed = self._stale()

    def _stale(self) -> list[str]:
        return []

    def commit(self) -> None:
        """Swap the new output in. Nothing after the swap may fail: the old
        folder's removal only leaves it behind for the next build."""
        self.committed = True
        if self.inside:
            return self._swap_contents()
        if not self.output.exists():
            os.rename(self.staging, self.output)
            return
        try:
            _exchange(self.staging, self.output)
        except OSError as exc:
            if exc.errno not in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP) and \
                    exc.errno not in _CANNOT_RENAME:
                raise
            self._swap_by_renames()
            return
        _remove(self.staging)  # it holds the old output now

    def _swap_by_renames(self) -> None:
        """No atomic exchange (not Linux, or a file system without it): two
        renames; `_recover` repairs a build killed between them."""
        try:
            os.rename(self.output, self.previous)
        except OSError as exc:
            if exc.errno not in _CANNOT_RENAME:
                raise
            return self._move_inside()  # the folder itself cannot move: a mount point
        os.rename(self.staging, self.output)
        _remove(self.previous)

    def _move_inside(self) -> None:
        """The output turned out to be unmovable: bring the new build inside
        it (a copy, as it is another device), then swap the contents."""
        inside = self.output / ".sitegen-building"
        self._clear(inside)
        self._clear(self.output / ".sitegen-previous")
        shutil.copytree(self.staging, inside, symlinks=True)
        _remove(self.staging)
        self.staging, self.previous, self.inside = inside, self.output / ".sitegen-previous", True
        self._swap_contents()

    def _swap_contents(self) -> None:
        """For a mount point: the old entries move into `previous`, the new
        ones out of the staging folder, each a rename on the same device.
        Not one atomic step (a mount point cannot be exchanged): a build
        killed here leaves both sets, which the next build sorts out."""
        self.previous.mkdir()
        (self.previous / MARKER).write_bytes(MARKER_TEXT)
        keep = {self.staging.name, self.previous.name}
        for name in os.listdir(self.output):
            if name not in keep and name != MARKER:
                os.rename(self.output / name, self.previous / name)
        for name in os.listdir(self.staging):
            os.replace(self.staging / name, self.output / name)
        _remove(self.staging)
        _remove(self.previous)


class StagedOutput(_Output):
    """A build with nothing to compare with: every file is written anew."""

    def store(self, relative: str, data: bytes) -> bool:
        with open(self._staged(relative), "wb") as file:
            file.write(data)
        return True

    def copy(self, relative: str, source: Path) -> None:
        shutil.copy2(source, self.target(relative))
        self.note(relative, True)


class UpdatedOutput(_Output):
    """A build after an earlier one into the same folder: files whose bytes
    did not change are hard links to the old ones, so hosting syncs and the
    preview see only real changes; the swap is the same atomic one."""

    def __init__(self, output: Path, previous: set[str] | None = None, root: Path | None = None):
        super().__init__(output, root)
        self.last_produced = previous
        """What the last build produced, when known: then the folder is not walked."""

    def _stale(self) -> list[str]:
        if self.last_produced is not None:
            return sorted(self.last_produced - self.produced)
        removed = []
        for folder, subfolders, names in os.walk(self.output):
            subfolders[:] = [s for s in subfolders if (Path(folder) / s) not in (self.staging, self.previous)]
            for name in names:
                relative = os.path.relpath(os.path.join(folder, name), self.output).replace(os.sep, "/")
                if relative not in self.produced and relative != MARKER:
                    removed.append(relative)
        return sorted(removed)

    def store(self, relative: str, data: bytes) -> bool:
        """Stage one file; a link to the old one if its bytes did not change."""
        current = self.output / relative
        try:
            if current.stat().st_size == len(data) and current.read_bytes() == data:
                _link_or_copy(current, self.target(relative))
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
                _link_or_copy(current, self.target(relative))
                return self.note(relative, False)
        except OSError:
            pass
        shutil.copy2(source, self.target(relative))
        self.note(relative, True)
