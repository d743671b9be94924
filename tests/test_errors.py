"""Bad input (SPEC §5): one clear message naming the file and line, exit 1,
no traceback, and the previous output left untouched."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Callable

import pytest

from conftest import run_sitegen


def write(rel: str, text: str | bytes) -> Callable[[Path], None]:
    def apply(site: Path) -> None:
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    return apply


def replace(rel: str, old: str, new: str) -> Callable[[Path], None]:
    def apply(site: Path) -> None:
        path = site / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"fixture changed: {old!r} not in {rel}"
        path.write_text(text.replace(old, new), encoding="utf-8")
    return apply


POST = "content/posts/bad.md"
TALK = "content/talks/test-talk.yml"
CASES = [
    ("front matter YAML", write(POST, "---\ntitle: Bad\ndate: 2026-01-01\ntags: [a, b\n---\nBody\n"),
     [f"{POST}:4:", "invalid YAML", "'[' opened on this line"]),  # where it opens, not the closing '---'
    ("service YAML", write("content/talks/bad.yml", "title: Fine\nsummary: {en: x\nbody: y\n"),
     ["content/talks/bad.yml:3:", "invalid YAML"]),  # noticed on the next key
    ("site.yml YAML", replace("site.yml", "posts_per_page: 2", "posts_per_page: [2"),
     ["site.yml:9:", "invalid YAML"]),
    ("front matter not a mapping", write(POST, "---\n- just\n- a list\n---\nBody\n"),
     [f"{POST}:2:", "front matter must be 'key: value' lines"]),
    ("front matter not closed", write(POST, "---\ntitle: Open\ndate: 2026-01-01\nBody without end\n"),
     [f"{POST}:1:", "front matter is not closed", "add a line '---'"]),
    ("no front matter", write(POST, "Just text\n"), [f"{POST}:1:", "no front matter"]),
    ("missing title", write(POST, "---\ndate: 2026-01-01\n---\nBody\n"), [f"{POST}:1:", "'title' is required"]),
    ("missing date", write(POST, "---\ntitle: No date\n---\nBody\n"), [f"{POST}:1:", "'date' is required"]),
    ("impossible date", write(POST, "---\ntitle: Bad date\ndate: 2026-02-30\n---\nBody\n"),
     [f"{POST}:3:", "date: '2026-02-30' is not a real date"]),
    ("date that is not a date", write(POST, "---\ntitle: Bad date\ndate: next tuesday\n---\nBody\n"),
     [f"{POST}:3:", "is not a date", "2026-11-22"]),
    ("not UTF-8", write(POST, "---\ntitle: Caf\xe9\ndate: 2026-01-01\n---\n".encode("latin-1")),
     [f"{POST}:2:", "not valid UTF-8", "save the file with UTF-8"]),
    # A Latin-1 name (an old Windows or FTP copy): the hint guesses the UTF-8 name.
    ("file name not UTF-8", write(os.fsdecode(b"content/posts/2026-01-02-caf\xe9.md"),
                                  "---\ntitle: Caf\u00e9\ndate: 2026-01-02\n---\nx\n"),
     ["content/posts/2026-01-02-caf\\xe9.md: this name is not UTF-8 text", "rename it in UTF-8, e.g. to "
      "'2026-01-02-caf\u00e9.md'"]),
    ("static file name not UTF-8", write(os.fsdecode(b"content/static/r\xe9sum\xe9.pdf"), "%PDF-1.4\n"),
     ["content/static/r\\xe9sum\\xe9.pdf: this name is not UTF-8 text", "'r\u00e9sum\u00e9.pdf'"]),
    ("language suffix not in site.yml", write("content/posts/hallo.de.md", "---\ntitle: Hallo\ndate: 2026-01-01\n---\nx\n"),
     ["content/posts/hallo.de.md:1:", "language suffix '.de' is not a language of this site (en, fr)"]),
    ("lang key not in site.yml", write(POST, "---\ntitle: Hallo\ndate: 2026-01-01\nlang: de\n---\nx\n"),
     [f"{POST}:4:", "lang: 'de' is not a language of this site"]),
    ("duplicate URLs", write("content/posts/other-hello.md", "---\ntitle: Clash\ndate: 2026-01-01\nslug: hello\n---\nx\n"),
     ["posts/hello/index.html", "content/posts/2026-01-10-hello.md", "content/posts/other-hello.md"]),
    ("alias over a page", write(POST, "---\ntitle: Alias clash\ndate: 2026-01-01\naliases: [/contact/]\n---\nx\n"),
     ["contact/index.html", "content/pages/contact.md", POST]),
    ("unknown expertise", replace(TALK, "expertise: [testing]", "expertise: [testing, nope]"),
     [f"{TALK}:12:", "no expertise named 'nope'", "testing"]),
    ("session date not a date", replace(TALK, "date: 2025-05-14", "date: next spring"),
     [f"{TALK}:14:", "sessions.0.date: 'next spring' is not a date"]),
    ("relative base_url", replace("site.yml", "base_url: https://ada.example", "base_url: /ada"),
     ["site.yml:3:", "base_url: must be an absolute URL"]),
    ("missing theme", replace("site.yml", "theme: default", "theme: nope"),
     ["site.yml:7:", "no theme 'nope'"]),
    ("output is the site root", replace("site.yml", "theme: default", "theme: default\noutput: ."),
     ["site.yml:8:", "output: '.' is the site root"]),
    ("output is content/", replace("site.yml", "theme: default", "theme: default\noutput: content"),
     ["site.yml:8:", "output: 'content' is inside content/"]),
    ("output is a theme", replace("site.yml", "theme: default", "theme: default\noutput: themes/default"),
     ["site.yml:8:", "inside themes/"]),
    ("template syntax error", write("themes/default/templates/post.html", "{% extends 'base.html' %}\n{% block main %}\n{% if %}\n{% endblock %}\n"),
     ["themes/default/templates/post.html:3:", "template syntax error"]),
    ("template undefined variable", write("themes/default/templates/page.html", "<p>\n{{ content.nope.deeper }}\n</p>\n"),
     ["themes/default/templates/page.html:2:", "template error", "nope"]),
    ("cache block keyed by a list", write("themes/default/templates/page.html",
                                          "<p>\n{% cache content.title, [lang] %}x{% endcache %}\n</p>\n"),
     ["themes/default/templates/page.html:2:", "a {% cache %} key must be made of text, numbers"]),
    ("cache block left open", write("themes/default/templates/page.html", "<p>\n{% cache lang %}x\n</p>\n"),
     ["themes/default/templates/page.html:", "template syntax error", "endcache"]),
    ("template not UTF-8", write("themes/default/templates/page.html", "<p>\n{{ content.title }}\n".encode() + b"caf\xe9</p>\n"),
     ["themes/default/templates/page.html:3:", "not valid UTF-8 (byte 0xe9", "save the template with UTF-8"]),
]


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("mistake, expected", [(c[1], c[2]) for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_one_clear_message_and_keeps_last_good_output(mini_site: Path, mistake, expected):
    first = run_sitegen("build", cwd=mini_site)
    assert first.returncode == 0, first.stderr
    before = snapshot(mini_site / "public")

    mistake(mini_site)
    result = run_sitegen("build", cwd=mini_site)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    for text in expected:
        assert text in result.stderr, f"{text!r} not in:\n{result.stderr}"
    assert snapshot(mini_site / "public") == before
    assert not list(mini_site.glob(".public*")), "staging folder left behind"


def test_usage_error_exits_2(mini_site: Path):
    result = run_sitegen("build", "--no-such-flag", cwd=mini_site)
    assert result.returncode == 2
    assert "--no-such-flag" in result.stderr and "Traceback" not in result.stderr


def test_several_broken_files_are_all_reported(mini_site: Path):
    write("content/posts/a.md", "---\ntitle: A\n---\nx\n")(mini_site)
    write("content/posts/b.md", "---\ndate: 2026-01-01\n---\nx\n")(mini_site)
    result = run_sitegen("build", cwd=mini_site)
    assert result.returncode == 1
    assert "content/posts/a.md:1: front matter: 'date' is required" in result.stderr, result.stderr
    assert "content/posts/b.md:1: front matter: 'title' is required" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
