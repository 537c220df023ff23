"""jieba's dictionary as a table on disk, read one word at a time.

Before jieba cuts its first sentence it loads its whole dictionary: half a million entries, about
0.7 s on an idle machine and twice that while the PDFs print beside the pages. A build after a
one-line edit segments a page or two, which look up a few thousand of those entries. So the
dictionary is kept in ``.cache/`` as an SQLite table, written once by a build that loaded it
anyway, and a later build looks up only the words its sentences ask for. The words are jieba's
own, so the cut is exactly the one jieba makes; a build with much to segment (a cold build of a
large handbook) still loads the whole dictionary, which is quicker per word.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from validator.installed import package_versions
from validator.scratch_files import scratch_path

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

# Past this many lookups on disk a build has enough to segment that loading the whole dictionary
# is quicker (about 8 µs a lookup, against 0.7 s for the load).
LOOKUPS_BEFORE_LOADING = 100_000
_FORMAT = "1"


def table_path(folder: Path) -> Path:
    """Where the table of the installed jieba's dictionary is kept in ``folder``."""
    version = package_versions("jieba").partition("=")[2]
    return folder / f"jieba-{version}-words.sqlite"


class DiskFrequencies:
    """The part of a ``dict`` jieba's tokenizer uses for its word frequencies, read from disk."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        self._known: dict[str, int | None] = {}
        self.lookups = 0

    def get(self, word: str, default: Any = None) -> Any:
        """The frequency of ``word``; ``default`` for a word not in the dictionary."""
        try:
            found = self._known[word]
        except KeyError:
            self.lookups += 1
            row = self._connection.execute("SELECT f FROM w WHERE k = ?", (word,)).fetchone()
            found = self._known[word] = None if row is None else int(row[0])
        return default if found is None else found

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.get(word) is not None

    def __getitem__(self, word: str) -> int:
        found = self.get(word)
        if found is None:
            raise KeyError(word)
        return int(found)

    def __iter__(self) -> Iterator[str]:  # pragma: no cover - jieba's cut never iterates
        raise TypeError("the dictionary on disk is read one word at a time")


def open_tokenizer(path: Path) -> tuple[Any, DiskFrequencies] | None:
    """A jieba tokenizer reading its dictionary from the table at ``path``; None without one."""
    if not path.is_file():
        return None
    try:
        import jieba  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - Material's search needs it for Chinese anyway
        return None
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        rows = dict(connection.execute("SELECT k, v FROM meta").fetchall())
    except sqlite3.Error as error:
        log.debug("jieba's word table not used: %s", error)
        return None
    if rows.get("format") != _FORMAT or "total" not in rows:
        connection.close()
        return None
    frequencies = DiskFrequencies(connection)
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ = frequencies
    tokenizer.total = int(rows["total"])
    tokenizer.initialized = True
    return tokenizer, frequencies


def write_table(path: Path, frequencies: dict[str, int], total: int) -> None:
    """Keep jieba's loaded dictionary at ``path`` for later builds (replaced whole, atomically)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # A new name SQLite creates itself, so the table gets the usual permissions (the umask's),
    # like every other file of the cache, not a temporary file's private ones.
    name = str(scratch_path(path.parent, "words"))
    try:
        connection = sqlite3.connect(name)
        try:
            connection.execute("PRAGMA journal_mode = OFF")
            connection.execute("PRAGMA synchronous = OFF")
            connection.execute("CREATE TABLE w (k TEXT PRIMARY KEY, f INTEGER) WITHOUT ROWID")
            connection.execute("CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT)")
            connection.executemany("INSERT INTO w VALUES (?, ?)", frequencies.items())
            connection.executemany(
                "INSERT INTO meta VALUES (?, ?)", [("format", _FORMAT), ("total", str(total))]
            )
            connection.commit()
        finally:
            connection.close()
        # Written without SQLite's own syncing (much faster): synced once, whole, before it
        # takes the table's name, so a crash never leaves half a table under it.
        with open(name, "rb") as written:
            os.fsync(written.fileno())
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
