"""`sitegen check`: audit a built site as search engines and feed readers see it.

Works on the output folder only (what will be published), so it also catches
what a theme override or a hand-copied static file broke.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from .check_external import outgoing_links
from .thirdparty import RequestFinder, ThirdParties, third_parties

ERROR, WARNING, INFO = "error", "warning", "info"

ATOM = "{http://www.w3.org/2005/Atom}"
SERVICE_SECTIONS = {"posts": "posts", "talks": "talks", "workshops": "workshops", "expertise": "expertise"}

# What Google's rich results need for each type (the rest is recommended).
REQUIRED_JSONLD = {
    "Person": ("name",),
    "Event": ("name", "startDate", "location"),
    "BlogPosting": ("headline", "datePublished", "author"),
    "Course": ("name", "description"),
    "ProfilePage": ("mainEntity",),
}


@dataclass(frozen=True)
class Finding:
    level: str
    where: str
    message: str


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    pages: int = 0
    feeds: int = 0
    translations: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    """section → language → pages of the other languages missing in it."""
    third_parties: ThirdParties = field(default_factory=ThirdParties)
    outgoing: dict[str, list[str]] = field(default_factory=dict)
    """External URL → the pages linking to it (checked by `--external`)."""
    notes: list[str] = field(default_factory=list)

    def add(self, level: str, where: str, message: str) -> None:
        self.findings.append(Finding(level, where, message))

    def count(self, level: str) -> int:
        return sum(1 for f in self.findings if f.level == level)

    def failed(self, strict: bool) -> bool:
        return self.count(ERROR) > 0 or (strict and self.count(WARNING) > 0)

    def as_json(self) -> str:
        return json.dumps({"pages": self.pages, "feeds": self.feeds,
                           "errors": self.count(ERROR), "warnings": self.count(WARNING),
                           "findings": [asdict(f) for f in sorted(self.findings, key=sort_key)],
                           "missing_translations": self.translations,
                           "third_parties": self.third_parties.as_json(), "notes": self.notes},
                          ensure_ascii=False, indent=2)

    def as_text(self) -> str:
        lines = []
        for finding in sorted(self.findings, key=sort_key):
            if finding.level != INFO:
                lines.append(f"{finding.level}: {finding.where}: {finding.message}")
        if any(self.translations.values()):
            lines.append("translations (pages that exist in one language only):")
            for section, by_lang in sorted(self.translations.items()):
                for lang, missing in sorted(by_lang.items()):
                    if missing:
                        lines.append(f"  {section}: {len(missing)} not in '{lang}': {', '.join(missing[:8])}"
                                     + (" …" if len(missing) > 8 else ""))
        lines += self.third_parties.lines() + self.notes
        lines.append(f"checked {self.pages} pages and {self.feeds} feeds: "
                     f"{self.count(ERROR)} error(s), {self.count(WARNING)} warning(s)")
        return "\n".join(lines)


def sort_key(finding: Finding) -> tuple:
    return ({ERROR: 0, WARNING: 1, INFO: 2}[finding.level], finding.where, finding.message)


@dataclass
class PageFacts:
    """What one HTML file says about itself and where it points."""

    lang: str | None = None
    title: str | None = None
    description: str | None = None
    canonical: str | None = None
    alternates: dict[str, str] = field(default_factory=dict)
    robots: str | None = None
    ids: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)
    images_without_alt: list[str] = field(default_factory=list)
    jsonld: list[str] = field(default_factory=list)
    requests: RequestFinder = field(default_factory=RequestFinder)


class FactCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.facts = PageFacts()
        self._in_title = False
        self._title: list[str] = []
        self._script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        facts = self.facts
        if "id" in a:
            facts.ids.add(a["id"])
        if tag == "a" and "name" in a:
            facts.ids.add(a["name"])
        if tag == "html":
            facts.lang = a.get("lang")
        elif tag == "title":
            self._in_title = True
        elif tag == "meta":
            name = a.get("name", "").lower()
            if name == "description":
                facts.description = a.get("content", "")
            elif name == "robots":
                facts.robots = a.get("content", "")
        elif tag == "link":
            rel = a.get("rel", "").lower().split()
            if "canonical" in rel:
                facts.canonical = a.get("href")
            elif "alternate" in rel and a.get("hreflang"):
                facts.alternates[a["hreflang"]] = a.get("href", "")
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._script = []
        elif tag == "img" and "alt" not in a and a.get("role") != "presentation":
            facts.images_without_alt.append(a.get("src", "?"))
        if tag == "link":
            # hreflang alternates and the canonical are checked on their own;
            # stylesheets, icons and feed links must simply exist.
            if "href" in a and "canonical" not in a.get("rel", "") and not a.get("hreflang"):
                facts.links.append(a["href"])
        else:
            facts.links += [a[attr] for attr in ("href", "src") if a.get(attr)]
            # Each candidate of a srcset ("url 800w, url 1200w") is a file that must exist.
            facts.links += [c.split()[0] for c in a.get("srcset", "").split(",") if c.strip()]
        facts.requests.start(tag, a)

    def handle_endtag(self, tag: str) -> None:
        self.facts.requests.end(tag)
        if tag == "title":
            self._in_title = False
            self.facts.title = "".join(self._title).strip()
        elif tag == "script" and self._script is not None:
            self.facts.jsonld.append("".join(self._script))
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title.append(data)
        if self._script is not None:
            self._script.append(data)
        self.facts.requests.text(data)


def page_facts(path: Path) -> PageFacts:
    collector = FactCollector()
    collector.feed(path.read_text(encoding="utf-8", errors="replace"))
    collector.close()
    return collector.facts


def url_of(out: Path, path: Path) -> str:
    rel = path.relative_to(out).as_posix()
    return "/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)


def file_for(out: Path, url_path: str) -> Path:
    candidate = out / unquote(url_path).lstrip("/")
    if url_path.endswith("/") or candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate


def audit(out: Path, base_url: str, languages: list[str]) -> Report:
    report = Report()
    base_url = base_url.rstrip("/")
    pages = {url_of(out, p): page_facts(p) for p in sorted(out.rglob("*.html"))}
    report.pages = len(pages)
    home = pages.get("/")
    if home and home.canonical and not home.canonical.startswith(base_url + "/"):
        # Every link would look broken: one error that says why beats a hundred.
        built_for = "{0.scheme}://{0.netloc}".format(urlsplit(home.canonical))
        report.add(ERROR, "/", f"the site was built for {built_for}, not {base_url}: audit it with "
                               f"'sitegen check --base-url {built_for}' (or the same SITEGEN_BASE_URL as the build)")
        return report
    redirects = {u for u, f in pages.items() if f.robots and "noindex" in f.robots}
    check_links(report, out, base_url, pages)
    check_heads(report, base_url, pages, redirects)
    check_hreflang(report, base_url, pages, redirects)
    check_jsonld(report, pages)
    report.translations = translation_report(base_url, pages, redirects, languages)
    for feed in sorted(out.rglob("*.xml")):
        if feed.name != "sitemap.xml":
            report.feeds += 1
            check_feed(report, out, feed, base_url)
    check_sitemap(report, out, base_url)
    finders = {url: facts.requests for url, facts in pages.items()}
    report.third_parties = third_parties(out, base_url, finders)
    report.outgoing = outgoing_links(base_url, finders)
    return report


def internal_path(base_url: str, page_url: str, link: str) -> tuple[str, str] | None:
    """(path, fragment) of a link inside the site, or None for an external one."""
    if link.startswith(("mailto:", "tel:", "data:", "javascript:")):
        return None
    absolute = urljoin(base_url + page_url, link)
    if not (absolute == base_url or absolute.startswith(base_url + "/")):
        return None
    parts = urlsplit(absolute)
    return parts.path or "/", parts.fragment


def check_links(report: Report, out: Path, base_url: str, pages: dict[str, PageFacts]) -> None:
    for url, facts in pages.items():
        for link in dict.fromkeys(facts.links):
            target = internal_path(base_url, url, link)
            if target is None:
                continue
            path, fragment = target
            target_file = file_for(out, path)
            if not target_file.is_file():
                report.add(ERROR, url, f"broken link to {link}")
                continue
            if fragment and target_file.suffix == ".html":
                target_facts = pages.get(url_of(out, target_file))
                if target_facts is not None and unquote(fragment) not in target_facts.ids:
                    report.add(ERROR, url, f"link to {link}: no element with id '{fragment}' there")
        for src in facts.images_without_alt:
            report.add(WARNING, url, f"image {src} has no alt attribute (use alt=\"\" for decoration)")


def check_heads(report: Report, base_url: str, pages: dict[str, PageFacts], redirects: set[str]) -> None:
    titles: dict[tuple[str | None, str], list[str]] = defaultdict(list)
    descriptions: dict[tuple[str | None, str], list[str]] = defaultdict(list)
    for url, facts in pages.items():
        if url in redirects:
            continue
        if not facts.lang:
            report.add(ERROR, url, "no lang attribute on <html>")
        if not facts.title:
            report.add(ERROR, url, "no <title>")
        else:
            titles[(facts.lang, facts.title)].append(url)
        if not facts.description:
            report.add(WARNING, url, "no meta description")
        else:
            descriptions[(facts.lang, facts.description)].append(url)
        if url.endswith("404.html"):
            continue
        if not facts.canonical:
            report.add(WARNING, url, "no canonical link")
        elif facts.canonical != base_url + url:
            report.add(ERROR, url, f"canonical is {facts.canonical}, expected {base_url + url}")
    for (lang, title), urls in titles.items():
        if len(urls) > 1:
            report.add(WARNING, urls[0], f"title '{title}' also used by {', '.join(urls[1:])}")
    for (lang, description), urls in descriptions.items():
        if len(urls) > 1:
            report.add(WARNING, urls[0], f"description also used by {', '.join(urls[1:])}")


def check_hreflang(report: Report, base_url: str, pages: dict[str, PageFacts], redirects: set[str]) -> None:
    for url, facts in pages.items():
        if url in redirects or url.endswith("404.html") or not facts.alternates:
            continue
        me = base_url + url
        languages = {k: v for k, v in facts.alternates.items() if k != "x-default"}
        if me not in languages.values():
            report.add(ERROR, url, "hreflang alternates do not include the page itself")
        if "x-default" not in facts.alternates:
            report.add(WARNING, url, "no hreflang x-default")
        for lang, href in languages.items():
            if href == me:
                continue
            other = pages.get(href[len(base_url):]) if href.startswith(base_url + "/") else None
            if other is None:
                report.add(ERROR, url, f"hreflang {lang} points to {href}, which is not a page of this site")
            # x-default names the default-language page too, but it is no link back.
            elif me not in (back for code, back in other.alternates.items() if code != "x-default"):
                report.add(ERROR, url, f"hreflang {lang} → {href} is not reciprocal: that page does not "
                                       f"link back")


def jsonld_nodes(data: object) -> list[dict]:
    if isinstance(data, list):
        return [n for item in data for n in jsonld_nodes(item)]
    if isinstance(data, dict):
        if "@graph" in data:
            return jsonld_nodes(data["@graph"])
        return [data]
    return []


def check_jsonld(report: Report, pages: dict[str, PageFacts]) -> None:
    for url, facts in pages.items():
        for text in facts.jsonld:
            try:
                nodes = jsonld_nodes(json.loads(text))
            except json.JSONDecodeError as exc:
                report.add(ERROR, url, f"JSON-LD does not parse: {exc}")
                continue
            for node in nodes:
                kinds = node.get("@type", [])
                for kind in [kinds] if isinstance(kinds, str) else kinds:
                    missing = [k for k in REQUIRED_JSONLD.get(kind, ()) if not node.get(k)]
                    # A bare {"@id": …} reference to a node described elsewhere is complete.
                    if missing and set(node) - {"@id", "@type"}:
                        report.add(ERROR, url, f"JSON-LD {kind} lacks {', '.join(missing)}")


def translation_report(base_url: str, pages: dict[str, PageFacts], redirects: set[str],
                       languages: list[str]) -> dict[str, dict[str, list[str]]]:
    """Content that exists in some languages only, per section (posts, talks, …)."""
    result: dict[str, dict[str, list[str]]] = defaultdict(lambda: {lang: [] for lang in languages})
    prefixes = {f"/{lang}/" for lang in languages[1:]}
    for url, facts in pages.items():
        if url in redirects or url.endswith("404.html"):
            continue
        parts = url.strip("/").split("/")
        if f"/{parts[0]}/" in prefixes:
            parts = parts[1:]
        if len(parts) != 2 or parts[0] not in SERVICE_SECTIONS:
            section = "pages" if len(parts) == 1 and parts[0] and "." not in parts[0] else None
        else:
            section = SERVICE_SECTIONS[parts[0]]
        if section is None:
            continue
        present = {lang for lang in facts.alternates if lang != "x-default"} or {facts.lang}
        for lang in languages:
            if lang not in present:
                result[section][lang].append(url)
    return {k: v for k, v in result.items()}


def check_feed(report: Report, out: Path, path: Path, base_url: str) -> None:
    where = url_of(out, path)
    try:
        channel = ET.parse(path).getroot().find("channel")
    except ET.ParseError as exc:
        report.add(ERROR, where, f"feed is not well-formed XML: {exc}")
        return
    if channel is None:
        report.add(ERROR, where, "not an RSS 2.0 feed (no <channel>)")
        return
    for required in ("title", "link", "description", "language"):
        if not (channel.findtext(required) or "").strip():
            report.add(ERROR, where, f"channel has no <{required}>")
    selfs = [l for l in channel.iter(f"{ATOM}link") if l.get("rel") == "self"]
    if not selfs:
        report.add(WARNING, where, "no atom:link rel=\"self\"")
    elif selfs[0].get("href") != base_url + where:
        report.add(ERROR, where, f"atom:link self is {selfs[0].get('href')}, expected {base_url + where}")
    guids: set[str] = set()
    for item in channel.iter("item"):
        guid = (item.findtext("guid") or "").strip()
        title = item.findtext("title") or guid
        if not guid:
            report.add(ERROR, where, f"item '{title}' has no guid")
        elif guid in guids:
            report.add(ERROR, where, f"guid {guid} used twice")
        guids.add(guid)
        date = item.findtext("pubDate")
        try:
            parsedate_to_datetime(date or "")
        except (TypeError, ValueError):
            report.add(ERROR, where, f"item '{title}' pubDate {date!r} is not an RFC 822 date")
        link = item.findtext("link") or ""
        if not link.startswith(("http://", "https://")):
            report.add(ERROR, where, f"item '{title}' link {link!r} is not absolute")


def check_sitemap(report: Report, out: Path, base_url: str) -> None:
    path = out / "sitemap.xml"
    if not path.is_file():
        report.add(WARNING, "/sitemap.xml", "no sitemap")
        return
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        report.add(ERROR, "/sitemap.xml", f"not well-formed XML: {exc}")
        return
    for loc in root.iter(f"{ns}loc"):
        url = loc.text or ""
        if not url.startswith(base_url + "/") or not file_for(out, url[len(base_url):]).is_file():
            report.add(ERROR, "/sitemap.xml", f"{url} is not a page of this site")
