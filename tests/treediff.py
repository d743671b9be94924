"""Compare two output folders byte for byte, every file in every subfolder.

One helper for every "same output" test (determinism, incremental against
full builds), so none of them compares only the top folder or only sizes
and times (filecmp's shallow default)."""

from __future__ import annotations

from pathlib import Path


def files(root: Path) -> set[str]:
    """Every file under `root`, as a POSIX path relative to it."""
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def differing_files(left: Path, right: Path) -> list[str]:
    """Files present on one side only, or whose bytes differ; [] when the trees are identical."""
    ours, theirs = files(left), files(right)
    only = [f"{name} (only in {left.name})" for name in sorted(ours - theirs)]
    only += [f"{name} (only in {right.name})" for name in sorted(theirs - ours)]
    changed = [name for name in sorted(ours & theirs) if (left / name).read_bytes() != (right / name).read_bytes()]
    return only + changed
