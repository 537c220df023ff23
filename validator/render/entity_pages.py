"""Which renderer draws the page of an entity, by kind, and the page of a kind without one.

A page renderer registers itself with :func:`entity_page`; a kind whose registry entry gives it
a page per entity but that has no renderer of its own gets :func:`generic_page`, which shows its
texts and every relation the registry declares, so a new kind is published with no code.
"""

from __future__ import annotations

from collections.abc import Callable

from validator.model import Entity, Handbook
from validator.render.downloads import Downloads
from validator.render.markup import bilingual, esc, link, status_badge

EntityPage = Callable[[Handbook, Entity, Downloads], str]
ENTITY_PAGES: dict[str, EntityPage] = {}


def entity_page(kind: str) -> Callable[[EntityPage], EntityPage]:
    """Register the page renderer of ``kind``."""

    def register(renderer: EntityPage) -> EntityPage:
        ENTITY_PAGES[kind] = renderer
        return renderer

    return register


def page_renderer(kind: str) -> EntityPage:
    """The renderer of a kind's pages (the generic page when it has none of its own)."""
    return ENTITY_PAGES.get(kind, generic_page)


def generic_page(handbook: Handbook, entity: Entity, downloads: Downloads) -> str:
    """Name, texts, and the entity's relations in both directions, each a link."""
    kind = handbook.kinds[entity.kind]
    here = kind.page.format(id=entity.id) if kind.page else "index.md"
    lines = [
        f"# {esc(entity.display('zh'))}{status_badge(entity.data.get('status'))}",
        "",
        f'<p class="hb-en" lang="en">{esc(entity.display("en"))}</p>',
        "",
        f"{esc(kind.label.zh)} · `{esc(entity.id)}`",
        "",
    ]
    for key in kind.text_keys:
        if entity.text(key):
            lines += [bilingual(entity, key), ""]
    rows: dict[str, list[str]] = {}
    for reference in handbook.references:
        if reference.source is entity:
            label = reference.link.label.zh
            target = link(handbook, here, reference.target_kind, reference.target_id)
            rows.setdefault(label, []).append(target)
    for reference in handbook.referrers.get((entity.kind, entity.id), []):
        source = reference.source
        label = reference.link.inverse.zh
        rows.setdefault(label, []).append(link(handbook, here, source.kind, source.id))
    lines += [f"- **{esc(label)}：** {'、'.join(targets)}" for label, targets in rows.items()]
    return "\n".join(lines) + "\n"
