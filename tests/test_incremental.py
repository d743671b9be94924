"""Incremental rebuilds give exactly the output of a full build.

Property-based tests apply random sequences of edits, additions and
deletions to a real site on disk, rebuild incrementally after each one (in
one process, as `sitegen serve` does, and through the cache on disk, as
successive `sitegen build` runs do), and compare the output folder, byte for
byte, with a clean full build of the same sources.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, TODAY_EPOCH, run_sitegen
from treediff import differing_files
from sitegen.build.builder import Builder, build

TAGS = ["testing", "écoles", "python", "tests", "ci"]
POSTS = "content/posts"


def assert_same_as_full_build(site: Path, incremental_output: Path) -> None:
    clean = site.parent / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    build(site, output=str(clean), cache=False)
    assert differing_files(clean, incremental_output) == []


# Each operation edits the site on disk; `n` makes names and text unique.
SERIES = {"none": None, "plain": "series: Test series", "localized": "series: {en: Test series, fr: Série de tests}"}


def write_post(site: Path, n: int, lang: str, tags: list[str], series: str, draft: bool,
               extension: str = ".md") -> None:
    suffix = "" if lang == "en" else f".{lang}"
    lines = ["---", f"title: Generated post {n}", f"date: 2026-0{1 + n % 9}-1{n % 10}", f"tags: [{', '.join(tags)}]"]
    if SERIES[series]:
        lines.append(SERIES[series])
    if draft:
        lines.append("draft: true")
    if lang == "en":
        lines.append('abstract: {fr: "Résumé généré."}')
    lines += ["---", f"Body of generated post {n}.", ""]
    (site / POSTS / f"gen-{n}{suffix}{extension}").write_text("\n".join(lines), encoding="utf-8")


def posts(site: Path) -> list[Path]:
    return sorted([*(site / POSTS).glob("*.md"), *(site / POSTS).glob("*.markdown")])


def op_add(site: Path, n: int, data) -> None:
    write_post(site, n, data.draw(st.sampled_from(["en", "fr"])),
               data.draw(st.lists(st.sampled_from(TAGS), max_size=3, unique=True)),
               data.draw(st.sampled_from(sorted(SERIES))), data.draw(st.booleans()),
               data.draw(st.sampled_from([".md", ".markdown"])))


def op_rename_markdown(site: Path, n: int, data) -> None:
    """`x.md` becomes `x.markdown` or back: the same post."""
    path = data.draw(st.sampled_from(posts(site)))
    path.rename(path.with_suffix(".md" if path.suffix == ".markdown" else ".markdown"))


def op_translate(site: Path, n: int, data) -> None:
    generated = [p for p in posts(site) if p.name.startswith("gen-") and ".fr." not in p.name]
    if generated:
        source = data.draw(st.sampled_from(generated))
        target = source.with_name(source.stem + ".fr.md")
        if target.with_suffix(".markdown").exists():
            target = target.with_suffix(".markdown")
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


def op_edit_image(site: Path, n: int, data) -> None:
    """The folder post's image redrawn, small or large enough for variants."""
    from PIL import Image

    size = data.draw(st.sampled_from([(600, 300), (900, 500), (1300, 700)]))
    Image.new("RGB", size, ((n * 50) % 256, 90, 160)).save(site / "content/posts/bundle/diagram.png")


def op_page(site: Path, n: int, data) -> None:
    path = site / "content/pages/contact.fr.md"
    if path.exists() and data.draw(st.booleans()):
        path.unlink()
    else:
        path.write_text(f"---\ntitle: Contact {n}\n---\nÉcrivez-moi {n}.\n", encoding="utf-8")


@contextmanager
def copy_of_mini_site() -> Iterator[Path]:
    """A fresh copy per example: hypothesis runs many in one test."""
    work = Path(tempfile.mkdtemp(prefix="sitegen-incr-"))
    try:
        site = work / "site"
        shutil.copytree(FIXTURES / "mini", site)
        yield site
    finally:
        shutil.rmtree(work, ignore_errors=True)


OPERATIONS = [op_add, op_translate, op_delete, op_edit_body, op_retitle, op_retag, op_toggle_draft,
              op_edit_service, op_edit_profile, op_override_template, op_edit_static, op_page, op_rename_markdown, op_edit_image]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), steps=st.lists(st.sampled_from(OPERATIONS), min_size=1, max_size=5))
def test_incremental_rebuilds_equal_full_builds(monkeypatch, data, steps):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", TODAY_EPOCH)
    with copy_of_mini_site() as site:
        builder = Builder(site)
        first = builder.build()
        assert first.rendered == first.pages
        for n, step in enumerate(steps):
            step(site, n, data)
            builder.build()
            assert_same_as_full_build(site, site / "public")


def op_nothing(site: Path, n: int, data) -> None:
    """A build with no change at all: it must skip everything, and still be right."""


def age_written_files(site: Path, before: dict[Path, int], base_ns: int, step: int) -> dict[Path, int]:
    """Files written since `before` get a time of their own in the past, as
    if written a while ago (no racy-time fallback then: the sources'
    signature alone must tell the change). Returns the new times."""
    now: dict[Path, int] = {}
    for path in sorted(site.rglob("*")):
        if path.is_file() and not {"public", ".sitegen-cache"} & set(path.relative_to(site).parts):
            if before.get(path) != path.stat().st_mtime_ns:
                stamp = base_ns + step * 1_000_000_000
                os.utime(path, ns=(stamp, stamp))
            now[path] = path.stat().st_mtime_ns
    return now


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), steps=st.lists(st.sampled_from([*OPERATIONS, op_nothing]), min_size=1, max_size=5))
def test_builds_through_the_cache_on_disk_equal_full_builds(monkeypatch, data, steps):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", TODAY_EPOCH)
    with copy_of_mini_site() as site:
        base_ns = time.time_ns() - 3600 * 1_000_000_000
        times = age_written_files(site, {}, base_ns, 0)
        build(site)
        cache = site / ".sitegen-cache" / "build.msgpack"
        for n, step in enumerate(steps, 1):
            step(site, n, data)
            times = age_written_files(site, times, base_ns, n)
            cache_written = cache.stat().st_mtime_ns
            result = build(site)  # a new Builder each time, as each `sitegen build` is
            if step is op_nothing:
                assert result.rendered == 0
                assert cache.stat().st_mtime_ns == cache_written, "the cache was loaded and saved for nothing"
            assert_same_as_full_build(site, site / "public")


def backdate(site: Path) -> None:
    past = time.time_ns() - 3600 * 1_000_000_000
    for path in site.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(past, past))


def test_a_build_with_nothing_changed_does_nothing_but_repairs_and_warns(mini_site: Path):
    (mini_site / "content/expertise/testing.yml").write_text(
        "title: {en: Only English}\nsummary: {en: x, fr: y}\ntags: [testing]\n", encoding="utf-8")
    backdate(mini_site)
    assert run_sitegen("build", cwd=mini_site).returncode == 0
    cache = mini_site / ".sitegen-cache" / "build.msgpack"
    outputs = {p: p.stat().st_mtime_ns for p in (mini_site / "public").rglob("*") if p.is_file()}
    cache_written = cache.stat().st_mtime_ns
    again = run_sitegen("build", cwd=mini_site, env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert again.returncode == 0
    assert "built " in again.stdout
    assert "title has no 'fr' text" in again.stderr, "the last build's warnings are repeated"
    imported = {line.split("|")[-1].strip() for line in again.stderr.splitlines() if line.startswith("import time:")}
    assert "sitegen.cache.uptodate" in imported
    assert not imported & {"sitegen.build", "jinja2", "markdown_it", "pygments"}, "with nothing to do, nothing heavy"
    assert cache.stat().st_mtime_ns == cache_written
    assert outputs == {p: p.stat().st_mtime_ns for p in (mini_site / "public").rglob("*") if p.is_file()}
    # Still strict about those warnings.
    strict = run_sitegen("build", "--strict", cwd=mini_site)
    assert strict.returncode == 1 and "--strict" in strict.stderr
    # An output file deleted by hand is written again.
    (mini_site / "public/fr/index.html").unlink()
    assert run_sitegen("build", cwd=mini_site).returncode == 0
    assert (mini_site / "public/fr/index.html").is_file()
    # A damaged record of the last build is ignored.
    record = mini_site / ".sitegen-cache" / "unchanged.msgpack"
    record.write_bytes(record.read_bytes()[:-5])
    truncated = run_sitegen("build", cwd=mini_site)
    assert truncated.returncode == 0 and "Traceback" not in truncated.stderr
    # Other options are another build.
    other = run_sitegen("build", "--drafts", cwd=mini_site)
    assert other.returncode == 0
    assert (mini_site / "public/posts/draft/index.html").is_file()


def test_a_scheduled_post_comes_out_on_time_with_nothing_else_changed(mini_site: Path):
    """With the real clock: the build after the post's time must not be skipped.

    The first build must end before the post's time; on a slow or loaded
    machine it may not, so the post moves further ahead and the build runs
    again: the test waits on the machine, it never races it."""
    env = {"SOURCE_DATE_EPOCH": ""}
    for lead in (4, 20, 90):
        soon = time.time() + lead
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(soon))
        (mini_site / "content/posts/soon.md").write_text(
            f"---\ntitle: Coming soon\ndate: {stamp}\n---\nIt is out.\n", encoding="utf-8")
        backdate(mini_site)
        assert run_sitegen("build", cwd=mini_site, env=env).returncode == 0
        if time.time() < soon:
            break
    else:
        pytest.fail("three builds each took longer than their post's lead time (4, 20, 90 s)")
    assert not (mini_site / "public/posts/soon/index.html").exists()
    time.sleep(max(0.0, soon - time.time()) + 1.5)
    assert run_sitegen("build", cwd=mini_site, env=env).returncode == 0
    assert (mini_site / "public/posts/soon/index.html").is_file()


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
    cache = mini_site / ".sitegen-cache" / "build.msgpack"
    data = bytearray(cache.read_bytes())
    data[len(data) // 2] ^= 0xFF
    cache.write_bytes(bytes(data))
    # A change, so that the build needs the cache (with none, it skips it all).
    post = mini_site / "content/posts/second.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    after_corruption = run_sitegen("build", cwd=mini_site)
    assert after_corruption.returncode == 0, after_corruption.stderr
    assert "unchanged pages reused" not in after_corruption.stdout
    clean = mini_site.parent / "clean"
    assert run_sitegen("build", "--no-cache", "--output", str(clean), cwd=mini_site).returncode == 0
    assert differing_files(mini_site / "public", clean) == []


def test_a_retitled_post_is_retitled_in_the_similar_posts_of_others(mini_site: Path, monkeypatch):
    """The bundle post lists posts sharing its tag: their new titles must reach it."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", TODAY_EPOCH)
    builder = Builder(mini_site)
    builder.build()
    bundle = mini_site / "public/posts/bundle/index.html"
    assert "Second part" in bundle.read_text(encoding="utf-8")
    second = mini_site / "content/posts/second.md"
    second.write_text(second.read_text(encoding="utf-8").replace("title: Second part", "title: Part two"),
                      encoding="utf-8")
    edited = builder.build()
    assert "posts/bundle/index.html" in edited.changed
    assert "Part two" in bundle.read_text(encoding="utf-8")
    assert_same_as_full_build(mini_site, mini_site / "public")


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


@pytest.mark.parametrize("blocked", ["build.partial", "unchanged.partial"])
def test_a_cache_that_cannot_be_written_is_left_out_with_a_note(mini_site: Path, blocked: str):
    """The cache only saves time: a build that cannot write it (here a folder
    stands where it writes it) still builds the whole site, and says so."""
    (mini_site / ".sitegen-cache" / blocked).mkdir(parents=True)
    result = run_sitegen("build", cwd=mini_site)
    assert result.returncode == 0, result.stderr
    assert (mini_site / "public/index.html").is_file()
    if blocked == "build.partial":
        assert "warning: the build cache was not saved" in result.stderr
        assert not (mini_site / ".sitegen-cache" / "build.msgpack").exists()
    again = run_sitegen("build", cwd=mini_site)
    assert again.returncode == 0, again.stderr


@pytest.mark.parametrize("entries", [0, 15, 16, 65535, 65536])
def test_the_cache_written_an_entry_at_a_time_is_the_whole_encoding(tmp_path: Path, entries: int):
    """store.prepare writes the cache a map entry at a time, never all of it
    in memory: the same bytes as encoding it whole, for every size of map
    header, records, dates and tuples included."""
    import io
    from datetime import date
    from sitegen.cache import cachefile
    from sitegen.sources.models import TagLink
    state = {"version": [4, "x"], "records": {f"content/posts/{n}.md": (f"h{n}", TagLink("é", "e", "/tags/e/", "/f"),
                                                                          [date(2026, 1, n % 28 + 1)])
                                              for n in range(entries)},
             "pages": {str(n): "d" for n in range(entries)}, "produced": ["a", "b"], "images": {}, "output": "/o"}
    written = io.BytesIO()
    cachefile.write(written, state)
    assert written.getvalue() == cachefile.dumps(state)
    assert cachefile.loads(written.getvalue()) == state
