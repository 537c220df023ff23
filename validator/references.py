"""Every reference from one policy entity to another, enumerated in one place.

Which fields hold references is declared with each kind in :mod:`validator.kinds`. ``ref-resolves``
checks the references, the model inverts them ("what refers to this?") for ``explain``, the
exports and the pages, and the renderer turns them into links.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from validator.findings import Ref
from validator.kinds import Link

if TYPE_CHECKING:
    from validator.model import Entity, Handbook


class Reference(NamedTuple):
    """``source`` (an entity) names ``target_id`` of ``target_kind`` at ``source.ref / *path``.

    A named tuple with the place kept as parts: a large handbook has hundreds of thousands of
    references and nearly all of them resolve, so the ``Ref`` is only built when asked for.
    """

    source: Entity
    link: Link
    target_id: str
    path: tuple[str | int, ...]

    @property
    def field(self) -> str:
        """The field holding the reference, e.g. ``covers`` or ``reports_to``."""
        return self.link.field

    @property
    def target_kind(self) -> str:
        """The kind of entity named."""
        return self.link.target

    @property
    def where(self) -> Ref:
        """The place of the reference in the policies."""
        ref = self.source.ref
        for part in self.path:
            ref = ref / part
        return ref


def iter_references(handbook: Handbook) -> Iterator[Reference]:
    """All references in the policies, kind by kind in registry order, in file order within each."""
    for kind in handbook.kinds:
        if not kind.links:
            continue
        for entity in handbook.all(kind.name):
            data = entity.data
            for link in kind.links:
                for target_id, path in link.values(data):
                    yield Reference(entity, link, target_id, path)


def scope_of(handbook: Handbook, reference: Reference) -> str | None:
    """For a reference to a scoped kind (a specialty), the id of the entity it is looked up in."""
    scope = handbook.kinds[reference.target_kind].within
    source = reference.source
    if source.kind == scope:
        return source.id
    if handbook.kinds[source.kind].within == scope:
        return source.parent
    return None


def target_key(handbook: Handbook, reference: Reference) -> str:
    """The index key of the entity a reference names."""
    if reference.link.qualified:
        return reference.target_id
    if handbook.kinds[reference.target_kind].scoped:
        return f"{scope_of(handbook, reference)}/{reference.target_id}"
    return reference.target_id


def resolves(handbook: Handbook, reference: Reference) -> bool:
    """Whether the target of ``reference`` exists."""
    return handbook.get(reference.target_kind, target_key(handbook, reference)) is not None


def candidates(handbook: Handbook, reference: Reference) -> list[str]:
    """The ids a reference could name: every id of its kind (within its scope, if scoped)."""
    kind = handbook.kinds[reference.target_kind]
    if not kind.scoped or reference.link.qualified:
        return list(handbook.index[kind.name])
    prefix = f"{scope_of(handbook, reference)}/"
    return [key.removeprefix(prefix) for key in handbook.index[kind.name] if key.startswith(prefix)]
