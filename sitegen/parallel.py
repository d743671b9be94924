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


def _run(batch: Sequence[Any]) -> list[Any]:
    assert _task is not None
    return [_task(item) for item in batch]


def batches(count: int, workers: int) -> list[range]:
    """Equal batches large enough to amortise the hand-over, then the last
    part in half-size ones, so that no worker is left alone with a long batch
    (the list pages, feeds and sitemap at the end of a build's jobs take three
    times as long as a batch of posts). Quarter-size ones balanced no better
    and cost 8 MiB more at 4,000 posts: both workers then go through the list
    pages at once, each copying the posts it reads."""
    size = max(1, count // (workers * 8))
    head = max(0, count // size - 2 * workers) * size  # about two batches a worker left for the tail
    small = max(1, size // 2)
    edges = [*range(0, head, size), *range(head, count, small), count]
    return [range(start, stop) for start, stop in zip(edges, edges[1:])]


def ordered_map(task: Callable[[Any], Any], items: Sequence[Any], min_items: int = MIN_ITEMS,
                progress: Callable[[int, int], None] | None = None, renew_workers: bool = False,
                meanwhile: Callable[[], None] | None = None) -> list[Any]:
    """`[task(i) for i in items]`, in forked processes when it pays off.
    `progress(done, total)` is called as results arrive. `renew_workers`:
    replace each worker after four batches, for tasks that read
    much of what the workers inherit (reading an object writes its reference
    count, which copies its memory page: a long-lived worker ends up with a
    copy of everything it read). `meanwhile()` is run in this process while
    the workers work (before the items when there are no workers)."""
    global _task
    report = progress or (lambda done, total: None)
    workers = min(worker_count(), max(1, len(items) // (min_items // 2 or 1)))
    if workers < 2 or len(items) < min_items or "fork" not in multiprocessing.get_all_start_methods():
        if meanwhile is not None:
            meanwhile()
        results = []
        for item in items:
            results.append(task(item))
            report(len(results), len(items))
        return results
    _task = task
    # Frozen, the objects the workers inherit are left out of collections,
    # which would otherwise walk them, and so copy their memory pages, in
    # every worker. Workers collect even when this process does not (a
    # one-off build): rendering leaves cycles behind.
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(workers, initializer=gc.enable,
                                                      maxtasksperchild=4 if renew_workers else None) as pool:
            parts = pool.imap(_run, [items[part.start:part.stop] for part in batches(len(items), workers)])
            if meanwhile is not None:
                meanwhile()
            results = []
            for batch in parts:
                results += batch
                report(len(results), len(items))
            return results
    finally:
        _task = None
        gc.unfreeze()
