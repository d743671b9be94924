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

from conftest import run_sitegen

TODAY = "2026-11-18"  # conftest's SOURCE_DATE_EPOCH


@pytest.fixture
def trilingual(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    result = run_sitegen("init", str(site), "--languages", "en,fr,de", "--name", "Ada Test", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
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
