"""Each page's Markdown → HTML conversion, remembered by page content across builds.

Converting a page, and sanitising its HTML, is repeated on every build for every page, though a
pull request changes a few of a national group's thousands. A page's conversion depends only on
its Markdown, its place in the site, the set of files it may link to, the Markdown settings and
the code that converts it (the generated pages' converter is this package's: see
:mod:`validator.generated_render`), so a hash of those finds an earlier result: the HTML
(sanitised), the table of contents, the title and the anchors MkDocs checks links against.
Anything else (a new page, a changed setting, another MkDocs or Markdown version) changes the
hash and the page is converted as usual, warnings included.

Entries are JSON files under ``.cache/``, read only for a page that needs them; a full build
keeps only the entries it used. The plugin's sanitiser runs once, with the conversion; a page
whose HTML another plugin changed afterwards is sanitised again (see :meth:`RenderCache.finished`).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents

from validator.errors import ToolError
from validator.exports.output import write_atomically
from validator.generated_render import render_generated
from validator.installed import code_digest, package_versions
from validator.parallel_load import in_forked_shares, worker_count
from validator.scratch_files import remove_stale_scratch

_FORMAT = 1
_ACTIVE: list[RenderCache] = []
"""The cache of the build in progress (at most one); the wrapper below consults it."""
_ORIGINAL: list[Callable[[Page, MkDocsConfig, Files], None]] = []
_GENERATED: set[str] = set()
"""The site paths of the pages :func:`render_generated` converts in the build in progress."""


class RenderCache:
    """Converted pages of earlier builds, found by what each conversion depends on."""

    def __init__(
        self,
        folder: Path,
        config: MkDocsConfig,
        files: Files,
        generated: Iterable[str] = (),
        finish: Callable[[str], str] = str,
    ) -> None:
        """``generated``: the pages converted by :func:`render_generated` (see :func:`activate`);
        ``finish``: what the build does to every page's HTML afterwards (the plugin's
        sanitiser), done once with the conversion and kept with it (see :meth:`finished`)."""
        self.folder = folder
        self.finish = finish
        self._finished: dict[str, str] = {}
        self.used: set[str] = set()
        self.hits = 0
        self.misses = 0
        self.ready: dict[str, dict[str, Any]] = {}
        """Pages :meth:`prepare` converted for this build that could not be written."""
        context = [
            str(_FORMAT),
            package_versions(
                "mkdocs", "markdown", "mkdocs-material", "pymdown-extensions", "cmarkgfm", "nh3"
            ),
            # The generated pages are converted by this package's own code.
            code_digest(),
            "\n".join(sorted(generated)),
            json.dumps(config["markdown_extensions"], default=repr),
            json.dumps(config["mdx_configs"], sort_keys=True, default=repr),
            json.dumps(config["validation"], sort_keys=True, default=repr),
            str(config["use_directory_urls"]),
            # Links are checked against the files and rewritten to their addresses.
            "\n".join(sorted(f"{f.src_uri}\0{f.url}" for f in files)),
        ]
        self.context = hashlib.sha256("\x1f".join(context).encode()).hexdigest()

    def key(self, page: Page) -> str:
        """What the conversion of ``page`` depends on, hashed."""
        parts = [self.context, page.file.src_uri, page.url, page.markdown or ""]
        return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()

    def render(self, page: Page, config: MkDocsConfig, files: Files) -> None:
        """Convert ``page`` (its content, table of contents, title and anchors), from the cache
        when an earlier build (or :meth:`prepare`) converted the same page."""
        key = self.key(page)
        self.used.add(key)
        entry = self.ready.pop(key, None) or self._read(key)
        if entry is not None and _restore(page, entry, files):
            self.hits += 1
            self._finished[page.file.src_uri] = page.content or ""
            return
        self.misses += 1
        entry = _convert(page, config, files, self.finish)
        if entry is not None:
            self._write(key, entry)
            page.content = self._finished[page.file.src_uri] = entry["content"]

    def finished(self, page: Page, html: str) -> bool:
        """Whether ``html`` is ``page``'s content as this cache finished it, untouched since
        (the very string: a plugin that changed it made another). Asked once per conversion:
        kept longer, every page's HTML would be held to the end of the build."""
        return self._finished.pop(page.file.src_uri, None) is html

    def prepare(
        self, pages: list[Page], config: MkDocsConfig, files: Files, *, dirty: bool = False
    ) -> None:
        """Convert the pages no earlier build converted on every core the machine gives the
        build (a national group's first build converts thousands); MkDocs then finds them
        ready. Does nothing for a few pages, or where worker processes cannot be forked.
        ``dirty``: the build reads only the pages changed since the previous one."""
        waiting = []

        def unread(page: Page) -> None:
            # MkDocs reads the page again before converting it (a dirty build, only a changed
            # one: the others keep their Markdown, and the title it gives them).
            if not dirty or page.file.is_modified():
                page.markdown = None
                page.meta = {}

        weights = []
        for page in pages:
            page.read_source(config)
            if not (self.folder / f"{self.key(page)}.json").is_file():
                waiting.append(page)
                weights.append(len(page.markdown or ""))
            # Held for every page, the Markdown would be 100 MB, in this process and in every
            # worker forked from it; a share reads its pages again.
            unread(page)
        shares = in_forked_shares(
            len(waiting),
            worker_count(len(waiting), PARALLEL_FROM),
            functools.partial(_convert_share, waiting, config, files, self, unread),
            weights=weights,
            here=False,
        )
        # Each share wrote its entries to the cache as it went, where MkDocs reads them like an
        # earlier build's; only those that could not be written come back. A lost worker's
        # pages are converted as usual later.
        self.ready.update(entry for _, result in shares or () for entry in result or ())

    def prune(self) -> None:
        """Forget the pages this build did not convert, so the cache never outgrows the site,
        and what a worker stopped while writing left behind."""
        for path in self.folder.glob("*.json"):
            if path.stem not in self.used:
                try:
                    path.unlink(missing_ok=True)
                except OSError:  # a cache that cannot be pruned only takes room
                    logging.getLogger(__name__).debug("not pruned: %s", path, exc_info=True)
        remove_stale_scratch(self.folder)

    def _read(self, key: str) -> dict[str, Any] | None:
        try:
            entry = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return entry if isinstance(entry, dict) else None

    def _write(self, key: str, entry: dict[str, Any]) -> bool:
        """Keep ``entry`` for later builds; whether it could be written."""
        text = json.dumps(entry, ensure_ascii=False)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomically(self.folder / f"{key}.json", functools.partial(_save, text))
        except (ToolError, OSError, UnicodeError):
            # A cache that cannot be written only costs time on the next build.
            logging.getLogger(__name__).debug("render cache not written", exc_info=True)
            return False
        return True


class _Warnings(logging.Handler):
    """Counts the warnings MkDocs logs while one page is converted."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def _save(text: str, path: Path) -> None:
    path.write_text(text, encoding="utf-8", errors="surrogatepass")


def activate(cache: RenderCache | None, generated: Iterable[str] = ()) -> None:
    """Make ``cache`` the one MkDocs' page conversion consults (``None``: convert every page
    afresh), and have the pages at the site paths ``generated`` converted by
    :func:`render_generated` (the others by MkDocs, as the site configures it)."""
    if not _ORIGINAL:
        _ORIGINAL.append(Page.render)

        def render(page: Page, config: MkDocsConfig, files: Files) -> None:
            if _ACTIVE:
                _ACTIVE[0].render(page, config, files)
            else:
                _render(page, config, files)

        Page.render = render  # type: ignore[method-assign,assignment]
    _ACTIVE.clear()
    if cache is not None:
        _ACTIVE.append(cache)
    _GENERATED.clear()
    _GENERATED.update(generated)


def _render(page: Page, config: MkDocsConfig, files: Files) -> None:
    if page.file.src_uri in _GENERATED:
        render_generated(page, config, files)
    else:
        _ORIGINAL[0](page, config, files)


PARALLEL_FROM = 60
"""Fewest pages worth converting on several cores."""


def _convert_share(
    pages: list[Page],
    config: MkDocsConfig,
    files: Files,
    cache: RenderCache,
    unread: Callable[[Page], None],
    start: int,
    stop: int,
) -> list[tuple[str, dict[str, Any]]]:
    """In a worker (never in the build itself: see ``here=False`` above), convert
    ``pages[start:stop]`` and write each entry to the cache at once (half a national group's
    pages is some 60 MB of HTML); the entries that could not be written are returned."""
    # Its warnings would be printed twice, since a page that warns is converted again in the
    # build itself, which reports it.
    logging.getLogger("mkdocs").handlers.clear()
    unwritten = []
    for page in pages[start:stop]:
        page.read_source(config)
        key = cache.key(page)
        entry = _convert(page, config, files, cache.finish)
        unread(page)
        if entry is not None and not cache._write(key, entry):
            unwritten.append((key, entry))
        # Kept on the page, a share's HTML would stay with its worker to the end.
        page.content, page.toc = None, TableOfContents([])
        page.present_anchor_ids = page.links_to_anchors = None
    return unwritten


def _convert(
    page: Page, config: MkDocsConfig, files: Files, finish: Callable[[str], str]
) -> dict[str, Any] | None:
    """Convert ``page`` as MkDocs does; its cache entry (the content finished), or ``None``
    when the conversion warned (a broken link, say): such a page is converted again next time,
    so the warning, and a strict build's failure, come back until the page is fixed."""
    watcher = _Warnings()
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.addHandler(watcher)
    try:
        _render(page, config, files)
    finally:
        mkdocs_log.removeHandler(watcher)
    return None if watcher.count else _entry(page, finish)


def _entry(page: Page, finish: Callable[[str], str]) -> dict[str, Any]:
    links = page.links_to_anchors
    return {
        "content": finish(page.content or ""),
        "toc": [_anchor(item) for item in page.toc],
        "title": page._title_from_render,
        "anchors": sorted(page.present_anchor_ids or ()),
        "links": None
        if links is None
        else {file.src_uri: dict(anchors) for file, anchors in links.items()},
    }


def _anchor(item: AnchorLink) -> dict[str, Any]:
    return {
        "title": item.title,
        "id": item.id,
        "level": item.level,
        "children": [_anchor(child) for child in item.children],
    }


def _restore(page: Page, entry: dict[str, Any], files: Files) -> bool:
    try:
        toc = [_link(item) for item in entry["toc"]]
        if toc:
            toc[0].active = True  # type: ignore[attr-defined]  # as MkDocs' get_toc does
        links = None
        if entry["links"] is not None:
            links = {}
            for uri, anchors in entry["links"].items():
                target = files.get_file_from_path(uri)
                if target is None:
                    return False
                links[target] = dict(anchors)
        page.content = str(entry["content"])
        page.toc = TableOfContents(toc)
        page._title_from_render = entry["title"]
        page.present_anchor_ids = set(entry["anchors"])
        # As MkDocs does: the links are kept only when its page module does not log debug.
        if logging.getLogger("mkdocs.structure.pages").getEffectiveLevel() > logging.DEBUG:
            page.links_to_anchors = links
    except (KeyError, TypeError, ValueError, AttributeError):
        return False
    return True


def _link(item: dict[str, Any]) -> AnchorLink:
    anchor = AnchorLink(str(item["title"]), str(item["id"]), int(item["level"]))
    anchor.children.extend(_link(child) for child in _children(item))
    return anchor


def _children(item: dict[str, Any]) -> Iterable[dict[str, Any]]:
    children = item["children"]
    if not isinstance(children, list):
        raise TypeError("children")
    return children
