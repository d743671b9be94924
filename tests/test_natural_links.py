"""What people write, and what sitegen makes of it: profile links as plain
URLs (named after their host), `fediverse:creator` for a Mastodon-style
link, a warning with its line for every unknown key ("did you mean `tags`?"),
and for the starter's placeholders left in a site; `--strict` fails on each.
All through the real CLI, on real files."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import FIXTURES, REPO, fill_in_starter, run_sitegen

# What a person wrote in `links:` → the name shown, the address linked.
LINKS = [
    ("https://github.com/jane", "GitHub", "https://github.com/jane"),
    ("https://www.linkedin.com/in/jane", "LinkedIn", "https://www.linkedin.com/in/jane"),
    ("https://fr.linkedin.com/in/jane", "LinkedIn", "https://fr.linkedin.com/in/jane"),
    ("https://mastodon.social/@jane", "Mastodon", "https://mastodon.social/@jane"),
    ("https://hachyderm.io/@jane", "Mastodon", "https://hachyderm.io/@jane"),
    ("https://x.com/jane", "X", "https://x.com/jane"),
    ("https://twitter.com/jane", "X", "https://twitter.com/jane"),
    ("https://www.youtube.com/@jane", "YouTube", "https://www.youtube.com/@jane"),
    ("https://gitlab.com/jane", "GitLab", "https://gitlab.com/jane"),
    ("https://bsky.app/profile/jane.bsky.social", "Bluesky", "https://bsky.app/profile/jane.bsky.social"),
    ("https://stackoverflow.com/users/1/jane", "Stack Overflow", "https://stackoverflow.com/users/1/jane"),
    ("https://jane.github.io/", "jane.github.io", "https://jane.github.io/"),
    ("https://www.jane-blog.example/", "jane-blog.example", "https://www.jane-blog.example/"),
    ("codeberg.org/jane", "Codeberg", "https://codeberg.org/jane"),
    ("@jane@fosstodon.org", "Mastodon", "https://fosstodon.org/@jane"),
    ({"name": "Newsletter", "url": "https://letters.example/jane"}, "Newsletter", "https://letters.example/jane"),
    ({"url": "https://speakerdeck.com/jane"}, "Speaker Deck", "https://speakerdeck.com/jane"),
]


def yaml_item(written: str | dict) -> str:
    if isinstance(written, str):
        return json.dumps(written)
    return "{" + ", ".join(f"{k}: {json.dumps(v)}" for k, v in written.items()) + "}"


def with_links(site: Path, written: list) -> None:
    profile = site / "content" / "profile.yml"
    text = re.sub(r"links:\n(  - .*\n)+", "links:\n" + "".join(f"  - {yaml_item(w)}\n" for w in written),
                  profile.read_text(encoding="utf-8"))
    profile.write_text(text, encoding="utf-8")


def build(site: Path, *options: str):
    result = run_sitegen("build", *options, cwd=site)
    assert "Traceback" not in result.stderr
    return result


@pytest.fixture(scope="module")
def linked_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini site with every row of LINKS in one mixed list."""
    site = tmp_path_factory.mktemp("links") / "site"
    shutil.copytree(FIXTURES / "mini", site)
    with_links(site, [written for written, _, _ in LINKS])
    result = build(site, "--strict")
    assert result.returncode == 0, result.stderr
    return site / "public"


@pytest.mark.parametrize("index, written, name, url", [(i, *row) for i, row in enumerate(LINKS)],
                         ids=[str(row[0]) for row in LINKS])
def test_a_link_is_named_after_its_host_everywhere_links_go(linked_site: Path, index: int, written, name: str,
                                                            url: str):
    home = BeautifulSoup((linked_site / "index.html").read_text(encoding="utf-8"), "html.parser")
    shown = [(a.get_text(), a["href"]) for a in home.select('a[rel~="me"]')]
    assert shown[index] == (name, url)
    graph = json.loads(home.find("script", type="application/ld+json").string)["@graph"]
    same_as = next(node["sameAs"] for node in graph if node.get("@type") == "Person" and "sameAs" in node)
    assert same_as[index] == url
    vcard = (linked_site / "contact.vcf").read_text(encoding="utf-8").replace("\r\n ", "")
    assert f"URL:{url}" in vcard


FEDIVERSE = [
    (["https://mastodon.social/@jane"], "@jane@mastodon.social"),
    ([{"name": "Mastodon", "url": "https://social.example/@ada"}], "@ada@social.example"),
    (["https://github.com/jane", "@jane@fosstodon.org"], "@jane@fosstodon.org"),
    (["https://www.youtube.com/@jane", "https://medium.com/@jane"], None),
    (["https://github.com/jane"], None),
]


@pytest.mark.parametrize("written, creator", FEDIVERSE, ids=[str(c) for _, c in FEDIVERSE])
def test_a_mastodon_link_credits_the_author_in_every_page_head(mini_site: Path, written: list, creator: str | None):
    with_links(mini_site, written)
    assert build(mini_site, "--strict").returncode == 0
    for page in ("index.html", "fr/index.html", "posts/second/index.html"):
        soup = BeautifulSoup((mini_site / "public" / page).read_text(encoding="utf-8"), "html.parser")
        meta = soup.head.find("meta", attrs={"name": "fediverse:creator"})
        assert (meta["content"] if meta else None) == creator, page


def test_a_link_that_is_neither_an_address_nor_a_mapping_names_its_line(mini_site: Path):
    with_links(mini_site, ["https://github.com/ada"])
    profile = mini_site / "content" / "profile.yml"
    profile.write_text(profile.read_text(encoding="utf-8").replace('  - "https://github.com/ada"\n',
                                                                   '  - "https://github.com/ada"\n  - [GitHub]\n'))
    line = profile.read_text(encoding="utf-8").splitlines().index("  - [GitHub]") + 1
    result = build(mini_site)
    assert result.returncode == 1
    assert f"content/profile.yml:{line}: each link is an address" in result.stderr


# (file, line to add, where: "front" after the opening '---' / "end"), expected warning.
UNKNOWN_KEYS = [
    ("content/posts/second.md", "tgas: [testing]", "front", "unknown key `tgas`: did you mean `tags`?"),
    ("content/posts/second.md", "sumary: Short.", "front", "unknown key `sumary`: did you mean `summary`?"),
    ("content/posts/second.md", "description: Short.", "front",
     "unknown key `description`: did you mean `summary`?"),
    ("content/posts/second.md", "Draft: true", "front", "unknown key `Draft`: did you mean `draft`?"),
    ("content/posts/second.md", "rating: 5", "front",
     "unknown key `rating`: sitegen does not use it; if it is meant for a template, move it under `params:`"),
    ("content/pages/contact.md", "slgu: reach-me", "front", "unknown key `slgu`: did you mean `slug`?"),
    ("content/talks/test-talk.yml", "duraton: 1 hour", "end", "unknown key `duraton`: did you mean `duration`?"),
    ("content/talks/test-talk.yml", "  - {date: 2025-09-01, event: Meetup, cty: Lyon}", "end",
     "sessions[2]: unknown key `cty`: did you mean `city`? (ignored)"),
    ("content/workshops/test-workshop.yml", "outcome: [More]", "end",
     "unknown key `outcome`: did you mean `outcomes`?"),
    ("content/expertise/testing.yml", "wieght: 2", "end", "unknown key `wieght`: did you mean `weight`?"),
    ("content/profile.yml", "jobtitle: Tester", "end", "unknown key `jobtitle`: did you mean `job_title`?"),
    ("content/profile.yml", "photo-alt: Ada", "end", "unknown key `photo-alt`: did you mean `photo_alt`?"),
]


def add_line(path: Path, line: str, where: str) -> int:
    """Add `line` to the file; the line number it gets."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if where == "front":
        lines.insert(1, line)
        number = 2
    else:
        if line.startswith("  - "):  # a session: the file ends with the sessions list
            assert lines[-1].startswith("  - ")
        lines.append(line)
        number = len(lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return number


@pytest.mark.parametrize("file, written, where, warning", UNKNOWN_KEYS, ids=[row[1] for row in UNKNOWN_KEYS])
def test_an_unknown_key_is_named_with_its_line_and_fails_strict(mini_site: Path, file: str, written: str,
                                                                where: str, warning: str):
    number = add_line(mini_site / file, written, where)
    result = build(mini_site)
    assert result.returncode == 0, result.stderr
    assert f"warning: {file}:{number}: {warning}" in result.stderr
    strict = build(mini_site, "--strict")
    assert strict.returncode == 1
    assert f"{file}:{number}: {warning}" in strict.stderr


def test_own_keys_under_params_are_quiet_and_reach_templates(mini_site: Path):
    add_line(mini_site / "content/posts/second.md", "params: {rating: 5, mood: calm}", "front")
    add_line(mini_site / "content/posts/second.md", "legacy: kept", "front")
    add_line(mini_site / "content/talks/test-talk.yml", "params: {level: advanced}", "front")
    add_line(mini_site / "content/profile.yml", "params: {pronouns: she/her}", "front")
    templates = mini_site / "themes" / "default" / "templates"
    templates.mkdir(parents=True)
    shipped = REPO / "themes" / "default" / "templates"
    for name, marker in (("post.html", "{{ post.meta.get('rating') }}/{{ post.meta.get('mood') }}/"
                                       "{{ post.meta.get('legacy') }}"),
                         ("service.html", "{{ service.meta.get('level') }}"),
                         ("home.html", "{{ profile.meta.pronouns }}")):
        text = (shipped / name).read_text(encoding="utf-8")
        (templates / name).write_text(text.replace("{% endblock %}", f"<p id=own>{marker}</p>{{% endblock %}}", 1),
                                      encoding="utf-8")
    result = build(mini_site)
    assert result.returncode == 0, result.stderr
    assert [line for line in result.stderr.splitlines() if "warning" in line] == [
        "warning: content/posts/second.md:2: unknown key `legacy`: sitegen does not use it; if it is meant for a "
        "template, move it under `params:`, else check its spelling (known keys: abstract, aliases, comments, date, "
        "draft, image, lang, original, params, series, slug, summary, tags, title, translation_key, updated)"]
    public = mini_site / "public"
    for page, shown in (("posts/second/index.html", "5/calm/kept"), ("talks/test-talk/index.html", "advanced"),
                        ("index.html", "she/her")):
        soup = BeautifulSoup((public / page).read_text(encoding="utf-8"), "html.parser")
        assert soup.find(id="own").get_text() == shown, page


def test_what_sitegen_import_writes_builds_strict(tmp_path: Path):
    site = tmp_path / "site"
    assert run_sitegen("init", str(site), cwd=tmp_path).returncode == 0
    fill_in_starter(site)
    imported = run_sitegen("import", str(FIXTURES / "import" / "wordpress-bilingual.xml"), "--into", str(site),
                           "--no-media", cwd=site)
    assert imported.returncode == 0, imported.stderr
    assert any("comments:" in p.read_text(encoding="utf-8") for p in (site / "content" / "posts").glob("*.md"))
    result = build(site, "--strict")
    assert result.returncode == 0, result.stderr


# The starter's placeholders: file, what is found there (quoted in the warning).
PLACEHOLDERS = [
    ("site.yml", "base_url is still the starter's placeholder address"),
    ("content/profile.yml", "'Your city' is the starter's placeholder location"),
    ("content/profile.yml", "'https://github.com/your-name' is the starter's sample link"),
    ("content/profile.yml", "'hello@jo-martin.example' is the starter's sample e-mail"),
    ("content/profile.yml", "'A few sentences about you: your niche,…' is the starter's sample bio"),
    ("content/pages/contact.md", "'hello@jo-martin.example' is the starter's sample e-mail"),
    ("content/pages/contact.fr.md", "'hello@jo-martin.example' is the starter's sample e-mail"),
    ("content/talks/signature-talk.yml", "'Your signature talk' is the starter's sample talk"),
    ("content/expertise/your-expertise.yml", "'Your area of expertise' is the starter's sample expertise area"),
    ("content/posts/*-welcome.md", "is the starter's sample post"),
    ("content/posts/*-welcome.fr.md", "is the starter's sample post"),
]


@pytest.fixture(scope="module")
def starter(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """A fresh `sitegen init` site: (folder, build output, --strict build output)."""
    site = tmp_path_factory.mktemp("starter") / "site"
    assert run_sitegen("init", str(site), "--name", "Jo Martin", cwd=site.parent).returncode == 0
    result = build(site)
    assert result.returncode == 0, result.stderr
    strict = build(site, "--strict")
    assert strict.returncode == 1
    return site, result.stderr, strict.stderr


@pytest.mark.parametrize("file, found", PLACEHOLDERS, ids=[f"{f}: {w[:30]}" for f, w in PLACEHOLDERS])
def test_a_starter_placeholder_left_in_a_site_is_named_with_its_line(starter, file: str, found: str):
    site, output, strict = starter
    path = next(site.glob(file))
    shown = path.relative_to(site).as_posix()
    match = re.search(rf"^warning: {re.escape(shown)}:(\d+): (?:'(.+?)…?' )?.*{re.escape(found)}", output,
                      re.MULTILINE)
    assert match, output
    line = path.read_text(encoding="utf-8").splitlines()[int(match.group(1)) - 1]
    written = re.match(r"'(.+?)…?' ", found)
    # The line named is the one with the placeholder.
    assert (written.group(1) if written else match.group(2) or "base_url") in line
    assert f"{shown}:{match.group(1)}:" in strict


def test_a_filled_in_starter_and_a_commented_placeholder_build_strict(tmp_path: Path):
    site = tmp_path / "site"
    assert run_sitegen("init", str(site), "--name", "Jo Martin", cwd=tmp_path).returncode == 0
    fill_in_starter(site)
    with (site / "content" / "profile.yml").open("a", encoding="utf-8") as profile:
        profile.write("# location: Your city   (a comment is not published)\n")
    result = build(site, "--strict")
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr


def test_the_example_site_builds_without_a_warning(tmp_path: Path):
    result = run_sitegen("build", "--output", str(tmp_path / "public"), "--no-cache", "--strict", cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr
    home = BeautifulSoup((tmp_path / "public" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert [a.get_text() for a in home.select('a[rel~="me"]')] == ["Mastodon", "GitHub", "LinkedIn"]
