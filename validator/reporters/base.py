"""What every reporter receives besides the findings."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TextIO

from validator.findings import Finding, Severity, Text


@dataclass(frozen=True)
class ReportContext:
    """How to report: the reader's language, colour, and how many files were checked."""

    lang: str = "zh"
    color: bool = False
    files_checked: int = 0
    show_waived: bool = False
    """List waived findings too (they are always counted in the summary)."""


Reporter = Callable[[Sequence[Finding], TextIO, ReportContext], None]


def summary(findings: Sequence[Finding], context: ReportContext) -> Text:
    """One line: how many errors and warnings, how many waived, in how many files."""
    active = [f for f in findings if not f.suppressed]
    errors = sum(1 for f in active if f.severity is Severity.ERROR)
    warnings = sum(1 for f in active if f.severity is Severity.WARNING)
    waived = len(findings) - len(active)
    files = len({f.location.path for f in active})
    checked = context.files_checked
    if not active:
        tail_zh = f"，{waived} 个问题已豁免" if waived else ""
        tail_en = f"; {waived} waived" if waived else ""
        return Text(
            f"检查通过：{checked} 个文件，没有发现问题{tail_zh}。",
            f"All clear: {checked} files checked, no problems found{tail_en}.",
        )
    waived_zh = f"（另有 {waived} 个已豁免）" if waived else ""
    waived_en = f" ({waived} more waived)" if waived else ""
    plural_e = "" if errors == 1 else "s"
    plural_w = "" if warnings == 1 else "s"
    plural_f = "" if files == 1 else "s"
    return Text(
        f"发现 {errors} 个错误、{warnings} 个警告，涉及 {files} 个文件{waived_zh}；"
        f"共检查 {checked} 个文件。",
        f"{errors} error{plural_e}, {warnings} warning{plural_w} in {files} file{plural_f}"
        f"{waived_en}; {checked} files checked.",
    )
