"""Real exports (tests/fixtures/imports/, sources in its README): each goes
through `sitegen import` → `sitegen build` → `sitegen check`, as a user's
first hour would. No error, no stray backslash, no element that was text in
the export, every approved comment of a published post or page shown.

Media are not downloaded (--no-media): the tests never leave 127.0.0.1."""

from __future__ import annotations

import importlib.util
import re
import time
from pathlib import Path

import pytest

from conftest import FIXTURES, run_sitegen

REAL = FIXTURES / "imports"
# Two of them also need fixes made beside issue 28 (merged separately): posts with 27 tags made the
# build's similar posts exponential (issue 27, site/similar.py), and an old permalink `//greek/…`
# is an alias the build refuses (issue 28's other half, importer/fit.py). Until both are in this
# tree these two are skipped, never run half; with them, all pass (checked on the merged branches).
NEEDS = {"wordpress-importer-small-export.xml": ["sitegen.site.similar"],
         "wordpress-theme-unit-test-data.xml": ["sitegen.site.similar", "sitegen.importer.fit"]}


def needs(name: str) -> list:
    missing = [module for module in NEEDS.get(name, []) if importlib.util.find_spec(module) is None]
    return [pytest.mark.skip(reason=f"needs {', '.join(missing)} (merged separately)")] if missing else []


EXPORTS = [pytest.param(p.name, marks=needs(p.name)) for p in sorted(REAL.glob("*.xml"))]
# Elements an archive's body never brings to the site (an escaped `<script>` is text).
NEVER_LIVE = re.compile(r"<(script|style|iframe|frame|object|embed|applet|form|input|textarea|select|button|link|"
                        r"meta|base|html|head|body|svg|math)\b", re.I)


def published_comments(export: str) -> int:
    """Approved comments on published posts and pages, counted from the file itself."""
    text = (REAL / export).read_text(encoding="utf-8", errors="replace")
    if "<rss" in text[:3000]:
        total = 0
        for item in re.findall(r"<item>.*?</item>", text, re.S):
            kind = re.search(r"<wp:post_type>(?:<!\[CDATA\[)?(\w+)", item)
            status = re.search(r"<wp:status>(?:<!\[CDATA\[)?(\w+)", item)
            password = re.search(r"<wp:post_password>(?:<!\[CDATA\[)?([^<\]]+)", item)
            if not kind or kind.group(1) not in ("post", "page") or not status or status.group(1) != "publish" or password:
                continue
            for comment in re.findall(r"<wp:comment>.*?</wp:comment>", item, re.S):
                approved = re.search(r"<wp:comment_approved>(?:<!\[CDATA\[)?(\w+)", comment)
                kind = re.search(r"<wp:comment_type>(?:<!\[CDATA\[)?(\w*)", comment)
                if approved and approved.group(1) == "1" and (not kind or kind.group(1) in ("", "comment")):
                    total += 1
        return total
    entries = re.findall(r"<entry>.*?</entry>", text, re.S)
    posts = {re.search(r"<id>([^<]+)</id>", e).group(1) for e in entries
             if ("kind#post" in e or "kind#page" in e) and "<app:draft>yes" not in e}
    total = 0
    for e in entries:
        if "kind#comment" in e:
            ref = re.search(r"in-reply-to[^>]*ref=['\"]([^'\"]+)", e)
            total += bool(ref and ref.group(1) in posts)
    return total


@pytest.fixture(scope="module")
def timings():
    seen: dict[str, float] = {}
    yield seen
    print("\nreal exports, import+build+check seconds:", {k: round(v, 1) for k, v in seen.items()})


@pytest.mark.parametrize("export", EXPORTS)
def test_real_export_imports_builds_and_checks(export: str, tmp_path: Path, timings: dict):
    started = time.monotonic()
    assert run_sitegen("init", str(tmp_path / "site"), cwd=tmp_path).returncode == 0
    site = tmp_path / "site"
    imported = run_sitegen("import", str(REAL / export), "--into", str(site), "--no-media", cwd=site)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert "Traceback" not in imported.stderr
    built = run_sitegen("build", cwd=site)
    assert built.returncode == 0, built.stderr
    checked = run_sitegen("check", cwd=site)
    assert " 0 error(s)" in checked.stdout, checked.stdout
    timings[export] = time.monotonic() - started

    shown_comments = 0
    for page in (site / "public").rglob("index.html"):
        html = page.read_text(encoding="utf-8")
        shown_comments += html.count('<li class="comment h-cite"')
        if '<div class="prose' not in html:
            continue
        body = html.split('<div class="prose', 1)[1].split("</article>", 1)[0]
        live = NEVER_LIVE.search(body)
        assert live is None, f"{page}: a live <{live.group(1)}> from the archive"
        prose = re.sub(r"<pre.*?</pre>|<code.*?</code>", "", body, flags=re.S)
        # the defect's mark: a backslash ending a paragraph, a list item, a heading or a line
        stray = re.search(r".{0,60}\\\s*(?:</p>|</li>|</h\d>|<br)", prose)
        assert stray is None, f"{page}: a stray backslash: {stray.group(0)!r}"
    assert shown_comments == published_comments(export), imported.stdout
