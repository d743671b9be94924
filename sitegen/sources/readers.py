"""Reading every source file into records (models.py), in parallel when
there are many, skipping files unchanged since the last read (ReadMemo).

Each kind's reader (posts.py, services.py, profile.py) validates what it
reads and raises ContentError naming the file and line; `read_sources`
collects the errors of every file so the user sees them all at once.
"""

from __future__ import annotations

import copy
import time as clock
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..errors import SitegenError
from ..parallel import ordered_map
from ..settings.config import Settings
from .context import ContentErrors, display_path
from .hashing import RACY_SECONDS, file_hash
from .listing import markdown_collisions, source_files
from .models import CONTENT_FOLDERS, Sources, StaticFile
from .posts import read_page, read_post
from .profile import read_profile
from .services import read_service

SERVICE_KINDS = {folder: kind for kind, folder in CONTENT_FOLDERS.items() if kind != "post"}
Task = tuple[str, Callable[..., Any], Path, tuple]
"""(group of Sources, reader, file, the reader's other arguments)."""
Parsed = tuple[Any, list[str], SitegenError | None, str]
"""A reader's (record, warnings it gave, error), and the file's content hash."""


@dataclass
class ReadMemo:
    """Records of the last read, by file, with the hash of the bytes they came
    from: an unchanged file is not parsed (nor its Markdown rendered) again.
    Only valid for one set of settings (languages, time zone, …)."""

    settings_key: str = ""
    records: dict[str, tuple[str, Any, list[str]]] = field(default_factory=dict)
    """path → (content hash, record, warnings it gave). Paths as text: Path
    objects are slow to unpickle, by the thousand."""
    stats: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    """path → (mtime_ns, size, inode) when it was hashed."""
    hashes: dict[str, str] = field(default_factory=dict)
    """source (as records name it) → content hash, from the last read."""


def stat_key(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino


def content_digest(path: Path, memo: ReadMemo, now_ns: int) -> tuple[str | None, tuple[int, int, int] | None]:
    """The file's content hash, without reading it when its size, time and
    inode are those of the last read and it has not just been written; and
    the stat taken before reading (so a write during the read is seen next
    time). None for a file the memo does not know: it is parsed anyway, and
    hashed where it is parsed, in parallel."""
    key = stat_key(path)
    known = memo.records.get(str(path))
    if known is None:
        return None, key
    if key is not None and memo.stats.get(str(path)) == key and now_ns - key[0] > RACY_SECONDS * 1e9:
        return known[0], key
    return file_hash(path), key


def read_tasks(settings: Settings) -> tuple[list[Task], list[SitegenError]]:
    """Every source file with its reader, in the order of Sources; and the
    files written twice under two names."""
    content, root = settings.content_dir, settings.root
    post_files = (source_files(content / "posts", "*.md", root)
                  + source_files(content / "posts", "*/index*.md", root))
    page_files = source_files(content / "pages", "*.md", root)
    collisions = markdown_collisions(post_files, root) + markdown_collisions(page_files, root)
    tasks: list[Task] = [("posts", read_post, path, ()) for path in post_files]
    tasks += [("pages", read_page, path, ()) for path in page_files]
    for folder, kind in SERVICE_KINDS.items():
        for path in source_files(content / folder, "*.yml", root) + source_files(content / folder, "*.yaml", root):
            tasks.append(("services", read_service, path, (kind,)))
    tasks.append(("profile", read_profile, content / "profile.yml", ()))
    return tasks, [*collisions]


def parse_task(settings: Settings, task: Task, digest: str | None) -> Parsed:
    """One file read, its warnings taken back out of the shared list:
    read_sources adds every file's warnings, whether it was parsed here, in a
    worker or earlier. Hashed first when `digest` is not known yet."""
    _, reader, path, args = task
    before = len(settings.warnings)
    try:
        if digest is None:
            digest = file_hash(path)
        record = reader(settings, path, *args)
    except SitegenError as exc:
        del settings.warnings[before:]
        return None, [], exc, ""
    warnings = settings.warnings[before:]
    del settings.warnings[before:]
    return record, warnings, None, digest


def read_sources(settings: Settings, memo: ReadMemo | None = None,
                 meanwhile: Callable[[], None] | None = None) -> Sources:
    """Read every source file; collect every file's error before failing.

    Files unchanged since the memo's read are not parsed again; the others
    are parsed in parallel when there are many (their Markdown is most of a
    cold build's time). `meanwhile` runs in this process while they do."""
    content, root = settings.content_dir, settings.root
    tasks, errors = read_tasks(settings)
    now_ns = clock.time_ns()
    checked = [content_digest(path, memo, now_ns) if memo is not None else ("", None) for _, _, path, _ in tasks]
    digests = [digest for digest, _ in checked]
    known = [memo.records.get(str(path)) if memo is not None else None for _, _, path, _ in tasks]
    stale = [i for i, entry in enumerate(known) if entry is None or entry[0] != digests[i]]
    parsed = dict(zip(stale, ordered_map(lambda index: parse_task(settings, tasks[index], digests[index]), stale,
                                              meanwhile=meanwhile)))
    seen: dict[str, tuple[str, Any, list[str]]] = {}
    hashes: dict[str, str] = {}
    groups: dict[str, list[Any]] = {"posts": [], "pages": [], "services": [], "profile": []}
    for index, (group, _, path, _) in enumerate(tasks):
        if index in parsed:
            record, warnings, error, digests[index] = parsed[index]
            if error is not None:
                errors.append(error)
                continue
        else:
            record, warnings = known[index][1], known[index][2]  # type: ignore[index]
        settings.warnings.extend(warnings)
        seen[str(path)] = (digests[index], record, warnings)
        hashes[display_path(path, root)] = digests[index]
        # Relations (translations, series, …) are set on copies by the site
        # model, so the memo keeps each record as it was read.
        groups[group].append(copy.copy(record) if memo is not None else record)
    static = [StaticFile(p, "/" + p.relative_to(content / "static").as_posix())
              for p in source_files(content / "static", "**/*", root)]
    if memo is not None:
        memo.stats = {str(tasks[i][2]): key for i, (_, key) in enumerate(checked)
                      if key is not None and str(tasks[i][2]) in seen}
        memo.records, memo.hashes = seen, hashes
    if errors:
        raise errors[0] if len(errors) == 1 else ContentErrors(errors)
    return Sources(groups["posts"], groups["pages"], groups["services"], groups["profile"][0], static)
