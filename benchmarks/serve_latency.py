"""Time from saving a file to the reload event of `sitegen serve`, and to the new text in a browser.

Generates a bilingual site (default 4,000 posts), starts the real preview
server, listens to its event stream as a browser tab does, and for each of
N edits measures the time from the write to the "build" event that includes
it: for a post body, and for a template (every post page uses it).

With `--browser`, a headless Chromium (over the DevTools protocol) keeps the
edited post open, and each edit is timed until its new text is in the page,
which is what a writer waits for. When `hugo` is installed (and unless
`--no-hugo`), `hugo server` runs on the Hugo twin of the same posts in the
same run and is timed the same way.

    python benchmarks/serve_latency.py [--posts 4000] [--edits 20] [--browser] [--no-hugo]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from corpus import generate  # noqa: E402
from hugo_site import LEADING_DATE, write_hugo_site  # noqa: E402

REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Events:
    def __init__(self, port: int):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=600)
        # The preview answers only its own Host names, port included (DNS rebinding).
        self.sock.sendall(f"GET /__sitegen/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        self.buffer = b""
        self.seen = 0
        self._block(b"\r\n\r\n")

    def _block(self, marker: bytes) -> bytes:
        while marker not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RuntimeError("the event stream closed")
            self.buffer += chunk
        block, self.buffer = self.buffer.split(marker, 1)
        return block

    def next(self) -> tuple[str, dict]:
        while True:
            block = self._block(b"\n\n").decode()
            if not block.startswith(":"):
                fields = dict(line.split(": ", 1) for line in block.splitlines())
                return fields["event"], json.loads(fields["data"])


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(events: Events, edit, count: int) -> list[float]:
    times = []
    for n in range(count):
        started = time.perf_counter()
        edit(n)
        # A build may be announced twice (its edited page first, then the
        # rest, under the same number): the first event of a new build counts.
        while True:
            kind, state = events.next()
            if state.get("error"):
                raise RuntimeError(state["error"])
            if state["build"] > events.seen:
                events.seen = state["build"]
                break
        times.append((time.perf_counter() - started) * 1000)
        time.sleep(0.2)  # a writer does not save 20 times a second
    return times


def wait_for_text(browser, text: str, timeout: float = 60) -> None:
    """Poll the open tab until `text` is in its body; a reload in progress answers with an error."""
    from cdp import CDPError

    probe = f"!!(document.body && document.body.innerText.includes({json.dumps(text)}))"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if browser.evaluate(probe):
                return
        except CDPError:
            pass
        time.sleep(0.005)
    raise TimeoutError(f"{text!r} never appeared in the page")


def measure_in_browser(browser, url: str, path: Path, count: int, marker: str) -> list[float]:
    browser.goto(url)
    times = []
    for n in range(count):
        text = f"{marker} {n} {time.time_ns()}"
        started = time.perf_counter()
        with path.open("a", encoding="utf-8") as f:
            f.write(f"\n{text}\n")
        wait_for_text(browser, text)
        times.append((time.perf_counter() - started) * 1000)
        time.sleep(0.3)
    return times


def english_post(site: Path) -> tuple[Path, str]:
    """The middle English post of the corpus and its URL path (the slug rule of hugo_site.py)."""
    posts = sorted(p for p in (site / "content" / "posts").glob("*.md") if not p.name.endswith(".fr.md"))
    post = posts[len(posts) // 2]
    head = post.read_text(encoding="utf-8").split("---\n", 2)[1]
    slug = next((line.split(":", 1)[1].strip().strip('"') for line in head.splitlines()
                 if line.startswith("slug:")), LEADING_DATE.sub("", post.stem))
    return post, f"/posts/{slug}/"


def start_logged(command: list[str], cwd: Path, log_path: Path, ready: str, env: dict) -> subprocess.Popen:
    # The log goes to a file: a pipe nobody reads would fill up and stall the server.
    log = log_path.open("w+", encoding="utf-8")
    server = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    while ready not in log_path.read_text(encoding="utf-8"):
        if server.poll() is not None:
            raise RuntimeError(log_path.read_text(encoding="utf-8"))
        time.sleep(0.05)
    return server


def browser_runs(args, work: Path, site: Path, port: int, env: dict) -> list[tuple[str, list[float]]]:
    from cdp import Browser, find_chromium

    post, url_path = english_post(site)
    results = []
    browser = Browser(find_chromium(), work / "chromium-profile")
    try:
        results.append(("sitegen serve, post visible in Chromium",
                        measure_in_browser(browser, f"http://127.0.0.1:{port}{url_path}", post, args.edits,
                                           "Edited in the browser run")))
        if shutil.which("hugo") and not args.no_hugo:
            hugo_root = work / "hugo"
            write_hugo_site(site, hugo_root)
            hugo_port = free_port()
            hugo = start_logged(["hugo", "server", "--bind", "127.0.0.1", "--port", str(hugo_port),
                                 "--buildFuture", "--disableLiveReload=false"], hugo_root,
                                work / "hugo.log", "Web Server is available", env)
            try:
                # Hugo's live-reload socket only answers pages opened by the name it prints (localhost).
                results.append(("hugo server, post visible in Chromium",
                                measure_in_browser(browser, f"http://localhost:{hugo_port}{url_path}",
                                                   hugo_root / "content" / "posts" / post.name, args.edits,
                                                   "Edited in the browser run")))
            except TimeoutError:
                sys.stderr.write((work / "hugo.log").read_text(encoding="utf-8")[-3000:])
                raise
            finally:
                hugo.terminate()
                hugo.wait(timeout=30)
    finally:
        browser.close()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=4000)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--template-edits", type=int, default=5)
    parser.add_argument("--browser", action="store_true",
                        help="also time each edit until its text is in a headless Chromium tab")
    parser.add_argument("--no-hugo", action="store_true", help="with --browser, do not run hugo server")
    args = parser.parse_args(argv)

    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    work = Path(tempfile.mkdtemp(prefix="sitegen-serve-bench-", dir=base))
    servers: list[subprocess.Popen] = []
    try:
        site = generate(work / "site", args.posts)
        templates = site / "themes" / "default" / "templates"
        templates.mkdir(parents=True)
        shutil.copyfile(REPO / "themes" / "default" / "templates" / "post.html", templates / "post.html")
        post = sorted((site / "content" / "posts").glob("*.md"))[len(list((site / "content" / "posts").glob("*.md"))) // 2]
        port = free_port()
        env = {**os.environ, "SOURCE_DATE_EPOCH": "1795000000", "PYTHONUNBUFFERED": "1"}
        started = time.perf_counter()
        server = start_logged([sys.executable, "-m", "sitegen", "serve", "--port", str(port)], site,
                              work / "serve.log", "serving", env)
        servers.append(server)
        first_build = time.perf_counter() - started
        # The watcher sets its watches up in a thread of its own after "serving":
        # a save in that first moment waits for it (a second at 16,000 posts).
        time.sleep(1.0)
        events = Events(port)
        events.seen = events.next()[1]["build"]

        def edit_post(n: int) -> None:
            with post.open("a", encoding="utf-8") as f:
                f.write(f"\nEdit number {n}.\n")

        def edit_template(n: int) -> None:
            path = templates / "post.html"
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace("{% block content %}", f"{{% block content %}}<!-- {n} -->", 1)
                            if n == 0 else text.replace(f"<!-- {n - 1} -->", f"<!-- {n} -->"), encoding="utf-8")

        post_times = measure(events, edit_post, args.edits)
        template_times = measure(events, edit_template, args.template_edits)
        events.sock.close()  # unread events would fill the socket buffer during the browser runs
        browser_times = browser_runs(args, work, site, port, env) if args.browser else []
        server.terminate()
        server.wait(timeout=30)
        servers.clear()
        rebuilt = [line for line in (work / "serve.log").read_text(encoding="utf-8").splitlines() if "rebuilt" in line]
        print("server log, first and last rebuilds:", *rebuilt[:4], "…", *rebuilt[-3:], sep="\n  ")
        pages = sum(1 for _ in (site / ".sitegen-cache" / "preview").rglob("*.html"))
        print(f"site: {args.posts} post files, {pages} HTML pages; first build and start {first_build:.1f} s")
        for label, times in (("post edit", post_times), ("template edit", template_times), *browser_times):
            print(f"{label:40} n={len(times):3}  p50 {statistics.median(times):7.0f} ms  "
                  f"p95 {percentile(times, 0.95):7.0f} ms  max {max(times):7.0f} ms")
    finally:
        for server in servers:  # a failed run must not leave a preview running
            server.kill()
            server.wait()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
