"""The preview under stress and attack: bugs in a build, rapid saves, foreign
Host headers, many connections at once. The real server in a subprocess."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from test_serve import Preview

sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
from corpus import generate  # noqa: E402 - the benchmarks' site generator, not a test module


def wait_for(condition, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


# -- 1. The rebuild loop outlives any exception --------------------------------------------------

# Each raises an exception that is not a template error (Jinja lets those
# through as they are): the kinds a theme author's typo or a sitegen bug give.
UNEXPECTED = {
    "ZeroDivisionError": "{{ 1 // 0 }}",
    "OverflowError": "{{ 10.0 ** 400 }}",
    "TypeError": "{{ range(none) | list }}",
    "ValueError": "{{ '{:d}'.format('x') }}",
}


@pytest.mark.parametrize("kind", sorted(UNEXPECTED))
def test_an_unexpected_exception_shows_its_error_and_the_preview_keeps_watching(mini_site: Path, kind: str):
    templates = mini_site / "themes/default/templates"
    templates.mkdir(parents=True)
    page = templates / "page.html"
    preview = Preview(mini_site)
    try:
        stream = preview.events()
        stream.next()
        page.write_text('{% extends "base.html" %}{% block content %}\n'
                        + UNEXPECTED[kind] + "\n{% endblock %}", encoding="utf-8")
        kind_seen, failed = stream.next()
        assert kind_seen == "build"
        assert failed["error"].startswith(f"internal error: {kind}: "), failed["error"]
        # Where: the template's own line, relative to the site.
        assert "(at themes/default/templates/page.html:2)" in failed["error"], failed["error"]
        line = preview.wait_for_line("error: internal error:")
        assert kind in line
        # The last good page is served underneath the overlay.
        assert b"Contact" in preview.get("/contact/")[2]
        # Still watching: a fix appears, and clears the error.
        page.write_text('{% extends "base.html" %}{% block content %}<p>FIXED TEMPLATE</p>{% endblock %}',
                        encoding="utf-8")
        kind_seen, fixed = stream.next()
        assert fixed["error"] is None and fixed["build"] > failed["build"]
        assert b"FIXED TEMPLATE" in preview.get("/contact/")[2]
        stream.close()
    finally:
        result = preview.stop()
    assert result.returncode == 0
    assert "Traceback" not in result.stdout
    # One terminal line per failure, not a dump.
    assert len([l for l in preview.lines if l.startswith("error: ")]) == 1, preview.lines


def test_an_unexpected_exception_in_the_first_build_is_shown_too(mini_site: Path):
    templates = mini_site / "themes/default/templates"
    templates.mkdir(parents=True)
    (templates / "page.html").write_text('{% extends "base.html" %}{% block content %}{{ 1 // 0 }}'
                                         "{% endblock %}", encoding="utf-8")
    preview = Preview(mini_site)
    try:
        stream = preview.events()
        kind, state = stream.next()
        assert kind == "state" and state["error"].startswith("internal error: ZeroDivisionError")
        (templates / "page.html").unlink()
        kind, fixed = stream.next()
        assert fixed["error"] is None
        assert preview.get("/contact/")[0] == 200
        stream.close()
    finally:
        result = preview.stop()
    assert "Traceback" not in result.stdout


# -- 2. No worker tracebacks on rapid saves ------------------------------------------------------

def test_rapid_saves_of_site_yml_print_no_worker_tracebacks(tmp_path: Path):
    # Enough pages that every full build renders them in a pool of forked
    # workers, which the pool stops with SIGTERM when the build ends.
    site = generate(tmp_path / "big", 40)
    preview = Preview(site, env={"SITEGEN_JOBS": "2"})
    try:
        stream = preview.events()
        stream.next()
        settings = site / "site.yml"
        for burst in range(3):
            for i in range(4):  # a writer hitting save again and again
                with settings.open("a", encoding="utf-8") as f:
                    f.write(f"# save {burst}.{i}\n")
            kind, built = stream.next()
            assert kind == "build" and built["error"] is None
        stream.close()
    finally:
        result = preview.stop()
    assert result.returncode == 0
    rendered = [line for line in preview.lines if re.search(r"rebuilt in .*: (\d+) of \1 pages rendered", line)]
    assert len(rendered) >= 4 and all(int(re.search(r"(\d+) of", l)[1]) >= 48 for l in rendered), rendered
    assert "Traceback" not in result.stdout and "KeyboardInterrupt" not in result.stdout, result.stdout


# -- 3. DNS rebinding: only the server's own Host ------------------------------------------------

def get_with_host(port: int, host: str | None, path: str = "/") -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
    if host is not None:
        conn.putheader("Host", host)
    conn.endheaders()
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


FOREIGN_HOSTS = ["evil.example:{port}", "evil.example", "127.0.0.1", "localhost", "127.0.0.1:{other}",
                 "localhost:{other}", "127.0.0.1.nip.io:{port}", "localhost.evil.example:{port}",
                 "evil.example:{port}@127.0.0.1", "127.0.0.2:{port}", "[::2]:{port}", "", None,
                 "127.0.0.1:{port} evil", "127.0.0.1:{port}, evil.example:{port}"]
OWN_HOSTS = ["127.0.0.1:{port}", "localhost:{port}", "LocalHost:{port}", "[::1]:{port}"]


def test_requests_for_a_foreign_host_get_403_own_names_200(preview: Preview):
    fill = dict(port=preview.port, other=preview.port + 1)
    for template in FOREIGN_HOSTS:
        host = None if template is None else template.format(**fill)
        for path in ("/", "/posts/draft/", "/__sitegen/events", "/__sitegen/client.js", "/nope/"):
            status, body = get_with_host(preview.port, host, path)
            assert status == 403, (host, path, status)
            assert b"draft" not in body.lower() and b"Ada Test" not in body
    for template in OWN_HOSTS:
        assert get_with_host(preview.port, template.format(**fill))[0] == 200, template


def test_the_host_given_on_the_command_line_is_its_own(mini_site: Path):
    preview = Preview(mini_site, "--host", "127.0.0.2")
    try:
        conn_port = preview.port
        def get(host: str) -> int:
            conn = http.client.HTTPConnection("127.0.0.2", conn_port, timeout=10)
            conn.putrequest("GET", "/", skip_host=True)
            conn.putheader("Host", host)
            conn.endheaders()
            status = conn.getresponse().status
            conn.close()
            return status
        assert get(f"127.0.0.2:{conn_port}") == 200
        assert get(f"localhost:{conn_port}") == 200
        assert get(f"evil.example:{conn_port}") == 403
    finally:
        preview.stop()


@pytest.fixture
def preview(mini_site: Path):
    running = Preview(mini_site)
    yield running
    running.stop()


# -- 3b. Many connections at once ----------------------------------------------------------------

def queued_connections(port: int) -> int:
    """Connections the kernel has accepted for the listening socket and the
    server has not yet taken (`ss`: Recv-Q of a LISTEN socket)."""
    out = subprocess.run(["ss", "-Hltn", f"sport = :{port}"], capture_output=True, text=True, check=True).stdout
    return sum(int(line.split()[1]) for line in out.splitlines() if line.strip())


def test_200_simultaneous_connections_are_all_answered(preview: Preview):
    count = 200
    statuses: list[int | str] = []
    lock = threading.Lock()

    def client() -> None:
        try:
            with socket.create_connection(("127.0.0.1", preview.port), timeout=120) as sock:
                sock.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{preview.port}\r\nConnection: close\r\n\r\n"
                             .encode())
                reply = b""
                while chunk := sock.recv(65536):
                    reply += chunk
            result: int | str = int(reply.split(b" ", 2)[1])
        except OSError as exc:
            result = repr(exc)
        with lock:
            statuses.append(result)

    # Stopped, the server accepts nothing: every connection must wait in the
    # kernel's queue, which the listen backlog sizes (5 dropped all the rest).
    preview.process.send_signal(signal.SIGSTOP)
    try:
        threads = [threading.Thread(target=client, daemon=True) for _ in range(count)]
        for thread in threads:
            thread.start()
        wait_for(lambda: queued_connections(preview.port) >= count, f"{count} queued connections", timeout=60)
    finally:
        preview.process.send_signal(signal.SIGCONT)
    for thread in threads:
        thread.join(timeout=120)
    assert statuses == [200] * count


def test_the_listen_backlog_is_at_least_128(preview: Preview):
    out = subprocess.run(["ss", "-Hltn", f"sport = :{preview.port}"], capture_output=True, text=True,
                         check=True).stdout
    assert int(out.split()[2]) >= 128, out  # Send-Q of a LISTEN socket: its backlog


# -- 5. The quiet window is a checked setting ----------------------------------------------------

@pytest.mark.parametrize("value", ["soon", "-1", "61", "nan"])
def test_a_bad_quiet_window_is_a_usage_error(mini_site: Path, value: str):
    result = subprocess.run([sys.executable, "-m", "sitegen", "serve", "--port", "0"], cwd=mini_site,
                            env={**os.environ, "SITEGEN_PREVIEW_QUIET": value}, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2
    assert f"SITEGEN_PREVIEW_QUIET must be a number of seconds from 0 to 60, not {value!r}" in result.stderr
    assert "Traceback" not in result.stderr
