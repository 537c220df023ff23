"""The schema stage: every schema is valid, and each fixture error is reported at its line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import CASES, REPO, run_case
from validator.kinds import KINDS


@pytest.mark.parametrize("schema", sorted((REPO / "schemas").glob("*.json")), ids=lambda p: p.name)
def test_every_schema_is_valid_draft_2020_12(schema: Path) -> None:
    document = json.loads(schema.read_text(encoding="utf-8"))
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(document)
    assert "title" in document and "description" in document


def test_every_kind_has_a_schema_that_rejects_unknown_keys() -> None:
    for kind in KINDS.files():
        assert kind.schema is not None, kind.name
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
    assert "whole number" in by_line[21].message.en
    assert by_line[21].hint is not None and "every_months: 12" in by_line[21].hint.en


def _documents_of_every_fixture(tmp_path: Path) -> list[tuple[str, object]]:
    from tests.conftest import case_root
    from validator.policies import discover

    roots = [REPO]
    for index, case in enumerate(sorted(p for p in CASES.glob("*/*") if p.is_dir())):
        roots.append(case_root(case, tmp_path / f"case{index}"))
    documents = []
    for root in roots:
        files = discover(root)
        documents += [(files.kinds[path].name, doc.data) for path, doc in files.documents.items()]
    return documents


def test_fast_and_detailed_validators_agree(tmp_path: Path) -> None:
    from validator.schema import SchemaSet, _detailed_validators

    schemas = SchemaSet(REPO / "schemas")
    detailed = _detailed_validators(schemas.documents)
    assert schemas._fast is not None, "jsonschema-rs is a dependency"
    documents = _documents_of_every_fixture(tmp_path)
    documents += [broken for kind, data in list(documents)[:80] for broken in _broken(kind, data)]
    invalid = 0
    for kind, data in documents:
        verdict = detailed[kind].is_valid(data)
        assert schemas._fast[kind].is_valid(data) == verdict, (kind, str(data)[:200])
        invalid += not verdict
    assert len(documents) > 800 and invalid > 200


def _broken(kind: str, data: object) -> list[tuple[str, object]]:
    """Copies of a document with one schema violation each: unknown key, bad date, bad enum,
    a number as text, a missing required field."""
    import copy
    import json as json_module

    variants: list[tuple[str, object]] = []
    text = json_module.dumps(data, ensure_ascii=False)
    for old, new in (
        ('"2026-11-01"', '"2026-02-30"'),
        ('"status": "sourced"', '"status": "no"'),
        ('"every_months": 12', '"every_months": "12"'),
        ('"zh": "', '"zh": 7, "x": "'),
    ):
        if old in text:
            variants.append((kind, json_module.loads(text.replace(old, new, 1))))
    extra = copy.deepcopy(data)
    if isinstance(extra, dict):
        extra["unexpected"] = 1
        variants.append((kind, extra))
        missing = {k: v for k, v in extra.items() if k not in ("id", "tiers", "regulations")}
        variants.append((kind, missing))
    return variants


def _nodes(value: object) -> list[dict[str, object]]:
    """Every JSON object inside a schema document."""
    if isinstance(value, dict):
        return [value, *(node for item in value.values() for node in _nodes(item))]
    if isinstance(value, list):
        return [node for item in value for node in _nodes(item)]
    return []


SCHEMAS = sorted((REPO / "schemas").glob("*.json"))


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda p: p.name)
def test_every_choice_of_schemas_has_a_type(schema: Path) -> None:
    # Without "type", VS Code's snippet writes such a field without its colon.
    for node in _nodes(json.loads(schema.read_text(encoding="utf-8"))):
        if "oneOf" in node or "anyOf" in node:
            assert "type" in node, node


def test_editor_keywords_are_chinese_and_ignored_by_both_validators() -> None:
    import jsonschema_rs

    documents = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in SCHEMAS}
    seen: set[str] = set()
    for name, document in documents.items():
        assert jsonschema_rs.meta.is_valid(document), name
        jsonschema.Draft202012Validator.check_schema(document)
        for node in _nodes(document):
            for keyword in ("errorMessage", "patternErrorMessage"):
                if keyword in node:
                    seen.add(keyword)
                    assert re.search("[\u4e00-\u9fff]", str(node[keyword])), node
            if "enumDescriptions" in node:
                seen.add("enumDescriptions")
                assert len(node["enumDescriptions"]) == len(node["enum"]), node  # type: ignore[arg-type]
    assert seen == {"errorMessage", "patternErrorMessage", "enumDescriptions"}


def test_duty_items_and_references_have_their_own_titles() -> None:
    role = json.loads((REPO / "schemas/role.schema.json").read_text(encoding="utf-8"))
    assert role["properties"]["duties"]["items"]["title"] == "职责 Duty"
    assert role["properties"]["tier"]["title"] == "层级 Tier"
    assert role["properties"]["reports_to"]["type"] == ["string", "null"]
    module = json.loads((REPO / "schemas/module.schema.json").read_text(encoding="utf-8"))
    for field in ("covers", "prerequisites", "certificates", "regulations", "hours"):
        assert module["properties"][field]["title"], field
