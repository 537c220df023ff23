"""The handbook as rules and renderers see it: every entity indexed by id, built in one pass.

The model is only built from schema-valid documents, so it may rely on required fields being
present. What is an entity, and where, comes from the registry of kinds
(:mod:`validator.kinds`); indexes are built once, and rules and renderers look things up instead
of scanning. Facts derived from the model (training paths, coverage...) live in
:mod:`validator.resolved`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from validator.findings import Location, Ref
from validator.kinds import KINDS, Kind, Registry
from validator.loader import Document
from validator.policies import PolicyFiles
from validator.references import Reference, iter_references
from validator.survey import Survey, survey

if TYPE_CHECKING:
    from validator.history import History
    from validator.resolved import Resolved


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
        value = self.data.get(key)
        if isinstance(value, str):  # a plain field, such as a source's title
            return value.strip()
        if not isinstance(value, dict):
            return ""
        # A blank English form (only spaces) counts as missing, like an absent one.
        return str((value.get(lang) or "").strip() or (value.get("zh") or "").strip())

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


@dataclass
class Handbook:
    """All policies, indexed. Built by :func:`build`."""

    documents: dict[str, Document]
    kinds: Registry = KINDS
    declared: dict[str, list[Entity]] = field(default_factory=lambda: defaultdict(list))
    """Every entity of each kind in file order, duplicates included (``id-unique`` reads this)."""
    index: dict[str, dict[str, Entity]] = field(default_factory=lambda: defaultdict(dict))
    """Kind → id → the first entity declared with that id (``parent/id`` for scoped kinds)."""
    today: date = field(default_factory=date.today)
    """The date that expiry and review checks compare against (``--today`` fixes it)."""
    root: Path | None = None
    """The repository root, for checks of files beside the policies (``CODEOWNERS``)."""
    history: History | None = None
    """What git says the change did (new declarations, removed ids), when it can tell."""

    def add(self, entity: Entity) -> None:
        """Register an entity; the first of two with one id wins the index."""
        self.declared[entity.kind].append(entity)
        self.index[entity.kind].setdefault(self.key(entity), entity)

    def settle_duplicates(self) -> None:
        """Index, for each id declared more than once, the declaration that was there first.

        With git history that is the one the base already had (the change added the others);
        without it, the one in the file named after it (a copied file is the copy), else the
        first in file order. Rules then see the original, and ``id-unique`` blames the others.
        """
        for kind in self.kinds:
            seen: dict[str, list[Entity]] = {}
            for entity in self.declared[kind.name]:
                seen.setdefault(self.key(entity), []).append(entity)
            for key, group in seen.items():
                if len(group) > 1:
                    self.index[kind.name][key] = self._original(kind.name, group)

    def _original(self, kind: str, group: list[Entity]) -> Entity:
        if self.history is not None:
            older = [e for e in group if self.history.existed(e.ref.path, kind, e.id) is not False]
            if older and len(older) < len(group):
                return older[0]
        named = [e for e in group if self._in_own_file(e)]
        return named[0] if named else group[0]

    def _in_own_file(self, entity: Entity) -> bool:
        stem = PurePosixPath(entity.ref.path).stem
        if self.kinds[entity.kind].one_per_file:
            return stem == entity.id
        return entity.parent == stem

    def key(self, entity: Entity) -> str:
        """The entity's key in the index: its id, or ``parent/id`` when ids are scoped."""
        return f"{entity.parent}/{entity.id}" if self.kinds[entity.kind].scoped else entity.id

    def get(self, kind: str, entity_id: str) -> Entity | None:
        """The entity of ``kind`` with ``entity_id``, if there is one."""
        return self.index[kind].get(entity_id)

    def all(self, kind: str) -> Iterator[Entity]:
        """Entities of one kind, one per id, in file order."""
        return iter(self.index[kind].values())

    def count(self, kind: str) -> int:
        """How many entities of one kind there are (one per id)."""
        return len(self.index[kind])

    def locate(self, ref: Ref) -> Location:
        """File, line and column of a reference into the policies."""
        document = self.documents.get(ref.path)
        if document is None:
            return Location(ref.path, ref.line or 1, 1, ref.pointer)
        return document.locate(ref.pointer)

    def id_ref(self, entity: Entity) -> Ref:
        """Where an entity's id is written (the entity itself for kinds without ids)."""
        id_key = self.kinds[entity.kind].id_key
        return entity.ref / id_key if id_key else entity.ref

    def settings_entity(self) -> Entity | None:
        """``policies/handbook.yaml`` as an entity, when the file exists."""
        return next(self.all("settings"), None)

    @property
    def settings(self) -> dict[str, Any]:
        """The settings of ``policies/handbook.yaml`` (empty when the file is missing)."""
        entity = self.settings_entity()
        return entity.data if entity is not None else {}

    @property
    def settings_ref(self) -> Ref | None:
        """Where the settings are, when the file exists."""
        entity = self.settings_entity()
        return entity.ref if entity is not None else None

    @property
    def waivers(self) -> list[tuple[Ref, dict[str, Any]]]:
        """Every waiver (duplicates included) with its place."""
        return [(waiver.ref, waiver.data) for waiver in self.declared["waiver"]]

    def rank(self, tier_id: str) -> int | None:
        """Seniority of a tier (larger is higher), or ``None`` for an unknown tier."""
        tier = self.get("tier", tier_id)
        return None if tier is None else int(tier.data["rank"])

    def role_rank(self, role_id: str) -> int | None:
        """Seniority of a role's tier."""
        role = self.get("role", role_id)
        return None if role is None else self.rank(role.data["tier"])

    @cached_property
    def children(self) -> dict[str, dict[str, list[Entity]]]:
        """Kind → parent id → its entities of that kind (a role's duties, an area's standards)."""
        index: dict[str, dict[str, list[Entity]]] = defaultdict(lambda: defaultdict(list))
        for kind in self.kinds:
            if kind.within is not None:
                for entity in self.all(kind.name):
                    index[kind.name][entity.parent or ""].append(entity)
        return index

    @property
    def duties_of(self) -> dict[str, list[Entity]]:
        """Role id → its duties."""
        return self.children["duty"]

    @cached_property
    def surveys(self) -> dict[str, Survey]:
        """Policy file path → what one walk of its data found (texts, status claims)."""
        return {path: survey(document.data) for path, document in self.documents.items()}

    @cached_property
    def references(self) -> list[Reference]:
        """Every reference from one entity to another, enumerated once."""
        return list(iter_references(self))

    @cached_property
    def referrers(self) -> dict[tuple[str, str], list[Reference]]:
        """(target kind, target id) → the references that name it."""
        index: dict[tuple[str, str], list[Reference]] = defaultdict(list)
        for reference in self.references:
            index[(reference.target_kind, reference.target_id)].append(reference)
        return index

    def inverse(self, source_kind: str, field_name: str) -> dict[str, list[Entity]]:
        """Target id → the entities of ``source_kind`` whose ``field_name`` names it (once each)."""
        found = self._inverses.get((source_kind, field_name))
        return found if found is not None else defaultdict(list)

    @cached_property
    def _inverses(self) -> dict[tuple[str, str], dict[str, list[Entity]]]:
        # Every relation inverted in one pass over the references: each rule and page asks for
        # several, and a large handbook has hundreds of thousands of references.
        index: dict[tuple[str, str], dict[str, list[Entity]]] = {}
        for reference in self.references:
            source = reference.source
            key = (source.kind, reference.link.field)
            by_target = index.get(key)
            if by_target is None:
                by_target = index[key] = defaultdict(list)
            sources = by_target[reference.target_id]
            if not sources or sources[-1] is not source:
                sources.append(source)
        return index

    @property
    def modules_covering(self) -> dict[str, list[Entity]]:
        """Duty id → the modules whose ``covers`` name it."""
        return self.inverse("module", "covers")

    @property
    def modules_preparing(self) -> dict[str, list[Entity]]:
        """Certificate id → the modules that prepare for it."""
        return self.inverse("module", "certificates")

    @property
    def standards_measuring(self) -> dict[str, list[Entity]]:
        """Duty id → the standards whose ``measures`` name it."""
        return self.inverse("standard", "measures")

    @property
    def roles_requiring(self) -> dict[str, list[Entity]]:
        """Certificate id → the roles that require it."""
        return self.inverse("role", "certificates")

    @property
    def direct_reports(self) -> dict[str, list[Entity]]:
        """Role id → the roles that report to it."""
        return self.inverse("role", "reports_to")

    @cached_property
    def resolved(self) -> Resolved:
        """The facts derived from the model (paths, audiences, coverage), computed once."""
        from validator.resolved import Resolved  # the resolved layer is built on this module

        return Resolved(self)

    def knows(self, target: str) -> bool:
        """Whether ``target`` is an id of any kind or a policy file path (a waiver's target)."""
        return bool(self.find(target)) or target in self.documents

    def find(self, entity_id: str) -> list[Entity]:
        """Every entity with this id, whatever its kind (ids of different kinds may coincide)."""
        return [
            self.index[kind.name][entity_id]
            for kind in self.kinds
            if (kind.editor_ids or kind.singleton)
            and not kind.scoped
            and entity_id in self.index[kind.name]
        ]


def build(files: PolicyFiles, kinds: Registry = KINDS) -> Handbook:
    """Index the documents of a policy tree (which must be schema-valid)."""
    handbook = Handbook(documents=files.documents, kinds=kinds, root=files.root)
    for path, document in files.documents.items():
        kind = files.kinds[path]
        root = Ref(path)
        if kind.list_key is None:
            _add(handbook, kind, root, document.data, None)
            continue
        for index, item in enumerate(document.data[kind.list_key]):
            _add(handbook, kind, root / kind.list_key / index, item, None)
    return handbook


def _add(
    handbook: Handbook, kind: Kind, ref: Ref, data: dict[str, Any], parent: str | None
) -> None:
    # Kinds nest one or two levels (a role's duties); a stack keeps it iterative all the same.
    pending = [(kind, ref, data, parent)]
    while pending:
        kind, ref, data, parent = pending.pop()
        entity = Entity(kind.name, kind.identity(data), ref, data, parent)
        handbook.add(entity)
        for child in reversed(handbook.kinds.children(kind.name)):
            assert child.list_key is not None
            items = data.get(child.list_key) or []
            for index in reversed(range(len(items))):
                pending.append((child, ref / child.list_key / index, items[index], entity.id))
