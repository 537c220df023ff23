"""Markdown building blocks for the handbook pages: inert text, links between pages, badges.

Every text taken from the policies goes through :func:`esc`, which turns each character that HTML
or Markdown could act on into a character reference. ``<script>``, ``onerror=``,
``[x](javascript:...)`` or ``{: onclick=... }`` in a duty's text therefore render as the literal
characters and can never become markup, a link or an attribute.
"""

from __future__ import annotations

import functools
import posixpath
import re

from validator.model import Entity, Handbook

_ENTITIES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "'": "&#39;",
    "[": "&#91;",
    "]": "&#93;",
    "(": "&#40;",
    ")": "&#41;",
    "*": "&#42;",
    "_": "&#95;",
    "`": "&#96;",
    "{": "&#123;",
    "}": "&#125;",
    "|": "&#124;",
    "#": "&#35;",
    "\\": "&#92;",
    "!": "&#33;",
    "~": "&#126;",
    "=": "&#61;",
    ":": "&#58;",
    "^": "&#94;",
}
_TABLE = str.maketrans(_ENTITIES)

LIST_LIMIT = 60
"""Beyond this many roles, pages that would list or draw every role link to an index instead,
so no page (and no build) grows with the square of the handbook."""


# Python-Markdown takes a number of any length (CommonMark nine digits at most).
_LIST_MARK = re.compile(r"^(?:[-+](?=[\s-]|$)|(\d+)\.(?=\s|$))")
"""What makes a line a list item or a rule when a text opens it: ``- ``, ``+ ``, ``1. ``."""


def esc(text: object) -> str:
    """Text from the data, inert in Markdown and HTML, on one line.

    A text that opens a line of the page (a certificate's note, say) must not make it a list
    item either, so a leading ``-``, ``+`` or ``1.`` becomes a character reference too."""
    inert = " ".join(str(text).split()).translate(_TABLE)
    return _LIST_MARK.sub(_unmark, inert, count=1)


def _unmark(match: re.Match[str]) -> str:
    number = match.group(1)
    return f"{number}&#46;" if number is not None else f"&#{ord(match.group(0))};"


def anchor(entity_id: str) -> str:
    """The HTML id of an entity on the page that lists it.

    Ids are unique within their kind and each page lists one kind, so the id itself will do;
    dots become hyphens because some tools mistake them for class selectors.
    """
    return entity_id.replace(".", "-")


def page_of(handbook: Handbook, kind: str, entity_id: str) -> tuple[str, str]:
    """(page path, fragment) where an entity is shown, as the registry of kinds places it.

    A kind with a page per entity (``roles/{id}.md``) gets its own page; a kind listed on one
    page (``regulations.md``) an anchor there; a kind without a page (a duty) an anchor on its
    parent's page.
    """
    fragment = ""
    entity = handbook.get(kind, entity_id)
    described = handbook.kinds.get(kind)
    while described is not None and described.page is None and described.within:
        fragment = fragment or anchor(entity_id)
        parent_id = entity.parent if entity is not None else None
        described = handbook.kinds.get(described.within)
        entity = handbook.get(described.name, parent_id or "") if described else None
        entity_id = parent_id or ""
    if described is None or described.page is None:
        return "index.md", ""
    if "{id}" in described.page:
        return described.page.format(id=entity_id), fragment
    if described.singleton is not None:
        return described.page, fragment
    return described.page, fragment or anchor(entity_id)


def href(here: str, target: str, fragment: str = "") -> str:
    """A relative link from page ``here`` to page ``target`` (both relative to the docs root)."""
    path = relative(target, posixpath.dirname(here) or ".")
    return f"{path}#{fragment}" if fragment else path


@functools.lru_cache(maxsize=1 << 16)
def relative(target: str, start: str) -> str:
    """``target`` relative to the folder ``start`` (both relative to the docs root).

    Pages link from a handful of folders to the same pages over and over: a large handbook's
    pages ask this hundreds of thousands of times for a few thousand answers.
    """
    return posixpath.relpath(target, start)


def link(handbook: Handbook, here: str, kind: str, entity_id: str, label: str | None = None) -> str:
    """A Markdown link to an entity's page, labelled with its Chinese name (or ``label``)."""
    target = handbook.get(kind, entity_id)
    text = label if label is not None else (target.display("zh") if target else entity_id)
    page, fragment = page_of(handbook, kind, entity_id)
    return f"[{esc(text)}]({href(here, page, fragment)})"


def module_code(module_id: str) -> str:
    """How a module id is shown to people: ``m-cs-03`` → ``M-CS-03``."""
    return module_id.upper()


def module_link(handbook: Handbook, here: str, module_id: str) -> str:
    """A link to a module labelled with its code and title."""
    module = handbook.get("module", module_id)
    title = module.display("zh") if module else ""
    return link(handbook, here, "module", module_id, f"{module_code(module_id)} {title}".strip())


def bilingual(entity: Entity, key: str) -> str:
    """Chinese text with the English beside it in a muted span (when there is English)."""
    zh, en = entity.text(key, "zh"), (entity.data.get(key) or {}).get("en")
    return text_pair(zh, en)


def text_pair(zh: str, en: str | None) -> str:
    """Escaped Chinese, with the escaped English beside it."""
    if en:
        return f'{esc(zh)} <span class="hb-en" lang="en">{esc(en)}</span>'
    return esc(zh)


STATUS_LABELS = {
    "to-verify": ("待核实", "to be verified"),
    "suggested": ("建议", "suggested"),
    "secondary": ("二手资料", "secondary source"),
    "sourced": ("有出处", "sourced"),
}
STATUS_MEANING = {
    "suggested": "本手册提出的做法，正等待公司批准；批准前照常执行，它不是“可学可不学”的选修内容。",
    "to-verify": "内容或法律依据还没有和官方发布的原文核对，引用或执行前请以官方文本为准。",
    "secondary": "出处是第三方转载、译文或新闻报道，不是官方原文。",
    "sourced": "有原文或原文引用支持。",
}
"""What each status word means, in the words of a reader who has never seen the handbook's
data: a guard reading 建议 beside a module must not take it for optional training."""
NOT_INDEXED = 'data-search-exclude="true"'
"""The attribute that keeps a block out of the search index: tables that repeat what other pages
say (a role's training paths list module titles the module pages already carry), so searching
for a module finds the module first and the index stays small enough for a phone."""
LEGEND = "hb-legend"
"""The id of the explanation of the status words, which every badge links to."""


def status_badge(status: object) -> str:
    """A visible mark for facts that are not yet verified (to-verify) or are proposals, linked
    to the page's explanation of the word (see :func:`status_legend`)."""
    if status not in ("to-verify", "suggested"):
        return ""
    zh, _ = STATUS_LABELS[str(status)]
    return (
        f' <a class="hb-status hb-{status}" href="#{LEGEND}" '
        f'title="{STATUS_MEANING[str(status)]}">{zh}</a>'
    )


def status_legend(used: list[str]) -> list[str]:
    """The explanation of the status words ``used`` on a page, in Chinese."""
    if not used:
        return []
    lines = [
        f'<div class="hb-legend" id="{LEGEND}" {NOT_INDEXED} markdown>',
        "",
        "**标记说明**",
        "",
    ]
    for status in used:
        zh, _ = STATUS_LABELS[status]
        lines.append(f'- <span class="hb-status hb-{status}">{zh}</span>：{STATUS_MEANING[status]}')
    return [*lines, "", "</div>", ""]


def entry_heading(entity: Entity) -> list[str]:
    """An entry on a registry or standards page: a linkable level-2 heading in Chinese with its
    status mark, and the English name beneath."""
    return [
        f"## {esc(entity.display('zh'))}{status_badge(entity.data.get('status'))} "
        f"{{#{anchor(entity.id)}}}",
        "",
        f'<p class="hb-en" lang="en">{esc(entity.display("en"))}</p>',
        "",
    ]


def table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table; cells must already be escaped or built from links. Without rows, a
    line saying there is nothing to list (a table of headers alone reads as a blank row)."""
    if not rows:
        return "（暂无）\n"
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell or "—" for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
