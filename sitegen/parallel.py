"""Spread heavy, independent work (Markdown, page rendering) over the cores.

Workers are forked, so they inherit the parent's memory (settings, the site
model, the Jinja environment) and only the items and results cross between
processes. Results come back in the order of the items, so the output does
not depend on scheduling. Small batches stay in-process: forking costs more
than it saves there.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from typing import Any, Callable, Sequence

MIN_ITEMS = 48
_task: Callable[[Any], Any] | None = None


def worker_count() -> int:
    override = os.environ.get("SITEGEN_JOBS")
    if override and override.isdigit():
        return max(1, int(override))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _run(item: Any) -> Any:
    assert _task is not None
    return _task(item)


def ordered_map(task: Callable[[Any], Any], items: Sequence[Any], min_items: int = MIN_ITEMS,
                progress: Callable[[int, int], None] | None = None, renew_workers: bool = False) -> list[Any]:
    """`[task(i) for i in items]`, in forked processes when it pays off.
    `progress(done, total)` is called as results arrive. `renew_workers`:
    replace each worker after four of the sixteen chunks, for tasks that read
    much of what the workers inherit (reading an object writes its reference
    count, which copies its memory page: a long-lived worker ends up with a
    copy of everything it read)."""
    global _task
    report = progress or (lambda done, total: None)
    workers = min(worker_count(), max(1, len(items) // (min_items // 2 or 1)))
    if workers < 2 or len(items) < min_items or "fork" not in multiprocessing.get_all_start_methods():
        results = []
        for item in items:
            results.append(task(item))
            report(len(results), len(items))
        return results
    _task = task
    # Frozen, the objects the workers inherit are left out of collections,
    # which would otherwise walk them, and so copy their memory pages, in
    # every worker.
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(workers, maxtasksperchild=4 if renew_workers else None) as pool:
            # Chunks large enough to amortise the hand-over, small enough to balance.
            results = []
            for result in pool.imap(_run, items, chunksize=max(1, len(items) // (workers * 8))):
                results.append(result)
                report(len(results), len(items))
            return results
    finally:
        _task = None
        gc.unfreeze()
