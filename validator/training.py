"""A role's training path: which modules a holder of the role takes, in what order, how many hours.

The path of a role is every module that covers one of its duties, one module for each certificate
it needs, and their prerequisites, ordered so that prerequisites come first. A role with
specialties (强电, 弱电...) has one path per specialty: the common duties plus that specialty's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from validator.model import Entity, Handbook


@dataclass(frozen=True)
class Path:
    """The modules of one role (and specialty), prerequisites first."""

    role: Entity
    specialty: str | None
    modules: tuple[Entity, ...]

    @property
    def first_year_hours(self) -> float:
        """Hours of one full run of every module: what a new hire takes in the first year."""
        return sum(float(m.data["hours"]) for m in self.modules)

    @property
    def yearly_hours(self) -> float:
        """Recurring refresher hours per year once the path is complete."""
        return sum(yearly_refresher_hours(m) for m in self.modules)


def yearly_refresher_hours(module: Entity) -> float:
    """A module's refresher hours per year (a two-yearly 8-hour refresher counts 4)."""
    refresh = module.data.get("refresh")
    if not refresh:
        return 0.0
    return float(refresh["hours"]) * 12 / int(refresh["every_months"])


def _applies(item: dict[str, object], specialty: str | None) -> bool:
    wanted = item.get("specialty")
    return wanted is None or specialty is None or wanted == specialty


def training_path(handbook: Handbook, role: Entity, specialty: str | None = None) -> Path:
    """The path of ``role``; with ``specialty``, only the duties and certificates that apply."""
    chosen: dict[str, Entity] = {}
    duties = handbook.duties_of.get(role.id, [])
    for duty in duties:
        if _applies(duty.data, specialty):
            for module in handbook.modules_covering.get(duty.id, []):
                if specialty is None or specialty in _specialties_trained(
                    module, duties, specialty
                ):
                    chosen[module.id] = module
    for need in role.data.get("certificates") or []:
        preparing = handbook.modules_preparing.get(need["certificate"], [])
        if not _applies(need, specialty) or not preparing:
            continue
        # One preparing module is enough: keep one already on the path, else the one that also
        # trains most of this role's duties.
        if not any(module.id in chosen for module in preparing):
            own = {duty.id for duty in duties}
            by_id = sorted(preparing, key=lambda m: m.id)
            best = max(by_id, key=lambda m: len(own & set(m.data.get("covers") or [])))
            chosen[best.id] = best
    _add_prerequisites(handbook, chosen)
    return Path(role, specialty, tuple(prerequisite_order(handbook, chosen.values())))


def role_paths(handbook: Handbook, role: Entity) -> list[Path]:
    """One path per specialty of the role, or the single path of a role without specialties."""
    specialties = [s["id"] for s in role.data.get("specialties") or []]
    if not specialties:
        return [training_path(handbook, role)]
    return [training_path(handbook, role, s) for s in specialties]


def _specialties_trained(module: Entity, duties: list[Entity], fallback: str) -> set[str]:
    # A module that trains a specialty's own duty (强电 wiring, say) belongs to that specialty's
    # path only, even when it also touches a duty every specialty shares.
    covered = set(module.data.get("covers") or [])
    trained = {
        str(d.data["specialty"]) for d in duties if "specialty" in d.data and d.id in covered
    }
    return trained or {fallback}


def _add_prerequisites(handbook: Handbook, chosen: dict[str, Entity]) -> None:
    pending = list(chosen.values())
    while pending:
        module = pending.pop()
        for prerequisite_id in module.data.get("prerequisites") or []:
            prerequisite = handbook.get("module", prerequisite_id)
            if prerequisite is not None and prerequisite.id not in chosen:
                chosen[prerequisite.id] = prerequisite
                pending.append(prerequisite)


def prerequisite_order(handbook: Handbook, modules: Iterable[Entity]) -> list[Entity]:
    """Modules with each one's prerequisites before it, otherwise by id; cycles cannot hang it."""
    members = {m.id: m for m in modules}
    placed: dict[str, Entity] = {}
    visiting: set[str] = set()

    def place(module: Entity) -> None:
        if module.id in placed or module.id in visiting:
            return
        visiting.add(module.id)
        for prerequisite_id in sorted(module.data.get("prerequisites") or []):
            if prerequisite_id in members:
                place(members[prerequisite_id])
        visiting.discard(module.id)
        placed[module.id] = module

    for module_id in sorted(members):
        place(members[module_id])
    return list(placed.values())
