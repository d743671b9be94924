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


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What sitegen needs (with `fast`), hatchling to build it from git, and
    pip, packed from this environment: fresh venvs install offline."""
    from wheelhouse import make_wheelhouse

    return make_wheelhouse(tmp_path_factory.mktemp("wheelhouse"), ["sitegen-bilingual[fast]", "hatchling", "pip"])


@pytest.fixture(scope="session")
def release_build(tmp_path_factory: pytest.TempPathFactory, wheelhouse: Path) -> dict:
    """The build job of .github/workflows/release.yml, each `run:` step as the
    workflow has it, on a copy of the repository whose CHANGELOG is dated (as
    the owner does before tagging), offline. Returns the copy, its dist/ and
    each step's output and seconds."""
    import re
    import time

    import yaml
    from offline import copy_of_repository, offline_env
    from sitegen import __version__

    copy = copy_of_repository(tmp_path_factory.mktemp("release") / "repo")
    changelog = copy / "CHANGELOG.md"
    changelog.write_text(re.sub(rf"^## \[{re.escape(__version__)}\].*$", f"## [{__version__}] - 2026-12-08",
                                changelog.read_text(encoding="utf-8"), count=1, flags=re.M), encoding="utf-8")
    steps = yaml.safe_load((copy / ".github/workflows/release.yml").read_text(encoding="utf-8"))["jobs"]["build"]["steps"]
    env = {**offline_env([wheelhouse]), "GITHUB_REF_NAME": f"v{__version__}",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    ran = []
    for step in steps:
        if "run" not in step:
            continue
        started = time.monotonic()
        # GitHub runs a step's lines with `bash -e -o pipefail`.
        result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=copy,
                                env=env, capture_output=True, text=True, timeout=900)
        assert result.returncode == 0, f"{step['name']}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        ran.append({"name": step["name"], "output": result.stdout + result.stderr,
                    "seconds": time.monotonic() - started})
    return {"repo": copy, "dist": copy / "dist", "steps": ran}
