"""The Nu HTML Checker (vnu, the W3C validator) judges every built page.

One JVM checks all the HTML of a build, plus the theme's CSS and SVG files.
vnu comes from npm (`npm install --prefix tests/js`, pinned in
tests/js/package.json) and runs on the machine's Java.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

VNU_JAR = Path(__file__).parent / "js" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# Warnings that are as bad as errors for this project: a page whose text is in
# another language than its `lang` attribute says (wrong hyphenation, wrong
# screen-reader voice, wrong language for search engines).
FATAL_WARNINGS = ("appears to be written in",)


def _require_vnu() -> list[str]:
    if not VNU_JAR.is_file():
        pytest.fail(f"vnu.jar is missing ({VNU_JAR}): run `npm install --prefix tests/js`")
    java = shutil.which("java")
    if java is None:
        pytest.fail("java is missing: install a Java 17+ runtime (Debian: apt-get install default-jre-headless)")
    return [java, "-jar", str(VNU_JAR)]


def run_vnu(root: Path) -> tuple[list[dict], list[dict]]:
    """Check every .html, .css and .svg file under root; return (problems, other messages)."""
    files = sorted(p for p in root.rglob("*") if p.suffix in {".html", ".css", ".svg"} and p.is_file())
    assert any(p.suffix == ".html" for p in files), f"no HTML files under {root}"
    command = [*_require_vnu(), "--format", "json", "--also-check-css", "--also-check-svg",
               *(str(p) for p in files)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    # vnu writes its JSON report on stderr (stdout with --stdout); exit 1 means "found errors".
    report_text = result.stderr.strip() or result.stdout.strip()
    try:
        report = json.loads(report_text)
    except json.JSONDecodeError:
        pytest.fail(f"vnu did not produce a JSON report (exit {result.returncode}):\n"
                    f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    messages = report.get("messages", [])
    problems = [m for m in messages
                if m.get("type") in ("error", "non-document-error")
                or (m.get("subType") == "warning" and any(w in m.get("message", "") for w in FATAL_WARNINGS))]
    others = [m for m in messages if m not in problems]
    if not problems:
        assert result.returncode == 0, f"vnu failed without reporting an error:\n{result.stderr[-2000:]}"
    return problems, others


def describe(messages: list[dict], root: Path) -> str:
    """One readable paragraph per message: file:line:column, the message, the source extract."""
    prefix = "file:" + str(root)
    lines = []
    for m in messages:
        where = m.get("url", "?")
        if where.startswith(prefix):
            where = where[len(prefix):].lstrip("/")
        if "lastLine" in m:
            where += f":{m.get('firstLine', m['lastLine'])}:{m.get('firstColumn', m.get('lastColumn', 0))}"
        kind = m.get("subType") or m.get("type")
        lines.append(f"{where}: {kind}: {m.get('message', '')}")
        extract = m.get("extract")
        if extract:
            lines.append("    " + extract.replace("\n", "⏎"))
    return "\n".join(lines)


def _assert_valid(root: Path) -> None:
    problems, others = run_vnu(root)
    warnings = [m for m in others if m.get("subType") == "warning"]
    if warnings:  # Not failures, but worth seeing with -rP / -s.
        print(f"vnu warnings ({len(warnings)}):\n" + describe(warnings, root))
    assert not problems, f"the Nu HTML Checker found {len(problems)} problem(s):\n" + describe(problems, root)


def test_example_site_is_valid_html(built_example: Path) -> None:
    _assert_valid(built_example)


def test_mini_site_is_valid_html(built_mini: Path) -> None:
    _assert_valid(built_mini)


def test_vnu_catches_errors(tmp_path: Path) -> None:
    """The judge itself works: a broken page and a broken stylesheet are reported with their place."""
    (tmp_path / "bad.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>x</title></head>'
        "<body>\n<p><div>text</p>\n<img src=a.png>\n</body></html>\n", encoding="utf-8")
    (tmp_path / "bad.css").write_text("a { colr: red; }\n", encoding="utf-8")
    problems, _ = run_vnu(tmp_path)
    text = describe(problems, tmp_path)
    assert "bad.html:2:" in text and "bad.html:3:" in text
    assert "alt" in text  # the image without alt text
    assert "bad.css:1:" in text and "colr" in text
