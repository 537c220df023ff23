"""What every reporter receives besides the findings."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TextIO

from validator.findings import Finding, Severity, Text
from validator.rules.registry import held_back


@dataclass(frozen=True)
class ReportContext:
    """How to report: the reader's language, colour, and how many files were checked."""

    lang: str = "zh"
    color: bool = False
    files_checked: int = 0
    show_waived: bool = False
    """List waived findings too (they are always counted in the summary)."""
    site_url: str | None = None
    """Where the handbook site is served; rule help links point at its rules page."""
    baseline: bool = False
    """Whether findings were compared with a baseline (SARIF then states new or unchanged)."""


Reporter = Callable[[Sequence[Finding], TextIO, ReportContext], None]


def summary(findings: Sequence[Finding], context: ReportContext) -> Text:
    """One line: errors and warnings, how many are waived or already in the baseline, and
    whether the cross-file checks were held back."""
    counted = _counts(findings, context)
    blocked = held_back(findings)
    if not blocked:
        return counted
    return Text(
        counted.zh
        + f"只做了逐个文件的检查，跨文件检查没有运行：{len(blocked)} 个文件有读取或格式错误，"
        "修正后再检查一次，才能看到其余问题。",
        counted.en + " Only the per-file checks ran; the cross-file checks did not: "
        f"{len(blocked)} file{'' if len(blocked) == 1 else 's'} could not be read or did not "
        "match the format; fix them and check again to see the rest.",
    )


def _counts(findings: Sequence[Finding], context: ReportContext) -> Text:
    shown = [f for f in findings if not f.suppressed and not f.in_baseline]
    errors = sum(1 for f in shown if f.severity is Severity.ERROR)
    warnings = sum(1 for f in shown if f.severity is Severity.WARNING)
    waived = sum(1 for f in findings if f.suppressed)
    known = sum(1 for f in findings if f.in_baseline and not f.suppressed)
    files = len({f.location.path for f in shown})
    checked = context.files_checked
    notes = ((waived, "个已豁免", "waived"), (known, "个基线中已有", "in the baseline"))
    extra_zh = "、".join(f"{count} {zh}" for count, zh, _ in notes if count)
    extra_en = ", ".join(f"{count} {en}" for count, _, en in notes if count)
    if not shown:
        return Text(
            f"检查通过：{checked} 个文件，没有发现{'新' if known else ''}问题"
            f"{'（' + extra_zh + '）' if extra_zh else ''}。",
            f"All clear: {checked} files checked, no {'new ' if known else ''}problems found"
            f"{'; ' + extra_en if extra_en else ''}.",
        )
    plural_e = "" if errors == 1 else "s"
    plural_w = "" if warnings == 1 else "s"
    plural_f = "" if files == 1 else "s"
    return Text(
        f"发现 {errors} 个错误、{warnings} 个警告，涉及 {files} 个文件"
        f"{'（另有 ' + extra_zh + '）' if extra_zh else ''}；共检查 {checked} 个文件。",
        f"{errors} error{plural_e}, {warnings} warning{plural_w} in {files} file{plural_f}"
        f"{' (' + extra_en + ')' if extra_en else ''}; {checked} files checked.",
    )
