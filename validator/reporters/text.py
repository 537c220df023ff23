"""Plain text: ``path:line:col: severity [rule] message``, clickable in editors and terminals."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from validator.findings import Finding, Severity
from validator.reporters.base import ReportContext, summary

_COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m"}
_DIM = "\033[2m"
_RESET = "\033[0m"
_LABELS = {
    "zh": {
        "fix": "修改建议",
        "related": "相关位置",
        "waived": "已豁免",
        "waiver": "豁免条目",
        "baseline": "基线中已有",
    },
    "en": {
        "fix": "fix",
        "related": "see also",
        "waived": "waived",
        "waiver": "waiver",
        "baseline": "in baseline",
    },
}


def report_text(findings: Sequence[Finding], out: TextIO, context: ReportContext) -> None:
    """Write one line per finding, its hint and related places indented below, then a summary."""
    labels = _LABELS["en" if context.lang == "en" else "zh"]
    for finding in findings:
        if finding.suppressed and not context.show_waived:
            continue
        severity = finding.severity.label
        if context.color:
            color = _DIM if finding.suppressed else _COLORS[finding.severity]
            severity = f"{color}{severity}{_RESET}"
        waived = f" ({labels['waived']})" if finding.suppressed else ""
        if finding.in_baseline:
            waived += f" ({labels['baseline']})"
        out.write(
            f"{finding.location}: {severity}{waived} [{finding.rule}] "
            f"{finding.message.get(context.lang)}\n"
        )
        if finding.waived_by is not None:
            out.write(f"    {labels['waiver']}: {finding.waived_by}\n")
        elif finding.hint is not None:
            out.write(f"    {labels['fix']}: {finding.hint.get(context.lang)}\n")
        for related in finding.related:
            out.write(f"    {labels['related']}: {related}\n")
    out.write(summary(findings, context).get(context.lang) + "\n")
