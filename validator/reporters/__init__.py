"""Reporters: each turns the one list of findings into one output format.

A reporter is a function ``(findings, out, context) -> None``; adding a format is one entry in
:data:`REPORTERS`.
"""

from __future__ import annotations

from validator.reporters.base import ReportContext, Reporter
from validator.reporters.github import report_github
from validator.reporters.gitlab import report_gitlab
from validator.reporters.json_report import finding_json, report_json
from validator.reporters.junit import report_junit
from validator.reporters.markdown_report import report_markdown
from validator.reporters.sarif import report_sarif
from validator.reporters.text import report_text

REPORTERS: dict[str, Reporter] = {
    "text": report_text,
    "json": report_json,
    "markdown": report_markdown,
    "sarif": report_sarif,
    "junit": report_junit,
    "github": report_github,
    "gitlab": report_gitlab,
}

__all__ = ["REPORTERS", "ReportContext", "Reporter", "finding_json"]
