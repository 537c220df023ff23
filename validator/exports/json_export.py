"""`handbook export json`: the resolved handbook as one JSON document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

from validator.model import Handbook
from validator.resolved import resolve


def export_json(handbook: Handbook, output: str, stdout: TextIO) -> None:
    """Write the resolved handbook to ``output`` (``-`` for standard output)."""
    text = json.dumps(resolve(handbook), ensure_ascii=False, indent=2) + "\n"
    if output == "-":
        stdout.write(text)
    else:
        Path(output).write_text(text, encoding="utf-8")
