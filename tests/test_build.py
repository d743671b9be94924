"""What `sitegen build` publishes, checked on the parsed pages of the tiny
bilingual fixture site (tests/fixtures/mini)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from conftest import run_sitegen
from sitecheck import head_info, parse_html
from treediff import differing_files, files


def page(out: Path, url: str):
    path = out / url.lstrip("/")
    if url.endswith("/"):
        path = path / "index.html"
    return parse_html(path)


def text_of(root) -> str:
    return " ".join("".join(root.itertext()).split())


def hrefs(root) -> set[str]:
    return {a.get("href") for a in root.iter("a") if a.get("href")}


def test_build_prints_a_summary_line(mini_site: Path):
    result = run_sitegen("build", cwd=mini_site)
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"built \d+ pages \(\d+ files\) in \d+\.\d s into public\n", result.stdout), result.stdout
    # Not a terminal (a CI log): plain lines, no progress bar.
    assert "\r" not in result.stdout + result.stderr and result.stderr == ""
    assert len(result.stdout.splitlines()) == 1


def test_a_terminal_gets_a_progress_bar_on_long_builds(tmp_path: Path):
    import pty
    import subprocess
    import sys

    sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
    from corpus import generate

    site = generate(tmp_path / "big", 60)
    primary, secondary = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "sitegen", "build", "--no-cache"], cwd=site,
                               stdin=secondary, stdout=secondary, stderr=secondary,
                               # No delay: the bar shows however fast this machine builds.
                               env={**os.environ, "SITEGEN_JOBS": "1", "SITEGEN_PROGRESS_DELAY": "0"})
    os.close(secondary)
    output = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    assert process.wait(timeout=300) == 0
    text = output.decode(errors="replace")
    assert "rendering pages [" in text and "\r" in text
    assert "built " in text


def test_drafts_and_scheduled_posts_are_left_out_unless_asked(mini_site: Path):
    assert run_sitegen("build", cwd=mini_site).returncode == 0
    out = mini_site / "public"
    assert not (out / "posts/draft/index.html").exists()
    assert not (out / "posts/future/index.html").exists()
    assert "A draft" not in (out / "feed.xml").read_text()
    assert run_sitegen("build", "--drafts", "--future", cwd=mini_site).returncode == 0
    assert (out / "posts/draft/index.html").exists()
    assert (out / "posts/future/index.html").exists()


def switcher_links(root) -> dict[str, str]:
    """hreflang → href of the language switcher (not of foreign posts listed in the page)."""
    navs = [n for n in root.iter("nav") if "lang-switcher" in (n.get("class") or "")]
    assert navs, "no language switcher"
    return {a.get("hreflang"): a.get("href") for a in navs[0].iter("a") if a.get("hreflang")}


def test_translations_are_linked_and_the_switcher_falls_back_to_home(built_mini: Path):
    hello = head_info(page(built_mini, "/posts/hello/"))
    assert hello["hreflang"]["fr"] == "https://ada.example/fr/posts/hello/"
    switch = switcher_links(page(built_mini, "/posts/hello/"))
    assert switch.get("fr") == "/fr/posts/hello/"
    second = page(built_mini, "/posts/second/")
    assert "fr" not in head_info(second)["hreflang"]
    switch = switcher_links(second)
    assert switch.get("fr") == "/fr/"


def test_abstracts_reach_readers_of_the_other_language_marked_with_the_post_language(built_mini: Path):
    fr_blog = text_of(page(built_mini, "/fr/posts/"))
    assert "Second part" in fr_blog
    assert "La deuxième partie, en anglais." in fr_blog
    assert "[en]" in fr_blog
    en_archive = text_of(page(built_mini, "/archive/"))
    assert "Seulement en français" in en_archive and "[fr]" in en_archive
    # a post with a translation is not shown twice to French readers
    assert text_of(page(built_mini, "/fr/archive/")).count("Hello tests") == 0


def test_tags_are_transliterated_and_have_pages_and_feeds(built_mini: Path):
    assert (built_mini / "tags/ecoles/index.html").is_file()
    assert (built_mini / "fr/tags/ecoles/feed.xml").is_file()
    assert "Hello tests" in text_of(page(built_mini, "/tags/ecoles/"))
    assert "/tags/ecoles/" in hrefs(page(built_mini, "/posts/hello/"))


def series_nav(out: Path, url: str) -> dict[str, str]:
    """rel → href of the series box's previous/next links (not of links in the body or lists)."""
    boxes = [a for a in page(out, url).iter("aside") if "series-box" in (a.get("class") or "")]
    assert len(boxes) == 1, f"{url}: {len(boxes)} series boxes"
    return {a.get("rel"): a.get("href") for a in boxes[0].iter("a") if a.get("rel")}


def add_post(site: Path, name: str, front: str, body: str = "Text.") -> None:
    (site / "content/posts" / name).write_text(f"---\n{front}\n---\n{body}\n", encoding="utf-8")


def test_series_navigation_links_previous_and_next_in_order_in_both_languages(mini_site: Path):
    # The fixture's series has hello (en, fr) and second (en); a third part in
    # both languages gives each language a first, a middle and a last part.
    add_post(mini_site, "second.fr.md", "title: Deuxième partie\ndate: 2026-02-10\nseries: Test series")
    add_post(mini_site, "third.md", "title: Third part\ndate: 2026-03-20\nseries: Test series")
    add_post(mini_site, "third.fr.md", "title: Troisième partie\ndate: 2026-03-20\nseries: Test series")
    result = run_sitegen("build", cwd=mini_site)
    assert result.returncode == 0, result.stderr
    out = mini_site / "public"
    for prefix in ("", "/fr"):
        first, middle, last = (f"{prefix}/posts/{slug}/" for slug in ("hello", "second", "third"))
        assert series_nav(out, first) == {"next": middle}, prefix
        assert series_nav(out, middle) == {"prev": first, "next": last}, prefix
        assert series_nav(out, last) == {"prev": middle}, prefix
        listing = [a.get("href") for a in page(out, f"{prefix}/series/test-series/").iter("a")
                   if a.get("href") in (first, middle, last)]
        assert listing == [first, middle, last], prefix
    assert "Partie 2 sur 3" in text_of(page(out, "/fr/posts/second/"))
    assert "Part 3 of 3" in text_of(page(out, "/posts/third/"))


def similar_posts(out: Path, url: str) -> list[str]:
    sections = [s for s in page(out, url).iter("section") if "similar" in (s.get("class") or "").split()]
    assert len(sections) == 1, url
    return [a.get("href") for a in sections[0].iter("a") if "/posts/" in (a.get("href") or "")]


def test_similar_posts_share_tags(built_mini: Path):
    # bundle shares "testing" with second and hello, the most recent first.
    assert similar_posts(built_mini, "/posts/bundle/") == ["/posts/second/", "/posts/hello/"]
    # hello shares one tag with each: "testing" with bundle and second, "écoles" with a
    # French-only post shown by its abstract; newest first.
    assert similar_posts(built_mini, "/posts/hello/") == ["/posts/bundle/", "/fr/posts/seulement/", "/posts/second/"]


def test_blog_index_is_paginated(built_mini: Path):
    first = page(built_mini, "/posts/")
    assert "/posts/page/2/" in hrefs(first)
    assert (built_mini / "posts/page/2/index.html").is_file()
    assert not (built_mini / "posts/page/3/index.html").exists()


def test_the_pager_shows_a_window_of_pages_whose_links_resolve(tmp_path: Path):
    import sys

    sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
    from corpus import generate

    site = generate(tmp_path / "many", 200)
    assert run_sitegen("build", cwd=site).returncode == 0
    output = site / "public"
    pages = sorted(int(p.parent.name) for p in output.glob("posts/page/*/index.html"))
    last = pages[-1]
    assert last >= 12
    middle = last // 2
    links = [href for href in hrefs(page(output, f"/posts/page/{middle}/")) if "/posts/" in href]
    numbers = {1 if href == "/posts/" else int(href.rstrip("/").rsplit("/", 1)[1])
               for href in links if href == "/posts/" or "/posts/page/" in href}
    # First, last, and two on each side of the current page: not all of them.
    assert numbers == {1, middle - 2, middle - 1, middle, middle + 1, middle + 2, last}
    for number in numbers:
        assert (output / ("posts/index.html" if number == 1 else f"posts/page/{number}/index.html")).is_file()
    html = (output / f"posts/page/{middle}/index.html").read_text(encoding="utf-8")
    assert html.count('class="gap"') == 2


def test_availability_notices_show_until_they_expire(built_mini: Path):
    home = text_of(page(built_mini, "/"))
    assert "No new engagements before mid-March." in home
    assert "Old closure." not in home
    assert "Pas de nouvel engagement avant mi-mars." in text_of(page(built_mini, "/fr/"))


def test_sessions_split_into_past_and_upcoming_with_event_data(built_mini: Path):
    talk = page(built_mini, "/talks/test-talk/")
    body = text_of(talk)
    assert "TestConf" in body and "FutureConf" in body
    graph = head_info(talk)["jsonld"][0]["@graph"]
    events = [n for n in graph if n["@type"] == "Event"]
    assert [e["startDate"] for e in events] == ["2099-02-10T14:00:00+01:00"]
    assert events[0]["location"]["@type"] == "VirtualLocation"
    workshop = head_info(page(built_mini, "/workshops/test-workshop/"))["jsonld"][0]["@graph"]
    course = next(n for n in workshop if n["@type"] == "Course")
    assert course["hasCourseInstance"][0]["location"]["address"]["addressLocality"] == "Nantes"


def test_expertise_lists_its_posts_talks_and_workshops(built_mini: Path):
    links = hrefs(page(built_mini, "/expertise/testing/"))
    assert {"/talks/test-talk/", "/workshops/test-workshop/", "/posts/hello/"} <= links


def test_aliases_redirect_to_the_new_url(built_mini: Path):
    old = (built_mini / "2019/01/hello.html").read_text()
    assert 'http-equiv="refresh" content="0; url=https://ada.example/posts/hello/"' in old


def test_dates_are_formatted_for_the_reader_locale(built_mini: Path):
    assert "10 janvier 2026" in text_of(page(built_mini, "/fr/posts/hello/"))
    assert "10 January 2026" in text_of(page(built_mini, "/posts/hello/"))


def test_markdown_extensions_and_folder_post_images(built_mini: Path):
    html = (built_mini / "posts/hello/index.html").read_text()
    assert '<pre class="highlight"><code class="language-python">' in html
    assert "<table>" in html and 'class="footnote-ref"' in html and 'id="a-section"' in html
    assert (built_mini / "posts/bundle/diagram.png").is_file()
    og = head_info(page(built_mini, "/posts/bundle/"))["metas"]
    assert og["og:image"] == "https://ada.example/posts/bundle/diagram.png"


def test_theme_assets_and_static_files_are_copied(built_mini: Path):
    assert (built_mini / "theme/style.css").is_file()
    assert (built_mini / "img/ada.png").is_file()
    assert (built_mini / "404.html").is_file() and (built_mini / "fr/404.html").is_file()


def test_output_is_byte_identical_across_clean_builds(mini_site: Path, tmp_path: Path):
    """Two builds from nothing into two folders: a second build into the same
    folder would find nothing changed and compare the folder with itself."""
    for name in ("one", "two"):
        result = run_sitegen("build", "--no-cache", "--output", str(tmp_path / name), cwd=mini_site)
        assert result.returncode == 0, result.stderr
    assert {"index.html", "fr/index.html", "feed.xml", "sitemap.xml", "posts/hello/index.html"} <= files(tmp_path / "one")
    assert differing_files(tmp_path / "one", tmp_path / "two") == []


def test_base_url_can_be_overridden(mini_site: Path):
    assert run_sitegen("build", "--base-url", "https://preview.example", cwd=mini_site).returncode == 0
    assert head_info(page(mini_site / "public", "/"))["canonical"] == "https://preview.example/"
    assert run_sitegen("build", cwd=mini_site, env={"SITEGEN_BASE_URL": "https://env.example"}).returncode == 0
    assert head_info(page(mini_site / "public", "/"))["canonical"] == "https://env.example/"


def test_strict_fails_on_warnings(mini_site: Path):
    (mini_site / "content/expertise/testing.yml").write_text(
        "title: {en: Only English}\nsummary: {en: x, fr: y}\ntags: [testing]\n", encoding="utf-8")
    relaxed = run_sitegen("build", cwd=mini_site)
    assert relaxed.returncode == 0
    assert "content/expertise/testing.yml:1: title has no 'fr' text" in relaxed.stderr
    assert relaxed.stderr.count("title has no 'fr' text") == 1, relaxed.stderr
    strict = run_sitegen("build", "--strict", cwd=mini_site)
    assert strict.returncode == 1
    assert "--strict" in strict.stderr


def test_new_writes_skeletons_that_build(mini_site: Path):
    result = run_sitegen("new", "post", "Mon premier billet", "--lang", "fr", cwd=mini_site)
    assert result.returncode == 0, result.stderr
    post = mini_site / "content/posts/2026-11-18-mon-premier-billet.fr.md"
    assert "title: \"Mon premier billet\"" in post.read_text()
    for kind in ("talk", "workshop", "expertise"):
        assert run_sitegen("new", kind, f"New {kind}", cwd=mini_site).returncode == 0
    assert run_sitegen("new", "post", "Mon premier billet", "--lang", "fr", cwd=mini_site).returncode == 2
    result = run_sitegen("build", "--drafts", cwd=mini_site)
    assert result.returncode == 0, result.stderr
    assert (mini_site / "public/fr/posts/mon-premier-billet/index.html").is_file()
    assert (mini_site / "public/talks/new-talk/index.html").is_file()


ATOM = "{http://www.w3.org/2005/Atom}"


def test_every_feed_names_itself_its_page_and_its_language(built_mini: Path):
    """RSS readers and validators need atom:link rel="self" with the feed's own
    absolute address; feedparser accepts a feed without it, so look directly."""
    import xml.etree.ElementTree as ET

    feeds = {"feed.xml": ("/", "en-GB"), "fr/feed.xml": ("/fr/", "fr-FR"),
             "tags/ecoles/feed.xml": ("/tags/ecoles/", "en-GB"), "fr/tags/ecoles/feed.xml": ("/fr/tags/ecoles/", "fr-FR")}
    for feed, (page_url, lang) in feeds.items():
        channel = ET.parse(built_mini / feed).getroot().find("channel")
        selves = [(link.get("href"), link.get("type")) for link in channel.iter(f"{ATOM}link") if link.get("rel") == "self"]
        assert selves == [(f"https://ada.example/{feed}", "application/rss+xml")], feed
        assert channel.findtext("link") == f"https://ada.example{page_url}", feed
        assert channel.findtext("language") == lang, feed


def test_the_workers_take_list_pages_and_feeds_among_the_post_pages_not_last():
    """A tag page, the archive, a feed or the sitemap costs up to 300 post
    pages: the build hands them out in two parts among the post pages, and
    the last third of the jobs are post pages that two workers share evenly."""
    from sitegen.build.builder import Batch, Job, render_order
    from sitegen.pages.spec import PageSpec

    kinds = ["home", "blog", "archive", "tag", *["post"] * 90, "tag", "archive", *["post"] * 60, "page"]
    batch = Batch(pages=[PageSpec(f"/{n}/", kind, "en", f"{kind}.html", "x") for n, kind in enumerate(kinds)])
    batch.jobs = [Job(f"{n}/index.html", bytes) for n in range(len(kinds))]
    batch.jobs += [Job("feed.xml", bytes), Job("sitemap.xml", bytes)]
    order = render_order(batch)
    assert sorted(order) == list(range(len(batch.jobs)))
    heavy = {n for n, kind in enumerate(kinds) if kind != "post"} | {len(kinds), len(kinds) + 1}
    runs = "".join("h" if n in heavy else "p" for n in order)
    assert re.fullmatch(r"p{50}h+p{50}h+p{50}", runs), runs


def _collecting(_item: int) -> tuple[bool, int]:
    import gc
    return gc.isenabled(), os.getpid()


def test_build_workers_collect_garbage_even_when_the_build_process_does_not(monkeypatch):
    """A one-off build runs without the garbage collector in its own process
    (no holes among the memory pages its workers share); rendering leaves
    cycles behind, so the forked workers must collect their own."""
    import gc
    from sitegen.parallel import ordered_map
    monkeypatch.setenv("SITEGEN_JOBS", "2")
    gc.disable()
    try:
        results = ordered_map(_collecting, range(200), renew_workers=True)
    finally:
        gc.enable()
    assert len({pid for _, pid in results} - {os.getpid()}) >= 1, "no worker was forked"
    assert all(enabled for enabled, _ in results)
