"""The only module that writes the output folder.

A build writes into a staging folder beside the output and swaps it in only
when everything succeeded, so a failed build leaves the last good site
untouched. Two sources claiming one URL are refused before anything is
written.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .errors import ContentError, SitegenError


def check_collisions(claims: list[tuple[str, str]]) -> None:
    """`claims`: (output file, source). Refuse two sources for one file."""
    owners: dict[str, str] = {}
    for path, source in claims:
        other = owners.get(path)
        if other is not None and other != source:
            raise ContentError(
                f"two sources write the same file '{path}': {other} and {source}",
                hint="give one of them another slug (front matter 'slug:'), file name or alias")
        owners[path] = source


class StagedOutput:
    """Collects a build in `<output>.building/` and swaps it in on success."""

    def __init__(self, output: Path):
        self.output = output
        self.staging = output.with_name(f".{output.name}.building")
        self.previous = output.with_name(f".{output.name}.previous")

    def __enter__(self) -> "StagedOutput":
        for leftover in (self.staging, self.previous):
            if leftover.exists():
                shutil.rmtree(leftover)
        self.staging.mkdir(parents=True)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            return
        if self.output.exists():
            os.replace(self.output, self.previous)
            os.replace(self.staging, self.output)
            shutil.rmtree(self.previous, ignore_errors=True)
        else:
            os.replace(self.staging, self.output)

    def target(self, relative: str) -> Path:
        path = (self.staging / relative).resolve()
        if self.staging.resolve() not in path.parents:
            raise SitegenError(f"refusing to write '{relative}' outside the output folder",
                               hint="URLs, slugs and aliases may not contain '..'")
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def write(self, relative: str, data: bytes) -> None:
        self.target(relative).write_bytes(data)

    def copy(self, relative: str, source: Path) -> None:
        shutil.copyfile(source, self.target(relative))
