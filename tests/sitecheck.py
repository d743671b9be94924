"""Independent checks of a built site, as users' tools would make them:
an HTML5 parser, feedparser, json, and a link walker. Deliberately not
sitegen's own `check` module, so a bug there cannot hide a bug here."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import html5lib


def html_files(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def parse_html(path: Path) -> ET.Element:
    """Parse strictly: any HTML5 parse error raises html5lib's ParseError."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(path.read_bytes())


def page_url(out: Path, path: Path) -> str:
    rel = path.relative_to(out).as_posix()
    return "/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)


def target_file(out: Path, url_path: str) -> Path:
    path = unquote(url_path).lstrip("/")
    candidate = out / path
    if url_path.endswith("/") or candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate


def internal_links(out: Path, base_url: str, path: Path, root: ET.Element) -> list[str]:
    """Site-relative paths of every internal link, stylesheet, script and image."""
    here = page_url(out, path)
    found = []
    for element in root.iter():
        for attr in ("href", "src"):
            value = element.get(attr)
            if not value or value.startswith(("mailto:", "tel:", "data:", "#")):
                continue
            absolute = urljoin(base_url + here, value)
            if absolute.startswith(base_url + "/") or absolute == base_url:
                found.append(urlsplit(absolute).path or "/")
    return found


def broken_links(out: Path, base_url: str) -> list[str]:
    broken = []
    for path in html_files(out):
        for link in internal_links(out, base_url, path, parse_html(path)):
            if not target_file(out, link).is_file():
                broken.append(f"{page_url(out, path)} → {link}")
    return broken


def head_info(root: ET.Element) -> dict:
    head = root.find("head")
    assert head is not None
    metas = {(m.get("name") or m.get("property")): m.get("content") for m in head.iter("meta")}
    links = [(l.get("rel"), l.get("hreflang"), l.get("href")) for l in head.iter("link")]
    jsonld = [json.loads(s.text or "") for s in root.iter("script") if s.get("type") == "application/ld+json"]
    title = head.find("title")
    return {"lang": root.get("lang"), "title": title.text if title is not None else None, "metas": metas,
            "links": links, "jsonld": jsonld,
            "canonical": next((h for r, _, h in links if r == "canonical"), None),
            "hreflang": {lang: h for r, lang, h in links if r == "alternate" and lang}}


def sitemap_urls(out: Path) -> list[str]:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    tree = ET.parse(out / "sitemap.xml")
    return [loc.text or "" for loc in tree.getroot().iterfind("s:url/s:loc", ns)]
