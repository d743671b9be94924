"""What may be used as the output folder, checked before a build reads anything.

sitegen only ever replaces a folder it made: every output folder carries the
marker file `MARKER`, and a non-empty folder without it is refused, as is
one whose replacement would destroy the site's sources. Folders made by an
earlier sitegen, before the marker, are recognised by the last build's
record of its files.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Iterable

from ..cache.uptodate import last_produced
from ..errors import SitegenError, path_for_messages

MARKER = ".sitegen-output"
MARKER_TEXT = (b"This folder is built by sitegen and replaced as a whole by every build.\n"
               b"Keep no files of your own here: they would be deleted.\n")


class OutputError(SitegenError):
    """The output folder cannot be used, or the disk refused a write."""


def check_output_folder(output: Path, root: Path, sources: Iterable[Path]) -> None:
    """Refuse an output folder sitegen did not make, or one whose
    replacement would destroy sources. `sources`: site.yml, content/, the
    theme folders."""
    name = path_for_messages(output, root, resolve=True)
    pick = "pick another folder (--output, or 'output:' in site.yml), such as public"
    out, site = output.resolve(), root.resolve()
    if out == site or out in site.parents:
        raise OutputError(f"the output folder '{name}' is the site folder or holds it; "
                          "every build replaces the output folder as a whole", hint=pick)
    if ".git" in out.parts:
        raise OutputError(f"the output folder '{name}' is inside a git repository's .git folder", hint=pick)
    for source in sources:
        place = source.resolve()
        if out == place:
            raise OutputError(f"the output folder '{name}' is one of the site's sources", hint=pick)
        if out in place.parents:
            raise OutputError(f"the output folder '{name}' holds the site's sources "
                              f"({path_for_messages(source, root, resolve=True)})",
                              hint=pick)
        if place in out.parents:
            raise OutputError(f"the output folder '{name}' is inside "
                              f"{path_for_messages(source, root, resolve=True)}", hint=pick)
    if output.is_symlink():
        raise OutputError(f"the output folder '{name}' is a symbolic link",
                          hint=f"give the folder it points to ({os.path.realpath(output)}) or {pick}")
    if not output.exists():
        return
    if not output.is_dir():
        raise OutputError(f"the output folder '{name}' is a file, not a folder", hint=pick)
    entries = os.listdir(output)
    if not entries or marked(output) or _built_by_earlier_sitegen(output, root):
        return
    if "site.yml" in entries or "content" in entries:
        raise OutputError(f"the output folder '{name}' holds a site's sources (site.yml or content/)", hint=pick)
    raise OutputError(
        f"the output folder '{name}' is not empty and sitegen did not make it (it has no {MARKER} file); "
        "every build replaces the output folder as a whole, so its files would be lost",
        hint=f"{pick}; or, if it holds nothing you need, empty it (or delete it) and build again")


def marked(folder: Path) -> bool:
    marker = folder / MARKER
    return marker.is_file() and not marker.is_symlink()


def _built_by_earlier_sitegen(output: Path, root: Path) -> bool:
    """Output folders made before the marker existed are recognised by the
    last build's manifest: accepted only when it lists every file in them,
    so nothing sitegen did not write is lost."""
    produced = last_produced(root)
    if not produced:
        return False
    for folder, _, names in os.walk(output):
        for file in names:
            relative = os.path.relpath(os.path.join(folder, file), output).replace(os.sep, "/")
            if relative not in produced:
                return False
    return True


def disk_error(exc: OSError, output: Path, root: Path) -> OutputError:
    """One clear message for a write the disk refused."""
    where = exc.filename if exc.filename else output
    hints = {errno.ENOSPC: "the disk is full: free some space, then build again",
             errno.EDQUOT: "the disk quota is used up: free some space, then build again",
             errno.EFBIG: "a file size limit was hit (ulimit -f, or the disk is full): raise it or free space",
             errno.EROFS: "that file system is read-only: pick an output folder on a writable disk (--output)",
             errno.EACCES: "no permission to write there: fix its permissions or pick another folder (--output)",
             errno.EPERM: "no permission to write there: fix its permissions or pick another folder (--output)"}
    return OutputError(f"cannot write {path_for_messages(Path(where), root, resolve=True)}: "
                       f"{exc.strerror or exc}",
                       hint=hints.get(exc.errno, "the last good output is untouched; fix that, then build again"))
