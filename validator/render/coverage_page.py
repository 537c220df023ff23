"""The duty × module coverage matrix, grouped by role."""

from __future__ import annotations

from validator.model import Handbook
from validator.render.markup import LIST_LIMIT, esc, href, link, module_code, table


def coverage_page(handbook: Handbook) -> str:
    """Per role: a matrix of its duties against the modules that train them, with coverage %."""
    here = "coverage.md"
    resolved = handbook.resolved
    coverage = resolved.coverage
    lines = [
        "# 职责与培训覆盖矩阵",
        "",
        f"全部 {coverage.duties} 条职责中有 {coverage.covered} 条至少由一个培训模块覆盖，"
        f"覆盖率 **{coverage.percent:.0f}%**。"
        "每个岗位一张表：行是职责，列是覆盖这些职责的培训模块。",
        "",
    ]
    rows = []
    for role in handbook.all("role"):
        figures = resolved.role_coverage[role.id]
        share = f"{figures.percent:.0f}%" if figures.duties else "—"
        rows.append(
            [
                link(handbook, here, "role", role.id),
                str(figures.duties),
                str(figures.covered),
                share,
            ]
        )
    lines += ["## 各岗位覆盖率", "", table(["岗位", "职责数", "已覆盖", "覆盖率"], rows)]
    roles = list(handbook.all("role"))
    if len(roles) > LIST_LIMIT:
        # Thousands of matrices would make one enormous page: draw only the roles with gaps.
        roles = [
            r
            for r in roles
            if resolved.role_coverage[r.id].covered < resolved.role_coverage[r.id].duties
        ]
        lines += ["岗位很多，下面只列出覆盖不完整的岗位的矩阵；每个岗位的培训见其岗位说明书。", ""]
    for role in roles:
        own = handbook.duties_of.get(role.id, [])
        columns: dict[str, None] = {}
        for duty in own:
            for module in handbook.modules_covering.get(duty.id, []):
                columns[module.id] = None
        modules = sorted(columns)
        header = ["职责"] + [
            f"[{esc(module_code(m))}]({href(here, f'training/{m}.md')})" for m in modules
        ]
        matrix = []
        for duty in own:
            trained = {m.id for m in handbook.modules_covering.get(duty.id, [])}
            marks = ["✓" if m in trained else "" for m in modules]
            name = link(handbook, here, "duty", duty.id, duty.id)
            if not trained:  # only possible under a waiver; the check fails otherwise
                name += " **未覆盖**"
            matrix.append([name, *marks])
        lines += [
            f"## {esc(role.display('zh'))}",
            "",
            table(header if modules else ["职责", "培训"], matrix),
        ]
    return "\n".join(lines)
