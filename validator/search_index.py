"""The site's search index, tuned for staff, written by the handbook plugin for the search plugin.

The search plugin indexes every section of every page with the same weight and writes the JSON
with ASCII escapes. These changes make it serve a guard on a phone:

* it is written as UTF-8 (a Chinese character is 3 bytes, not a 6-byte escape, and so is each
  zero-width space the plugin puts between words), without the zero-width spaces that stand
  next to a space anyway, and without paragraph and list tags (a result's preview is one line
  of text);
* a section with no text under a heading many pages share (课程大纲, 签字确认: its content is a
  table or a picture the index leaves out) is dropped: fifty identical results for its heading
  help nobody, and the index is smaller;
* a block a page marks ``data-search-exclude`` is left out whole (:func:`leave_out_excluded`):
  the search plugin tracks the blocks it skips by tag name, so a ``<div>`` ending inside one
  ended the skipping, and a role's training plan, which the module pages already carry, went
  into the index after all;
* the page of an entity (a role, a module, a standards area) is also found by its English name:
  the name goes into the title of the page's first entry, where a title match counts most, so
  "fire" leads to the fire-safety module rather than to a module that mentions fire once in a
  shorter text.

Which pages are indexed at all, and how much each counts, is said by the pages themselves (front
matter written by the renderer); see :mod:`validator.render`.

The index is written a few hundred entries at a time: a national group's is 30 MB, which the
search plugin's own writing held three times over (the text, its escapes, its bytes).
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from validator.exports.output import write_atomically
from validator.model import Handbook

_BLOCK_TAGS = re.compile(r"</?(?:p|ul|ol|li)>")
_BATCH = 500
"""Entries encoded at a time."""


def compact_text(text: str) -> str:
    """An entry's text without block tags, and without word breaks beside a space."""
    spaced = " ".join(_BLOCK_TAGS.sub(" ", text).split())
    # Runs of white space are single spaces now: a break beside one is a break before or after
    # a space (str.replace is many times faster than a regular expression with look-arounds).
    return spaced.replace(" \u200b", " ").replace("\u200b ", " ").strip("\u200b")


def english_titles(handbook: Handbook) -> dict[str, str]:
    """The address of each entity page (``roles/security-officer/``) → the entity's English name."""
    titles: dict[str, str] = {}
    for kind in handbook.kinds:
        if kind.page is None or "{id}" not in kind.page:
            continue
        for entity in handbook.all(kind.name):
            english = entity.display("en")
            if english and english != entity.display("zh"):
                titles[kind.page.format(id=entity.id).removesuffix(".md") + "/"] = english
    return titles


def _empty_section(location: str, text: str) -> bool:
    return "#" in location and not text


def tuned(entries: Iterable[dict[str, Any]], titles: dict[str, str]) -> Iterator[dict[str, Any]]:
    """The entries as staff search them (see the module's description); new dictionaries, the
    given ones are left as they are (a ``mkdocs serve`` keeps them for its next build)."""
    entries = list(entries)
    texts = [compact_text(str(entry.get("text", ""))) for entry in entries]
    shared = Counter(
        entry.get("title")
        for entry, text in zip(entries, texts, strict=True)
        if _empty_section(str(entry.get("location", "")), text)
    )
    for entry, text in zip(entries, texts, strict=True):
        location = str(entry.get("location", ""))
        if _empty_section(location, text) and shared[entry.get("title")] > 1:
            continue
        entry = {**entry, "text": text}
        english = titles.get(location)
        if english:
            entry["title"] = f"{entry['title']} · {english}"
        yield entry


def write_index(
    path: Path, config: dict[str, Any], entries: Iterable[dict[str, Any]], titles: dict[str, str]
) -> None:
    """Write the search index at ``path``: ``config`` (the search plugin's settings) and the
    tuned ``entries``, as compact UTF-8 JSON; in one step (never half an index under its name)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, functools.partial(_write_index, config, tuned(entries, titles)))


def compact_json(value: Any) -> str:
    """``value`` as JSON the way the search plugin writes it, but as UTF-8 text (no escapes)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def _write_index(config: dict[str, Any], entries: Iterator[dict[str, Any]], path: Path) -> None:
    with path.open("w", encoding="utf-8") as stream:
        stream.write(f'{{"config":{compact_json(config)},"docs":[')
        separator = ""
        while batch := list(itertools.islice(entries, _BATCH)):
            stream.write(separator + compact_json(batch)[1:-1])
            separator = ","
        stream.write("]}")


class IndexWriter:
    """Has Material's search plugin leave the writing of its index to :func:`write_index`.

    The plugin writes its index at the end of the build; :meth:`wrap` has it write only its
    settings, and :meth:`write`, called after it, writes the whole index over that."""

    def __init__(self, titles: dict[str, str]) -> None:
        self.titles = titles
        self._pending: tuple[dict[str, Any], list[dict[str, Any]]] | None = None

    @staticmethod
    def fits(index: Any) -> bool:
        """Whether ``index`` is Material's (the one whose entries and settings this reads)."""
        return isinstance(getattr(index, "entries", None), list) and hasattr(
            index, "generate_search_index"
        )

    def wrap(self, index: Any) -> None:
        """Take over the writing of ``index`` (see :meth:`fits`)."""
        generate: Callable[[Any], str] = index.generate_search_index

        def settings_only(previous: Any) -> str:
            if previous is not None:
                # `mkdocs serve --dirty` builds the edited page only: as Material does, the
                # previous build's entries stand for the others (the next build merges again).
                index.entries = _merged(previous.entries, index.entries)
            entries, index.entries = index.entries, []
            try:
                head = generate(None)
            finally:
                index.entries = entries
            self._pending = (json.loads(head)["config"], entries)
            return head

        index.generate_search_index = settings_only

    def write(self, site_dir: Path) -> None:
        """Write the index the search plugin left to this, if it did."""
        if self._pending is not None:
            config, entries = self._pending
            self._pending = None
            write_index(site_dir / "search" / "search_index.json", config, entries, self.titles)


def leave_out_excluded(index: Any) -> None:
    """Have Material's search ``index`` read each page without its excluded blocks (see
    :func:`without_excluded`); also four fifths of its reading time on a role page."""
    add: Callable[[Any], None] = index.add_entry_from_context

    def add_entry_from_context(page: Any) -> None:
        content = page.content
        if content:
            page.content = without_excluded(content)
        try:
            add(page)
        finally:
            page.content = content

    index.add_entry_from_context = add_entry_from_context


# The sanitiser writes every attribute as name="value", with no quote inside a value.
_ATTRIBUTE = r'\s+[^\s"\'<>/=]+(?:="[^"]*")?'
_EXCLUDED = re.compile(
    rf'<([a-zA-Z][a-zA-Z0-9]*)(?:{_ATTRIBUTE})*?\s+data-search-exclude(?:="[^"]*")?'
    rf"(?:{_ATTRIBUTE})*\s*/?>"
)
_VOID = re.compile(r"(?:area|base|br|col|embed|hr|img|input|link|meta|source|track|wbr)$")
"""HTML's elements without an end (the search plugin ignores them)."""
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*>")


def without_excluded(html: str) -> str:
    """``html`` without the elements marked ``data-search-exclude`` and everything in them.

    The page is the plugin's sanitised HTML, whose every element is closed; should an end not
    be found all the same, the rest of the page is left as it is."""
    kept: list[str] = []
    position = 0
    for start in _EXCLUDED.finditer(html):
        name = start.group(1).lower()
        if start.start() < position or _VOID.match(name):
            continue
        depth = 0
        for tag in _TAG.finditer(html, start.start()):
            if tag.group(2).lower() == name and not tag.group(0).endswith("/>"):
                depth += -1 if tag.group(1) else 1
                if depth == 0:
                    break
        else:
            break
        kept.append(html[position : start.start()])
        position = tag.end()
    return "".join([*kept, html[position:]]) if kept else html


def _merged(previous: list[dict[str, Any]], built: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The entries of a dirty build, as Material's search plugin merges them: the built page's
    (all of one page, the first being the page itself) replace that page's previous ones."""
    if not built:
        return previous
    page = str(built[0].get("location", ""))
    return [
        entry for entry in previous if not str(entry.get("location", "")).startswith(page)
    ] + built
