"""The whole handbook resolved into one JSON-ready document, for systems that read it.

An LMS or HR system should not have to re-derive what the validator already knows, so every
item carries its relations in both directions: a duty names its role, the modules that cover it
and the standards that measure it; a role its duties, reports and training path with hours.
The same document feeds ``handbook diff`` and the spreadsheet export.
"""

from __future__ import annotations

from typing import Any

from validator.model import Entity, Handbook
from validator.training import role_paths

FORMAT_VERSION = 1


def _plain(entity: Entity, drop: tuple[str, ...] = ()) -> dict[str, Any]:
    return {k: v for k, v in entity.data.items() if k not in drop and k != "review"}


def resolve(handbook: Handbook) -> dict[str, Any]:
    """The resolved handbook: top-level lists of every kind, each item with its ``id``."""
    duties = list(handbook.all("duty"))
    covered = [d for d in duties if d.id in handbook.modules_covering]
    settings = handbook.settings
    return {
        "format": FORMAT_VERSION,
        "handbook": {
            "title": settings.get("title"),
            "organisation": settings.get("organisation"),
            "version": settings.get("version"),
            "languages": settings.get("languages"),
        },
        "coverage": {
            "duties": len(duties),
            "covered": len(covered),
            "percent": round(100 * len(covered) / len(duties), 1) if duties else 100.0,
        },
        "service_levels": [_plain(level) for level in handbook.all("service-level")],
        "tiers": [_plain(tier) for tier in handbook.all("tier")],
        "roles": [_role(handbook, role) for role in handbook.all("role")],
        "duties": [_duty(handbook, duty) for duty in duties],
        "standards": [_standard(standard) for standard in handbook.all("standard")],
        "modules": [_module(handbook, module) for module in handbook.all("module")],
        "regulations": [_plain(regulation) for regulation in handbook.all("regulation")],
        "certificates": [_certificate(handbook, c) for c in handbook.all("certificate")],
        "sources": [_plain(source) for source in handbook.all("source")],
        "waivers": [dict(waiver) for _, waiver in handbook.waivers],
    }


def _role(handbook: Handbook, role: Entity) -> dict[str, Any]:
    item = _plain(role, drop=("duties",))
    item["duties"] = [duty.id for duty in handbook.duties_of.get(role.id, [])]
    item["direct_reports"] = [r.id for r in handbook.direct_reports.get(role.id, [])]
    item["certificates"] = role.data.get("certificates") or []
    item["training_paths"] = [
        {
            "specialty": path.specialty,
            "modules": [module.id for module in path.modules],
            "first_year_hours": path.first_year_hours,
            "yearly_hours": round(path.yearly_hours, 1),
        }
        for path in role_paths(handbook, role)
    ]
    return item


def _duty(handbook: Handbook, duty: Entity) -> dict[str, Any]:
    item = _plain(duty)
    item["role"] = duty.parent
    item["covered_by"] = [m.id for m in handbook.modules_covering.get(duty.id, [])]
    item["measured_by"] = [s.id for s in handbook.standards_measuring.get(duty.id, [])]
    return item


def _standard(standard: Entity) -> dict[str, Any]:
    item = _plain(standard)
    item["area"] = standard.parent
    return item


def _module(handbook: Handbook, module: Entity) -> dict[str, Any]:
    item = _plain(module)
    item.setdefault("covers", [])
    roles: dict[str, None] = {}
    for duty_id in item["covers"]:
        duty = handbook.get("duty", duty_id)
        if duty is not None and duty.parent:
            roles[duty.parent] = None
    item["roles"] = list(roles)
    return item


def _certificate(handbook: Handbook, certificate: Entity) -> dict[str, Any]:
    item = _plain(certificate)
    item["prepared_by"] = [m.id for m in handbook.modules_preparing.get(certificate.id, [])]
    item["required_by"] = [role.id for role in handbook.roles_requiring.get(certificate.id, [])]
    return item
