"""`handbook export json`: the resolved handbook as one JSON document, for systems that read it.

An LMS or HR system should not have to re-derive what the validator already knows, so every
item carries its relations in both directions: a duty names its role, the modules that cover it
and the standards that measure it; a role its duties, direct reports and training paths with
hours; a module the roles that take it. The lists and the relations follow the registry of kinds;
the derived facts come from :mod:`validator.resolved`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

from validator.exports.output import write_atomically
from validator.kinds import Kind
from validator.model import Entity, Handbook

FORMAT_VERSION = 1


def handbook_json(handbook: Handbook) -> dict[str, Any]:
    """The resolved handbook: settings, coverage, then a list per kind, each item with its id."""
    coverage = handbook.resolved.coverage
    document: dict[str, Any] = {"format": FORMAT_VERSION}
    for kind in handbook.kinds:
        if kind.singleton is not None:
            entity = next(handbook.all(kind.name), None)
            document[kind.singleton] = None if entity is None else _item(handbook, kind, entity)
    document["coverage"] = {
        "duties": coverage.duties,
        "covered": coverage.covered,
        "percent": round(coverage.percent, 1),
    }
    for kind in handbook.kinds:
        if kind.plural is None:
            continue
        entities = handbook.all(kind.name) if kind.editor_ids else handbook.declared[kind.name]
        document[kind.plural] = [_item(handbook, kind, entity) for entity in entities]
    return document


def _item(handbook: Handbook, kind: Kind, entity: Entity) -> dict[str, Any]:
    kinds = handbook.kinds
    listed = {child.list_key: child for child in kinds.children(kind.name)}
    item: dict[str, Any] = {}
    for key, value in entity.data.items():
        child = listed.get(key)
        if key == "review":
            continue
        if child is not None and child.plural is not None:
            # Children listed on their own appear here by id.
            item[key] = [c.id for c in handbook.children[child.name].get(entity.id, [])]
        else:
            item[key] = value
    for link in kind.links:
        # A list of references is always present, empty or not, so readers need not guess.
        if len(link.steps) == 2 and link.steps[1] == "*":
            item.setdefault(link.steps[0], [])
    parent_kind = kinds.get(kind.within or "")
    if parent_kind is not None and parent_kind.singleton is None:
        item[parent_kind.name] = entity.parent
    for other in kinds:
        for link in other.links:
            if link.target == kind.name and link.inverse_key:
                sources = handbook.inverse(other.name, link.field).get(entity.id, [])
                item[link.inverse_key] = [source.id for source in sources]
    resolved = handbook.resolved
    if kind.name == "role":
        item["training_paths"] = [path.as_json() for path in resolved.paths_of(entity)]
    elif kind.name == "module":
        item["roles"] = [role.id for role in resolved.audience.get(entity.id, [])]
    return item


def export_json(handbook: Handbook, output: str, stdout: TextIO) -> None:
    """Write the resolved handbook to ``output`` (``-`` for standard output)."""
    text = json.dumps(handbook_json(handbook), ensure_ascii=False, indent=2) + "\n"
    if output == "-":
        stdout.write(text)
    else:
        write_atomically(Path(output), lambda scratch: _save(scratch, text))


def _save(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
