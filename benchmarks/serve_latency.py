"""Time from saving a file to the reload event of `sitegen serve`.

Generates a bilingual site (default 4,000 posts), starts the real preview
server, listens to its event stream as a browser tab does, and for each of
N edits measures the time from the write to the "build" event that includes
it: for a post body, and for a template (every post page uses it).

    python benchmarks/serve_latency.py [--posts 4000] [--edits 20]
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

REPO = HERE.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Events:
    def __init__(self, port: int):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=600)
        self.sock.sendall(b"GET /__sitegen/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        self.buffer = b""
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
        kind, state = events.next()
        if state.get("error"):
            raise RuntimeError(state["error"])
        times.append((time.perf_counter() - started) * 1000)
        time.sleep(0.2)  # a writer does not save 20 times a second
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=4000)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--template-edits", type=int, default=5)
    args = parser.parse_args(argv)

    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    work = Path(tempfile.mkdtemp(prefix="sitegen-serve-bench-", dir=base))
    try:
        site = generate(work / "site", args.posts)
        templates = site / "themes" / "default" / "templates"
        templates.mkdir(parents=True)
        shutil.copyfile(REPO / "themes" / "default" / "templates" / "post.html", templates / "post.html")
        post = sorted((site / "content" / "posts").glob("*.md"))[len(list((site / "content" / "posts").glob("*.md"))) // 2]
        port = free_port()
        env = {**os.environ, "SOURCE_DATE_EPOCH": "1795000000", "PYTHONUNBUFFERED": "1"}
        started = time.perf_counter()
        # The server's log goes to a file: a pipe nobody reads would fill up and stall it.
        log = (work / "serve.log").open("w+", encoding="utf-8")
        server = subprocess.Popen([sys.executable, "-m", "sitegen", "serve", "--port", str(port)], cwd=site,
                                  env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
        while "serving" not in (work / "serve.log").read_text(encoding="utf-8"):
            if server.poll() is not None:
                raise RuntimeError((work / "serve.log").read_text(encoding="utf-8"))
            time.sleep(0.05)
        first_build = time.perf_counter() - started
        events = Events(port)
        events.next()

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
        server.terminate()
        server.wait(timeout=30)
        rebuilt = [line for line in (work / "serve.log").read_text(encoding="utf-8").splitlines() if "rebuilt" in line]
        print("server log, last rebuilds:", *rebuilt[-3:], sep="\n  ")
        pages = sum(1 for _ in (site / ".sitegen-cache" / "preview").rglob("*.html"))
        print(f"site: {args.posts} post files, {pages} HTML pages; first build and start {first_build:.1f} s")
        for label, times in (("post edit", post_times), ("template edit", template_times)):
            print(f"{label:14} n={len(times):3}  p50 {statistics.median(times):7.0f} ms  "
                  f"p95 {percentile(times, 0.95):7.0f} ms  max {max(times):7.0f} ms")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
