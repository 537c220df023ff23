"""How commands other than ``check`` write their results: one table of formats each.

``check`` chooses among the reporters (:data:`validator.reporters.REPORTERS`); ``diff``,
``explain`` and ``rules`` choose the same way among their own ``FORMATS``, each a mapping from a
format name to a function ``(value, lang) -> text``. Adding a format is one entry.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
Format = Callable[[T, str], str]


def as_json(data: Any) -> str:
    """Indented JSON with Chinese kept readable, ending in a newline."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
