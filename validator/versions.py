"""The handbook's versions from git history, each compared with the next by meaning.

A version starts at the first commit whose ``policies/handbook.yaml`` names it. Each version is
compared with the one after it (the latest with the policies as they are now) through
:func:`validator.diff.compare`, the comparison ``handbook diff`` uses, so the change log and a
pull request's impact report say the same thing.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from validator.diff import Impact, compare
from validator.engine import Result, run
from validator.errors import ToolError
from validator.revision import _git, checkout

SETTINGS = "policies/handbook.yaml"
_VERSION = re.compile(r'^version:\s*["\']?([^"\'\s#]+)', re.M)
LIMIT = 3
"""Versions compared at most: the log is about recent changes, and each costs a comparison."""


@dataclass(frozen=True)
class Version:
    """A handbook version: its name, the commit that started it, and that commit's date."""

    name: str
    commit: str
    date: str
    partial: bool = False
    """Compared from a later commit than the version's first (see :func:`_readable_start`)."""


@dataclass(frozen=True)
class Entry:
    """What changed from ``since`` to ``until`` (``None``: to the policies as they are now)."""

    since: Version
    until: Version | None
    impact: Impact


def versions(root: Path) -> list[Version]:
    """Every version in the history of ``root``, oldest first; empty without git history."""
    try:
        log = _git(root, "log", "--reverse", "--format=%H %ad", "--date=short", "--", SETTINGS)
    except ToolError:
        return []
    found: list[Version] = []
    for line in log.decode().splitlines():
        commit, day = line.split(" ", 1)
        try:
            text = _git(root, "show", f"{commit}:{SETTINGS}").decode("utf-8", errors="replace")
        except ToolError:
            continue
        match = _VERSION.search(text)
        if match and (not found or found[-1].name != match.group(1)):
            found.append(Version(match.group(1), commit, day))
    return found


Memo = dict[object, object]
"""What a long-lived caller (``mkdocs serve``) keeps between change logs: the check of each
past commit and each comparison of two past commits, which a commit id fixes for good."""


def _at(root: Path, commit: str, scratch: Path, memo: Memo) -> Result:
    known = memo.get(commit)
    if isinstance(known, Result):
        return known
    state = run(checkout(root, commit, scratch / commit))
    memo[commit] = state
    return state


def _readable_start(
    root: Path, version: Version, scratch: Path, memo: Memo
) -> tuple[Version, Result]:
    """The version's first commit, or, when this validator cannot read it (its schemas are
    older than the kinds it knows), the first commit with today's schemas."""
    try:
        return version, _at(root, version.commit, scratch, memo)
    except ToolError:
        line = _git(root, "log", "-1", "--format=%H %ad", "--date=short", "--", "schemas")
        commit, day = line.decode().strip().split(" ", 1)
        return Version(version.name, commit, day, partial=True), _at(root, commit, scratch, memo)


def change_log(root: Path, current: Result, memo: Memo | None = None) -> list[Entry]:
    """The latest versions, newest first, each with what changed until the next one.

    With ``memo`` (kept by the caller from one call to the next), past commits are checked and
    compared with each other once; only the latest version is compared with ``current`` again.
    """
    memo = {} if memo is None else memo
    found = versions(root)[-LIMIT:]
    entries: list[Entry] = []
    with tempfile.TemporaryDirectory(prefix="handbook-history-") as folder:
        scratch = Path(folder)
        try:
            started = [_readable_start(root, version, scratch, memo) for version in found]
        except (ToolError, ValueError):
            return []
        found = [version for version, _ in started]
        states = [state for _, state in started]
        for number, version in enumerate(found):
            nxt = found[number + 1] if number + 1 < len(found) else None
            if nxt is None:
                impact = compare(version.commit, states[number], current)
            else:
                pair = (version.commit, nxt.commit)
                known = memo.get(pair)
                impact = (
                    known
                    if isinstance(known, Impact)
                    else compare(version.commit, states[number], states[number + 1])
                )
                memo[pair] = impact
            entries.append(Entry(version, nxt, impact))
    return entries[::-1]
