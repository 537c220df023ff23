"""`handbook export json`: the resolved handbook as one JSON document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

from validator.exports.output import write_atomically
from validator.model import Handbook
from validator.resolved import resolve


def export_json(handbook: Handbook, output: str, stdout: TextIO) -> None:
    """Write the resolved handbook to ``output`` (``-`` for standard output)."""
    text = json.dumps(resolve(handbook), ensure_ascii=False, indent=2) + "\n"
    if output == "-":
        stdout.write(text)
    else:
        write_atomically(Path(output), lambda scratch: _save(scratch, text))


def _save(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
