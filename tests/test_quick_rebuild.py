"""The preview's rebuild from the change (sitegen/build/quick.py).

Told which files changed, as the watcher tells it, the builder updates the
last site model in place for a body or template edit and renders only the
pages that read it; anything else goes through the full incremental build.
Either way the output is, byte for byte, a clean full build's: random
sequences of edits check that, with the changed files found by comparing
the site's files before and after each edit (what the watcher reports).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import TODAY_EPOCH
from test_incremental import OPERATIONS, assert_same_as_full_build, copy_of_mini_site, op_edit_body, posts
from test_serve import Preview
from sitegen.build.builder import Builder
from sitegen.errors import SitegenError

POST_TEMPLATE = Path(__file__).parent.parent / "themes/default/templates/post.html"


def snapshot(site: Path) -> dict[Path, str]:
    return {path.resolve(): hashlib.sha256(path.read_bytes()).hexdigest() for path in site.rglob("*")
            if path.is_file() and not {"public", ".sitegen-cache"} & set(path.relative_to(site).parts)}


def changed_files(before: dict[Path, str], after: dict[Path, str]) -> set[Path]:
    """What the watcher reports: files written, created or deleted."""
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


def op_edit_post_template(site: Path, n: int, data) -> None:
    """The site's own post.html, overriding the shipped one, edited again and again."""
    path = site / "themes/default/templates/post.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = POST_TEMPLATE.read_text(encoding="utf-8")
    path.write_text(text.replace('<div class="prose e-content">', f'<div class="prose e-content" data-v="{n}">'),
                    encoding="utf-8")


def op_edit_macros(site: Path, n: int, data) -> None:
    """The site's own _macros.html, imported by every page template, edited:
    the pages are rendered again with it, though their own templates did not change."""
    path = site / "themes/default/templates/_macros.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = (POST_TEMPLATE.parent / "_macros.html").read_text(encoding="utf-8")
    path.write_text(text.replace('<p class="cta">', f'<p class="cta" data-m="{n}">'), encoding="utf-8")


def op_rewrite_first_paragraph(site: Path, n: int, data) -> None:
    """A post's first paragraph is its summary when it names none: lists show it."""
    path = data.draw(st.sampled_from(posts(site)))
    head, _, body = path.read_text(encoding="utf-8").rpartition("---\n")
    path.write_text(f"{head}---\nA new opening {n}.\n\n{body}", encoding="utf-8")


def op_vanishing_temporary_file(site: Path, n: int, data) -> None:
    """An editor's temporary file, written and deleted within one burst."""
    path = site / "content/posts/4913"
    path.write_text("x", encoding="utf-8")
    path.unlink()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), steps=st.lists(st.sampled_from([*OPERATIONS, op_edit_body, op_edit_body, op_edit_post_template, op_edit_macros,
                                                        op_rewrite_first_paragraph, op_vanishing_temporary_file]), min_size=1, max_size=6))
def test_rebuilds_from_the_change_equal_full_builds(monkeypatch, data, steps):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", TODAY_EPOCH)
    with copy_of_mini_site() as site:
        builder = Builder(site, follow_changes=True)
        builder.build()
        before = snapshot(site)
        for n, step in enumerate(steps):
            step(site, n, data)
            after = snapshot(site)
            builder.build(changed=changed_files(before, after))
            before = after
            assert_same_as_full_build(site, site / "public")


@pytest.fixture
def followed(mini_site: Path, monkeypatch) -> tuple[Path, Builder]:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", TODAY_EPOCH)
    builder = Builder(mini_site, follow_changes=True)
    builder.build()
    return mini_site, builder


def test_a_body_edit_renders_its_page_and_tells_before_the_feeds(followed):
    site, builder = followed
    post = site / "content/posts/second.md"
    home = site / "public/index.html"
    home_inode = home.stat().st_ino
    post.write_text(post.read_text(encoding="utf-8") + "\nA paragraph added in the preview.\n", encoding="utf-8")
    told: list[tuple[list[str], bool]] = []
    last = builder.last
    result = builder.build(changed={post.resolve()}, pages_written=lambda *a: told.append(a))
    assert builder.last is last, "the full build ran instead of the update in place"
    assert result.rendered == 1
    assert told == [(["posts/second/index.html"], False)], "the page must be announced alone, before the feeds"
    assert "feed.xml" in result.changed  # the feed shows the post's text
    assert "A paragraph added in the preview." in (site / "public/posts/second/index.html").read_text(encoding="utf-8")
    assert home.stat().st_ino == home_inode, "a page that does not show the body was written"
    assert_same_as_full_build(site, site / "public")
    # The full build that follows keeps what the update wrote.
    assert builder.build().rendered == 0


def test_a_template_edit_renders_the_pages_using_it(followed):
    site, builder = followed
    op_edit_post_template(site, 0, None)
    builder.build()  # the site's own theme folder is new: a full build
    last = builder.last
    op_edit_post_template(site, 1, None)
    result = builder.build(changed={(site / "themes/default/templates/post.html").resolve()})
    assert builder.last is last
    post_pages = [p for p in (site / "public").rglob("index.html") if 'class="kind-post"' in p.read_text(encoding="utf-8")]
    assert result.rendered == len(post_pages) > 0
    assert all('data-v="1"' in p.read_text(encoding="utf-8") for p in post_pages)
    assert_same_as_full_build(site, site / "public")


def test_an_edited_template_alone_is_compiled_again(followed):
    """A template edit compiles the edited file again, not the whole theme
    (every edit would otherwise wait for all of it), yet every page using
    it, through an import, shows the edit."""
    site, builder = followed
    op_edit_macros(site, 0, None)
    builder.build()  # the site's own theme folder is new: a full build
    env = builder.last.rendering.renderer.env
    compiled = {name: env.get_template(name) for name in ("base.html", "post.html", "_macros.html")}
    op_edit_macros(site, 1, None)
    builder.build(changed={(site / "themes/default/templates/_macros.html").resolve()})
    assert env.get_template("_macros.html") is not compiled["_macros.html"]
    assert env.get_template("base.html") is compiled["base.html"]
    assert env.get_template("post.html") is compiled["post.html"]
    shown = (site / "public/index.html").read_text(encoding="utf-8")
    assert 'data-m="1"' in shown and 'data-m="0"' not in shown
    assert_same_as_full_build(site, site / "public")
    # The full build compiles again only what changed since, too.
    op_edit_macros(site, 2, None)
    builder.build()
    assert env.get_template("base.html") is compiled["base.html"]
    assert 'data-m="2"' in (site / "public/index.html").read_text(encoding="utf-8")


SECOND = "content/posts/second.md"


def edited(site: Path, old: str, new: str) -> Path:
    post = site / SECOND
    text = post.read_text(encoding="utf-8")
    assert old in text
    post.write_text(text.replace(old, new, 1), encoding="utf-8")
    return post


def longer(site: Path) -> Path:
    """Enough words to change the reading time lists show."""
    post = site / SECOND
    post.write_text(post.read_text(encoding="utf-8") + "\n" + "word " * 900 + "\n", encoding="utf-8")
    return post


def new_post(site: Path) -> Path:
    post = site / "content/posts/2026-02-02-new.md"
    post.write_text("---\ntitle: New\ndate: 2026-02-02\n---\nNew.\n", encoding="utf-8")
    return post


def deleted(site: Path) -> Path:
    post = site / SECOND
    post.unlink()
    return post


def settings_file(site: Path) -> Path:
    path = site / "site.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("Ada Test", "Ada Tested"), encoding="utf-8")
    return path


def strings(site: Path) -> Path:
    path = site / "themes/default/i18n/fr.yml"
    path.parent.mkdir(parents=True)
    path.write_text('skip_link: "Aller au texte"\n', encoding="utf-8")
    return path


# What lists show of a post, changed: its page and every page listing it are rendered in place.
IN_PLACE = {
    "title": (lambda site: edited(site, "title: Second part", "title: Part two"), "Part two"),
    "summary": (lambda site: edited(site, "summary: The second part of the series.", "summary: A new summary."),
                "A new summary."),
    "abstract": (lambda site: edited(site, "La deuxième partie, en anglais.", "Un autre résumé."), "Un autre résumé."),
    "reading time": (longer, None),
}


@pytest.mark.parametrize("name", IN_PLACE)
def test_what_lists_show_is_updated_in_place_on_every_page_listing_it(followed, name):
    site, builder = followed
    change, text = IN_PLACE[name]
    last = builder.last
    result = builder.build(changed={change(site).resolve()})
    assert builder.last is last, "the full build ran instead of the update in place"
    assert 1 < result.rendered < result.pages
    if text:
        showing = [p for p in (site / "public").rglob("*.html") if text in p.read_text(encoding="utf-8")]
        assert [p for p in showing if "second" not in p.as_posix()], f"no list shows {text!r}"
    assert_same_as_full_build(site, site / "public")


def test_a_new_title_reaches_its_page_first_then_the_lists(followed):
    site, builder = followed
    told: list[tuple[list[str], bool]] = []
    result = builder.build(changed={IN_PLACE["title"][0](site).resolve()}, pages_written=lambda *a: told.append(a))
    assert told == [(["posts/second/index.html"], True)], "its own page alone first, marked partial"
    assert "archive/index.html" in result.changed
    assert "Part two" in (site / "public/archive/index.html").read_text(encoding="utf-8")


def test_a_second_title_edit_reaches_the_lists_too(followed):
    """List items are rendered once per build and reused ({% cache %}): an
    update in place must not reuse those of the title before."""
    site, builder = followed
    for title in ("Part two", "Part 2"):
        post = site / SECOND
        text = post.read_text(encoding="utf-8")
        post.write_text(text.replace(text.split("title: ", 1)[1].split("\n", 1)[0], title, 1), encoding="utf-8")
        builder.build(changed={post.resolve()})
        for listing in ("archive/index.html", "expertise/testing/index.html", "fr/posts/index.html"):
            assert f">{title}</a>" in (site / "public" / listing).read_text(encoding="utf-8"), listing
    assert_same_as_full_build(site, site / "public")


# Changes that move a post in the site model, or change what every page shows.
ELSEWHERE = {
    "tags": lambda site: edited(site, "tags: [testing]", "tags: [ci]"),
    "date": lambda site: edited(site, "date: 2026-02-10T09:30:00+01:00", "date: 2026-01-01"),
    "series": lambda site: edited(site, "series: Test series", "series: Another series"),
    "abstract language": lambda site: edited(site, '{fr: "La deuxième partie, en anglais."}', "{}"),
    "new post": new_post,
    "deleted post": deleted,
    "settings": settings_file,
    "strings": strings,
}


@pytest.mark.parametrize("name", ELSEWHERE)
def test_other_changes_go_through_the_full_build(followed, name):
    site, builder = followed
    last = builder.last
    path = ELSEWHERE[name](site)
    builder.build(changed={path.resolve()})
    assert builder.last is not last, "updated in place, though it moves the post or changes every page"
    assert_same_as_full_build(site, site / "public")


@pytest.mark.parametrize("planted", ["public/posts/second", "public/posts"])
def test_a_link_planted_in_the_served_folder_is_not_written_through(followed, tmp_path: Path, planted: str):
    """The page's own folder, or one above it, replaced by a link to a copy elsewhere."""
    site, builder = followed
    elsewhere = tmp_path / "elsewhere"
    folder = site / planted
    shutil.copytree(folder, elsewhere)
    before = {p.relative_to(elsewhere): p.read_bytes() for p in elsewhere.rglob("*") if p.is_file()}
    shutil.rmtree(folder)
    folder.symlink_to(elsewhere)
    post = site / SECOND
    post.write_text(post.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    with pytest.raises(SitegenError, match="is a link"):
        builder.build(changed={post.resolve()})
    assert {p.relative_to(elsewhere): p.read_bytes() for p in elsewhere.rglob("*") if p.is_file()} == before
    builder.build(changed={post.resolve()})  # a full build: a new folder swapped in
    assert not folder.is_symlink()
    assert_same_as_full_build(site, site / "public")


def test_a_failed_update_is_followed_by_a_full_build(followed):
    site, builder = followed
    template = site / "themes/default/templates/post.html"
    template.parent.mkdir(parents=True)
    template.write_text('{% extends "base.html" %}{% block content %}{{ post.title.nope() }}{% endblock %}',
                        encoding="utf-8")
    with pytest.raises(SitegenError):
        builder.build(changed={template.resolve()})
    assert builder.last is None
    template.unlink()
    builder.build(changed={template.resolve()})
    assert builder.last is not None
    assert_same_as_full_build(site, site / "public")


def test_a_mistake_in_the_edited_file_is_reported_as_by_the_full_build(followed):
    site, builder = followed
    post = site / "content/posts/second.md"
    post.write_text(post.read_text(encoding="utf-8").replace("title: Second part", "title: [unclosed"),
                    encoding="utf-8")
    with pytest.raises(SitegenError) as caught:
        builder.build(changed={post.resolve()})
    assert "content/posts/second.md:" in str(caught.value) or caught.value.path == "content/posts/second.md"


def test_the_preview_reloads_with_the_page_alone_then_finishes(mini_site: Path):
    preview = Preview(mini_site)
    try:
        events = preview.events()
        events.next()  # the state at connection
        post = mini_site / "content/posts/second.md"
        start = len(preview.lines)
        post.write_text(post.read_text(encoding="utf-8") + "\nSaved in the editor.\n", encoding="utf-8")
        name, state = events.next()
        assert state["changed"] == ["posts/second/index.html"]
        line = preview.wait_for_line("rebuilt in", after=start)
        assert " 1 of " in line, line
        _, _, body = preview.get("/posts/second/")
        assert b"Saved in the editor." in body
    finally:
        preview.stop()
    assert os.path.isdir(mini_site / ".sitegen-cache/preview")


def test_a_full_build_lets_the_last_model_go(followed):
    """The preview keeps one site model, not the last few: nothing made for
    a build (imported macros, list items) holds on to it after the next."""
    import gc
    import weakref

    site, builder = followed
    post = site / SECOND  # its page rendered in this process, not in a worker
    post.write_text(post.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    builder.build(changed={post.resolve()})
    old = [weakref.ref(builder.last.site), *map(weakref.ref, builder.last.rendering.renderer.site_views.values())]
    settings = site / "site.yml"
    settings.write_text(settings.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    builder.build(changed={settings.resolve()})
    assert builder.last.site is not old[0]()
    gc.collect()
    assert [ref() for ref in old] == [None] * len(old), "the last build's site model is still held"
