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
import mimetypes
import os
import posixpath
import signal
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from ..cache.uptodate import BuildResult
from ..settings.safety import SHIPPED_THEMES, SOURCE_THEMES
from ..settings.config import CACHE_DIR
from ..errors import SitegenError, UsageError
from ..sources.readers import is_ignored

EVENTS_PATH = "/__sitegen/events"
CLIENT_PATH = "/__sitegen/client.js"
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
KEEPALIVE_SECONDS = 15

BuildFor = Callable[[str, Path], Callable[[], BuildResult]]
"""Given the preview's base URL and output folder, the build to run after each
change: the preview knows nothing of how a site is built."""

CLIENT_JS = (Path(__file__).parent / "serve_client.js").read_text(encoding="utf-8")


@dataclass(frozen=True)
class BuildState:
    number: int
    error: str | None = None
    css_only: bool = False
    changed: tuple[str, ...] = ()

    def as_json(self) -> str:
        return json.dumps({"build": self.number, "error": self.error, "css_only": self.css_only,
                           "changed": list(self.changed[:50])})


class Preview:
    """The shared state between the rebuilder and the HTTP handlers."""

    def __init__(self, root: Path, output: Path, build: Callable[[], BuildResult], quiet: bool = False,
                 quiet_seconds: float = QUIET_SECONDS, hosts: frozenset[str] = frozenset()):
        self.root, self.output, self.build, self.quiet = root, output, build, quiet
        self.quiet_seconds = quiet_seconds
        self.hosts = hosts
        """The Host headers answered: the server's own names (DNS rebinding)."""
        self.state = BuildState(0)
        self.changed = threading.Condition()
        self.dirty = threading.Event()
        self.stopping = threading.Event()

    def publish(self, state: BuildState) -> None:
        with self.changed:
            self.state = state
            self.changed.notify_all()

    def wait_for_state(self, after: BuildState, timeout: float) -> BuildState:
        with self.changed:
            self.changed.wait_for(lambda: self.state is not after or self.stopping.is_set(), timeout)
            return self.state

    def rebuild(self) -> None:
        number = self.state.number + 1
        started = time.perf_counter()
        try:
            result = self.build()
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
            self.rebuild()  # a change during this build sets `dirty` again: one more build follows

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
        if any(p and self.relevant(p) for p in paths):
            self.preview.dirty.set()


SOURCE_FOLDERS = ("content", "themes")
WATCHED_THEMES = [p.resolve() for p in (SHIPPED_THEMES, SOURCE_THEMES) if p.is_dir()]


def inside(base: Path, candidate: Path) -> bool:
    return candidate == base or base in candidate.parents


class PreviewHandler(BaseHTTPRequestHandler):
    """Serves the output folder of one preview, the reload script and the build events."""

    server_version = "sitegen-preview"
    protocol_version = "HTTP/1.1"
    preview: Preview
    output_real: Path

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass  # the terminal is for build results

    def do_HEAD(self) -> None:
        self.do_GET(head=True)

    def do_GET(self, head: bool = False) -> None:
        if (self.headers.get("Host") or "").strip().lower() not in self.preview.hosts:
            # A page on another domain whose name was rebound to 127.0.0.1
            # sends its own name: it must not read drafts.
            return self.send(HTTPStatus.FORBIDDEN, b"sitegen preview: this address is not the "
                             b"server's own; open it at 127.0.0.1 or localhost (or start it with "
                             b"--host NAME)\n", "text/plain; charset=utf-8", head)
        path = urlsplit(self.path).path
        if path == EVENTS_PATH:
            return self.stream_events()
        if path == CLIENT_PATH:
            return self.send(HTTPStatus.OK, CLIENT_JS.encode(), "text/javascript; charset=utf-8", head)
        self.send_file(path, head)

    def send_file(self, path: str, head: bool) -> None:
        """A file of the output folder; a folder's index.html; HTML with the reload script."""
        target = self.resolve(path)
        if target is None:
            return self.not_found(path, head)
        if target.is_dir():
            if not path.endswith("/"):
                return self.redirect(path + "/")
            target = target / "index.html"
            if not target.is_file():
                return self.not_found(path, head)
        data = target.read_bytes()
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind == "text/html":
            data = inject(data, self.preview.state)
        if kind.startswith("text/") or kind in ("application/xml", "application/javascript"):
            kind += "; charset=utf-8"
        self.send(HTTPStatus.OK, data, kind, head)

    def resolve(self, url_path: str) -> Path | None:
        """The file a URL names, only ever inside the output folder."""
        decoded = unquote(url_path)
        if "\0" in decoded or "\\" in decoded:
            return None
        normal = posixpath.normpath("/" + decoded.lstrip("/"))
        if any(part == ".." for part in normal.split("/")):
            return None
        candidate = (self.preview.output / normal.lstrip("/"))
        try:
            real = candidate.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        # Symlinks pointing out of the output folder are refused.
        return real if inside(self.output_real, real) else None

    def not_found(self, path: str, head: bool) -> None:
        preview = self.preview
        if preview.state.error and not (preview.output / "index.html").is_file():
            body = error_page(preview.state)
        else:
            first = path.strip("/").split("/", 1)[0]
            page = preview.output / first / "404.html"
            if not first or not page.is_file():
                page = preview.output / "404.html"
            body = inject(page.read_bytes(), preview.state) if page.is_file() else error_page(preview.state)
        self.send(HTTPStatus.NOT_FOUND, body, "text/html; charset=utf-8", head)

    def redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def send(self, status: HTTPStatus, body: bytes, kind: str, head: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def stream_events(self) -> None:
        """Server-Sent Events: the state now, then every new build, with keepalives between."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        state = self.preview.state
        try:
            self.event("state", state)
            while not self.preview.stopping.is_set():
                new = self.preview.wait_for_state(state, KEEPALIVE_SECONDS)
                if new is state:
                    self.wfile.write(b": keepalive\n\n")
                    self.wfile.flush()
                    continue
                state = new
                self.event("build", state)
        except (BrokenPipeError, ConnectionResetError, OSError):
            return  # the tab went away or was hidden

    def event(self, name: str, state: BuildState) -> None:
        self.wfile.write(f"event: {name}\ndata: {state.as_json()}\n\n".encode())
        self.wfile.flush()


def make_handler(preview: Preview) -> type[BaseHTTPRequestHandler]:
    """The handler class for one preview (http.server makes one handler per request)."""
    return type("Handler", (PreviewHandler,), {"preview": preview, "output_real": preview.output.resolve()})


def inject(html: bytes, state: BuildState) -> bytes:
    """The reload script, only in what the preview serves (never on disk)."""
    tag = f'<script src="{CLIENT_PATH}" data-build="{state.number}" defer></script>'.encode()
    index = html.rfind(b"</body>")
    return html[:index] + tag + html[index:] if index >= 0 else html + tag


def error_page(state: BuildState) -> bytes:
    return inject(b"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Build failed</title></head>"
                  b"<body><p>The site has not been built yet.</p></body></html>", state)


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
    output = output or root / CACHE_DIR / "preview"
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
