"""Parsed policy files kept between checks, so that a file not changed since is not parsed again.

Parsing is most of a large handbook's check, and an editor checks again after changing one file
(the pre-commit hook, ``mkdocs serve``, ``make site``). The parsed data of every file that loaded
without a problem is kept in one file of the cache folder, under the hash of the file's bytes;
the next check takes it from there for every file whose bytes hash the same. A file with a
problem is parsed every time, so its findings are always found afresh.

What is kept depends on the validator's code and the libraries it parses with: a change to
either makes every file parse again. The cache is trusted as far as the folder is (the caller
decides: see :func:`validator.revision.committed_files`); a damaged or unreadable one is
simply not used, and one that cannot be written only costs time.
"""

from __future__ import annotations

import hashlib
import marshal
import sys
from pathlib import Path

import yaml

from validator.installed import code_digest
from validator.loader import Limits, LoadResult, ParsedFields, parsed_document, parsed_fields
from validator.scratch_files import replace_whole
from validator.text_encoding import decode

FILE_NAME = "parsed.marshal"
"""The file in the cache folder that holds every kept file."""

Kept = tuple[bytes, ParsedFields]
"""A file's kept parse: the hash of its bytes, and what parsing them gave."""


class ParseCache:
    """The parsed files of one policy tree, by display path (``policies/roles/x.yaml``)."""

    def __init__(self, folder: Path, limits: Limits) -> None:
        self.file = folder / FILE_NAME
        # With or without libyaml, PyYAML parses through other code.
        parser = f"pyyaml={yaml.__version__},libyaml={yaml.__with_libyaml__}"
        self.key = f"{code_digest()}\0{parser}\0{sys.version}\0{limits!r}"
        self.kept: dict[str, Kept] = _read(self.file, self.key)
        self.changed = False

    def get(self, display: str, raw: bytes) -> LoadResult | None:
        """What loading these bytes gave last time, if they are the same as then."""
        kept = self.kept.get(display)
        if kept is None or not _well_formed(kept) or kept[0] != _digest(raw):
            return None
        text = decode(raw, display)
        if not isinstance(text, str):  # cannot be, for bytes that loaded before
            return None
        return LoadResult(parsed_document(display, kept[1], text), [])

    def keep(self, display: str, raw: bytes, result: LoadResult) -> None:
        """Keep what loading the file gave, when it loaded without a problem."""
        document = result.document
        if document is None or result.findings:
            if self.kept.pop(display, None) is not None:
                self.changed = True
            return
        self.kept[display] = (_digest(raw), parsed_fields(document))
        self.changed = True

    def forget_others(self, displays: set[str]) -> None:
        """Let go of the files no longer in the tree."""
        for display in [d for d in self.kept if d not in displays]:
            del self.kept[display]
            self.changed = True

    def save(self) -> None:
        """Write what is kept, if it changed; a folder that cannot be written is left alone."""
        if not self.changed:
            return
        try:
            blob = marshal.dumps((self.key, self.kept))
        except ValueError:  # data marshal cannot write (nested too deeply): nothing is kept
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            replace_whole(self.file, lambda scratch: scratch.write_bytes(blob))
        except OSError:
            return
        self.changed = False


def _well_formed(kept: object) -> bool:
    # What this module writes; anything else (a hand-made file) is parsed past, not trusted.
    return (
        isinstance(kept, tuple)
        and len(kept) == 2
        and isinstance(kept[0], bytes)
        and isinstance(kept[1], tuple)
        and len(kept[1]) == 4
        and isinstance(kept[1][1], dict | None)
        and isinstance(kept[1][2], str)
        and isinstance(kept[1][3], bool)
    )


def _digest(raw: bytes) -> bytes:
    return hashlib.sha256(raw).digest()


def _read(file: Path, key: str) -> dict[str, Kept]:
    try:
        stored = marshal.loads(file.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    if not (isinstance(stored, tuple) and len(stored) == 2 and stored[0] == key):
        return {}
    kept = stored[1]
    return kept if isinstance(kept, dict) else {}
