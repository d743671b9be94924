"""How the CI files `sitegen init` writes install sitegen: the way the
running sitegen was installed, so that a new site's first push builds.

A version from an index is pinned by name. A git install (PEP 610's
`direct_url.json` with `vcs_info`) gives `name @ git+URL@commit`. A local
checkout (editable or not, or sitegen run from a source folder) gives its
git remote and HEAD commit when it has a remote CI can reach; else the
index line with a comment saying why. `sitegen init --install SPEC` wins
over all of it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from .. import __version__
from ..errors import UsageError

DISTRIBUTION = "sitegen-bilingual"
EXTRAS = "[fast]"
INDEX_REQUIREMENT = f"{DISTRIBUTION}{EXTRAS}=={__version__}"
NOT_ON_PYPI_YET = (f"{DISTRIBUTION} is installed by name from PyPI once it is published there "
                   "(until then this install fails: see sitegen's README)")


@dataclass(frozen=True)
class Install:
    requirement: str
    """What follows `pip install`, unquoted: a requirement or a URL."""
    notes: tuple[str, ...] = ()
    """Comment lines for the CI files: where the line came from, what to check."""

    def __post_init__(self) -> None:
        if has_control_characters(self.requirement):
            raise UsageError(f"cannot write CI files that install {self.requirement!r}: it holds a control "
                             f"character; give what pip installs with --install, e.g. '{INDEX_REQUIREMENT}'")


def has_control_characters(text: str) -> bool:
    return any(ord(c) < 32 or ord(c) == 127 for c in text)


def given(spec: str) -> Install:
    """`--install SPEC`, as the user wrote it (one argument of pip install)."""
    spec = spec.strip()
    if not spec:
        raise UsageError("--install is empty; give what pip installs, e.g. "
                         f"--install '{INDEX_REQUIREMENT}'")
    if has_control_characters(spec):
        raise UsageError(f"--install {spec!r} holds a control character (a newline?); give one requirement "
                         f"or URL, e.g. --install '{INDEX_REQUIREMENT}'")
    return Install(spec, ("As given to sitegen init --install.",))


def how_installed() -> Install:
    """The install line for the running sitegen, from its distribution metadata."""
    running = Path(__file__).resolve().parents[1]  # the sitegen package folder
    try:
        dist = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return from_checkout(running.parent, "sitegen runs from a source folder")
    direct = read_direct_url(dist)
    if direct is None:
        if belongs_to(dist, running):
            return Install(INDEX_REQUIREMENT, (f"sitegen {__version__}, the version that wrote this file; "
                                               "change it here to upgrade.",))
        return from_checkout(running.parent, "sitegen runs from a source folder")
    url = str(direct.get("url", ""))
    if isinstance(direct.get("vcs_info"), dict):
        return from_vcs(url, direct["vcs_info"], str(direct.get("subdirectory", "") or ""))
    if isinstance(direct.get("dir_info"), dict):
        folder, editable = file_url_path(url), bool(direct["dir_info"].get("editable"))
        # An editable install runs from the folder; a plain one from copies of its files.
        ours = running.is_relative_to(folder.resolve()) if editable and folder else belongs_to(dist, running)
        if folder is None or not ours:
            return from_checkout(running.parent, "sitegen runs from a source folder")
        how = "an editable install" if editable else "an install"
        return from_checkout(folder, f"sitegen is {how} of a folder on this computer")
    if isinstance(direct.get("archive_info"), dict):
        if urlsplit(url).scheme in ("http", "https"):
            public = without_credentials(url)
            return Install(f"{DISTRIBUTION}{EXTRAS} @ {public}", (f"Installs the archive sitegen was installed "
                                                                 f"from here: {public}",))
        return Install(INDEX_REQUIREMENT, ("sitegen was installed from a file on this computer, which CI cannot "
                                           "reach.", NOT_ON_PYPI_YET + "."))
    return Install(INDEX_REQUIREMENT)


def read_direct_url(dist: metadata.Distribution) -> dict | None:
    text = dist.read_text("direct_url.json")
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def belongs_to(dist: metadata.Distribution, package: Path) -> bool:
    """Whether the running package is this distribution's files (and not a
    source folder on sys.path in front of an installed copy)."""
    try:
        return Path(str(dist.locate_file("sitegen/__init__.py"))).resolve() == package / "__init__.py"
    except OSError:
        return False


def file_url_path(url: str) -> Path | None:
    parts = urlsplit(url)
    return Path(unquote(parts.path)) if parts.scheme == "file" else None


def from_vcs(url: str, vcs_info: dict, subdirectory: str) -> Install:
    vcs, commit = str(vcs_info.get("vcs", "git")), str(vcs_info.get("commit_id", ""))
    public, notes = reachable_url(url)
    requirement = f"{DISTRIBUTION}{EXTRAS} @ {vcs}+{public}" + (f"@{commit}" if commit else "")
    if subdirectory:
        requirement += f"#subdirectory={subdirectory}"
    notes = [f"Installs sitegen as it was installed here: from {vcs} at commit {commit[:12] or '(unknown)'}.",
             *notes]
    if urlsplit(public).scheme == "file":
        notes += ["That address is on this computer only: CI cannot reach it. Give a public one with "
                  f"sitegen init --install, or {DISTRIBUTION}'s name once it is on PyPI."]
    return Install(requirement, tuple(notes))


def from_checkout(folder: Path, how: str) -> Install:
    """A local source folder: its git remote and HEAD commit, when CI can reach the remote."""
    git = GitFacts.of(folder)
    if git is None:
        return Install(INDEX_REQUIREMENT, (f"{how}, which is not a git checkout (or git is missing): CI cannot "
                                           "install it from there.", NOT_ON_PYPI_YET + ".",
                                           "To install your own copy, push it and give "
                                           "sitegen init --install 'sitegen-bilingual[fast] @ git+URL@COMMIT'."))
    if git.remote_url is None or is_local(git.remote_url):
        where = f"its remote {git.remote_name} is a folder on this computer" if git.remote_url else "it has no remote"
        return Install(INDEX_REQUIREMENT, (f"{how}, a git checkout, but {where}: CI cannot install it from there.",
                                           NOT_ON_PYPI_YET + ".",
                                           "To install your own copy, push it and run sitegen init again, or give "
                                           "sitegen init --install 'sitegen-bilingual[fast] @ git+URL@COMMIT'."))
    public, notes = reachable_url(git.remote_url)
    notes = [f"{how}, a git checkout: this installs its HEAD commit from its remote {git.remote_name}.", *notes,
             "CI installs that commit from the remote, so it must be pushed there: sitegen cannot check the "
             "remote from here."]
    if not git.on_a_remote_branch:
        notes.append(f"When this file was written, commit {git.commit[:12]} was on no remote branch this checkout "
                     "knew of (git branch -r --contains): push it before you push the site.")
    if git.dirty:
        notes.append("The checkout had uncommitted changes, which CI will not have.")
    return Install(f"{DISTRIBUTION}{EXTRAS} @ git+{public}@{git.commit}", tuple(notes))


SCP_LIKE = re.compile(r"^(?:[\w.-]+@)?(?P<host>[\w.-]+):(?P<path>(?!//)[^\\]+)$")


def reachable_url(url: str) -> tuple[str, list[str]]:
    """A URL CI can clone without this computer's keys or passwords: no
    credentials, and an SSH address (which needs a key CI has not got) as
    HTTPS on the same host."""
    notes: list[str] = []
    scp = SCP_LIKE.match(url) if "://" not in url else None
    parts = urlsplit(url) if scp is None else None
    if scp or (parts is not None and parts.scheme in ("ssh", "git+ssh")):
        host = scp["host"] if scp else (parts.hostname or "")
        path = scp["path"] if scp else parts.path
        https = f"https://{host}/{path.lstrip('/')}"
        notes.append(f"The remote is an SSH address ({url}): CI has no key for it, so this installs over HTTPS "
                     f"({https}); change it if your host serves the repository elsewhere.")
        return https, notes
    public = without_credentials(url)
    if public != url:
        notes.append("The credentials in the remote's address were left out (this file is published).")
    return public, notes


def is_local(url: str) -> bool:
    """A remote that is a folder of this computer (a path, or file://)."""
    if "://" in url:
        return urlsplit(url).scheme == "file"
    return SCP_LIKE.match(url) is None


def without_credentials(url: str) -> str:
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


@dataclass(frozen=True)
class GitFacts:
    commit: str
    remote_name: str
    remote_url: str | None
    on_a_remote_branch: bool
    dirty: bool

    @classmethod
    def of(cls, folder: Path) -> GitFacts | None:
        top = git_output(folder, "rev-parse", "--show-toplevel")
        # A source folder inside some other repository is not that repository's sitegen.
        if not top or Path(top).resolve() != folder.resolve():
            return None
        commit = git_output(folder, "rev-parse", "--verify", "HEAD")
        if not commit:
            return None
        upstream = git_output(folder, "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}")
        remotes = (git_output(folder, "remote") or "").split()
        name = next((r for r in remotes if upstream and upstream.startswith(r + "/")), None)
        name = name or ("origin" if "origin" in remotes else (sorted(remotes)[0] if remotes else "origin"))
        url = git_output(folder, "remote", "get-url", name) if remotes else None
        branches = git_output(folder, "branch", "-r", "--contains", commit) or ""
        status = git_output(folder, "status", "--porcelain", "--untracked-files=no")
        return cls(commit, name, url or None, bool(branches.strip()), bool(status))


def git_output(folder: Path, *args: str) -> str | None:
    """One git command's output, or None when git is missing or says no."""
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        result = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=20,
                                env=env, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() if result.returncode == 0 else None
