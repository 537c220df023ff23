"""Every reference from one policy entity to another, enumerated in one place.

``ref-resolves`` checks them, ``handbook explain`` inverts them ("what refers to this?"), and the
renderer turns them into links; none of them needs to know which fields hold references.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import NamedTuple

from validator.findings import Ref
from validator.model import Entity, Handbook


class Reference(NamedTuple):
    """``source`` (an entity) names ``target_id`` of ``target_kind`` at ``base / *path``.

    A named tuple with the place kept as parts: a large handbook has hundreds of thousands of
    references and nearly all of them resolve, so the ``Ref`` is only built when asked for.
    """

    source: Entity
    field: str
    """The field holding the reference, e.g. ``covers`` or ``reports_to``."""
    target_kind: str
    target_id: str
    base: Ref
    path: tuple[str | int, ...]

    @property
    def where(self) -> Ref:
        """The place of the reference in the policies."""
        ref = self.base
        for part in self.path:
            ref = ref / part
        return ref


def _listed(source: Entity, key: str, kind: str) -> Iterator[Reference]:
    for index, value in enumerate(source.data.get(key) or ()):
        yield Reference(source, key, kind, value, source.ref, (key, index))


def _cited(source: Entity, key: str) -> Iterator[Reference]:
    for index, citation in enumerate(source.data.get(key) or ()):
        where = (key, index, "regulation")
        yield Reference(source, key, "regulation", citation["regulation"], source.ref, where)


def iter_references(handbook: Handbook) -> Iterator[Reference]:
    """All references in the policies, in file order within each kind."""
    where: tuple[str | int, ...]
    for tier in handbook.all("tier"):
        yield Reference(tier, "owner", "role", tier.data["owner"], tier.ref, ("owner",))
    for role in handbook.all("role"):
        data = role.data
        yield Reference(role, "tier", "tier", data["tier"], role.ref, ("tier",))
        manager = data.get("reports_to")
        if manager is not None:
            yield Reference(role, "reports_to", "role", manager, role.ref, ("reports_to",))
        for index, need in enumerate(data.get("certificates") or ()):
            where = ("certificates", index, "certificate")
            yield Reference(
                role, "certificates", "certificate", need["certificate"], role.ref, where
            )
            if "specialty" in need:
                where = ("certificates", index, "specialty")
                yield Reference(role, "specialty", "specialty", need["specialty"], role.ref, where)
    for duty in handbook.all("duty"):
        if "specialty" in duty.data:
            specialty = duty.data["specialty"]
            yield Reference(duty, "specialty", "specialty", specialty, duty.ref, ("specialty",))
        yield from _cited(duty, "cites")
    for standard in handbook.all("standard"):
        responsible = standard.data["responsible"]
        yield Reference(
            standard, "responsible", "role", responsible, standard.ref, ("responsible",)
        )
        yield from _listed(standard, "measures", "duty")
        for level in standard.data["targets"]:
            where = ("targets", level)
            yield Reference(standard, "targets", "service-level", level, standard.ref, where)
        yield from _cited(standard, "cites")
    for module in handbook.all("module"):
        yield from _listed(module, "prerequisites", "module")
        yield from _listed(module, "covers", "duty")
        yield from _listed(module, "certificates", "certificate")
        yield from _listed(module, "regulations", "regulation")
    for certificate in handbook.all("certificate"):
        yield from _cited(certificate, "basis")
    for kind in ("duty", "standard", "module", "regulation", "certificate"):
        for entity in handbook.all(kind):
            yield from _listed(entity, "sources", "source")
    for standard in handbook.all("standard"):
        for level, target in standard.data["targets"].items():
            for index, key in enumerate(target.get("sources") or ()):
                where = ("targets", level, "sources", index)
                yield Reference(standard, "sources", "source", key, standard.ref, where)
    for index, (ref, waiver) in enumerate(handbook.waivers):
        entity = Entity("waiver", f"waiver-{index + 1}", ref, waiver)
        approver = waiver["approved_by"]
        yield Reference(entity, "approved_by", "role", approver, ref, ("approved_by",))
    settings = handbook.settings_entity()
    if settings is not None:
        minimums = (settings.data.get("training") or {}).get("min_hours_per_year") or {}
        for tier_id in minimums:
            where = ("training", "min_hours_per_year", tier_id)
            yield Reference(settings, "min_hours_per_year", "tier", tier_id, settings.ref, where)


def resolves(handbook: Handbook, reference: Reference) -> bool:
    """Whether the target of ``reference`` exists (specialties are looked up in the role)."""
    if reference.target_kind == "specialty":
        return reference.target_id in specialties_of(handbook, reference.source)
    return handbook.get(reference.target_kind, reference.target_id) is not None


def specialties_of(handbook: Handbook, entity: Entity) -> dict[str, int]:
    """Specialty id → index in its role, for a role or one of its duties."""
    role = entity if entity.kind == "role" else handbook.get("role", entity.parent or "")
    if role is None:
        return {}
    return {s["id"]: i for i, s in enumerate(role.data.get("specialties") or [])}


def referrers(handbook: Handbook) -> dict[tuple[str, str], list[Reference]]:
    """(target kind, target id) → the references that name it."""
    index: dict[tuple[str, str], list[Reference]] = defaultdict(list)
    for reference in iter_references(handbook):
        index[(reference.target_kind, reference.target_id)].append(reference)
    return index
