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

import bisect
import itertools
import marshal
import multiprocessing
import os
import pickle
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from validator.findings import Text
from validator.guarded_read import Confinement, Refused, read_bytes
from validator.loader import (
    Limits,
    LoadResult,
    ParsedFields,
    load_bytes,
    parsed_document,
    parsed_fields,
)
from validator.parse_cache import ParseCache

PARALLEL_FROM = 400
"""Fewest files worth sharing out."""

Outcome = LoadResult | tuple[Text, str]
"""What reading one file gave: its load result, or why it was refused (reason, kind)."""


def load_files(
    paths: list[tuple[Path, str]], root: Path, limits: Limits, cache: ParseCache | None = None
) -> list[Outcome]:
    """The outcome of reading each ``(path, display name)``, in the order given; with a
    ``cache``, a file whose bytes it holds is taken from it, and what is parsed is kept there."""
    # Every file is read first: the workers inherit the bytes, and a share is weighed by its
    # lines, which predict the parsing far better than bytes do (Chinese text is cheap to parse).
    confinement = Confinement(root)
    read = [_read(path, confinement, limits) for path, _ in paths]
    outcomes: list[Outcome | None] = [
        raw if isinstance(raw, tuple) else cache.get(display, raw) if cache else None
        for raw, (_, display) in zip(read, paths, strict=True)
    ]
    todo = [
        (index, raw)
        for index, (raw, outcome) in enumerate(zip(read, outcomes, strict=True))
        if isinstance(raw, bytes) and outcome is None
    ]

    def parse(start: int, stop: int) -> list[Outcome]:
        return [load_bytes(raw, paths[index][1], limits) for index, raw in todo[start:stop]]

    parsed = all_shared(
        len(todo),
        workers_for_files(len(todo)),
        parse,
        weights=[raw.count(b"\n") for _, raw in todo],
        codec=(packed, unpacked),
    )
    fresh = dict(zip((index for index, _ in todo), parsed, strict=True))
    if cache is not None:
        for index, raw in todo:
            result = fresh[index]
            if isinstance(result, LoadResult):
                cache.keep(paths[index][1], raw, result)
        cache.forget_others({display for _, display in paths})
        cache.save()
    return [fresh[index] if outcome is None else outcome for index, outcome in enumerate(outcomes)]


def packed(outcomes: list[Outcome]) -> bytes:
    """A worker's outcomes as bytes for the trip back (:func:`unpacked` reverses it).

    A parsed file is plain data, which ``marshal`` writes and reads several times faster than
    ``pickle``; the rare outcome with findings, and data ``marshal`` cannot take, go by pickle.
    """
    plain: list[tuple[str, ParsedFields, str] | None] = []
    others: dict[int, Outcome] = {}
    for index, outcome in enumerate(outcomes):
        document = outcome.document if isinstance(outcome, LoadResult) else None
        if document is None or not isinstance(outcome, LoadResult) or outcome.findings:
            plain.append(None)
            others[index] = outcome
        else:
            plain.append((document.path, parsed_fields(document), document.text))
    try:
        return b"M" + marshal.dumps((plain, pickle.dumps(others, pickle.HIGHEST_PROTOCOL)))
    except ValueError:  # too deeply nested, or a type marshal does not know
        return b"P" + pickle.dumps(outcomes, pickle.HIGHEST_PROTOCOL)


def unpacked(blob: bytes) -> list[Outcome]:
    """The outcomes :func:`packed` wrote."""
    if blob[:1] == b"P":
        outcomes: list[Outcome] = pickle.loads(blob[1:])
        return outcomes
    plain, pickled = marshal.loads(memoryview(blob)[1:])
    others: dict[int, Outcome] = pickle.loads(pickled)
    return [
        others[index] if sent is None else LoadResult(parsed_document(*sent), [])
        for index, sent in enumerate(plain)
    ]


T = TypeVar("T")


def all_shared(
    count: int,
    workers: int,
    work: Callable[[int, int], list[T]],
    *,
    weights: Sequence[int] | None = None,
    codec: tuple[Callable[[list[T]], bytes], Callable[[bytes], list[T]]] | None = None,
) -> list[T]:
    """Every item's result, in order: ``work`` shared out as :func:`in_forked_shares` does,
    with a lost worker's items (and all of them, without workers) done in this process."""
    shares = in_forked_shares(count, workers, work, weights=weights, codec=codec)
    results: list[T] = []
    for (start, stop), outcome in shares or [((0, count), None)]:
        results += outcome if outcome is not None else work(start, stop)
    return results


_PIECES_PER_WORKER = 8
"""Shares per worker when workers take them in turn: small enough that they end close
together, few enough that sending each back costs little."""
_WORK: list[Callable[[int, int], Any]] = []
"""The work of :func:`in_forked_shares`: set before the workers start, so they inherit it
(closures included, which could not be sent to them)."""


def in_forked_shares(
    count: int,
    workers: int,
    work: Callable[[int, int], list[T]],
    *,
    weights: Sequence[int] | None = None,
    here: bool = True,
    codec: tuple[Callable[[list[T]], bytes], Callable[[bytes], list[T]]] | None = None,
) -> list[tuple[tuple[int, int], list[T] | None]] | None:
    """``work(start, stop)`` over ``count`` items in ``workers + 1`` shares: this process does
    the first, forked workers the others (``workers`` from :func:`worker_count`). Each share's
    ``(start, stop)`` and result, None where its worker was lost (the caller does those items
    itself). None without workers: the caller does everything as usual.

    ``weights`` (one per item: its size, say) makes the shares about equally heavy rather than
    equally long, so no process waits long for another. Without ``here``, this process only
    waits: ``workers + 1`` forked workers take smaller shares in turn as each finishes one
    (however well weighed, two halves of a site's pages end seconds apart), and work that
    leaves much garbage behind leaves none in a process whose peak memory matters (a site
    build's); the shares of a lost worker are then tried once more in fresh workers.

    ``codec`` (to bytes, from bytes) carries a worker's result back faster than ``pickle``."""
    if workers == 0 or count == 0:
        return None
    pieces = workers + 1 if here else (workers + 1) * _PIECES_PER_WORKER
    bounds = share_bounds(weights if weights is not None else [1] * count, pieces)
    forked = bounds[1:] if here else bounds
    _WORK[:] = [work if codec is None else _encoding(work, codec[0])]
    try:
        processes = max(1, len(forked) if here else min(len(forked), workers + 1))
        if here:
            with _pool(processes) as pool:
                pending = [pool.submit(_run_share, *bound) for bound in forked]
                results = [work(*bounds[0]), *_gathered(pending)]
        else:
            results = _in_pool(processes, bounds)
            lost = [bound for bound, result in zip(bounds, results, strict=True) if result is None]
            if lost:
                # A worker that dies (the memory killer, say) breaks the pool and every share
                # not yet done is lost with it: those are tried once more in a fresh pool rather
                # than left to the caller, which would do them one by one in this process.
                again = iter(_in_pool(min(processes, len(lost)), lost))
                results = [next(again) if result is None else result for result in results]
    finally:
        _WORK.clear()
    if codec is not None:
        # This process's own share (the first, with ``here``) was never encoded.
        results = [
            r if r is None or (here and i == 0) else codec[1](r) for i, r in enumerate(results)
        ]
    return list(zip(bounds, results, strict=True))


def _encoding(
    work: Callable[[int, int], list[T]], encode: Callable[[list[T]], bytes]
) -> Callable[[int, int], bytes]:
    return lambda start, stop: encode(work(start, stop))


def _pool(processes: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=processes, mp_context=multiprocessing.get_context("fork")
    )


def _in_pool(processes: int, bounds: list[tuple[int, int]]) -> list[Any]:
    with _pool(processes) as pool:
        return _gathered([pool.submit(_run_share, *bound) for bound in bounds])


def _gathered(pending: list[Future[Any]]) -> list[Any]:
    """Each future's result, None for one whose worker was lost."""
    results = []
    for future in pending:
        try:
            results.append(future.result())
        except Exception:
            results.append(None)
    return results


def share_bounds(weights: Sequence[int], shares: int) -> list[tuple[int, int]]:
    """At most ``shares`` consecutive ``(start, stop)`` ranges covering the items, none empty,
    each weighing as near as it can to its part of the total (an item weighs at least 1)."""
    totals = list(itertools.accumulate(max(1, weight) for weight in weights))
    cuts = [0]
    for part in range(1, shares):
        target = totals[-1] * part / shares if totals else 0
        # The cut whose weight before it is nearest the target, after the previous cut.
        after = bisect.bisect_left(totals, target)
        cut = after + 1
        if after > 0 and target - totals[after - 1] <= totals[min(after, len(totals) - 1)] - target:
            cut = after
        if cuts[-1] < cut < len(totals):
            cuts.append(cut)
    cuts.append(len(totals))
    return [(start, stop) for start, stop in itertools.pairwise(cuts) if start < stop]


def _run_share(start: int, stop: int) -> Any:
    return _WORK[0](start, stop)


def workers_for_files(files: int) -> int:
    """How many workers to fork for work over a tree of ``files`` policy files (parsing them,
    or checking the handbook they make)."""
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


def _read(path: Path, root: Confinement, limits: Limits) -> bytes | tuple[Text, str]:
    try:
        return read_bytes(path, limits.max_bytes, root)
    except Refused as refusal:
        # The exception itself does not survive the trip between processes; its parts do.
        return refusal.reason, refusal.kind
