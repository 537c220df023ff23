"""SARIF 2.1.0 for code scanning: every rule described, every result located.

File paths are URI references relative to ``%SRCROOT%`` (the repository root), percent-encoded,
so a file named ``新岗位 草稿.yaml`` is a valid URI; messages are plain text whose brackets are
escaped (SARIF reads ``[text](target)`` in a message as a link).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TextIO
from urllib.parse import quote

from validator import __version__
from validator.escaping import sarif_message
from validator.findings import Finding, Location, Severity
from validator.reporters.base import ReportContext
from validator.rules import RULES

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SRCROOT = "%SRCROOT%"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning"}
# A rule id of one word would give a name that only differs from it in case.
_NAMES = {"schema": "SchemaValid"}


def artifact_uri(path: str) -> str:
    """A repository-relative POSIX path as a relative URI reference (RFC 3986), percent-encoded.

    Spaces, non-ASCII letters and reserved characters (``# ? % [ ]``...) are encoded as UTF-8
    octets; ``/`` stays the path separator.
    """
    return quote(path, safe="/")


def rule_name(rule_id: str) -> str:
    """The rule's SARIF ``name``: the id in PascalCase (``duty-has-training``: ``DutyHasTraining``).

    A one-word id gets a distinct name (``schema`` → ``SchemaValid``), since a name should say more
    than the id.
    """
    if rule_id in _NAMES:
        return _NAMES[rule_id]
    name = "".join(part.title() for part in rule_id.split("-"))
    return name if "-" in rule_id else f"{name}Check"


def _physical(location: Location) -> dict[str, Any]:
    return {
        "artifactLocation": {"uri": artifact_uri(location.path), "uriBaseId": SRCROOT},
        "region": {"startLine": location.line, "startColumn": location.column},
    }


def _rules(context: ReportContext) -> list[dict[str, Any]]:
    rules = []
    for rule in RULES.values():
        summary = rule.summary
        body = rule.body or summary.en
        entry: dict[str, Any] = {
            "id": rule.id,
            "name": rule_name(rule.id),
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
        "message": {"text": sarif_message(_message(finding, context.lang))},
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
                "message": {"text": sarif_message(str(finding.location))},
            }
            for number, r in enumerate(finding.related, start=1)
        ]
    if finding.waived_by is not None:
        result["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": f"waivers.yaml entry at {sarif_message(finding.waived_by)}",
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
    driver: dict[str, Any] = {
        "name": "handbook",
        "fullName": "handbook (staff handbook validator)",
        "semanticVersion": __version__,
        "rules": _rules(context),
    }
    if context.site_url:
        # The handbook site documents every rule; it is the tool's documentation.
        driver["informationUri"] = f"{context.site_url.rstrip('/')}/rules/"
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                # The category code scanning files the results under; one per tool.
                "automationDetails": {"id": "handbook/"},
                "columnKind": "unicodeCodePoints",
                "results": [_result(f, index, context) for f in findings],
            }
        ],
    }
    out.write(json.dumps(log, ensure_ascii=False, indent=2) + "\n")
