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
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from validator.findings import Text
from validator.guarded_read import Refused, read_bytes
from validator.loader import Limits, LoadResult, load_bytes

PARALLEL_FROM = 400
"""Fewest files worth sharing out."""

Outcome = LoadResult | tuple[Text, str]
"""What reading one file gave: its load result, or why it was refused (reason, kind)."""


def load_files(paths: list[tuple[Path, str]], root: Path, limits: Limits) -> list[Outcome]:
    """The outcome of reading each ``(path, display name)``, in the order given."""
    workers = _worker_count(len(paths))
    if workers == 0:
        return _load_part(paths, root, limits)
    share = -(-len(paths) // (workers + 1))
    parts = [paths[start : start + share] for start in range(0, len(paths), share)]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=len(parts) - 1, mp_context=context) as pool:
        pending: list[Future[list[Outcome]]] = [
            pool.submit(_load_part, part, root, limits) for part in parts[1:]
        ]
        outcomes = _load_part(parts[0], root, limits)
        for part, future in zip(parts[1:], pending, strict=True):
            try:
                outcomes += future.result()
            except Exception:  # a lost worker must not lose its files: read them here
                outcomes += _load_part(part, root, limits)
    return outcomes


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
