"""Where an export may write, and writing there without ever leaving half a file.

``handbook export -o`` takes any path, and a typo there must not destroy data: the export refuses
to write into ``policies/`` or ``schemas/`` (even with ``--force``), over anything that is not a
regular file, and over a file that is not a previous export unless ``--force`` says so. Each
file is written beside its target and renamed over it only when complete, so a full disk or a
crash leaves the previous export as it was. Every refusal and write error is a
:class:`~validator.errors.ToolError`: one line, exit code 2.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from validator.errors import ToolError
from validator.guarded_read import Refused, read_bytes
from validator.scratch_files import replace_whole

FOLDER_FORMATS = frozenset({"all", "pdf"})
"""Formats whose ``-o`` is a folder."""
_FILES_IN_FOLDER = ("handbook.json", "training.xlsx", "handbook.pdf")
VOLUME_PATTERN = "handbook-[0-9][0-9]*.pdf"
"""The volumes of a large handbook in an export folder."""
_PROTECTED = ("policies", "schemas")
# Enough to recognise a previous export by its first bytes or its table of contents.
_SNIFF_BYTES = 64 * 1024 * 1024


def check_output(root: Path, output: str, fmt: str, force: bool) -> None:
    """Refuse an ``-o`` that would damage the repository or a file that is not an export."""
    if output == "-":
        return
    target = Path(output)
    for name in _PROTECTED:
        if _within(target, root / name):
            raise ToolError(
                f"不能导出到 {name}/ 里：那里是手册的源文件。"
                "请换一个位置，例如 -o site/downloads。",
                f"Refusing to export into {name}/, which holds the handbook's sources; choose "
                "another place, e.g. -o site/downloads.",
            )
    if not target.parent.is_dir():
        raise ToolError(
            f"目录 {target.parent} 不存在：请先创建它，或换一个输出位置。",
            f"The folder {target.parent} does not exist: create it first, or choose another "
            "output.",
        )
    if fmt in FOLDER_FORMATS:
        if os.path.lexists(target) and not target.is_dir():
            raise ToolError(
                f"{target} 不是目录：{fmt} 导出需要一个目录。",
                f"{target} is not a folder: the {fmt} export writes into a folder.",
            )
        files = list(_folder_targets(target))
    else:
        if target.is_dir():
            raise ToolError(
                f"{target} 是一个目录：请给出文件名，例如 -o {target / ('handbook.' + fmt)}。",
                f"{target} is a folder: give a file name, e.g. -o {target / ('handbook.' + fmt)}.",
            )
        files = [target]
    for file in files:
        _check_overwrite(file, force)


def write_atomically(target: Path, write: Callable[[Path], object]) -> None:
    """Call ``write`` on a fresh file beside ``target``, then rename it over ``target``."""
    _replace(target, functools.partial(_created, write))


def share_file(source: Path, target: Path) -> None:
    """Put ``source`` at ``target`` in one step: a hard link where the file system allows one
    (a large handbook's thousands of unchanged PDFs then cost no copying), otherwise a copy.
    Sharing is safe because no export file, kept or published, is ever changed in place: each
    is only replaced (:func:`write_atomically`) or removed."""
    _replace(target, functools.partial(_link_or_copy, source))


def _replace(target: Path, make: Callable[[Path], None]) -> None:
    """Make the new file beside ``target`` with ``make``, then rename it over ``target``."""
    try:
        replace_whole(target, make)
    except OSError as error:
        raise write_error(target, error) from error


def _created(write: Callable[[Path], object], scratch: Path) -> None:
    # Created like any new file (the umask applies), so a web server can read the download.
    os.close(os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    write(scratch)


def _link_or_copy(source: Path, scratch: Path) -> None:
    try:
        os.link(source, scratch)
    except OSError:  # another file system, or one without links
        shutil.copyfile(source, scratch)


def make_folder(folder: Path) -> None:
    """Create an export folder (its parent exists: :func:`check_output` made sure)."""
    try:
        folder.mkdir(exist_ok=True)
    except OSError as error:
        raise write_error(folder, error) from error


def write_error(target: Path, error: OSError) -> ToolError:
    """The one line that says a file could not be written, in the system's own words."""
    reason = error.strerror or type(error).__name__
    return ToolError(f"无法写入 {target}：{reason}。", f"Cannot write {target}: {reason}.")


def _within(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except (OSError, ValueError, RuntimeError):
        return False
    return True


def _folder_targets(folder: Path) -> Iterator[Path]:
    if not folder.is_dir():
        return
    yield from (folder / name for name in _FILES_IN_FOLDER)
    yield from sorted(folder.glob(VOLUME_PATTERN))
    roles = folder / "roles"
    if not os.path.lexists(roles):
        return
    if roles.is_symlink() or not roles.is_dir():
        # The PDFs would be written wherever the link points.
        raise ToolError(
            f"{roles} 不是普通目录，不能往里面写入。",
            f"{roles} is not a plain folder; nothing is written into it.",
        )
    yield from sorted(roles.glob("*.pdf"))


def _check_overwrite(file: Path, force: bool) -> None:
    if not os.path.lexists(file):
        return
    if file.is_symlink() or not file.is_file():
        # Renaming over a device or a link would replace it, not write through it; never useful.
        raise ToolError(
            f"{file} 不是普通文件，不能覆盖。",
            f"{file} is not a regular file; it is not overwritten.",
        )
    if not force and not _previous_export(file):
        raise ToolError(
            f"{file} 已存在，而且不是以前导出的文件；确实要覆盖时加上 --force。",
            f"{file} exists and is not a previous export; add --force to overwrite it.",
        )


def _previous_export(file: Path) -> bool:
    """Whether ``file`` looks like something ``handbook export`` wrote."""
    try:
        if file.suffix == ".pdf":
            with file.open("rb") as stream:
                return stream.read(5) == b"%PDF-"
        if file.suffix == ".xlsx":
            from validator.exports.workbook import MATRIX  # the writer imports this module

            with zipfile.ZipFile(file) as archive, archive.open("xl/workbook.xml") as part:
                return MATRIX.encode() in part.read(_SNIFF_BYTES)
        if file.suffix == ".json":
            document = json.loads(read_bytes(file, _SNIFF_BYTES))
            return isinstance(document, dict) and {"format", "handbook"} <= document.keys()
    except (OSError, Refused, KeyError, ValueError, RecursionError, zipfile.BadZipFile):
        return False
    return False
