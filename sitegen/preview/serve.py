"""`sitegen serve`: build, serve on loopback, rebuild what changed, reload the tab.

Three parts, each on its own thread:
- the watcher (watchdog) turns file events into a "something changed" flag;
- the rebuilder waits for a burst of events to settle, rebuilds
  incrementally, and publishes the result (a build number, what changed, or
  the error);
- the HTTP server serves the output folder, injects the reload script into
  HTML responses, and streams build results to open tabs (Server-Sent Events).

A tab reloads only when a build that includes the change has finished; a
failed build keeps the last good site served and shows its error over every
open page until a build succeeds.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import sys
import threading
import time
import traceback
from collections import deque
from dataclasses import dataclass
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Collection

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from ..cache.layout import CACHE_DIR, PREVIEW
from ..cache.uptodate import BuildResult
from ..settings.safety import SHIPPED_THEMES, SOURCE_THEMES
from ..errors import SitegenError, UsageError
from ..sources.listing import is_ignored
from .handler import inside, make_handler

QUIET_SECONDS = 0.03
"""A burst of events (save-all, git checkout) ends after this much silence
(SITEGEN_PREVIEW_QUIET, in seconds, overrides it: tests on a loaded machine
set a wider window)."""
MAX_WAIT_SECONDS = 0.5
"""A burst is cut after this long (or ten quiet windows, if longer), so
steady writes (a log in the site) cannot hold builds back for ever."""
LISTEN_BACKLOG = 256
"""Pending connections the kernel holds: a page with many assets, several
tabs, all reloading at once (the default of 5 dropped them)."""

Rebuild = Callable[[Collection[Path] | None, Callable[[list[str], bool], None]], BuildResult]
"""`rebuild(changed, pages_written)`: a build after the files `changed` did
(None: not known, as for the first build), which calls `pages_written(files,
partial)` when the edited pages are there, if that comes before the end
(`partial`: other pages of the build are still being written)."""
BuildFor = Callable[[str, Path], Rebuild]
"""Given the preview's base URL and output folder, the build to run after each
change: the preview knows nothing of how a site is built."""


@dataclass(frozen=True)
class BuildState:
    number: int
    error: str | None = None
    css_only: bool = False
    changed: tuple[str, ...] = ()
    partial: bool = False
    """Only the files in `changed` are written yet: only tabs showing one of them reload."""

    def as_json(self) -> str:
        return json.dumps({"build": self.number, "error": self.error, "css_only": self.css_only,
                           "changed": list(self.changed[:50]), "partial": self.partial})

    def shown_build(self, path: str) -> int:
        """The build a page served now belongs to: during a partial one, a
        page not yet written is the last build's, and its tab reloads at the end."""
        if self.partial and path not in self.changed:
            return self.number - 1
        return self.number


class Preview:
    """The shared state between the rebuilder and the HTTP handlers."""

    def __init__(self, root: Path, output: Path, build: Rebuild, quiet: bool = False,
                 quiet_seconds: float = QUIET_SECONDS, hosts: frozenset[str] = frozenset()):
        self.root, self.output, self.build, self.quiet = root, output, build, quiet
        self.quiet_seconds = quiet_seconds
        self.hosts = hosts
        """The Host headers answered: the server's own names (DNS rebinding)."""
        self.state = BuildState(0)
        self.recent: deque[BuildState] = deque([self.state], maxlen=16)
        """The last states, so a tab slower than two publications in a row
        (an edited page, then the rest of its build) is told both, in order."""
        self.changed = threading.Condition()
        self.dirty = threading.Event()
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._changed: set[Path] | None = set()
        """The files changed since the last build started; None: something
        the watcher cannot name (a folder moved) changed too."""

    def note_change(self, paths: list[Path] | None) -> None:
        with self._lock:
            if self._changed is not None and paths is not None:
                self._changed.update(paths)
            else:
                self._changed = None
        self.dirty.set()

    def take_changes(self) -> frozenset[Path] | None:
        with self._lock:
            taken, self._changed = self._changed, set()
        return frozenset(taken) if taken is not None else None

    def publish(self, state: BuildState) -> None:
        with self.changed:
            self.state = state
            self.recent.append(state)
            self.changed.notify_all()

    def wait_for_state(self, after: BuildState, timeout: float) -> BuildState:
        with self.changed:
            self.changed.wait_for(lambda: self.state is not after or self.stopping.is_set(), timeout)
            recent = list(self.recent)
            for earlier, later in zip(recent, recent[1:]):
                if earlier is after:
                    return later
            return self.state

    def rebuild(self, changed: frozenset[Path] | None = None) -> None:
        number = self.state.number + 1
        started = time.perf_counter()

        def pages_written(files: list[str], partial: bool) -> None:
            # The edited page is there: tabs showing it reload now; the same
            # build's number again at the end reloads them not twice, and the
            # others then (a partial build's other pages are not written yet).
            self.publish(BuildState(number, changed=tuple(files), partial=partial))

        try:
            result = self.build(changed, pages_written)
        except SitegenError as exc:
            return self.fail(number, str(exc))
        except Exception as exc:  # noqa: BLE001 - the preview must outlive any bug, and show it
            # An unexpected exception (a template dividing by zero, a bug in
            # sitegen) must not end the rebuild loop: the writer's next save
            # may fix it, and until then they must see that the page is stale.
            return self.fail(number, f"internal error: {type(exc).__name__}: {exc} "
                                     f"(at {self.where(exc)}); the preview goes on watching: save again "
                                     f"once it is fixed, and please report it if your sources look right")
        changed = tuple(result.changed)
        css_only = bool(changed) and all(c.endswith(".css") for c in changed)
        for warning in result.warnings:
            self.log(f"warning: {warning}")
        self.log(f"rebuilt in {(time.perf_counter() - started) * 1000:.0f} ms: "
                 f"{result.rendered} of {result.pages} pages rendered, {len(changed)} files changed")
        if changed or self.state.error:
            self.publish(BuildState(number, css_only=css_only, changed=changed))

    def where(self, exc: BaseException) -> str:
        """The innermost frame: Jinja puts the template's file and line there,
        which is what a writer can fix."""
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        path = Path(frame.filename)
        try:
            path = path.resolve().relative_to(self.root.resolve())
        except (ValueError, OSError):
            path = Path(path.name)
        return f"{path.as_posix()}:{frame.lineno}"

    def fail(self, number: int, message: str) -> None:
        self.log(f"error: {message}")
        self.publish(BuildState(number, error=message))

    def rebuild_loop(self) -> None:
        quiet = self.quiet_seconds
        longest = max(MAX_WAIT_SECONDS, 10 * quiet)
        while not self.stopping.is_set():
            if not self.dirty.wait(0.2):
                continue
            first = time.monotonic()
            # Let the burst settle, so one save-all gives one build.
            while True:
                self.dirty.clear()
                if not self.dirty.wait(quiet) or time.monotonic() - first > longest:
                    break
            self.dirty.clear()
            # A change during this build sets `dirty` again: one more build follows.
            self.rebuild(self.take_changes())

    def log(self, message: str) -> None:
        if not self.quiet:
            print(message, file=sys.stderr if message.startswith(("error", "warning")) else sys.stdout,
                  flush=True)


def quiet_window() -> float:
    text = os.environ.get("SITEGEN_PREVIEW_QUIET", "")
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if text and not 0 <= value <= 60:
        raise UsageError(f"SITEGEN_PREVIEW_QUIET must be a number of seconds from 0 to 60, not {text!r}; "
                         f"unset it for the default of {QUIET_SECONDS}")
    return value if text else QUIET_SECONDS


class ChangeHandler(FileSystemEventHandler):
    def __init__(self, preview: Preview, ignored_dirs: list[Path]):
        self.preview = preview
        self.watch: Callable[[Path], object] | None = None
        self.ignored_dirs = [d.resolve() for d in ignored_dirs]

    def relevant(self, path_text: str | bytes) -> bool:
        path = Path(os.fsdecode(path_text)).resolve()
        if any(path == d or d in path.parents for d in self.ignored_dirs):
            return False
        for base in (self.preview.root.resolve(), *WATCHED_THEMES):
            if path == base or base in path.parents:
                return not is_ignored(path.relative_to(base))
        return not is_ignored(Path(path.name))

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        created = Path(os.fsdecode(event.src_path))
        if (event.is_directory and event.event_type == "created" and created.name in SOURCE_FOLDERS
                and created.parent.resolve() == self.preview.root.resolve() and self.watch is not None):
            self.watch(created)  # content/ or themes/ made after the preview started
        if event.is_directory and event.event_type == "modified":
            return  # a file inside changed: that file's own event decides
        paths = [event.src_path, getattr(event, "dest_path", "") or ""]
        relevant = [Path(os.fsdecode(p)).resolve() for p in paths if p and self.relevant(p)]
        if relevant:
            # A folder's event stands for files the watcher does not name.
            self.preview.note_change(None if event.is_directory else relevant)


SOURCE_FOLDERS = ("content", "themes")
WATCHED_THEMES = [p.resolve() for p in (SHIPPED_THEMES, SOURCE_THEMES) if p.is_dir()]


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = LISTEN_BACKLOG


def own_hosts(host: str, port: int) -> frozenset[str]:
    """The Host headers a browser sends for this server: loopback names and --host, with the port."""
    names = {"127.0.0.1", "localhost", "[::1]", f"[{host}]" if ":" in host else host}
    hosts = {f"{name.lower()}:{port}" for name in names}
    if port == 80:  # browsers leave the default port out
        hosts |= {name.lower() for name in names}
    return frozenset(hosts)


def quiet_in_workers() -> None:
    """In a forked build worker: the default SIGTERM, and no SIGINT.

    The pool stops its workers with SIGTERM at the end of every build; had
    they kept the preview's handler (SIGTERM raises KeyboardInterrupt) each
    would print a traceback. Ctrl-C reaches the whole process group: the
    preview itself stops the workers."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def stop_on_sigterm(preview_pid: int, signum: int, frame: object) -> None:
    """The preview stops on SIGTERM as on Ctrl-C. A build worker forked a
    moment ago may still hold this handler (the signal came before
    `quiet_in_workers` ran): it exits as SIGTERM's default would. Raising
    there was swallowed by the fork hooks, left the worker alive and the
    pool waiting for it forever, and every later rebuild with it."""
    if os.getpid() != preview_pid:
        os._exit(128 + signum)
    raise KeyboardInterrupt


def serve(root: Path, *, build_for: BuildFor, host: str, port: int, drafts: bool, poll: bool,
          output: Path | None = None, quiet: bool = False, ready: threading.Event | None = None) -> None:
    """Build with `build_for(base_url, output)()`, serve, rebuild on change, until Ctrl-C or SIGTERM."""
    output = output or root / PREVIEW
    quiet_seconds = quiet_window()
    # Bound first: the site's base URL carries the port, and port 0 is known only now.
    server = listen(host, port)
    port = server.server_address[1]
    base_url = f"http://{host if ':' not in host else '[' + host + ']'}:{port}"
    preview = Preview(root, output, build_for(base_url, output), quiet, quiet_seconds, own_hosts(host, port))
    server.RequestHandlerClass = make_handler(preview)
    preview.rebuild()
    observer = watch(preview, root, output, poll)
    rebuilder = threading.Thread(target=preview.rebuild_loop, name="rebuilder", daemon=True)
    rebuilder.start()
    preview.log(f"serving {root.resolve()} at {base_url}/ (drafts {'shown' if drafts else 'hidden'}); "
                f"Ctrl-C to stop")
    if ready is not None:
        ready.set()
    if threading.current_thread() is threading.main_thread():
        # `kill` and process managers stop the preview like Ctrl-C does.
        signal.signal(signal.SIGTERM, partial(stop_on_sigterm, os.getpid()))
        os.register_at_fork(after_in_child=quiet_in_workers)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        preview.log("stopped")
    finally:
        preview.stopping.set()
        with preview.changed:
            preview.changed.notify_all()
        observer.stop()
        server.server_close()
        observer.join(timeout=2)


def listen(host: str, port: int) -> PreviewServer:
    try:
        return PreviewServer((host, port), BaseHTTPRequestHandler)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(f"port {port} on {host} is already in use; stop the other server or choose "
                             f"another port with --port {port + 1}") from None
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def watch(preview: Preview, root: Path, output: Path, poll: bool) -> Observer:
    """The started watcher of what the site is made of."""
    observer = PollingObserver(timeout=0.5) if poll else Observer()
    handler = ChangeHandler(preview, [output, root / CACHE_DIR, root / ".git",
                                      *(root / name for name in ("public",))])
    # Only what the site is made of is watched: watching the whole folder
    # would put the output (thousands of folders) under watch too, and each
    # build's writes would flood the event queue.
    handler.watch = lambda folder: observer.schedule(handler, str(folder), recursive=True)
    observer.schedule(handler, str(root), recursive=False)  # site.yml, and content/ or themes/ appearing
    for folder in SOURCE_FOLDERS:
        if (root / folder).is_dir():
            handler.watch(root / folder)
    for theme in WATCHED_THEMES:
        if not inside(root.resolve(), theme):
            handler.watch(theme)
    observer.start()
    return observer
