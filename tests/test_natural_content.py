"""Natural content: what a person writes, and what sitegen makes of it.

Each table row is a small edit to the fixture site (tests/fixtures/mini),
built through the real CLI; the assertions read the built pages.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import run_sitegen
from sitecheck import head_info, parse_html

POSTS = "content/posts"
MAPPING = "series: {en: Test series, fr: Série de tests}"


def write(site: Path, rel: str, text: str) -> None:
    path = site / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def post(front: str, body: str = "Text.") -> str:
    return f"---\n{front}\n---\n{body}\n"


def replace_line(site: Path, rel: str, start: str, new: str) -> None:
    path = site / rel
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join(new if line.startswith(start) else line for line in lines), encoding="utf-8")


def page(out: Path, url: str):
    path = out / url.lstrip("/")
    return parse_html(path / "index.html" if url.endswith("/") else path)


def text_of(root) -> str:
    return " ".join("".join(root.itertext()).split())


def build(site: Path, *args: str) -> Path:
    result = run_sitegen("build", *args, cwd=site)
    assert result.returncode == 0, result.stderr
    return site / "public"


# ---------------------------------------------------------------- series

def series_box(out: Path, url: str) -> dict:
    """The series box of a post page: its position, the series link and name."""
    boxes = [a for a in page(out, url).iter("aside") if "series-box" in (a.get("class") or "")]
    assert len(boxes) == 1, f"{url}: {len(boxes)} series boxes"
    box = boxes[0]
    position = next(p for p in box.iter("p") if "series-position" in (p.get("class") or ""))
    index, total = map(int, re.findall(r"\d+", text_of(position)))
    link = next(a for a in box.iter("a") if not a.get("rel"))
    return {"text": text_of(position), "index": index, "total": total, "url": link.get("href"),
            "name": text_of(link)}


def series_listing(out: Path, url: str) -> list[str]:
    items = [li for li in page(out, url).iter("li") if "post-item" in (li.get("class") or "")]
    return [next(a.get("href") for a in li.iter("a")) for li in items]


def assert_positions_match_series_pages(out: Path, post_urls: list[str]) -> None:
    """"Part N of M" is the post's place on the series page, which lists M posts."""
    for url in post_urls:
        box = series_box(out, url)
        listed = series_listing(out, box["url"])
        assert box["total"] == len(listed), (url, box, listed)
        assert listed[box["index"] - 1] == url, (url, box, listed)


def with_mapping_everywhere(site: Path) -> None:
    for name in ("2026-01-10-hello.md", "2026-01-10-hello.fr.md", "second.md"):
        replace_line(site, f"{POSTS}/{name}", "series:", MAPPING)


def with_mapping_on_one_post(site: Path) -> None:
    replace_line(site, f"{POSTS}/second.md", "series:", MAPPING)


def with_a_draft_part(site: Path) -> None:
    write(site, f"{POSTS}/third.md", post("title: Third\ndate: 2026-03-20\nseries: Test series\ndraft: true"))


def with_a_scheduled_part(site: Path) -> None:
    write(site, f"{POSTS}/third.md", post("title: Third\ndate: 2099-03-20\nseries: Test series"))


def with_an_english_only_part(site: Path) -> None:
    write(site, f"{POSTS}/third.md", post("title: Third\ndate: 2026-03-20\nseries: Test series"))


def as_written(site: Path) -> None:
    """The fixture: hello (en, fr) and second (en, with a French abstract)."""


SERIES_CASES = [
    # (what the person wrote, expected: url → position text, series link, series name)
    ("a plain name, as the fixture has it", as_written,
     {"/posts/second/": ("Part 2 of 2", "/series/test-series/", "Test series"),
      # The French series page lists the English part shown for its abstract: it is counted.
      "/fr/posts/hello/": ("Partie 1 sur 2", "/fr/series/test-series/", "Test series")}),
    ("the name by language in every post", with_mapping_everywhere,
     {"/posts/second/": ("Part 2 of 2", "/series/test-series/", "Test series"),
      "/fr/posts/hello/": ("Partie 1 sur 2", "/fr/series/serie-de-tests/", "Série de tests")}),
    ("the name by language in one post, plain elsewhere", with_mapping_on_one_post,
     {"/posts/hello/": ("Part 1 of 2", "/series/test-series/", "Test series"),
      "/fr/posts/hello/": ("Partie 1 sur 2", "/fr/series/serie-de-tests/", "Série de tests")}),
    ("a draft part is not counted", with_a_draft_part,
     {"/posts/second/": ("Part 2 of 2", "/series/test-series/", "Test series")}),
    ("a scheduled part is not counted", with_a_scheduled_part,
     {"/posts/second/": ("Part 2 of 2", "/series/test-series/", "Test series")}),
    ("a part in English only counts in English, not in French", with_an_english_only_part,
     {"/posts/second/": ("Part 2 of 3", "/series/test-series/", "Test series"),
      "/fr/posts/hello/": ("Partie 1 sur 2", "/fr/series/test-series/", "Test series")}),
]


@pytest.mark.parametrize("label, edit, expected", SERIES_CASES, ids=[c[0] for c in SERIES_CASES])
def test_series_as_people_write_them(mini_site: Path, label, edit, expected):
    edit(mini_site)
    out = build(mini_site)
    for url, (position, series_url, name) in expected.items():
        box = series_box(out, url)
        assert (box["text"], box["url"], box["name"]) == (position, series_url, name), url
    assert_positions_match_series_pages(out, ["/posts/hello/", "/posts/second/", "/fr/posts/hello/"])
    # Every page's hreflang alternates are reciprocal and every link resolves.
    checked = run_sitegen("check", "--strict", cwd=mini_site)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_series_named_by_language_has_its_pages_as_translations(mini_site: Path):
    with_mapping_everywhere(mini_site)
    out = build(mini_site)
    english, french = "/series/test-series/", "/fr/series/serie-de-tests/"
    assert text_of(page(out, french).find(".//h1")) == "Série : Série de tests"
    for url in (english, french):
        assert head_info(page(out, url))["hreflang"] == {
            "en": "https://ada.example" + english, "fr": "https://ada.example" + french,
            "x-default": "https://ada.example" + english}
    assert not (out / "fr/series/test-series").exists()
    # The French reader's switch on the English series page goes to the French one.
    assert french in {a.get("href") for a in page(out, english).iter("a") if a.get("hreflang") == "fr"}


def test_the_previous_part_in_another_language_is_marked(mini_site: Path):
    write(mini_site, f"{POSTS}/third.fr.md", post("title: Troisième\ndate: 2026-03-20\nseries: Test series"))
    out = build(mini_site)
    box = next(a for a in page(out, "/fr/posts/third/").iter("aside") if "series-box" in (a.get("class") or ""))
    prev = next(a for a in box.iter("a") if a.get("rel") == "prev")
    assert (prev.get("href"), prev.get("lang")) == ("/posts/second/", "en")
    assert "[en]" in text_of(box) and series_box(out, "/fr/posts/third/")["text"] == "Partie 3 sur 3"


def test_two_series_sharing_a_name_in_one_language_is_an_error(mini_site: Path):
    with_mapping_everywhere(mini_site)
    write(mini_site, f"{POSTS}/other.md",
          post("title: Other\ndate: 2026-03-20\nseries: {en: Other series, fr: Série de tests}"))
    result = run_sitegen("build", cwd=mini_site)
    assert result.returncode == 1
    assert "content/posts/other.md:4: series: 'Série de tests' (fr) already names another series in " \
           "content/posts/2026-01-10-hello.fr.md" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


# ---------------------------------------------------------------- .markdown

MARKDOWN_CASES = [
    # (files the person wrote, pages that must exist, files that must not be published)
    ("a post ending in .markdown", {f"{POSTS}/third.markdown": post("title: Third\ndate: 2026-03-20")},
     ["/posts/third/"], []),
    ("its French translation, also .markdown",
     {f"{POSTS}/third.markdown": post("title: Third\ndate: 2026-03-20"),
      f"{POSTS}/third.fr.markdown": post("title: Troisième\ndate: 2026-03-20")},
     ["/posts/third/", "/fr/posts/third/"], []),
    ("a .md post translated in a .markdown file",
     {f"{POSTS}/third.md": post("title: Third\ndate: 2026-03-20"),
      f"{POSTS}/third.fr.markdown": post("title: Troisième\ndate: 2026-03-20")},
     ["/posts/third/", "/fr/posts/third/"], []),
    ("a folder post index.markdown",
     {f"{POSTS}/folder/index.markdown": post("title: Folder\ndate: 2026-03-20")},
     ["/posts/folder/"], ["posts/folder/index.markdown"]),
    ("a page ending in .markdown", {"content/pages/about.markdown": post("title: About")}, ["/about/"], []),
]


@pytest.mark.parametrize("label, files, pages, unpublished", MARKDOWN_CASES, ids=[c[0] for c in MARKDOWN_CASES])
def test_markdown_files_are_posts_and_pages(mini_site: Path, label, files, pages, unpublished):
    for rel, text in files.items():
        write(mini_site, rel, text)
    out = build(mini_site, "--strict")
    for url in pages:
        assert (out / url.lstrip("/") / "index.html").is_file(), url
    if len(pages) == 2:  # translations of each other
        assert set(head_info(page(out, pages[0]))["hreflang"]) == {"en", "fr", "x-default"}
    for rel in unpublished:
        assert not (out / rel).exists(), rel
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    assert all(u in feed for u in pages if u.startswith("/posts/")), feed
    checked = run_sitegen("check", "--strict", cwd=mini_site)
    assert checked.returncode == 0, checked.stdout + checked.stderr


COLLISION_CASES = [
    ("second.md and second.markdown", f"{POSTS}/second.md", f"{POSTS}/second.markdown"),
    ("a French post in both forms", f"{POSTS}/2026-01-10-hello.fr.md", f"{POSTS}/2026-01-10-hello.fr.markdown"),
    ("a folder post's index in both forms", f"{POSTS}/bundle/index.md", f"{POSTS}/bundle/index.markdown"),
    ("a page in both forms", "content/pages/contact.md", "content/pages/contact.markdown"),
    ("two drafts in both forms", f"{POSTS}/draft.md", f"{POSTS}/draft.markdown"),
]


@pytest.mark.parametrize("label, existing, twin", COLLISION_CASES, ids=[c[0] for c in COLLISION_CASES])
def test_the_same_file_in_md_and_markdown_is_an_error_naming_both(mini_site: Path, label, existing, twin):
    (mini_site / twin).write_text((mini_site / existing).read_text(encoding="utf-8"), encoding="utf-8")
    result = run_sitegen("build", cwd=mini_site)
    assert result.returncode == 1
    assert f"{twin}:1: {existing} and {twin} are the same file under two names" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and not (mini_site / "public").exists()


def test_the_importer_does_not_write_x_md_beside_x_markdown(tmp_path: Path):
    from sitegen.importer.run import write_new

    twin = tmp_path / "content/posts/2019-05-01-old.markdown"
    twin.parent.mkdir(parents=True)
    twin.write_text("mine", encoding="utf-8")
    assert write_new(tmp_path / "content/posts/2019-05-01-old.md", "imported", dry_run=False) == "kept"
    assert sorted(p.name for p in twin.parent.iterdir()) == ["2019-05-01-old.markdown"]


# ---------------------------------------------------------------- missing images

def pics_post(front: str = "", body: str = "Intro.") -> str:
    """A post whose line 4 is `front` (when given) and whose body starts on line 5 or 6."""
    return f"---\ntitle: Pics\ndate: 2026-03-20\n{front + chr(10) if front else ''}---\n{body}\n"


def prepend(site: Path, rel: str, line: str) -> None:
    path = site / rel
    path.write_text(line + "\n" + path.read_text(encoding="utf-8"), encoding="utf-8")


def edit_profile_photo(site: Path) -> None:
    replace_line(site, "content/profile.yml", "photo:", "photo: /img/none.png")


IMAGE_ERRORS = [
    # (what the person wrote, what sitegen says: the build fails)
    ("a profile photo that is not there", edit_profile_photo,
     "content/profile.yml:2: photo: /img/none.png does not exist, so the page would show a broken image"),
    ("a post's social image that is not there",
     lambda site: write(site, f"{POSTS}/pics.md", pics_post("image: /img/card.png")),
     "content/posts/pics.md:4: image: /img/card.png does not exist"),
    ("a folder post's image, relative, not beside it",
     lambda site: replace_line(site, f"{POSTS}/bundle/index.md", "image:", "image: diagramme.png"),
     "content/posts/bundle/index.md:5: image: diagramme.png (/posts/bundle/diagramme.png) does not exist"),
    ("a talk's image that is not there",
     lambda site: prepend(site, "content/talks/test-talk.yml", "image: /img/talk.png"),
     "content/talks/test-talk.yml:1: image: /img/talk.png does not exist"),
]


@pytest.mark.parametrize("label, edit, message", IMAGE_ERRORS, ids=[c[0] for c in IMAGE_ERRORS])
def test_a_missing_front_matter_image_is_an_error(mini_site: Path, label, edit, message):
    build(mini_site)  # a good build first: it must stay as it was
    before = (mini_site / "public/index.html").read_bytes()
    edit(mini_site)
    result = run_sitegen("build", cwd=mini_site)
    assert result.returncode == 1, result.stdout
    hints = [line for line in result.stderr.splitlines() if line.startswith("hint: ")]
    assert message in result.stderr and any("add the file to content/static/" in h for h in hints), result.stderr
    assert "Traceback" not in result.stderr
    assert (mini_site / "public/index.html").read_bytes() == before


IMAGE_WARNINGS = [
    # (what the person wrote in a body, the warning; [] when all is well)
    ("an absolute path to nothing", pics_post(body="Intro.\n\n![A chart](/img/chart.png)"),
     ["content/posts/pics.md:7: image /img/chart.png does not exist", "add the file to content/static/"]),
    ("content/static/ written in the path", pics_post(body="![Ada](/static/img/ada.png)"),
     ["content/posts/pics.md:5: image /static/img/ada.png does not exist",
      "files in content/static/ are published without 'static/': write /img/ada.png"]),
    ("a relative path in a post that is not a folder", pics_post(body="Intro.\n\n![A chart](chart.png)"),
     ["content/posts/pics.md:7: image chart.png (/posts/pics/chart.png) does not exist",
      "put the image beside the post in a folder post"]),
    ("an HTML img in the Markdown", pics_post(body='Intro.\n\n<img src="/img/raw.png" alt="Raw">'),
     ["content/posts/pics.md:7: image /img/raw.png does not exist"]),
    ("images that are there, and remote ones",
     pics_post("image: /img/ada.png", "![Ada](/img/ada.png) ![Far](https://cdn.example/far.png) "
               "![Near](//cdn.example/near.png)"), []),
    ("a draft is not published, so not checked",
     pics_post("draft: true", "![A chart](/img/chart.png)"), []),
]


@pytest.mark.parametrize("label, text, expected", IMAGE_WARNINGS, ids=[c[0] for c in IMAGE_WARNINGS])
def test_a_missing_body_image_is_a_warning_and_strict_fails(mini_site: Path, label, text, expected):
    write(mini_site, f"{POSTS}/pics.md", text)
    result = run_sitegen("build", cwd=mini_site)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "image" in line]
    if not expected:
        assert warnings == [], result.stderr
        return
    assert len(warnings) == 1 and all(part in warnings[0] for part in expected), result.stderr
    strict = run_sitegen("build", "--strict", cwd=mini_site)
    assert strict.returncode == 1 and expected[0] in strict.stderr, strict.stderr


def test_a_missing_image_in_a_service_body_is_named_at_its_body(mini_site: Path):
    replace_line(mini_site, "content/talks/test-talk.yml", "body:",
                 'body: {en: "See ![the slide](/img/slide.png)", fr: "Voir la diapo."}')
    result = run_sitegen("build", cwd=mini_site)
    assert result.returncode == 0, result.stderr
    assert "content/talks/test-talk.yml:3: image /img/slide.png does not exist" in result.stderr, result.stderr


def test_adding_the_missing_image_clears_the_warning(mini_site: Path):
    write(mini_site, f"{POSTS}/pics.md", pics_post(body="![A chart](/img/chart.png)"))
    assert "image /img/chart.png does not exist" in run_sitegen("build", cwd=mini_site).stderr
    # The post is unchanged (its record comes from the cache): the image alone decides.
    (mini_site / "content/static/img/chart.png").write_bytes((mini_site / "content/static/img/ada.png").read_bytes())
    result = run_sitegen("build", "--strict", cwd=mini_site)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert 'src="/img/chart.png"' in (mini_site / "public/posts/pics/index.html").read_text(encoding="utf-8")


def test_the_preview_picks_up_a_new_markdown_post_and_its_edits(mini_site: Path):
    from test_serve import Preview

    preview = Preview(mini_site)
    try:
        stream = preview.events()
        assert stream.next()[0] == "state"
        path = mini_site / f"{POSTS}/third.markdown"
        path.write_text(post("title: Third\ndate: 2026-03-20", "First draft."), encoding="utf-8")
        kind, built = stream.next()
        assert kind == "build" and "posts/third/index.html" in built["changed"], built
        path.write_text(post("title: Third\ndate: 2026-03-20", "Second draft."), encoding="utf-8")
        kind, built = stream.next()
        assert kind == "build" and b"Second draft." in preview.get("/posts/third/")[2]
        stream.close()
    finally:
        preview.stop()
