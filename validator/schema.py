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

import difflib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from validator.errors import ToolError
from validator.findings import Finding, Location, Severity, Text, clip, pointer_of
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
        self._fields = frozenset(_property_names(resources))
        self._fast = _fast_validators(resources, kinds)
        self._detailed: dict[str, jsonschema.Draft202012Validator] | None = None
        if self._fast is None:
            self._detailed = _detailed_validators(resources, kinds)

    def check(self, document: Document, kind: str) -> Iterator[Finding]:
        """Findings for one document; each at the key (or list item) that is wrong.

        The document counts as valid only when the fast validator says so. If the explaining
        pass finds nothing the fast one rejected (the two disagree on some corner of regular
        expressions), the fast validator's verdict is reported where it points.
        """
        if self._fast is not None and self._fast[kind].is_valid(document.data):
            return
        if self._detailed is None:
            self._detailed = _detailed_validators(self.documents, self.kinds)
        errors = [_most_specific(e) for e in self._detailed[kind].iter_errors(document.data)]
        findings = _findings(document, errors, self._fields)
        if not findings and self._fast is not None:
            findings = [_fast_verdict(document, self._fast[kind])]
        yield from findings


def _fast_verdict(document: Document, validator: Any) -> Finding:
    error = next(iter(validator.iter_errors(document.data)), None)
    parts: list[str | int] = list(error.instance_path) if error is not None else []
    instance = error.instance if error is not None else document.data
    name = _name(parts)
    return Finding(
        document.locate(pointer_of(parts)),
        "schema",
        Severity.ERROR,
        Text(
            f"{name.zh}的值 {_shown(instance)} 不符合要求（可能带有看不见的换行或空格）。",
            f"{name.en.capitalize()} has a value that is not allowed: {_shown(instance)} "
            "(perhaps an invisible line break or space).",
        ),
        Text(
            "重新输入这个值，不要带引号里的换行（\\n）或多余的空格。",
            "Type the value again, without a line break (\\n) or extra spaces inside the quotes.",
        ),
    )


def _ecma_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Any:
    """``pattern`` as JSON Schema (ECMA-262) means it: ``$`` is the very end of the text.

    Python's ``$`` also matches before a final newline, so ``"cs.reception\\n"`` would pass
    the explaining pass while the fast validator rightly rejects it.
    """
    from jsonschema.exceptions import ValidationError

    if not isinstance(instance, str):
        return
    strict = (
        pattern[:-1] + r"\Z" if pattern.endswith("$") and not pattern.endswith("\\$") else pattern
    )
    if not re.search(strict, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


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
    detailed = jsonschema.validators.extend(  # type: ignore[no-untyped-call]
        jsonschema.Draft202012Validator, validators={"pattern": _ecma_pattern}
    )
    return {
        kind.name: detailed(
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


def _property_names(value: Any) -> Iterator[str]:
    """Every field name any schema defines (to tell a misplaced field from an unknown one)."""
    if isinstance(value, dict):
        properties = value.get("properties")
        if isinstance(properties, dict):
            yield from properties
        for item in value.values():
            yield from _property_names(item)
    elif isinstance(value, list):
        for item in value:
            yield from _property_names(item)


def _findings(
    document: Document, errors: list[ValidationError], fields: frozenset[str] = frozenset()
) -> list[Finding]:
    """One finding per mistake: missing fields of one mapping together, a misspelt key once
    (with the field it was meant to be, rather than as unknown plus missing)."""
    missing: dict[str, tuple[list[str | int], list[str]]] = {}
    unknown: dict[str, tuple[list[str | int], ValidationError]] = {}
    rest: list[ValidationError] = []
    for error in errors:
        parts = list(error.absolute_path)
        pointer = pointer_of(parts)
        if error.validator == "required" and isinstance(error.instance, dict):
            names = missing.setdefault(pointer, (parts, []))[1]
            wanted: list[str] = list(error.validator_value)  # type: ignore[arg-type]
            names += [n for n in wanted if n not in error.instance and n not in names]
        elif error.validator == "additionalProperties":
            unknown.setdefault(pointer, (parts, error))
        else:
            rest.append(error)
    findings: list[Finding] = []
    for pointer, (parts, error) in unknown.items():
        absent = missing.get(pointer, (parts, []))[1]
        for key in _extra_keys(error):
            findings.append(_unknown_key(document, parts, error, key, absent, fields))
    for pointer, (_parts, names) in missing.items():
        if names:
            findings.append(_missing(document, pointer, names))
    for error in rest:
        findings.append(_finding(document, error))
    unique: dict[tuple[Location, str], Finding] = {}
    for finding in findings:
        unique.setdefault((finding.location, finding.message.zh), finding)
    return list(unique.values())


def _unknown_key(
    document: Document,
    parts: list[str | int],
    error: ValidationError,
    key: str,
    absent: list[str],
    fields: frozenset[str],
) -> Finding:
    """An unknown key; a misspelling of a missing (or allowed) field names that field."""
    instance = error.instance if isinstance(error.instance, dict) else {}
    schema = error.schema if isinstance(error.schema, dict) else {}
    allowed = sorted(schema.get("properties", {}))
    where = document.locate(pointer_of([*parts, key]))
    shown = clip(key)
    if instance.get(key) is None and ("zh" in instance or "en" in instance):
        # A value-less "field" beside zh/en is text cut at a comma inside { ... }.
        return Finding(
            where,
            "schema",
            Severity.ERROR,
            Text(
                f"“{shown}” 被当成了字段名：{{ }} 里的文字含有英文逗号，文字被截断了。",
                f"'{shown}' was read as a field name: text inside {{ }} contains a comma, "
                "which cut the text.",
            ),
            Text(
                '给含逗号的文字加上双引号，例如 zh: "客户服务专员, 助理"。',
                'Put the text that contains the comma in double quotes, e.g. en: "Cut, then sew".',
            ),
        )
    candidates = absent + [name for name in allowed if name not in instance and name not in absent]
    guess = difflib.get_close_matches(key, candidates, n=1, cutoff=0.75)
    if guess:
        if guess[0] in absent:
            absent.remove(guess[0])
        return Finding(
            where,
            "schema",
            Severity.ERROR,
            Text(
                f"不认识的字段 “{shown}”；是不是 {guess[0]}？",
                f"Unknown field '{shown}'; did you mean {guess[0]}?",
            ),
            Text(f"把 {shown} 改成 {guess[0]}。", f"Rename '{shown}' to '{guess[0]}'."),
        )
    if key in fields:
        # A real field at the wrong level: the line is indented too much or too little.
        return Finding(
            where,
            "schema",
            Severity.ERROR,
            Text(
                f"{shown} 不能写在这一层：它属于别的层级，可能是缩进不对。",
                f"'{shown}' does not belong at this level: it belongs elsewhere, so the "
                "indentation is probably wrong.",
            ),
            Text(
                f"检查这一行的缩进，让它和它所属的那一层对齐。这一层可以写的字段：{'、'.join(allowed)}。",
                "Check this line's indentation and align it with the level it belongs to. "
                f"The fields allowed at this level: {', '.join(allowed)}.",
            ),
        )
    return Finding(
        where,
        "schema",
        Severity.ERROR,
        Text(f"不认识的字段 “{shown}”。", f"Unknown field '{shown}'."),
        Text(
            f"这里可以写的字段：{'、'.join(allowed)}。检查拼写和缩进。",
            f"The fields allowed here: {', '.join(allowed)}. Check the spelling and the "
            "indentation.",
        ),
    )


def _missing(document: Document, pointer: str, names: list[str]) -> Finding:
    if pointer:
        where = document.locate(pointer)
    else:
        # The file itself lacks the field: point at its first key, not at a comment line above.
        first = min((m for p, m in document.marks.items() if p.count("/") == 1), default=(1, 1))
        where = Location(document.path, *first)
    return Finding(
        where,
        "schema",
        Severity.ERROR,
        Text(f"缺少必填字段：{'、'.join(names)}。", f"Required field missing: {', '.join(names)}."),
        Text(f"在这里加上 {names[0]}: …", f"Add '{names[0]}: …' here."),
    )


def _finding(document: Document, error: ValidationError) -> Finding:
    parts = list(error.absolute_path)
    message, hint = _explain(error)
    pointer = pointer_of(parts)
    if "propertyNames" in error.absolute_schema_path and isinstance(error.instance, str):
        # jsonschema reports a bad key at the mapping that holds it; point at the key itself.
        pointer = pointer_of([*parts, error.instance])
    elif error.validator == "uniqueItems" and isinstance(error.instance, list):
        repeated = _repeated(error.instance)
        if repeated is not None:
            pointer = pointer_of([*parts, repeated])
    location = document.locate(pointer)
    return Finding(location, "schema", Severity.ERROR, message, hint)


def _repeated(items: list[Any]) -> int | None:
    """Index of the first item that repeats an earlier one."""
    seen: list[Any] = []
    for index, item in enumerate(items):
        if item in seen:
            return index
        seen.append(item)
    return None


def _extra_keys(error: ValidationError) -> list[str]:
    instance = error.instance
    schema = error.schema if isinstance(error.schema, dict) else {}
    allowed = set(schema.get("properties", {}))
    if not isinstance(instance, dict):
        return []
    return [key for key in instance if key not in allowed]


_TYPE_NAMES = {
    "object": ("几个“键: 值”项", "a set of 'key: value' entries"),
    "array": ("列表（每项以 - 开头）", "a list (items starting with -)"),
    "string": ("文字", "text"),
    "integer": ("整数", "a whole number"),
    "number": ("数字", "a number"),
    "boolean": ("true 或 false", "true or false"),
    "null": ("空", "empty"),
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
    return clip(json.dumps(value, ensure_ascii=False), limit)


def _name(parts: list[str | int]) -> Text:
    """How a message names the value at ``parts``: its key, or the file itself."""
    keys = [p for p in parts if isinstance(p, str)]
    if not keys:
        return Text("文件", "the file")
    return Text(clip(keys[-1]), f"'{clip(keys[-1])}'")


def _bilingual(description: str) -> Text | None:
    """Split a schema description written "中文。/ English." into its two halves."""
    match = re.fullmatch(r"(.*?[。）)])\s*/\s*(.+)", description.strip(), re.DOTALL)
    if match is None:
        return None
    return Text(match.group(1), match.group(2))


def _range(schema: dict[str, Any]) -> Text:
    """The allowed range of a number in words, e.g. "大于 0、不超过 500"."""
    zh: list[str] = []
    en: list[str] = []
    if "exclusiveMinimum" in schema:
        zh.append(f"大于 {schema['exclusiveMinimum']}")
        en.append(f"more than {schema['exclusiveMinimum']}")
    if "minimum" in schema:
        zh.append(f"至少 {schema['minimum']}")
        en.append(f"at least {schema['minimum']}")
    if "maximum" in schema:
        zh.append(f"不超过 {schema['maximum']}")
        en.append(f"at most {schema['maximum']}")
    if "exclusiveMaximum" in schema:
        zh.append(f"小于 {schema['exclusiveMaximum']}")
        en.append(f"less than {schema['exclusiveMaximum']}")
    whole = schema.get("type") == "integer"
    return Text(
        "、".join(zh) + (" 的整数" if whole else " 的数"),
        ("a whole number " if whole else "a number ") + " and ".join(en),
    )


def _explain(error: ValidationError) -> tuple[Text, Text]:
    """A message and a fix in Chinese and English for one schema error, in plain words: no
    keyword names, no regular expressions."""
    keyword = str(error.validator)
    value: Any = error.validator_value
    instance: Any = error.instance
    schema: dict[str, Any] = error.schema if isinstance(error.schema, dict) else {}
    name = _name(list(error.absolute_path))
    field = name.zh
    if keyword == "type":
        message, hint = _wrong_type(name, value, instance, schema)
        if isinstance(instance, str) and _numeric(instance):
            return message, hint  # "remove the quotes" says more than the general advice
        return message, _editor_hint(schema, hint)
    if keyword == "enum":
        options = ", ".join(_shown(v) for v in value)
        return (
            Text(
                f"{field} 的值 {_shown(instance)} 不是可选的值。",
                f"{name.en.capitalize()} has the value {_shown(instance)}, which is not one of "
                "the choices.",
            ),
            Text(f"可选的值：{options}。", f"Choose one of: {options}."),
        )
    if keyword == "const":
        return (
            Text(
                f"{field} 必须是 {_shown(value)}，现在是 {_shown(instance)}。",
                f"{name.en.capitalize()} must be {_shown(value)}, not {_shown(instance)}.",
            ),
            Text(f"改成 {_shown(value)}。", f"Change it to {_shown(value)}."),
        )
    if isinstance(instance, str) and not instance.strip() and keyword in {"pattern", "minLength"}:
        # "" breaks both the length and the pattern; one message, so one finding.
        return (
            Text(
                f"{field} 是空白的：没有文字，或只有空格。",
                f"{name.en.capitalize()} is blank: no text, or only spaces.",
            ),
            Text(f"在 {field}: 后面填写文字。", f"Write the text after '{field}:'."),
        )
    if keyword == "pattern":
        return _wrong_pattern(name, instance, schema)
    if keyword == "format":
        return (
            Text(
                f"{field} 不是有效的日期：{_shown(instance)}。",
                f"{name.en.capitalize()} is not a valid date: {_shown(instance)}.",
            ),
            Text(
                "日期写成 年-月-日，例如 2026-03-01。",
                "Write dates as YYYY-MM-DD, e.g. 2026-03-01.",
            ),
        )
    if keyword in {"minItems", "minLength", "minProperties"}:
        return (
            Text(f"{field} 不能是空的。", f"{name.en.capitalize()} must not be empty."),
            Text("在这里填写内容。", "Fill it in."),
        )
    if keyword in {"maxLength", "maxItems"}:
        unit_zh, unit_en = ("个字", "characters") if keyword == "maxLength" else ("项", "items")
        return (
            Text(
                f"{field} 太长了：最多 {value} {unit_zh}，现在有 {len(instance)} {unit_zh}。",
                f"{name.en.capitalize()} is too long: at most {value} {unit_en}, it has "
                f"{len(instance)}.",
            ),
            Text("把内容缩短，或拆成几项。", "Shorten it, or split it into several entries."),
        )
    if keyword in {"maximum", "minimum", "exclusiveMinimum", "exclusiveMaximum"}:
        allowed = _range(schema)
        return (
            Text(
                f"{field} 必须是{allowed.zh}，现在是 {_shown(instance)}。",
                f"{name.en.capitalize()} must be {allowed.en}; it is {_shown(instance)}.",
            ),
            _editor_hint(schema, Text(f"改成{allowed.zh}。", f"Change it to {allowed.en}.")),
        )
    if keyword == "uniqueItems":
        repeated = _repeated(instance) if isinstance(instance, list) else None
        item = _shown(instance[repeated]) if repeated is not None else ""
        return (
            Text(f"{field} 里 {item} 写了两次。", f"{name.en.capitalize()} lists {item} twice."),
            Text("删除重复的这一项。", "Remove this repeated item."),
        )
    if keyword == "dependentRequired":
        return (
            Text("op 和 value 必须同时填写。", "'op' and 'value' go together."),
            Text("同时填写 op 和 value，或都不填。", "Give both 'op' and 'value', or neither."),
        )
    return (
        Text(
            f"{field} 的写法不符合要求：{_shown(instance)}。",
            f"{name.en.capitalize()} is not written as required: {_shown(instance)}.",
        ),
        Text(
            "参照同类文件里的写法修改（VS Code 里把鼠标停在字段上可以看到说明）。",
            "Follow how other files of this kind write it (in VS Code, hover over the field "
            "to see its description).",
        ),
    )


def _wrong_type(name: Text, value: Any, instance: Any, schema: dict[str, Any]) -> tuple[Text, Text]:
    wanted = value if isinstance(value, str) else value[0]
    want_zh, want_en = _TYPE_NAMES.get(wanted, (wanted, wanted))
    field = name.zh
    if wanted == "object" and "zh" in schema.get("properties", {}):
        want_zh, want_en = "中英文两项 zh 和 en", "two entries, zh and en"
        example = Text(f"写成 {field}: {{zh: …, en: …}}。", f"Write {field}: {{zh: …, en: …}}.")
    else:
        example = Text(f"把 {field} 改成{want_zh}。", f"Make {name.en} {want_en}.")
    if instance is None:
        return (
            Text(
                f"{field} 后面没有写内容；这里要写{want_zh}。",
                f"{name.en.capitalize()} has no value; it must be {want_en}.",
            ),
            Text(f"在 {field}: 后面填写{want_zh}。", f"Fill in {want_en} after '{field}:'."),
        )
    got_zh, got_en = _type_of(instance)
    if wanted in {"integer", "number"} and isinstance(instance, str) and _numeric(instance):
        example = Text(
            f"去掉引号，写成 {field}: {instance.strip()}。",
            f"Remove the quotes: {field}: {instance.strip()}.",
        )
    if wanted == "string" and isinstance(instance, (bool, int, float)):
        example = Text(
            f'给值加上引号，例如 "{instance}"。',
            f'Put the value in quotes, e.g. "{instance}".',
        )
    return (
        Text(
            f"{field} 应该是{want_zh}，现在是{got_zh}：{_shown(instance)}。",
            f"{name.en.capitalize()} must be {want_en}, but it is {got_en}: {_shown(instance)}.",
        ),
        example,
    )


def _editor_hint(schema: dict[str, Any], hint: Text) -> Text:
    """The schema's Chinese ``errorMessage`` (what VS Code shows) as the Chinese fix."""
    editor = schema.get("errorMessage")
    return Text(editor, hint.en) if isinstance(editor, str) else hint


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _wrong_pattern(name: Text, instance: Any, schema: dict[str, Any]) -> tuple[Text, Text]:
    examples = [e for e in schema.get("examples", []) if isinstance(e, str)]
    described = _bilingual(str(schema.get("description", "")))
    if examples:
        hint = Text(
            f"正确的写法例如：{examples[0]}。", f"A correct value looks like: {examples[0]}."
        )
        if described is not None:
            hint = Text(f"{described.zh}", f"{described.en}")
            if examples[0] not in described.zh:
                hint = Text(
                    f"{described.zh}例如：{examples[0]}。", f"{described.en} E.g. {examples[0]}."
                )
    elif described is not None:
        hint = described
    else:
        hint = Text(
            "参照同一文件里其他条目的写法修改。",
            "Follow how the other entries in this file are written.",
        )
    editor = schema.get("patternErrorMessage")
    if isinstance(editor, str):
        # The same Chinese sentence VS Code shows on this value.
        hint = Text(editor, hint.en)
    shown = _shown(instance)
    if isinstance(instance, str) and instance != instance.strip():
        hint = Text(
            "删除开头或结尾的空格和换行。" + hint.zh,
            "Remove the spaces or line breaks at the start or end. " + hint.en,
        )
    return (
        Text(
            f"{name.zh} 的写法不对：{shown}。",
            f"{name.en.capitalize()} is not written correctly: {shown}.",
        ),
        hint,
    )
