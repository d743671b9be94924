"""`sitegen import`: real export files, the real CLI, media from a real HTTP
server on 127.0.0.1, then `sitegen build` and `sitegen check` on the result."""

from __future__ import annotations

import functools
import http.server
import io
import re
import shutil
import threading
from pathlib import Path

import pytest
from PIL import Image

from conftest import FIXTURES, run_sitegen

EXPORTS = FIXTURES / "import"
NO_PROXY = {"http_proxy": "", "HTTP_PROXY": "", "https_proxy": "", "HTTPS_PROXY": "", "no_proxy": "127.0.0.1"}
MEDIA = ["2019/05/diagram.png", "2021/03/photo-one.jpg", "2021/03/photo-two.jpg"]


@pytest.fixture
def old_site(tmp_path: Path):
    """The old blog's media, served on 127.0.0.1: (its base URL)."""
    root = tmp_path / "old"
    for name in MEDIA:
        target = root / "wp-content" / "uploads" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        Image.new("RGB", (40, 30), "teal").save(buffer, "PNG" if name.endswith(".png") else "JPEG")
        target.write_bytes(buffer.getvalue())
    handler = functools.partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def site(tmp_path: Path) -> Path:
    result = run_sitegen("init", str(tmp_path / "site"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return tmp_path / "site"


def export_for(name: str, base: str, tmp_path: Path) -> Path:
    """The fixture with its placeholder host replaced by the local server."""
    target = tmp_path / name
    target.write_text((EXPORTS / name).read_text(encoding="utf-8").replace("http://old.test", base), encoding="utf-8")
    return target


def do_import(site: Path, export: Path, *options: str):
    return run_sitegen("import", str(export), "--into", str(site), *options, cwd=site, env=NO_PROXY)


def build_and_check(site: Path) -> Path:
    built = run_sitegen("build", cwd=site)
    assert built.returncode == 0, built.stderr
    checked = run_sitegen("check", cwd=site)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert " 0 error(s)" in checked.stdout
    return site / "public"


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def front(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("\n---\n", 1)[0]


# --- a bilingual WordPress blog -------------------------------------------------

def test_bilingual_wordpress_builds_and_keeps_old_urls(site: Path, old_site: str, tmp_path: Path):
    result = do_import(site, export_for("wordpress-bilingual.xml", old_site, tmp_path))
    assert result.returncode == 0, result.stderr
    assert "wrote 4 posts" in result.stdout and "wrote 2 pages" in result.stdout
    public = build_and_check(site)

    # Old permalinks: a 301 in _redirects and a redirect page, language prefix kept.
    redirects = (public / "_redirects").read_text()
    assert "/2019/05/testing-what-matters/ /posts/testing-what-matters/ 301" in redirects
    assert "/fr/2020/01/pourquoi-tester/ /fr/posts/pourquoi-tester/ 301" in redirects
    assert "/posts/testing-what-matters/" in (public / "2019/05/testing-what-matters/index.html").read_text()

    post = (public / "posts/testing-what-matters/index.html").read_text()
    # [en] marker out of the title, [fr] first paragraph → the abstract, shown to French
    # readers in their list, and out of the body.
    assert "<h1 class=\"p-name\">Testing what matters</h1>" in post
    body = post.split('<div class="prose', 1)[1]
    assert "Trois questions" not in body  # out of the body, into the abstract block at the top
    assert '<div class="post-abstract" lang="fr"><p><span class="lang-mark">[fr]</span> Trois questions' in post
    french_list = (public / "fr/posts/index.html").read_text()
    assert re.search(r'href="/posts/testing-what-matters/" hreflang="en" lang="en">Testing what matters</a> '
                     r'<span class="lang-mark">\[en\]</span></h2>\n.*\n<p class="post-item-summary">Trois questions',
                     french_list)
    # Links to the archive's own posts and pages rewritten; the image downloaded.
    assert 'href="/fr/posts/bonjour/"' in post and 'href="/about/team/"' in post
    assert (site / "content/static/uploads/2019/05/diagram.png").is_file()
    assert "/uploads/2019/05/diagram.png" in post and "127.0.0.1" not in post.split('class="comments"')[0]
    assert "<em>The test pyramid</em>" in post and re.search(r"<pre[^>]*>.*def.*test_it", post, re.S)
    # Approved comments shown; spam and pending ones dropped; no e-mail, no IP kept anywhere.
    assert "Ana Reader" in post and 'href="https://ana.test/"' in post
    content = "".join(p.read_text(encoding="utf-8") for p in (site / "content").rglob("*.md"))
    for leaked in ("SPAMWORD", "PENDINGWORD", "ana@mail.test", "192.0.2.7", "<!-- wp:"):
        assert leaked not in content
    # Polylang group → shared translation_key → the posts link each other.
    english = (public / "posts/why-we-test/index.html").read_text()
    assert re.search(r'<a href="/fr/posts/pourquoi-tester/" hreflang="fr"', english)
    # `[fr]` at the end of a title, wpautop paragraphs, the date's real offset.
    french = site / "content/posts/2019-06-10-bonjour.fr.md"
    assert "title: Bonjour le monde\n" in front(french) and "2019-06-10T09:00:00+02:00" in front(french)
    assert "Premier paragraphe,\\\nsur deux lignes.\n\nDeuxième" in french.read_text(encoding="utf-8")
    # Page hierarchy → slugs.
    assert (public / "about/team/index.html").is_file()


def test_second_import_changes_nothing(site: Path, old_site: str, tmp_path: Path):
    export = export_for("wordpress-bilingual.xml", old_site, tmp_path)
    assert do_import(site, export).returncode == 0
    before = snapshot(site / "content")
    again = do_import(site, export)
    assert again.returncode == 0, again.stderr
    assert snapshot(site / "content") == before
    assert "wrote 0 posts" in again.stdout and "6 files already imported, unchanged" in again.stdout


def test_an_edited_file_is_never_overwritten(site: Path, old_site: str, tmp_path: Path):
    export = export_for("wordpress-bilingual.xml", old_site, tmp_path)
    assert do_import(site, export).returncode == 0
    edited = site / "content/posts/2020-01-15-why-we-test.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nMy own addition.\n", encoding="utf-8")
    text = edited.read_text(encoding="utf-8")
    again = do_import(site, export)
    assert again.returncode == 0
    assert edited.read_text(encoding="utf-8") == text
    assert "content/posts/2020-01-15-why-we-test.md" in again.stdout.split("not overwritten")[1]


def test_dry_run_writes_nothing(site: Path, old_site: str, tmp_path: Path):
    before = snapshot(site)
    result = do_import(site, export_for("wordpress-bilingual.xml", old_site, tmp_path), "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "would write 4 posts" in result.stdout and "content/posts/2019-06-10-bonjour.fr.md" in result.stdout
    assert "content/static/uploads/2019/05/diagram.png (would download" in result.stdout
    assert snapshot(site) == before


def test_no_media_keeps_links_remote(site: Path, old_site: str, tmp_path: Path):
    result = do_import(site, export_for("wordpress-bilingual.xml", old_site, tmp_path), "--no-media", "--no-comments")
    assert result.returncode == 0
    assert not (site / "content/static/uploads").exists()
    text = (site / "content/posts/2019-05-01-testing-what-matters.md").read_text(encoding="utf-8")
    assert f"{old_site}/wp-content/uploads/2019/05/diagram.png" in text
    assert "comments:" not in text


# --- WordPress's awkward cases ------------------------------------------------

def test_awkward_wordpress_export(site: Path, old_site: str, tmp_path: Path):
    result = do_import(site, export_for("wordpress-awkward.xml", old_site, tmp_path))
    assert result.returncode == 0, result.stderr
    posts = site / "content/posts"
    # An empty title gets the first words; a draft without a slug gets one from its title.
    untitled = posts / "2021-03-01-a-post-that-never-got-a-title-just.md"
    assert "title: A post that never got a title, just…" in front(untitled)
    long = next(posts.glob("2021-03-02-*.md"))
    assert len(long.name) < 100 and "title: A very long title that goes on" in front(long)
    tom = (posts / "2021-03-03-tom-jerry.md").read_text(encoding="utf-8")
    assert "title: 'Tom & Jerry – «quotes»: a review'" in tom
    # Nested categories and tags (accents, entities) become tags; Uncategorized does not.
    assert "- Unit tests\n- Craft\n- Écoles & universités\n" in tom and "Uncategorized" not in tom
    # Shortcodes: gallery images downloaded, embeds as links, the unknown one left and reported.
    assert "/uploads/2021/03/photo-one.jpg" in tom and (site / "content/static/uploads/2021/03/photo-two.jpg").is_file()
    assert "[Video on Vimeo](https://vimeo.com/123456)" in tom
    assert "[Video on YouTube](https://www.youtube.com/watch?v=dQw4w9WgXcQ)" in tom
    assert '\\[contact-form-7 id="42" title="Contact"\\]' in tom  # left as text: escaped, shown as written
    assert "content/posts/2021-03-03-tom-jerry.md: [contact-form-7]" in result.stdout
    # An image that is not there any more stays remote and is reported, the import goes on.
    assert f"{old_site}/wp-content/uploads/2021/03/missing.png" in tom
    assert "missing.png: HTTP 404" in result.stdout.split("media kept remote")[1]
    # Password-protected and drafts: draft: true; future: scheduled; trash: left out.
    assert "draft: true" in front(posts / "2021-04-01-members-only.md")
    assert "draft: true" in front(posts / "2021-05-01-half-written.md")
    assert "draft" not in front(posts / "2099-01-01-from-the-future.md")
    assert not list(posts.glob("*thrown-away*")) and "status trash" in result.stdout
    assert "2 drafts" in result.stdout
    public = build_and_check(site)
    html = "".join(p.read_text(encoding="utf-8") for p in public.rglob("*.html"))
    for hidden in ("SECRETWORD", "DRAFTWORD", "FUTUREWORD", "TRASHWORD"):
        assert hidden not in html
    # A three-level page tree keeps its path.
    assert (public / "services/training/in-house/index.html").is_file()


# --- Blogger ------------------------------------------------------------------

def test_blogger_export(site: Path, old_site: str, tmp_path: Path):
    result = do_import(site, export_for("blogger.xml", old_site, tmp_path))
    assert result.returncode == 0, result.stderr
    assert "Blogger export" in result.stdout and "wrote 3 posts" in result.stdout
    content = "".join(p.read_text(encoding="utf-8") for p in (site / "content").rglob("*.md"))
    assert "SETTINGSWORD" not in content and "TEMPLATEWORD" not in content
    meetings = site / "content/posts/2019-11-05-meetings-that-work.md"
    assert "abstract:\n  fr: Des réunions utiles." in front(meetings)
    assert "updated: '2019-12-20T18:00:00+01:00'" in front(meetings)
    assert "- Réunions" in front(meetings) and "bob@mail.test" not in content
    assert "[the second post](/fr/posts/second/)" in meetings.read_text(encoding="utf-8")
    assert "title: Le deuxième" in front(site / "content/posts/2019-12-01-second.fr.md")
    assert "draft: true" in front(site / "content/posts/2019-12-10-not-ready.md")
    public = build_and_check(site)
    assert "/posts/meetings-that-work/" in (public / "2019/11/meetings-that-work.html").read_text()
    page = (public / "posts/meetings-that-work/index.html").read_text()
    assert "Bob Visitor" in page and "Nice one!" in page


# --- broken exports -------------------------------------------------------------

@pytest.mark.parametrize("name, status, message", [
    ("broken.xml", 1, r"broken\.xml:\d+: the export is not well-formed XML"),
    ("entities.xml", 1, r"entities\.xml: the export declares XML entities, refused for safety"),
    ("missing.xml", 2, r"missing\.xml: no such export file"),
    ("not-an-export.xml", 1, r"not-an-export\.xml:1: not a WordPress \(WXR\) or Blogger export"),
])
def test_a_broken_export_gets_one_clear_message(site: Path, tmp_path: Path, name: str, status: int, message: str):
    export = tmp_path / name
    if (EXPORTS / name).exists():
        shutil.copy(EXPORTS / name, export)
    elif name == "not-an-export.xml":
        export.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>A feed</title></channel></rss>')
    before = snapshot(site)
    result = run_sitegen("import", str(export), "--into", str(site), cwd=tmp_path)
    assert result.returncode == status, result.stdout + result.stderr
    assert re.search(message, result.stderr), result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(site) == before


def test_import_needs_a_site(tmp_path: Path):
    result = run_sitegen("import", str(EXPORTS / "blogger.xml"), "--into", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 2 and "no site.yml" in result.stderr
