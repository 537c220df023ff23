"""Reading and parsing many policy files on every core the machine gives the run.

A national group's handbook has thousands of files, and parsing them is most of a check's time.
On a machine with several cores the files are shared out: worker processes parse their part and
send back the results while this process parses its own. A small tree (the usual handbook) is
parsed here alone, since starting workers would cost more than it saves.

Workers are started by forking, which copies the already-imported validator at no cost; that is
only safe in a process that runs no other thread (``mkdocs serve`` does), on a system where it is
the usual way (Linux). Anywhere else the files are parsed here, one after another.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from validator.findings import Text
from validator.guarded_read import Refused, read_bytes
from validator.loader import Limits, LoadResult, load_bytes

PARALLEL_FROM = 400
"""Fewest files worth sharing out."""

Outcome = LoadResult | tuple[Text, str]
"""What reading one file gave: its load result, or why it was refused (reason, kind)."""


def load_files(paths: list[tuple[Path, str]], root: Path, limits: Limits) -> list[Outcome]:
    """The outcome of reading each ``(path, display name)``, in the order given."""
    shares = in_forked_shares(
        len(paths),
        _worker_count(len(paths)),
        lambda start, stop: _load_part(paths[start:stop], root, limits),
    )
    if shares is None:
        return _load_part(paths, root, limits)
    outcomes: list[Outcome] = []
    for (start, stop), outcome in shares:
        # A lost worker must not lose its files: they are read here.
        outcomes += outcome if outcome is not None else _load_part(paths[start:stop], root, limits)
    return outcomes


T = TypeVar("T")
_WORK: list[Callable[[int, int], Any]] = []
"""The work of :func:`in_forked_shares`: set before the workers start, so they inherit it
(closures included, which could not be sent to them)."""


def in_forked_shares(
    count: int, workers: int, work: Callable[[int, int], list[T]]
) -> list[tuple[tuple[int, int], list[T] | None]] | None:
    """``work(start, stop)`` over ``count`` items in ``workers + 1`` shares: this process does
    the first, forked workers the others (``workers`` from :func:`worker_count`). Each share's
    ``(start, stop)`` and result, None where its worker was lost (the caller does those items
    itself). None without workers: the caller does everything as usual."""
    if workers == 0 or count == 0:
        return None
    share = -(-count // (workers + 1))
    bounds = [(start, min(start + share, count)) for start in range(0, count, share)]
    _WORK[:] = [work]
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=max(1, len(bounds) - 1), mp_context=context) as pool:
            pending = [pool.submit(_run_share, *bound) for bound in bounds[1:]]
            results: list[list[T] | None] = [work(*bounds[0])]
            for future in pending:
                try:
                    results.append(future.result())
                except Exception:
                    results.append(None)
    finally:
        _WORK.clear()
    return list(zip(bounds, results, strict=True))


def _run_share(start: int, stop: int) -> Any:
    return _WORK[0](start, stop)


def _worker_count(files: int) -> int:
    return worker_count(files, PARALLEL_FROM)


def worker_count(items: int, least: int) -> int:
    """How many worker processes to fork for ``items`` pieces of work (besides this process):
    none below ``least`` items, where forking is not safe, or on a single core."""
    if items < least or sys.platform != "linux" or threading.active_count() > 1:
        return 0
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(0, min(cores, 8, items // max(1, least // 2)) - 1)


def _load_part(paths: list[tuple[Path, str]], root: Path, limits: Limits) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for path, display in paths:
        try:
            raw = read_bytes(path, limits.max_bytes, root)
        except Refused as refusal:
            # The exception itself does not survive the trip between processes; its parts do.
            outcomes.append((refusal.reason, refusal.kind))
            continue
        outcomes.append(load_bytes(raw, display, limits))
    return outcomes
