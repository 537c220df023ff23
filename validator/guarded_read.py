"""The one way the validator reads repository files: bounded, inside the repository, never stuck.

A pull request controls every path in the repository, including what a path *is*: a symbolic
link to ``/etc``, a link to ``/dev/zero``, a FIFO, a folder nested a thousand levels deep. So a
read here

* stays inside the repository: the path (and each folder on the way, ``policies/`` itself
  included) must resolve under the repository root;
* opens without blocking (a FIFO would wait forever for a writer) and reads only a regular file;
* checks the size before reading and never reads more than the bound (``/dev/zero`` is endless);

and a walk is iterative with a depth bound, so no tree can exhaust the interpreter's stack.

Problems are raised as :class:`Refused` with a bilingual reason; each caller turns that into what
suits it (a finding for a policy file, a tool error for a schema, nothing for ``mkdocs.yml``).
"""

from __future__ import annotations

import errno
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from validator.findings import Text

MAX_DEPTH = 16
"""Folder levels below a walked folder; the policy tree needs two."""
MAX_CONFIG_BYTES = 1024 * 1024
"""``mkdocs.yml``: the shipped one is a few KiB."""


# O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever. O_BINARY
# keeps Windows (where editors run the pre-commit hook) from translating line endings.
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_BINARY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)


class Refused(Exception):
    """A file or folder that is not read, and why (in Chinese and English)."""

    def __init__(self, reason: Text, kind: str) -> None:
        super().__init__(reason.en)
        self.reason = reason
        self.kind = kind
        """``outside``, ``not-a-file``, ``too-large``, ``unreadable`` or ``malformed``."""


def is_loop(path: Path) -> bool:
    """True when ``path`` is a symbolic link that never reaches a file (it leads back to itself)."""
    try:
        path.resolve(strict=True)
    except RuntimeError:
        return True
    except OSError as error:
        return error.errno == errno.ELOOP
    return False


def inside(path: Path, root: Path) -> bool:
    """True when ``path``, with every link resolved, lies within ``root``."""
    return Confinement(root).holds(path)


class Confinement:
    """Whether paths resolve inside one root, for reading many files: the root and each folder
    are resolved once (a national group's tree holds thousands of files in a few folders, and
    resolving every file's path afresh took 0.15 s of its 2 s check)."""

    def __init__(self, root: Path) -> None:
        self._top = _real(root)
        self._folders: dict[Path, str | None] = {}

    def holds(self, path: Path) -> bool:
        """True when ``path``, with every link resolved, lies within the root."""
        if self._top is None or "\0" in str(path):
            return False
        if path.name in ("", ".", "..") or os.path.islink(path):
            real = _real(path)
        else:
            if path.parent not in self._folders:
                self._folders[path.parent] = _real(path.parent)
            folder = self._folders[path.parent]
            real = None if folder is None else os.path.join(folder, path.name)
        return real is not None and (
            real == self._top or real.startswith(os.path.join(self._top, ""))
        )


def _real(path: Path) -> str | None:
    try:
        return os.path.realpath(path)
    except (OSError, ValueError):
        return None


def read_bytes(path: Path, max_bytes: int, root: Path | Confinement | None = None) -> bytes:
    """The bytes of the regular file ``path``, at most ``max_bytes`` of them.

    With ``root`` (a folder, or a :class:`Confinement` when reading many files), the file must
    resolve inside it. Raises :class:`Refused`.
    """
    if root is not None and not isinstance(root, Confinement):
        root = Confinement(Path(root))
    if root is not None and not root.holds(path):
        raise Refused(OUTSIDE, "outside")
    try:
        descriptor = os.open(path, _OPEN_FLAGS)
    except OSError as error:
        raise _unreadable(error) from error
    with os.fdopen(descriptor, "rb") as stream:
        try:
            status = os.fstat(descriptor)
            if not stat.S_ISREG(status.st_mode):
                raise Refused(_NOT_A_FILE, "not-a-file")
            if status.st_size > max_bytes:
                raise Refused(_too_large(str(status.st_size), max_bytes), "too-large")
            raw = stream.read(max_bytes + 1)
        except OSError as error:
            raise _unreadable(error) from error
    if len(raw) > max_bytes:  # the file grew after it was measured
        raise Refused(_too_large(f"{max_bytes}+", max_bytes), "too-large")
    return raw


def read_json(path: Path, max_bytes: int, root: Path | None = None) -> Any:
    """JSON read with :func:`read_bytes`; malformed or absurdly nested JSON is refused."""
    raw = read_bytes(path, max_bytes, root)
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise Refused(
            Text("文件不是 UTF-8 文本。", "The file is not UTF-8 text."), "malformed"
        ) from error
    except ValueError as error:
        raise Refused(
            Text(f"不是有效的 JSON：{error}", f"Not valid JSON: {error}"), "malformed"
        ) from error
    except RecursionError as error:
        # The standard parser recurses per nesting level; no real document nests this deep.
        raise Refused(
            Text("JSON 嵌套层数过深。", "The JSON is nested too deeply."), "malformed"
        ) from error


@dataclass
class Walk:
    """What :func:`walk` found: entries to read, and folders it did not enter."""

    entries: list[Path] = field(default_factory=list)
    """Files, links and other non-folders, sorted by path."""
    too_deep: list[Path] = field(default_factory=list)
    """The first folder level beyond the depth bound, where the walk stopped."""
    unreadable: list[tuple[Path, Text]] = field(default_factory=list)


def walk(folder: Path, max_depth: int = MAX_DEPTH) -> Walk:
    """Every entry under ``folder`` whose name does not start with a dot, without recursion.

    Linked folders are listed as entries, not entered, so a link cannot lead the walk elsewhere
    or round in a circle; the caller decides about each link.
    """
    found = Walk()
    pending: list[tuple[Path, int]] = [(folder, 0)]
    while pending:
        current, depth = pending.pop()
        try:
            with os.scandir(current) as listing:
                children = [(entry.name, entry.is_dir(follow_symlinks=False)) for entry in listing]
        except OSError as error:
            found.unreadable.append((current, _unreadable(error).reason))
            continue
        for name, is_folder in children:
            if name.startswith("."):
                continue  # editor and version-control bookkeeping
            child = current / name
            if not is_folder:
                found.entries.append(child)
            elif depth + 1 > max_depth:
                found.too_deep.append(child)
            else:
                pending.append((child, depth + 1))
    found.entries.sort()
    found.too_deep.sort()
    return found


OUTSIDE = Text(
    "这是一个指向仓库外部的符号链接；校验器不会读取它。",
    "This is a symbolic link that points outside the repository; it is not read.",
)
"""Why a link out of the repository is refused (discovery says the same of a linked file)."""
_NOT_A_FILE = Text(
    "这不是普通文件（可能是管道、套接字或设备），校验器不会读取它。",
    "This is not a regular file (a pipe, socket or device); it is not read.",
)


def _too_large(size: str, limit: int) -> Text:
    return Text(
        f"文件有 {size} 字节，超过上限 {limit} 字节。",
        f"The file has {size} bytes, over the limit of {limit} bytes.",
    )


def _unreadable(error: OSError) -> Refused:
    reason = error.strerror or type(error).__name__
    return Refused(Text(f"无法读取：{reason}。", f"It cannot be read: {reason}."), "unreadable")
