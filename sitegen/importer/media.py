"""Media of the old site → `content/static/uploads/…`, bounded in time and size.

A download that fails (unreachable, too slow, too big, not found) keeps the
remote URL and is reported; it never fails the import. A file already there
is used as it is, so a second import downloads nothing.
"""

from __future__ import annotations

import os
import re
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

PAGE_SUFFIXES = {"", ".html", ".htm", ".php", ".asp", ".aspx"}
BLOGGER_HOSTS = re.compile(r"(^|\.)(bp\.blogspot\.com|blogger\.googleusercontent\.com)$")
CHUNK = 64 * 1024


@dataclass
class Media:
    """Downloads media once per URL and remembers what became of it."""

    root: Path
    site_url: str
    download: bool = True
    dry_run: bool = False
    timeout: float = 10.0
    max_bytes: int = 20 * 1024 * 1024
    attachments: set[str] = field(default_factory=set)
    done: dict[str, str] = field(default_factory=dict)  # URL → new URL
    downloaded: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    remote: list[tuple[str, str]] = field(default_factory=list)  # (URL, why)

    def is_ours(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or Path(unquote(parts.path)).suffix.lower() in PAGE_SUFFIXES:
            return False
        host = parts.netloc.lower()
        return (url in self.attachments or host == urlsplit(self.site_url).netloc.lower()
                or bool(BLOGGER_HOSTS.search(host)))

    def local(self, url: str) -> str:
        """The URL to use in the post: the local copy's, else the remote one."""
        if not self.download or not self.is_ours(url):
            return url
        if url not in self.done:
            self.done[url] = self.fetch(url)
        return self.done[url]

    def fetch(self, url: str) -> str:
        relative = local_path(url)
        target = self.root / "content" / "static" / relative
        new_url = "/" + relative
        if target.exists():
            self.existing.append(f"content/static/{relative}")
            return new_url
        if self.dry_run:
            self.downloaded.append(f"content/static/{relative} (would download {url})")
            return new_url
        try:
            data = get(url, self.timeout, self.max_bytes)
        except DownloadError as exc:
            self.remote.append((url, str(exc)))
            return url
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.part")
        partial.write_bytes(data)
        os.replace(partial, target)  # never a half-written file under its real name
        self.downloaded.append(f"content/static/{relative}")
        return new_url


class DownloadError(Exception):
    pass


def get(url: str, timeout: float, max_bytes: int) -> bytes:
    """The body at `url`, within `timeout` seconds overall and `max_bytes`."""
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(url, headers={"User-Agent": "sitegen-import"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only, checked
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise DownloadError(f"larger than {max_bytes // (1024 * 1024)} MB")
            chunks, size = [], 0
            while chunk := response.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise DownloadError(f"larger than {max_bytes // (1024 * 1024)} MB")
                if time.monotonic() > deadline:
                    raise DownloadError(f"took longer than {timeout:g} s")
                chunks.append(chunk)
            return b"".join(chunks)
    except urllib.error.HTTPError as exc:
        raise DownloadError(f"HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DownloadError(f"unreachable ({reason})") from None


def local_path(url: str) -> str:
    """`https://old.example/wp-content/uploads/2019/05/café.jpg` → `uploads/2019/05/cafe.jpg`-like:
    the path under uploads/, each part made safe for every file system."""
    path = unquote(urlsplit(url).path)
    path = re.sub(r"^.*?/wp-content/uploads/", "", path)
    parts = [re.sub(r"[^A-Za-z0-9._-]+", "-", part).strip(".-") or "file" for part in path.split("/") if part]
    return "uploads/" + "/".join(parts[-6:] or ["file"])
