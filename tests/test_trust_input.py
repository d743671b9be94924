"""Trust in what is read (issue 10, SPEC §5): sitegen reads only inside the
site, URL paths are one segment each and normalised before the collision
check, settings that end up in hosting files are validated, and link fields
cannot carry script.

Every case runs the real CLI on a copy of tests/fixtures/mini: exit 1, a
message naming the file (and line where there is one), no traceback, the last
good output untouched and the planted secret nowhere in it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Callable

import pytest

from conftest import run_sitegen

SECRET = "s3cr3t-token-4f1d"
"""Planted outside the site (and in the build's environment): it must never
appear in the output."""

POST = "content/posts/bad.md"
PAGE = "content/pages/bad.md"
TALK = "content/talks/test-talk.yml"
PROFILE = "content/profile.yml"


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def leaked(folder: Path) -> list[str]:
    return [p.relative_to(folder).as_posix() for p in folder.rglob("*")
            if p.is_file() and SECRET.encode() in p.read_bytes()]


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the site, holding a secret file, a post, a theme."""
    folder = tmp_path / "outside"
    (folder / "theme" / "templates").mkdir(parents=True)
    (folder / "secret.txt").write_text(SECRET + "\n")
    (folder / "post.md").write_text(f"---\ntitle: Leak\ndate: 2026-01-01\n---\n{SECRET}\n")
    (folder / "index.md").write_text(f"---\ntitle: Leak\ndate: 2026-01-01\n---\n{SECRET}\n")
    (folder / "page.md").write_text(f"---\ntitle: Leak\n---\n{SECRET}\n")
    (folder / "talk.yml").write_text(f"title: Leak\nbody: {SECRET}\n")
    (folder / "profile.yml").write_text(f"name: {SECRET}\n")
    (folder / "theme" / "templates" / "base.html").write_text(SECRET)
    return folder


def link(rel: str, target: str) -> Callable[[Path, Path], None]:
    """Make `rel` in the site a symbolic link to `target` (`@` is the outside
    folder; a path starting with `/` is used as it is)."""
    def apply(site: Path, out: Path) -> None:
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir() and not path.is_symlink():
            import shutil
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
        path.symlink_to(target.replace("@", str(out)) if target.startswith("@") else target)
    return apply


def edit(rel: str, old: str, new: str) -> Callable[[Path, Path], None]:
    def apply(site: Path, out: Path) -> None:
        path = site / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"fixture changed: {old!r} not in {rel}"
        path.write_text(text.replace(old, new), encoding="utf-8")
    return apply


def write(rel: str, text: str) -> Callable[[Path, Path], None]:
    def apply(site: Path, out: Path) -> None:
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return apply


def both(*steps: Callable[[Path, Path], None]) -> Callable[[Path, Path], None]:
    def apply(site: Path, out: Path) -> None:
        for step in steps:
            step(site, out)
    return apply


def run_case(site: Path, out: Path, mistake: Callable[[Path, Path], None], expected: list[str]) -> str:
    """Build, make the mistake, build again: the second build must fail cleanly."""
    env = {"SITEGEN_TEST_SECRET": SECRET}
    first = run_sitegen("build", cwd=site, env=env)
    assert first.returncode == 0, first.stderr
    before = snapshot(site / "public")

    mistake(site, out)
    result = run_sitegen("build", cwd=site, env=env)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    for text in expected:
        assert text in result.stderr, f"{text!r} not in:\n{result.stderr}"
    assert snapshot(site / "public") == before, "the last good output changed"
    assert not leaked(site / "public")
    assert SECRET not in result.stdout + result.stderr
    return result.stderr


# -- 1. Read only inside the site ---------------------------------------------------------

OUTSIDE_HINT = "outside the site"
LINK_CASES = [
    ("static file", link("content/static/leak.txt", "@/secret.txt"),
     ["content/static/leak.txt", "/outside/secret.txt", OUTSIDE_HINT]),
    ("static folder", link("content/static/docs", "@"), ["content/static/docs", OUTSIDE_HINT]),
    ("static folder itself", link("content/static", "@"), ["content/static", OUTSIDE_HINT]),
    ("proc environ", link("content/static/env.txt", "/proc/self/environ"),
     ["content/static/env.txt", "/proc/self/environ", OUTSIDE_HINT]),
    ("file in a folder post", link("content/posts/bundle/leak.txt", "@/secret.txt"),
     ["content/posts/bundle/leak.txt", OUTSIDE_HINT]),
    ("environ in a folder post", link("content/posts/bundle/env.txt", "/proc/self/environ"),
     ["content/posts/bundle/env.txt", "/proc/self/environ"]),
    ("post file", link("content/posts/leak.md", "@/post.md"), ["content/posts/leak.md", OUTSIDE_HINT]),
    ("folder post", link("content/posts/leak", "@"), ["content/posts/leak", OUTSIDE_HINT]),
    ("index of a folder post", link("content/posts/bundle/index.fr.md", "@/index.md"),
     ["content/posts/bundle/index.fr.md", OUTSIDE_HINT]),
    ("page file", link("content/pages/leak.md", "@/page.md"), ["content/pages/leak.md", OUTSIDE_HINT]),
    ("talk file", link("content/talks/leak.yml", "@/talk.yml"), ["content/talks/leak.yml", OUTSIDE_HINT]),
    ("profile", link(PROFILE, "@/profile.yml"), [PROFILE, OUTSIDE_HINT]),
    ("site.yml", both(write("../outside/site.yml", "title: x\nbase_url: https://x.example\n"),
                      link("site.yml", "@/site.yml")), ["site.yml", OUTSIDE_HINT]),
    ("posts folder itself", link("content/posts", "@"), ["content/posts", OUTSIDE_HINT]),
    ("chain through a folder inside", both(write("other/readme.txt", "x"), link("other/leak.txt", "@/secret.txt"),
                                           link("content/static/other", "../../other")),
     ["content/static/other/leak.txt", OUTSIDE_HINT]),
    ("theme folder outside", both(link("themes/evil", "@/theme"), edit("site.yml", "theme: default", "theme: evil")),
     ["site.yml:7:", "themes/evil", OUTSIDE_HINT]),
    ("theme templates outside", both(link("themes/mine/templates", "@/theme/templates"),
                                     edit("site.yml", "theme: default", "theme: mine")),
     ["site.yml:7:", "themes/mine/templates", OUTSIDE_HINT]),
    ("theme template file outside", both(write("themes/mine/templates/.keep", ""),
                                         link("themes/mine/templates/base.html", "@/theme/templates/base.html"),
                                         edit("site.yml", "theme: default", "theme: mine")),
     ["themes/mine/templates/base.html", OUTSIDE_HINT]),
    ("theme static outside", both(link("themes/mine/static/leak.css", "@/secret.txt"),
                                  edit("site.yml", "theme: default", "theme: mine")),
     ["themes/mine/static/leak.css", OUTSIDE_HINT]),
    ("themes folder itself", both(link("themes", "@"), write("../outside/mine/templates/x.html", ""),
                                  edit("site.yml", "theme: default", "theme: mine")),
     ["site.yml:7:", "themes: this is a link to", OUTSIDE_HINT]),
    ("theme as an absolute path", edit("site.yml", "theme: default", "theme: /tmp"),
     ["site.yml:7:", "'/tmp' is not a theme name"]),
    ("theme with ..", edit("site.yml", "theme: default", "theme: ../outside/theme"),
     ["site.yml:7:", "is not a theme name"]),
    ("theme with a separator", edit("site.yml", "theme: default", "theme: default/templates"),
     ["site.yml:7:", "is not a theme name"]),
]


@pytest.mark.parametrize("mistake, expected", [c[1:] for c in LINK_CASES], ids=[c[0] for c in LINK_CASES])
def test_links_out_of_the_site_are_refused(mini_site: Path, outside: Path, mistake, expected):
    run_case(mini_site, outside, mistake, expected)


def test_links_inside_the_site_are_followed(mini_site: Path, outside: Path):
    """A link that stays in the site is fine: a file, a folder, a post."""
    (mini_site / "content/static/portrait.png").symlink_to("img/ada.png")
    (mini_site / "content/static/pictures").symlink_to("img")
    (mini_site / "content/posts/again.md").symlink_to("second.md")
    (mini_site / "drafts").mkdir()
    (mini_site / "drafts/kept.md").write_text("---\ntitle: Kept\ndate: 2026-03-01\n---\nKept.\n")
    (mini_site / "content/posts/kept.md").symlink_to("../../drafts/kept.md")
    result = run_sitegen("build", cwd=mini_site)
    assert result.returncode == 0, result.stderr
    out = mini_site / "public"
    assert (out / "portrait.png").read_bytes() == (mini_site / "content/static/img/ada.png").read_bytes()
    assert (out / "pictures/ada.png").is_file()
    assert (out / "posts/kept/index.html").is_file()


def test_a_link_loop_inside_the_site_ends(mini_site: Path):
    (mini_site / "content/static/img/loop").symlink_to("..")
    result = run_sitegen("build", cwd=mini_site)
    assert result.returncode == 0, result.stderr
    assert (mini_site / "public/img/ada.png").is_file()


# -- 2. URL paths: one segment per slug, normalised, no silent replacement ----------------

def post(front: str) -> Callable[[Path, Path], None]:
    """A post whose front matter starts at line 2 with title and date, then `front` at line 4."""
    return write(POST, f"---\ntitle: Bad\ndate: 2026-01-01\n{front}\n---\nBody\n")


def page(front: str) -> Callable[[Path, Path], None]:
    return write(PAGE, f"---\ntitle: Bad\n{front}\n---\nBody\n")


NOT_ONE_SEGMENT = "is not one URL segment"
PATH_CASES = [
    ("slug .", post("slug: ."), [f"{POST}:4:", "slug: '.'", NOT_ONE_SEGMENT]),
    ("slug ..", post("slug: .."), [f"{POST}:4:", "slug: '..'", NOT_ONE_SEGMENT]),
    ("slug ../index.html", post("slug: ../index.html"), [f"{POST}:4:", NOT_ONE_SEGMENT]),
    ("slug ../../outside", post("slug: ../../../escape"), [f"{POST}:4:", NOT_ONE_SEGMENT]),
    ("slug a/b", post("slug: a/b"), [f"{POST}:4:", NOT_ONE_SEGMENT, "slug: a-b"]),
    ("slug with a backslash", post("slug: 'a\\b'"), [f"{POST}:4:", NOT_ONE_SEGMENT]),
    ("slug with a space", post("slug: my post"), [f"{POST}:4:", NOT_ONE_SEGMENT, "slug: my-post"]),
    ("slug with a newline", post('slug: "a\\nb"'), [f"{POST}:4:", NOT_ONE_SEGMENT]),
    ("slug hidden folder", post("slug: .git"), [f"{POST}:4:", NOT_ONE_SEGMENT]),
    ("slug a list", post("slug: [a, b]"), [f"{POST}:4:", "slug: must be text"]),
    ("page slug .", page("slug: ."), [f"{PAGE}:3:", NOT_ONE_SEGMENT]),
    ("page slug ..", page("slug: .."), [f"{PAGE}:3:", NOT_ONE_SEGMENT]),
    ("page slug /", page("slug: /"), [f"{PAGE}:3:", NOT_ONE_SEGMENT]),
    ("page slug posts/hello", page("slug: posts/hello"),
     ["two sources write the same file 'posts/hello/index.html'", "content/pages/bad.md"]),
    ("service slug ..", edit(TALK, "weight: 1", "weight: 1\nslug: .."), [f"{TALK}:6:", NOT_ONE_SEGMENT]),
    ("file name gives no slug", write("content/pages/!!!.md", "---\ntitle: Bangs\n---\nx\n"),
     ["content/pages/!!!.md", "empty slug"]),
    ("tag ..", post('tags: [ok, ".."]'), [f"{POST}:4:", "tags: '..' gives an empty URL"]),
    ("tag of signs only", post("tags: ['!!!']"), [f"{POST}:4:", "gives an empty URL"]),
    ("tag / ", post("tags: ['/']"), [f"{POST}:4:", "gives an empty URL"]),
    ("service tag ..", edit(TALK, "tags: [testing]", "tags: [testing, '..']"), [f"{TALK}:4:", "gives an empty URL"]),
    ("series of signs only", post("series: '..'"), [f"{POST}:4:", "series: '..' gives an empty URL"]),
    ("alias with a newline", post('aliases: ["/old/ /\\n/* https://evil.example/:splat 200"]'),
     [f"{POST}:4:", "aliases:", "spaces or control characters"]),
    ("alias with a newline only", post('aliases: ["/old\\n/x"]'), [f"{POST}:4:", "control characters"]),
    ("alias with a space", post("aliases: [/old page/]"), [f"{POST}:4:", "spaces"]),
    ("alias with a tab", post('aliases: ["/old\\tpage/"]'), [f"{POST}:4:", "control characters"]),
    ("alias with ..", post("aliases: [/a/../../etc/]"), [f"{POST}:4:", "'..'"]),
    ("alias .", post("aliases: [.]"), [f"{POST}:4:", "'..'"]),
    ("alias absolute URL", post("aliases: ['https://evil.example/']"), [f"{POST}:4:", "not a site path"]),
    ("alias protocol-relative", post("aliases: ['//evil.example/x']"), [f"{POST}:4:", "not a site path"]),
    ("alias with a query", post("aliases: ['/old?id=3']"), [f"{POST}:4:", "query or fragment"]),
    ("alias on the second line", post("aliases:\n  - /fine/\n  - '/bad\tone'"), [f"{POST}:6:", "aliases:"]),
    ("page alias with a newline", page('aliases: ["/x\\n/y"]'), [f"{PAGE}:3:", "control characters"]),
    ("service alias with ..", edit(TALK, "weight: 1", "weight: 1\naliases: [../x]"), [f"{TALK}:6:", "'..'"]),
    # Collisions once paths are normalised: named by both files.
    ("alias over the home page", post("aliases: [/]"), ["'index.html'", PROFILE, POST]),
    ("alias with // over a page", post("aliases: ['/contact//']"), ["contact/index.html", "content/pages/contact.md", POST]),
    ("page slug over the blog", page("slug: posts"), ["posts/index.html", PAGE]),
    ("page slug over the feed file", page("slug: feed.xml"), ["'feed.xml' is a file of the feed", PAGE]),
    ("alias over a static file", page("aliases: [/img/ada.png/]"),
     ["'img/ada.png' is a file of content/static/img/ada.png", PAGE]),
    ("page slug over another page", page("slug: contact"), ["contact/index.html", "content/pages/contact.md", PAGE]),
]


@pytest.mark.parametrize("mistake, expected", [c[1:] for c in PATH_CASES], ids=[c[0] for c in PATH_CASES])
def test_url_paths_are_one_segment_and_never_replace_another(mini_site: Path, outside: Path, mistake, expected):
    run_case(mini_site, outside, mistake, expected)


def test_safe_slugs_and_aliases_still_build(mini_site: Path):
    write(POST, "---\ntitle: Fine\ndate: 2026-01-01\nslug: 2024\ntags: [C++, écoles]\n"
                "aliases: [old-post, /2019//05/old.html, /blog/x/]\n---\nBody\n")(mini_site, mini_site)
    result = run_sitegen("build", cwd=mini_site)
    assert result.returncode == 0, result.stderr
    out = mini_site / "public"
    assert (out / "posts/2024/index.html").is_file()
    assert (out / "2019/05/old.html").is_file()
    rules = (out / "_redirects").read_text().splitlines()
    assert "/2019/05/old.html /posts/2024/ 301" in rules
    assert all(len(rule.split()) == 3 for rule in rules), rules


# -- settings that end up in hosting files -----------------------------------------------

BASE = "base_url: https://ada.example"
SETTINGS_CASES = [
    ("base_url with a newline", edit("site.yml", BASE, 'base_url: "https://ada.example\\nDisallow: /"'),
     ["site.yml:3:", "base_url:", "line break"]),
    ("base_url with a space", edit("site.yml", BASE, "base_url: https://ada.example/ x"), ["site.yml:3:", "spaces"]),
    ("base_url with a query", edit("site.yml", BASE, "base_url: https://ada.example/?a=1"),
     ["site.yml:3:", "query or fragment"]),
    ("base_url with a fragment", edit("site.yml", BASE, "base_url: 'https://ada.example#x'"),
     ["site.yml:3:", "query or fragment"]),
    ("base_url with a password", edit("site.yml", BASE, "base_url: https://u:p@ada.example"),
     ["site.yml:3:", "password"]),
    ("base_url javascript", edit("site.yml", BASE, "base_url: 'javascript:alert(1)'"),
     ["site.yml:3:", "must be an absolute URL"]),
    ("cname with a newline", edit("site.yml", BASE, BASE + '\ncname: "ada.example\\nevil.example"'),
     ["site.yml:4:", "cname: must be a bare domain name"]),
    ("cname a URL", edit("site.yml", BASE, BASE + "\ncname: https://ada.example"), ["site.yml:4:", "cname:"]),
    ("cname with a space", edit("site.yml", BASE, BASE + "\ncname: ada example"), ["site.yml:4:", "cname:"]),
    ("cname with a path", edit("site.yml", BASE, BASE + "\ncname: ada.example/x"), ["site.yml:4:", "cname:"]),
    ("cname leading dash", edit("site.yml", BASE, BASE + "\ncname: -ada.example"), ["site.yml:4:", "cname:"]),
    ("cname a number", edit("site.yml", BASE, BASE + "\ncname: 42"), ["site.yml:4:", "cname:"]),
    ("menu url javascript", edit("site.yml", "theme: default",
                                 "theme: default\nmenu:\n  - {title: X, url: 'javascript:alert(1)'}"),
     ["site.yml:9:", "menu[0].url:", "'javascript:' links are not allowed"]),
]


@pytest.mark.parametrize("mistake, expected", [c[1:] for c in SETTINGS_CASES], ids=[c[0] for c in SETTINGS_CASES])
def test_settings_that_reach_hosting_files_are_validated(mini_site: Path, outside: Path, mistake, expected):
    run_case(mini_site, outside, mistake, expected)


def test_base_url_from_the_command_line_is_validated(mini_site: Path):
    result = run_sitegen("build", "--base-url", "https://ada.example\nDisallow: /", cwd=mini_site)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "--base-url" in result.stderr and "line break" in result.stderr
    assert not (mini_site / "public").exists()


def test_a_good_cname_is_written_on_one_line(mini_site: Path):
    edit("site.yml", BASE, BASE + "\ncname: www.ada-test.example")(mini_site, mini_site)
    result = run_sitegen("build", cwd=mini_site)
    assert result.returncode == 0, result.stderr
    assert (mini_site / "public/CNAME").read_text() == "www.ada-test.example\n"


# -- 3. Link fields: http(s), mailto, tel and site paths only -----------------------------

SESSION = "  - {date: 2025-05-14, event: TestConf, city: Lyon, url: \"https://testconf.example\"}"


def session(extra: str) -> Callable[[Path, Path], None]:
    return edit(TALK, SESSION, "  - {date: 2025-05-14, event: TestConf, city: Lyon, " + extra + "}")


def profile_link(url: str) -> Callable[[Path, Path], None]:
    return edit(PROFILE, '{name: GitHub, url: "https://github.com/ada-test"}', "{name: GitHub, url: " + url + "}")


NOT_ALLOWED = "links are not allowed"
HREF_CASES = [
    ("original javascript", post("original: {url: 'javascript:alert(1)', title: M}"),
     [f"{POST}:4:", "original.url:", "'javascript:' " + NOT_ALLOWED]),
    ("original JavaScript mixed case", post("original: {url: 'JaVaScRiPt:alert(1)'}"), [f"{POST}:4:", NOT_ALLOWED]),
    ("original leading spaces", post("original: {url: '   javascript:alert(1)'}"), [f"{POST}:4:", "spaces"]),
    ("original leading control char", post('original: {url: "\\x01javascript:alert(1)"}'),
     [f"{POST}:4:", "control characters"]),
    ("original tab inside the scheme", post('original: {url: "java\\tscript:alert(1)"}'),
     [f"{POST}:4:", "control characters"]),
    ("original newline inside the scheme", post('original: {url: "java\\nscript:alert(1)"}'),
     [f"{POST}:4:", "control characters"]),
    ("original data", post("original: {url: 'data:text/html,<script>alert(1)</script>'}"),
     [f"{POST}:4:", "'data:' " + NOT_ALLOWED]),
    ("original vbscript", post("original: {url: 'VBScript:msgbox'}"), [f"{POST}:4:", NOT_ALLOWED]),
    ("original file", post("original: {url: 'file:///etc/passwd'}"), [f"{POST}:4:", NOT_ALLOWED]),
    ("original url on its own line", post("original:\n  title: M\n  url: 'javascript:x'"),
     [f"{POST}:6:", "original.url:"]),
    ("profile link javascript", profile_link("'javascript:alert(1)'"), [f"{PROFILE}:11:", "links.1.url:", NOT_ALLOWED]),
    ("profile link data", profile_link("'data:text/html;base64,PHNjcmlwdD4='"), [f"{PROFILE}:11:", NOT_ALLOWED]),
    ("profile link leading space", profile_link("' javascript:alert(1)'"), [f"{PROFILE}:11:", "spaces"]),
    ("profile link not text", profile_link("[a]"), [f"{PROFILE}:11:", "must be a web address"]),
    ("post image javascript", post("image: 'javascript:alert(1)'"), [f"{POST}:4:", "image:", NOT_ALLOWED]),
    ("talk image data", edit(TALK, "weight: 1", "weight: 1\nimage: 'data:image/svg+xml,<svg/onload=alert(1)>'"),
     [f"{TALK}:6:", "image:", NOT_ALLOWED]),
    ("profile photo javascript", edit(PROFILE, "photo: /img/ada.png", "photo: 'javascript:alert(1)'"),
     [f"{PROFILE}:2:", "photo:", NOT_ALLOWED]),
    ("email with a header", edit(PROFILE, "email: ada@ada.example", "email: 'ada@ada.example?bcc=x@evil.example'"),
     [f"{PROFILE}:8:", "is not an e-mail address"]),
    ("email javascript", edit(PROFILE, "email: ada@ada.example", "email: 'javascript:alert(1)//@x.example'"),
     [f"{PROFILE}:8:", "is not an e-mail address"]),
    ("session url javascript", session("url: 'javascript:alert(1)'"), [f"{TALK}:14:", "sessions.0.url:", NOT_ALLOWED]),
    ("session slides javascript", session("slides: 'JAVASCRIPT:alert(1)'"), [f"{TALK}:14:", "sessions.0.slides:"]),
    ("session video data", session("video: 'data:video/mp4,x'"), [f"{TALK}:14:", "sessions.0.video:", NOT_ALLOWED]),
    ("session url vbscript", session("url: 'vbscript:x'"), [f"{TALK}:14:", NOT_ALLOWED]),
    ("session url backslash", session("url: '\\\\evil.example'"), [f"{TALK}:14:", "backslash"]),
    ("session url protocol-relative", session("url: '//evil.example'"), [f"{TALK}:14:", "not a site path"]),
]


@pytest.mark.parametrize("mistake, expected", [c[1:] for c in HREF_CASES], ids=[c[0] for c in HREF_CASES])
def test_link_fields_refuse_script_urls(mini_site: Path, outside: Path, mistake, expected):
    run_case(mini_site, outside, mistake, expected)


def test_allowed_link_kinds_build(mini_site: Path):
    """http(s), mailto, tel and site paths stay accepted."""
    profile_link("'mailto:ada@ada.example'")(mini_site, mini_site)
    session("url: 'tel:+33123456789', slides: /img/ada.png, video: 'HTTPS://video.example/x'")(mini_site, mini_site)
    post("original: {url: /posts/hello/, title: Here first}")(mini_site, mini_site)
    result = run_sitegen("build", cwd=mini_site)
    assert result.returncode == 0, result.stderr
    html = "".join(p.read_text() for p in (mini_site / "public").rglob("*.html"))
    assert "mailto:ada@ada.example" in html and "javascript:" not in html.lower()
