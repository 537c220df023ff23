"""The rule registry: every check the validator makes, under a stable kebab-case id.

A rule is a plain function over the :class:`~validator.model.Handbook` that yields
:class:`Problem` values (where, what, how to fix); the engine stamps on the id and severity and
turns each ``Ref`` into file:line:col. The function's docstring is the rule's user documentation:

* line 1: the summary in Chinese; line 2: the summary in English;
* then the body (what it checks, why it matters, how to fix it), rendered on the handbook site.

Checks made by the load and schema stages are registered here too (with no function), so every
finding the tool can emit has an id, a default severity and documentation.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from validator.findings import Finding, Ref, Severity, Text

if TYPE_CHECKING:
    from validator.model import Handbook

RULE_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_CJK = "\u3000-\u30ff\u3400-\u9fff\uff00-\uffef"
_CJK_WRAP = re.compile(f"(?<=[{_CJK}])\n[ \t]*(?=[{_CJK}])")


@dataclass(frozen=True)
class Problem:
    """What a rule reports: where (a ``Ref``), what is wrong, how to fix it, and the other end."""

    where: Ref
    message: Text
    hint: Text | None = None
    related: tuple[Ref, ...] = ()
    subject: str | None = None
    """The id this problem is about; waivers target it and ``explain`` lists it."""


Check = Callable[["Handbook"], Iterable[Problem]]


@dataclass(frozen=True)
class Rule:
    """A registered check."""

    id: str
    severity: Severity
    stage: str
    """``load``, ``schema`` or ``rules``: the stage that emits its findings."""
    doc: str
    check: Check | None = None
    partial: bool = False
    """Whether the rule also runs while some files are held back by reading or schema errors:
    it looks at each file on its own, so its findings stand whatever the broken files hold."""

    @property
    def adjustable(self) -> bool:
        """Whether ``rules:`` in ``handbook.yaml`` may change the severity (not for the reading
        checks, nor for the check of those settings themselves)."""
        return self.stage == "rules" and self.id != "rule-config"

    @property
    def summary(self) -> Text:
        """The first paragraph of the documentation: a Chinese line, then the English."""
        paragraph = self.doc.strip().split("\n\n", 1)[0].splitlines()
        zh = paragraph[0].strip()
        en = " ".join(line.strip() for line in paragraph[1:]) or zh
        return Text(zh, en)

    @property
    def body(self) -> str:
        """The documentation after the summary paragraph (Markdown)."""
        parts = self.doc.strip().split("\n\n", 1)
        # Chinese has no spaces between words: a line wrapped inside a Chinese sentence must not
        # become one when Markdown joins the lines.
        return _CJK_WRAP.sub("", parts[1].strip()) if len(parts) > 1 else ""


RULES: dict[str, Rule] = {}


def _register(entry: Rule) -> None:
    if not RULE_ID.match(entry.id):
        raise ValueError(f"rule id {entry.id!r} is not kebab-case")
    if entry.id in RULES:
        raise ValueError(f"duplicate rule id {entry.id!r}")
    if len(entry.doc.strip().splitlines()) < 2:
        raise ValueError(f"rule {entry.id!r} needs a docstring with zh and en summaries")
    RULES[entry.id] = entry


def rule(
    rule_id: str, severity: Severity = Severity.ERROR, *, partial: bool = False
) -> Callable[[Check], Check]:
    """Register a rule under ``rule_id``; its docstring is its documentation. ``partial``: the
    rule looks at each file on its own, so it runs even while broken files hold the others back.
    """

    def register(check: Check) -> Check:
        doc = inspect.getdoc(check) or ""
        _register(Rule(rule_id, severity, "rules", doc, check, partial))
        return check

    return register


def builtin(rule_id: str, stage: str, doc: str, severity: Severity = Severity.ERROR) -> None:
    """Register a check made by the load or schema stage (documentation only)."""
    _register(Rule(rule_id, severity, stage, inspect.cleandoc(doc)))


def held_back(findings: Iterable[Finding]) -> list[str]:
    """The files whose reading or schema errors keep the cross-file rules from running (none
    when they ran): the engine leaves them out of the per-file rules, the reports name them, and
    the comparison of two revisions compares per-file findings only in the others."""
    gates = {rid for rid, entry in RULES.items() if entry.stage in ("load", "schema")}
    return sorted(
        {f.location.path for f in findings if f.rule in gates and f.severity is Severity.ERROR}
    )
