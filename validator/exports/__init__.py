"""Exports of the checked handbook: one function per format, chosen by `handbook export FORMAT`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from validator.errors import ToolError
from validator.exports.json_export import export_json
from validator.exports.output import make_folder
from validator.exports.pdf import export_pdf
from validator.exports.workbook import export_xlsx
from validator.model import Handbook

Exporter = Callable[[Handbook, str, TextIO], None]
"""Writes the handbook to the output path (``-`` means the given standard output)."""


def export_all(handbook: Handbook, output: str, stdout: TextIO) -> None:
    """Everything into the folder ``output``, from one check: what the site's downloads hold."""
    if output == "-":
        raise ToolError(
            "请用 -o 指定目录，例如 -o site/downloads。",
            "Give a folder with -o, e.g. -o site/downloads.",
        )
    write_downloads(handbook, Path(output), stdout)


def write_downloads(
    handbook: Handbook,
    folder: Path,
    stdout: TextIO,
    *,
    pdf: bool = True,
    cache: Path | None = None,
) -> None:
    """The site's downloads (data, workbook and, with ``pdf``, the PDFs) into ``folder``;
    PDFs whose pages did not change are taken from ``cache``."""
    make_folder(folder)
    export_json(handbook, str(folder / "handbook.json"), stdout)
    export_xlsx(handbook, str(folder / "training.xlsx"), stdout)
    if pdf:
        export_pdf(handbook, str(folder), stdout, cache)


EXPORTERS: dict[str, Exporter] = {
    "json": export_json,
    "pdf": export_pdf,
    "xlsx": export_xlsx,
    "all": export_all,
}

__all__ = ["EXPORTERS", "Exporter", "write_downloads"]
