"""JUnit XML for CI dashboards: one test case per rule, failing with file:line messages."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TextIO
from xml.etree import ElementTree

from validator.findings import Finding, Severity
from validator.reporters.base import ReportContext
from validator.rules import RULES


def report_junit(findings: Sequence[Finding], out: TextIO, context: ReportContext) -> None:
    """Every rule is a test case; an error that fails the run is a ``<failure>``."""
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_rule[finding.rule].append(finding)
    failing = {rule for rule, found in by_rule.items() if any(f.fails for f in found)}
    suite = ElementTree.Element(
        "testsuite",
        name="handbook",
        tests=str(len(RULES)),
        failures=str(len(failing)),
        errors="0",
        skipped="0",
    )
    for rule_id, rule in RULES.items():
        case = ElementTree.SubElement(
            suite, "testcase", classname=f"handbook.{rule.stage}", name=rule_id
        )
        found = by_rule.get(rule_id, [])
        lines = [
            f"{f.location}: {f.severity.label}{' (waived)' if f.suppressed else ''} "
            f"{f.message.get(context.lang)}"
            for f in found
        ]
        if rule_id in failing:
            failures = [f for f in found if f.fails]
            failure = ElementTree.SubElement(
                case,
                "failure",
                message=f"{failures[0].location}: {failures[0].message.get(context.lang)}",
                type=Severity.ERROR.label,
            )
            failure.text = "\n".join(lines)
        elif lines:
            ElementTree.SubElement(case, "system-out").text = "\n".join(lines)
    root = ElementTree.Element("testsuites", name="handbook", tests=str(len(RULES)))
    root.set("failures", str(len(failing)))
    root.append(suite)
    ElementTree.indent(root)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ElementTree.tostring(root, encoding="unicode") + "\n")
