"""Material's search preparation, remembered by page content across builds and serve rebuilds.

For every page on every build Material's search plugin parses the HTML into sections and splits
each Chinese run into words with jieba; on a national group's handbook that is most of the build,
and nearly all of it is repeated, since a pull request changes a few pages. Two memories:

* a page's search entries, keyed by a hash of everything the plugin reads from the page (HTML,
  table of contents, address, title, metadata) and by the versions of Material and jieba; kept in
  ``.cache/`` between builds and in memory between ``mkdocs serve`` rebuilds. Only the pages of the
  latest build are written back, so the file never outgrows the site;
* jieba's segmentation of each distinct Chinese run, within one process: role pages repeat the
  same phrases thousands of times, and a cold build segments each of them once. A build with
  little to segment reads jieba's dictionary from a table on disk (:mod:`validator.word_table`)
  instead of loading all of it.

Both give exactly the entries Material would compute, in the same order.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import logging
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from validator.exports.output import write_atomically
from validator.installed import package_versions
from validator.parallel_load import in_forked_shares, worker_count
from validator.scratch_files import remove_stale_scratch
from validator.search_index import compact_json
from validator.word_table import LOOKUPS_BEFORE_LOADING, open_tokenizer, table_path, write_table

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

_FORMAT = 3
# Shared by the builds of one `mkdocs serve` process: MkDocs makes new plugin objects each time.
_MEMORY: dict[str, list[dict[str, Any]]] = {}
_LOADED: set[Path] = set()


def _toc(items: Iterable[Any]) -> Iterator[str]:
    for item in items:
        yield f"{item.id}\0{item.url}\0{item.title}"
        yield from _toc(item.children)


def page_key(page: Any, salt: str) -> str:
    """A hash of everything Material's search index reads from ``page``."""
    meta = {name: page.meta.get(name) for name in ("title", "tags", "search")}
    parts = [
        salt,
        page.url,
        str(page.title),
        json.dumps(meta, sort_keys=True, default=str, ensure_ascii=False),
        "\n".join(_toc(page.toc)),
        page.content or "",
    ]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


class SegmentMemo:
    """Stands in for the ``jieba`` module in Material's search plugin; remembers each run's cut."""

    def __init__(self, jieba: Any) -> None:
        self.jieba = jieba
        self.table: Path | None = None
        self._opened: tuple[Any, Any] | None = None
        self._opened_in = 0
        self._own_dictionary = False

    def use_table(self, path: Path | None) -> None:
        """Read jieba's dictionary from the table at ``path`` until there is much to segment;
        None: the site configures a dictionary of its own, so there is no table to read, and
        nothing this process loads is ever written to one (a ``mkdocs serve`` whose settings
        change keeps the loaded dictionary)."""
        if path is None:
            self._own_dictionary = True
        if path != self.table:
            self.table = path
            self._opened = None

    def _tokenizer(self) -> Any:
        if self.table is None or self.jieba.dt.initialized:
            return self.jieba
        # A forked worker opens the table again: SQLite connections must not cross a fork.
        if self._opened is None or self._opened_in != os.getpid():
            self._opened = open_tokenizer(self.table) or (self.jieba, None)
            self._opened_in = os.getpid()
        tokenizer, frequencies = self._opened
        if frequencies is not None and frequencies.lookups > LOOKUPS_BEFORE_LOADING:
            return self.jieba
        return tokenizer

    @functools.lru_cache(maxsize=200_000)  # noqa: B019 - one object per process, bounded
    def _cut(self, sentence: bytes) -> tuple[str, ...]:
        tokenizer = self._tokenizer()
        try:
            return tuple(tokenizer.cut(sentence))
        except sqlite3.Error as error:
            if tokenizer is self.jieba:
                raise
            # A table damaged inside (a crash while it was written, say) is set aside: this
            # process loads jieba's dictionary, and writes a new table from it once its share
            # of pages (or the build) is done.
            log.info("jieba's word table is damaged (%s); it is written again", error)
            self._opened = (self.jieba, None)
            if self.table is not None:
                self.table.unlink(missing_ok=True)
            return tuple(self.jieba.cut(sentence))

    def cut(self, sentence: Any, *args: Any, **kwargs: Any) -> Any:
        """jieba's words of ``sentence``, computed once per distinct run."""
        if args or kwargs or not isinstance(sentence, bytes | str):
            return self.jieba.cut(sentence, *args, **kwargs)
        if isinstance(sentence, str):
            sentence = sentence.encode("utf-8")
        return iter(self._cut(sentence))

    def keep_table(self) -> None:
        """Write the dictionary jieba loaded in this process to the table, if there is none yet
        and it is jieba's own (no dictionary of the site's was ever loaded here)."""
        loaded = self.jieba.dt
        if self.table is None or self.table.is_file() or not loaded.initialized:
            return
        if self._own_dictionary or loaded.dictionary is not None:
            return
        try:
            write_table(self.table, loaded.FREQ, loaded.total)
        except Exception as error:  # a table that cannot be written only costs time
            # Not a warning: a strict build would fail for it.
            log.info("jieba's word table not saved: %s", error)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.jieba, name)


def install_segment_memo(folder: Path | None = None) -> SegmentMemo | None:
    """Let Material's search plugin segment each distinct Chinese run once per process.

    With ``folder``, jieba's default dictionary is read from a table kept there; None leaves
    jieba's own loading (a dictionary of the site's own is configured).
    """
    try:
        from material.plugins.search import plugin as search_module  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - Material is a dependency
        return None
    current = getattr(search_module, "jieba", None)
    if current is None:
        return None
    if not isinstance(current, SegmentMemo):
        current = search_module.jieba = SegmentMemo(current)
    current.use_table(table_path(folder) if folder is not None else None)
    return current


class SearchCache:
    """Remembers the search entries of each page, keyed by :func:`page_key`, in ``folder``."""

    def __init__(
        self, folder: Path, settings: str = "", segments: SegmentMemo | None = None
    ) -> None:
        self.file = folder / "search-entries.jsonl"
        self.segments = segments
        # ``settings``: the search plugin's options that change its entries (jieba's dictionaries).
        self.salt = f"{_FORMAT}:{package_versions('mkdocs-material', 'jieba')}:{settings}"
        self.used: dict[str, list[dict[str, Any]]] = {}
        self.prepared: set[str] = set()
        """Pages whose entries :meth:`prepare` computed in this build."""
        self._index: Any = None
        self._compute: Callable[[Any], None] | None = None
        self.hits = 0
        self.misses = 0
        if self.file not in _LOADED:
            _LOADED.add(self.file)
            _MEMORY.update(self._read())

    def _read(self) -> dict[str, list[dict[str, Any]]]:
        # A line per page (see save): a national group's 30 MB is never in memory as one text.
        pages: dict[str, list[dict[str, Any]]] = {}
        try:
            with self.file.open("rb") as stream:
                header = json.loads(stream.readline() or b"null")
                if not isinstance(header, dict) or header.get("salt") != self.salt:
                    return {}
                for line in stream:
                    if not line.strip():
                        continue
                    key, entries = json.loads(line)
                    if not isinstance(key, str) or not _entries(entries):
                        return {}
                    pages[key] = entries
        except (OSError, ValueError, TypeError, RecursionError):
            return {}
        return pages

    def wrap(self, index: Any) -> None:
        """Serve ``index.add_entry_from_context`` from the cache when the page is unchanged."""
        compute: Callable[[Any], None] = index.add_entry_from_context
        self._index, self._compute = index, compute

        def add_entry_from_context(page: Any) -> None:
            key = page_key(page, self.salt)
            entries = _MEMORY.get(key)
            if entries is None:
                self.misses += 1
                before = len(index.entries)
                compute(page)
                entries = index.entries[before:]
                _MEMORY[key] = entries
            else:
                # Entries prepared in this build were computed for it, not reused.
                if key in self.prepared:
                    self.misses += 1
                else:
                    self.hits += 1
                # Copies, because the search plugin edits entries of a dirty rebuild in place.
                index.entries.extend(dict(entry) for entry in entries)
            self.used[key] = entries

        index.add_entry_from_context = add_entry_from_context

    def prepare(self, pages: Iterable[Any]) -> None:
        """Prepare, on every core the machine gives the build, the entries of the pages no
        earlier build prepared (a national group's first build has thousands); the build then
        finds them ready. Does nothing for a few pages, or where workers cannot be forked.

        Called once every page is converted: an entry is found by everything the search plugin
        reads from its page, so a page changed afterwards is simply prepared again."""
        compute = self._compute
        if compute is None:
            return
        waiting = []
        for page in pages:
            key = page_key(page, self.salt)
            if page.content is not None and key not in _MEMORY:
                waiting.append((key, page))
        workers = worker_count(len(waiting), PARALLEL_FROM)
        shares = in_forked_shares(
            len(waiting),
            workers,
            functools.partial(_prepare_share, waiting, self._index, compute, self.segments),
            weights=[len(page.content) for _, page in waiting],
            here=False,
        )
        if shares is None:
            return
        # A lost worker's pages are prepared as usual later.
        done = [entry for _, result in shares for entry in result or ()]
        _MEMORY.update(done)
        self.prepared.update(key for key, _ in done)
        log.debug("search entries of %d pages prepared on %d cores", len(done), workers + 1)

    def save(self, *, prune: bool) -> None:
        """Keep the entries for the next build; with ``prune``, only those of this build's pages.

        ``mkdocs serve --dirty`` builds only the edited pages, so it must not prune.
        """
        log.debug("search cache: %d pages reused, %d prepared", self.hits, self.misses)
        if self.segments is not None:
            self.segments.keep_table()
            if self.segments.table is not None:
                remove_stale_scratch(self.segments.table.parent)
        if not self.misses and (not prune or len(self.used) == len(_MEMORY)):
            return
        if prune:
            # Entries of pages gone from the site are forgotten, in memory and on disk.
            for key in set(_MEMORY) - set(self.used):
                del _MEMORY[key]
        lines = itertools.chain(
            [json.dumps({"salt": self.salt}, ensure_ascii=False)],
            (compact_json([key, entries]) for key, entries in _MEMORY.items()),
        )
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(self.file, functools.partial(_write, lines=lines))
            # Written as one JSON text by version 0.3.3 and earlier.
            self.file.with_suffix(".json").unlink(missing_ok=True)
        except Exception as error:  # a cache that cannot be written only costs time
            # Not a warning: a strict build would fail for it.
            log.info("search cache not saved: %s", error)


PARALLEL_FROM = 60
"""Fewest pages worth preparing on several cores."""


def _prepare_share(
    waiting: list[tuple[str, Any]],
    index: Any,
    compute: Callable[[Any], None],
    segments: SegmentMemo | None,
    start: int,
    stop: int,
) -> list[tuple[str, list[dict[str, Any]]]]:
    done = []
    for key, page in waiting[start:stop]:
        before = len(index.entries)
        compute(page)
        done.append((key, index.entries[before:]))
        # Only remembered here: the build adds each page's entries in its own order.
        del index.entries[before:]
    if segments is not None:
        # The shares are prepared in workers, so the build itself never loads jieba's
        # dictionary (nor holds it): a worker that loaded it keeps it for later builds, unless
        # another did (each table is written whole under a new name, then renamed).
        segments.keep_table()
    return done


def _entries(value: Any) -> bool:
    """Whether ``value`` is a page's entries as the search plugin makes them."""
    return isinstance(value, list) and all(
        isinstance(entry, dict)
        and all(isinstance(entry.get(field), str) for field in ("location", "title", "text"))
        for entry in value
    )


def _write(path: Path, *, lines: Iterable[str]) -> None:
    with path.open("w", encoding="utf-8") as stream:
        for line in lines:
            stream.write(line + "\n")
