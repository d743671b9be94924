"""Incremental rebuilds give exactly the output of a full build.

A property-based test applies random sequences of edits, additions and
deletions to a real site on disk, rebuilds incrementally after each one, and
compares the output folder, byte for byte, with a clean full build of the
same sources.
"""

from __future__ import annotations

import filecmp
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, TODAY_EPOCH, run_sitegen
from sitegen.build import Builder, build

TAGS = ["testing", "écoles", "python", "tests", "ci"]
POSTS = "content/posts"


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def assert_same_as_full_build(site: Path, incremental_output: Path) -> None:
    clean = site.parent / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    build(site, output=str(clean), cache=False)
    want, got = tree(clean), tree(incremental_output)
    assert sorted(got) == sorted(want), (set(got) ^ set(want))
    different = [name for name in want if want[name] != got[name]]
    assert not different, different


# Each operation edits the site on disk; `n` makes names and text unique.
def write_post(site: Path, n: int, lang: str, tags: list[str], series: bool, draft: bool) -> None:
    suffix = "" if lang == "en" else f".{lang}"
    lines = ["---", f"title: Generated post {n}", f"date: 2026-0{1 + n % 9}-1{n % 10}", f"tags: [{', '.join(tags)}]"]
    if series:
        lines.append("series: Test series")
    if draft:
        lines.append("draft: true")
    if lang == "en":
        lines.append('abstract: {fr: "Résumé généré."}')
    lines += ["---", f"Body of generated post {n}.", ""]
    (site / POSTS / f"gen-{n}{suffix}.md").write_text("\n".join(lines), encoding="utf-8")


def posts(site: Path) -> list[Path]:
    return sorted((site / POSTS).glob("*.md"))


def op_add(site: Path, n: int, data) -> None:
    write_post(site, n, data.draw(st.sampled_from(["en", "fr"])),
               data.draw(st.lists(st.sampled_from(TAGS), max_size=3, unique=True)),
               data.draw(st.booleans()), data.draw(st.booleans()))


def op_translate(site: Path, n: int, data) -> None:
    generated = [p for p in posts(site) if p.name.startswith("gen-") and ".fr." not in p.name]
    if generated:
        source = data.draw(st.sampled_from(generated))
        target = source.with_name(source.stem + ".fr.md")
        target.write_text(source.read_text(encoding="utf-8").replace("title: ", "title: FR "), encoding="utf-8")


def op_delete(site: Path, n: int, data) -> None:
    candidates = [p for p in posts(site) if not p.name.startswith("2026-01-10-hello")]  # aliases live there
    if candidates:
        data.draw(st.sampled_from(candidates)).unlink()


def op_edit_body(site: Path, n: int, data) -> None:
    path = data.draw(st.sampled_from(posts(site)))
    path.write_text(path.read_text(encoding="utf-8") + f"\nEdit {n}.\n", encoding="utf-8")


def op_retitle(site: Path, n: int, data) -> None:
    path = data.draw(st.sampled_from(posts(site)))
    text = path.read_text(encoding="utf-8")
    start = text.index("title:")
    end = text.index("\n", start)
    path.write_text(text[:start] + f"title: Retitled {n}" + text[end:], encoding="utf-8")


def op_retag(site: Path, n: int, data) -> None:
    path = data.draw(st.sampled_from(posts(site)))
    tags = data.draw(st.lists(st.sampled_from(TAGS), max_size=3, unique=True))
    lines = path.read_text(encoding="utf-8").split("\n")
    lines = [line for line in lines if not line.startswith("tags:")]
    lines.insert(1, f"tags: [{', '.join(tags)}]")
    path.write_text("\n".join(lines), encoding="utf-8")


def op_toggle_draft(site: Path, n: int, data) -> None:
    path = data.draw(st.sampled_from(posts(site)))
    text = path.read_text(encoding="utf-8")
    if "\ndraft: true\n" in text:
        path.write_text(text.replace("\ndraft: true\n", "\n"), encoding="utf-8")
    else:
        path.write_text(text.replace("---\n", "---\ndraft: true\n", 1), encoding="utf-8")


def op_edit_service(site: Path, n: int, data) -> None:
    path = site / "content/expertise/testing.yml"
    text = path.read_text(encoding="utf-8")
    tags = data.draw(st.lists(st.sampled_from(TAGS), min_size=1, max_size=2, unique=True))
    lines = [line for line in text.split("\n") if not line.startswith(("tags:", "summary:"))]
    lines += [f"tags: [{', '.join(tags)}]", f"summary: {{en: Summary {n}, fr: Résumé {n}}}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def op_edit_profile(site: Path, n: int, data) -> None:
    path = site / "content/profile.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("headline: {en: ", f"headline: {{en: {n} "),
                    encoding="utf-8")


def op_override_template(site: Path, n: int, data) -> None:
    """A site template overriding the shipped one, then edited or removed."""
    path = site / "themes/default/templates/page.html"
    if path.exists() and data.draw(st.booleans()):
        shutil.rmtree(site / "themes")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{% extends "base.html" %}{% block content %}<h1>{{ content.title }}</h1>'
                    f"<p>override {n}</p>{{{{ content.body }}}}{{% endblock %}}", encoding="utf-8")


def op_edit_static(site: Path, n: int, data) -> None:
    (site / "content/static/notes.txt").write_text(f"notes {n}\n", encoding="utf-8")


def op_page(site: Path, n: int, data) -> None:
    path = site / "content/pages/contact.fr.md"
    if path.exists() and data.draw(st.booleans()):
        path.unlink()
    else:
        path.write_text(f"---\ntitle: Contact {n}\n---\nÉcrivez-moi {n}.\n", encoding="utf-8")


OPERATIONS = [op_add, op_translate, op_delete, op_edit_body, op_retitle, op_retag, op_toggle_draft,
              op_edit_service, op_edit_profile, op_override_template, op_edit_static, op_page]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), steps=st.lists(st.sampled_from(OPERATIONS), min_size=1, max_size=5))
def test_incremental_rebuilds_equal_full_builds(monkeypatch, data, steps):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", TODAY_EPOCH)
    work = Path(tempfile.mkdtemp(prefix="sitegen-incr-"))
    try:
        site = work / "site"
        shutil.copytree(FIXTURES / "mini", site)
        builder = Builder(site)
        first = builder.build()
        assert first.rendered == first.pages
        for n, step in enumerate(steps):
            step(site, n, data)
            builder.build()
            assert_same_as_full_build(site, site / "public")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_rebuild_renders_only_what_depends_on_the_change(mini_site: Path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", TODAY_EPOCH)
    builder = Builder(mini_site)
    first = builder.build()
    unchanged = builder.build()
    assert unchanged.rendered == 0
    assert unchanged.changed == []
    contact = mini_site / "content/pages/contact.md"
    contact.write_text(contact.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    edited = builder.build()
    # Only the page: its translation shows its address and title, not its text.
    assert edited.rendered == 1, edited.changed
    assert "contact/index.html" in edited.changed
    assert edited.rendered < first.pages
    retitled = contact.read_text(encoding="utf-8").replace("title: Contact", "title: Contact me", 1)
    assert retitled != contact.read_text(encoding="utf-8")
    contact.write_text(retitled, encoding="utf-8")
    # A new title reaches the translation's switcher and hreflang too.
    assert builder.build().rendered == 2


def test_build_cache_survives_between_runs_and_ignores_corruption(mini_site: Path):
    cold = run_sitegen("build", cwd=mini_site)
    assert cold.returncode == 0, cold.stderr
    warm = run_sitegen("build", cwd=mini_site)
    assert "unchanged pages reused" in warm.stdout
    before = {p: p.stat().st_mtime_ns for p in (mini_site / "public").rglob("*.html")}
    run_sitegen("build", cwd=mini_site)
    assert before == {p: p.stat().st_mtime_ns for p in (mini_site / "public").rglob("*.html")}, \
        "unchanged outputs were rewritten"
    cache = mini_site / ".sitegen-cache" / "build.pickle"
    data = bytearray(cache.read_bytes())
    data[len(data) // 2] ^= 0xFF
    cache.write_bytes(bytes(data))
    after_corruption = run_sitegen("build", cwd=mini_site)
    assert after_corruption.returncode == 0, after_corruption.stderr
    assert "unchanged pages reused" not in after_corruption.stdout
    clean = mini_site.parent / "clean"
    assert run_sitegen("build", "--no-cache", "--output", str(clean), cwd=mini_site).returncode == 0
    assert not filecmp.dircmp(mini_site / "public", clean).diff_files


@pytest.mark.parametrize("change", ["settings", "theme string"])
def test_global_changes_rerender_everything(mini_site: Path, monkeypatch, change):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", TODAY_EPOCH)
    builder = Builder(mini_site)
    first = builder.build()
    if change == "settings":
        path = mini_site / "site.yml"
        path.write_text(path.read_text(encoding="utf-8").replace("Ada Test", "Ada Tested"), encoding="utf-8")
    else:
        strings = mini_site / "themes/default/i18n"
        strings.mkdir(parents=True)
        (strings / "fr.yml").write_text('skip_link: "Aller au texte"\n', encoding="utf-8")
    again = builder.build()
    assert again.rendered == first.pages
    if change == "theme string":
        assert "Aller au texte" in (mini_site / "public/fr/index.html").read_text(encoding="utf-8")
    assert_same_as_full_build(mini_site, mini_site / "public")
