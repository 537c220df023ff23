"""The training catalogue and one page per module."""

from __future__ import annotations

from validator.model import Entity, Handbook
from validator.render.downloads import WORKBOOK, Downloads, download_link
from validator.render.entity_pages import entity_page
from validator.render.labels import CATEGORY, DELIVERY, KIRKPATRICK, STAGE, label
from validator.render.markup import (
    anchor,
    bilingual,
    esc,
    link,
    module_code,
    module_link,
    status_badge,
    table,
)


@entity_page("module")
def module_page(handbook: Handbook, module: Entity, downloads: Downloads) -> str:
    """What a module covers, whom it serves, how it is delivered, assessed and refreshed."""
    here = f"training/{module.id}.md"
    data = module.data
    refresh = data.get("refresh")
    assessment = data["assessment"]
    levels = "、".join(f"{n} {KIRKPATRICK[n]}" for n in assessment.get("levels") or [])
    facts = [
        ["模块编号", f"`{module_code(module.id)}`"],
        ["类别", label(CATEGORY, data["category"])],
        ["培训阶段", "、".join(label(STAGE, s) for s in data["stages"])],
        ["学时", f"{data['hours']:g}"],
        ["培训方式", "、".join(label(DELIVERY, d) for d in data["delivery"])],
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
        [
            "受训岗位",
            "、".join(
                link(handbook, here, "role", role.id)
                for role in handbook.resolved.audience.get(module.id, [])
            )
            or "—",
        ],
    ]
    audience = data.get("audience") or {}
    if audience.get("new_hires"):
        facts.append(["受训对象", "全体新员工，上岗前完成"])
    if audience.get("conditions"):
        conditional = "、".join(
            link(handbook, here, "condition", c) for c in audience["conditions"]
        )
        takers = "、".join(
            link(handbook, here, "role", role.id)
            for role in handbook.resolved.conditional_audience.get(module.id, [])
        )
        facts.append(["有条件受训", f"{conditional}的人员" + (f"（{takers}）" if takers else "")])
    if data.get("exam"):
        facts.append(["取证考试", bilingual(module, "exam")])
    lines = [
        f"# {esc(module_code(module.id))} {esc(module.display('zh'))}"
        f"{status_badge(data.get('status'))}",
        "",
        f'<p class="hb-en" lang="en">{esc(module.display("en"))}</p>',
        "",
    ]
    if data.get("summary"):
        lines += [bilingual(module, "summary"), ""]
    lines += [table(["项目", "内容"], facts)]
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
        lines.append(table(["职责", "岗位"], rows))
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


def bilingual_text(value: dict[str, str]) -> str:
    """A ``{zh, en}`` value shown as escaped Chinese with the English beside it."""
    if value.get("en"):
        return f'{esc(value["zh"])} <span class="hb-en" lang="en">{esc(value["en"])}</span>'
    return esc(value["zh"])


def training_index(handbook: Handbook, downloads: Downloads) -> str:
    """The catalogue: every module by category, with hours, delivery and refresher."""
    here = "training/index.md"
    lines = [
        "# 培训体系",
        "",
        "培训把每个岗位的职责和员工的实际需要结合起来：理论与实践并重，通用能力与专业技能兼顾。"
        "培训分为入职/岗前、在岗、转岗/晋升和复训/换证四个阶段；每个模块写明学时、培训方式、"
        "考核方式和复训周期，考核按柯氏四级评估（反应、学习、行为、结果）设计。",
        "",
        download_link(
            here, WORKBOOK, "下载培训矩阵与年度培训计划（Excel 工作簿）", downloads.workbook
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
        lines += ["## 年度学时要求", "", table(["层级", "每人每年最少学时"], rows)]
    for category, (zh, en) in CATEGORY.items():
        modules = [m for m in handbook.all("module") if m.data["category"] == category]
        if not modules:
            continue
        rows = []
        for module in sorted(modules, key=lambda m: m.id):
            refresh = module.data.get("refresh")
            rows.append(
                [
                    module_link(handbook, here, module.id),
                    f"{module.data['hours']:g}",
                    "、".join(label(DELIVERY, d) for d in module.data["delivery"]),
                    f"{refresh['every_months']} 个月" if refresh else "—",
                    str(len(module.data.get("covers") or [])),
                ]
            )
        lines += [f"## {zh}", "", f'<p class="hb-en" lang="en">{en}</p>', ""]
        lines.append(table(["模块", "学时", "方式", "复训间隔", "覆盖职责数"], rows))
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
