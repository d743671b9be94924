"""The release pipeline: .github/workflows/release.yml is valid, publishes
with trusted publishing only, refuses a tag that is not the version, and
its build-and-check steps pass here on a copy of the repository."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import yaml

from conftest import REPO
from sitegen import __version__
from test_publish import actionlint

WORKFLOW = REPO / ".github" / "workflows" / "release.yml"


def workflow() -> dict:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def test_release_workflow_is_valid_and_runs_on_version_tags_only():
    assert actionlint(WORKFLOW) == []
    data = workflow()
    assert data["on"] == {"push": {"tags": ["v*"]}}
    assert data["permissions"] == {"contents": "read"}


def test_publishing_uses_trusted_publishing_after_the_build_and_the_tests():
    data = workflow()
    publish = data["jobs"]["publish"]
    assert set(publish["needs"]) == {"build", "test"}
    assert publish["environment"]["name"] == "pypi"
    assert publish["permissions"] == {"id-token": "write"}
    uses = [step.get("uses", "") for step in publish["steps"]]
    assert "pypa/gh-action-pypi-publish@release/v1" in uses
    # No token anywhere: PyPI trusts this workflow file in this environment.
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "secrets." not in text and "password" not in text
    build_steps = [step.get("run", "") for step in data["jobs"]["build"]["steps"]]
    assert any("check-tag" in run for run in build_steps) and any("python -m build" in run for run in build_steps)
    assert "bash .ci/run" in [step.get("run") for step in data["jobs"]["test"]["steps"]]


def check_tag(tag: str, root: Path = REPO) -> subprocess.CompletedProcess[str]:
    step = next(s["run"] for s in workflow()["jobs"]["build"]["steps"] if "check-tag" in s.get("run", ""))
    env = {**os.environ, "GITHUB_REF_NAME": tag,
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(["bash", "-eo", "pipefail", "-c", step], cwd=root, env=env, capture_output=True, text=True,
                          timeout=60)


def test_a_tag_that_is_not_the_version_fails_clearly(release_build: dict):
    wrong = check_tag("v9.9.9", release_build["repo"])
    assert wrong.returncode == 1
    assert (f"error: the tag 'v9.9.9' does not match the package version {__version__} (sitegen/__init__.py)"
            in wrong.stderr)
    assert "git push --delete origin v9.9.9" in wrong.stderr
    assert check_tag(f"v{__version__}", release_build["repo"]).returncode == 0


def test_a_changelog_without_the_release_date_stops_the_release(tmp_path: Path):
    (tmp_path / "tools").mkdir()
    (tmp_path / "sitegen").mkdir()
    (tmp_path / "tools" / "release.py").write_bytes((REPO / "tools" / "release.py").read_bytes())
    (tmp_path / "sitegen" / "__init__.py").write_text(f'__version__ = "{__version__}"\n', encoding="utf-8")
    (tmp_path / "CHANGELOG.md").write_text(f"## [Unreleased]\n\n## [{__version__}] - unreleased\n", encoding="utf-8")
    undated = check_tag(f"v{__version__}", tmp_path)
    assert undated.returncode == 1 and "has no release date" in undated.stderr
    (tmp_path / "CHANGELOG.md").write_text("## [Unreleased]\n", encoding="utf-8")
    missing = check_tag(f"v{__version__}", tmp_path)
    assert missing.returncode == 1 and f"CHANGELOG.md has no '## [{__version__}] - YYYY-MM-DD' section" in missing.stderr


def test_the_build_job_builds_checks_and_smoke_tests_the_distributions(release_build: dict):
    names = [step["name"] for step in release_build["steps"]]
    assert names == ["Check that the tag is the package's version", "Install the build tools",
                     "Build the sdist, then the wheel from it",
                     "Check the distributions (twine, then the wheel in a fresh venv builds two sites)"]
    dist = release_build["dist"]
    stem = f"sitegen_bilingual-{__version__}"
    assert sorted(p.name for p in dist.iterdir()) == [f"{stem}-py3-none-any.whl", f"{stem}.tar.gz"]
    check = release_build["steps"][-1]["output"]
    assert "twine check --strict" in check
    assert f"the wheel of {__version__} installs in a fresh venv and builds the example site and a new site" in check
    with zipfile.ZipFile(dist / f"{stem}-py3-none-any.whl") as wheel:
        files = set(wheel.namelist())
    assert {"sitegen/themes/default/templates/base.html", "sitegen/docs/templates.md"} <= files
    with tarfile.open(dist / f"{stem}.tar.gz") as sdist:
        members = {m.name.split("/", 1)[1] for m in sdist.getmembers() if "/" in m.name}
    assert {"CHANGELOG.md", "README.md", "pyproject.toml", "site.yml", "tests/conftest.py"} <= members
    print({step["name"]: round(step["seconds"], 1) for step in release_build["steps"]})
