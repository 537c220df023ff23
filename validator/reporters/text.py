"""Plain text: ``path:line:col: severity [rule] message``, clickable in editors and terminals.

Every text from the data (file names, messages quoting keys and values, hints) goes through
:func:`~validator.escaping.terminal_text`: an escape sequence in a key cannot clear the screen or
print a green "all clear", and a newline in a file name cannot forge a finding line of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from validator.escaping import terminal_text
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
            f"{terminal_text(str(finding.location))}: {severity}{waived} "
            f"[{terminal_text(finding.rule)}] {terminal_text(finding.message.get(context.lang))}\n"
        )
        if finding.waived_by is not None:
            out.write(f"    {labels['waiver']}: {terminal_text(finding.waived_by)}\n")
        elif finding.hint is not None:
            out.write(f"    {labels['fix']}: {terminal_text(finding.hint.get(context.lang))}\n")
        for related in finding.related:
            out.write(f"    {labels['related']}: {terminal_text(str(related))}\n")
    out.write(summary(findings, context).get(context.lang) + "\n")
