"""One page per role: the 岗位说明书 (job description), and the list of roles."""

from __future__ import annotations

from typing import Any

from validator.model import Entity, Handbook
from validator.render.downloads import Downloads, download_link, role_pdf
from validator.render.entity_pages import entity_page
from validator.render.labels import certificate_validity
from validator.render.markup import (
    LIST_LIMIT,
    NOT_INDEXED,
    anchor,
    bilingual,
    esc,
    link,
    module_link,
    status_badge,
    table,
)
from validator.render.org_chart import org_chart
from validator.render.timeline import training_timeline
from validator.resolved import TrainingPath


@entity_page("role")
def role_page(handbook: Handbook, role: Entity, downloads: Downloads) -> str:
    """Tier, manager, reports, summary, duties with standards and training, certificates, path."""
    here = f"roles/{role.id}.md"
    manager = role.data.get("reports_to")
    reports = handbook.direct_reports.get(role.id, [])
    specialties = {s["id"]: s for s in role.data.get("specialties") or []}
    facts = [
        ["岗位编号", f"`{esc(role.id)}`"],
        ["所属层级", link(handbook, here, "tier", role.data["tier"])],
        ["直接上级", link(handbook, here, "role", manager) if manager else "—（最高岗位）"],
        ["直接下级", "、".join(link(handbook, here, "role", r.id) for r in reports) or "—"],
    ]
    if specialties:
        names = "、".join(esc(s["name"]["zh"]) for s in specialties.values())
        facts.append(["专业方向", names])
    lines = [
        f"# {esc(role.display('zh'))}",
        "",
        f'<p class="hb-en" lang="en">{esc(role.display("en"))}</p>',
        "",
        *_at_a_glance(handbook, here, role, specialties),
        download_link(
            here,
            role_pdf(role.id),
            "下载打印版岗位说明书（PDF，含签字栏）",
            downloads.offers(role_pdf(role.id)),
        ),
        "",
        "## 岗位概述 {#summary}",
        "",
        bilingual(role, "summary"),
        "",
        table(["项目", "内容"], facts),
        "## 岗位职责 {#duties}",
        "",
    ]
    for number, duty in enumerate(handbook.duties_of.get(role.id, []), start=1):
        lines += _duty(handbook, here, duty, number, specialties)
    lines += _certificates(handbook, here, role, specialties)
    lines += _training(handbook, here, role, specialties)
    if handbook.count("role") <= LIST_LIMIT:
        lines += [
            "## 在组织中的位置 {#place}",
            "",
            org_chart(handbook, here, highlight=role.id),
            "",
        ]
    lines += [
        "## 签字确认 {#signature}",
        "",
        f'<div class="hb-signature" {NOT_INDEXED} markdown>',
        "",
        "本人已阅读并理解以上岗位职责。",
        "",
        "员工签字：________________　　日期：____________",
        "",
        "直接上级签字：________________　　日期：____________",
        "",
        "</div>",
        "",
    ]
    return "\n".join(lines)


def _at_a_glance(
    handbook: Handbook, here: str, role: Entity, specialties: dict[str, dict[str, Any]]
) -> list[str]:
    """What a holder reads first, on one phone screen: what the post does, what he must hold,
    how much training he takes this year, and whom he reports to. The sections below give the
    detail of each line."""
    summary = role.text("summary", "zh")
    first_sentence = summary.split("。", 1)[0] + "。" if "。" in summary else summary
    items = [f"**做什么**：{esc(first_sentence)}"]
    needs = role.data.get("certificates") or []
    if needs:
        held = []
        for need in needs:
            certificate = handbook.get("certificate", need["certificate"])
            scope = []
            if need.get("specialty") in specialties:
                scope.append("仅" + esc(specialties[need["specialty"]]["name"]["zh"]))
            if need.get("condition"):
                scope.append("仅" + link(handbook, here, "condition", need["condition"]))
            validity = certificate_validity(certificate.data if certificate else {})
            held.append(
                link(handbook, here, "certificate", need["certificate"])
                + f"（{'，'.join([*scope, validity])}）"
            )
        more = '<a class="hb-web" href="#certificates">详见</a>'
        items.append("**必须持证**：" + "；".join(held) + f"。{more}")
    else:
        items.append("**必须持证**：无国家规定必须持有的证书。")
    paths = handbook.resolved.paths_of(role)
    for path in paths:
        figures = (
            f"首年 **{path.first_year_hours:g}** 学时（{len(path.modules)} 个模块），"
            f"之后每年约 {path.yearly_hours:.0f} 学时"
        )
        if not path.specialty:
            items.append(f"**今年培训**：[{figures}](#{_path_anchor(path)})")
            continue
        if path is paths[0]:
            items.append("**今年培训**（按所在岗位）：")
        name = esc(specialties.get(path.specialty, {}).get("name", {}).get("zh", path.specialty))
        items.append(f"    - [{name}](#{_path_anchor(path)})：{figures}")
    manager = role.data.get("reports_to")
    items.append(
        "**直接上级**：" + (link(handbook, here, "role", manager) if manager else "无（最高岗位）")
    )
    return [
        '<div class="hb-glance" markdown>',
        "",
        *[item if item.startswith(" ") else f"- {item}" for item in items],
        "",
        "</div>",
        "",
    ]


def _path_anchor(path: TrainingPath) -> str:
    return f"path-{anchor(path.specialty)}" if path.specialty else "path"


def _duty(
    handbook: Handbook, here: str, duty: Entity, number: int, specialties: dict[str, dict[str, Any]]
) -> list[str]:
    text = bilingual(duty, "text")
    specialty = duty.data.get("specialty")
    tag = ""
    if specialty and specialty in specialties:
        name = specialties[specialty]["name"]
        tag = f' <span class="hb-tag">{esc(name["zh"])}</span>'
    lines = [
        f'<div class="hb-duty" id="{anchor(duty.id)}" markdown>',
        "",
        f"**{number}.** {text}{tag}{status_badge(duty.data.get('status'))}",
        "",
    ]
    details: list[str] = []
    standards = handbook.standards_measuring.get(duty.id, [])
    if standards:
        details.append(
            "衡量标准：" + "、".join(link(handbook, here, "standard", s.id) for s in standards)
        )
    modules = handbook.modules_covering.get(duty.id, [])
    details.append(
        "培训模块：" + ("、".join(module_link(handbook, here, m.id) for m in modules) or "—")
    )
    cites = duty.data.get("cites") or []
    if cites:
        details.append("依据：" + "、".join(_citation(handbook, here, c) for c in cites))
    details.append(f"编号：`{esc(duty.id)}`")
    # The cross-references repeat titles their own pages carry: searching a module's title
    # should find the module, not every duty it trains.
    lines += [f"<div {NOT_INDEXED} markdown>", ""]
    lines += [f"- {detail}" for detail in details]
    lines += ["", "</div>", "", "</div>", ""]
    return lines


def _citation(handbook: Handbook, here: str, citation: dict[str, Any]) -> str:
    regulation_id = str(citation["regulation"])
    articles = citation.get("articles") or []
    label = link(handbook, here, "regulation", regulation_id)
    if articles:
        label += " 第" + "、".join(esc(a) for a in articles) + "条"
    return label + status_badge(citation.get("status"))


def _certificates(
    handbook: Handbook, here: str, role: Entity, specialties: dict[str, dict[str, Any]]
) -> list[str]:
    needs = role.data.get("certificates") or []
    lines = ["## 持证要求 {#certificates}", ""]
    if not needs:
        return [*lines, "本岗位没有国家规定必须持有的证书。", ""]
    rows = []
    for need in needs:
        certificate = handbook.get("certificate", need["certificate"])
        when = "全部人员"
        if need.get("condition"):
            when = "仅" + link(handbook, here, "condition", need["condition"])
        if need.get("note"):
            when += f"（{esc(need['note']['zh'])}）"
        specialty = need.get("specialty")
        if specialty in specialties:
            when = f"{esc(specialties[specialty]['name']['zh'])}：{when}"
        validity = certificate_validity(certificate.data if certificate else {})
        modules = handbook.modules_preparing.get(need["certificate"], [])
        rows.append(
            [
                link(handbook, here, "certificate", need["certificate"])
                + status_badge(need.get("status")),
                when,
                validity,
                "、".join(module_link(handbook, here, m.id) for m in modules) or "—",
            ]
        )
    return [*lines, table(["证书", "适用", "有效期与复审", "取证/复审培训"], rows)]


def _training(
    handbook: Handbook, here: str, role: Entity, specialties: dict[str, dict[str, Any]]
) -> list[str]:
    resolved = handbook.resolved
    lines = [
        "## 培训路径 {#training}",
        "",
        "按先修顺序排列。首年学时是新员工第一年把路径上每个模块完整学一遍的学时，加上第一年内"
        "就到期的复训（例如每 6 个月一次的演练）；之后每年的学时按各模块的复训间隔折算。"
        "只有部分人员才做的任务（例如高处作业）所需的培训单独列出，不计入本岗位全体人员的学时。",
        "",
    ]
    required = resolved.minimum_hours(role)
    for number, path in enumerate(resolved.paths_of(role)):
        body = [_path_table(handbook, here, path.modules)]
        counted_first, counted_yearly = resolved.counted_hours(path)
        summary = (
            f"首年合计 **{path.first_year_hours:g}** 学时，"
            f"之后每年复训约 **{path.yearly_hours:.0f}** 学时。"
        )
        if required is not None:
            excluded = "" if resolved.certification_counted else "（外部取证与复审学时另计）"
            summary += (
                f"计入每年最低要求的：首年 {counted_first:g}、之后每年 {counted_yearly:.0f} 学时"
                f"{excluded}；最低要求 {required[0]:g} 学时。"
            )
        body += [summary, ""]
        for group in path.conditional:
            condition = link(handbook, here, "condition", group.condition)
            modules = "、".join(module_link(handbook, here, m.id) for m in group.modules)
            body += [f"- 仅{condition}的人员另学：{modules}", ""]
        body += [training_timeline(handbook, here, path), ""]
        body += _plan(handbook, here, path)
        if not path.specialty:
            lines += [
                f'<div id="{_path_anchor(path)}" {NOT_INDEXED} markdown>',
                "",
                *body,
                "</div>",
                "",
            ]
            continue
        name = esc(specialties.get(path.specialty, {}).get("name", {}).get("zh", path.specialty))
        # One post open, the others folded: the paths share most modules, and four open tables
        # in a row bury everything after them on a phone.
        opened = " open" if number == 0 else ""
        lines += [
            f'<details class="hb-path" id="{_path_anchor(path)}"{opened} {NOT_INDEXED} markdown>',
            f"<summary>{name}：首年 {path.first_year_hours:g} 学时，"
            f"之后每年约 {path.yearly_hours:.0f} 学时</summary>",
            "",
            *body,
            "</details>",
            "",
        ]
    return lines


def _path_table(handbook: Handbook, here: str, modules: tuple[Entity, ...]) -> str:
    rows = []
    for step, module in enumerate(modules, start=1):
        refresh = module.data.get("refresh")
        again = (
            f"每 {refresh['every_months']} 个月 {refresh['hours']:g} 学时" if refresh else "一次性"
        )
        rows.append(
            [str(step), module_link(handbook, here, module.id), f"{module.data['hours']:g}", again]
        )
    return table(["顺序", "培训模块", "学时", "复训"], rows)


def _plan(handbook: Handbook, here: str, path: TrainingPath) -> list[str]:
    rows = []
    for entry in path.plan:
        first = "上岗前" if entry.first_year_month == 1 else f"第 {entry.first_year_month} 个月"
        if entry.first_year_refreshers:
            again = "、".join(str(m) for m in entry.first_year_refreshers)
            first += f"；第 {again} 个月复训，每次 {entry.refresher_hours:g} 学时"
        if entry.every_months is None:
            later = "—"
        elif entry.every_months > 12:
            later = f"每 {entry.every_months} 个月一次，{entry.refresher_hours:g} 学时"
        else:
            months = "、".join(str(m) for m in entry.steady_months)
            later = f"每年第 {months} 个月，每次 {entry.refresher_hours:g} 学时"
        rows.append([module_link(handbook, here, entry.module.id), first, later])
    # Months count from the day the person starts, not from January.
    return [
        '<details class="hb-plan" markdown>',
        "<summary>年度培训计划（首年和之后每年）</summary>",
        "",
        "月份从入职（或上岗）那个月算起。",
        "",
        table(["培训模块", "首年", "之后每年（复训）"], rows),
        "</details>",
        "",
    ]


def roles_index(handbook: Handbook) -> str:
    """Every role by tier, with its manager and number of duties."""
    here = "roles/index.md"
    lines = [
        "# 岗位说明书",
        "",
        "每个岗位一页：职责、衡量标准、持证要求和培训路径，可直接打印。",
        "",
    ]
    resolved = handbook.resolved
    # The handbook's one order of roles: frontline first, as in the navigation.
    for tier in resolved.tiers:
        rows = []
        for role in resolved.roles_by_tier.get(tier.id, []):
            manager = role.data.get("reports_to")
            rows.append(
                [
                    link(handbook, here, "role", role.id),
                    esc(role.display("en")),
                    link(handbook, here, "role", manager) if manager else "—",
                    str(len(handbook.duties_of.get(role.id, []))),
                ]
            )
        if rows:
            lines += [
                f"## {esc(tier.display('zh'))}",
                "",
                table(["岗位", "英文名称", "直接上级", "职责数"], rows),
            ]
    return "\n".join(lines)
