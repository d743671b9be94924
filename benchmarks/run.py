"""sitegen build benchmark (issue 5), with Hugo on the same posts when installed.

    python benchmarks/run.py [--sizes 1000,4000,16000] [--repeat 3] [--json FILE]

For each size N it writes a corpus of N post files (benchmarks/corpus.py) in
a temporary folder (on /dev/shm, a tmpfs, when it exists, so the site and
its output are in memory as in the issue's measurements) and runs the real
command line, `python -m sitegen --root SITE build`, in a subprocess with
SOURCE_DATE_EPOCH=1795000000:

- cold: `.sitegen-cache/` and the output removed first, `--no-cache` when
  `sitegen build --help` lists it;
- warm: built again with nothing changed (after one unmeasured build that
  fills the cache, when the cold builds used --no-cache);
- edit: one sentence appended to the newest English post, then built.

Each is run --repeat times; the table shows the medians, and the peak memory
of the worst run. With `hugo` on PATH, a Hugo twin of the same posts
(benchmarks/hugo_site.py) is built cold in the same run (`hugo --quiet -d
OUT`, OUT and resources/ removed first) and the ratios to it are printed.

Memory, per build: `peak RSS` is the largest resident set of one process
(os.wait4's rusage: the build, or its largest worker); `tree` is the
largest sum of PSS over the build's process tree, sampled every 50 ms from
/proc (PSS shares the copy-on-write pages of forked workers fairly).
Standard library only, plus PyYAML (a sitegen dependency) for the Hugo twin.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402

SOURCE_DATE_EPOCH = "1795000000"   # 2026-11-18: every generated post is published
SAMPLE_SECONDS = 0.05
CACHE_DIR = ".sitegen-cache"
TARGETS = {
    # issue 15 (archive scale)
    "cold/hugo at 4,000": 1.0,
    "cpu/hugo cpu at 4,000": 1.0,
    "tree MiB at 4,000": 150,
    "tree MiB at 16,000": 450,
    "16k cold / 4k cold": 4.2,
}


# --------------------------------------------------------------------- measuring

@dataclass
class Run:
    seconds: float
    max_rss_mib: float     # largest single process (rusage ru_maxrss of the child and its reaped children)
    tree_mib: float        # largest sampled sum of PSS over the process tree (0 when /proc is not there)
    returncode: int
    cpu_seconds: float = 0.0   # user + system time of the process and its reaped children
    stdout: str = field(default="", repr=False)
    stderr: str = field(default="", repr=False)


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                found += [int(c) for c in f.read().split()]
    except (OSError, ValueError):
        pass
    return found


def _memory_kib(pid: int) -> int:
    """PSS of one process in KiB (RSS when smaps_rollup is not readable)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
    except (OSError, ValueError):
        return 0


class TreeSampler(threading.Thread):
    """Samples the summed memory of a process and its descendants."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kib = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            pids, todo = [], [self.pid]
            while todo:
                pid = todo.pop()
                pids.append(pid)
                todo += _children(pid)
            self.peak_kib = max(self.peak_kib, sum(_memory_kib(pid) for pid in pids))
            self.done.wait(SAMPLE_SECONDS)


QUIET_LOAD: float | None = None   # --quiet-load: wait for the load average to drop below this first
QUIET_WAIT_SECONDS = 180


def wait_for_quiet() -> None:
    if QUIET_LOAD is None or not hasattr(os, "getloadavg"):
        return
    deadline = time.monotonic() + QUIET_WAIT_SECONDS
    while os.getloadavg()[0] >= QUIET_LOAD and time.monotonic() < deadline:
        time.sleep(2)


def measure(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run `cmd`; wall time, peak RSS (os.wait4 rusage), sampled tree memory."""
    wait_for_quiet()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        sampler.done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(seconds, usage.ru_maxrss / 1024, sampler.peak_kib / 1024, proc.returncode,
                   usage.ru_utime + usage.ru_stime,
                   out.read().decode(errors="replace"), err.read().decode(errors="replace"))


# --------------------------------------------------------------------- sitegen

SITEGEN_CHECKOUT: Path | None = None   # --sitegen: benchmark this source tree instead of the installed one


def sitegen_env() -> dict[str, str]:
    env = dict(os.environ, SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH)
    env.pop("SITEGEN_BASE_URL", None)
    if SITEGEN_CHECKOUT:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SITEGEN_CHECKOUT), env.get("PYTHONPATH")]))
    return env


def sitegen_build(root: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "sitegen", "--root", str(root), "build", *extra]


def compile_sitegen(package_dir: str) -> None:
    """Byte-compile sitegen, as pip does when it installs a package. Without
    it, where PYTHONDONTWRITEBYTECODE is set (as in many CI images and
    containers) every run would compile sitegen's modules again first."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", package_dir], check=True, capture_output=True)


def has_no_cache_option() -> bool:
    result = subprocess.run([sys.executable, "-m", "sitegen", "build", "--help"], capture_output=True, text=True,
                            env=sitegen_env(), cwd=tempfile.gettempdir())
    return "--no-cache" in result.stdout


def checked(run: Run, what: str) -> Run:
    """A failed build stops the benchmark; warnings are shown once."""
    if run.returncode != 0:
        sys.stderr.write(f"\n{what} failed (exit {run.returncode}):\n{run.stdout}{run.stderr}\n")
        raise SystemExit(1)
    warnings = [line for line in run.stderr.splitlines() if line.strip()]
    if warnings:
        shown = "\n  ".join(warnings[:10]) + (f"\n  … and {len(warnings) - 10} more" if len(warnings) > 10 else "")
        log(f"  {what}: printed on stderr:\n  {shown}")
    return run


def newest_english_post(root: Path) -> Path:
    posts = sorted(p for p in (root / "content" / "posts").glob("*.md") if not p.name.endswith(".fr.md"))
    return posts[-1]


def bench_sitegen(root: Path, repeat: int, no_cache: bool,
                  alongside: Callable[[int], None] | None = None) -> dict:
    """`alongside(i)`: another tool's i-th cold build, run right before or
    after sitegen's (in turn), so that both see the machine in the same state."""
    env = sitegen_env()
    output = root / "public"
    cold, warm, edit = [], [], []
    for i in range(repeat):
        if alongside is not None and i % 2 == 1:
            alongside(i)
        shutil.rmtree(root / CACHE_DIR, ignore_errors=True)
        shutil.rmtree(output, ignore_errors=True)
        cmd = sitegen_build(root, *(["--no-cache"] if no_cache else []))
        cold.append(checked(measure(cmd, root, env), "sitegen cold build"))
        log(f"  sitegen cold #{i + 1}: {cold[-1].seconds:.2f} s (cpu {cold[-1].cpu_seconds:.2f} s), "
            f"{cold[-1].max_rss_mib:.0f} MiB "
            f"(tree {cold[-1].tree_mib:.0f} MiB) — {cold[-1].stdout.strip()}")
        if alongside is not None and i % 2 == 0:
            alongside(i)
    if no_cache:   # the cold builds may not have written the cache: fill it, unmeasured
        checked(measure(sitegen_build(root), root, env), "sitegen build filling the cache")
    for i in range(repeat):
        warm.append(checked(measure(sitegen_build(root), root, env), "sitegen warm build"))
        log(f"  sitegen warm #{i + 1}: {warm[-1].seconds:.2f} s (cpu {warm[-1].cpu_seconds:.2f} s), "
            f"{warm[-1].max_rss_mib:.0f} MiB "
            f"— {warm[-1].stdout.strip()}")
    post = newest_english_post(root)
    for i in range(repeat):
        with post.open("a", encoding="utf-8") as f:
            f.write(f"\n{corpus.EN['edit']} (Benchmark edit {i + 1}.)\n")
        edit.append(checked(measure(sitegen_build(root), root, env), "sitegen one-post edit build"))
        log(f"  sitegen edit #{i + 1}: {edit[-1].seconds:.2f} s (cpu {edit[-1].cpu_seconds:.2f} s), "
            f"{edit[-1].max_rss_mib:.0f} MiB "
            f"— {edit[-1].stdout.strip()}")
    files = sum(1 for p in output.rglob("*") if p.is_file())
    return {"cold": summary(cold), "warm": summary(warm), "edit": summary(edit), "output_files": files,
            "edited_post": post.name, "build_line": cold[-1].stdout.strip()}


def summary(runs: list[Run]) -> dict:
    return {
        "seconds": statistics.median(r.seconds for r in runs),
        "cpu_seconds": statistics.median(r.cpu_seconds for r in runs),
        "max_rss_mib": max(r.max_rss_mib for r in runs),
        "tree_mib": max(r.tree_mib for r in runs),
        "runs": [{k: v for k, v in asdict(r).items() if k not in ("stdout", "stderr")} for r in runs],
    }


# --------------------------------------------------------------------- hugo

def hugo_version() -> str | None:
    if not shutil.which("hugo"):
        return None
    result = subprocess.run(["hugo", "version"], capture_output=True, text=True)
    return result.stdout.strip() or result.stderr.strip()


class HugoTwin:
    """Hugo's cold builds of the twin site, one at a time (`build(i)`), to
    alternate with sitegen's."""

    def __init__(self, site_root: Path, work: Path):
        import hugo_site  # needs PyYAML, which sitegen depends on

        self.root = work / "hugo"
        self.posts = hugo_site.write_hugo_site(site_root, self.root)
        self.out = work / "hugo-public"
        self.cold: list[Run] = []

    def build(self, i: int) -> None:
        root, out = self.root, self.out
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(root / "resources", ignore_errors=True)
        run = measure(["hugo", "--quiet", "--buildFuture", "-d", str(out)], root)
        if run.returncode != 0:
            sys.stderr.write(f"\nhugo failed (exit {run.returncode}):\n{run.stdout}{run.stderr}\n")
            raise SystemExit(1)
        if run.stderr.strip():
            log("  hugo printed: " + run.stderr.strip()[:500])
        self.cold.append(run)
        log(f"  hugo cold #{i + 1}: {run.seconds:.2f} s (cpu {run.cpu_seconds:.2f} s), {run.max_rss_mib:.0f} MiB")

    def result(self) -> dict:
        files = sum(1 for p in self.out.rglob("*") if p.is_file())
        return {"posts": self.posts, "cold": summary(self.cold), "output_files": files}


# --------------------------------------------------------------------- report

def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def fmt(value: float | None, spec: str = ".2f", suffix: str = "") -> str:
    return "—" if value is None else f"{value:{spec}}{suffix}"


def table(results: list[dict]) -> str:
    head = ["N", "cold s", "warm s", "edit s", "peak RSS MiB", "tree MiB", "hugo s", "hugo MiB",
            "cold/hugo", "warm/hugo", "edit/hugo"]
    rows = []
    for r in results:
        s, h = r["sitegen"], r.get("hugo")
        hugo_s = h["cold"]["seconds"] if h else None
        peak = max(s[k]["max_rss_mib"] for k in ("cold", "warm", "edit"))
        tree = max(s[k]["tree_mib"] for k in ("cold", "warm", "edit"))
        rows.append([
            f"{r['posts']:,}", fmt(s["cold"]["seconds"]), fmt(s["warm"]["seconds"]), fmt(s["edit"]["seconds"]),
            fmt(peak, ".0f"), fmt(tree, ".0f"), fmt(hugo_s), fmt(h["cold"]["max_rss_mib"], ".0f") if h else "—",
            fmt(ratio(s["cold"]["seconds"], hugo_s), ".2f", "×"), fmt(ratio(s["warm"]["seconds"], hugo_s), ".2f", "×"),
            fmt(ratio(s["edit"]["seconds"], hugo_s), ".2f", "×"),
        ])
    widths = [max(len(x) for x in col) for col in zip(head, *rows)]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(head, widths)) + " |",
             "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    lines += ["| " + " | ".join(c.rjust(w) for c, w in zip(row, widths)) + " |" for row in rows]
    by_size = {r["posts"]: r["sitegen"]["cold"]["seconds"] for r in results}
    for big, small in ((16000, 4000),):
        if big in by_size and small in by_size:
            lines.append(f"\n16k cold / 4k cold: {by_size[big] / by_size[small]:.2f}× "
                         f"(target ≤ {TARGETS['16k cold / 4k cold']}×)")
    return "\n".join(lines)


def machine() -> dict:
    cpu = ""
    try:
        cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    version = subprocess.run([sys.executable, "-m", "sitegen", "--version"], capture_output=True, text=True,
                             env=sitegen_env(), cwd=tempfile.gettempdir())
    where = subprocess.run([sys.executable, "-c", "import sitegen; print(sitegen.__file__)"], capture_output=True,
                           text=True, env=sitegen_env(), cwd=tempfile.gettempdir())
    return {"python": platform.python_version(), "platform": platform.platform(), "cpu": cpu,
            "cores": os.cpu_count(), "sitegen": version.stdout.strip(), "sitegen_path": where.stdout.strip(),
            "hugo": hugo_version()}


def work_folder(explicit: Path | None) -> Path:
    if explicit:
        explicit.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix="sitegen-bench-", dir=explicit))
    shm = Path("/dev/shm")
    parent = shm if shm.is_dir() and os.access(shm, os.W_OK) else None
    return Path(tempfile.mkdtemp(prefix="sitegen-bench-", dir=parent))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark sitegen builds (and Hugo on the same posts).")
    parser.add_argument("--sizes", default="1000,4000,16000", help="post counts, comma-separated "
                        "(default 1000,4000,16000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement; medians are shown "
                        "(default 3)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also save the results as JSON")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    parser.add_argument("--no-hugo", action="store_true", help="do not run Hugo even when it is installed")
    parser.add_argument("--workdir", type=Path, help="where to write corpora and outputs "
                        "(default: a temporary folder on /dev/shm when it exists)")
    parser.add_argument("--keep", action="store_true", help="keep the generated sites (path printed)")
    parser.add_argument("--sitegen", type=Path, metavar="DIR", help="benchmark the sitegen package in this source "
                        "tree (put first on PYTHONPATH), e.g. a `git archive` of an older commit")
    parser.add_argument("--quiet-load", type=float, metavar="LOAD", help="before each measured run, wait (up to "
                        f"{QUIET_WAIT_SECONDS} s) until the 1-minute load average is below LOAD, e.g. 0.5")
    args = parser.parse_args(argv)
    global SITEGEN_CHECKOUT, QUIET_LOAD
    QUIET_LOAD = args.quiet_load
    if args.sitegen:
        if not (args.sitegen / "sitegen" / "__init__.py").is_file():
            parser.error(f"--sitegen {args.sitegen}: no sitegen/__init__.py there")
        SITEGEN_CHECKOUT = args.sitegen.resolve()
    try:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error("--sizes must be numbers separated by commas, e.g. 1000,4000")
    if not sizes or min(sizes) < 1 or args.repeat < 1:
        parser.error("sizes and --repeat must be at least 1")

    info = machine()
    info["hugo"] = None if args.no_hugo else info["hugo"]
    compile_sitegen(str(Path(info["sitegen_path"]).parent))
    no_cache = has_no_cache_option()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    log(f"{info['sitegen']} ({info['sitegen_path']}) on Python {info['python']}, {info['cores']} cores ({info['cpu']}); "
        f"hugo: {info['hugo'] or 'not run'}; cold builds with --no-cache: {'yes' if no_cache else 'no (not listed)'}")
    if load > 0.5:
        log(f"note: load average is {load:.2f} before starting; other processes may skew the timings")
    report = {"machine": info, "repeat": args.repeat, "seed": args.seed, "no_cache_option": no_cache,
              "source_date_epoch": SOURCE_DATE_EPOCH, "load_before": load, "results": []}
    for n in sizes:
        work = work_folder(args.workdir)
        site = work / "site"
        log(f"\n{n:,} posts in {site}")
        started = time.perf_counter()
        corpus.generate(site, n, args.seed)
        log(f"  corpus written in {time.perf_counter() - started:.1f} s")
        try:
            hugo = HugoTwin(site, work) if info["hugo"] else None
            result = {"posts": n, "site": str(site),
                      "sitegen": bench_sitegen(site, args.repeat, no_cache, hugo.build if hugo else None)}
            if hugo:
                result["hugo"] = hugo.result()
        finally:
            if not args.keep:
                shutil.rmtree(work, ignore_errors=True)
        result["load_after"] = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
        report["results"].append(result)
        if args.json:   # saved after every size, in case a long run is cut short
            args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print()
    print(f"sitegen: {info['sitegen']}; hugo: {info['hugo'] or 'not run'}; "
          f"median of {args.repeat} run(s); {info['cores']} cores")
    print(table(report["results"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
