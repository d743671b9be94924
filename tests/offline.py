"""Fresh virtual environments that install without the network: pip reads
only a local wheelhouse (tests/wheelhouse.py) and the project's own built
distributions, git clones only local folders, and any HTTP request would go
to a closed port on loopback instead of leaving the machine."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO, TODAY_EPOCH

DEAD_PROXY = "http://127.0.0.1:9"


def offline_env(links: list[Path], venv: Path | None = None) -> dict[str, str]:
    env = {**os.environ, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": " ".join(str(p) for p in links),
           "PIP_CONFIG_FILE": os.devnull, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_COMPILE": "1",
           "PIP_NO_INPUT": "1", "GIT_ALLOW_PROTOCOL": "file", "GIT_TERMINAL_PROMPT": "0", "PYTHONPATH": "",
           "SOURCE_DATE_EPOCH": TODAY_EPOCH, "NO_PROXY": "", "no_proxy": ""}
    for name in ("http_proxy", "https_proxy", "all_proxy"):
        env[name] = env[name.upper()] = DEAD_PROXY
    if venv is not None:
        env["PATH"] = f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"
        env["VIRTUAL_ENV"] = str(venv)
    return env


def fresh_venv(path: Path, wheelhouse: Path) -> Path:
    """A venv with its own pip, installed from the wheelhouse by this
    environment's pip (ensurepip byte-compiles pip: 18 s on a loaded machine)."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True, timeout=120)
    subprocess.run([sys.executable, "-m", "pip", "--python", str(path / "bin" / "python"), "install", "-q", "pip"],
                   check=True, timeout=300, env=offline_env([wheelhouse]), capture_output=True)
    return path


def copy_of_repository(dest: Path) -> Path:
    """The repository's files as a clean clone has them, working-tree edits included."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            check=True, capture_output=True, timeout=60).stdout.decode().split("\0")
    for rel in filter(None, listed):
        source = REPO / rel
        if source.is_file() and not source.is_symlink():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / rel)
    return dest
