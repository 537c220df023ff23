"""What a policy field is called where people read about a change to it.

Editors know a field by its YAML key (``summary``); staff reading the change log, and reviewers
reading the pull-request comment, read its name (概述). Every key the schemas define has a name
in the registry (:data:`validator.kinds.FIELD_LABELS`), and ``tests/test_field_labels.py`` holds
the schemas to it, so a new field cannot reach the pages without one.
"""

from __future__ import annotations

from validator.kinds import FIELD_LABELS


def field_label(key: str, lang: str = "zh") -> str:
    """The name of the field ``key`` in ``lang`` (the key itself for a key that is data, such
    as a service level's id under ``targets``)."""
    label = FIELD_LABELS.get(key)
    return key if label is None else label.get(lang)


def path_label(path: str, lang: str = "zh") -> str:
    """A changed value's ``.``-separated path (``summary.zh``, ``refresh.hours``) in words:
    概述（中文）, 复训 › 学时."""
    parts = path.split(".") if path else []
    language = ""
    if len(parts) > 1 and parts[-1] in ("zh", "en"):
        named = field_label(parts.pop(), lang)
        language = f"（{named}）" if lang != "en" else f" ({named})"
    return " › ".join(field_label(part, lang) for part in parts) + language
