"""The pipeline's stages import only the stages below them.

The contract is `[tool.importlinter]` in pyproject.toml (a `layers` contract:
commands → preview/importer → build → cache → outputs → pages → site →
sources → settings → errors/parallel). import-linter reads every import,
those under `if TYPE_CHECKING:` and inside functions included, so a move that
makes a lower stage reach up fails here rather than as a cycle later.
"""

from __future__ import annotations

import ast
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


KIND_TABLE = REPO / "sitegen" / "pages" / "kinds.py"


def is_spec_kind(node: ast.AST) -> bool:
    """`spec.kind`, or `<anything>.spec.kind`: a page's kind string."""
    return (isinstance(node, ast.Attribute) and node.attr == "kind"
            and (isinstance(node.value, ast.Name) and node.value.id == "spec"
                 or isinstance(node.value, ast.Attribute) and node.value.attr == "spec"))


def is_text(node: ast.AST) -> bool:
    """A string literal, or a tuple, list or set of them (`in ("talk", "workshop")`)."""
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return any(is_text(item) for item in node.elts)
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def kind_switches(source: str, filename: str) -> list[str]:
    """Where `source` compares a page's kind with a literal (==, !=, in, match)."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(map(is_spec_kind, operands)) and any(map(is_text, operands)):
                found.append(f"{filename}:{node.lineno}: {ast.unparse(node)}")
        elif isinstance(node, ast.Match) and is_spec_kind(node.subject):
            found.append(f"{filename}:{node.lineno}: match {ast.unparse(node.subject)}")
    return found


def test_only_the_kinds_table_switches_on_a_page_kind():
    """What varies by kind of page is a hook of its class in pages/kinds.py,
    so adding a kind touches that file (and its template) only."""
    found = [hit for path in sorted((REPO / "sitegen").rglob("*.py")) if path != KIND_TABLE
             for hit in kind_switches(path.read_text(encoding="utf-8"), str(path.relative_to(REPO)))]
    assert found == [], "compare page kinds in their class in sitegen/pages/kinds.py:\n" + "\n".join(found)


@pytest.mark.parametrize("code, switches", [
    ('if spec.kind == "post": pass', True),
    ('if "post" == spec.kind: pass', True),
    ('x = spec.kind != "card"', True),
    ('x = spec.kind in ("talk", "workshop", "expertise")', True),
    ('x = spec.kind not in {"404"}', True),
    ('x = self.spec.kind == "home"', True),
    ('match spec.kind:\n    case "home": pass', True),
    ('x = view.kind == "workshop"', False),      # a service's type, not a page's kind
    ('x = service.kind in ("talk", "workshop")', False),
    ('x = spec.kind', False),
    ('x = spec.kind == other.kind', False),
])
def test_a_comparison_of_a_page_kind_is_caught(code, switches):
    assert bool(kind_switches(code, "planted.py")) is switches


CACHE_LAYOUT = REPO / "sitegen/cache/layout.py"
CACHE_NAMES = {".sitegen-cache", "build.msgpack", "unchanged.msgpack", "build.lock", "unchanged.json",
               "build.pickle", "memo.json", ".lycheecache"}


def cache_names(source: str, filename: str) -> list[str]:
    """Where `source` spells the cache folder or one of its files, docstrings aside."""
    tree = ast.parse(source, filename)
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    return [f"{filename}:{node.lineno}: {node.value!r}" for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
            and (node.value in CACHE_NAMES or node.value.startswith(".sitegen-cache/"))]


def test_the_cache_folder_and_its_files_are_named_in_one_module():
    """Every file of .sitegen-cache is named in sitegen/cache/layout.py; the
    stages that keep bytes there are given their folder by the build."""
    found = [hit for path in sorted((REPO / "sitegen").rglob("*.py")) if path != CACHE_LAYOUT
             for hit in cache_names(path.read_text(encoding="utf-8"), str(path.relative_to(REPO)))]
    assert found == [], "name it in sitegen/cache/layout.py:\n" + "\n".join(found)
    assert cache_names(CACHE_LAYOUT.read_text(encoding="utf-8"), "layout.py"), "the names are where the test looks"


@pytest.mark.parametrize("code, named", [
    ('CACHE = Path(".sitegen-cache")', True),
    ('MEMO = CACHE_DIR / "images" / "memo.json"', True),
    ('open(root / ".sitegen-cache/unchanged.json")', True),
    ('def f():\n    """Reads `.sitegen-cache/build.msgpack`."""', False),
    ('help = "ignore .sitegen-cache/ and render everything"', False),
])
def test_a_cache_file_named_elsewhere_is_caught(code, named):
    assert bool(cache_names(code, "planted.py")) is named


def test_the_builder_starts_reading_before_the_rendering_stage_is_imported():
    """Jinja, the page kinds, feeds and calendars (80 ms of imports) load
    while the reading workers work (Builder._prepare_rendering), not before
    they start: a module-level import of them in the builder would hold up
    every cold build's one-core start."""
    rendering = ["jinja2", "icalendar", "sitegen.pages.render", "sitegen.pages.kinds", "sitegen.build.quick",
                 "sitegen.build.gather", "sitegen.cache.incremental"]
    code = ("import sys, sitegen.build.builder; "
            f"print(' '.join(name for name in {rendering!r} if name in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert loaded.stdout.split() == []
