"""Baselines: fail only on findings that are new, so a company can adopt the tool with known debt.

The baseline is a git revision (checked in a scratch copy) or a saved
``handbook check --format json`` report. Findings match by fingerprint, which survives edits
elsewhere in the file.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path

from validator.engine import Result, run
from validator.errors import ToolError
from validator.findings import Text
from validator.guarded_read import Refused, read_json
from validator.revision import checkout

MAX_BASELINE_BYTES = 64 * 1024 * 1024
"""A saved report of 2,000 policy files with a finding in each is a few MiB."""


def known_fingerprints(root: Path, reference: str, today: date | None) -> set[str]:
    """Fingerprints of the findings that already exist in the baseline."""
    saved = Path(reference)
    if os.path.lexists(saved) and not saved.is_dir():
        try:
            document = read_json(saved, MAX_BASELINE_BYTES)
            return {str(f["fingerprint"]) for f in document["findings"]}
        except Refused as error:
            raise _not_a_report(reference, error.reason) from error
        except (KeyError, TypeError) as error:
            raise _not_a_report(reference, _SHAPE) from error
    with tempfile.TemporaryDirectory(prefix="handbook-baseline-") as scratch:
        base = checkout(root, reference, Path(scratch))
        return {f.fingerprint for f in run(base, today=today).findings}


_SHAPE = Text(
    "它应当有 findings 列表，其中每一项都有 fingerprint。",
    "it should hold a findings list whose items each have a fingerprint.",
)


def _not_a_report(reference: str, reason: Text) -> ToolError:
    return ToolError(
        f"基线文件 {reference} 不是 handbook check --format json 的输出：{reason.zh}",
        f"The baseline file {reference} is not `handbook check --format json` output: {reason.en}",
    )


def apply_baseline(result: Result, known: set[str]) -> None:
    """Mark the findings of ``result`` that the baseline already had."""
    result.findings = [
        replace(f, in_baseline=True) if f.fingerprint in known else f for f in result.findings
    ]
