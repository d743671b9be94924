"""The built site checked as browsers, search engines and feed readers see it,
on the tiny fixture and on the repository's own example site."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest

from sitecheck import broken_links, head_info, html_files, parse_html, page_url, sitemap_urls, target_file

SITES = {"mini": ("built_mini", "https://ada.example"), "example": ("built_example", None)}


@pytest.fixture(params=sorted(SITES))
def built(request: pytest.FixtureRequest) -> tuple[Path, str]:
    fixture, base = SITES[request.param]
    out = request.getfixturevalue(fixture)
    if base is None:
        import yaml
        base = yaml.safe_load((Path(__file__).parent.parent / "site.yml").read_text())["base_url"].rstrip("/")
    return out, base


def content_pages(out: Path) -> list[Path]:
    """HTML pages meant for readers (not alias redirects)."""
    return [p for p in html_files(out) if b'http-equiv="refresh"' not in p.read_bytes()]


def test_every_page_parses_as_html5_with_lang_title_and_description(built):
    out, _ = built
    for path in html_files(out):
        root = parse_html(path)
        info = head_info(root)
        assert info["lang"], path
        assert info["title"] and info["title"].strip(), path
    for path in content_pages(out):
        info = head_info(parse_html(path))
        assert info["metas"].get("description"), f"{path}: no meta description"
        assert len(info["metas"]["description"]) <= 160, path


def test_titles_and_descriptions_are_unique_per_language(built):
    out, _ = built
    titles: Counter = Counter()
    descriptions: Counter = Counter()
    for path in content_pages(out):
        info = head_info(parse_html(path))
        titles[(info["lang"], info["title"])] += 1
        descriptions[(info["lang"], info["metas"]["description"])] += 1
    assert [t for t, n in titles.items() if n > 1] == []
    assert [d for d, n in descriptions.items() if n > 1] == []


def test_canonical_is_absolute_self_and_hreflang_is_reciprocal(built):
    out, base = built
    heads = {}
    for path in content_pages(out):
        if path.name == "404.html":
            continue
        info = head_info(parse_html(path))
        url = base + page_url(out, path)
        assert info["canonical"] == url, path
        assert info["hreflang"].get(info["lang"]) == url, f"{path}: hreflang lacks the page itself"
        assert "x-default" in info["hreflang"], path
        heads[url] = info
    for url, info in heads.items():
        for lang, other in info["hreflang"].items():
            if lang == "x-default":
                continue
            assert other in heads, f"{url} → {other} does not exist"
            assert heads[other]["hreflang"].get(info["lang"]) == url, f"{other} does not link back to {url}"


def test_social_tags_and_json_ld_on_every_page(built):
    out, base = built
    for path in content_pages(out):
        if path.name == "404.html":
            continue
        info = head_info(parse_html(path))
        for key in ("og:title", "og:description", "og:url", "og:type", "og:locale", "twitter:card", "twitter:title"):
            assert info["metas"].get(key), f"{path}: no {key}"
        assert info["jsonld"], f"{path}: no JSON-LD"
        graph = info["jsonld"][0]["@graph"]
        assert any(node.get("@id") == base + "/#person" for node in graph), path


def test_home_pages_carry_profile_page_and_person(built):
    out, base = built
    for home in [out / "index.html", out / "fr" / "index.html"]:
        graph = head_info(parse_html(home))["jsonld"][0]["@graph"]
        profile = next(n for n in graph if n["@type"] == "ProfilePage")
        assert profile["mainEntity"] == {"@id": base + "/#person"}
        person = next(n for n in graph if n["@type"] == "Person")
        assert person["name"] and person["sameAs"]


def test_posts_carry_blog_posting_by_the_person(built):
    out, base = built
    posts = [p for p in content_pages(out) if "/posts/" in page_url(out, p) and "/page/" not in page_url(out, p)
             and page_url(out, p).rstrip("/").split("/")[-1] != "posts"]
    assert posts
    for path in posts:
        graph = head_info(parse_html(path))["jsonld"][0]["@graph"]
        article = next(n for n in graph if n["@type"] == "BlogPosting")
        assert article["author"] == {"@id": base + "/#person"}
        assert article["datePublished"] and article["headline"]


def test_every_internal_link_resolves(built):
    out, base = built
    assert broken_links(out, base) == []


@pytest.mark.parametrize("feed", ["feed.xml", "fr/feed.xml"])
def test_language_feeds_parse_without_bozo(built, feed):
    out, base = built
    parsed = feedparser.parse((out / feed).read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title and parsed.feed.link and parsed.feed.language
    # Feed readers and validators find the feed's own address here.
    assert [link.href for link in parsed.feed.links if link.rel == "self"] == [f"{base}/{feed}"]
    assert parsed.feed.link == base + ("/fr/" if feed.startswith("fr/") else "/")
    assert parsed.feed.language == ("fr-FR" if feed.startswith("fr/") else "en-GB")
    assert parsed.entries
    guids = [e.id for e in parsed.entries]
    assert len(guids) == len(set(guids))
    for entry in parsed.entries:
        assert entry.link.startswith(base + "/")
        assert entry.published_parsed
        assert target_file(out, urlsplit(entry.link).path).is_file()


def test_tag_feeds_parse_without_bozo(built):
    out, base = built
    feeds = sorted(out.glob("tags/*/feed.xml")) + sorted(out.glob("fr/tags/*/feed.xml"))
    assert feeds
    for feed in feeds:
        parsed = feedparser.parse(feed.read_bytes())
        assert not parsed.bozo, (feed, parsed.get("bozo_exception"))
        own = f"{base}/{feed.relative_to(out).as_posix()}"
        assert [link.href for link in parsed.feed.links if link.rel == "self"] == [own]


def test_sitemap_urls_all_resolve_and_robots_names_it(built):
    out, base = built
    urls = sitemap_urls(out)
    assert urls
    for url in urls:
        assert url.startswith(base + "/")
        assert target_file(out, urlsplit(url).path).is_file(), url
    assert f"Sitemap: {base}/sitemap.xml" in (out / "robots.txt").read_text()


def test_sitemap_alternates_are_the_same_as_each_pages_hreflang(built):
    """Search engines read hreflang from both places: they must agree, page by page."""
    import xml.etree.ElementTree as ET

    out, base = built
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    entries = ET.parse(out / "sitemap.xml").getroot().findall("s:url", ns)
    assert entries
    translated = 0
    for entry in entries:
        url = entry.findtext("s:loc", namespaces=ns)
        in_sitemap = {link.get("hreflang"): link.get("href") for link in entry.findall("x:link", ns)}
        in_head = head_info(parse_html(target_file(out, urlsplit(url).path)))["hreflang"]
        assert in_sitemap == in_head, url
        if len(in_head) > 2:  # itself, a translation and x-default
            translated += 1
            assert url in in_head.values() and "x-default" in in_head
    assert translated > 5
