"""Whether the last build is still up to date, checked before anything heavy
is imported: `sitegen build` with nothing changed costs little more than
starting Python.

The last build leaves `.sitegen-cache/unchanged.msgpack`: a key of the settings
and options it ran with, a signature of every source file (name, size,
modification time, inode), the next moment the clock alone changes the site
(a scheduled post, a session becoming past), and the files it wrote. When all
of that still holds, the build has nothing to do, as `make` would say.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, time as time_of_day, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

import msgspec

from .. import __version__
from ..settings.config import SETTINGS_FILE, Settings, load_settings
from ..errors import SitegenError
from ..sources.hashing import RACY_SECONDS, digest, file_hash
from .layout import LEGACY_UNCHANGED, UNCHANGED

if TYPE_CHECKING:
    from ..sources.models import Sources


class Record(msgspec.Struct, forbid_unknown_fields=True):
    """What a build leaves for the next one to tell it has nothing to do."""

    key: str
    """The fingerprint's build_key."""
    signature: str
    until: float | None
    """next_clock_change()."""
    pages: int
    files: int
    warnings: list[str]
    produced: list[str]
    """Every file of the output folder, relative to it."""


@dataclass
class BuildResult:
    pages: int
    files: int
    seconds: float
    output: Path
    warnings: list[str] = field(default_factory=list)
    rendered: int = 0
    """Pages rendered this time (the others were unchanged)."""
    changed: list[str] = field(default_factory=list)
    """Output files written or removed, relative to the output folder."""
    notes: list[str] = field(default_factory=list)
    """Problems of sitegen's own (a damaged cache): shown, never fatal, not --strict warnings."""


class StrictFailure(SitegenError):
    """--strict and there were warnings."""


def fail_if_strict(strict: bool, warnings: list[str]) -> None:
    if strict and warnings:
        raise StrictFailure(f"{len(warnings)} warning(s) and --strict is on:\n  " + "\n  ".join(warnings))


def source_signature(roots: Iterable[Path], now_ns: int) -> str | None:
    """The name, size, time and inode of every file under `roots` (files or
    folders): equal signatures mean no source was added, removed or changed.
    None when a file was written too recently for its time to be trusted."""
    entries: list[tuple[str, int, int, int]] = []
    for root in roots:
        if root.is_file():
            walked = [(str(root.parent), [root.name])]
        else:
            walked = []
            for folder, subfolders, names in os.walk(root):
                subfolders.sort()
                # os.walk lists a link to a folder among the folders and does not
                # enter it: counted as an entry, so adding one is seen.
                links = [d for d in subfolders if os.path.islink(os.path.join(folder, d))]
                walked.append((folder, sorted(names + links)))
        for folder, names in walked:
            for name in names:
                path = os.path.join(folder, name)
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                if now_ns - st.st_mtime_ns < RACY_SECONDS * 1e9:
                    return None
                entries.append((path, st.st_size, st.st_mtime_ns, st.st_ino))
    return digest(*entries)


@dataclass(frozen=True)
class Fingerprint:
    settings_hash: str
    """Of site.yml's bytes."""
    settings_key: str
    """What parsed sources depend on: sitegen's version, the settings, the
    languages, the theme's footnote names (rendered into the records)."""
    build_key: str
    """What the whole build depends on besides the sources and the clock."""
    signature: str | None
    """source_signature() of site.yml, content/ and the theme folders; None
    when not asked for or not to be trusted yet."""


def fingerprint(root: Path, settings: Settings, *, with_signature: bool = True) -> Fingerprint:
    settings_hash = file_hash(root / SETTINGS_FILE)
    settings_key = digest(__version__, settings_hash, settings.codes,
                          [(l.name, l.locale) for l in settings.languages], settings.timezone,
                          settings.base_url, settings.theme_dirs, settings.root.resolve(),
                          sorted(settings.footnote_names.items()))
    build_key = digest(settings_key, sys.version, settings.drafts, settings.future, settings.output.resolve(),
                       os.environ.get("SOURCE_DATE_EPOCH"))
    signature = None
    if with_signature:
        signature = source_signature([root / SETTINGS_FILE, settings.content_dir, *settings.theme_dirs],
                                     time.time_ns())
    return Fingerprint(settings_hash, settings_key, build_key, signature)


def next_clock_change(settings: Settings, sources: Sources) -> float | None:
    """When, as a POSIX time, the clock alone will next change the site: a
    scheduled post comes out, a session becomes past, a notice expires.
    None when nothing will (or "today" is fixed by SOURCE_DATE_EPOCH)."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return None
    now = settings.now
    ends = (s.over_at(settings.timezone) for service in sources.services for s in service.sessions)
    moments = [moment for moment in ends if moment > now]
    if not settings.future:
        moments += [p.date for p in sources.posts if p.date > now]
    for notice in sources.profile.availability:
        try:
            expires = datetime.combine(notice.until + timedelta(days=1), time_of_day(0), tzinfo=settings.timezone)
        except OverflowError:
            continue  # `until: 9999-12-31`: it never expires
        if expires > now:
            moments.append(expires)
    try:
        return min(moments).timestamp() if moments else None
    except (OverflowError, ValueError, OSError):
        return None  # too far ahead for the platform's clock: check on every build


def read_record(root: Path) -> Record | None:
    """The last build's record; None when there is none or it is not one
    (damaged, or another version's: the build just runs)."""
    try:
        return _decoder.decode((root / UNCHANGED).read_bytes())
    except (OSError, msgspec.DecodeError):
        return None


def last_produced(root: Path) -> set[str]:
    """The files the last build made, as its record lists them (an earlier
    version's JSON record too); empty when unknown."""
    record = read_record(root)
    if record is not None:
        return set(record.produced)
    try:
        import json  # only for what earlier versions wrote

        produced = json.loads((root / LEGACY_UNCHANGED).read_text(encoding="utf-8"))["produced"]
        return {p for p in produced if isinstance(p, str)}
    except (OSError, ValueError, KeyError, TypeError):
        return set()


def last_build(root: Path, current: Fingerprint, output: Path) -> Record | None:
    """The last build's record if it read exactly these sources with the
    same settings, the clock has changed nothing since, and its output files
    are all still there."""
    if current.signature is None:
        return None
    last = read_record(root)
    if last is None or last.key != current.build_key or last.signature != current.signature:
        return None
    if last.until is not None and time.time() >= last.until:
        return None
    if not all(os.path.isfile(os.path.join(output, relative)) for relative in last.produced):
        return None
    return last


def prepare_record(root: Path, current: Fingerprint, *, until: float | None, pages: int, files: int,
                   warnings: list[str], produced: Iterable[str]) -> Callable[[], None]:
    """Write the record beside its place, before the new output is swapped
    in; returns the rename that installs it after (it must not be there
    before: it says the output is this build's). Nothing here is fatal."""
    if current.signature is None:
        return lambda: None
    path = root / UNCHANGED
    partial = path.with_suffix(".partial")
    record = Record(current.build_key, current.signature, until, pages, files, list(warnings), sorted(produced))
    try:
        partial.write_bytes(msgspec.msgpack.encode(record))
    except OSError:
        try:
            partial.unlink(missing_ok=True)
        except OSError:
            pass  # a folder in its place: the next build is simply not skipped
        return lambda: None

    def install() -> None:
        try:
            os.replace(partial, path)
        except OSError:
            pass  # the next build is simply not skipped
    return install


def forget(root: Path) -> None:
    """Before a build that may fail half-way."""
    (root / UNCHANGED).unlink(missing_ok=True)


def result_if_unchanged(root: Path, settings: Settings, current: Fingerprint, started: float,
                        strict: bool) -> BuildResult | None:
    last = last_build(root, current, settings.output)
    if last is None:
        return None
    result = BuildResult(last.pages, last.files, time.perf_counter() - started, settings.output,
                         last.warnings)
    fail_if_strict(strict, result.warnings)
    return result


def unchanged_build(root: Path, *, drafts: bool = False, future: bool = False, base_url: str | None = None,
                    output: str | None = None, strict: bool = False) -> BuildResult | None:
    """What `sitegen build` would report when nothing changed since the last
    build; None when there is something to build."""
    started = time.perf_counter()
    settings = load_settings(root, base_url=base_url, output=output, drafts=drafts, future=future)
    return result_if_unchanged(root, settings, fingerprint(root, settings), started, strict)


_decoder = msgspec.msgpack.Decoder(Record)
