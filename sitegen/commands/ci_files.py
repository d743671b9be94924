"""The CI set-ups `sitegen init` writes: GitHub Pages, GitLab Pages, Netlify
(and Cloudflare Pages with the same commands).

Sitegen sites live at the root of a domain, so a GitHub Pages site is a user
site (<user>.github.io) or has a custom domain (`cname` in site.yml).
`sitegen` on PyPI is an unrelated project (2010): CI installs this one as
the running sitegen was installed (install_spec.py), so a site keeps
building the same way until its owner upgrades on purpose.
"""

from __future__ import annotations

import json
import shlex
import textwrap

import yaml

from .install_spec import Install

GITHUB_WORKFLOW = """\
name: Publish the site

on:
  push:
    branches: [main]
  workflow_dispatch:

permissions:
  contents: read
  pages: write
  id-token: write

concurrency:
  group: pages
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
{notes}      - name: Install sitegen
        run: {install}
      - uses: actions/configure-pages@v5
      - name: Build
        run: sitegen build --strict
      - name: Audit
        run: sitegen check
      - uses: actions/upload-pages-artifact@v3
        with:
          path: public

  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"""

GITLAB_CI = """\
# GitLab Pages publishes the `public` folder of the `pages` job.
pages:
  image: python:3.11-slim
  script:
{notes}    - {install}
    - sitegen build --strict
    - sitegen check
  artifacts:
    paths:
      - public
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
"""

NETLIFY_TOML = """\
{notes}[build]
  command = {build}
  publish = "public"

[build.environment]
  PYTHON_VERSION = "3.11"

# Deploy previews live at another address: build them for it.
[context.deploy-preview]
  command = {preview}
"""


def ci_files(install: Install) -> dict[str, str]:
    """Relative path → text of each CI file, installing sitegen as `install` says."""
    pip = "pip install " + shlex.quote(install.requirement)
    preview = 'sitegen build --base-url "$DEPLOY_PRIME_URL" && sitegen check --base-url "$DEPLOY_PRIME_URL"'
    return {
        ".github/workflows/pages.yml": fill(GITHUB_WORKFLOW, notes=comments(install.notes, " " * 6),
                                            install=yaml_scalar(pip)),
        ".gitlab-ci.yml": fill(GITLAB_CI, notes=comments(install.notes, " " * 4), install=yaml_scalar(pip)),
        "netlify.toml": fill(NETLIFY_TOML, notes=comments(install.notes, ""),
                             build=toml_string(f"{pip} && sitegen build --strict && sitegen check"),
                             preview=toml_string(f"{pip} && {preview}")),
    }


def fill(template: str, **values: str) -> str:
    """Placeholders replaced one by one (str.format would read the workflow's `${{ }}`)."""
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return template


def comments(notes: tuple[str, ...], indent: str) -> str:
    """Notes as `#` lines: about 100 characters wide, control characters out."""
    lines = []
    for note in notes:
        clean = "".join(c if c.isprintable() else "?" for c in note)
        lines += textwrap.wrap(clean, width=100 - len(indent) - 2, break_long_words=False, break_on_hyphens=False)
    return "".join(f"{indent}# {line}\n" for line in lines)


def yaml_scalar(text: str) -> str:
    """`text` as a YAML scalar: plain when that reads back the same, else
    double-quoted (JSON's escapes are YAML's)."""
    try:
        if yaml.safe_load(f"k: {text}") == {"k": text}:
            return text
    except yaml.YAMLError:
        pass
    return json.dumps(text, ensure_ascii=False)


def toml_string(text: str) -> str:
    """`text` as a TOML basic string (JSON's escapes, no control characters
    left: install_spec refuses them)."""
    return json.dumps(text, ensure_ascii=False)
