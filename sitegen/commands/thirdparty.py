"""Requests a built page makes to other hosts, for `sitegen check`.

What a visitor's browser fetches from elsewhere (scripts, stylesheets,
fonts, images, frames, media, preconnects…) tells another company the
visitor's address and the page they read: a consultant names these hosts in
a privacy notice (GDPR), or removes them. Found from the pages' markup,
their inline styles and the site's stylesheets they load (url(), @import).
Form actions send nothing until a visitor submits the form: listed apart.
A third-party script can load more hosts of its own: listed hosts are the
first hop.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

# <link rel=…> values that make the browser fetch or connect (alternate,
# canonical, me… are links for readers and robots, not requests).
LINK_RELS = {"stylesheet": "stylesheet", "icon": "icon", "apple-touch-icon": "icon", "mask-icon": "icon",
             "preconnect": "preconnect", "dns-prefetch": "dns-prefetch", "prefetch": "prefetch",
             "prerender": "prefetch", "preload": "preload", "modulepreload": "script", "manifest": "manifest"}
# tag → (attribute, kind) pairs whose URL the browser fetches.
FETCHED = {
    "script": (("src", "script"),), "img": (("src", "image"), ("srcset", "image")),
    "iframe": (("src", "iframe"),), "frame": (("src", "iframe"),),
    "video": (("src", "video"), ("poster", "image")), "audio": (("src", "audio"),),
    "source": (("src", "media"), ("srcset", "image")), "track": (("src", "track"),),
    "object": (("data", "object"),), "embed": (("src", "embed"),),
    "image": (("href", "image"), ("xlink:href", "image")), "use": (("href", "image"), ("xlink:href", "image")),
}
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
SCRIPT_URL = re.compile(r"""https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::\d+)?(?:/[^\s"'`<>\\)]*)?""")
ABSOLUTE = ("http://", "https://", "//", "ws://", "wss://", "ftp://")
DATA_SCRIPTS = ("application/ld+json", "application/json", "importmap", "speculationrules", "text/template")
CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)""", re.I)
CSS_IMPORT = re.compile(r"""@import\s+(?:"([^"]*)"|'([^']*)')""", re.I)


def srcset_urls(value: str) -> list[str]:
    return [candidate.split()[0] for candidate in value.split(",") if candidate.strip()]


def css_urls(text: str) -> list[tuple[str, str]]:
    """(kind, URL) of what a stylesheet fetches: @import'ed sheets, then url()s."""
    text = CSS_COMMENT.sub("", text)
    imports = [("CSS @import", next(g for g in m.groups() if g is not None)) for m in CSS_IMPORT.finditer(text)]
    urls = [("CSS url()", next(g for g in m.groups() if g is not None)) for m in CSS_URL.finditer(text)]
    return imports + [u for u in urls if u[1]]


@dataclass
class RequestFinder:
    """Fed each start tag and each <style>'s text of one page by check's
    HTML parser; keeps (kind, URL) of what the page fetches, its form
    actions, and the links a reader follows (for `check --external`)."""

    fetches: list[tuple[str, str]] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    inside: str | None = None
    """"style" or "script" (an inline one that runs) while in one: its text is read."""

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag in ("a", "area") and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "link":
            for rel in attrs.get("rel", "").lower().split():
                if rel in LINK_RELS and attrs.get("href"):
                    self.fetches.append((LINK_RELS[rel], attrs["href"]))
                    if rel == "preload" and attrs.get("imagesrcset"):
                        self.fetches += [("preload", u) for u in srcset_urls(attrs["imagesrcset"])]
                    break
        for attribute, kind in FETCHED.get(tag, ()):
            value = attrs.get(attribute)
            if value:
                urls = srcset_urls(value) if attribute == "srcset" else [value]
                self.fetches += [(kind, url) for url in urls]
        if tag == "input" and attrs.get("type", "").lower() == "image" and attrs.get("src"):
            self.fetches.append(("image", attrs["src"]))
        if "style" in attrs:
            self.style(attrs["style"])
        if tag == "style" or (tag == "script" and not attrs.get("src")
                              and attrs.get("type", "").lower() not in DATA_SCRIPTS):
            self.inside = tag
        if tag == "form" and attrs.get("action"):
            self.forms.append(attrs["action"])
        elif tag in ("button", "input") and attrs.get("formaction"):
            self.forms.append(attrs["formaction"])

    def style(self, css: str) -> None:
        self.fetches += css_urls(css)

    def text(self, data: str) -> None:
        """An inline script's addresses are what it likely loads (analytics
        snippets insert their script so): listed as mentioned."""
        if self.inside == "style":
            self.style(data)
        elif self.inside == "script":
            self.fetches += [("inline script mentions", url) for url in SCRIPT_URL.findall(data)]

    def end(self, tag: str) -> None:
        if tag == self.inside:
            self.inside = None


@dataclass
class ThirdParties:
    """host → kind → URL → pages; the same for form actions (no kind)."""

    requests: dict[str, dict[str, dict[str, set[str]]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(lambda: defaultdict(set))))
    forms: dict[str, dict[str, set[str]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(set)))

    def as_json(self) -> dict:
        return {"requests": {host: [{"kind": kind, "url": url, "pages": sorted(pages)}
                                    for kind, urls in sorted(kinds.items()) for url, pages in sorted(urls.items())]
                             for host, kinds in sorted(self.requests.items())},
                "form_actions": {host: [{"url": url, "pages": sorted(pages)} for url, pages in sorted(urls.items())]
                                 for host, urls in sorted(self.forms.items())}}

    def lines(self) -> list[str]:
        if not self.requests:
            lines = ["third-party requests: none (no page makes its visitors' browsers fetch from another host)"]
        else:
            lines = [f"third-party requests (what visitors' browsers fetch from {len(self.requests)} other "
                     f"host(s); name them in your privacy notice or remove them):"]
            for host, kinds in sorted(self.requests.items()):
                pages = {p for urls in kinds.values() for ps in urls.values() for p in ps}
                lines.append(f"  {host}: {', '.join(sorted(kinds))} on {len(pages)} page(s): {shortlist(pages)}")
                for kind, urls in sorted(kinds.items()):
                    for url in sorted(urls)[:5]:
                        lines.append(f"    {kind}: {url}")
                    if len(urls) > 5:
                        lines.append(f"    {kind}: … and {len(urls) - 5} more")
        for host, urls in sorted(self.forms.items()):
            pages = {p for ps in urls.values() for p in ps}
            lines.append(f"form sends to {host} when submitted, from {len(pages)} page(s): {shortlist(pages)}")
        return lines


def shortlist(pages: set[str], shown: int = 4) -> str:
    ordered = sorted(pages)
    return ", ".join(ordered[:shown]) + (f" and {len(ordered) - shown} more" if len(ordered) > shown else "")


def other_host(base_url: str, page_url: str, link: str) -> str | None:
    """The host a fetched URL goes to when it is not the site's own, else None."""
    link = link.strip()
    # Only an address with a host can leave the site (most are relative: no urljoin for them).
    if not link.lower().startswith(ABSOLUTE):
        return None
    absolute = urlsplit(urljoin(base_url + page_url, link))
    if absolute.scheme not in ("http", "https", "ws", "wss", "ftp") or not absolute.hostname:
        return None
    return None if absolute.hostname == urlsplit(base_url).hostname else absolute.hostname


def third_parties(out: Path, base_url: str, pages: dict[str, RequestFinder]) -> ThirdParties:
    """What every page fetches from other hosts, its site stylesheets' fetches included."""
    found = ThirdParties()
    base_url = base_url.rstrip("/")
    stylesheets: dict[str, list[tuple[str, str]]] = {}
    for page, finder in pages.items():
        for kind, link in finder.fetches:
            host = other_host(base_url, page, link)
            if host:
                found.requests[host][kind][urljoin(base_url + page, link.strip())].add(page)
            elif kind in ("stylesheet", "CSS @import"):
                for sheet_kind, url in sheet_fetches(out, base_url, urljoin(base_url + page, link), stylesheets):
                    found.requests[urlsplit(url).hostname or ""][sheet_kind][url].add(page)
        for action in finder.forms:
            host = other_host(base_url, page, action)
            if host:
                found.forms[host][urljoin(base_url + page, action)].add(page)
    return found


def sheet_fetches(out: Path, base_url: str, sheet_url: str, memo: dict[str, list[tuple[str, str]]],
                  depth: int = 0) -> list[tuple[str, str]]:
    """(kind, absolute URL) of what one of the site's stylesheets fetches from
    other hosts, through the site's own sheets it @imports (read once each)."""
    if sheet_url in memo or depth > 8:
        return memo.get(sheet_url, [])
    memo[sheet_url] = []
    path = urlsplit(sheet_url).path
    file = out / unquote(path).lstrip("/")
    root = out.resolve()
    try:
        # Only the output's own files: never through a link out of it.
        if not file.resolve().is_relative_to(root) or not file.is_file():
            return []
        text = file.read_text(encoding="utf-8", errors="replace")
    except (OSError, ValueError):
        return []
    fetches: list[tuple[str, str]] = []
    for kind, link in css_urls(text):
        absolute = urljoin(sheet_url, link.strip())
        if other_host(base_url, path, absolute):
            fetches.append((f"{kind} in {path}", absolute))
        elif kind == "CSS @import":
            fetches += sheet_fetches(out, base_url, absolute, memo, depth + 1)
    memo[sheet_url] = fetches
    return fetches
