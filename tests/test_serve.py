"""`sitegen serve`: the real preview server in a subprocess on 127.0.0.1."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import TODAY_EPOCH


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Preview:
    """`sitegen serve` running on a free port; its output lines collected."""

    def __init__(self, site: Path, *args: str, env: dict[str, str] | None = None):
        self.site = site
        self.port = free_port()
        env = {**os.environ, "SOURCE_DATE_EPOCH": TODAY_EPOCH, "PYTHONUNBUFFERED": "1", **(env or {})}
        # As in a terminal, Ctrl-C (SIGINT) must reach it: a test run started in
        # the background (`cmd &`) would otherwise pass SIGINT on as ignored.
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sitegen", "serve", "--port", str(self.port), *args],
            cwd=site, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.wait_for_line("serving ")

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for_line(self, text: str, after: int = 0, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines[after:]:
                if text in line:
                    return line
            if self.process.poll() is not None and not self._reader.is_alive():
                break
            time.sleep(0.02)
        raise AssertionError(f"no line with {text!r}; got {self.lines}")

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        conn.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body

    def events(self) -> "EventStream":
        return EventStream(self.port)

    def stop(self) -> subprocess.CompletedProcess:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=15)
        self._reader.join(timeout=5)
        return subprocess.CompletedProcess(self.process.args, self.process.returncode, "\n".join(self.lines))


class EventStream:
    """A reader of the Server-Sent Events a tab listens to."""

    def __init__(self, port: int):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.sock.sendall(f"GET /__sitegen/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        self.buffer = b""
        head = self._until(b"\r\n\r\n")
        assert b"text/event-stream" in head

    def _until(self, marker: bytes) -> bytes:
        while marker not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise AssertionError("event stream closed")
            self.buffer += chunk
        head, self.buffer = self.buffer.split(marker, 1)
        return head

    def next(self, timeout: float = 180) -> tuple[str, dict]:
        # Keepalives arrive every 15 s: without a deadline of its own, a
        # preview that never rebuilds would hang the test instead of failing it.
        deadline = time.monotonic() + timeout
        while True:
            if time.monotonic() > deadline:
                raise AssertionError(f"no event from the preview in {timeout:.0f} s")
            block = self._until(b"\n\n").decode()
            if block.startswith(":"):
                continue  # keepalive
            fields = dict(line.split(": ", 1) for line in block.splitlines())
            return fields["event"], json.loads(fields["data"])

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def preview(mini_site: Path):
    running = Preview(mini_site)
    yield running
    running.stop()


def test_serves_the_site_with_the_reload_script_injected_only_in_responses(preview: Preview, mini_site: Path):
    status, headers, body = preview.get("/")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert b'<script src="/__sitegen/client.js"' in body
    assert b"Ada Test" in body
    on_disk = (mini_site / ".sitegen-cache/preview/index.html").read_bytes()
    assert b"__sitegen" not in on_disk
    status, headers, script = preview.get("/__sitegen/client.js")
    assert status == 200 and b"EventSource" in script
    status, headers, css = preview.get("/theme/style.css")
    assert status == 200 and headers["content-type"].startswith("text/css")
    # Drafts are shown in the preview, and never written into public/.
    assert preview.get("/posts/draft/")[0] == 200
    assert not (mini_site / "public").exists()


def test_missing_pages_get_the_localized_404(preview: Preview):
    status, _, body = preview.get("/nope/")
    assert status == 404 and b'lang="en"' in body
    status, _, body = preview.get("/fr/nope/")
    assert status == 404 and b'lang="fr"' in body
    status, headers, _ = preview.get("/posts")
    assert status == 301 and headers["location"] == "/posts/"


@pytest.mark.parametrize("path", ["/../site.yml", "/%2e%2e/site.yml", "/%2E%2E/%2E%2E/etc/passwd",
                                  "/..%2fsite.yml", "//etc/passwd", "/posts/../../site.yml",
                                  "/%00index.html", "/escape/site.yml"])
def test_never_serves_a_file_outside_the_output_folder(preview: Preview, mini_site: Path, path: str):
    (mini_site / ".sitegen-cache/preview/escape").symlink_to(mini_site, target_is_directory=True)
    conn = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=10)
    conn.putrequest("GET", path, skip_accept_encoding=True)
    conn.endheaders()
    response = conn.getresponse()
    body = response.read()
    assert response.status in (400, 404), (path, response.status)
    assert b"base_url" not in body and b"root:" not in body


def test_an_edit_is_announced_after_the_build_that_includes_it(preview: Preview, mini_site: Path):
    stream = preview.events()
    kind, state = stream.next()
    assert kind == "state" and state["error"] is None
    post = mini_site / "content/posts/second.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nA freshly written sentence.\n", encoding="utf-8")
    kind, built = stream.next()
    assert kind == "build" and built["build"] > state["build"]
    assert "posts/second/index.html" in built["changed"]
    # By the time the tab hears of it, the page already has the new text.
    assert b"A freshly written sentence." in preview.get("/posts/second/")[2]
    stream.close()


def test_a_stylesheet_change_is_css_only(mini_site: Path):
    css = mini_site / "themes/default/static/style.css"
    css.parent.mkdir(parents=True)
    css.write_text("body { color: teal }\n", encoding="utf-8")
    preview = Preview(mini_site)
    try:
        stream = preview.events()
        stream.next()
        css.write_text("body { color: rebeccapurple }\n", encoding="utf-8")
        kind, built = stream.next()
        assert built["css_only"] is True and built["changed"] == ["theme/style.css"]
        assert preview.get("/theme/style.css")[2] == b"body { color: rebeccapurple }\n"
        stream.close()
    finally:
        preview.stop()


def test_broken_front_matter_is_reported_then_cleared_and_last_good_site_stays(preview: Preview,
                                                                                 mini_site: Path):
    stream = preview.events()
    stream.next()
    post = mini_site / "content/posts/second.md"
    good = post.read_text(encoding="utf-8")
    post.write_text(good.replace("title: Second part", "title: [unclosed"), encoding="utf-8")
    kind, failed = stream.next()
    assert failed["error"].startswith("content/posts/second.md:") and "invalid YAML" in failed["error"]
    # The server logs before it publishes, but our reader of its output may lag behind the event.
    preview.wait_for_line("error: content/posts/second.md:", timeout=5)
    status, _, body = preview.get("/posts/second/")
    assert status == 200 and b"Second part" in body  # the last good build
    post.write_text(good, encoding="utf-8")
    kind, fixed = stream.next()
    assert fixed["error"] is None and fixed["build"] > failed["build"]
    stream.close()


def test_a_burst_of_saves_gives_one_build_and_editor_temp_files_none(mini_site: Path):
    # A quiet window wide enough for five small writes on a loaded machine
    # (the default 30 ms is for a writer's editor, not for a test).
    preview = Preview(mini_site, env={"SITEGEN_PREVIEW_QUIET": "0.5"})
    try:
        stream = preview.events()
        stream.next()
        before = len(preview.lines)
        posts = mini_site / "content/posts"
        for name in (".second.md.swp", "second.md~", "4913", "second.md___jb_tmp___", ".#second.md"):
            (posts / name).write_text("junk: [", encoding="utf-8")
        time.sleep(2.0)  # had they counted, their build would have started by now
        for i in range(5):
            path = posts / f"burst-{i}.md"
            path.write_text(f"---\ntitle: Burst {i}\ndate: 2026-03-0{i + 1}\n---\nBody {i}.\n", encoding="utf-8")
        kind, built = stream.next()
        assert kind == "build" and built["error"] is None
        assert sorted(c for c in built["changed"] if c.startswith("posts/burst")) == [
            f"posts/burst-{i}/index.html" for i in range(5)]
        # A last edit, after the burst's build was announced: builds run one
        # after another, so every build before this one is logged before it.
        preview.wait_for_line("rebuilt", after=before)
        burst_logged = len(preview.lines)
        (posts / "burst-0.md").write_text("---\ntitle: Burst 0 again\ndate: 2026-03-01\n---\nAgain.\n",
                                          encoding="utf-8")
        kind, last = stream.next()
        assert "posts/burst-0/index.html" in last["changed"]
        # The edited page is announced when it is written, which can be before
        # its build is logged: stopping now could cut that line off.
        preview.wait_for_line("rebuilt", after=burst_logged)
        stream.close()
    finally:
        preview.stop()  # and all its output read
    rebuilt = [line for line in preview.lines[before:] if "rebuilt" in line or "error" in line]
    assert len(rebuilt) == 2, rebuilt  # the burst, then the last edit: the temp files none


def test_port_in_use_is_a_clear_message(mini_site: Path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "sitegen", "serve", "--port", str(port)], cwd=mini_site,
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "Traceback" not in result.stderr


def test_ctrl_c_stops_cleanly(mini_site: Path):
    running = Preview(mini_site)
    result = running.stop()
    assert result.returncode == 0
    assert "stopped" in result.stdout and "Traceback" not in result.stdout


def test_many_tabs(preview: Preview, mini_site: Path):
    streams = [preview.events() for _ in range(12)]
    for stream in streams:
        assert stream.next()[0] == "state"
    for _ in range(20):
        assert preview.get("/")[0] == 200
    page = mini_site / "content/pages/contact.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    for stream in streams:
        assert stream.next()[0] == "build"
        stream.close()


def test_a_theme_folder_created_while_serving_is_watched(preview: Preview, mini_site: Path):
    stream = preview.events()
    stream.next()
    templates = mini_site / "themes/default/templates"
    templates.mkdir(parents=True)
    (templates / "page.html").write_text('{% extends "base.html" %}{% block content %}<p>FROM MY THEME</p>'
                                         "{% endblock %}", encoding="utf-8")
    kind, built = stream.next()
    deadline = time.monotonic() + 20
    while b"FROM MY THEME" not in preview.get("/contact/")[2]:
        assert time.monotonic() < deadline, "the new theme folder was not watched"
        kind, built = stream.next()
    # Later edits inside it are seen too.
    (templates / "page.html").write_text('{% extends "base.html" %}{% block content %}<p>EDITED AGAIN</p>'
                                         "{% endblock %}", encoding="utf-8")
    stream.next()
    assert b"EDITED AGAIN" in preview.get("/contact/")[2]
    stream.close()
