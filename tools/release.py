"""Checks of a release, run by .github/workflows/release.yml (and by
tests/test_release.py, which runs the workflow's steps here).

    python tools/release.py check-tag v0.2.0   the tag names the package's version, which CHANGELOG.md has
    python tools/release.py check-dist dist    the sdist and wheel: twine check, then the wheel installed
                                               in a fresh venv builds the example site and a new site

Exit status 0 when all is well, 1 with `error:` lines otherwise.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DISTRIBUTION = "sitegen-bilingual"


class ReleaseError(Exception):
    pass


def package_version() -> str:
    text = (ROOT / "sitegen" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([^"]+)"', text, flags=re.M)
    if not found:
        raise ReleaseError("sitegen/__init__.py has no __version__ = \"X.Y.Z\" line")
    return found.group(1)


def check_tag(tag: str) -> None:
    version = package_version()
    if tag != f"v{version}":
        raise ReleaseError(
            f"the tag {tag!r} does not match the package version {version} (sitegen/__init__.py). "
            f"Either tag the commit that holds that version as v{version}, or bump __version__ and "
            f"CHANGELOG.md, commit, push, and tag that commit; then delete the wrong tag: "
            f"git push --delete origin {tag}")
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    heading = re.search(rf"^## \[{re.escape(version)}\](.*)$", changelog, flags=re.M)
    if not heading:
        raise ReleaseError(f"CHANGELOG.md has no '## [{version}] - YYYY-MM-DD' section: move the entries "
                           f"under '## [Unreleased]' into one before tagging")
    if not re.fullmatch(r" - \d{4}-\d{2}-\d{2}", heading.group(1)):
        raise ReleaseError(f"CHANGELOG.md's heading '## [{version}]{heading.group(1)}' has no release date: "
                           f"write '## [{version}] - YYYY-MM-DD' before tagging")
    print(f"tag {tag} matches version {version}, which CHANGELOG.md describes")


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    started = time.monotonic()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    shown = " ".join(str(c) for c in command)
    if result.returncode != 0:
        raise ReleaseError(f"{shown} failed (exit {result.returncode}):\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    print(f"ok ({time.monotonic() - started:.1f} s): {shown}")
    return result.stdout


def check_dist(dist: Path) -> None:
    version = package_version()
    stem = DISTRIBUTION.replace("-", "_") + f"-{version}"
    expected = {f"{stem}.tar.gz", f"{stem}-py3-none-any.whl"}
    found = {p.name for p in dist.iterdir()}
    if found != expected:
        raise ReleaseError(f"{dist} holds {sorted(found)}; a release of {version} is exactly {sorted(expected)}")
    run([sys.executable, "-m", "twine", "check", "--strict", *sorted(str(p) for p in dist.iterdir())], ROOT)
    work = Path(tempfile.mkdtemp(prefix="sitegen-release-"))
    try:
        smoke_test(dist / f"{stem}-py3-none-any.whl", version, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def smoke_test(wheel: Path, version: str, work: Path) -> None:
    """The wheel as a user gets it: a fresh venv, the `fast` extra, then the
    example site of this repository and a `sitegen init` site."""
    venv = work / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], work)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    # This pip installs into the venv (--python): no pip of its own to set up.
    run([sys.executable, "-m", "pip", "--python", str(bin_dir / "python"), "install", "--quiet",
         f"{DISTRIBUTION}[fast] @ {wheel.resolve().as_uri()}"], work)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", "VIRTUAL_ENV": str(venv),
           "PYTHONPATH": ""}
    where = run([str(bin_dir / "python"), "-c", "import sitegen, markdown_it_pyrs; print(sitegen.__version__, "
                 "sitegen.__file__)"], work, env).split()
    if where[0] != version or not Path(where[1]).resolve().is_relative_to(venv.resolve()):
        raise ReleaseError(f"the venv runs sitegen {where[0]} from {where[1]}, not the wheel's {version}")
    sitegen = str(bin_dir / "sitegen")
    run([sitegen, "build", "--strict", "--check", "--output", str(work / "example")], ROOT, env)
    site = work / "new-site"
    run([sitegen, "init", str(site), "--name", "Release Check"], work, env)
    workflow = (site / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8")
    if f"pip install '{DISTRIBUTION}[fast]=={version}'" not in workflow:
        raise ReleaseError(f"a site made by the wheel does not install {DISTRIBUTION}[fast]=={version} in CI")
    # The starter's placeholders are warnings until replaced: a plain build, then the audit.
    run([sitegen, "build"], site, env)
    run([sitegen, "check"], site, env)
    print(f"the wheel of {version} installs in a fresh venv and builds the example site and a new site")


def main(argv: list[str]) -> int:
    commands = {"check-tag": lambda arg: check_tag(arg), "check-dist": lambda arg: check_dist(Path(arg))}
    if len(argv) != 2 or argv[0] not in commands:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        commands[argv[0]](argv[1])
    except ReleaseError as exc:
        print("error: " + str(exc).replace("\n", "\n  "), file=sys.stderr)
        if os.environ.get("GITHUB_ACTIONS") == "true":  # shown on the run's summary page
            print("::error::" + str(exc).splitlines()[0], file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
