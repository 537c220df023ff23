"""``handbook rules``: every rule with its severity and summary, or one rule's documentation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from validator.outputs import Format, as_json
from validator.rules import Rule


def rule_json(entry: Rule) -> dict[str, Any]:
    """One rule as JSON data."""
    return {
        "id": entry.id,
        "severity": entry.severity.label,
        "stage": entry.stage,
        "summary": {"zh": entry.summary.zh, "en": entry.summary.en},
        "description": entry.body,
    }


def _text(entries: Sequence[Rule], lang: str) -> str:
    if len(entries) == 1:
        # One rule asked for by id: its whole documentation, as the site shows it.
        entry = entries[0]
        head = f"{entry.id}  ({entry.severity.label}, {entry.stage})"
        return f"{head}\n{entry.summary.get(lang)}\n\n{entry.body}\n"
    width = max(len(entry.id) for entry in entries)
    return "".join(
        f"{entry.id:<{width}}  {entry.severity.label:<7}  {entry.stage:<6}  "
        f"{entry.summary.get(lang)}\n"
        for entry in entries
    )


def _json(entries: Sequence[Rule], lang: str) -> str:
    return as_json([rule_json(entry) for entry in entries])


FORMATS: dict[str, Format[Sequence[Rule]]] = {"text": _text, "json": _json}
