"""A local wheelhouse for installs in fresh virtual environments without the
network: the distributions this test environment already has, packed back
into wheels (pip has no command for it). With `PIP_NO_INDEX=1` and
`PIP_FIND_LINKS` set to it, a fresh venv installs exactly the versions the
tests run with, and nothing is asked of any index."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import re
import zipfile
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

SKIPPED_METADATA = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"}


def closure(roots: list[str]) -> dict[str, metadata.Distribution]:
    """Every installed distribution that `roots` (requirements, extras
    included) need, by canonical name."""
    found: dict[str, metadata.Distribution] = {}
    visited: set[tuple[str, frozenset[str]]] = set()
    pending = [Requirement(r) for r in roots]
    while pending:
        req = pending.pop()
        name, extras = canonicalize_name(req.name), frozenset(req.extras)
        if (name, extras) in visited:
            continue
        visited.add((name, extras))
        dist = found.setdefault(name, metadata.distribution(req.name))
        for text in dist.requires or []:
            sub = Requirement(text)
            if sub.marker is None or any(sub.marker.evaluate({**default_environment(), "extra": extra})
                                         for extra in extras or {""}):
                pending.append(sub)
    return found


def pack(dist: metadata.Distribution, dest: Path) -> Path:
    """One installed distribution as a wheel in `dest`."""
    info = next(p for p in dist.files or [] if p.parts[0].endswith(".dist-info"))
    info_dir = info.parts[0]
    wheel_meta = dist.read_text("WHEEL") or ""
    tags = re.findall(r"^Tag:\s*(\S+)", wheel_meta, flags=re.M)
    py, abi, plat = (".".join(dict.fromkeys(t.split("-")[i] for t in tags)) for i in range(3))
    name = re.sub(r"[-_.]+", "_", dist.metadata["Name"])
    version = dist.version
    target = dest / f"{name}-{version}-{py}-{abi}-{plat}.whl"
    data_dir = f"{name}-{version}.data"
    scripts = {ep.name for ep in dist.entry_points if ep.group in ("console_scripts", "gui_scripts")}
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as wheel:
        for rel in dist.files or []:
            parts = rel.parts
            if parts[-1].endswith(".pyc") or (parts[0] == info_dir and parts[-1] in SKIPPED_METADATA):
                continue
            if parts[0] == "..":
                # Outside site-packages: keep the real scripts (a binary such as
                # lychee), not the launchers pip writes from entry points.
                if len(parts) < 2 or parts[-2] != "bin" or parts[-1] in scripts:
                    continue
                arcname = f"{data_dir}/scripts/{parts[-1]}"
            else:
                arcname = rel.as_posix()
            source = Path(str(dist.locate_file(rel)))
            if not source.is_file():
                continue
            data = source.read_bytes()
            wheel.writestr(zipfile.ZipInfo(arcname, date_time=(2020, 1, 1, 0, 0, 0)), data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            writer.writerow([arcname, f"sha256={digest}", len(data)])
        writer.writerow([f"{info_dir}/RECORD", "", ""])
        wheel.writestr(f"{info_dir}/RECORD", record.getvalue())
    return target


def make_wheelhouse(dest: Path, roots: list[str]) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for name, dist in sorted(closure(roots).items()):
        if name != "sitegen-bilingual":  # the project itself comes from its own build
            pack(dist, dest)
    return dest
