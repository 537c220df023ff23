"""The validator's rules (from the rule registry's documentation) and the active waivers."""

from __future__ import annotations

from datetime import date

from validator.model import Handbook
from validator.render.markup import esc, link, table
from validator.rules import RULES
from validator.rules.registry import RULE_ID

_STAGES = {"load": "读取文件", "schema": "格式（schema）", "rules": "一致性与覆盖"}
_SEVERITY = {"error": "错误（阻止合并）", "warning": "警告"}


def rules_page() -> str:
    """Every rule: id, severity, stage, and its documentation, which is its docstring."""
    lines = [
        "# 校验规则",
        "",
        "每次修改手册时，自动检查按三个阶段运行：读取文件 → 格式检查 → 一致性与覆盖检查。"
        "检查结果中方括号里的名字就是下面的规则编号；级别可以在 `policies/handbook.yaml` 的 "
        "`rules:` 中调整。",
        "",
    ]
    for stage, name in _STAGES.items():
        lines += [f"## {name}", ""]
        for rule in RULES.values():
            if rule.stage != stage:
                continue
            summary = rule.summary
            lines += [
                f"### `{rule.id}` {{#{rule.id}}}",
                "",
                f'**{esc(summary.zh)}** <span class="hb-en" lang="en">{esc(summary.en)}</span>',
                "",
                f"默认级别：{_SEVERITY[rule.severity.label]}",
                "",
                rule.body,
                "",
            ]
    return "\n".join(lines)


def waivers_page(handbook: Handbook, today: date) -> str:
    """The accepted exceptions: which rule, for what, why, approved by whom, until when."""
    here = "waivers.md"
    lines = [
        "# 豁免（已批准的例外）",
        "",
        "下列问题经批准暂不处理。被豁免的问题不阻止修改合并，但到期后豁免失效。",
        "",
    ]
    rows = []
    for _, waiver in handbook.waivers:
        target = waiver["target"]
        found = handbook.find(target)
        shown = link(handbook, here, found[0].kind, target, target) if found else f"`{esc(target)}`"
        expired = str(waiver["expires"]) < today.isoformat()
        expiry = esc(waiver["expires"]) + (
            ' <span class="hb-status hb-to-verify">已过期</span>' if expired else ""
        )
        rule_id = str(waiver["rule"])
        rule_cell = (
            f"[`{esc(rule_id)}`](rules.md#{rule_id})" if RULE_ID.match(rule_id) else esc(rule_id)
        )
        rows.append(
            [
                rule_cell,
                shown,
                esc(waiver["reason"]["zh"]),
                link(handbook, here, "role", waiver["approved_by"]),
                expiry,
            ]
        )
    if rows:
        lines.append(table(["规则", "对象", "理由", "批准岗位", "到期日"], rows))
    else:
        lines += ["目前没有豁免。", ""]
    return "\n".join(lines)
