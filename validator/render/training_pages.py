"""The training catalogue and one page per module."""

from __future__ import annotations

from validator.model import Entity, Handbook
from validator.render.downloads import WORKBOOK, Downloads, download_link
from validator.render.entity_pages import entity_page
from validator.render.markup import (
    NOT_INDEXED,
    anchor,
    bilingual,
    esc,
    link,
    module_code,
    module_link,
    status_badge,
    table,
    text_pair,
)
from validator.render.training_system import (
    level_name,
    system_entity,
    term,
    term_link,
)


@entity_page("module")
def module_page(handbook: Handbook, module: Entity, downloads: Downloads) -> str:
    """Whom a module serves, what they can do afterwards, how its hours are spent, how it is
    delivered, assessed and refreshed, and which duties and certificates it serves."""
    here = f"training/{module.id}.md"
    data = module.data
    refresh = data.get("refresh")
    assessment = data["assessment"]
    levels = "、".join(level_name(handbook, n) for n in assessment.get("levels") or [])
    takers = "、".join(
        link(handbook, here, "role", role.id)
        for role in handbook.resolved.audience.get(module.id, [])
    )
    facts = [
        ["受训岗位", takers or "—"],
        *audience_rows(handbook, here, module),
        ["学时", f"{data['hours']:g}"],
        ["类别", term_link(handbook, here, "training-category", data["category"])],
        [
            "培训阶段",
            "、".join(term_link(handbook, here, "training-stage", s) for s in data["stages"]),
        ],
        [
            "培训方式",
            "、".join(term_link(handbook, here, "delivery-method", d) for d in data["delivery"]),
        ],
        [
            "考核方式",
            bilingual_text(assessment["method"]) + (f"（柯氏评估：{levels}）" if levels else ""),
        ],
        [
            "复训",
            f"每 {refresh['every_months']} 个月，{refresh['hours']:g} 学时"
            if refresh
            else "一次性培训",
        ],
        [
            "先修模块",
            "、".join(module_link(handbook, here, p) for p in data.get("prerequisites") or [])
            or "—",
        ],
    ]
    if data.get("exam"):
        facts.append(["取证考试", bilingual(module, "exam")])
    badge = status_badge(data.get("status"))
    lines = [
        f"# {esc(module_code(module.id))} {esc(module.display('zh'))}{badge}",
        "",
        f'<p class="hb-en" lang="en">{esc(module.display("en"))}</p>',
        "",
    ]
    if data.get("summary"):
        lines += [bilingual(module, "summary"), ""]
    outcomes = data.get("outcomes") or []
    if outcomes:
        lines += [f"## 学习目标{badge}", "", "学完本模块，学员能够：", ""]
        lines += [
            f"{n}. {text_pair(o.get('zh', ''), o.get('en'))}" for n, o in enumerate(outcomes, 1)
        ]
        lines.append("")
    lines += [table(["项目", "内容"], facts)]
    outline = data.get("outline") or []
    if outline:
        total = sum(int(part.get("minutes", 0)) for part in outline)
        rows = [
            [
                text_pair(
                    (part.get("part") or {}).get("zh", ""), (part.get("part") or {}).get("en")
                ),
                str(part.get("minutes", "")),
            ]
            for part in outline
        ]
        rows.append(["**合计**", f"**{total}**（{total / 60:g} 学时）"])
        # The outline is for the trainer: left out of search, which keeps the index small
        # enough for a phone and lets a search for a topic find the module by its title.
        lines += [f"## 课程大纲{badge}", "", f"<div {NOT_INDEXED} markdown>", ""]
        lines += [table(["内容", "分钟"], rows), "</div>", ""]
    covers = data.get("covers") or []
    lines += ["## 覆盖的职责", ""]
    if covers:
        rows = []
        for duty_id in covers:
            duty = handbook.get("duty", duty_id)
            role = duty.parent if duty else ""
            rows.append(
                [link(handbook, here, "duty", duty_id), link(handbook, here, "role", role or "")]
            )
        # Duty texts are searched on their role pages; repeated here they would crowd them out.
        lines += [f"<div {NOT_INDEXED} markdown>", "", table(["职责", "岗位"], rows), "</div>", ""]
    else:
        lines += ["本模块不直接覆盖职责，用于取得或复审证书。", ""]
    certificates = data.get("certificates") or []
    if certificates:
        lines += ["## 对应证书", ""]
        lines += [f"- {link(handbook, here, 'certificate', c)}" for c in certificates]
        lines.append("")
    regulations = data.get("regulations") or []
    if regulations:
        lines += ["## 讲授的法规", ""]
        lines += [f"- {link(handbook, here, 'regulation', r)}" for r in regulations]
        lines.append("")
    return "\n".join(lines)


def audience_rows(handbook: Handbook, here: str, module: Entity) -> list[list[str]]:
    """What ``audience:`` adds to the list of posts: that every new hire takes the module before
    starting, which specialties of a post take it, and which conditions make someone take it."""
    audience = module.data.get("audience") or {}
    rows: list[list[str]] = []
    if audience.get("new_hires"):
        rows.append(["受训对象", "全体新员工，上岗前完成"])
    by_role: dict[str, list[str]] = {}
    for qualified in audience.get("specialties") or []:
        role_id, _, specialty_id = str(qualified).partition("/")
        specialty = handbook.get("specialty", qualified)
        by_role.setdefault(role_id, []).append(
            esc(specialty.display("zh") if specialty else specialty_id)
        )
    if by_role:
        described = []
        for role_id, names in by_role.items():
            role = handbook.get("role", role_id)
            described.append(f"{esc(role.display('zh') if role else role_id)}：{'、'.join(names)}")
        rows.append(["专业方向", "；".join(described)])
    conditions = audience.get("conditions") or []
    if conditions:
        named = "、".join(link(handbook, here, "condition", c) for c in conditions)
        holders = "、".join(
            link(handbook, here, "role", role.id)
            for role in handbook.resolved.conditional_audience.get(module.id, [])
        )
        rows.append(["有条件受训", f"{named}的人员" + (f"（{holders}）" if holders else "")])
    return rows


def audience_brief(handbook: Handbook, module: Entity) -> str:
    """A short, unlinked account of who takes a module, for the catalogue."""
    audience = module.data.get("audience") or {}
    if audience.get("new_hires"):
        return "全体新员工"
    names: list[str] = []
    for role_id in audience.get("roles") or []:
        role = handbook.get("role", role_id)
        names.append(role.display("zh") if role else role_id)
    for qualified in audience.get("specialties") or []:
        specialty = handbook.get("specialty", qualified)
        names.append(specialty.display("zh") if specialty else str(qualified))
    for condition_id in audience.get("conditions") or []:
        condition = handbook.get("condition", condition_id)
        names.append(condition.display("zh") if condition else condition_id)
    if len(names) > 3:
        return f"{esc('、'.join(names[:2]))} 等 {len(names)} 类人员"
    return esc("、".join(names)) or "—"


def bilingual_text(value: dict[str, str]) -> str:
    """A ``{zh, en}`` value shown as escaped Chinese with the English beside it."""
    if value.get("en"):
        return f'{esc(value["zh"])} <span class="hb-en" lang="en">{esc(value["en"])}</span>'
    return esc(value["zh"])


def training_index(handbook: Handbook, downloads: Downloads) -> str:
    """The catalogue: every module by category, with whom it serves, hours and delivery."""
    here = "training/index.md"
    lines = ["# 培训体系", ""]
    system = system_entity(handbook)
    if system is not None:
        lines += [
            f"培训原则、类别、阶段、培训方式和考核层级见 "
            f"{link(handbook, here, 'training-system', system.id, '培训体系说明')}"
            f"{status_badge(system.data.get('status'))}；除标明出处的几条外，都是本手册对原文"
            "中断部分的补全建议。下面按类别列出全部培训模块。",
            "",
        ]
    lines += [
        download_link(
            here, WORKBOOK, "下载培训矩阵与年度培训计划（Excel 工作簿）", downloads.offers(WORKBOOK)
        ),
        "",
    ]
    lines += _conditions(handbook, here)
    minimums = (handbook.settings.get("training") or {}).get("min_hours_per_year") or {}
    if minimums:
        rows = [
            [link(handbook, here, "tier", tier_id), f"{hours:g}"]
            for tier_id, hours in minimums.items()
        ]
        lines += [
            "## 每年培训学时要求 {#yearly-hours}",
            "",
            table(["层级", "每人每年最少学时"], rows),
        ]
    described = [entity.id for entity in handbook.all("training-category")]
    used = [m.data["category"] for m in handbook.all("module")]
    for category in dict.fromkeys([*described, *used]):
        modules = [m for m in handbook.all("module") if m.data["category"] == category]
        if not modules:
            continue
        zh, en = term(handbook, "training-category", category)
        rows = []
        for module in sorted(modules, key=lambda m: m.id):
            refresh = module.data.get("refresh")
            rows.append(
                [
                    module_link(handbook, here, module.id),
                    audience_brief(handbook, module),
                    f"{module.data['hours']:g}",
                    "、".join(
                        esc(term(handbook, "delivery-method", d)[0])
                        for d in module.data["delivery"]
                    ),
                    f"{refresh['every_months']} 个月" if refresh else "—",
                ]
            )
        lines += [f"## {esc(zh)}", "", f'<p class="hb-en" lang="en">{esc(en)}</p>', ""]
        lines.append(table(["模块", "受训对象", "学时", "方式", "复训间隔"], rows))
    return "\n".join(lines)


def _conditions(handbook: Handbook, here: str) -> list[str]:
    """The conditions that decide who, beyond whole posts, takes which module."""
    conditions = list(handbook.all("condition"))
    if not conditions:
        return []
    lines = [
        "## 任务条件",
        "",
        "有些任务只有部分人员才做（例如高处作业）。相关的证书和培训只要求做这些任务的人员，"
        "不计入岗位全体人员的培训路径。",
        "",
    ]
    for condition in conditions:
        modules = "、".join(
            module_link(handbook, here, m.id)
            for m in handbook.all("module")
            if condition.id in ((m.data.get("audience") or {}).get("conditions") or ())
        )
        lines += [
            f"### {esc(condition.display('zh'))}"
            f"{status_badge(condition.data.get('status'))} {{#{anchor(condition.id)}}}",
            "",
            bilingual(condition, "summary"),
            "",
            f"培训：{modules or '—'}",
            "",
        ]
    return lines
