"""``handbook explain ID``: everything about one id, for the editor whom CI just told about it.

What the thing is, where it is defined, what it refers to, what refers to it, and the findings
that concern it. Built on the same reference list as ``ref-resolves``, so the two never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from validator.findings import Finding, Location, Text
from validator.model import Entity, Handbook
from validator.references import iter_references, referrers
from validator.rules.wording import kind_name
from validator.training import role_paths


@dataclass
class Link:
    """One line of an explanation: a related thing and where the relation is written."""

    relation: str
    """The field that holds the reference (``covers``, ``reports_to``...)."""
    incoming: bool
    """True when the other thing refers to this one."""
    kind: str
    id: str
    name: Text
    location: Location


@dataclass
class Explanation:
    """What ``explain`` knows about one entity."""

    entity: Entity
    defined_at: Location
    text: str
    links: list[Link] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


def explain(handbook: Handbook, entity_id: str, findings: list[Finding]) -> list[Explanation]:
    """One explanation per entity with this id (ids of different kinds may coincide)."""
    return [_explain(handbook, entity, findings) for entity in handbook.find(entity_id)]


def _name(handbook: Handbook, kind: str, entity_id: str) -> Text:
    target = handbook.get(kind, entity_id)
    if target is None:
        return Text("（不存在）", "(missing)")
    return _names(target)


def _names(entity: Entity) -> Text:
    return Text(entity.display("zh"), entity.display("en"))


def _explain(handbook: Handbook, entity: Entity, findings: list[Finding]) -> Explanation:
    key = "area" if entity.kind == "area" else "id"
    result = Explanation(
        entity,
        handbook.locate(entity.ref / key),
        entity.text("text") or entity.text("summary") or entity.text("metric"),
    )
    if entity.kind == "duty" and entity.parent:
        role = handbook.get("role", entity.parent)
        if role is not None:
            result.links.append(
                Link("role", False, "role", role.id, _names(role), handbook.locate(role.ref / "id"))
            )
    for reference in iter_references(handbook):
        if reference.source is entity or reference.source.ref == entity.ref:
            result.links.append(
                Link(
                    reference.field,
                    False,
                    reference.target_kind,
                    reference.target_id,
                    _name(handbook, reference.target_kind, reference.target_id),
                    handbook.locate(reference.where),
                )
            )
    for reference in referrers(handbook).get((entity.kind, entity.id), []):
        source = reference.source
        result.links.append(
            Link(
                reference.field,
                True,
                source.kind,
                source.id,
                _names(source),
                handbook.locate(reference.where),
            )
        )
    if entity.kind == "role":
        _role_facts(handbook, entity, result)
    if entity.kind == "module":
        served: set[str] = set()
        for duty_id in entity.data.get("covers") or []:
            duty = handbook.get("duty", duty_id)
            if duty is not None and duty.parent:
                served.add(duty.parent)
        result.facts["roles"] = sorted(served)
    result.findings = [f for f in findings if _concerns(f, entity)]
    return result


def _role_facts(handbook: Handbook, role: Entity, result: Explanation) -> None:
    for duty in handbook.duties_of.get(role.id, []):
        where = handbook.locate(duty.ref / "id")
        result.links.append(Link("duties", False, "duty", duty.id, _names(duty), where))
    result.facts["training"] = [
        {
            "specialty": path.specialty,
            "modules": [m.id for m in path.modules],
            "first_year_hours": path.first_year_hours,
            "yearly_hours": round(path.yearly_hours, 1),
        }
        for path in role_paths(handbook, role)
    ]


def _concerns(finding: Finding, entity: Entity) -> bool:
    if finding.subject == entity.id:
        return True
    location = finding.location
    return location.path == entity.ref.path and (
        location.pointer == entity.ref.pointer
        or location.pointer.startswith(entity.ref.pointer + "/")
    )


_OUTGOING = {
    "role": ("所属岗位", "role"),
    "duties": ("职责", "duty"),
    "tier": ("所属层级", "tier"),
    "reports_to": ("上级", "reports to"),
    "owner": ("负责岗位", "owner"),
    "certificates": ("证书", "certificate"),
    "specialty": ("专业方向", "specialty"),
    "cites": ("引用法规", "cites"),
    "basis": ("法律依据", "legal basis"),
    "responsible": ("负责岗位", "responsible role"),
    "measures": ("衡量职责", "measures"),
    "targets": ("服务等级", "service level"),
    "prerequisites": ("先修模块", "prerequisite"),
    "covers": ("覆盖职责", "covers"),
    "regulations": ("讲授法规", "teaches"),
    "approved_by": ("批准岗位", "approved by"),
    "min_hours_per_year": ("学时要求的层级", "hours rule for tier"),
}
_INCOMING = {
    "reports_to": ("直接下级", "direct report"),
    "owner": ("负责的层级", "owns tier"),
    "tier": ("本层级岗位", "role in tier"),
    "certificates": ("需要或准备此证书", "requires or prepares"),
    "cites": ("引用它", "cited by"),
    "basis": ("以它为依据的证书", "basis of"),
    "regulations": ("讲授它的模块", "taught by"),
    "responsible": ("负责的服务标准", "responsible for"),
    "measures": ("衡量它的服务标准", "measured by"),
    "targets": ("使用此等级的标准", "used by standard"),
    "prerequisites": ("以它为先修的模块", "prerequisite of"),
    "covers": ("覆盖它的培训模块", "covered by"),
    "approved_by": ("批准的豁免", "approved waiver"),
    "min_hours_per_year": ("学时要求", "hours rule"),
}


def _relation(link: Link, lang: str) -> str:
    labels = _INCOMING if link.incoming else _OUTGOING
    zh, en = labels.get(link.relation, (link.relation, link.relation))
    return en if lang == "en" else zh


def render_text(explanation: Explanation, lang: str) -> str:
    """Human-readable explanation, one related thing per line with its file:line."""
    entity = explanation.entity
    lines = [f"{entity.id} · {kind_name(entity.kind).get(lang)} · {explanation.defined_at}"]
    name = entity.text("name", lang) or entity.text("title", lang)
    if name:
        lines.append(f"  {name}")
    text = entity.text("text", lang) or entity.text("summary", lang)
    if text:
        lines.append(f"  {text}")
    for link in explanation.links:
        lines.append(
            f"  {_relation(link, lang)}: {link.id} {link.name.get(lang)} — {link.location}"
        )
    for path in explanation.facts.get("training", []):
        label = "培训路径" if lang == "zh" else "training path"
        who = f" ({path['specialty']})" if path["specialty"] else ""
        hours = (
            f"首年 {path['first_year_hours']:g} 学时，之后每年 {path['yearly_hours']:g} 学时"
            if lang == "zh"
            else f"{path['first_year_hours']:g} h in the first year, "
            f"{path['yearly_hours']:g} h a year after"
        )
        lines.append(f"  {label}{who}: {' → '.join(path['modules'])} ({hours})")
    if "roles" in explanation.facts:
        label = "服务岗位" if lang == "zh" else "serves roles"
        lines.append(f"  {label}: {', '.join(explanation.facts['roles']) or '—'}")
    label = "问题" if lang == "zh" else "findings"
    if explanation.findings:
        lines.append(f"  {label}:")
        for finding in explanation.findings:
            waived = " (waived)" if finding.suppressed else ""
            lines.append(
                f"    {finding.location}: {finding.severity.label}{waived} [{finding.rule}] "
                f"{finding.message.get(lang)}"
            )
    else:
        lines.append(f"  {label}: {'无' if lang == 'zh' else 'none'}")
    return "\n".join(lines) + "\n"


def to_json(explanation: Explanation) -> dict[str, Any]:
    """The explanation as plain JSON data."""
    entity = explanation.entity

    def location(where: Location) -> dict[str, Any]:
        return {"file": where.path, "line": where.line, "column": where.column}

    return {
        "id": entity.id,
        "kind": entity.kind,
        "defined_at": location(explanation.defined_at),
        "links": [
            {
                "relation": link.relation,
                "kind": link.kind,
                "id": link.id,
                "name": {"zh": link.name.zh, "en": link.name.en},
                "location": location(link.location),
            }
            for link in explanation.links
        ],
        "facts": explanation.facts,
        "findings": [
            {
                "rule": f.rule,
                "severity": f.severity.label,
                "suppressed": f.suppressed,
                "message": {"zh": f.message.zh, "en": f.message.en},
                **location(f.location),
            }
            for f in explanation.findings
        ],
    }
