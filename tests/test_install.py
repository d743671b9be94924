"""sitegen installs by its own name, the way the CI files `sitegen init`
writes install it: a built wheel, a fresh virtual environment, the workflow's
own install and build lines. (`sitegen` on PyPI is someone else's project.)"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from conftest import REPO, TODAY_EPOCH, fill_in_starter, run_sitegen
from sitegen import __version__

REQUIREMENT = f"sitegen-bilingual[fast]=={__version__}"


@pytest.fixture(scope="module")
def wheel_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(REPO)],
                   check=True, capture_output=True, timeout=300)
    assert [w.name for w in dist.glob("*.whl")] == [f"sitegen_bilingual-{__version__}-py3-none-any.whl"]
    return dist


def test_the_project_is_named_so_that_pip_finds_it_and_not_the_2010_sitegen():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] == "sitegen-bilingual"
    assert project["scripts"] == {"sitegen": "sitegen.commands.cli:run"}
    fast = project["optional-dependencies"]["fast"]
    assert [req.split(";")[0] for req in fast] == ["markdown-it-pyrs-abi3>=0.4,<0.5"]  # abi3: 3.11 to 3.14


def test_every_ci_file_init_writes_installs_this_distribution_pinned(tmp_path: Path):
    """Pinned as given (--install); tests/test_init_install.py holds the line
    init chooses by itself for each way sitegen can be installed."""
    site = tmp_path / "site"
    assert run_sitegen("init", str(site), "--install", REQUIREMENT, cwd=tmp_path).returncode == 0
    workflow = yaml.safe_load((site / ".github/workflows/pages.yml").read_text(encoding="utf-8"))
    runs = [step.get("run", "") for step in workflow["jobs"]["build"]["steps"]]
    gitlab = yaml.safe_load((site / ".gitlab-ci.yml").read_text(encoding="utf-8"))["pages"]["script"]
    netlify = tomllib.loads((site / "netlify.toml").read_text(encoding="utf-8"))
    commands = [*runs, *gitlab, netlify["build"]["command"], netlify["context"]["deploy-preview"]["command"]]
    installs = [part for command in commands for part in command.split("&&") if "pip install" in part]
    assert len(installs) == 4
    for install in installs:
        assert shlex.split(install) == ["pip", "install", REQUIREMENT]


def test_the_generated_workflow_installs_and_builds_in_a_fresh_venv(tmp_path: Path, wheel_dir: Path):
    site = tmp_path / "site"
    # The line a PyPI install writes (a checkout with a remote would write its commit's git URL).
    assert run_sitegen("init", str(site), "--name", "Hélène Marchand", "--install", REQUIREMENT,
                       cwd=tmp_path).returncode == 0
    fill_in_starter(site)  # the workflow builds with --strict, which fails on the starter's placeholders
    steps = yaml.safe_load((site / ".github/workflows/pages.yml").read_text(encoding="utf-8"))["jobs"]["build"]["steps"]
    install = next(s["run"] for s in steps if "pip install" in s.get("run", ""))
    build = next(s["run"] for s in steps if s.get("name") == "Build")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    bin_dir = venv / "bin"
    # The workflow's lines as they are; only the index gains the local wheel
    # (PIP_FIND_LINKS), since this version is not on PyPI before its release.
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "VIRTUAL_ENV": str(venv),
           "PIP_FIND_LINKS": str(wheel_dir), "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PYTHONPATH": "",
           "SOURCE_DATE_EPOCH": TODAY_EPOCH}
    installed = subprocess.run(install, shell=True, cwd=site, env=env, capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stderr[-3000:]
    where = subprocess.run([str(bin_dir / "python"), "-c", "import sitegen, markdown_it_pyrs; print(sitegen.__file__)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).is_relative_to(venv)  # the wheel's sitegen, not this checkout's
    built = subprocess.run(build, shell=True, cwd=site, env=env, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    assert re.match(r"built \d+ pages", built.stdout)
    home = (site / "public" / "index.html").read_text(encoding="utf-8")
    assert "Hélène Marchand" in home
    assert (site / "public" / "theme").is_dir()  # the default theme came inside the wheel
    # Error hints send people to `sitegen docs templates`: the reference comes inside the wheel too.
    docs = subprocess.run(["sitegen", "docs", "templates"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=60)
    assert docs.returncode == 0 and "post.html" in docs.stdout, docs.stderr


def test_init_gives_an_ascii_address_and_french_elision_for_an_accented_name(tmp_path: Path):
    site = tmp_path / "site"
    assert run_sitegen("init", str(site), "--name", "Hélène Marchand", cwd=tmp_path).returncode == 0
    settings = yaml.safe_load((site / "site.yml").read_text(encoding="utf-8"))
    profile = yaml.safe_load((site / "content/profile.yml").read_text(encoding="utf-8"))
    assert settings["base_url"] == "https://helene-marchand.example"
    assert profile["email"] == "hello@helene-marchand.example"
    assert profile["photo_alt"] == {"en": "Portrait of Hélène Marchand", "fr": "Portrait d’Hélène Marchand"}


@pytest.mark.parametrize("case", ["dangling link to a file", "link to a folder outside"])
def test_init_force_never_writes_through_a_link(tmp_path: Path, case: str):
    site, outside = tmp_path / "site", tmp_path / "outside"
    outside.mkdir()
    (site / "content").mkdir(parents=True)
    if case == "dangling link to a file":
        link, target = site / "content/profile.yml", outside / "profile.yml"
    else:
        link, target = site / "content/posts", outside
    link.symlink_to(target)
    result = run_sitegen("init", str(site), "--force", cwd=tmp_path)
    assert result.returncode == 2
    assert f"{link} is a symbolic link (to {target}); sitegen init writes only inside" in result.stderr
    assert list(outside.iterdir()) == []
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args, message", [
    (["init", "SITE", "--name", ""], "--name is empty; give your name as people search for it"),
    (["init", "SITE", "--name", "   "], "--name is empty"),
    (["theme", "copy", "../evil"], "'../evil' is not a theme name"),
    (["theme", "copy", "a/b"], "'a/b' is not a theme name"),
])
def test_commands_refuse_names_that_would_write_elsewhere(tmp_path: Path, mini_site: Path, args: list[str],
                                                         message: str):
    args = [str(tmp_path / "new-site") if a == "SITE" else a for a in args]
    result = run_sitegen(*args, cwd=mini_site)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert not (tmp_path / "new-site").exists() and not (mini_site.parent / "evil").exists()


def test_new_keeps_a_title_with_separators_inside_content(mini_site: Path):
    result = run_sitegen("new", "post", "../../etc/evil", cwd=mini_site)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "wrote content/posts/2026-11-18-etc-evil.md"
    assert (mini_site / "content/posts/2026-11-18-etc-evil.md").is_file()


def test_the_netlify_deploy_preview_builds_and_audits_for_its_own_address(tmp_path: Path):
    """A deploy preview lives at another address: its check must judge the site built for it."""
    site = tmp_path / "site"
    assert run_sitegen("init", str(site), cwd=tmp_path).returncode == 0
    command = tomllib.loads((site / "netlify.toml").read_text(encoding="utf-8"))["context"]["deploy-preview"]["command"]
    steps = [part.strip() for part in command.split("&&") if "pip install" not in part]
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "SOURCE_DATE_EPOCH": TODAY_EPOCH,
           "DEPLOY_PRIME_URL": "https://deploy-preview-42--jane.netlify.app"}
    result = subprocess.run(" && ".join(steps), shell=True, cwd=site, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "0 error(s)" in result.stdout
    assert 'href="https://deploy-preview-42--jane.netlify.app/"' in (site / "public/index.html").read_text()


def test_this_repositorys_workflow_installs_this_version_by_name():
    workflow = (REPO / ".github/workflows/pages.yml").read_text(encoding="utf-8")
    assert f"pip install --find-links dist 'sitegen-bilingual[fast]=={__version__}'" in workflow
