"""The one exception type: a problem with the tool or its set-up, never with the policy data."""

from __future__ import annotations

from validator.findings import Text


class ToolError(Exception):
    """The validator cannot run (no ``policies/`` folder, an unreadable schema, bad arguments).

    Problems in the policy data are findings, not exceptions; this is exit code 2.
    """

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.text = Text(zh, en)
