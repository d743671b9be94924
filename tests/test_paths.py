"""One way to show a path in messages (errors.path_for_messages), and the
fast text version that names every source (sources/context.display_path)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.errors import path_for_messages
from sitegen.sources.context import display_path


@pytest.mark.parametrize("root, path, shown", [
    (".", "content/posts/x.md", "content/posts/x.md"),
    ("/site", "/site/content/posts/x.fr.md", "content/posts/x.fr.md"),
    ("/site", "/elsewhere/post.md", "/elsewhere/post.md"),
    ("/site", "/site", "."),
    ("site", "site/content/profile.yml", "content/profile.yml"),
])
def test_a_path_is_shown_relative_to_the_site_when_inside_it(root, path, shown):
    assert path_for_messages(Path(path), Path(root)) == shown


@pytest.mark.parametrize("root, path", [
    (".", "content/posts/x.md"),
    ("/site", "/site/content/posts/2026-01-10-hello.fr.md"),
    ("/site", "/site/content/posts/bundle/index.md"),
    ("site", "site/content/talks/t.yml"),
    ("/site", "/other/content/x.md"),
])
def test_the_source_names_agree_with_the_messages(root, path):
    assert display_path(Path(path), Path(root)) == path_for_messages(Path(path), Path(root))


def test_the_output_folder_is_shown_through_a_symbolic_link(tmp_path: Path):
    site = tmp_path / "site"
    (site / "public").mkdir(parents=True)
    link = tmp_path / "link"
    os.symlink(site, link)
    assert path_for_messages(link / "public", site, resolve=True) == "public"
    assert path_for_messages(link / "public", site) == str(link / "public")


URL_PIECES = ["/", "//", ".", "..", "a", "fr", "posts", "x.html", "%2F", "-", "é", "index.html", ".well-known"]


@settings(max_examples=800, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(URL_PIECES), max_size=10))
def test_output_files_are_the_normalised_urls(pieces):
    """`output_file` answers most URLs without normalising them: the same file
    as normalising every URL, so the collision check sees what is written."""
    import posixpath
    from sitegen.site.urls import output_file
    url = "".join(pieces)
    path = posixpath.normpath("/" + url).lstrip("/")
    path = "" if path == "." else path
    expected = ((path + "/" if path else "") + "index.html") if not path or url.endswith("/") else path
    assert output_file(url) == expected
