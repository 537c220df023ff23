"""GitHub Actions workflow commands: annotations on the changed lines of a pull request.

The runner reads a workflow command at the start of any log line, and its log viewer obeys ANSI
escapes; so every text from the data is made terminal-safe first (no ESC, no line break of its
own), then encoded as the command syntax requires.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from validator.escaping import terminal_text
from validator.findings import Finding, Location, Severity
from validator.reporters.base import ReportContext, summary

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning"}


def _data(text: str) -> str:
    # Only the line breaks the reporter itself puts between message and hint are left to encode.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _annotation(command: str, location: Location, title: str, message: str) -> str:
    return (
        f"::{command} file={_property(terminal_text(location.path))},line={location.line},"
        f"col={location.column},title={_property(title)}::{_data(message)}\n"
    )


def report_github(findings: Sequence[Finding], out: TextIO, context: ReportContext) -> None:
    """One annotation per finding, and one more at the other end of a cross-file finding."""
    lang = context.lang
    other_end = "另一端" if lang == "zh" else "other end"
    for finding in findings:
        if finding.suppressed:
            continue
        command = "notice" if finding.in_baseline else _COMMAND[finding.severity]
        message = terminal_text(finding.message.get(lang))
        if finding.hint is not None:
            message += f"\n{terminal_text(finding.hint.get(lang))}"
        title = f"[{finding.rule}]"
        out.write(_annotation(command, finding.location, title, message))
        for related in finding.related:
            out.write(
                _annotation(
                    command,
                    related,
                    f"[{finding.rule}] {other_end}",
                    f"{terminal_text(finding.message.get(lang))} "
                    f"({terminal_text(str(finding.location))})",
                )
            )
    out.write(summary(findings, context).get(lang) + "\n")
