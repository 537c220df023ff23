"""Which training teaches each duty, for people: a heat map of all roles, then a list per role.

The machine-oriented duty × module matrix stays in ``export json`` and the workbook; this page
names duties by their text and modules by code and title, and is a list, so it reads the same
on a phone as on a desktop.
"""

from __future__ import annotations

from validator.model import Entity, Handbook
from validator.render.markup import LIST_LIMIT, anchor, esc, link, module_link, table

HEAT_STEPS = 3
"""Duties taught by this many modules or more share the darkest colour of the heat map."""


def coverage_page(handbook: Handbook) -> str:
    """The overall figure, a heat map (a square per duty, darker = more modules teach it) and,
    per role, each duty with the modules that teach it."""
    here = "coverage.md"
    resolved = handbook.resolved
    coverage = resolved.coverage
    lines = [
        "# 职责与培训覆盖",
        "",
        f"全部 {coverage.duties} 条职责中有 {coverage.covered} 条至少由一个培训模块讲授，"
        f"覆盖率 **{coverage.percent:.0f}%**。",
        "",
    ]
    roles = resolved.ordered_roles
    if len(roles) > LIST_LIMIT:
        # Thousands of lists would make one enormous page: show only the roles with gaps.
        roles = [
            r
            for r in roles
            if resolved.role_coverage[r.id].covered < resolved.role_coverage[r.id].duties
        ]
        lines += ["岗位很多，下面只列出覆盖不完整的岗位；每个岗位的培训见其岗位说明书。", ""]
    if roles:
        lines += [
            "## 一览 {#heat-map}",
            "",
            "每个方块是一条职责，数字和颜色表示讲授它的培训模块数：颜色越深，讲授它的模块越多；"
            "红色表示没有模块讲授。点方块看这条职责和讲授它的模块。",
            "",
            '<div class="hb-heat-map">',
            "",
            *[_heat_row(handbook, here, role) for role in roles],
            "",
            "</div>",
            "",
        ]
    rows = []
    for role in roles:
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
    for role in roles:
        lines += _role_section(handbook, here, role)
    return "\n".join(lines)


def _duty_anchor(duty: Entity) -> str:
    return f"cov-{anchor(duty.id)}"


def _heat_row(handbook: Handbook, here: str, role: Entity) -> str:
    cells = []
    for duty in handbook.duties_of.get(role.id, []):
        count = len(handbook.modules_covering.get(duty.id, []))
        level = min(count, HEAT_STEPS)
        text = esc(duty.text("text", "zh"))
        cells.append(
            f'<a class="hb-heat hb-heat-{level}" href="#{_duty_anchor(duty)}" '
            f'title="{text}（{count} 个模块）">{count}</a>'
        )
    name = esc(role.display("zh"))
    return (
        f'<div class="hb-heat-row"><span class="hb-heat-role">{name}</span>'
        f'<span class="hb-heat-cells">{"".join(cells)}</span></div>'
    )


def _role_section(handbook: Handbook, here: str, role: Entity) -> list[str]:
    lines = [
        f"## {esc(role.display('zh'))} {{#{anchor(role.id)}}}",
        "",
        f"{link(handbook, here, 'role', role.id, '岗位说明书')}",
        "",
    ]
    for number, duty in enumerate(handbook.duties_of.get(role.id, []), start=1):
        modules = handbook.modules_covering.get(duty.id, [])
        taught = (
            "、".join(module_link(handbook, here, m.id) for m in modules)
            if modules
            else "**没有培训模块讲授**"
        )
        lines += [
            f'<div class="hb-cover" id="{_duty_anchor(duty)}" markdown>',
            "",
            f"**{number}.** {link(handbook, here, 'duty', duty.id, duty.text('text', 'zh'))}",
            "",
            f"培训：{taught}",
            "",
            "</div>",
            "",
        ]
    return lines
