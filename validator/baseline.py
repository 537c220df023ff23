"""Baselines: fail only on findings that are new, so a company can adopt the tool with known debt.

The baseline is a git revision (checked in a scratch copy) or a saved
``handbook check --format json`` report. Findings match by fingerprint, which survives edits
elsewhere in the file.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path

from validator.engine import Result, run
from validator.errors import ToolError
from validator.revision import checkout


def known_fingerprints(root: Path, reference: str, today: date | None) -> set[str]:
    """Fingerprints of the findings that already exist in the baseline."""
    saved = Path(reference)
    if saved.is_file():
        try:
            document = json.loads(saved.read_text(encoding="utf-8"))
            return {str(f["fingerprint"]) for f in document["findings"]}
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise ToolError(
                f"基线文件 {reference} 不是 handbook check --format json 的输出：{error}",
                f"The baseline file {reference} is not `handbook check --format json` output: "
                f"{error}",
            ) from error
    with tempfile.TemporaryDirectory(prefix="handbook-baseline-") as scratch:
        base = checkout(root, reference, Path(scratch))
        return {f.fingerprint for f in run(base, today=today).findings}


def apply_baseline(result: Result, known: set[str]) -> None:
    """Mark the findings of ``result`` that the baseline already had."""
    result.findings = [
        replace(f, in_baseline=True) if f.fingerprint in known else f for f in result.findings
    ]
