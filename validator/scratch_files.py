"""Writing a file whole or not at all: it is made under a scratch name beside its target and
renamed over the target only when complete, so a full disk or a stopped process leaves the
previous file as it was. Every such write in the validator goes through here, so one pattern
names every half-written file (and :func:`remove_stale_scratch` knows it)."""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable
from pathlib import Path

SCRATCH_LIFETIME = 3600
"""Seconds after which a half-written file is surely no running process's work in progress."""


def scratch_path(folder: Path, name: str) -> Path:
    """A new hidden name in ``folder`` to write a file under before it takes its own name."""
    return folder / f".{name}.{secrets.token_hex(4)}.tmp"


def remove_stale_scratch(folder: Path) -> None:
    """Remove the :func:`scratch_path` files in ``folder`` older than :data:`SCRATCH_LIFETIME`:
    what a process stopped while writing (a killed worker) left behind."""
    stale = time.time() - SCRATCH_LIFETIME
    for path in folder.glob(".*.tmp"):
        try:
            if path.stat().st_mtime < stale:
                path.unlink()
        except OSError:  # only takes room
            continue


def replace_whole(target: Path, make: Callable[[Path], object]) -> None:
    """Make the new file beside ``target`` with ``make``, then rename it over ``target``; an
    :class:`OSError` is the caller's to report."""
    scratch = scratch_path(target.parent, target.name)
    try:
        make(scratch)
        os.replace(scratch, target)
    finally:
        if os.path.lexists(scratch):
            scratch.unlink()
