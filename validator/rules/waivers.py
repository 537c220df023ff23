"""Waivers: accepted, dated exceptions to a rule.

A waiver in ``policies/waivers.yaml`` names a rule, a target (the id a finding is about, or a
file path), a reason, the approving role and an expiry date. A waived finding stays in the output,
marked suppressed, and does not fail the run. Waivers are applied after every rule has run,
because whether a waiver is used depends on what the rules found.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from typing import Any

from validator.findings import Finding, Severity, Text
from validator.model import Handbook
from validator.rules.governance import add_months
from validator.rules.registry import RULES, Problem, builtin, rule

builtin(
    "waiver-valid",
    "rules",
    """
    每条豁免有效：规则存在、可以豁免，且没有过期。
    A waiver names a real, waivable rule and has not expired.

    豁免写在 `policies/waivers.yaml`：`rule`（规则 id）、`target`（被豁免的 id 或文件路径）、
    `reason`（理由）、`approved_by`（批准岗位 id）和 `expires`（到期日）。过期的豁免不再生效，
    而且本身就是错误：例外要么解决，要么重新审批。读取文件阶段的检查（yaml-*、file-*、schema）
    不能豁免。对象和批准岗位是否存在由 `ref-resolves` 检查。

    A waiver gives `rule`, `target` (an id or a file path), `reason`, `approved_by` (a role id)
    and `expires`. An expired waiver no longer applies and is itself an error: fix the exception
    or approve it again. Reading-stage checks cannot be waived. Targets and approvers are checked
    by `ref-resolves`. **Fix:** renew with a new date and approval, or fix the data and delete it.
    """,
)
builtin(
    "waiver-used",
    "rules",
    """
    每条豁免确实豁免了某个问题。
    Every waiver suppresses something.

    豁免的问题已经解决（或者 target 写错了）时，这条豁免就是多余的；留着它会在将来悄悄掩盖
    新出现的问题。

    A waiver whose problem is fixed (or whose target is wrong) is stale; left in place it would
    silently hide a future problem. **Fix:** delete the waiver.
    """,
    Severity.WARNING,
)


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
            close = difflib.get_close_matches(rule_id, list(RULES), n=1)
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
        if not target_exists(handbook, waiver["target"]):
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


def target_exists(handbook: Handbook, target: str) -> bool:
    """A waiver target is an id of any kind or a policy file path."""
    return bool(handbook.find(target)) or target in handbook.documents


DEFAULT_MAX_MONTHS = 24
"""How far ahead a waiver may expire when ``handbook.yaml`` sets no ``waivers.max_months``."""


@rule("waiver-within-maximum", Severity.ERROR)
def waiver_within_maximum(handbook: Handbook) -> Iterator[Problem]:
    """豁免的有效期不超过手册规定的上限。
    A waiver expires within the maximum validity the handbook sets.

    豁免是有期限的例外：到期时要么问题已经解决，要么重新审批。到期日写成 2999 年的豁免等于
    永久关掉一条规则。到期日最晚可以是今天加上 `handbook.yaml` 里 `waivers.max_months` 个月
    （没有设置时为 24 个月）。

    A waiver is a dated exception: by its expiry the problem is fixed or the waiver approved
    again. One that expires in 2999 switches a rule off for good. The expiry may be at most
    `waivers.max_months` months after today (`handbook.yaml`; 24 when not set).

    **怎么改 / Fix:** 把 `expires` 改到上限以内，到期时再重新审批。
    Bring `expires` within the maximum and approve the waiver again when it runs out.
    """
    setting = (handbook.settings.get("waivers") or {}).get("max_months")
    months = int(setting) if setting is not None else DEFAULT_MAX_MONTHS
    latest = add_months(handbook.today, months)
    related = (
        (handbook.settings_ref / "waivers" / "max_months",)
        if setting and handbook.settings_ref
        else ()
    )
    for ref, waiver in handbook.waivers:
        expires = date.fromisoformat(str(waiver["expires"]))
        if expires > latest:
            yield Problem(
                ref / "expires",
                Text(
                    f"豁免到 {expires.isoformat()} 才到期，超过了 {months} 个月的上限"
                    f"（最晚 {latest.isoformat()}）。",
                    f"The waiver runs until {expires.isoformat()}, beyond the maximum of "
                    f"{months} months (at most {latest.isoformat()}).",
                ),
                Text(
                    f"把 expires 改成 {latest.isoformat()} 或更早，到期时重新审批。",
                    f"Set expires to {latest.isoformat()} or earlier and approve it again then.",
                ),
                related,
                subject=waiver["target"],
            )
