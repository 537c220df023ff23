"""The site's search index, tuned for staff after the search plugin has written it.

The search plugin indexes every section of every page with the same weight and writes the JSON
with ASCII escapes. Two changes make it serve a guard on a phone:

* it is written as UTF-8 (a Chinese character is 3 bytes, not a 6-byte escape, and so is each
  zero-width space the plugin puts between words), without the zero-width spaces that stand
  next to a space anyway, and without paragraph and list tags (a result's preview is one line
  of text);
* a section with no text under a heading many pages share (课程大纲, 签字确认: its content is a
  table or a picture the index leaves out) is dropped: fifty identical results for its heading
  help nobody, and the index is smaller;
* the page of an entity (a role, a module, a standards area) is also found by its English name:
  the name goes into the title of the page's first entry, where a title match counts most, so
  "fire" leads to the fire-safety module rather than to a module that mentions fire once in a
  shorter text.

Which pages are indexed at all, and how much each counts, is said by the pages themselves (front
matter written by the renderer); see :mod:`validator.render`.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from validator.model import Handbook

_BLOCK_TAGS = re.compile(r"\s*</?(?:p|ul|ol|li)>\s*")
_REDUNDANT_BREAK = re.compile("\u200b(?=\\s)|(?<=\\s)\u200b")


def compact_text(text: str) -> str:
    """An entry's text without block tags, and without word breaks beside a space."""
    spaced = " ".join(_BLOCK_TAGS.sub(" ", text).split())
    return _REDUNDANT_BREAK.sub("", spaced).strip("\u200b")


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


def _empty_section(entry: dict[str, str]) -> bool:
    return "#" in entry.get("location", "") and not entry.get("text")


def tune(path: Path, handbook: Handbook | None) -> None:
    """Rewrite the index at ``path`` as UTF-8, without empty sections under shared headings,
    with English names in entity pages' titles."""
    data = json.loads(path.read_text(encoding="utf-8"))
    titles = english_titles(handbook) if handbook is not None else {}
    docs = data.get("docs", [])
    for entry in docs:
        entry["text"] = compact_text(entry.get("text", ""))
    shared = Counter(entry.get("title") for entry in docs if _empty_section(entry))
    data["docs"] = docs = [
        e for e in docs if not (_empty_section(e) and shared[e.get("title")] > 1)
    ]
    for entry in docs:
        english = titles.get(entry.get("location", ""))
        if english:
            entry["title"] = f"{entry['title']} · {english}"
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
