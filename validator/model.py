"""The handbook as rules and renderers see it: every entity indexed by id, built in one pass.

The model is only built from schema-valid documents, so it may rely on required fields being
present. Indexes are built once; rules and renderers look things up instead of scanning.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from validator.findings import Location, Ref
from validator.loader import Document
from validator.policies import PolicyFiles


@dataclass(frozen=True)
class Entity:
    """One identified thing in the policies: a role, a duty, a module, a tier..."""

    kind: str
    id: str
    ref: Ref
    """Where the entity's mapping is (its ``id`` key is at ``ref / "id"``)."""
    data: dict[str, Any]
    parent: str | None = None
    """The containing entity's id: a duty's role, a standard's area."""

    def text(self, key: str, lang: str = "zh") -> str:
        """A bilingual field in ``lang`` (Chinese when the English form is missing)."""
        value = self.data.get(key) or {}
        return str(value.get(lang) or value.get("zh") or "")

    @property
    def name(self) -> str:
        """The Chinese display name (``name`` or ``title``; a duty's text)."""
        return self.display("zh")

    def display(self, lang: str) -> str:
        """The display name in ``lang``: ``name`` or ``title``, a duty's text, else the id."""
        return (
            self.text("name", lang)
            or self.text("title", lang)
            or self.text("text", lang)
            or self.id
        )


KINDS_OF_ENTITY = (
    "tier",
    "role",
    "duty",
    "module",
    "standard",
    "regulation",
    "certificate",
    "service-level",
    "area",
    "source",
)


@dataclass
class Handbook:
    """All policies, indexed. Built by :func:`build`."""

    documents: dict[str, Document]
    settings: dict[str, Any] = field(default_factory=dict)
    settings_ref: Ref | None = None
    waivers: list[tuple[Ref, dict[str, Any]]] = field(default_factory=list)
    declared: dict[str, list[Entity]] = field(default_factory=lambda: defaultdict(list))
    """Every entity of each kind in file order, duplicates included (``id-unique`` reads this)."""
    index: dict[str, dict[str, Entity]] = field(default_factory=lambda: defaultdict(dict))
    """Entity kind → id → the first entity declared with that id."""
    file_kind: dict[str, str] = field(default_factory=dict)
    """Repository-relative path → policy kind name (``role``, ``module``, ``tiers``...)."""
    today: date = field(default_factory=date.today)
    """The date that expiry and review checks compare against (``--today`` fixes it)."""

    def add(self, entity: Entity) -> None:
        """Register an entity; the first of two with one id wins the index."""
        self.declared[entity.kind].append(entity)
        self.index[entity.kind].setdefault(entity.id, entity)

    def get(self, kind: str, entity_id: str) -> Entity | None:
        """The entity of ``kind`` with ``entity_id``, if there is one."""
        return self.index[kind].get(entity_id)

    def all(self, kind: str) -> Iterator[Entity]:
        """Entities of one kind, one per id, in file order."""
        return iter(self.index[kind].values())

    def locate(self, ref: Ref) -> Location:
        """File, line and column of a reference into the policies."""
        document = self.documents.get(ref.path)
        if document is None:
            return Location(ref.path, 1, 1, ref.pointer)
        return document.locate(ref.pointer)

    def settings_entity(self) -> Entity | None:
        """``policies/handbook.yaml`` as an entity, when the file exists."""
        if self.settings_ref is None:
            return None
        return Entity("settings", "handbook", self.settings_ref, self.settings)

    def rank(self, tier_id: str) -> int | None:
        """Seniority of a tier (larger is higher), or ``None`` for an unknown tier."""
        tier = self.get("tier", tier_id)
        return None if tier is None else int(tier.data["rank"])

    def role_rank(self, role_id: str) -> int | None:
        """Seniority of a role's tier."""
        role = self.get("role", role_id)
        return None if role is None else self.rank(role.data["tier"])

    @cached_property
    def duties_of(self) -> dict[str, list[Entity]]:
        """Role id → its duties."""
        index: dict[str, list[Entity]] = defaultdict(list)
        for duty in self.all("duty"):
            index[duty.parent or ""].append(duty)
        return index

    @cached_property
    def modules_covering(self) -> dict[str, list[Entity]]:
        """Duty id → the modules whose ``covers`` name it."""
        return self._inverse("module", "covers")

    @cached_property
    def modules_preparing(self) -> dict[str, list[Entity]]:
        """Certificate id → the modules that prepare for it."""
        return self._inverse("module", "certificates")

    @cached_property
    def standards_measuring(self) -> dict[str, list[Entity]]:
        """Duty id → the standards whose ``measures`` name it."""
        return self._inverse("standard", "measures")

    @cached_property
    def roles_requiring(self) -> dict[str, list[Entity]]:
        """Certificate id → the roles that require it."""
        index: dict[str, list[Entity]] = defaultdict(list)
        for role in self.all("role"):
            for need in role.data.get("certificates") or []:
                if role not in index[need["certificate"]]:
                    index[need["certificate"]].append(role)
        return index

    @cached_property
    def direct_reports(self) -> dict[str, list[Entity]]:
        """Role id → the roles that report to it."""
        index: dict[str, list[Entity]] = defaultdict(list)
        for role in self.all("role"):
            manager = role.data.get("reports_to")
            if manager is not None:
                index[manager].append(role)
        return index

    def _inverse(self, kind: str, key: str) -> dict[str, list[Entity]]:
        index: dict[str, list[Entity]] = defaultdict(list)
        for entity in self.all(kind):
            for target in entity.data.get(key) or []:
                index[target].append(entity)
        return index

    def find(self, entity_id: str) -> list[Entity]:
        """Every entity with this id, whatever its kind (ids of different kinds may coincide)."""
        return [
            self.index[kind][entity_id] for kind in KINDS_OF_ENTITY if entity_id in self.index[kind]
        ]


# Single-file registries: the file's list key (same as its kind) → the kind of its entries.
_REGISTRIES = {
    "tiers": "tier",
    "regulations": "regulation",
    "certificates": "certificate",
    "sources": "source",
}


def build(files: PolicyFiles) -> Handbook:
    """Index the documents of a policy tree (which must be schema-valid)."""
    handbook = Handbook(
        documents=files.documents, file_kind={p: k.name for p, k in files.kinds.items()}
    )
    for path, document in files.documents.items():
        kind = files.kinds[path].name
        data = document.data
        root = Ref(path)
        if kind == "handbook":
            handbook.settings = data
            handbook.settings_ref = root
            for i, level in enumerate(data.get("service_levels", [])):
                handbook.add(
                    Entity("service-level", level["id"], root / "service_levels" / i, level)
                )
        elif kind == "role":
            handbook.add(Entity("role", data["id"], root, data))
            for i, duty in enumerate(data["duties"]):
                handbook.add(Entity("duty", duty["id"], root / "duties" / i, duty, data["id"]))
        elif kind == "module":
            handbook.add(Entity("module", data["id"], root, data))
        elif kind == "standards":
            handbook.add(Entity("area", data["area"], root, data))
            for i, standard in enumerate(data["standards"]):
                handbook.add(
                    Entity(
                        "standard", standard["id"], root / "standards" / i, standard, data["area"]
                    )
                )
        elif kind in _REGISTRIES:
            entity_kind = _REGISTRIES[kind]
            for i, item in enumerate(data[kind]):
                handbook.add(Entity(entity_kind, item["id"], root / kind / i, item))
        elif kind == "waivers":
            handbook.waivers.extend(
                (root / "waivers" / i, w) for i, w in enumerate(data["waivers"])
            )
    return handbook
