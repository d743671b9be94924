"""The pipeline's stages import only the stages below them.

The contract is `[tool.importlinter]` in pyproject.toml (a `layers` contract:
commands → preview/importer → build → cache → outputs → pages → site →
sources → settings → errors/parallel). import-linter reads every import,
those under `if TYPE_CHECKING:` and inside functions included, so a move that
makes a lower stage reach up fails here rather than as a cycle later.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).parent.parent


def lint_imports(repo: Path = REPO) -> subprocess.CompletedProcess[str]:
    """`lint-imports` on the package in `repo` (first on the path, before any installed copy)."""
    command = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    if command is None:
        pytest.fail("lint-imports is missing: install the test extra (pip install -e '.[test]')")
    env = {**os.environ, "PYTHONPATH": str(repo)}
    return subprocess.run([command, "--no-cache"], cwd=repo, env=env, capture_output=True, text=True, timeout=120)


def test_stages_import_only_the_stages_below_them():
    result = lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_an_import_reaching_up_a_stage_breaks_the_contract(tmp_path):
    """The contract really bites: a settings module importing the build fails it."""
    copy = tmp_path / "repo"
    shutil.copytree(REPO / "sitegen", copy / "sitegen", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", copy / "pyproject.toml")
    yamlio = copy / "sitegen" / "settings" / "yamlio.py"
    yamlio.write_text(yamlio.read_text(encoding="utf-8")
                      + "\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..build import builder\n",
                      encoding="utf-8")
    result = lint_imports(copy)
    assert result.returncode != 0, result.stdout
    assert "sitegen.settings.yamlio -> sitegen.build.builder" in result.stdout
