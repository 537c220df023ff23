"""A generated page's Markdown → HTML, in C (cmark-gfm), as Python-Markdown would give it.

Python-Markdown takes about 30 ms for a role page, so a national group's first build spent half
a minute on two cores converting its two thousand generated pages, and the role PDFs as long
again. The renderer writes only a small, fixed part of Markdown (headings with ids, tables,
links, lists, bold, code spans, inline HTML and Markdown inside HTML blocks), and every text
from the data is made of character references (:func:`validator.render.markup.esc`), so it can
never form markup. For that part CommonMark with GitHub's tables gives the same page in a
fiftieth of the time; ``tests/test_conversion.py`` holds the two to the same HTML tree on every
generated page of the handbook and on hostile texts.

What the site's Markdown settings add to CommonMark is done around it, for what the renderer
writes only:

- ``{#id}`` after a heading (attr_list): the id is carried through cmark in an HTML comment,
  which data cannot write (``<`` is a character reference), and set on the heading;
- headings without an id get one as the toc extension makes it (slugify, then made unique);
- ``markdown`` on an HTML block (md_in_html) is dropped: CommonMark already reads Markdown
  between an HTML block's lines when blank lines separate them, as the renderer writes it.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import cffi  # type: ignore[import-untyped]
from cmarkgfm import cmark  # type: ignore[import-untyped]
from cmarkgfm.cmark import Options  # type: ignore[import-untyped]
from markdown.extensions.toc import (  # type: ignore[import-untyped]
    slugify as toc_slugify,
)
from markdown.extensions.toc import strip_tags, unique

Slugify = Callable[[str, str], str]

_OPTIONS = Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_TABLE_PREFER_STYLE_ATTRIBUTES
"""Inline HTML is the renderer's own (data cannot write a tag); table alignment as a style, as
Python-Markdown writes it. No autolinks, strikethrough or smart quotes: Python-Markdown, as the
site configures it, has none."""


_ID_COMMENT = "hb-id:"
LINK_MARK = "hb-markdown-link"
"""The title :func:`to_html` gives each Markdown link and image (see
:mod:`validator.generated_render`, which resolves them and removes it)."""
_MARKDOWN_LINK = re.compile(r"\]\(([^()\s]+)\)")
_HEADING_ID = re.compile(r"^(#{1,6}[ \t].*?)[ \t]+\{#([^}\s]+)\}[ \t]*$", re.M)
_HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>", re.S)
_GIVEN_ID = re.compile(r"\s*<!--" + _ID_COMMENT + r"([^<>]*?)-->\s*$")
# Text cannot hold a quote (cmark writes &quot;), so these match attributes only.
_ANY_ID = re.compile(r"\sid=\"([^\"]*)\"")
_NAME = re.compile(r"<a\b[^<>]*?\sname=\"([^\"]*)\"")


@dataclass(frozen=True)
class Heading:
    """A heading of the page, as the toc extension lists it."""

    level: int
    id: str
    name: str
    """Its text with the tags removed (character references kept), like the toc's ``name``."""
    html: str
    """Its inner HTML."""


@dataclass(frozen=True)
class Converted:
    """A page's HTML and its headings, in order."""

    html: str
    headings: tuple[Heading, ...]
    anchors: frozenset[str]
    """Every id in the page, and every ``<a name>``: what a link's fragment may point at."""

    @property
    def title(self) -> str | None:
        """The page's title when it opens with a level-1 heading (as MkDocs takes it)."""
        if self.headings and self.html.startswith("<h1"):
            return html.unescape(self.headings[0].name)
        return None


def to_html(
    markdown: str,
    slugify: Slugify = toc_slugify,
    separator: str = "-",
    *,
    mark_links: bool = False,
) -> Converted:
    """Convert generated Markdown (no front matter) as Python-Markdown with the tables,
    attr_list, md_in_html and toc extensions would; ``slugify`` and ``separator`` make the ids of
    headings that give none, as the toc extension's settings of the same names do.
    ``mark_links``: Markdown links and images carry the title :data:`LINK_MARK`."""
    prepared = _HEADING_ID.sub(rf"\1 <!--{_ID_COMMENT}\2-->", markdown)
    # A Markdown link or image gets a title cmark writes as an attribute: what MkDocs resolves
    # (Markdown links) is then told apart from the renderer's HTML links (left as written).
    # Data cannot write "](" (both are character references), so every one is the renderer's.
    if mark_links:
        prepared = _MARKDOWN_LINK.sub(rf'](\1 "{LINK_MARK}")', prepared)
    # The renderer writes the attribute last and data cannot write ">", so this is exact.
    prepared = prepared.replace(" markdown>", ">")
    converted = _commonmark(prepared)
    used = set(_ANY_ID.findall(converted))
    found: list[tuple[int, str | None, str]] = []
    for match in _HEADING.finditer(converted):
        inner = match.group(2)
        given = _GIVEN_ID.search(inner)
        if given is not None:
            inner = inner[: given.start()]
            used.add(given.group(1))
        found.append((int(match.group(1)), given.group(1) if given else None, inner.strip()))
    counters: dict[str, int] = {}
    headings = []
    for level, given_id, inner in found:
        name = strip_tags(inner)
        heading_id = given_id or unique(slugify(html.unescape(name), separator), used, counters)
        headings.append(Heading(level, heading_id, name, inner))
    remaining = iter(headings)

    def with_id(match: re.Match[str]) -> str:
        heading = next(remaining)
        level = match.group(1)
        return f'<h{level} id="{html.escape(heading.id)}">{heading.html}</h{level}>'

    # ``used`` now holds every id of the page, the headings' own among them.
    anchors = {html.unescape(i) for i in used}
    if " name=" in converted:
        anchors.update(html.unescape(name) for name in _NAME.findall(converted))
    return Converted(_HEADING.sub(with_id, converted), tuple(headings), frozenset(anchors))


def available() -> bool:
    """Whether this machine's cmark-gfm can be used (and its memory given back: see below)."""
    try:
        _freeing()
    except (OSError, AttributeError, cffi.FFIError):
        return False
    return True


@functools.cache
def _freeing() -> tuple[Any, Any, Any]:
    """cmark-gfm's ``cmark_node_free`` and the C library's ``free``, with a cffi to call them.

    cmarkgfm's own wrappers free neither the document tree nor the HTML string they get from
    C: some 300 KB for each role page, 600 MB on a national group's first build. Both functions
    are exported by its compiled module, which is already loaded.
    """
    ffi = cffi.FFI()
    ffi.cdef("void cmark_node_free(void *node); void free(void *pointer);")
    compiled = ffi.dlopen(cmark._cmark.__file__)
    compiled.cmark_node_free  # noqa: B018 - looked up now: missing, the converter is not used
    return ffi, compiled, ffi.dlopen(None)


@functools.cache
def _table() -> Any:
    cmark.core_extensions_ensure_registered()
    return cmark.find_syntax_extension("table")


def _commonmark(text: str) -> str:
    ffi, compiled, libc = _freeing()

    def pointer(value: Any) -> Any:
        return ffi.cast("void *", int(cmark._cmark.ffi.cast("uintptr_t", value)))

    parser = cmark.parser_new(_OPTIONS)
    try:
        cmark.parser_attach_syntax_extension(parser, _table())
        cmark.parser_feed(parser, text)
        root = cmark.parser_finish(parser)
        try:
            extensions = cmark.parser_get_syntax_extensions(parser)
            rendered = cmark._cmark.lib.cmark_render_html(root, _OPTIONS, extensions)
            try:
                return str(cmark._cmark.ffi.string(rendered).decode("utf-8"))
            finally:
                libc.free(pointer(rendered))
        finally:
            compiled.cmark_node_free(pointer(root))
    finally:
        cmark.parser_free(parser)
