"""Exports of the checked handbook: one function per format, chosen by `handbook export FORMAT`."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from validator.errors import ToolError
from validator.exports.cache import fingerprint, reuse_or_write
from validator.exports.json_export import export_json
from validator.exports.output import make_folder
from validator.exports.pdf import export_pdf
from validator.exports.print_ahead import PrintAhead
from validator.exports.workbook import export_xlsx
from validator.model import Handbook
from validator.render import render

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
    pages: dict[str, str] | None = None,
    print_missing: bool = True,
    printing: PrintAhead | None = None,
) -> None:
    """The site's downloads (data, workbook and, with ``pdf``, the PDFs) into ``folder``;
    those whose sources did not change are taken from ``cache``. ``pages`` are the site's
    rendered pages, when the caller has them (the PDFs print the same Markdown). Without
    ``print_missing``, PDFs not in the cache are left out (a preview).

    With a cache, the PDFs it lacks print beside the data and workbook, in a process of their
    own (``printing``, when the caller started it earlier: the site build does, beside its
    pages), and are then copied like the others.
    """
    make_folder(folder)
    if pdf and print_missing and cache is not None and printing is None:
        pages = render(handbook).pages if pages is None else pages
        printing = PrintAhead(handbook, pages, cache / "pdf").start()
    try:
        key = fingerprint(handbook) if cache is not None else ""
        kept = None if cache is None else cache / "data"
        for name, exporter in (("handbook.json", export_json), ("training.xlsx", export_xlsx)):
            write = functools.partial(_export, exporter, handbook, stdout)
            reuse_or_write(folder / name, key, kept, write)
    except BaseException:
        if printing is not None:
            printing.finish(cancel=True)
        raise
    if printing is not None:
        printing.finish()
    if pdf:
        pdf_cache = None if cache is None else cache / "pdf"
        export_pdf(handbook, str(folder), stdout, pdf_cache, pages, print_missing=print_missing)


def _export(exporter: Exporter, handbook: Handbook, stdout: TextIO, target: Path) -> None:
    exporter(handbook, str(target), stdout)


EXPORTERS: dict[str, Exporter] = {
    "json": export_json,
    "pdf": export_pdf,
    "xlsx": export_xlsx,
    "all": export_all,
}

__all__ = ["EXPORTERS", "Exporter", "write_downloads"]
