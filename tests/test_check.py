"""`sitegen check`: clean on good builds, and finds each kind of planted problem."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import REPO, run_sitegen


def check_json(site: Path, *args: str) -> tuple[int, dict]:
    result = run_sitegen("check", "--format", "json", *args, cwd=site)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def messages(report: dict, level: str = "error") -> list[str]:
    return [f"{f['where']}: {f['message']}" for f in report["findings"] if f["level"] == level]


def test_clean_build_passes_strict_check(built_mini: Path):
    site = built_mini.parent
    result = run_sitegen("check", "--strict", cwd=site)
    assert result.returncode == 0, result.stdout
    assert re.search(r"checked \d+ pages and \d+ feeds: 0 error\(s\), 0 warning\(s\)", result.stdout)


def test_example_site_passes_strict_check(built_example: Path):
    result = run_sitegen("check", "--strict", "--output", str(built_example), cwd=REPO)
    assert result.returncode == 0, result.stdout


def test_translation_report_lists_single_language_posts(built_mini: Path):
    _, report = check_json(built_mini.parent)
    # `seulement` exists only in French, `second` only in English.
    assert "/fr/posts/seulement/" in report["missing_translations"]["posts"]["en"]
    assert "/posts/second/" in report["missing_translations"]["posts"]["fr"]


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


PLANTS = [
    ("broken link", lambda o: edit(o / "posts/second/index.html", "</main>", '<a href="/posts/nope/">x</a></main>'),
     "error", "/posts/second/: broken link to /posts/nope/"),
    ("cross-language broken link",
     lambda o: edit(o / "fr/index.html", "</main>", '<a href="/posts/absent/">x</a></main>'),
     "error", "/fr/: broken link to /posts/absent/"),
    ("missing anchor", lambda o: edit(o / "posts/second/index.html", "</main>",
                                      '<a href="/posts/hello/#no-such-heading">x</a></main>'),
     "error", "no element with id 'no-such-heading'"),
    ("hreflang not reciprocal",
     lambda o: edit(o / "fr/posts/hello/index.html", 'hreflang="en" href="https://ada.example/posts/hello/"',
                    'hreflang="en" href="https://ada.example/posts/second/"'),
     "error", "/fr/posts/hello/: hreflang en → https://ada.example/posts/second/ is not reciprocal"),
    ("image without alt", lambda o: edit(o / "posts/second/index.html", "</main>", '<img src="/img/ada.png"></main>'),
     "warning", "image /img/ada.png has no alt attribute"),
    ("missing description",
     lambda o: (p := o / "posts/second/index.html").write_text(
         re.sub(r'<meta name="description"[^>]*>', "", p.read_text(encoding="utf-8")), encoding="utf-8"),
     "warning", "/posts/second/: no meta description"),
    ("duplicate title",
     lambda o: (p := o / "posts/second/index.html").write_text(
         re.sub(r"<title>[^<]*</title>", re.search(r"<title>[^<]*</title>",
                (o / "posts/hello/index.html").read_text(encoding="utf-8")).group(0),
                p.read_text(encoding="utf-8")), encoding="utf-8"),
     "warning", "also used by"),
    ("feed guid missing", lambda o: (p := o / "feed.xml").write_text(
        re.sub(r"<guid[^>]*>[^<]*</guid>", "", p.read_text(encoding="utf-8"), count=1), encoding="utf-8"),
     "error", "has no guid"),
    ("feed date not RFC 822", lambda o: (p := o / "feed.xml").write_text(
        re.sub(r"<pubDate>[^<]*</pubDate>", "<pubDate>2026-01-10</pubDate>", p.read_text(encoding="utf-8"),
               count=1), encoding="utf-8"),
     "error", "is not an RFC 822 date"),
    ("feed self link wrong", lambda o: edit(o / "fr/feed.xml", 'href="https://ada.example/fr/feed.xml"',
                                            'href="https://ada.example/feed.xml"'),
     "error", "atom:link self is https://ada.example/feed.xml"),
    ("JSON-LD Event without location",
     lambda o: (p := o / "talks/test-talk/index.html").write_text(
         re.sub(r'"location":\s*\{[^{}]*\}', '"location": {}', p.read_text(encoding="utf-8"), count=1),
         encoding="utf-8"),
     "error", "JSON-LD Event lacks location"),
    ("JSON-LD that does not parse", lambda o: edit(o / "posts/hello/index.html", '"@context"', '"@context',),
     "error", "JSON-LD does not parse"),
    ("sitemap URL of a missing page", lambda o: edit(o / "sitemap.xml", "https://ada.example/posts/second/",
                                                     "https://ada.example/posts/gone/"),
     "error", "https://ada.example/posts/gone/ is not a page of this site"),
]


@pytest.mark.parametrize("plant, level, expected", [(p[1], p[2], p[3]) for p in PLANTS],
                         ids=[p[0] for p in PLANTS])
def test_check_finds_planted_problem(built_mini: Path, plant, level, expected):
    plant(built_mini)
    code, report = check_json(built_mini.parent)
    found = messages(report, level)
    assert any(expected in m for m in found), found
    if level == "error":
        assert code == 1
    else:
        assert code == 0
        assert run_sitegen("check", "--strict", cwd=built_mini.parent).returncode == 1


def test_check_without_a_build_is_a_usage_error(mini_site: Path):
    result = run_sitegen("check", cwd=mini_site)
    assert result.returncode == 2
    assert "run sitegen build first" in result.stderr


def test_build_check_runs_the_audit(mini_site: Path):
    result = run_sitegen("build", "--check", cwd=mini_site)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 error(s)" in result.stdout
