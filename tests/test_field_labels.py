"""Every policy field has a name for the pages and the pull-request comment."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.conftest import REPO
from validator.field_labels import field_label, path_label
from validator.kinds import FIELD_LABELS


def property_names(schema: Any) -> Iterator[str]:
    if isinstance(schema, dict):
        for name, inner in (schema.get("properties") or {}).items():
            yield name
            yield from property_names(inner)
        for key, inner in schema.items():
            if key != "properties":
                yield from property_names(inner)
    elif isinstance(schema, list):
        for inner in schema:
            yield from property_names(inner)


def test_every_field_the_schemas_define_has_a_name_in_both_languages() -> None:
    defined = {
        name
        for path in sorted(Path(REPO / "schemas").glob("*.schema.json"))
        for name in property_names(json.loads(path.read_text(encoding="utf-8")))
    }
    assert defined, "no schema properties found"
    assert sorted(defined - set(FIELD_LABELS)) == []
    for name in defined:
        label = FIELD_LABELS[name]
        assert label.zh and label.en and label.zh != name, name


def test_a_changed_value_is_named_by_its_path() -> None:
    assert path_label("summary.zh") == "概述（中文）"
    assert path_label("summary.en", "en") == "Summary (English)"
    assert path_label("refresh.every_months") == "复训 › 间隔月数"
    # A key that is data (a service level's id under targets) is shown as written.
    assert path_label("targets.level-1") == "各等级目标 › level-1"
    assert field_label("level-1") == "level-1"
    assert path_label("hours", "en") == "Hours"
