"""JSON: every finding with its locations, for scripts and dashboards."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TextIO

from validator.findings import Finding, Location, Severity
from validator.reporters.base import ReportContext

FORMAT_VERSION = 1


def location_json(location: Location) -> dict[str, Any]:
    """A location as JSON."""
    return {
        "file": location.path,
        "line": location.line,
        "column": location.column,
        "pointer": location.pointer,
    }


def finding_json(finding: Finding, lang: str) -> dict[str, Any]:
    """One finding as JSON (``message`` in the chosen language, both in ``messages``)."""
    return {
        "rule": finding.rule,
        "severity": finding.severity.label,
        "message": finding.message.get(lang),
        "messages": {"zh": finding.message.zh, "en": finding.message.en},
        "hint": None if finding.hint is None else finding.hint.get(lang),
        **location_json(finding.location),
        "related": [location_json(r) for r in finding.related],
        "subject": finding.subject,
        "suppressed": finding.suppressed,
        "waived_by": finding.waived_by,
        "baseline": finding.in_baseline,
        "fingerprint": finding.fingerprint,
    }


def report_json(findings: Sequence[Finding], out: TextIO, context: ReportContext) -> None:
    """The findings and a summary as one JSON document."""
    active = [f for f in findings if not f.suppressed]
    document = {
        "format": FORMAT_VERSION,
        "tool": "handbook",
        "summary": {
            "files_checked": context.files_checked,
            "errors": sum(1 for f in active if f.severity is Severity.ERROR),
            "warnings": sum(1 for f in active if f.severity is Severity.WARNING),
            "waived": len(findings) - len(active),
            "failing": sum(1 for f in findings if f.fails),
        },
        "findings": [finding_json(f, context.lang) for f in findings],
    }
    out.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
