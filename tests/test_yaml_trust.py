"""YAML that a person or an editor can write, and YAML crafted to hurt (issue 10).

Every case is a real file in a copy of the mini site, built by the real CLI in
a subprocess: a Windows-saved site builds byte for byte like its LF twin; a
refused file gets one message naming the file and line, exit 1, no traceback,
and the last good output stays as it was.
"""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO, TODAY_EPOCH

MEMORY_LIMIT = 4 << 30
"""Address space of a build: a bomb that got through fails fast with
MemoryError (then the test fails on its message) instead of swapping."""
SAFETY_TIMEOUT = 120
"""Only so that a hang fails the test run; no assertion depends on time."""


def run_build(site: Path, env: dict[str, str | None] | None = None) -> subprocess.CompletedProcess[str]:
    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    full_env = {**os.environ, "SOURCE_DATE_EPOCH": TODAY_EPOCH, **(env or {})}
    full_env = {name: value for name, value in full_env.items() if value is not None}
    return subprocess.run([sys.executable, "-m", "sitegen", "build"], cwd=site, env=full_env,
                          capture_output=True, text=True, timeout=SAFETY_TIMEOUT, preexec_fn=limit_memory)


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini site with its interface strings in the site's theme, built once."""
    site = tmp_path_factory.mktemp("template") / "site"
    shutil.copytree(FIXTURES / "mini", site)
    shutil.copytree(REPO / "themes" / "default" / "i18n", site / "themes" / "default" / "i18n")
    result = run_build(site)
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture
def site(built_template: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "site"
    shutil.copytree(built_template, copy, symlinks=True)
    return copy


# --- line endings and byte order marks ---------------------------------------

SOURCES = ("site.yml", "content/**/*.md", "content/**/*.yml", "themes/default/i18n/*.yml")


def rewrite_sources(site: Path, change) -> int:
    count = 0
    for pattern in SOURCES:
        for path in site.glob(pattern):
            path.write_bytes(change(path.read_bytes()))
            count += 1
    return count


ENCODINGS = {
    "crlf": lambda data: data.replace(b"\n", b"\r\n"),
    "bom": lambda data: b"\xef\xbb\xbf" + data,
    "crlf+bom": lambda data: b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n"),
    "cr": lambda data: data.replace(b"\n", b"\r"),
}


@pytest.mark.parametrize("encoding", list(ENCODINGS))
def test_a_site_saved_by_any_editor_builds_byte_identical(site: Path, built_template: Path, encoding: str):
    shutil.rmtree(site / "public")
    changed = rewrite_sources(site, ENCODINGS[encoding])
    assert changed >= 15  # site.yml, profile, services, posts, pages, interface strings

    result = run_build(site)

    assert result.returncode == 0, result.stderr
    assert snapshot(site / "public") == snapshot(built_template / "public")


# --- refused files: one message, exit 1, previous output kept ----------------

def bomb(levels: int = 9, width: int = 9) -> str:
    """A billion laughs: `levels` anchors, each `width` aliases of the one before."""
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]" for i in range(1, levels)]
    return "\n".join(lines)


BOMB_LINE = 7  # l5 is the first anchor over 100,000 values (9⁶); line 7 of a file that starts with l0 on line 2
POST = "content/posts/bad.md"
TALK = "content/talks/test-talk.yml"
PROFILE = "content/profile.yml"
I18N = "themes/default/i18n/en.yml"
LONG = "x" * 5000
HUGE = "9" * 5000


def front_matter(*lines: str) -> str:
    return "---\n" + "\n".join(lines) + "\n---\nBody.\n"


def fixture_text(rel: str) -> str:
    return (FIXTURES / "mini" / rel).read_text(encoding="utf-8")


def appended(rel: str, *lines: str) -> tuple[str, str]:
    return rel, fixture_text(rel) + "\n".join(lines) + "\n"


SITE_LINES, PROFILE_LINES, TALK_LINES = (len(fixture_text(r).splitlines()) for r in ("site.yml", PROFILE, TALK))

REFUSED = [
    # duplicate keys, at every depth and in every kind of file
    ("duplicate in front matter", (POST, front_matter("title: A", "date: 2026-01-01", "title: B")),
     f"{POST}:4: duplicate key 'title' (first at line 2); remove one"),
    ("duplicate in a flow mapping", (POST, front_matter("title: A", "date: 2026-01-01", "original: {url: /a, url: /b}")),
     f"{POST}:4: duplicate key 'url' (first at line 4); remove one"),
    ("duplicate three levels down", (POST, front_matter("title: A", "date: 2026-01-01", "extra:", "  a:",
                                                        "    b: 1", "    c: 2", "    b: 3")),
     f"{POST}:8: duplicate key 'b' (first at line 6); remove one"),
    ("duplicate in a session", appended(TALK, "sessions:", "  - date: 2026-05-14", "    event: X",
                                        "    date: 2026-05-15"),
     f"{TALK}:{TALK_LINES + 1}: duplicate key 'sessions' (first at line 13); remove one"),
    ("duplicate in a session item", (TALK, fixture_text(TALK).replace(
        "  - {date: 2025-05-14, event: TestConf,", "  - {date: 2025-05-14, event: TestConf, date: 2025-05-15,")),
     f"{TALK}:14: duplicate key 'date' (first at line 14); remove one"),
    ("duplicate in site.yml", appended("site.yml", "title: Again"),
     f"site.yml:{SITE_LINES + 1}: duplicate key 'title' (first at line 1); remove one"),
    ("duplicate in profile.yml", appended(PROFILE, "name: Again"),
     f"{PROFILE}:{PROFILE_LINES + 1}: duplicate key 'name' (first at line 1); remove one"),
    ("duplicate quoted and plain", (POST, front_matter("title: A", "date: 2026-01-01", '"date": 2026-01-02')),
     f"{POST}:4: duplicate key 'date' (first at line 3); remove one"),
    ("duplicate in interface strings", (I18N, "read_more: Read more\nread_more: More\n"),
     f"{I18N}:2: duplicate key 'read_more' (first at line 1); remove one"),
    # alias bombs, also where a wrong-typed value would be quoted in the message
    ("bomb as a post's tags", (POST, front_matter(bomb(), "title: A", "date: 2026-01-01", "tags: *l8")),
     f"{POST}:{BOMB_LINE}: this value holds more than 100,000 values once aliases are expanded"),
    ("bomb as a wrong-typed weight", (TALK, bomb() + "\n" + fixture_text(TALK).replace("weight: 1", "weight: *l8")),
     f"{TALK}:6: this value holds more than 100,000 values once aliases are expanded"),
    ("bomb as a wrong-typed date", (POST, front_matter(bomb(), "title: A", "date: *l8")),
     f"{POST}:{BOMB_LINE}: this value holds more than 100,000 values once aliases are expanded"),
    ("bomb as draft", (POST, front_matter(bomb(), "title: A", "date: 2026-01-01", "draft: *l8")),
     f"{POST}:{BOMB_LINE}: this value holds more than 100,000 values once aliases are expanded"),
    ("bomb in site.yml", appended("site.yml", *bomb().splitlines(), "extra: *l8"),
     f"site.yml:{SITE_LINES + 6}: this value holds more than 100,000 values once aliases are expanded"),
    ("bomb in profile links", (PROFILE, bomb() + "\n" + fixture_text(PROFILE).replace("links:", "links: *l8\nold_links:")),
     f"{PROFILE}:6: this value holds more than 100,000 values once aliases are expanded"),
    ("wide bomb", (POST, front_matter(bomb(levels=3, width=500), "title: A", "date: 2026-01-01", "tags: *l2")),
     f"{POST}:4: this value holds more than 100,000 values once aliases are expanded"),
    ("alias loop", (POST, front_matter("title: A", "date: 2026-01-01", "tags: &t [a, *t]")),
     f"{POST}:4: an alias refers to the value that contains it"),
    ("nested 60 deep", (POST, front_matter("title: A", "date: 2026-01-01",
                                           *("  " * i + f"k{i}:" for i in range(60)), "  " * 60 + "x")),
     f"{POST}:54: values nested more than 50 levels deep"),
    ("flow nested 60 deep", (POST, front_matter("title: A", "date: 2026-01-01", "tags: " + "[" * 60 + "]" * 60)),
     f"{POST}:4: values nested more than 50 levels deep"),
    # huge numbers
    ("5000-digit weight", (TALK, fixture_text(TALK).replace("weight: 1", f"weight: {HUGE}")),
     f"{TALK}:5: number too large (5000 digits); whole numbers must fit in 64 bits"),
    ("5000-digit title", (POST, front_matter(f"title: {HUGE}", "date: 2026-01-01")),
     f"{POST}:2: number too large (5000 digits)"),
    ("5000-digit tag", (POST, front_matter("title: A", "date: 2026-01-01", f"tags: [{HUGE}]")),
     f"{POST}:4: number too large (5000 digits)"),
    ("5000-digit posts_per_page", ("site.yml", fixture_text("site.yml").replace("posts_per_page: 2", f"posts_per_page: {HUGE}")),
     "site.yml:8: number too large (5000 digits)"),
    ("5000-digit date", (POST, front_matter("title: A", f"date: {HUGE}")),
     f"{POST}:3: number too large (5000 digits)"),
    ("2**64 in a session", (TALK, fixture_text(TALK).replace("city: Lyon", "city: 18446744073709551616")),
     f"{TALK}:14: number too large (20 digits)"),
    ("hex beyond 64 bits", (POST, front_matter("title: A", "date: 2026-01-01", "extra: 0x1" + "0" * 20)),
     f"{POST}:4: number too large"),
    # dates at the ends of time
    ("post dated year 1", (POST, front_matter("title: A", "date: 0001-01-01")),
     f"{POST}:3: date: '0001-01-01' is too far in time: dates go from 0001-01-02 to 9999-12-30"),
    ("post dated 9999-12-31", (POST, front_matter("title: A", "date: 9999-12-31")),
     f"{POST}:3: date: '9999-12-31' is too far in time"),
    ("updated 9999-12-31 with an offset", (POST, front_matter("title: A", "date: 2026-01-01",
                                                              "updated: 9999-12-31T23:59:59-12:00")),
     f"{POST}:4: updated: '9999-12-31T23:59:59-12:00' is too far in time"),
    ("session in year 1", (TALK, fixture_text(TALK).replace("date: 2025-05-14", "date: 0001-01-01T00:00:00+14:00")),
     f"{TALK}:14: sessions.0.date: '0001-01-01T00:00:00+14:00' is too far in time"),
    ("until 9999-12-31", (PROFILE, fixture_text(PROFILE).replace("until: 2027-03-15", "until: 9999-12-31")),
     f"{PROFILE}:14: availability.0.until: '9999-12-31' is too far in time"),
    ("from year 1", (PROFILE, fixture_text(PROFILE).replace("from: 2026-11-01", "from: 0001-01-01")),
     f"{PROFILE}:14: availability.0.from: '0001-01-01' is too far in time"),
    ("explicit !!timestamp at the end of time", (POST, front_matter("title: A", "date: 2026-01-01",
                                                                    "updated: !!timestamp 9999-12-31")),
     f"{POST}:4: updated: '9999-12-31' is too far in time"),
    ("explicit !!timestamp impossible", (POST, front_matter("title: A", "date: !!timestamp 2026-02-30")),
     f"{POST}:3: date: '2026-02-30' is not a real date"),
    ("year 10000", (POST, front_matter("title: A", "date: 10000-01-01")),
     f"{POST}:3: date: '10000-01-01' is not a date"),
    # not UTF-8, or characters YAML refuses
    ("latin-1 post", (POST, front_matter("title: Caf\xe9", "date: 2026-01-01").encode("latin-1")),
     f"{POST}:2: not valid UTF-8 (byte 0xe9"),
    ("latin-1 site.yml", ("site.yml", fixture_text("site.yml").replace("Ada Test", "Ad\xe9").encode("latin-1")),
     "site.yml:1: not valid UTF-8"),
    ("latin-1 talk", (TALK, fixture_text(TALK).encode().replace(b"TestConf", b"T\xe9stConf")),
     f"{TALK}:14: not valid UTF-8"),
    ("latin-1 interface strings", (I18N, "read_more: Lire la suite\nnext: Apr\xe8s\n".encode("latin-1")),
     f"{I18N}:2: not valid UTF-8"),
    ("UTF-16 profile", (PROFILE, fixture_text(PROFILE).encode("utf-16")),
     f"{PROFILE}:1: the file is UTF-16"),
    ("UTF-16 post", (POST, front_matter("title: A", "date: 2026-01-01").encode("utf-16")),
     f"{POST}:1: the file is UTF-16"),
    ("control character", (POST, front_matter("title: A\x01B", "date: 2026-01-01")),
     f"{POST}:2: invalid YAML: character U+0001 is not allowed in YAML"),
]


@pytest.mark.parametrize("file, expected", [(c[1], c[2]) for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_refused_yaml_is_one_clear_message(site: Path, file: tuple[str, str | bytes], expected: str):
    before = snapshot(site / "public")
    rel, text = file
    path = site / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))

    result = run_build(site)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "Error:" not in result.stderr, result.stderr
    assert expected in result.stderr, f"{expected!r} not in:\n{result.stderr}"
    assert all(len(line) < 400 for line in result.stderr.splitlines()), result.stderr
    assert snapshot(site / "public") == before


# --- long values are quoted short --------------------------------------------

QUOTED = [
    ("long weight", (TALK, fixture_text(TALK).replace("weight: 1", f"weight: {LONG}")), f"{TALK}:5: weight must be"),
    ("long date", (POST, front_matter("title: A", f"date: {LONG}")), f"{POST}:3: date: 'xxxx"),
    ("long draft", (POST, front_matter("title: A", "date: 2026-01-01", f"draft: {LONG}")), f"{POST}:4: draft must be"),
    ("long lang", (POST, front_matter("title: A", "date: 2026-01-01", f"lang: {LONG}")), f"{POST}:4: lang: 'xxxx"),
    ("long duplicate key", (POST, front_matter("title: A", "date: 2026-01-01", f"? {LONG}", ": 1", f"? {LONG}", ": 2")),
     f"{POST}:6: duplicate key 'xxxx"),
    ("long format", (TALK, fixture_text(TALK).replace("formats: [in-person, online]", f"formats: [{LONG}]")),
     f"{TALK}:8: formats: 'xxxx"),
    ("long posts_per_page", ("site.yml", fixture_text("site.yml").replace("posts_per_page: 2", f"posts_per_page: {LONG}")),
     "site.yml:8: posts_per_page: must be"),
    ("long nested list as date", (POST, front_matter("title: A", "date: [" + ", ".join([f"[{LONG}, {LONG}]"] * 500) + "]")),
     f"{POST}:3: date: [['xxxx"),
]


@pytest.mark.parametrize("file, expected", [(c[1], c[2]) for c in QUOTED], ids=[c[0] for c in QUOTED])
def test_values_in_messages_are_cut_short(site: Path, file: tuple[str, str], expected: str):
    rel, text = file
    (site / rel).write_text(text, encoding="utf-8")

    result = run_build(site)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert expected in result.stderr, f"{expected!r} not in:\n{result.stderr[:2000]}"
    message = next(line for line in result.stderr.splitlines() if expected in line)
    assert "…" in message or "..." in message, message
    assert len(message) < 80 + len(expected) + 120, message


# --- what is still accepted ----------------------------------------------------

ACCEPTED = [
    ("merge key overriding a merged key", (POST, front_matter(
        "title: A", "date: 2026-01-01", "base: &b {k: 1, j: 2}", "extra: {<<: *b, k: 3}")), "posts/bad/index.html"),
    ("a few aliases", (POST, front_matter("title: A", "date: 2026-01-01", "tags: &t [alias-tag]", "more: *t")),
     "tags/alias-tag/index.html"),
    ("largest 64-bit weight", (TALK, fixture_text(TALK).replace("weight: 1", "weight: 18446744073709551615")), None),
    ("4300-digit number as text", (POST, front_matter("title: A", "date: 2026-01-01", f"extra: '{'9' * 4300}'")), None),
    ("first and last dates", (POST, front_matter("title: A", "date: 0001-01-02", "updated: 9999-12-30")), None),
    ("until 9999-12-30", (PROFILE, fixture_text(PROFILE).replace("until: 2027-03-15", "until: 9999-12-30")), None),
    ("session on 9999-12-30 at the last offset", (TALK, fixture_text(TALK).replace(
        "date: 2025-05-14", 'date: "9999-12-30T23:59:59-23:59"')), None),
]


@pytest.mark.parametrize("clock", ["fixed", "real"])
@pytest.mark.parametrize("file, produced", [(c[1], c[2]) for c in ACCEPTED], ids=[c[0] for c in ACCEPTED])
def test_unusual_but_valid_yaml_builds(site: Path, file: tuple[str, str], produced: str | None, clock: str):
    rel, text = file
    (site / rel).write_text(text, encoding="utf-8")
    env = {} if clock == "fixed" else {"SOURCE_DATE_EPOCH": None}  # the real clock plans the next rebuild too

    result = run_build(site, env)

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    if produced:
        assert (site / "public" / produced).is_file()


@pytest.mark.parametrize("document", [
    "title: Café\ntags: [a, 'b c', 3, 2.5, null, true, ~, 0x1f, 1_000]\nabstract: {fr: Deux phrases.}\n",
    "date: 2026-01-02\nwhen: !!timestamp 2026-01-01 10:00\nbytes: !!binary aGVsbG8=\n",
    "- 1\n- [2, {3: 4, 'x': [y]}]\n",
    "x: &shared [1, 2]\ny: *shared\n",
    "<<: {a: 1}\nb: 2\n",
    "kinds: !!set {a, b}\nordered: !!omap [{a: 1}]\n",
    "just text",
    "",
])
def test_front_matter_values_are_pyyamls_own(document: str):
    """Plain documents are built by sitegen's direct walk (yamlio._plain_value),
    the rest by PyYAML: either way the values are what PyYAML's constructor
    makes, aliases still share one value."""
    from sitegen.settings.yamlio import _Loader, parse_yaml

    loader = _Loader(document)
    node = loader.get_single_node()
    pyyamls = loader.construct_document(node) if node is not None else None
    ours = parse_yaml(document, "content/posts/x.md")
    assert ours == pyyamls and type(ours) is type(pyyamls)
    if isinstance(ours, dict) and "x" in ours and "y" in ours:
        assert ours["x"] is ours["y"]
