"""SARIF 2.1.0 for code scanning: every rule described, every result located."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TextIO

from validator import __version__
from validator.findings import Finding, Location, Severity
from validator.reporters.base import ReportContext
from validator.rules import RULES

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning"}


def _physical(location: Location) -> dict[str, Any]:
    return {
        "artifactLocation": {"uri": location.path, "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": location.line, "startColumn": location.column},
    }


def _rules(context: ReportContext) -> list[dict[str, Any]]:
    rules = []
    for rule in RULES.values():
        summary = rule.summary
        body = rule.body or summary.en
        entry: dict[str, Any] = {
            "id": rule.id,
            "name": "".join(part.title() for part in rule.id.split("-")),
            "shortDescription": {"text": f"{summary.zh} {summary.en}"},
            "fullDescription": {"text": body},
            "help": {"text": body, "markdown": body},
            "defaultConfiguration": {"level": _LEVEL[rule.severity]},
            "properties": {"stage": rule.stage},
        }
        if context.site_url:
            entry["helpUri"] = f"{context.site_url.rstrip('/')}/rules/#{rule.id}"
        rules.append(entry)
    return rules


def _result(finding: Finding, index: dict[str, int], context: ReportContext) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "level": _LEVEL[finding.severity],
        "message": {"text": _message(finding, context.lang)},
        "locations": [{"physicalLocation": _physical(finding.location)}],
        "partialFingerprints": {"handbookFinding/v1": finding.fingerprint},
    }
    if finding.rule in index:
        result["ruleIndex"] = index[finding.rule]
    if finding.related:
        result["relatedLocations"] = [
            {
                "id": number,
                "physicalLocation": _physical(r),
                "message": {"text": str(finding.location)},
            }
            for number, r in enumerate(finding.related, start=1)
        ]
    if finding.waived_by is not None:
        result["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": f"waivers.yaml entry at {finding.waived_by}",
            }
        ]
    if context.baseline:
        result["baselineState"] = "unchanged" if finding.in_baseline else "new"
    return result


def _message(finding: Finding, lang: str) -> str:
    text = finding.message.get(lang)
    if finding.hint is not None:
        text += f" {finding.hint.get(lang)}"
    return text


def report_sarif(findings: Sequence[Finding], out: TextIO, context: ReportContext) -> None:
    """One SARIF log with one run of the ``handbook`` tool."""
    index = {rule_id: position for position, rule_id in enumerate(RULES)}
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "handbook",
                        "semanticVersion": __version__,
                        "rules": _rules(context),
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": [_result(f, index, context) for f in findings],
            }
        ],
    }
    out.write(json.dumps(log, ensure_ascii=False, indent=2) + "\n")
