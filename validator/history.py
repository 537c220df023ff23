"""What a change did, as git can tell it: which declarations are new, which ids disappeared.

Rules use it to blame the place an editor changed rather than the file that happens to sort
later (a duplicate id is reported on the new occurrence, a copied file once on the copy) and to
catch a renamed id. The base is ``HEAD`` for edits not yet committed, or the revision given with
``--base`` in CI. Only files that differ from the base are read at the base, one ``git show``
each, so an unchanged tree costs one ``git diff``.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any

from validator.kinds import KINDS, Kind, Registry
from validator.loader import load_bytes
from validator.policies import kind_of

_GIT_TIMEOUT = 60


@dataclass(frozen=True)
class Declared:
    """An entity as it was declared at the base: its kind, id and data."""

    kind: str
    id: str
    data: dict[str, Any]


@dataclass
class History:
    """The policies at a base revision, read only where the working tree differs from it."""

    root: Path
    base: str
    kinds: Registry = KINDS
    _documents: dict[str, list[Declared] | None] = field(default_factory=dict, repr=False)

    @cached_property
    def changed(self) -> frozenset[str]:
        """Repository-relative paths under ``policies/`` that differ from the base (new files
        included)."""
        tracked = _git(
            self.root,
            "diff",
            "--relative",
            "--name-only",
            "--no-renames",
            self.base,
            "--",
            "policies",
        )
        untracked = _git(self.root, "ls-files", "--others", "--exclude-standard", "--", "policies")
        names = (tracked or "").splitlines() + (untracked or "").splitlines()
        return frozenset(name for name in names if name)

    def declared(self, path: str) -> list[Declared] | None:
        """The entities the file declared at the base; ``None`` when it did not exist there."""
        if path not in self.changed:
            return None
        if path not in self._documents:
            self._documents[path] = self._read(path)
        return self._documents[path]

    def existed(self, path: str, kind: str, entity_id: str) -> bool | None:
        """Whether ``path`` declared this entity at the base; ``None`` when git cannot tell
        (an unchanged file: then it is as old as the base)."""
        if path not in self.changed:
            return None
        return any(d.kind == kind and d.id == entity_id for d in self.declared(path) or [])

    def is_new_file(self, path: str) -> bool:
        """Whether the file did not exist at the base."""
        return path in self.changed and self.declared(path) is None

    def removed(self) -> list[Declared]:
        """Entities declared at the base in the changed files (whether or not still present)."""
        found: list[Declared] = []
        for path in sorted(self.changed):
            found += self.declared(path) or []
        return found

    def _read(self, path: str) -> list[Declared] | None:
        raw = _git_bytes(self.root, "show", f"{self.base}:./{path}")
        if raw is None:
            return None
        relative = PurePosixPath(path).relative_to("policies")
        kind = kind_of(relative, self.kinds)
        loaded = load_bytes(raw, path)
        if kind is None or loaded.document is None or not isinstance(loaded.document.data, dict):
            return []
        return list(_entities(self.kinds, kind, loaded.document.data))


def _entities(kinds: Registry, kind: Kind, data: dict[str, Any]) -> list[Declared]:
    """Every entity a document declares, the way the model indexes them (shape-tolerant: the
    base may not have matched its schema)."""
    found: list[Declared] = []
    items = data.get(kind.list_key) if kind.list_key else [data]
    pending: list[tuple[Kind, Any]] = [(kind, item) for item in items or []]
    while pending:
        current, item = pending.pop()
        if not isinstance(item, dict):
            continue
        if current.id_key is None or not isinstance(item.get(current.id_key), str):
            continue
        found.append(Declared(current.name, item[current.id_key], item))
        for child in kinds.children(current.name):
            children = item.get(child.list_key or "")
            if isinstance(children, list):
                pending += [(child, entry) for entry in children]
    return found


def open_history(root: Path, base: str | None) -> History | None:
    """The history against ``base`` (default ``HEAD``), or ``None`` outside a git work tree or
    when the revision is unknown: rules then fall back to what the files alone say."""
    revision = base or "HEAD"
    if revision.startswith("-"):
        return None
    if _git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}") is None:
        return None
    return History(root, revision)


def _git(root: Path, *args: str) -> str | None:
    raw = _git_bytes(root, *args)
    return None if raw is None else raw.decode("utf-8", errors="replace")


def _git_bytes(root: Path, *args: str) -> bytes | None:
    try:
        completed = subprocess.run(
            ["git", "-C", str(root), *args],
            capture_output=True,
            check=False,
            timeout=_GIT_TIMEOUT,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return completed.stdout if completed.returncode == 0 else None
