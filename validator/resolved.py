"""The resolved handbook: every fact derived from the indexed model, computed once.

Who takes a module, each post's training path and hours, coverage and its figures, the order of
tiers and roles, the annual plan: the site pages, ``export json|xlsx|pdf``, ``explain``, ``diff``
and the rules read them here, so no two outputs can disagree.

A **post** is a role, or one specialty of a role that has specialties (强电, 弱电...). Who takes a
module is data: its ``audience`` names every new hire, whole roles, single specialties, or the
holders of a condition (a task only some holders of a post do, such as work at height). A post's
path is every module whose audience includes the post, with their prerequisites, prerequisites
first. Modules for a condition the post lists are kept apart, one group per condition ("if you
work at height: ..."), and never added to everyone's path. ``covers:`` says what a module
teaches; a duty counts as trained for a post only when a module on that post's path covers it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from validator.model import Entity, Handbook

BEFORE_THE_POST = frozenset({"onboarding", "promotion"})
"""Stages that happen before someone starts in the post (new hires, or on transfer/promotion)."""
CERTIFICATION = "external-cert"
"""The delivery that marks a module as certification training (its hours may be counted apart)."""


@dataclass(frozen=True)
class Post:
    """A role, or one specialty of it: what a person is hired into."""

    role: Entity
    specialty: str | None

    @property
    def key(self) -> str:
        """``role`` or ``role/specialty``, as module audiences write it."""
        return f"{self.role.id}/{self.specialty}" if self.specialty else self.role.id

    def label(self, lang: str = "zh") -> str:
        """The role's name, with the specialty's name in brackets."""
        name = self.role.display(lang)
        if not self.specialty:
            return name
        for specialty in self.role.data.get("specialties") or []:
            if specialty["id"] == self.specialty:
                shown = specialty["name"].get(lang) or specialty["name"]["zh"]
                return f"{name}（{shown}）" if lang == "zh" else f"{name} ({shown})"
        return f"{name}（{self.specialty}）"


@dataclass(frozen=True)
class ConditionalModules:
    """Modules a post takes only when a holder has a condition."""

    condition: str
    modules: tuple[Entity, ...]


@dataclass(frozen=True)
class PlanEntry:
    """One module in the annual plan of a post."""

    module: Entity
    first_year_month: int
    """The month of the first year it is taken (1 = before or on starting)."""
    hours: float
    every_months: int | None
    """Refresher interval; ``None`` for a module taken once."""
    refresher_hours: float
    steady_months: tuple[int, ...]
    """Months of a steady-state year in which the refresher falls (empty for intervals longer
    than a year in the years it does not fall)."""
    first_year_refreshers: tuple[int, ...] = ()
    """Months of the first year, after the first run, in which the refresher already falls: a
    six-monthly drill first run in month 1 is run again in month 7 of the same year."""

    @property
    def first_year_hours(self) -> float:
        """The module's hours in year one: the first run and the refreshers falling in it."""
        return self.hours + self.refresher_hours * len(self.first_year_refreshers)


@dataclass(frozen=True)
class TrainingPath:
    """The modules of one post, prerequisites first, and the modules some holders add."""

    post: Post
    modules: tuple[Entity, ...]
    conditional: tuple[ConditionalModules, ...] = ()

    @property
    def role(self) -> Entity:
        """The post's role."""
        return self.post.role

    @property
    def specialty(self) -> str | None:
        """The post's specialty, if the role has specialties."""
        return self.post.specialty

    @cached_property
    def module_ids(self) -> frozenset[str]:
        """The ids of the modules on the path."""
        return frozenset(module.id for module in self.modules)

    @cached_property
    def conditional_ids(self) -> dict[str, frozenset[str]]:
        """Condition → the ids of the modules its holders add."""
        return {g.condition: frozenset(m.id for m in g.modules) for g in self.conditional}

    @property
    def first_year_hours(self) -> float:
        """What a new hire takes in the first year: one full run of every module, plus the
        refreshers that already fall within the year (those more frequent than yearly)."""
        return sum(entry.first_year_hours for entry in self.plan)

    @property
    def yearly_hours(self) -> float:
        """Recurring refresher hours per year once the path is complete."""
        return sum(yearly_refresher_hours(m) for m in self.modules)

    @property
    def certification_first_year(self) -> float:
        """The first-year hours of certification training (external certification modules)."""
        return sum(e.first_year_hours for e in self.plan if is_certification(e.module))

    @property
    def certification_yearly(self) -> float:
        """The yearly refresher hours of certification training (certificate reviews)."""
        return sum(yearly_refresher_hours(m) for m in self.modules if is_certification(m))

    @cached_property
    def plan(self) -> tuple[PlanEntry, ...]:
        """The path month by month: year one, then a steady-state year of refreshers.

        Modules staged before the post start in month 1; the others follow, in prerequisite
        order, spread over months 2 to 12. A refresher falls every ``every_months`` after the
        first run, already in the first year when that is more often than yearly; the
        steady-state year shows the months of a year in which it falls.
        """
        return _plan(self.modules)

    @cached_property
    def conditional_plan(self) -> dict[str, tuple[PlanEntry, ...]]:
        """Condition → the plan of the modules its holders add (before they take on the task)."""
        return {group.condition: _plan(group.modules) for group in self.conditional}

    def as_json(self) -> dict[str, Any]:
        """The path as JSON data: post, module ids in order, hours, conditional modules, plan."""
        return {
            "specialty": self.specialty,
            "modules": [module.id for module in self.modules],
            "first_year_hours": self.first_year_hours,
            "yearly_hours": round(self.yearly_hours, 1),
            "certification_hours": {
                "first_year": self.certification_first_year,
                "yearly": round(self.certification_yearly, 1),
            },
            "conditional": [
                {"condition": group.condition, "modules": [m.id for m in group.modules]}
                for group in self.conditional
            ],
            "plan": [
                {
                    "module": entry.module.id,
                    "first_year_month": entry.first_year_month,
                    "hours": entry.hours,
                    "first_year_refresh_months": list(entry.first_year_refreshers),
                    "first_year_hours": entry.first_year_hours,
                    "refresh_every_months": entry.every_months,
                    "refresh_hours": entry.refresher_hours,
                    "steady_state_months": list(entry.steady_months),
                }
                for entry in self.plan
            ],
        }


@dataclass(frozen=True)
class Coverage:
    """How many duties are trained on every post they belong to."""

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


def is_certification(module: Entity) -> bool:
    """Whether a module is certification training (delivered as external certification)."""
    return CERTIFICATION in (module.data.get("delivery") or [])


def _before_post(module: Entity) -> bool:
    return not BEFORE_THE_POST.isdisjoint(module.data.get("stages") or ())


def _plan(modules: tuple[Entity, ...]) -> tuple[PlanEntry, ...]:
    during = [m for m in modules if not _before_post(m)]
    # Positions looked up, not searched: a path may hold thousands of modules.
    position = {m.id: index for index, m in enumerate(during)}
    entries = []
    for module in modules:
        # Before the post: month 1; the rest spread over months 2 to 12, prerequisites first.
        month = 2 + (position[module.id] * 11) // len(during) if module.id in position else 1
        refresh = module.data.get("refresh") or {}
        every = int(refresh["every_months"]) if refresh else None
        entries.append(
            PlanEntry(
                module,
                month,
                float(module.data["hours"]),
                every,
                float(refresh.get("hours", 0)),
                _steady_months(month, every),
                _first_year_refreshers(month, every),
            )
        )
    return tuple(entries)


# Both depend on two small numbers only, and a large handbook asks for them per module per post.
@cache
def _first_year_refreshers(first: int, every: int | None) -> tuple[int, ...]:
    if every is None:
        return ()
    return tuple(range(first + every, 13, every))


@cache
def _steady_months(first: int, every: int | None) -> tuple[int, ...]:
    if every is None:
        return ()
    if every > 12:
        # Falls once every few years: shown in its month, with the interval beside it.
        return (first,)
    return tuple(sorted({(first - 1 + k * every) % 12 + 1 for k in range(1, 12 // every + 1)}))


def _applies(item: dict[str, Any], specialty: str | None) -> bool:
    wanted = item.get("specialty")
    return wanted is None or specialty is None or wanted == specialty


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
        """Tier id → its roles in reporting order (see :attr:`reporting_order`)."""
        grouped: dict[str, list[Entity]] = {tier.id: [] for tier in self.tiers}
        for role in self.reporting_order:
            grouped.setdefault(role.data["tier"], []).append(role)
        return grouped

    @cached_property
    def reporting_order(self) -> list[Entity]:
        """Every role once, each manager before its reports (depth first, reports in file order).

        Within a tier this puts a team's roles side by side under their manager: the order of
        the organisation chart, the printed handbook and every list of roles by tier.
        """
        ordered: dict[str, Entity] = {}
        reports = self.handbook.direct_reports
        roots = [role for role in self.handbook.all("role") if role.data.get("reports_to") is None]
        # A role outside the tree (in a reporting cycle) still appears once, after the tree.
        for start in [*roots, *self.handbook.all("role")]:
            # An explicit stack, since a reporting line may be thousands of roles long.
            pending = [start]
            while pending:
                role = pending.pop()
                if role.id in ordered:
                    continue
                ordered[role.id] = role
                pending.extend(reversed(reports.get(role.id, [])))
        return list(ordered.values())

    @cached_property
    def branch_of(self) -> dict[str, Entity | None]:
        """Role id → the head of its branch: the role on its reporting line just below the top
        (in a national group, the region it belongs to); ``None`` for the top role itself and
        for a role outside the reporting tree."""
        branch: dict[str, Entity | None] = {}
        for role in self.reporting_order:  # each manager before its reports
            manager_id = role.data.get("reports_to")
            manager = self.handbook.get("role", manager_id) if manager_id else None
            if manager is None:
                branch[role.id] = None
            elif manager.data.get("reports_to") is None:
                branch[role.id] = role
            else:
                branch[role.id] = branch.get(manager.id)
        return branch

    @cached_property
    def ordered_roles(self) -> list[Entity]:
        """Every role in the handbook's one order: by tier from the frontline up (most readers
        are frontline staff), in reporting order within a tier. Every list of roles uses it."""
        return [role for tier in self.tiers for role in self.roles_by_tier.get(tier.id, [])]

    def posts_of(self, role: Entity) -> list[Post]:
        """One post per specialty of the role, or the role itself."""
        specialties = [s["id"] for s in role.data.get("specialties") or []]
        return [Post(role, s) for s in specialties] or [Post(role, None)]

    def conditions_of(self, post: Post) -> list[str]:
        """The conditions some holders of the post have (the role's ``conditions:``)."""
        found = [
            item["condition"]
            for item in post.role.data.get("conditions") or []
            if _applies(item, post.specialty)
        ]
        return list(dict.fromkeys(found))

    @cached_property
    def paths(self) -> dict[str, list[TrainingPath]]:
        """Role id → one path per post."""
        return {
            role.id: [self._path(post) for post in self.posts_of(role)]
            for role in self.handbook.all("role")
        }

    def paths_of(self, role: Entity) -> list[TrainingPath]:
        """The training paths of ``role``, one per post."""
        return self.paths[role.id]

    def all_paths(self) -> Iterator[TrainingPath]:
        """Every post's path, role by role."""
        for paths in self.paths.values():
            yield from paths

    def takes(self, module: Entity, post: Post) -> bool:
        """Whether the module's audience names the post (as a new hire, a role or a specialty)."""
        audience = module.data.get("audience") or {}
        return bool(
            audience.get("new_hires")
            or post.role.id in (audience.get("roles") or ())
            or (post.specialty and post.key in (audience.get("specialties") or ()))
        )

    @cached_property
    def _audiences(self) -> dict[str, list[Entity]]:
        # Who-takes-what indexed once ("*" new hires, a role id, role/specialty, "?condition"),
        # so a path is a few look-ups rather than a scan of every module.
        index: dict[str, list[Entity]] = {}
        for module in self.handbook.all("module"):
            audience = module.data.get("audience") or {}
            keys = ["*"] if audience.get("new_hires") else []
            keys += list(audience.get("roles") or ())
            keys += list(audience.get("specialties") or ())
            keys += [f"?{condition}" for condition in audience.get("conditions") or ()]
            for key in dict.fromkeys(keys):
                index.setdefault(key, []).append(module)
        return index

    def _path(self, post: Post) -> TrainingPath:
        index = self._audiences
        keys = ["*", post.role.id] + ([post.key] if post.specialty else [])
        base = {m.id: m for key in keys for m in index.get(key, [])}
        self._add_prerequisites(base, set())
        groups = []
        for condition in self.conditions_of(post):
            extra = {m.id: m for m in index.get(f"?{condition}", []) if m.id not in base}
            self._add_prerequisites(extra, set(base))
            if extra:
                ordered = tuple(prerequisite_order(extra.values()))
                groups.append(ConditionalModules(condition, ordered))
        return TrainingPath(post, tuple(prerequisite_order(base.values())), tuple(groups))

    def _add_prerequisites(self, chosen: dict[str, Entity], already: set[str]) -> None:
        pending = list(chosen.values())
        while pending:
            module = pending.pop()
            for prerequisite_id in module.data.get("prerequisites") or []:
                prerequisite = self.handbook.get("module", prerequisite_id)
                if prerequisite is None or prerequisite.id in chosen or prerequisite.id in already:
                    continue
                chosen[prerequisite.id] = prerequisite
                pending.append(prerequisite)

    @cached_property
    def audience(self) -> dict[str, list[Entity]]:
        """Module id → the roles on one of whose posts' paths it is, in file order."""
        return self._takers(lambda path: path.modules)

    @cached_property
    def conditional_audience(self) -> dict[str, list[Entity]]:
        """Module id → the roles some of whose holders take it, under a condition."""
        return self._takers(lambda path: [m for g in path.conditional for m in g.modules])

    def _takers(self, modules_of: Any) -> dict[str, list[Entity]]:
        takers: dict[str, dict[str, Entity]] = {m.id: {} for m in self.handbook.all("module")}
        for path in self.all_paths():
            for module in modules_of(path):
                takers.setdefault(module.id, {})[path.role.id] = path.role
        return {module_id: list(roles.values()) for module_id, roles in takers.items()}

    def posts_of_duty(self, duty: Entity) -> list[TrainingPath]:
        """The paths of the posts a duty belongs to (its role's posts, or its specialty's)."""
        role = self.handbook.get("role", duty.parent or "")
        if role is None:
            return []
        return [path for path in self.paths_of(role) if _applies(duty.data, path.specialty)]

    def untrained_posts(self, duty: Entity) -> list[TrainingPath]:
        """The posts whose path has no module covering the duty (the condition's modules
        count for a duty that only holders of a condition do)."""
        covering = {m.id for m in self.handbook.modules_covering.get(duty.id, [])}
        condition = duty.data.get("condition")
        missing = []
        for path in self.posts_of_duty(duty):
            extra = path.conditional_ids.get(condition, frozenset()) if condition else frozenset()
            if not (covering & path.module_ids or covering & extra):
                missing.append(path)
        return missing

    def covered(self, duty_id: str) -> bool:
        """Whether the duty is trained on every post it belongs to."""
        duty = self.handbook.get("duty", duty_id)
        return duty is not None and duty_id in self._covered

    @cached_property
    def _covered(self) -> frozenset[str]:
        return frozenset(
            duty.id
            for duty in self.handbook.all("duty")
            if self.handbook.modules_covering.get(duty.id) and not self.untrained_posts(duty)
        )

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
        return Coverage(len(listed), sum(1 for duty in listed if duty.id in self._covered))

    def minimum_hours(self, role: Entity) -> tuple[float, str] | None:
        """The yearly minimum for the role and where it is set (``role`` or ``tier``)."""
        training = self.handbook.settings.get("training") or {}
        own = (training.get("role_min_hours") or {}).get(role.id)
        if own is not None:
            return float(own), "role"
        tier = (training.get("min_hours_per_year") or {}).get(role.data["tier"])
        return (float(tier), "tier") if tier is not None else None

    @cached_property
    def certification_counted(self) -> bool:
        """Whether certification hours count toward the minimum (``handbook.yaml``)."""
        training = self.handbook.settings.get("training") or {}
        return bool(training.get("certification_hours", "separate") == "included")

    def counted_hours(self, path: TrainingPath) -> tuple[float, float]:
        """(first year, steady state) hours that count toward the minimum."""
        if self.certification_counted:
            return path.first_year_hours, path.yearly_hours
        return (
            path.first_year_hours - path.certification_first_year,
            path.yearly_hours - path.certification_yearly,
        )


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
