"""The preview's HTTP side: the output folder, the reload script, build events.

Files are served only from inside the output folder; HTML gets the reload
script (never on disk); open tabs follow builds by Server-Sent Events.
"""

from __future__ import annotations

import mimetypes
import posixpath
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from .serve import BuildState, Preview

EVENTS_PATH = "/__sitegen/events"
CLIENT_PATH = "/__sitegen/client.js"
KEEPALIVE_SECONDS = 15

CLIENT_JS = (Path(__file__).parent / "serve_client.js").read_text(encoding="utf-8")


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
            data = inject(data, self.preview.state, target.relative_to(self.output_real).as_posix())
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


def inject(html: bytes, state: BuildState, file: str = "") -> bytes:
    """The reload script, only in what the preview serves (never on disk).
    `file`: the page's file in the output folder."""
    tag = f'<script src="{CLIENT_PATH}" data-build="{state.shown_build(file)}" defer></script>'.encode()
    index = html.rfind(b"</body>")
    return html[:index] + tag + html[index:] if index >= 0 else html + tag


def error_page(state: BuildState) -> bytes:
    return inject(b"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Build failed</title></head>"
                  b"<body><p>The site has not been built yet.</p></body></html>", state)
