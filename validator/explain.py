"""``handbook explain ID``: everything about one id, for the editor whom CI just told about it.

What the thing is, where it is defined, what it refers to, what refers to it, and the findings
that concern it. Built on the same reference list as ``ref-resolves``, so the two never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from validator.escaping import terminal_text
from validator.findings import Finding, Location, Text
from validator.model import Entity, Handbook
from validator.outputs import Format, as_json
from validator.references import target_key
from validator.reporters.json_report import finding_json, location_json


@dataclass
class Link:
    """One line of an explanation: a related thing and where the relation is written."""

    relation: str
    """The field that holds the reference (``covers``, ``reports_to``...)."""
    label: Text
    """The relation as people say it, seen from the explained entity."""
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
    kind_label: Text
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
    kind = handbook.kinds[entity.kind]
    text = next((entity.text(key) for key in kind.text_keys if entity.text(key)), "")
    result = Explanation(entity, kind.label, handbook.locate(handbook.id_ref(entity)), text)
    parent_kind = handbook.kinds.get(kind.within or "")
    if parent_kind is not None and parent_kind.singleton is None and entity.parent:
        parent = handbook.get(parent_kind.name, entity.parent)
        if parent is not None:
            result.links.append(
                Link(
                    parent_kind.name,
                    parent_kind.label,
                    False,
                    parent.kind,
                    parent.id,
                    _names(parent),
                    handbook.locate(handbook.id_ref(parent)),
                )
            )
    for reference in handbook.references:
        if reference.source is entity:
            result.links.append(
                Link(
                    reference.field,
                    reference.link.label,
                    False,
                    reference.target_kind,
                    reference.target_id,
                    _name(handbook, reference.target_kind, target_key(handbook, reference)),
                    handbook.locate(reference.where),
                )
            )
    for child_kind in handbook.kinds.children(entity.kind):
        for child in handbook.children[child_kind.name].get(entity.id, []):
            result.links.append(
                Link(
                    child_kind.list_key or child_kind.name,
                    child_kind.label,
                    False,
                    child.kind,
                    child.id,
                    _names(child),
                    handbook.locate(handbook.id_ref(child)),
                )
            )
    for reference in handbook.referrers.get((entity.kind, entity.id), []):
        source = reference.source
        result.links.append(
            Link(
                reference.field,
                reference.link.inverse,
                True,
                source.kind,
                source.id,
                _names(source),
                handbook.locate(reference.where),
            )
        )
    resolved = handbook.resolved
    if entity.kind == "role":
        result.facts["training"] = [path.as_json() for path in resolved.paths_of(entity)]
    if entity.kind == "module":
        result.facts["roles"] = [role.id for role in resolved.audience.get(entity.id, [])]
    result.findings = [f for f in findings if _concerns(f, entity)]
    return result


def _concerns(finding: Finding, entity: Entity) -> bool:
    if finding.subject == entity.id:
        return True
    location = finding.location
    return location.path == entity.ref.path and (
        location.pointer == entity.ref.pointer
        or location.pointer.startswith(entity.ref.pointer + "/")
    )


def _shown(link: Link, lang: str) -> str:
    """The related thing's id, and its name when it has one of its own."""
    name = link.name.get(lang)
    return link.id if name in ("", link.id) else f"{link.id} {name}"


def render_text(explanation: Explanation, lang: str) -> str:
    """Human-readable explanation, one related thing per line with its file:line."""
    entity = explanation.entity
    kind = explanation.kind_label.get(lang)
    lines = [f"{entity.id} · {kind} · {explanation.defined_at}"]
    name = entity.text("name", lang) or entity.text("title", lang)
    if name:
        lines.append(f"  {name}")
    text = entity.text("text", lang) or entity.text("summary", lang)
    if text:
        lines.append(f"  {text}")
    for link in explanation.links:
        lines.append(f"  {link.label.get(lang)}: {_shown(link, lang)} — {link.location}")
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
        label = "受训岗位" if lang == "zh" else "taken by roles"
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
    # Every line holds text from the data: shown with visible control characters, never able to
    # start a line of its own or drive the terminal.
    return "\n".join(terminal_text(line) for line in lines) + "\n"


def to_json(explanation: Explanation, lang: str = "zh") -> dict[str, Any]:
    """The explanation as plain JSON data."""
    entity = explanation.entity
    return {
        "id": entity.id,
        "kind": entity.kind,
        "defined_at": location_json(explanation.defined_at),
        "links": [
            {
                "relation": link.relation,
                "incoming": link.incoming,
                "kind": link.kind,
                "id": link.id,
                "name": {"zh": link.name.zh, "en": link.name.en},
                "location": location_json(link.location),
            }
            for link in explanation.links
        ],
        "facts": explanation.facts,
        "findings": [finding_json(f, lang) for f in explanation.findings],
    }


def _text(explanations: list[Explanation], lang: str) -> str:
    return "\n".join(render_text(explanation, lang) for explanation in explanations)


def _json(explanations: list[Explanation], lang: str) -> str:
    return as_json([to_json(explanation, lang) for explanation in explanations])


FORMATS: dict[str, Format[list[Explanation]]] = {"text": _text, "json": _json}
"""``handbook explain --format``."""
