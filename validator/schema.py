"""The schema stage: each policy document against the JSON Schema of its kind.

Schemas live in ``schemas/`` (draft 2020-12) and refer to ``common.schema.json`` by relative
``$ref``, which both this stage and editors (yaml-language-server) resolve from the files beside
them. Format checking is on, so ``format: date`` is enforced.

Two validators share the work. A compiled one (jsonschema-rs, when installed) gives the verdict
for every document, hundreds of times faster; the Python ``jsonschema`` validator, which is the
authority for what is wrong and where, runs only on the documents that fail. On a clean tree of
2,000 files that is the difference between seconds and milliseconds.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from validator.errors import ToolError
from validator.findings import Finding, Severity, Text, pointer_of
from validator.guarded_read import Refused, inside, read_json
from validator.kinds import KINDS, Registry
from validator.loader import Document

if TYPE_CHECKING:
    import jsonschema
    from jsonschema.exceptions import ValidationError

try:
    import jsonschema_rs
except ImportError:  # pragma: no cover - the pure-Python validator alone gives the same findings
    jsonschema_rs = None  # type: ignore[assignment]

# The $id base only joins relative $refs; nothing is ever fetched from it.
_BASE = "https://handbook.invalid/schemas/"
# The largest shipped schema is a few KiB; this bound only stops a link to an endless device.
MAX_SCHEMA_BYTES = 1024 * 1024


class SchemaSet:
    """All schemas of ``schemas/``, read and checked once."""

    def __init__(self, schemas_dir: Path, kinds: Registry = KINDS) -> None:
        root = schemas_dir.parent
        if not schemas_dir.is_dir():
            raise ToolError(
                f"找不到 schemas/ 目录：{schemas_dir}",
                f"The schemas/ folder is missing: {schemas_dir}",
            )
        if not inside(schemas_dir, root):
            raise ToolError(
                "schemas/ 是指向仓库外部的链接；校验器不会读取它。",
                "schemas/ is a link that points outside the repository; it is not read.",
            )
        resources: dict[str, dict[str, Any]] = {}
        for file in sorted(schemas_dir.glob("*.schema.json")):
            try:
                schema = read_json(file, MAX_SCHEMA_BYTES, root)
            except Refused as error:
                raise ToolError(
                    f"无法读取 schema 文件 {file.name}：{error.reason.zh}",
                    f"Cannot read the schema {file.name}: {error.reason.en}",
                ) from error
            if not isinstance(schema, dict):
                raise ToolError(
                    f"schema 文件 {file.name} 不是 JSON 对象。",
                    f"The schema {file.name} is not a JSON object.",
                )
            resources[file.name] = {**schema, "$id": _BASE + file.name}
        self.kinds = kinds
        for kind in kinds.files():
            if kind.schema not in resources:
                raise ToolError(
                    f"缺少 schema 文件 schemas/{kind.schema}。",
                    f"The schema schemas/{kind.schema} is missing.",
                )
        self.documents = resources
        self._fast = _fast_validators(resources, kinds)
        self._detailed: dict[str, jsonschema.Draft202012Validator] | None = None
        if self._fast is None:
            self._detailed = _detailed_validators(resources, kinds)

    def check(self, document: Document, kind: str) -> Iterator[Finding]:
        """Findings for one document; each at the key (or list item) that is wrong."""
        if self._fast is not None and self._fast[kind].is_valid(document.data):
            return
        if self._detailed is None:
            self._detailed = _detailed_validators(self.documents, self.kinds)
        for error in self._detailed[kind].iter_errors(document.data):
            yield _finding(document, _most_specific(error))


def _detailed_validators(
    resources: dict[str, dict[str, Any]], kinds: Registry = KINDS
) -> dict[str, Any]:
    import jsonschema
    from referencing import Registry, Resource

    for name, schema in resources.items():
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as error:
            raise ToolError(
                f"schema 文件 {name} 本身有错：{error.message}",
                f"The schema {name} is itself invalid: {error.message}",
            ) from error
    registry: Registry[Any] = Registry().with_resources(
        (_BASE + name, Resource.from_contents(schema)) for name, schema in resources.items()
    )
    return {
        kind.name: jsonschema.Draft202012Validator(
            resources[kind.schema],
            registry=registry,
            format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
        )
        for kind in kinds.files()
        if kind.schema in resources
    }


def _fast_validators(
    resources: dict[str, dict[str, Any]], kinds: Registry
) -> dict[str, Any] | None:
    if jsonschema_rs is None:
        return None
    for name, schema in resources.items():
        if not jsonschema_rs.meta.is_valid(schema):
            # Let the Python validator explain what is wrong with the schema itself.
            _detailed_validators({name: schema}, Registry(()))
    try:
        registry = jsonschema_rs.Registry([(_BASE + n, s) for n, s in resources.items()])
        return {
            kind.name: jsonschema_rs.validator_for(
                resources[kind.schema], registry=registry, validate_formats=True
            )
            for kind in kinds.files()
            if kind.schema is not None
        }
    except (jsonschema_rs.ReferencingError, ValueError) as error:
        raise ToolError(
            f"schema 文件之间的引用无法解析：{error}",
            f"A reference between the schemas cannot be resolved: {error}",
        ) from error


def _most_specific(error: ValidationError) -> ValidationError:
    # For a oneOf/anyOf failure the sub-errors say what is really wrong (check-jsonschema's
    # "best match"); keep the outer error only when no branch is closer.
    from jsonschema.exceptions import best_match

    if error.context:
        best: ValidationError | None = best_match(error.context)
        if best is not None:
            return best
    return error


def _finding(document: Document, error: ValidationError) -> Finding:
    parts = list(error.absolute_path)
    message, hint = _explain(error)
    pointer = pointer_of(parts)
    if error.validator == "additionalProperties":
        extra = _extra_keys(error)
        if extra:
            pointer = pointer_of([*parts, extra[0]])
    elif "propertyNames" in error.absolute_schema_path and isinstance(error.instance, str):
        # jsonschema reports a bad key at the mapping that holds it; point at the key itself.
        pointer = pointer_of([*parts, error.instance])
    location = document.locate(pointer)
    return Finding(location, "schema", Severity.ERROR, message, hint)


def _extra_keys(error: ValidationError) -> list[str]:
    instance = error.instance
    schema = error.schema if isinstance(error.schema, dict) else {}
    allowed = set(schema.get("properties", {}))
    if not isinstance(instance, dict):
        return []
    return sorted(key for key in instance if key not in allowed)


_TYPE_NAMES = {
    "object": ("映射（键: 值）", "a mapping (key: value)"),
    "array": ("列表（- 开头的项）", "a list (items starting with -)"),
    "string": ("文字", "text"),
    "integer": ("整数", "a whole number"),
    "number": ("数字", "a number"),
    "boolean": ("true 或 false", "true or false"),
    "null": ("空值 null", "null"),
}


def _type_of(value: Any) -> tuple[str, str]:
    if isinstance(value, bool):
        return _TYPE_NAMES["boolean"]
    if isinstance(value, int):
        return _TYPE_NAMES["integer"]
    if isinstance(value, float):
        return _TYPE_NAMES["number"]
    if isinstance(value, str):
        return _TYPE_NAMES["string"]
    if isinstance(value, list):
        return _TYPE_NAMES["array"]
    if isinstance(value, dict):
        return _TYPE_NAMES["object"]
    return _TYPE_NAMES["null"]


def _shown(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _field(error: ValidationError) -> str:
    parts = [p for p in error.absolute_path if isinstance(p, str)]
    return parts[-1] if parts else "（根）"


def _explain(error: ValidationError) -> tuple[Text, Text]:
    """A message and a fix in Chinese and English for one schema error."""
    keyword = str(error.validator)
    value: Any = error.validator_value
    instance: Any = error.instance
    schema: dict[str, Any] = error.schema if isinstance(error.schema, dict) else {}
    field = _field(error)
    description = str(schema.get("description", ""))
    if keyword == "required":
        missing = [name for name in value if isinstance(instance, dict) and name not in instance]
        names = "、".join(missing)
        return (
            Text(f"缺少必填字段：{names}。", f"Required field missing: {', '.join(missing)}."),
            Text(
                f"在这里加上 {missing[0]}: …",
                f"Add '{missing[0]}: …' here.",
            ),
        )
    if keyword == "additionalProperties":
        extra = _extra_keys(error)
        allowed = ", ".join(sorted(schema.get("properties", {})))
        if any(" " in key for key in extra):
            # A "field" with spaces is a sentence cut at a comma inside { ... }.
            return (
                Text(
                    f"“{extra[0]}” 被当成了字段名：{{ }} 里的文字含有英文逗号，句子被截断了。",
                    f"'{extra[0]}' was read as a field name: text inside {{ }} contains a comma, "
                    "which cut the sentence.",
                ),
                Text(
                    '给含逗号的文字加上双引号，例如 en: "Cut, then sew"。',
                    "Put the text that contains the comma in double quotes, "
                    'e.g. en: "Cut, then sew".',
                ),
            )
        return (
            Text(
                f"不认识的字段 “{'、'.join(extra)}”（可能拼错了）。",
                f"Unknown field '{', '.join(extra)}' (a typo?).",
            ),
            Text(f"允许的字段：{allowed}。", f"Allowed fields here: {allowed}."),
        )
    if keyword == "type":
        wanted = value if isinstance(value, str) else value[0]
        want_zh, want_en = _TYPE_NAMES.get(wanted, (wanted, wanted))
        got_zh, got_en = _type_of(instance)
        hint = Text(f"把 {field} 改成{want_zh}。", f"Make '{field}' {want_en}.")
        if wanted == "string" and isinstance(instance, (bool, int, float)):
            hint = Text(
                f'给值加上引号，例如 "{instance}"。',
                f'Put the value in quotes, e.g. "{instance}".',
            )
        return (
            Text(
                f"{field} 应该是{want_zh}，现在是{got_zh}：{_shown(instance)}。",
                f"'{field}' must be {want_en}, but it is {got_en}: {_shown(instance)}.",
            ),
            hint,
        )
    if keyword == "enum":
        options = ", ".join(_shown(v) for v in value)
        return (
            Text(
                f"{field} 的值 {_shown(instance)} 不在允许范围内。",
                f"'{field}' has the value {_shown(instance)}, which is not allowed.",
            ),
            Text(f"可选的值：{options}。", f"Choose one of: {options}."),
        )
    if keyword == "const":
        return (
            Text(
                f"{field} 必须是 {_shown(value)}，现在是 {_shown(instance)}。",
                f"'{field}' must be {_shown(value)}, not {_shown(instance)}.",
            ),
            Text(f"改成 {_shown(value)}。", f"Change it to {_shown(value)}."),
        )
    if keyword == "pattern":
        return (
            Text(
                f"{field} 的写法不对：{_shown(instance)}。",
                f"'{field}' is not written correctly: {_shown(instance)}.",
            ),
            Text(description or f"应匹配 {value}。", description or f"It must match {value}."),
        )
    if keyword == "format":
        return (
            Text(
                f"{field} 不是有效的日期：{_shown(instance)}。",
                f"'{field}' is not a valid {value}: {_shown(instance)}.",
            ),
            Text("日期写成 YYYY-MM-DD，例如 2026-03-01。", "Write dates as YYYY-MM-DD."),
        )
    if keyword in {"minItems", "minLength", "minProperties"}:
        return (
            Text(f"{field} 不能为空。", f"'{field}' must not be empty."),
            Text("填写内容，或删除这个字段。", "Fill it in, or remove the field."),
        )
    if keyword in {"maxLength", "maxItems", "maximum", "minimum", "exclusiveMinimum"}:
        return (
            Text(
                f"{field} 的值超出允许范围（{keyword} {value}）：{_shown(instance)}。",
                f"'{field}' is out of range ({keyword} {value}): {_shown(instance)}.",
            ),
            Text("改成允许范围内的值。", "Use a value within the range."),
        )
    if keyword == "uniqueItems":
        return (
            Text(f"{field} 列表里有重复的项。", f"'{field}' lists an item twice."),
            Text("删除重复的项。", "Remove the repeated item."),
        )
    if keyword == "dependentRequired":
        return (
            Text("op 和 value 必须同时填写。", "'op' and 'value' go together."),
            Text("同时填写 op 和 value，或都不填。", "Give both 'op' and 'value', or neither."),
        )
    return (
        Text(f"{field} 不符合格式要求：{error.message}", f"'{field}' is invalid: {error.message}"),
        Text(
            "对照 schemas/ 里的说明修改。",
            "Compare with the description in schemas/.",
        ),
    )
