"""The schema stage: every schema is valid, and each fixture error is reported at its line."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import CASES, REPO, run_case
from validator.policies import KINDS


@pytest.mark.parametrize("schema", sorted((REPO / "schemas").glob("*.json")), ids=lambda p: p.name)
def test_every_schema_is_valid_draft_2020_12(schema: Path) -> None:
    document = json.loads(schema.read_text(encoding="utf-8"))
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(document)
    assert "title" in document and "description" in document


def test_every_kind_has_a_schema_that_rejects_unknown_keys() -> None:
    for kind in KINDS:
        document = json.loads((REPO / "schemas" / kind.schema).read_text(encoding="utf-8"))
        assert document["additionalProperties"] is False, kind.name


def test_schema_messages_say_what_and_how(tmp_path: Path) -> None:
    result, _ = run_case(CASES / "schema" / "fail-role", tmp_path)
    by_line = {f.location.line: f for f in result.findings}
    assert "summery" in by_line[3].message.zh
    assert by_line[3].hint is not None and "summary" in by_line[3].hint.en
    assert "tier" in by_line[1].message.en
    assert "text" in by_line[8].message.en
    assert "no" in by_line[14].message.en
    assert by_line[14].hint is not None and "to-verify" in by_line[14].hint.en
    assert "2026-13-01" in by_line[20].message.zh
    assert by_line[21].hint is not None and "whole number" in by_line[21].hint.en
