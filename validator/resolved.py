"""The resolved handbook: every fact derived from the indexed model, computed once.

Who takes a module, each role's (and specialty's) training path and hours, coverage and its
figures, the order of tiers and roles: the site pages, ``export json|xlsx|pdf``, ``explain``,
``diff`` and the rules read them here, so no two outputs can disagree.

A role's path is every module that covers one of its duties, one module for each certificate it
needs, and their prerequisites, ordered so that prerequisites come first. A role with
specialties (强电, 弱电...) has one path per specialty: the common duties plus that specialty's.
A module's audience is every role whose path holds it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from validator.model import Entity, Handbook


@dataclass(frozen=True)
class TrainingPath:
    """The modules of one post (a role, or one specialty of it), prerequisites first."""

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

    def as_json(self) -> dict[str, Any]:
        """The path as JSON data: specialty, module ids in order, hours."""
        return {
            "specialty": self.specialty,
            "modules": [module.id for module in self.modules],
            "first_year_hours": self.first_year_hours,
            "yearly_hours": round(self.yearly_hours, 1),
        }


@dataclass(frozen=True)
class Coverage:
    """How many duties some module trains."""

    duties: int
    covered: int

    @property
    def percent(self) -> float:
        """Share of duties covered, in percent (100 when there are no duties)."""
        return 100 * self.covered / self.duties if self.duties else 100.0


def yearly_refresher_hours(module: Entity) -> float:
    """A module's refresher hours per year (a two-yearly 8-hour refresher counts 4)."""
    refresh = module.data.get("refresh")
    if not refresh:
        return 0.0
    return float(refresh["hours"]) * 12 / int(refresh["every_months"])


class Resolved:
    """The derived facts of one handbook; each computed on first use, then kept."""

    def __init__(self, handbook: Handbook) -> None:
        self.handbook = handbook

    @cached_property
    def tiers(self) -> list[Entity]:
        """The tiers from the frontline up (rank ascending), ties in file order."""
        return sorted(self.handbook.all("tier"), key=lambda t: int(t.data["rank"]))

    @cached_property
    def roles_by_tier(self) -> dict[str, list[Entity]]:
        """Tier id → its roles in file order."""
        grouped: dict[str, list[Entity]] = {tier.id: [] for tier in self.tiers}
        for role in self.handbook.all("role"):
            grouped.setdefault(role.data["tier"], []).append(role)
        return grouped

    @cached_property
    def paths(self) -> dict[str, list[TrainingPath]]:
        """Role id → one path per specialty, or the role's single path."""
        return {role.id: _role_paths(self.handbook, role) for role in self.handbook.all("role")}

    def paths_of(self, role: Entity) -> list[TrainingPath]:
        """The training paths of ``role``."""
        return self.paths[role.id]

    @cached_property
    def audience(self) -> dict[str, list[Entity]]:
        """Module id → the roles whose training path (of any specialty) holds it, in file order."""
        takers: dict[str, dict[str, Entity]] = {m.id: {} for m in self.handbook.all("module")}
        for role in self.handbook.all("role"):
            for path in self.paths[role.id]:
                for module in path.modules:
                    takers.setdefault(module.id, {})[role.id] = role
        return {module_id: list(roles.values()) for module_id, roles in takers.items()}

    def covered(self, duty_id: str) -> bool:
        """Whether some module covers the duty."""
        return bool(self.handbook.modules_covering.get(duty_id))

    @cached_property
    def coverage(self) -> Coverage:
        """Coverage of every duty of the handbook."""
        return self._coverage(self.handbook.all("duty"))

    @cached_property
    def role_coverage(self) -> dict[str, Coverage]:
        """Role id → coverage of its duties."""
        return {
            role.id: self._coverage(self.handbook.duties_of.get(role.id, []))
            for role in self.handbook.all("role")
        }

    def _coverage(self, duties: Iterable[Entity]) -> Coverage:
        listed = list(duties)
        return Coverage(len(listed), sum(1 for duty in listed if self.covered(duty.id)))


def _applies(item: dict[str, object], specialty: str | None) -> bool:
    wanted = item.get("specialty")
    return wanted is None or specialty is None or wanted == specialty


def _role_paths(handbook: Handbook, role: Entity) -> list[TrainingPath]:
    specialties = [s["id"] for s in role.data.get("specialties") or []]
    if not specialties:
        return [_path(handbook, role, None)]
    return [_path(handbook, role, s) for s in specialties]


def _path(handbook: Handbook, role: Entity, specialty: str | None) -> TrainingPath:
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
    return TrainingPath(role, specialty, tuple(prerequisite_order(chosen.values())))


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


def prerequisite_order(modules: Iterable[Entity]) -> list[Entity]:
    """Modules with each one's prerequisites before it, otherwise by id; cycles cannot hang it.

    A depth-first walk with an explicit stack: a legal chain of thousands of modules must not
    reach Python's recursion limit.
    """
    members = {m.id: m for m in modules}
    placed: dict[str, Entity] = {}
    visiting: set[str] = set()
    for start in sorted(members):
        if start in placed:
            continue
        stack = [(members[start], iter(_prerequisites_within(members[start], members)))]
        visiting.add(start)
        while stack:
            module, pending = stack[-1]
            following = next(pending, None)
            if following is None:
                stack.pop()
                visiting.discard(module.id)
                placed[module.id] = module
            elif following.id not in placed and following.id not in visiting:
                visiting.add(following.id)
                stack.append((following, iter(_prerequisites_within(following, members))))
    return list(placed.values())


def _prerequisites_within(module: Entity, members: dict[str, Entity]) -> list[Entity]:
    wanted = sorted(module.data.get("prerequisites") or [])
    return [members[p] for p in wanted if p in members]
