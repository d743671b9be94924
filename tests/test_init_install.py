"""The CI files `sitegen init` writes install sitegen as the sitegen that
wrote them was installed, and each file's own install and build lines work
in a fresh venv: from a built wheel installed by name (as from PyPI) and
from a git URL. Offline: pip reads a local wheelhouse (tests/offline.py)."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from conftest import REPO, fill_in_starter, run_sitegen
from offline import copy_of_repository, fresh_venv, offline_env
from sitegen import __version__
from test_publish import actionlint

CI_FILES = (".github/workflows/pages.yml", ".gitlab-ci.yml", "netlify.toml")


def ci_commands(site: Path) -> dict[str, list[str]]:
    """Each CI file's shell commands in order, as its host runs them."""
    github = yaml.safe_load((site / CI_FILES[0]).read_text(encoding="utf-8"))["jobs"]["build"]["steps"]
    gitlab = yaml.safe_load((site / CI_FILES[1]).read_text(encoding="utf-8"))["pages"]["script"]
    netlify = tomllib.loads((site / CI_FILES[2]).read_text(encoding="utf-8"))
    return {CI_FILES[0]: [step["run"] for step in github if "run" in step], CI_FILES[1]: gitlab,
            CI_FILES[2]: [netlify["build"]["command"]],
            "netlify.toml (deploy preview)": [netlify["context"]["deploy-preview"]["command"]]}


def install_lines(site: Path) -> list[list[str]]:
    """The words of every `pip install` in the CI files."""
    return [shlex.split(part) for commands in ci_commands(site).values() for command in commands
            for part in command.split("&&") if "pip install" in part]


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True,
                          timeout=60).stdout.strip()


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository of this working tree as it is (edits included), one
    commit: what a git URL install gets."""
    target = copy_of_repository(tmp_path_factory.mktemp("clone") / "sitegen")
    identity = ["-c", "user.name=Test", "-c", "user.email=test@example.org"]
    git("init", "-q", "-b", "main", cwd=target)
    git("add", "-A", cwd=target)
    git(*identity, "commit", "-q", "-m", "sitegen as tested", cwd=target)
    return target


@pytest.mark.parametrize("source", ["wheel by name", "git URL"])
def test_ci_files_install_what_the_user_has_and_their_steps_build_offline(
        tmp_path: Path, source: str, wheelhouse: Path, release_build: dict, clone: Path):
    links = [wheelhouse, release_build["dist"]] if source == "wheel by name" else [wheelhouse]
    cache = {"PIP_CACHE_DIR": str(tmp_path / "pip-cache")}  # a git build is made once, then reused
    user = fresh_venv(tmp_path / "user-venv", wheelhouse)
    if source == "wheel by name":
        requirement = f"sitegen-bilingual[fast]=={__version__}"
        expected = requirement
    else:
        requirement = f"sitegen-bilingual[fast] @ git+{clone.as_uri()}"
        expected = f"{requirement}@{git('rev-parse', 'HEAD', cwd=clone)}"
    env = {**offline_env(links, user), **cache}
    installed = subprocess.run(["pip", "install", "-q", requirement], cwd=tmp_path, env=env, capture_output=True,
                               text=True, timeout=600)
    assert installed.returncode == 0, installed.stderr[-3000:]
    site = tmp_path / "site"
    init = subprocess.run(["sitegen", "init", str(site), "--name", "Ada Martin"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert init.returncode == 0, init.stderr
    assert f"the CI files install {expected}" in init.stdout
    assert install_lines(site) == [["pip", "install", expected]] * 4
    assert actionlint(site / CI_FILES[0]) == []
    fill_in_starter(site)  # the CI builds with --strict, which fails on the starter's placeholders
    commands_of = ci_commands(site)
    del commands_of["netlify.toml (deploy preview)"]  # the same install; test_install.py builds a deploy preview
    # GitHub's steps and GitLab's script are the same lines: run once, in a fresh venv of their own;
    # Netlify's one command chains them with && (its own shell line, its own venv).
    assert commands_of[CI_FILES[0]] == commands_of[CI_FILES[1]]
    assert commands_of[CI_FILES[2]] == [" && ".join(commands_of[CI_FILES[0]])]
    del commands_of[CI_FILES[1]]
    for ci_file, commands in commands_of.items():
        where = tmp_path / ci_file.replace("/", "_")
        shutil.copytree(site, where / "site")
        venv = fresh_venv(where / "venv", wheelhouse)
        env = {**offline_env(links, venv), **cache}
        for command in commands:
            result = subprocess.run(["bash", "-eo", "pipefail", "-c", command], cwd=where / "site", env=env,
                                    capture_output=True, text=True, timeout=600)
            assert result.returncode == 0, f"{ci_file}: {command}\n{result.stdout[-2000:]}{result.stderr[-3000:]}"
        assert (where / "site" / "public" / "index.html").is_file(), ci_file
        assert "Ada Martin" in (where / "site" / "public" / "index.html").read_text(encoding="utf-8")
        origin = subprocess.run([str(venv / "bin" / "python"), "-c", "import importlib.metadata as m, sitegen; "
                                 "d = m.distribution('sitegen-bilingual'); print(sitegen.__file__); "
                                 "print(d.read_text('direct_url.json') or '{}')"],
                                cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
        module, direct = origin.stdout.splitlines()
        assert Path(module).is_relative_to(venv), ci_file  # the installed sitegen built it, not this checkout
        if source == "git URL":
            assert json.loads(direct)["vcs_info"]["commit_id"] == expected.rsplit("@", 1)[1]


def init_from(source_folder: Path, site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`sitegen init` run by the sitegen of a source folder (PYTHONPATH)."""
    env = {**os.environ, "PYTHONPATH": str(source_folder), "GIT_TERMINAL_PROMPT": "0"}
    return subprocess.run([sys.executable, "-m", "sitegen", "init", str(site), *args], cwd=site.parent, env=env,
                          capture_output=True, text=True, timeout=120)


def test_a_checkout_gives_its_remote_and_commit_and_says_what_to_check(tmp_path: Path, clone: Path):
    checkout = tmp_path / "checkout"
    git("clone", "-q", str(clone), str(checkout), cwd=tmp_path)
    head = git("rev-parse", "HEAD", cwd=checkout)
    index_line = ["pip", "install", f"sitegen-bilingual[fast]=={__version__}"]

    local = init_from(checkout, tmp_path / "local-remote")
    assert local.returncode == 0, local.stderr
    assert install_lines(tmp_path / "local-remote") == [index_line] * 4
    workflow = (tmp_path / "local-remote" / CI_FILES[0]).read_text(encoding="utf-8")
    assert "its remote origin is a folder on this computer: CI cannot install it from there" in " ".join(
        line.strip().lstrip("# ") for line in workflow.splitlines())

    git("remote", "set-url", "origin", "git@github.com:ada/sitegen.git", cwd=checkout)
    ssh = init_from(checkout, tmp_path / "ssh")
    assert ssh.returncode == 0, ssh.stderr
    assert install_lines(tmp_path / "ssh") == [
        ["pip", "install", f"sitegen-bilingual[fast] @ git+https://github.com/ada/sitegen.git@{head}"]] * 4
    notes = comment_text(tmp_path / "ssh" / ".gitlab-ci.yml")
    assert "it must be pushed there: sitegen cannot check the remote from here" in notes
    assert "The remote is an SSH address (git@github.com:ada/sitegen.git): CI has no key for it" in notes
    assert "on no remote branch" not in notes and "uncommitted" not in notes
    assert actionlint(tmp_path / "ssh" / CI_FILES[0]) == []

    git("remote", "set-url", "origin", "https://ada:ghp_secret@github.com/ada/sitegen.git", cwd=checkout)
    git("-c", "user.name=Ada", "-c", "user.email=ada@example.org", "commit", "-q", "--allow-empty", "-m", "local",
        cwd=checkout)
    (checkout / "README.md").write_text("changed\n", encoding="utf-8")
    new_head = git("rev-parse", "HEAD", cwd=checkout)
    unpushed = init_from(checkout, tmp_path / "unpushed")
    assert unpushed.returncode == 0, unpushed.stderr
    assert install_lines(tmp_path / "unpushed") == [
        ["pip", "install", f"sitegen-bilingual[fast] @ git+https://github.com/ada/sitegen.git@{new_head}"]] * 4
    notes = comment_text(tmp_path / "unpushed" / "netlify.toml")
    assert f"commit {new_head[:12]} was on no remote branch this checkout knew of" in notes
    assert "The checkout had uncommitted changes, which CI will not have." in notes
    assert "credentials in the remote's address were left out" in notes
    assert "ghp_secret" not in "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "unpushed").rglob("*")
                                       if p.is_file())

    git("remote", "remove", "origin", cwd=checkout)
    alone = init_from(checkout, tmp_path / "no-remote")
    assert alone.returncode == 0, alone.stderr
    assert install_lines(tmp_path / "no-remote") == [index_line] * 4
    notes = comment_text(tmp_path / "no-remote" / CI_FILES[0])
    assert "a git checkout, but it has no remote: CI cannot install it from there" in notes
    assert "sitegen-bilingual is installed by name from PyPI once it is published there" in notes


def comment_text(path: Path) -> str:
    """A CI file's comments as one line of text."""
    return " ".join(line.strip()[2:] for line in path.read_text(encoding="utf-8").splitlines()
                    if line.strip().startswith("# "))


@pytest.mark.parametrize("spec", ["sitegen-bilingual[fast]==0.2.0",
                                  "sitegen-bilingual[fast] @ git+https://codeberg.org/ada/sitegen@v0.2.0",
                                  'odd "quoted" $HOME spec: # not a comment'])
def test_install_gives_the_line_and_every_file_stays_valid(tmp_path: Path, spec: str):
    site = tmp_path / "site"
    result = run_sitegen("init", str(site), "--install", spec, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert install_lines(site) == [["pip", "install", spec]] * 4
    assert actionlint(site / CI_FILES[0]) == []


@pytest.mark.parametrize("spec, message", [("", "--install is empty"),
                                           ("sitegen-bilingual\nrm -rf /", "holds a control character")])
def test_install_refuses_what_cannot_be_one_line(tmp_path: Path, spec: str, message: str):
    result = run_sitegen("init", str(tmp_path / "site"), "--install", spec, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "site").exists()
