"""GitLab Code Quality: the findings in the merge-request widget and on the changed lines.

The format is the subset of the CodeClimate issue format that GitLab reads: a JSON array of
issues, each with ``description``, ``check_name``, ``fingerprint``, ``severity`` and
``location.path`` / ``location.lines.begin``. GitLab compares the fingerprints of the merge
request's report with the target branch's to say what is new and what was fixed, so a fingerprint
must be stable across unrelated edits (the finding's own is) and unique within a report.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from typing import Any, TextIO

from validator.escaping import visible_controls
from validator.findings import Finding, Severity
from validator.reporters.base import ReportContext

# An error fails the pipeline, so the widget shows it among the most serious; a warning is minor.
_SEVERITY = {Severity.ERROR: "critical", Severity.WARNING: "minor"}
# Known debt (in the baseline) no longer fails the check; the widget still lists it, as info.
_KNOWN = "info"


def report_gitlab(findings: Sequence[Finding], out: TextIO, context: ReportContext) -> None:
    """A Code Quality report: one issue per finding that no waiver accepts."""
    seen: Counter[str] = Counter()
    issues = []
    for finding in findings:
        if finding.suppressed:
            continue
        seen[finding.fingerprint] += 1
        issues.append(_issue(finding, seen[finding.fingerprint], context.lang))
    out.write(json.dumps(issues, ensure_ascii=False, indent=2) + "\n")


def _issue(finding: Finding, occurrence: int, lang: str) -> dict[str, Any]:
    description = finding.message.get(lang)
    if finding.hint is not None:
        description += f" {finding.hint.get(lang)}"
    fingerprint = finding.fingerprint
    if occurrence > 1:
        # Two findings alike in rule, file, subject and message (say, two duplicated list items)
        # would share a fingerprint, and GitLab would show only the first.
        fingerprint = hashlib.sha256(f"{fingerprint}#{occurrence}".encode()).hexdigest()[:32]
    return {
        "type": "issue",
        "description": visible_controls(description),
        "check_name": finding.rule,
        "fingerprint": fingerprint,
        "severity": _KNOWN if finding.in_baseline else _SEVERITY[finding.severity],
        "location": {
            "path": finding.location.path,
            "lines": {"begin": finding.location.line},
        },
    }
