"""The golden test: a hash of every output file of the example site and the fixture.

Both are built with `--no-cache` and a fixed SOURCE_DATE_EPOCH, so the output is a
function of the sources alone. A refactor (issue 12: moving code between modules)
must not change one byte; this test names every file that changed.

A change that is meant to change the output records the new hashes:

    python tests/test_golden.py --update

and the diff of tests/golden/*.json shows, file by file, what the change touched.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from conftest import FIXTURES, REPO, run_sitegen  # noqa: E402

GOLDEN = Path(__file__).parent / "golden"
SITES = {"example": REPO, "mini": FIXTURES / "mini"}


def output_hashes(site: Path, work: Path) -> dict[str, str]:
    """Build `site` (copied, so its own folders stay untouched) and hash every file it wrote."""
    copy = work / "site"
    ignore = shutil.ignore_patterns(".git", ".venv", "public", ".sitegen-cache", "node_modules", "__pycache__",
                                    "tests", "benchmarks", "sitegen", "tools", "docs", "*.egg-info")
    shutil.copytree(site, copy, ignore=ignore, symlinks=True)
    out = work / "public"
    result = run_sitegen("build", "--no-cache", "--output", str(out), cwd=copy)
    assert result.returncode == 0, result.stderr
    return {path.relative_to(out).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(out.rglob("*")) if path.is_file()}


@pytest.mark.parametrize("name", sorted(SITES))
def test_output_is_byte_identical_to_the_recorded_build(name: str, tmp_path: Path) -> None:
    recorded = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
    built = output_hashes(SITES[name], tmp_path)
    changed = sorted(path for path in recorded.keys() & built.keys() if recorded[path] != built[path])
    missing = sorted(recorded.keys() - built.keys())
    added = sorted(built.keys() - recorded.keys())
    assert not (changed or missing or added), (
        f"the {name} site's output changed: {len(changed)} files differ {changed[:20]}, "
        f"{len(missing)} missing {missing[:20]}, {len(added)} new {added[:20]}; if the change is meant, "
        "record it with `python tests/test_golden.py --update`")


def main(argv: list[str]) -> int:
    import tempfile

    if argv != ["--update"]:
        print(__doc__)
        return 2
    GOLDEN.mkdir(exist_ok=True)
    for name, site in sorted(SITES.items()):
        with tempfile.TemporaryDirectory() as work:
            hashes = output_hashes(site, Path(work))
        (GOLDEN / f"{name}.json").write_text(json.dumps(hashes, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"tests/golden/{name}.json: {len(hashes)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
