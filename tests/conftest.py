"""Shared fixtures: a tiny bilingual site copied to a temp dir, and the real CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent
# A fixed "today" so scheduled posts, sessions and notices do not drift with the clock.
TODAY_EPOCH = "1795000000"  # 2026-11-18


@pytest.fixture
def mini_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "mini", site)
    return site


def run_sitegen(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "SOURCE_DATE_EPOCH": TODAY_EPOCH, **(env or {})}
    return subprocess.run([sys.executable, "-m", "sitegen", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def built_mini(mini_site: Path) -> Path:
    result = run_sitegen("build", cwd=mini_site)
    assert result.returncode == 0, result.stderr
    return mini_site / "public"


@pytest.fixture(scope="session")
def built_example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own example site, built once."""
    out = tmp_path_factory.mktemp("example") / "public"
    result = run_sitegen("build", "--output", str(out), cwd=REPO)
    assert result.returncode == 0, result.stderr
    return out


def fill_in_starter(site: Path) -> None:
    """What a new user does first after `sitegen init`: replace the starter's
    placeholders (city, links, e-mail, address, sample texts) with their own."""
    import re

    from sitegen.settings.starter_text import BASE_URL_NOTE, TEXT
    samples = [text.split("{")[0] for key in ("bio", "talk_title", "talk_summary", "talk_body", "expertise_title",
                                              "expertise_summary", "expertise_body", "post_summary", "post_body")
               for text in TEXT[key].values()]
    count = 0
    for path in [site / "site.yml", *sorted((site / "content").rglob("*.*"))]:
        if path.suffix not in (".yml", ".md"):
            continue
        text = path.read_text(encoding="utf-8").replace("Your city", "Lyon").replace("/your-name", "/ada")
        text = text.replace("hello@", "ada@").replace(f"   # {BASE_URL_NOTE}", "")
        for sample in samples:
            while sample in text:  # each different, as pages' descriptions must be
                count += 1
                text = text.replace(sample, f"In my own words ({count}): ", 1)
        path.write_text(re.sub(r"[ \t]+\n", "\n", text), encoding="utf-8")
