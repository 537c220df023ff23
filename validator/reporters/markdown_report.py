"""Markdown: one table for a pull-request comment or a CI job summary.

Messages quote policy texts, keys and file names from the pull request; each goes through
:mod:`validator.escaping`, so a link, an image, a mention or an HTML tag in them shows as text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from validator.escaping import markdown_code, markdown_inline
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
        where = markdown_code(str(finding.location), in_table=True)
        if finding.related:
            where += "<br>" + "<br>".join(
                f"↔ {markdown_code(str(r), in_table=True)}" for r in finding.related
            )
        hint = "" if finding.hint is None else markdown_inline(finding.hint.get(lang))
        message = markdown_inline(finding.message.get(lang))
        rule = markdown_code(finding.rule, in_table=True)
        out.write(f"| {level} | {where} | {rule} | {message} | {hint} |\n")
