"""Exports of the checked handbook: one function per format, chosen by `handbook export FORMAT`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from validator.exports.json_export import export_json
from validator.exports.pdf import export_pdf
from validator.exports.workbook import export_xlsx
from validator.model import Handbook

Exporter = Callable[[Handbook, str, TextIO], None]
"""Writes the handbook to the output path (``-`` means the given standard output)."""

EXPORTERS: dict[str, Exporter] = {
    "json": export_json,
    "pdf": export_pdf,
    "xlsx": export_xlsx,
}

__all__ = ["EXPORTERS", "Exporter"]
