"""Service standards: an index with the service levels, and one page per area."""

from __future__ import annotations

from typing import Any

from validator.model import Entity, Handbook
from validator.render.downloads import Downloads
from validator.render.entity_pages import entity_page
from validator.render.labels import FREQUENCY, label
from validator.render.markup import anchor, bilingual, entry_heading, esc, link, status_badge, table


def standards_index(handbook: Handbook) -> str:
    """The service levels and every area with its number of standards."""
    here = "standards/index.md"
    lines = [
        "# 服务标准",
        "",
        "每项标准写明衡量什么、单位、各服务等级的目标、检查频次、负责岗位和它衡量的职责。"
        "服务等级参照中国物业管理协会《普通住宅小区物业管理服务等级标准（试行）》，一级最高。",
        "",
        "## 服务等级",
        "",
    ]
    for level in handbook.all("service-level"):
        lines.append(
            f'- <span id="{anchor(level.id)}"></span>**{esc(level.display("zh"))}** '
            f'<span class="hb-en" lang="en">{esc(level.display("en"))}</span>'
        )
    lines += ["", "## 领域", ""]
    rows = []
    for area in handbook.all("area"):
        count = sum(1 for s in handbook.all("standard") if s.parent == area.id)
        rows.append([link(handbook, here, "area", area.id), esc(area.display("en")), str(count)])
    lines.append(table(["领域", "English", "标准数"], rows))
    return "\n".join(lines)


@entity_page("area")
def area_page(handbook: Handbook, area: Entity, downloads: Downloads) -> str:
    """Every standard of one area with its targets per service level."""
    here = f"standards/{area.id}.md"
    levels = list(handbook.all("service-level"))
    lines = [
        f"# {esc(area.display('zh'))}",
        "",
        f'<p class="hb-en" lang="en">{esc(area.display("en"))}</p>',
        "",
    ]
    for standard in handbook.all("standard"):
        if standard.parent != area.id:
            continue
        data = standard.data
        lines += entry_heading(standard)
        lines += [
            f"**衡量方法：** {bilingual(standard, 'metric')}",
            "",
        ]
        rows = []
        missing = "不适用" if data.get("missing") == "not-applicable" else "同上一级"
        for position, level in enumerate(levels):
            target = data["targets"].get(level.id)
            if target is None:
                shown = missing if position else "—（未规定）"
                rows.append([esc(level.display("zh")), shown])
                continue
            text = esc(target["text"]["zh"]) + status_badge(target.get("status"))
            rows.append([esc(level.display("zh")), text])
        for level_id in data["targets"]:
            if handbook.get("service-level", level_id) is None:
                rows.append([esc(level_id), esc(data["targets"][level_id]["text"]["zh"])])
        lines.append(table(["服务等级", "目标"], rows))
        lines += _floors(handbook, here, data.get("floors") or [])
        unit = data.get("unit")
        facts = [
            f"单位：{esc(unit['zh'])}" if unit else "",
            f"检查频次：{label(FREQUENCY, data['frequency'])}",
            f"负责岗位：{link(handbook, here, 'role', data['responsible'])}",
            "衡量职责："
            + "；".join(_duty_link(handbook, here, d) for d in data["measures"])
            + "。",
        ]
        cites = data.get("cites") or []
        if cites:
            facts.append(
                "依据："
                + "、".join(link(handbook, here, "regulation", c["regulation"]) for c in cites)
            )
        sources = data.get("sources") or []
        if sources:
            facts.append(
                "出处：" + "、".join(link(handbook, here, "source", s, s) for s in sources)
            )
        lines += [f"- {fact}" for fact in facts if fact]
        lines.append("")
    return "\n".join(lines)


def _floors(handbook: Handbook, here: str, floors: list[dict[str, Any]]) -> list[str]:
    """The statutory floors beside the service levels: what the law requires at any level."""
    if not floors:
        return []
    lines = [
        '<div class="hb-floor" markdown>',
        "",
        "**法定底线**（与服务等级无关，任何等级都必须做到）：",
        "",
    ]
    for floor in floors:
        scope = floor.get("scope")
        where = f"{esc(scope['zh'])}：" if scope else ""
        articles = floor.get("articles") or []
        basis = link(handbook, here, "regulation", floor["regulation"])
        if articles:
            basis += " 第" + "、".join(esc(a) for a in articles) + "条"
        badge = status_badge(floor.get("status"))
        lines.append(f"- {where}{esc(floor['text']['zh'])}（依据：{basis}）{badge}")
    return [*lines, "", "</div>", ""]


def _duty_link(handbook: Handbook, here: str, duty_id: str) -> str:
    # Duty texts end with a full stop; joined into one line they would read "…记录。、按…".
    duty = handbook.get("duty", duty_id)
    text = duty.display("zh").rstrip("。；;.") if duty is not None else duty_id
    return link(handbook, here, "duty", duty_id, text)
