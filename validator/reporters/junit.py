"""JUnit XML for CI dashboards: one test case per rule, failing with file:line messages.

A rule that did not run is ``<skipped>``, not passed: the cross-file rules run only when every file
loaded and matched its schema, so a broken file must not turn them all green. Every text goes
through :func:`~validator.escaping.xml_chars` (ElementTree escapes markup but writes any
character), so a control character in a key still gives a well-formed document.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TextIO
from xml.etree import ElementTree

from validator.escaping import xml_chars
from validator.findings import Finding, Severity, Text
from validator.reporters.base import ReportContext
from validator.rules import RULES
from validator.rules.registry import held_back

# Checked while preparing the cross-file rules (handbook.yaml's rule settings); its errors stop
# them from running, like those of the load and schema stages.
_NOT_RUN = Text(
    "没有运行：有文件读取出错或格式不对，修正这些错误后再检查一次，跨文件的检查才会运行。",
    "Not run: a file could not be read or did not match the format; the cross-file checks "
    "run once those errors are fixed.",
)


def rules_not_run(findings: Sequence[Finding]) -> list[str]:
    """The ids of the cross-file rules that an error in an earlier stage kept from running."""
    if not held_back(findings):
        return []
    return [
        rid
        for rid, r in RULES.items()
        if r.stage == "rules" and rid != "rule-config" and not r.partial
    ]


def report_junit(findings: Sequence[Finding], out: TextIO, context: ReportContext) -> None:
    """Every rule is a test case; an error that fails the run is a ``<failure>``."""
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_rule[finding.rule].append(finding)
    failing = {rule for rule, found in by_rule.items() if any(f.fails for f in found)}
    skipped = set(rules_not_run(findings))
    suite = ElementTree.Element(
        "testsuite",
        name="handbook",
        tests=str(len(RULES)),
        failures=str(len(failing)),
        errors="0",
        skipped=str(len(skipped)),
    )
    for rule_id, rule in RULES.items():
        case = ElementTree.SubElement(
            suite, "testcase", classname=f"handbook.{rule.stage}", name=rule_id
        )
        if rule_id in skipped:
            ElementTree.SubElement(case, "skipped", message=_NOT_RUN.get(context.lang))
            continue
        found = by_rule.get(rule_id, [])
        lines = [
            xml_chars(
                f"{f.location}: {f.severity.label}{' (waived)' if f.suppressed else ''} "
                f"{f.message.get(context.lang)}"
            )
            for f in found
        ]
        if rule_id in failing:
            first = next(f for f in found if f.fails)
            failure = ElementTree.SubElement(
                case,
                "failure",
                message=xml_chars(f"{first.location}: {first.message.get(context.lang)}"),
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
