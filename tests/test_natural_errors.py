"""What a person wrote -> what sitegen did, through the real CLI: skeletons
from `sitegen new`, errors that teach (every mistake, the right culprit and
line, one prefixed line each) and the audit of a site built for another
address."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import fill_in_starter, run_sitegen

TODAY = "2026-11-18"  # conftest's SOURCE_DATE_EPOCH


@pytest.fixture
def trilingual(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    result = run_sitegen("init", str(site), "--languages", "en,fr,de", "--name", "Ada Test", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    fill_in_starter(site)  # the starter's own placeholders fail --strict (test_natural_links)
    return site


# --- sitegen new -------------------------------------------------------------

NEW = [
    # (command line, file written, placeholder marks expected in it)
    (["post", "Flaky tests"], f"content/posts/{TODAY}-flaky-tests.md", ["TO FILL:"]),
    (["post", "Tests instables", "--lang", "fr"], f"content/posts/{TODAY}-tests-instables.fr.md",
     ["À COMPLÉTER\u00a0:"]),
    (["post", "Flockige Tests", "--lang", "de"], f"content/posts/{TODAY}-flockige-tests.de.md", ["AUSZUFÜLLEN:"]),
    (["talk", "Flaky tests are bugs"], "content/talks/flaky-tests-are-bugs.yml",
     ["TO FILL:", "À COMPLÉTER\u00a0:", "AUSZUFÜLLEN:"]),
    (["workshop", "Testing that pays"], "content/workshops/testing-that-pays.yml",
     ["TO FILL:", "À COMPLÉTER\u00a0:", "AUSZUFÜLLEN:"]),
    (["expertise", "Accessibility"], "content/expertise/accessibility.yml",
     ["TO FILL:", "À COMPLÉTER\u00a0:", "AUSZUFÜLLEN:"]),
]


@pytest.mark.parametrize("args, written, marks", NEW, ids=[" ".join(row[0]) for row in NEW])
def test_new_writes_a_dated_draft_with_placeholders_in_each_language(trilingual: Path, args: list[str],
                                                                   written: str, marks: list[str]):
    result = run_sitegen("new", *args, cwd=trilingual)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"wrote {written}"
    text = (trilingual / written).read_text(encoding="utf-8")
    for mark in marks:
        assert mark in text, f"{mark!r} missing from\n{text}"
    data = yaml.safe_load(text.split("---")[1] if written.endswith(".md") else text)
    assert data["draft"] is True
    if not written.endswith(".md"):
        # Every language has its own placeholder, never another language's words.
        assert data["summary"]["fr"].startswith("À COMPLÉTER") and data["summary"]["de"].startswith("AUSZUFÜLLEN")
    for flags in ([], ["--drafts"]):
        build = run_sitegen("build", "--strict", *flags, cwd=trilingual)
        assert build.returncode == 0, build.stderr
        assert "warning" not in build.stderr, build.stderr
    published = "\n".join(p.read_text(encoding="utf-8") for p in (trilingual / "public").rglob("*.html"))
    assert marks[0].split("\u00a0")[0] in published, "with --drafts the skeleton is on the site"
    assert run_sitegen("build", cwd=trilingual).returncode == 0
    published = "\n".join(p.read_text(encoding="utf-8") for p in (trilingual / "public").rglob("*.html"))
    assert not re.search("TO FILL|COMPLÉTER|AUSZUFÜLLEN", published), "a draft stays off the published site"


# --- every mistake in a file, in one run, one prefixed line each -------------

def every_line_is_prefixed(stderr: str) -> None:
    lines = stderr.strip().splitlines()
    assert lines and all(line.startswith(("error: ", "hint: ")) for line in lines), stderr


MISTAKES = [
    # (file, what a person wrote, what sitegen said: one line per mistake)
    ("content/posts/2026-01-10-hello.md", "---\ntitle: Hello\ndate: 2026-02-30\ntags: 5\ndraft: maybe\n---\nHi\n",
     ["content/posts/2026-01-10-hello.md:3: date: '2026-02-30' is not a real date",
      "content/posts/2026-01-10-hello.md:4: tags must be a list of text",
      "content/posts/2026-01-10-hello.md:5: draft must be true or false, not 'maybe'"]),
    ("content/posts/2026-01-10-hello.md", "---\ntitle: Hello\nsummary: [a]\nimage: 3\nslug: a b\n---\nHi\n",
     ["content/posts/2026-01-10-hello.md:1: front matter: 'date' is required",
      "content/posts/2026-01-10-hello.md:3: summary must be text",
      "content/posts/2026-01-10-hello.md:4: image must be a file path or URL",
      "content/posts/2026-01-10-hello.md:5: slug: 'a b' is not one URL segment"]),
    ("content/pages/contact.md", "---\ntitle: Contact\ndraft: yes please\naliases: [../x]\n---\nHi\n",
     ["content/pages/contact.md:3: draft must be true or false", "content/pages/contact.md:4: aliases:"]),
    ("content/talks/test-talk.yml",
     "title: {en: T, fr: T}\nweight: heavy\nformats: [zoom, online]\nsessions:\n  - {event: X}\n"
     "  - {date: 2026-13-01, event: Y, online: sometimes}\ndraft: maybe\n",
     ["content/talks/test-talk.yml:2: weight must be a whole number",
      "content/talks/test-talk.yml:3: formats: 'zoom' is not a format",
      "content/talks/test-talk.yml:5: each session needs at least a date",
      "content/talks/test-talk.yml:6: sessions.1.date: '2026-13-01' is not a real date",
      "content/talks/test-talk.yml:6: sessions.1.online must be true or false",
      "content/talks/test-talk.yml:7: draft must be true or false"]),
    ("content/profile.yml", "name: Ada\nphoto: 'javascript:alert(1)'\nemail: 'a?b@c'\navailability: [{note: x}]\n",
     ["content/profile.yml:2: photo: 'javascript:' links are not allowed",
      "content/profile.yml:3: email: 'a?b@c' is not an e-mail address",
      "content/profile.yml:4: each availability notice needs a note and an until date"]),
    ("site.yml", "base_url: https://ada.example\nposts_per_page: 0\nfeed: {items: 0}\ntimezone: Mars/Olympus\n",
     ["site.yml:1: title: missing", "site.yml:2: posts_per_page: must be a whole number",
      "site.yml:3: feed.items: must be a whole number", "site.yml:4: timezone: unknown time zone"]),
]


@pytest.mark.parametrize("name, text, said", MISTAKES, ids=[f"{row[0]}:{len(row[2])}" for row in MISTAKES])
def test_every_mistake_in_a_file_is_reported_in_one_run(mini_site: Path, name: str, text: str, said: list[str]):
    (mini_site / name).write_text(text, encoding="utf-8")
    result = run_sitegen("build", cwd=mini_site)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    every_line_is_prefixed(result.stderr)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    for expected in said:
        assert any(line.startswith(f"error: {expected}") for line in errors), f"{expected!r} not in\n{result.stderr}"
    assert len(errors) == len(said), result.stderr


def test_mistakes_in_several_files_are_each_reported_with_their_hints(mini_site: Path):
    (mini_site / "content/posts/second.md").write_text("---\ntitle: Second\n---\nHi\n", encoding="utf-8")
    (mini_site / "content/expertise/testing.yml").write_text("title: {en: T, xx: T}\n", encoding="utf-8")
    result = run_sitegen("build", cwd=mini_site)
    assert result.returncode == 1
    every_line_is_prefixed(result.stderr)
    assert "error: content/posts/second.md:1: front matter: 'date' is required" in result.stderr
    assert "hint: content/posts/second.md:1: add a line 'date: 2026-11-22'" in result.stderr
    assert "error: content/expertise/testing.yml:1: title: 'xx' is not a language of this site" in result.stderr


# --- the right culprit and the right line -------------------------------------

CULPRITS = [
    # (command line, environment, what sitegen blamed)
    (["build", "--base-url", "jane.example"], {},
     "error: --base-url: must be an absolute URL such as https://jane.example, not 'jane.example'"),
    (["build"], {"SITEGEN_BASE_URL": "ftp://ada.example"},
     "error: SITEGEN_BASE_URL: must be an absolute URL such as https://jane.example, not 'ftp://ada.example'"),
    (["build", "--base-url", "https://ada.example/blog"], {}, "error: --base-url: 'https://ada.example/blog' has a path"),
    (["build", "--output", "content"], {}, "error: --output: 'content' is inside content/"),
    (["build", "--output", "."], {}, "error: --output: '.' is the site root or contains it"),
    (["check", "--base-url", "nope"], {}, "error: --base-url: must be an absolute URL"),
    (["check"], {"SITEGEN_BASE_URL": "https://ada.example/x"}, "error: SITEGEN_BASE_URL: 'https://ada.example/x' has a path"),
]


@pytest.mark.parametrize("args, env, blamed", CULPRITS, ids=[" ".join(r[0]) + str(r[1]) for r in CULPRITS])
def test_a_value_from_the_command_line_or_environment_is_blamed_on_it(mini_site: Path, args: list[str],
                                                                   env: dict[str, str], blamed: str):
    result = run_sitegen(*args, cwd=mini_site, env=env)
    assert result.returncode == 1
    every_line_is_prefixed(result.stderr)
    assert result.stderr.startswith(blamed), result.stderr
    assert "site.yml" not in result.stderr, "site.yml is fine: the flag or the variable is wrong"


BROKEN_YAML = [
    # (a two-line site.yml, the line sitegen names, what it says)
    ("title: Ada\nbase_url\n", 2, "this line has no ':' after its key"),
    ('title: "Ada\nbase_url: https://ada.example\n', 1, "a quote opened on this line is never closed"),
    ("title: Ada\nlanguages: [en, fr\n", 2, "a '[' opened on this line is never closed"),
    ("title: Ada\nfeed: {items: 3\n\n\n", 2, "a '{' opened on this line is never closed"),
    ("title: Ada\n  base_url: https://ada.example\n", 2, "mapping values are not allowed"),
]


@pytest.mark.parametrize("text, line, said", BROKEN_YAML, ids=[row[2] for row in BROKEN_YAML])
def test_yaml_that_ends_too_soon_names_a_line_of_the_file(mini_site: Path, text: str, line: int, said: str):
    (mini_site / "site.yml").write_text(text, encoding="utf-8")
    result = run_sitegen("build", cwd=mini_site)
    assert result.returncode == 1
    every_line_is_prefixed(result.stderr)
    assert result.stderr.startswith(f"error: site.yml:{line}: invalid YAML: {said}"), result.stderr


def test_a_front_matter_list_left_open_names_its_line_not_the_closing_dashes(mini_site: Path):
    post = "content/posts/second.md"
    (mini_site / post).write_text("---\ntitle: Second\ndate: 2026-01-01\ntags: [a, b\n---\nHi\n", encoding="utf-8")
    result = run_sitegen("build", cwd=mini_site)
    assert result.stderr.startswith(f"error: {post}:4: invalid YAML: a '[' opened on this line"), result.stderr


def test_a_template_error_points_to_documentation_the_user_has(mini_site: Path):
    override = mini_site / "themes/default/templates/tags.html"
    override.parent.mkdir(parents=True)
    override.write_text("<p>{{ tag_cloud }}</p>\n", encoding="utf-8")
    result = run_sitegen("build", cwd=mini_site)
    assert result.returncode == 1
    every_line_is_prefixed(result.stderr)
    assert "error: themes/default/templates/tags.html:1: template error: 'tag_cloud' is undefined" in result.stderr
    hint = next(line for line in result.stderr.splitlines() if line.startswith("hint: "))
    assert "'sitegen docs templates'" in hint and "docs/templates.md" not in hint
    docs = run_sitegen("docs", "templates", cwd=mini_site)
    assert docs.returncode == 0 and "| `tags.html` |" in docs.stdout


# --- sitegen check for a site built elsewhere ---------------------------------

PREVIEW = "https://deploy-preview-7--ada.netlify.app"


@pytest.mark.parametrize("how", ["flag", "environment"])
def test_check_audits_a_site_built_for_another_address(mini_site: Path, how: str):
    args, env = (["--base-url", PREVIEW], {}) if how == "flag" else ([], {"SITEGEN_BASE_URL": PREVIEW})
    built = run_sitegen("build", *args, cwd=mini_site, env=env)
    assert built.returncode == 0, built.stderr
    checked = run_sitegen("check", *args, cwd=mini_site, env=env)
    assert checked.returncode == 0, checked.stdout
    assert re.search(r"0 error\(s\)", checked.stdout)


def test_check_sees_a_missing_hreflang_even_when_x_default_points_back(built_mini: Path):
    page = built_mini / "fr/index.html"
    html = page.read_text(encoding="utf-8")
    assert 'hreflang="x-default" href="https://ada.example/"' in html
    page.write_text(re.sub(r'<link rel="alternate" hreflang="en"[^>]*>', "", html), encoding="utf-8")
    checked = run_sitegen("check", cwd=built_mini.parent)
    assert checked.returncode == 1
    assert "hreflang fr → https://ada.example/fr/ is not reciprocal" in checked.stdout, checked.stdout


def test_check_without_the_build_address_says_so_once(mini_site: Path):
    assert run_sitegen("build", "--base-url", PREVIEW, cwd=mini_site).returncode == 0
    checked = run_sitegen("check", cwd=mini_site)
    assert checked.returncode == 1
    assert f"the site was built for {PREVIEW}, not https://ada.example" in checked.stdout
    assert f"--base-url {PREVIEW}" in checked.stdout
    assert re.search(r"\b1 error\(s\)", checked.stdout), "one error that says why, not one per link"
