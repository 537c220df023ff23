"""The finding model: what every stage of the validator produces and every reporter consumes.

A problem in the policy data is always a :class:`Finding`, never an exception. Findings are
immutable and sort by file, line and column, so output is stable from run to run.
"""

from __future__ import annotations

import enum
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field


class Severity(enum.IntEnum):
    """How serious a finding is; errors fail the run, warnings are reported only."""

    WARNING = 1
    ERROR = 2

    @property
    def label(self) -> str:
        """The lower-case English word used in machine-readable output."""
        return self.name.lower()

    @classmethod
    def parse(cls, word: str) -> Severity:
        """Read ``error`` or ``warning`` (as written in ``handbook.yaml``)."""
        return cls[word.upper()]


@dataclass(frozen=True)
class Text:
    """A sentence in Chinese and English; the reporter picks the reader's language."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        """Return the text in ``lang`` (``zh`` or ``en``), falling back to Chinese."""
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True, order=True)
class Location:
    """A place in a policy file: repository-relative POSIX path, 1-based line and column."""

    path: str
    line: int = 1
    column: int = 1
    pointer: str = ""
    """RFC 6901 JSON pointer into the document, e.g. ``/duties/3/id``."""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True, order=True)
class Finding:
    """One problem found in the policies.

    ``related`` holds the other end of a cross-file problem (the missing target, the first of two
    duplicates, the members of a cycle) so reporters can point at both places.
    """

    location: Location
    rule: str
    severity: Severity = field(compare=False)
    message: Text = field(compare=False)
    hint: Text | None = field(default=None, compare=False)
    related: tuple[Location, ...] = field(default=(), compare=False)
    subject: str | None = field(default=None, compare=False)
    """The id the finding is about (a duty, role, module...), for waivers and ``explain``."""
    waived_by: str | None = field(default=None, compare=False)
    """Set when a waiver accepts this finding: the waiver's location, for the record."""
    in_baseline: bool = field(default=False, compare=False)
    """Set when the finding was already there in the baseline (known debt)."""

    @property
    def suppressed(self) -> bool:
        """A waived finding stays visible but does not fail the run."""
        return self.waived_by is not None

    @property
    def fails(self) -> bool:
        """True for an error that no waiver accepts and that is not known debt."""
        return self.severity is Severity.ERROR and not self.suppressed and not self.in_baseline

    @property
    def fingerprint(self) -> str:
        """An identity that survives edits elsewhere in the file (lines and list positions move).

        Made of the rule, the file, the id the finding is about (or its pointer without list
        positions) and the English message without digits.
        """
        where = self.subject or _INDEX.sub("", self.location.pointer)
        message = _DIGITS.sub("#", self.message.en)
        key = "\x1f".join((self.rule, self.location.path, where, message))
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class Ref:
    """A place in the policy data as a rule sees it: a file plus a JSON pointer.

    Rules yield ``Ref`` values, never line numbers; the engine turns them into :class:`Location`.
    ``ref / "duties" / 3 / "id"`` reads like :mod:`pathlib`.
    """

    path: str
    pointer: str = ""
    line: int | None = None
    """In a file that is not a policy document (a committed CODEOWNERS), the line itself."""

    def __truediv__(self, key: str | int) -> Ref:
        return Ref(self.path, f"{self.pointer}/{escape_pointer_token(key)}")


_INDEX = re.compile(r"/\d+(?=/|$)")
_DIGITS = re.compile(r"\d+")


def escape_pointer_token(key: str | int) -> str:
    """Escape one JSON pointer token (RFC 6901: ``~`` → ``~0``, ``/`` → ``~1``)."""
    return str(key).replace("~", "~0").replace("/", "~1")


def pointer_of(parts: Iterable[str | int]) -> str:
    """Join path parts (keys and indices) into a JSON pointer."""
    return "".join(f"/{escape_pointer_token(p)}" for p in parts)


Trail = tuple["Trail", "str | int"] | None
"""A place in a document kept as a chain ``(parent, key)`` while walking it: building one costs a
tuple, and only the few places that are reported are turned into parts."""


def trail_parts(trail: Trail) -> list[str | int]:
    """The keys and indices of ``trail``, from the document's root."""
    parts: list[str | int] = []
    while trail is not None:
        trail, key = trail
        parts.append(key)
    return parts[::-1]


SHOWN = 60
"""Characters of a value a message quotes at most."""


def clip(text: str, limit: int = SHOWN) -> str:
    """``text`` cut to ``limit`` characters with "…", so a pasted novel never floods a message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def error_at(
    rule: str, path: str, line: int, column: int, message: Text, hint: Text | None = None
) -> Finding:
    """An error of ``rule`` at ``path:line:column`` (the loader's findings are all errors)."""
    return Finding(Location(path, line, column), rule, Severity.ERROR, message, hint)
