"""The policy tree at a git revision, for ``handbook diff`` and ``check --baseline``.

``git archive`` writes ``policies/`` and ``schemas/`` of the revision as a tar stream, which is
unpacked by hand: only regular files, only inside the destination. A base revision is as
untrusted as the pull request, so no link or ``..`` in it may write elsewhere.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path, PurePosixPath

from validator.errors import ToolError
from validator.escaping import terminal_text
from validator.findings import Text

_FOLDERS = ("policies", "schemas")


def checkout(root: Path, ref: str, destination: Path) -> Path:
    """Write ``policies/`` and ``schemas/`` as they are at ``ref`` under ``destination``."""
    if ref.startswith("-"):
        raise ToolError(f"不是有效的 git 版本：{ref}", f"Not a git revision: {ref}")
    present = [folder for folder in _FOLDERS if _exists(root, ref, folder)]
    if "policies" not in present:
        raise ToolError(
            f"在 git 版本 {ref} 中找不到 policies/（或者这不是 git 仓库）。",
            f"No policies/ at the git revision {ref} (or this is not a git repository).",
        )
    archive = _git(root, "archive", "--format=tar", ref, "--", *present)
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:") as tar:
        for member in tar.getmembers():
            path = PurePosixPath(member.name)
            if not member.isfile() or path.is_absolute() or ".." in path.parts:
                continue
            data = tar.extractfile(member)
            if data is None:
                continue
            target = destination.joinpath(*path.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data.read())
    (destination / "policies").mkdir(parents=True, exist_ok=True)
    if "schemas" not in present:
        raise ToolError(
            f"在 git 版本 {ref} 中找不到 schemas/。",
            f"No schemas/ at the git revision {ref}.",
        )
    return destination


def _exists(root: Path, ref: str, folder: str) -> bool:
    try:
        _git(root, "cat-file", "-e", f"{ref}:{folder}")
    except ToolError:
        return False
    return True


CACHE_FOLDER = ".cache/handbook"
"""Where what is kept between runs lives, relative to the repository (the site's plugin may be
told another folder: its ``cache_dir``)."""


def trusted_cache(root: Path, folder: str = CACHE_FOLDER) -> Path | None:
    """``root / folder``, unless :func:`cache_distrusted` says why not."""
    return None if cache_distrusted(root, folder) is not None else root / folder


def cache_distrusted(root: Path, folder: str) -> Text | None:
    """Why the cache folder ``root / folder`` must not be used, if it must not: git tracks files
    in it, or it is reached through a link (which a commit may have put there, pointing at files
    committed elsewhere). Such a cache came with a pull request, and nothing in it may decide
    what a check finds or a build publishes."""
    shown = terminal_text(folder)  # the log is a terminal's or a CI job's
    linked = linked_part(root, folder)
    if linked is not None:
        return Text(
            f"缓存目录 {shown}/ 经过链接 {terminal_text(linked)}：链接可能是提交来的，指向的"
            "缓存不可信，本次构建不使用缓存。",
            "The cache folder is reached through a link, which a commit may have made; the "
            "cache it leads to cannot be trusted, so this build uses none.",
        )
    committed = committed_files(root, folder)
    if committed:
        return Text(
            f"{terminal_text(committed[0])} 等 {len(committed)} 个文件被提交到了缓存目录 "
            f"{shown}/：提交来的缓存不可信，本次构建不使用缓存（请用 git rm --cached 删除它们）。",
            "Files are committed under the cache folder; a committed cache cannot be trusted, so "
            "this build uses none (remove them with git rm --cached).",
        )
    return None


def linked_part(root: Path, folder: str) -> str | None:
    """The first part of the way from ``root`` to ``folder`` that is a symbolic link, if any."""
    here = root
    for part in PurePosixPath(folder).parts:
        here = here / part
        if here.is_symlink():
            return here.relative_to(root).as_posix()
    return None


def committed_files(root: Path, folder: str) -> list[str]:
    """The files git tracks under ``folder`` of the repository at ``root`` (none without git)."""
    try:
        listed = _git(root, "ls-files", "-z", "--", folder)
    except ToolError:
        return []
    return [name for name in listed.decode("utf-8", errors="replace").split("\0") if name]


def _git(root: Path, *args: str) -> bytes:
    try:
        completed = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, check=False, timeout=120
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ToolError(f"无法运行 git：{error}", f"Cannot run git: {error}") from error
    if completed.returncode != 0:
        message = completed.stderr.decode("utf-8", errors="replace").strip()
        raise ToolError(f"git 出错：{message}", f"git failed: {message}")
    return completed.stdout
