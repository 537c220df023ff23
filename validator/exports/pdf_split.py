"""Role PDFs cut out of one printed document.

Chromium spends about a millisecond on every distinct character a PDF holds, once per PDF: a
role's few hundred characters cost it a third of a second, most of it spent again for the next
role, whose words are largely the same. Roles are therefore printed many to a document (each
starting a page, without page numbers) and cut apart here: each role's pages are found by the
document's top-level bookmarks, one per role (its title), and numbered 第 N / M 页 by laying over
each page the matching page of a printed footer, M blank pages carrying only the footer.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pikepdf


@dataclass(frozen=True)
class Bookmark:
    """A bookmark of a printed document: its title, the page it leads to, those under it."""

    title: str
    page: int | None
    children: tuple[Bookmark, ...]


@dataclass(frozen=True)
class Part:
    """One role's pages in a printed batch, and its bookmark (its title, sections beneath)."""

    pages: range
    bookmark: Bookmark | None


def parts(batch: bytes, titles: Sequence[str]) -> list[Part] | None:
    """Where each role printed in ``batch`` is, by its top-level bookmarks: one per role, its
    title, in ``titles``' order from the first page on.

    None when the bookmarks do not mark out exactly those roles (a role whose page had no title,
    or two): those roles are then printed one to a document.
    """
    with pikepdf.open(io.BytesIO(batch)) as pdf:
        index = {page.objgen: number for number, page in enumerate(pdf.pages)}
        with pdf.open_outline() as outline:
            marks = [_bookmark(item, index) for item in outline.root]
        total = len(pdf.pages)
    if len(titles) == 1:
        own = [mark for mark in marks if mark.page == 0]
        return [Part(range(total), own[0] if own else None)]
    starts = [mark.page for mark in marks]
    named = [_words(mark.title) for mark in marks]
    if named != [_words(title) for title in titles] or starts[0] != 0 or None in starts:
        return None
    ends = [*starts[1:], total]
    found = [
        Part(range(start, end), mark)
        for start, end, mark in zip(starts, ends, marks, strict=True)
        if start is not None and end is not None
    ]
    return found if all(part.pages for part in found) else None


def _words(title: str) -> str:
    return "".join(title.split())


def cut(
    batch: bytes, found: Sequence[Part], titles: Sequence[str], footers: Mapping[int, bytes]
) -> list[bytes] | None:
    """Each role's PDF: its pages of ``batch``, each under the same page of the footer
    document of as many pages (``footers``, by number of pages), with its bookmarks and title,
    and its part of the batch's structure (a tagged PDF, as a role printed alone is).

    None when the batch's structure does not hold one element per role: printed one at a time,
    they keep their tags.
    """
    with pikepdf.open(io.BytesIO(batch)) as source:
        structure = _structure(source)
        if structure is not None and len(structure.sections) != len(found):
            structure = None
        if structure is None and len(found) > 1:
            return None
        return [
            _role(
                source,
                part,
                title,
                footers[len(part.pages)],
                None if structure is None else (structure, number),
            )
            for number, (part, title) in enumerate(zip(found, titles, strict=True))
        ]


@dataclass(frozen=True)
class _Structure:
    """A printed batch's structure (tagged PDF): the element of each role's section, cut
    loose from the document element so that copying one copies that role's elements alone,
    and the parent tree's entries (each page's marked content → its elements), by key."""

    sections: Sequence[pikepdf.Object]
    parents: dict[int, pikepdf.Object]


def _structure(source: pikepdf.Pdf) -> _Structure | None:
    tree = source.Root.get("/StructTreeRoot")
    document = None if tree is None else tree.get("/K")
    kids = document.get("/K") if isinstance(document, pikepdf.Dictionary) else None
    parent_tree = None if tree is None else tree.get("/ParentTree")
    numbers = parent_tree.get("/Nums") if isinstance(parent_tree, pikepdf.Dictionary) else None
    if kids is None or not isinstance(numbers, pikepdf.Array):
        return None
    # One kid is written as itself, several as an array.
    listed = kids if isinstance(kids, pikepdf.Array) else [kids]
    sections = [kid for kid in listed if isinstance(kid, pikepdf.Dictionary)]
    for section in sections:
        del section["/P"]
    parents = {int(numbers[i]): numbers[i + 1] for i in range(0, len(numbers) - 1, 2)}
    return _Structure(sections, parents)


def _role(
    source: pikepdf.Pdf,
    part: Part,
    title: str,
    footer: bytes,
    structure: tuple[_Structure, int] | None,
) -> bytes:
    with pikepdf.open(io.BytesIO(footer)) as footers, pikepdf.new() as role:
        for number in part.pages:
            role.pages.append(source.pages[number])
        for page, printed in zip(role.pages, footers.pages, strict=True):
            _untag(page.obj, "/StructParents")
            for annotation in page.obj.get("/Annots", []):
                _untag(annotation, "/StructParent")
            page.add_overlay(printed)
        if structure is not None:
            _tag(role, source, part, *structure)
        if part.bookmark is not None:
            with role.open_outline() as outline:
                outline.root.append(_outline_item(part.bookmark, part.pages))
        # As Chromium marks a document it prints: in Chinese, its title shown as the window's.
        role.Root.Lang = pikepdf.String("zh")
        role.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
        role.docinfo["/Title"] = pikepdf.String(title)
        for key in ("/Creator", "/Producer", "/CreationDate", "/ModDate"):
            if key in source.docinfo:
                role.docinfo[key] = pikepdf.String(str(source.docinfo[key]))
        output = io.BytesIO()
        role.save(
            output,
            compress_streams=True,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
        )
        return output.getvalue()


def _tag(
    role: pikepdf.Pdf, source: pikepdf.Pdf, part: Part, structure: _Structure, number: int
) -> None:
    """Give ``role`` its section of the batch's structure, under a document element of its own.

    Copied after the pages, so the elements' pages are the role's copies of them.
    """
    section = role.copy_foreign(structure.sections[number])
    document = role.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document, K=[section])
    )
    _adopt(section, document)
    entries: list[Any] = []
    for page, printed in zip(role.pages, part.pages, strict=True):
        key = source.pages[printed].obj.get("/StructParents")
        if key is not None and int(key) in structure.parents:
            page.obj.StructParents = len(entries) // 2
            entries += [len(entries) // 2, role.copy_foreign(structure.parents[int(key)])]
    tree = role.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.StructTreeRoot,
            K=document,
            ParentTree=pikepdf.Dictionary(Nums=entries),
            ParentTreeNextKey=len(entries) // 2,
        )
    )
    document.P = tree
    role.Root.StructTreeRoot = tree
    role.Root.MarkInfo = pikepdf.Dictionary(Marked=True)


def _adopt(element: pikepdf.Object, parent: pikepdf.Object) -> None:
    """Point ``element`` and the elements under it at their parents."""
    if not isinstance(element, pikepdf.Dictionary) or "/S" not in element:
        return
    element.P = parent
    kids = element.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if kid is not None:
            _adopt(kid, element)


def _untag(dictionary: pikepdf.Object, key: str) -> None:
    if key in dictionary:
        del dictionary[key]


def _bookmark(item: pikepdf.OutlineItem, index: dict[tuple[int, int], int]) -> Bookmark:
    destination: object = item.destination
    if destination is None and item.action is not None:
        destination = item.action.get("/D")
    page = None
    if isinstance(destination, pikepdf.Array) and len(destination) > 0:
        target = destination[0]
        if isinstance(target, pikepdf.Dictionary):
            page = index.get(target.objgen)
    return Bookmark(
        str(item.title), page, tuple(_bookmark(child, index) for child in item.children)
    )


def _outline_item(mark: Bookmark, pages: range) -> pikepdf.OutlineItem:
    """``mark`` and the bookmarks under it that lead into ``pages``, leading to the same page
    of the role's own PDF."""
    item = pikepdf.OutlineItem(
        mark.title, pages.index(mark.page) if mark.page is not None and mark.page in pages else 0
    )
    item.children.extend(
        _outline_item(child, pages)
        for child in mark.children
        if child.page is not None and child.page in pages
    )
    return item


def blank_pages(count: int) -> str:
    """The body of a footer document: ``count`` empty pages."""
    # An empty element starts no page: each is a point high.
    return '<div style="height: 1px; break-after: page"></div>' * (count - 1) + (
        '<div style="height: 1px"></div>'
    )
