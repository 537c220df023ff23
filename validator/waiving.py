"""The waiver stage: accepted, dated exceptions to a rule, applied after every rule has run.

A waiver in ``policies/waivers.yaml`` names a rule, a target (the id a finding is about, or a
file path), a reason, the approving role and an expiry date. A waived finding stays in the output,
marked suppressed, and does not fail the run. Waivers are applied after every rule has run,
because whether a waiver is used depends on what the rules found.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from typing import Any

from validator.findings import Finding, Text
from validator.model import Handbook
from validator.rules.registry import RULES, Problem
from validator.suggest import closest


def _active(waiver: dict[str, Any], today: date) -> bool:
    return date.fromisoformat(str(waiver["expires"])) >= today


def apply(
    handbook: Handbook, findings: list[Finding]
) -> tuple[list[Finding], list[Problem], list[Problem]]:
    """Mark waived findings; return them with the ``waiver-valid`` and ``waiver-used`` problems."""
    by_rule: dict[str, list[int]] = {}
    for index, (_, waiver) in enumerate(handbook.waivers):
        if _active(waiver, handbook.today):
            by_rule.setdefault(waiver["rule"], []).append(index)
    used: set[int] = set()
    marked: list[Finding] = []
    for finding in findings:
        for index in by_rule.get(finding.rule, []):
            ref, waiver = handbook.waivers[index]
            if waiver["target"] in (finding.subject, finding.location.path):
                used.add(index)
                finding = replace(finding, waived_by=str(handbook.locate(ref)))
                break
        marked.append(finding)
    return marked, list(_invalid(handbook)), list(_unused(handbook, used))


def _waivable(rule_id: str) -> bool:
    known = RULES.get(rule_id)
    return known is not None and known.stage == "rules" and rule_id not in _SELF


# A waiver cannot waive the checks on waivers, or one entry could excuse itself.
_SELF = ("waiver-valid", "waiver-used", "waiver-within-maximum")


def _invalid(handbook: Handbook) -> Iterator[Problem]:
    for ref, waiver in handbook.waivers:
        rule_id = waiver["rule"]
        known = RULES.get(rule_id)
        if known is None:
            guess = closest(rule_id, RULES)
            close = [guess] if guess else []
            yield Problem(
                ref / "rule",
                Text(f"没有叫 “{rule_id}” 的规则。", f"There is no rule named '{rule_id}'."),
                Text(f"是不是 “{close[0]}”？", f"Did you mean '{close[0]}'?")
                if close
                else Text(
                    "运行 handbook rules 查看全部规则。", "Run `handbook rules` for the list."
                ),
                subject=waiver["target"],
            )
        elif not _waivable(rule_id):
            yield Problem(
                ref / "rule",
                Text(
                    f"规则 “{rule_id}” 不能豁免：它保护的是文件本身能否被正确读取。",
                    f"The rule '{rule_id}' cannot be waived: it guards whether files can be read "
                    "at all.",
                ),
                Text("修正文件，然后删除这条豁免。", "Fix the file, then delete this waiver."),
                subject=waiver["target"],
            )
        if not _active(waiver, handbook.today):
            yield Problem(
                ref / "expires",
                Text(
                    f"豁免已于 {waiver['expires']} 过期，不再生效。",
                    f"The waiver expired on {waiver['expires']} and no longer applies.",
                ),
                Text(
                    "解决被豁免的问题并删除这条豁免，或经批准后更新到期日。",
                    "Fix the waived problem and delete the waiver, or renew it with a new "
                    "approval and date.",
                ),
                subject=waiver["target"],
            )


def _unused(handbook: Handbook, used: set[int]) -> Iterator[Problem]:
    for index, (ref, waiver) in enumerate(handbook.waivers):
        if index in used or not _active(waiver, handbook.today) or not _waivable(waiver["rule"]):
            continue
        if not handbook.knows(waiver["target"]):
            continue  # ref-resolves reports the unknown target
        yield Problem(
            ref / "target",
            Text(
                f"这条豁免（{waiver['rule']} / {waiver['target']}）没有豁免任何问题。",
                f"This waiver ({waiver['rule']} / {waiver['target']}) suppresses nothing.",
            ),
            Text(
                "问题已经解决时删除这条豁免；否则检查 target 是否写对。",
                "Delete it if the problem is fixed; otherwise check the target.",
            ),
            subject=waiver["target"],
        )
