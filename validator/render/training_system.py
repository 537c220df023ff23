"""The training system page, drawn from ``policies/training-system.yaml``, and the names of its
categories, stages, delivery methods and assessment levels for the other training pages."""

from __future__ import annotations

from validator.model import Entity, Handbook
from validator.render.downloads import Downloads
from validator.render.entity_pages import entity_page
from validator.render.markup import (
    STATUS_LABELS,
    anchor,
    bilingual,
    esc,
    link,
    status_badge,
    text_pair,
)

SYSTEM = "training-system"
"""The kind (and the id of its one entity)."""


def system_entity(handbook: Handbook) -> Entity | None:
    """The training system, when ``policies/training-system.yaml`` exists."""
    return next(handbook.all(SYSTEM), None)


def term(handbook: Handbook, kind: str, value: str) -> tuple[str, str]:
    """(zh, en) name of a category, stage or delivery method; the id itself when undescribed."""
    entity = handbook.get(kind, value)
    if entity is None:
        return value, value
    return entity.display("zh"), entity.display("en")


def term_link(handbook: Handbook, here: str, kind: str, value: str) -> str:
    """The Chinese name of a training-system term, linked to its entry on the system page."""
    if handbook.get(kind, value) is None:
        return esc(value)
    return link(handbook, here, kind, value)


def level_entity(handbook: Handbook, level: int) -> Entity | None:
    """The assessment level with this Kirkpatrick number."""
    return next((e for e in handbook.all("assessment-level") if e.data.get("level") == level), None)


def level_name(handbook: Handbook, level: int) -> str:
    """``2 学习`` for Kirkpatrick level 2, escaped (the number alone when undescribed)."""
    entity = level_entity(handbook, level)
    return f"{level} {esc(entity.display('zh'))}" if entity else esc(level)


def provenance(handbook: Handbook, here: str, entity: Entity) -> str:
    """The status mark of a proposal, or for a fact its status and sources in words."""
    status = entity.data.get("status")
    if status in ("suggested", "to-verify"):
        return status_badge(status)
    label = STATUS_LABELS.get(str(status), ("", ""))[0]
    sources = "、".join(
        link(handbook, here, "source", s, s) for s in entity.data.get("sources") or []
    )
    return f"（{label}{'：' + sources if sources else ''}）" if label else ""


def _sources(handbook: Handbook, here: str, entity: Entity) -> str:
    sources = entity.data.get("sources") or []
    if not sources:
        return ""
    return "出处：" + "、".join(link(handbook, here, "source", s, s) for s in sources)


def _entry(handbook: Handbook, here: str, entity: Entity, body: list[str]) -> list[str]:
    lines = [
        f"### {esc(entity.display('zh'))}{status_badge(entity.data.get('status'))} "
        f"{{#{anchor(entity.id)}}}",
        "",
        f'<p class="hb-en" lang="en">{esc(entity.display("en"))}</p>',
        "",
    ]
    lines += body
    cited = _sources(handbook, here, entity)
    status = entity.data.get("status")
    if cited and status in ("secondary", "sourced"):
        cited += f"（{STATUS_LABELS[str(status)][0]}）"
    if cited:
        lines += [cited, ""]
    return lines


def _modules_using(handbook: Handbook, field: str, value: str) -> int:
    count = 0
    for module in handbook.all("module"):
        used = module.data.get(field)
        if used == value or (isinstance(used, list) and value in used):
            count += 1
    return count


@entity_page(SYSTEM)
def training_system_page(handbook: Handbook, system: Entity, downloads: Downloads) -> str:
    """Principles, categories, stages, delivery methods and assessment levels, each with its
    status: most of them are the handbook's proposal for the part of the source that is lost."""
    here = f"training/{system.id}.md"
    lines = [
        f"# {esc(system.display('zh'))}{status_badge(system.data.get('status'))}",
        "",
        f'<p class="hb-en" lang="en">{esc(system.display("en"))}</p>',
        "",
        bilingual(system, "summary"),
        "",
        "[查看全部培训模块](index.md)",
        "",
        "## 培训原则",
        "",
    ]
    for principle in handbook.all("training-principle"):
        text = text_pair(principle.text("text", "zh"), (principle.data.get("text") or {}).get("en"))
        lines.append(f"- {text}{provenance(handbook, here, principle)}")
    lines.append("")
    for vocabulary in (kind for kind in handbook.kinds if kind.named_by):
        lines += [f"## {vocabulary.label.zh}", ""]
        for entity in handbook.all(vocabulary.name):
            used = _modules_using(handbook, vocabulary.named_by or "", entity.id)
            body = [bilingual(entity, "summary"), ""]
            body += [f"使用它的模块：{used} 个" if used else "目前没有模块使用。", ""]
            lines += _entry(handbook, here, entity, body)
    lines += ["## 考核层级（柯氏四级评估）", ""]
    for entity in sorted(handbook.all("assessment-level"), key=lambda e: e.data.get("level", 0)):
        instrument = entity.data.get("instrument") or {}
        body = [f"第 {entity.data.get('level')} 级：{bilingual(entity, 'summary')}", ""]
        if instrument:
            measured = text_pair(instrument.get("zh", ""), instrument.get("en"))
            body += [f"本手册的衡量方法：{measured}", ""]
        lines += _entry(handbook, here, entity, body)
    return "\n".join(lines)
