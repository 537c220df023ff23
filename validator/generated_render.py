"""MkDocs' page conversion for the generated pages, done by :mod:`validator.render.conversion`.

A page converted here ends as MkDocs' own ``Page.render`` leaves it: its content, table of
contents, title from a first-level heading, the ids present (for links into it) and the links out
of it with anchors (which MkDocs checks once every page is converted). Links are resolved by
MkDocs' own code, so they are rewritten, and warned about, exactly as in a page it converts
itself; links the renderer writes in HTML are left as written, as MkDocs leaves them. Only
when the site's Markdown settings are ones the converter reproduces: a site that
adds an extension or a table-of-contents option gets every page from Python-Markdown, as before.
"""

from __future__ import annotations

import html
import logging
import posixpath
import re
import weakref
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from markdown.extensions.toc import (  # type: ignore[import-untyped]
    nest_toc_tokens,
)
from markdown.extensions.toc import slugify as toc_slugify
from markdown.util import AMP_SUBSTITUTE  # type: ignore[import-untyped]
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page, _RelativePathTreeprocessor
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url

from validator.render.conversion import LINK_MARK, available, to_html

_REPRODUCED = frozenset({"toc", "tables", "attr_list", "md_in_html"})
"""The extensions whose effect on a generated page the converter gives."""
_INERT = frozenset({"fenced_code", "admonition"})
"""Extensions that cannot act on a generated page: fences and ``!!!`` blocks are nothing the
renderer writes, and data cannot write their characters."""
_TOC_OPTIONS = frozenset({"permalink", "slugify", "separator"})

_LINK = re.compile(r'(<(?:a href|img src)=")([^"]*)("(?: alt="[^"]*")? title="' + LINK_MARK + '")')
"""A Markdown link or image as :func:`to_html` writes it (raw HTML links are not resolved by
MkDocs either)."""


def fits(config: MkDocsConfig) -> bool:
    """Whether the site's Markdown settings are ones the converter reproduces (and the
    converter can be used here)."""
    if not available():
        return False
    extensions = config["markdown_extensions"]
    if not all(isinstance(name, str) for name in extensions):
        return False
    if not _REPRODUCED <= set(extensions) <= _REPRODUCED | _INERT:
        return False
    options: dict[str, Any] = config["mdx_configs"] or {}
    toc = options.get("toc", {})
    return not (set(options) - {"toc"} or set(toc) - _TOC_OPTIONS or toc.get("permalink"))


def render_generated(page: Page, config: MkDocsConfig, files: Files) -> None:
    """Convert a generated page as MkDocs' ``Page.render`` would, in a fraction of its time."""
    if page.markdown is None:
        raise RuntimeError("`markdown` field hasn't been set (via `read_source`)")
    toc_options: dict[str, Any] = (config["mdx_configs"] or {}).get("toc", {})
    converted = to_html(
        page.markdown,
        toc_options.get("slugify", toc_slugify),
        toc_options.get("separator", "-"),
        mark_links=True,
    )
    resolver = _RelativePathTreeprocessor(page.file, files, config)
    targets = _TARGETS.setdefault(files, {})
    folder = posixpath.dirname(page.file.src_uri)

    def resolved(match: re.Match[str]) -> str:
        prefix, written, rest = match.group(1), html.unescape(match.group(2)), match.group(3)
        mark = rest[: -len(_TITLE)]
        target = targets.get((folder, written))
        if target is None:
            target = targets[folder, written] = _target(folder, written, files)
        if target is _AS_WRITTEN:
            return f"{prefix}{match.group(2)}{mark}"
        if isinstance(target, _Target):
            # MkDocs' own path for a link to a page that exists and is built, without its
            # lookups: a role page links to the same hundred pages as its neighbours.
            if target.fragment:
                anchors = resolver.links_to_anchors.setdefault(target.file, {})
                anchors.setdefault(target.fragment, written)
            relative = get_relative_url(target.file.url, page.file.url)
            url = urlunsplit(("", "", relative, target.query, target.fragment))
        else:
            url = resolver.path_to_url(written)
        return f"{prefix}{html.escape(url)}{mark}"

    content = _LINK.sub(resolved, converted.html)
    page.content = content
    page.toc = get_toc(
        nest_toc_tokens(
            [
                {"level": h.level, "id": h.id, "name": h.name, "html": h.html}
                for h in converted.headings
            ]
        )
    )
    page._title_from_render = converted.title
    page.present_anchor_ids = set(converted.anchors)
    # As MkDocs does: the links are kept only when its page module does not log debug.
    if logging.getLogger("mkdocs.structure.pages").getEffectiveLevel() > logging.DEBUG:
        page.links_to_anchors = resolver.links_to_anchors


@dataclass(frozen=True)
class _Target:
    file: File
    query: str
    fragment: str


_TITLE = f' title="{LINK_MARK}"'
_AS_WRITTEN = object()
"""A link MkDocs does not resolve (an address elsewhere): left as the renderer wrote it."""
_BY_MKDOCS = object()
"""A link MkDocs resolves with a warning or a special case: left to its own code."""
_TARGETS: weakref.WeakKeyDictionary[Files, dict[tuple[str, str], object]] = (
    weakref.WeakKeyDictionary()
)
"""For each build's files: (folder of the linking page, link as written) → what it points at."""


def _target(folder: str, url: str, files: Files) -> object:
    """What a Markdown link written on a page in ``folder`` points at: a file of the site that
    MkDocs links to without a word (:class:`_Target`), an address MkDocs leaves alone, or a case
    for MkDocs' own code (a missing file, an absolute path, an anchor on the page itself)."""
    scheme, netloc, path, query, fragment = urlsplit(url)
    if scheme or netloc:
        return _AS_WRITTEN
    if not path or path.startswith(("/", "\\")) or AMP_SUBSTITUTE in url:
        return _BY_MKDOCS
    target_uri = posixpath.normpath(posixpath.join(folder, unquote(path)).lstrip("/"))
    file = files.get_file_from_path(target_uri)
    if file is None or file.inclusion.is_excluded():  # type: ignore[no-untyped-call]
        return _BY_MKDOCS
    return _Target(file, query, fragment)
