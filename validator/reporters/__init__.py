"""Reporters: each turns the one list of findings into one output format.

A reporter is a function ``(findings, out, context) -> None``; adding a format is one entry in
:data:`REPORTERS`.
"""

from __future__ import annotations

from validator.reporters.base import ReportContext, Reporter
from validator.reporters.text import report_text

REPORTERS: dict[str, Reporter] = {
    "text": report_text,
}

__all__ = ["REPORTERS", "ReportContext", "Reporter"]
