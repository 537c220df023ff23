"""Hostile text an editor (or an attacker) could put in any text field of a pull request."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

MARK = "__pwned"
PAYLOAD = (
    f"<script>window.{MARK}=1</script>"
    f'<img src=x onerror="window.{MARK}=1">'
    f"[click](javascript:window.{MARK}=1) "
    f'{{: onclick="window.{MARK}=1" }} '
    f'<a href="javascript:window.{MARK}=1">a</a>'
    '<iframe src="https://example.com/"></iframe>'
    "![x](https://example.com/x.png) "
    "<style>body{display:none}</style>"
    "**bold** `code` _under_ ~~del~~ <b>b</b>"
)


def _poison(value: Any) -> Any:
    if isinstance(value, dict):
        if "zh" in value and set(value) <= {"zh", "en"}:
            return {key: f"{text} {PAYLOAD}" for key, text in value.items()}
        return {key: _poison(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_poison(item) for item in value]
    return value


def poison_policies(policies: Path) -> int:
    """Append the payload to every bilingual text under ``policies``; returns how many files."""
    count = 0
    for file in sorted(policies.rglob("*.yaml")):
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        file.write_text(
            yaml.safe_dump(_poison(data), allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        count += 1
    return count
