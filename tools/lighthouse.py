#!/usr/bin/env python3
"""Lighthouse scores of the example site, as a person's browser sees it.

Builds the repository's example site for http://127.0.0.1:PORT (so canonical
URLs, hreflang and sitemap point where the pages are served), serves it on
that address, and runs Google Lighthouse (npm) in Debian's Chromium on the
home page, a post and a talk in each language. Prints a table of the four
category scores and, under it, every audit that cost points.

    python tools/lighthouse.py                 # mobile (Lighthouse's default)
    python tools/lighthouse.py --preset desktop
    python tools/lighthouse.py --check         # exit 1 below the project's targets

Lighthouse is installed on first use into tools/node_modules (ignored by git):
`npm install --no-save --prefix tools lighthouse@VERSION`. Needs Node.js and
Chromium (`apt-get install chromium`; another browser with --chrome PATH or
CHROME_PATH). Reports (JSON) are kept in --out.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TOOLS = REPO / "tools"
LIGHTHOUSE_VERSION = "12.8.2"  # 13.x needs Node.js 22.19+; Debian 12 has 18/20.
LIGHTHOUSE_BIN = TOOLS / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-background-networking "
                "--disable-component-update --no-first-run --disable-sync")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
HEADINGS = ("Performance", "Accessibility", "Best practices", "SEO")
# The project's targets (--check): accessibility and SEO perfect, best practices nearly.
TARGETS = {"accessibility": 100, "seo": 100, "best-practices": 95}

PAGES = [
    ("home en", "/"),
    ("home fr", "/fr/"),
    ("post en", "/posts/testing-pyramid-revisited/"),
    ("post fr", "/fr/posts/pyramide-des-tests/"),
    ("talk en", "/talks/flaky-tests-are-bugs/"),
    ("talk fr", "/fr/talks/flaky-tests-are-bugs/"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_lighthouse() -> None:
    if LIGHTHOUSE_BIN.is_file():
        return
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm is missing: install Node.js (Debian: apt-get install nodejs npm)")
    print(f"installing lighthouse@{LIGHTHOUSE_VERSION} into tools/node_modules …", file=sys.stderr)
    subprocess.run([npm, "install", "--no-save", "--no-package-lock", "--no-audit", "--no-fund",
                    "--prefix", str(TOOLS), f"lighthouse@{LIGHTHOUSE_VERSION}"], check=True)


def find_chrome(explicit: str | None) -> str:
    for candidate in (explicit, os.environ.get("CHROME_PATH"), shutil.which("chromium"),
                      shutil.which("chromium-browser"), shutil.which("google-chrome")):
        if candidate and Path(candidate).exists():
            return candidate
    sys.exit("Chromium is missing: apt-get install chromium (or pass --chrome PATH)")


def build_site(out: Path, base_url: str) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "1795000000")}
    result = subprocess.run([sys.executable, "-m", "sitegen", "build", "--quiet", "--output", str(out),
                             "--base-url", base_url], cwd=REPO, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"sitegen build failed:\n{result.stdout}{result.stderr}")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def serve(root: Path, port: int) -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port),
                                             functools.partial(QuietHandler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def run_lighthouse(url: str, report: Path, chrome: str, preset: str | None) -> dict:
    command = ["node", str(LIGHTHOUSE_BIN), url, "--quiet", "--output=json", f"--output-path={report}",
               f"--chrome-flags={CHROME_FLAGS}", "--only-categories=" + ",".join(CATEGORIES)]
    if preset:
        command.append(f"--preset={preset}")
    result = subprocess.run(command, env={**os.environ, "CHROME_PATH": chrome}, capture_output=True,
                            text=True, timeout=300)
    if result.returncode != 0 or not report.is_file():
        sys.exit(f"lighthouse failed on {url} (exit {result.returncode}):\n{result.stderr[-3000:]}")
    return json.loads(report.read_text(encoding="utf-8"))


def score(lhr: dict, category: str) -> int | None:
    value = lhr["categories"][category]["score"]
    return None if value is None else round(value * 100)


def lost_points(lhr: dict, category: str) -> list[str]:
    """Audits of a category that scored below 1, weighted ones first, with a hint of where."""
    lines = []
    for ref in sorted(lhr["categories"][category]["auditRefs"], key=lambda r: -r["weight"]):
        audit = lhr["audits"][ref["id"]]
        if audit.get("score") is None or audit["score"] >= 1 or audit.get("scoreDisplayMode") in (
                "notApplicable", "manual", "informative"):
            continue
        if category == "performance" and ref["weight"] == 0:
            continue
        where = ""
        items = (audit.get("details") or {}).get("items") or []
        for item in items[:3]:
            node = item.get("node") or {}
            snippet = node.get("snippet") or item.get("url") or item.get("source", {}).get("url", "")
            if snippet:
                where += f"\n        {str(snippet)[:160]}"
        value = audit.get("displayValue", "")
        lines.append(f"    [{ref['weight']}] {audit['id']}: {audit['title']} {value}{where}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "sitegen-lighthouse",
                        help="folder for the built site and the JSON reports")
    parser.add_argument("--preset", choices=["desktop", "perf", "experimental"], default=None,
                        help="Lighthouse preset (default: mobile emulation)")
    parser.add_argument("--chrome", help="browser executable (default: $CHROME_PATH or chromium)")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 unless accessibility and SEO are 100 and best practices >= 95 everywhere")
    parser.add_argument("--quiet", action="store_true", help="only the table")
    args = parser.parse_args()

    ensure_lighthouse()
    chrome = find_chrome(args.chrome)
    port = args.port or free_port()
    base_url = f"http://127.0.0.1:{port}"
    args.out.mkdir(parents=True, exist_ok=True)
    site = args.out / "site"
    build_site(site, base_url)
    server = serve(site, port)
    results = []
    try:
        for name, path in PAGES:
            report = args.out / f"{name.replace(' ', '-')}.json"
            print(f"lighthouse {base_url}{path} …", file=sys.stderr, flush=True)
            lhr = run_lighthouse(base_url + path, report, chrome, args.preset)
            results.append((name, path, lhr))
    finally:
        server.shutdown()
        server.server_close()

    version = results[0][2].get("lighthouseVersion", "?") if results else "?"
    form = args.preset or "mobile"
    print(f"\nLighthouse {version}, {form}, {Path(chrome).name}, site built for {base_url}\n")
    width = max(len(path) for _, path in PAGES) + 10
    print(f"| {'page':<{width}} | " + " | ".join(HEADINGS) + " |")
    print(f"|{'-' * (width + 2)}|" + "|".join("-" * (len(h) + 2) for h in HEADINGS) + "|")
    failures = []
    for name, path, lhr in results:
        cells = []
        for category, heading in zip(CATEGORIES, HEADINGS):
            value = score(lhr, category)
            cells.append(f"{'—' if value is None else value:>{len(heading)}}")
            target = TARGETS.get(category)
            if target is not None and (value is None or value < target):
                failures.append(f"{name} {path}: {heading} {value} < {target}")
        print(f"| {name + ' ' + path:<{width}} | " + " | ".join(cells) + " |")

    if not args.quiet:
        for name, path, lhr in results:
            lines = []
            for category, heading in zip(CATEGORIES, HEADINGS):
                lost = lost_points(lhr, category)
                if lost:
                    lines.append(f"  {heading} ({score(lhr, category)}):")
                    lines += lost
            if lines:
                print(f"\n{name} {path}")
                print("\n".join(lines))
        print(f"\nreports: {args.out}/*.json (open in the Lighthouse viewer)")

    if failures:
        print("\nbelow target:\n  " + "\n  ".join(failures), file=sys.stderr)
        if args.check:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
