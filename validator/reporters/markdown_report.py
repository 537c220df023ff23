"""Markdown: one table for a pull-request comment or a CI job summary."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from validator.findings import Finding, Severity
from validator.reporters.base import ReportContext, summary

_HEADERS = {
    "zh": ["级别", "位置", "规则", "问题", "修改建议"],
    "en": ["Level", "Location", "Rule", "Problem", "Fix"],
}
_LEVELS = {
    "zh": {Severity.ERROR: "❌ 错误", Severity.WARNING: "⚠️ 警告"},
    "en": {Severity.ERROR: "❌ error", Severity.WARNING: "⚠️ warning"},
}


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell rendered by GitHub."""
    replaced = " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|")
    return replaced.replace("<", "&lt;").replace(">", "&gt;")


def report_markdown(findings: Sequence[Finding], out: TextIO, context: ReportContext) -> None:
    """A heading with the summary, then a table of the findings that are not waived."""
    lang = "en" if context.lang == "en" else "zh"
    title = "员工手册检查" if lang == "zh" else "Handbook check"
    out.write(f"### {title}\n\n{summary(findings, context).get(lang)}\n\n")
    shown = [f for f in findings if not f.suppressed]
    if not shown:
        return
    out.write("| " + " | ".join(_HEADERS[lang]) + " |\n|---|---|---|---|---|\n")
    for finding in shown:
        level = _LEVELS[lang][finding.severity]
        if finding.in_baseline:
            level += " (baseline)"
        where = f"`{finding.location}`"
        if finding.related:
            where += "<br>" + "<br>".join(f"↔ `{r}`" for r in finding.related)
        hint = "" if finding.hint is None else cell(finding.hint.get(lang))
        message = cell(finding.message.get(lang))
        out.write(f"| {level} | {where} | `{finding.rule}` | {message} | {hint} |\n")
