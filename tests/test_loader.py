"""The loader: located, safe parsing, and every YAML trap a policy editor can fall into."""

from __future__ import annotations

import codecs
import time
from pathlib import Path

import pytest

from validator.loader import Limits, load_bytes, load_text


def rules_of(text: str) -> list[tuple[int, int, str]]:
    return [
        (f.location.line, f.location.column, f.rule) for f in load_text(text, "f.yaml").findings
    ]


def test_pointer_index_for_mappings_sequences_and_nesting() -> None:
    text = (
        "id: cs-specialist\n"
        "name:\n"
        "  zh: 客服\n"
        "duties:\n"
        "  - id: cs.reception\n"
        "    text: {zh: 接待, en: Reception}\n"
        "  - id: cs.complaint\n"
        "    tags: [a, b]\n"
    )
    document = load_text(text, "f.yaml").document
    assert document is not None
    assert document.marks["/id"] == (1, 1)
    assert document.marks["/name/zh"] == (3, 3)
    assert document.marks["/duties/0"] == (5, 5)
    assert document.marks["/duties/1/id"] == (7, 5)
    assert document.marks["/duties/0/text/en"] == (6, 20)
    assert document.marks["/duties/1/tags/1"] == (8, 15)
    # Unknown pointers fall back to the nearest ancestor that is in the file.
    assert document.locate("/duties/1/missing/deeper").line == 7


def test_pointer_tokens_are_escaped() -> None:
    document = load_text("a/b: 1\nc~d: 2\n", "f.yaml").document
    assert document is not None
    assert document.marks["/a~1b"] == (1, 1)
    assert document.marks["/c~0d"] == (2, 1)


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("no", "no"),
        ("yes", "yes"),
        ("on", "on"),
        ("off", "off"),
        ("Y", "Y"),
        ("12:30", "12:30"),
        ("0755", "0755"),
        ("010", "010"),
        ("2024-01-01", "2024-01-01"),
        ("2024-01-01 10:00:00", "2024-01-01 10:00:00"),
        ("1_000", "1_000"),
        ("0x1F", "0x1F"),
        (".5", ".5"),
        ("10", 10),
        ("-3", -3),
        ("0", 0),
        ("1.5", 1.5),
        ("1.0e3", 1000.0),
        ("true", True),
        ("False", False),
        ("null", None),
        ("~", None),
        ("", None),
        ('"12"', "12"),
    ],
)
def test_yaml_1_1_traps_keep_their_meaning(source: str, value: object) -> None:
    result = load_text(f"key: {source}\n", "f.yaml")
    assert result.findings == []
    assert result.document is not None
    assert result.document.data == {"key": value}
    assert type(result.document.data["key"]) is type(value)


def test_duplicate_keys_at_every_depth_point_at_the_second_key() -> None:
    text = "a: 1\nb:\n  c: 1\n  d:\n    - e: 1\n      e: 2\n  c: 3\na: 4\n"
    findings = load_text(text, "f.yaml").findings
    assert [(f.location.line, f.location.column, f.rule) for f in findings] == [
        (6, 7, "yaml-duplicate-key"),
        (7, 3, "yaml-duplicate-key"),
        (8, 1, "yaml-duplicate-key"),
    ]
    assert [r.line for f in findings for r in f.related] == [5, 3, 1]
    assert "第一次出现在第 5 行" in findings[0].message.zh


@pytest.mark.parametrize(
    ("key", "column"),
    [("1", 1), ("true", 1), ("null", 1), ("1.5", 1), ("? [a, b]", 3), ("? {x: 1}", 3)],
)
def test_keys_that_are_not_text(key: str, column: int) -> None:
    assert rules_of(f"ok: 1\n{key}: v\n") == [(2, column, "yaml-key-type")]


def test_date_keys_stay_text() -> None:
    document = load_text("2024-01-01: v\n", "f.yaml").document
    assert document is not None
    assert document.data == {"2024-01-01": "v"}


def test_python_tags_are_refused_and_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = f"id: x\nrun: !!python/object/apply:os.system ['touch {marker}']\n"
    start = time.perf_counter()
    assert rules_of(text) == [(2, 6, "yaml-tag")]
    assert time.perf_counter() - start < 10  # an expansion would never finish
    assert not marker.exists()


@pytest.mark.parametrize(
    "value",
    [
        "!include other.yaml",
        "!!binary aGVsbG8=",
        "!!set {a, b}",
        "!!timestamp 2024-01-01",
        "!custom x",
    ],
)
def test_other_tags_are_refused(value: str) -> None:
    assert rules_of(f"a: {value}\n") == [(1, 4, "yaml-tag")]


@pytest.mark.parametrize(
    ("text", "column", "shown"),
    [
        ("a: !!str 12\n", 4, "!!str"),
        ("a: !!int '7'\n", 4, "!!int"),
        ("a: !!float nan\n", 4, "!!float"),
        ("a: ! 12\n", 4, "“!”"),
        ("a: [1, !!int 2]\n", 8, "!!int"),
        ("a: !!map {b: 1}\n", 4, "!!map"),
        ("!!str a: 1\n", 1, "!!str"),
    ],
)
def test_every_explicit_tag_is_refused(text: str, column: int, shown: str) -> None:
    result = load_text(text, "f.yaml")
    assert [(f.location.line, f.location.column, f.rule) for f in result.findings] == [
        (1, column, "yaml-tag")
    ]
    assert shown in result.findings[0].message.zh


@pytest.mark.parametrize(
    ("value", "word"),
    [
        (".nan", "不是一个数"),
        (".NaN", "不是一个数"),
        (".inf", "不是一个数"),
        ("-.Inf", "不是一个数"),
        ("+.INF", "不是一个数"),
        ("9" * 4400, "太大"),
        ("-123456789012345678", "太大"),
        ("1.0e400", "太大"),
    ],
)
def test_not_a_number_and_too_large_are_reported_at_their_line(value: str, word: str) -> None:
    result = load_text(f"id: x\nhours: {value}\n", "f.yaml")
    assert [(f.location.line, f.location.column, f.rule) for f in result.findings] == [
        (2, 8, "yaml-number")
    ]
    assert word in result.findings[0].message.zh
    assert len(result.findings[0].message.zh) < 120


def test_quoted_nan_is_text_and_large_finite_numbers_pass() -> None:
    document = load_text('a: ".nan"\nb: 9007199254740992\nc: 1.5e3\n', "f.yaml").document
    assert document is not None
    assert document.data == {"a": ".nan", "b": 2**53, "c": 1500.0}


def test_billion_laughs_is_refused_quickly() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        previous = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    start = time.perf_counter()
    result = load_text("\n".join(lines) + "\n", "f.yaml")
    assert time.perf_counter() - start < 10  # an expansion would never finish
    assert result.document is None
    assert [(f.location.line, f.rule) for f in result.findings] == [(1, "yaml-alias")]
    assert "(81 anchors and aliases in the file)" in result.findings[0].message.en


def test_self_referencing_alias_is_refused() -> None:
    result = load_text("a: &x [1, *x]\n", "f.yaml")
    assert [(f.location.line, f.location.column, f.rule) for f in result.findings] == [
        (1, 4, "yaml-alias"),
    ]
    assert "(2 anchors and aliases in the file)" in result.findings[0].message.en


def test_ampersand_in_text_is_not_an_anchor() -> None:
    result = load_text('name: "R&D 部门"\nnote: A & B\n', "f.yaml")
    assert result.findings == []


def test_deep_nesting_is_refused() -> None:
    deep_flow = "a: " + "[" * 200 + "]" * 200 + "\n"
    assert rules_of(deep_flow)[0][2] == "yaml-too-deep"
    deep_block = "".join(f"{'  ' * i}k{i}:\n" for i in range(60)) + "  " * 60 + "v: 1\n"
    assert rules_of(deep_block)[0][2] == "yaml-too-deep"


def test_extreme_nesting_does_not_crash() -> None:
    text = "a: " + "[" * 20000 + "]" * 20000 + "\n"
    findings = load_text(text, "f.yaml").findings
    assert len(findings) == 1
    assert findings[0].rule in {"yaml-too-deep", "yaml-syntax"}


def test_size_and_node_bounds() -> None:
    big = ("k: " + "x" * 200 + "\n").encode()
    result = load_bytes(big, "f.yaml", Limits(max_bytes=100))
    assert [f.rule for f in result.findings] == ["yaml-too-large"]
    many = "a: [" + ",".join(["1"] * 500) + "]\n"
    assert [f.rule for f in load_text(many, "f.yaml", Limits(max_nodes=100)).findings] == [
        "yaml-too-large"
    ]


def test_gbk_file_names_the_encoding() -> None:
    raw = "id: cs-specialist\nname:\n  zh: 客户服务专员\n".encode("gbk")
    findings = load_bytes(raw, "f.yaml").findings
    assert [(f.location.line, f.rule) for f in findings] == [(3, "yaml-encoding")]
    assert "GBK" in findings[0].message.zh
    assert "GBK" in findings[0].message.en


@pytest.mark.parametrize(
    ("raw", "needle"),
    [
        ("name: 客服\n".encode("utf-16"), "UTF-16"),
        ("name: 客服\n".encode("utf-16-le"), "UTF-16"),
        ("id: cs-specialist\nname: 客服\n".encode("utf-16-be"), "UTF-16"),
        ("name: 客服\n".encode("utf-32"), "UTF-32"),
        ("id: cs-specialist\nname: 客服\n".encode("utf-32-le"), "UTF-32"),
        ("id: cs-specialist\nname: 客服\n".encode("utf-32-be"), "UTF-32"),
        ("name: café\n".encode("latin-1"), "Latin-1"),
        (b"name: a\x00b\n", "NUL"),
        (bytes(range(256)) * 4, "NUL"),
    ],
)
def test_other_encodings_and_binary(raw: bytes, needle: str) -> None:
    findings = load_bytes(raw, "f.yaml").findings
    assert [f.rule for f in findings] == ["yaml-encoding"]
    assert needle in findings[0].message.zh
    assert needle in findings[0].message.en
    other = {"UTF-16": "UTF-32", "UTF-32": "UTF-16"}.get(needle)
    assert other is None or other not in findings[0].message.zh


def test_bom_and_crlf_are_accepted() -> None:
    raw = codecs.BOM_UTF8 + "a: 1\r\nb:\r\n  c: 客服\r\n".encode()
    result = load_bytes(raw, "f.yaml")
    assert result.findings == []
    assert result.document is not None
    assert result.document.data == {"a": 1, "b": {"c": "客服"}}
    assert result.document.marks["/b/c"] == (3, 3)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", [(1, 1, "yaml-empty")]),
        ("# only a comment\n\n", [(1, 1, "yaml-empty")]),
        ("a: 1\n---\nb: 2\n", [(2, 1, "yaml-multi-document")]),
        ("a: 'unclosed\nb: 2\n", [(1, 4, "yaml-syntax")]),
        ("a: [1, 2\nb: 2\n", [(1, 4, "yaml-syntax")]),
        ("a: {x: 1\n", [(1, 4, "yaml-syntax")]),
        ("a:\n\tb: 1\n", [(2, 1, "yaml-syntax")]),
        ("a: 1\n b: 2\n", [(2, 3, "yaml-syntax")]),
        ("text: Cleaned: weekly\n", [(1, 14, "yaml-syntax")]),
        ("a: \x07\n", [(1, 4, "yaml-syntax")]),
    ],
)
def test_structural_problems_are_located(text: str, expected: list[tuple[int, int, str]]) -> None:
    assert rules_of(text) == expected


def test_syntax_messages_explain_the_fix() -> None:
    (finding,) = load_text("text: Cleaned: weekly\n", "f.yaml").findings
    assert "冒号" in finding.message.zh
    assert finding.hint is not None and "引号" in finding.hint.zh


def test_unreadable_file(tmp_path: Path) -> None:
    from validator.loader import load_file

    result = load_file(tmp_path / "missing.yaml", "policies/missing.yaml")
    assert [f.rule for f in result.findings] == ["file-unreadable"]


def test_end_of_file_errors_point_at_the_last_line() -> None:
    # A last line without a colon is a key that lacks it: the line to change, not past its end.
    assert rules_of("id: m-cs-01\nt") == [(2, 1, "yaml-syntax")]
    assert rules_of("a: [1, 2\n") == [(1, 4, "yaml-syntax")]


ROLE = (
    "id: cs-specialist\n"
    "name: {zh: 客服, en: Service}\n"
    "tier: tier-frontline\n"
    "summary:\n"
    "  zh: 服务中心的窗口岗位。\n"
    "  en: The service desk.\n"
    "duties:\n"
    "  - id: cs.reception\n"
    "    text:\n"
    "      zh: 接待业主。\n"
    "      en: Receive owners.\n"
    "    status: secondary\n"
    "    sources: [C66]\n"
    "  - id: cs.work-order\n"
    "    text:\n"
    '      zh: "受理报修。"\n'
    "      en: Take repair requests.\n"
    "    status: sourced\n"
)


def _edit(line: int, old: str, new: str) -> str:
    lines = ROLE.split("\n")
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("text", "where", "zh", "en"),
    [
        # An unclosed quote that a later quote "closes": libyaml notices it lines below.
        (_edit(5, "zh: ", 'zh: "'), (5, 7), "引号", "quote"),
        (_edit(2, "zh: ", 'zh: "'), (2, 12), "引号", "quote"),
        ("a: 'unclosed\nb: 2\n", (1, 4), "引号", "quote"),
        (_edit(10, "      ", "\t"), (10, 1), "Tab", "tab"),
        (_edit(12, "    ", "  \t"), (12, 3), "Tab", "tab"),
        (_edit(3, ": ", "："), (3, 5), "全角冒号", "full-width colon"),
        (_edit(3, ": ", "： "), (3, 5), "全角冒号", "full-width colon"),
        (_edit(12, "    ", "\u3000\u3000"), (12, 1), "全角空格", "full-width space"),
        (_edit(12, "status: ", "status "), (12, 5), "缺少冒号", "not followed by a colon"),
        (_edit(18, "status: ", "status "), (18, 5), "缺少冒号", "not followed by a colon"),
        (_edit(3, "tier: ", "tier "), (3, 1), "缺少冒号", "not followed by a colon"),
        (_edit(13, "sources: ", "sources "), (13, 5), "缺少冒号", "not followed by a colon"),
    ],
)
def test_syntax_errors_name_the_line_to_change_and_the_cause(
    text: str, where: tuple[int, int], zh: str, en: str
) -> None:
    (finding,) = load_text(text, "f.yaml").findings
    assert (finding.location.line, finding.location.column, finding.rule) == (*where, "yaml-syntax")
    assert zh in finding.message.zh
    assert en in finding.message.en
    _assert_one_language(finding)


def _assert_one_language(finding: object) -> None:
    import re

    message, hint = finding.message, finding.hint  # type: ignore[attr-defined]
    for zh in (message.zh, hint.zh):
        # No parser English ("while scanning ...", "could not find ...") inside Chinese text.
        assert not re.search(r"[a-z]{3,} [a-z]{3,} [a-z]{3,}", zh), zh
    for en in (message.en, hint.en):
        assert not re.search("[\u4e00-\u9fff]", en), en


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\n b: 2\n",
        "text: Cleaned: weekly\n",
        "a: [1, 2\nb: 2\n",
        "a: {x: 1\n",
        "a: \x07\n",
        _edit(8, "  - ", "    - "),
    ],
)
def test_no_parser_english_in_chinese_messages(text: str) -> None:
    (finding,) = load_text(text, "f.yaml").findings
    assert finding.rule == "yaml-syntax"
    _assert_one_language(finding)


def test_a_missing_colon_shows_the_line_to_write() -> None:
    (finding,) = load_text(_edit(12, "status: ", "status "), "f.yaml").findings
    assert finding.hint is not None
    assert "status: secondary" in finding.hint.zh
    assert "status: secondary" in finding.hint.en


def test_long_keys_are_shortened_in_messages() -> None:
    key = "k" * 100_000  # a plain key is at most 1,024 characters; "? " allows any length
    findings = load_text(f"? {key}\n: 1\n? {key}\n: 2\n1: x\n", "f.yaml").findings
    assert [f.rule for f in findings] == ["yaml-duplicate-key", "yaml-key-type"]
    duplicate = findings[0]
    assert len(duplicate.message.zh) < 200 and len(duplicate.message.en) < 200
    assert "…" in duplicate.message.zh


def test_a_symlink_loop_is_called_a_loop(tmp_path: Path) -> None:
    from validator.loader import load_file

    (tmp_path / "a.yaml").symlink_to("b.yaml")
    (tmp_path / "b.yaml").symlink_to("a.yaml")
    (finding,) = load_file(tmp_path / "a.yaml", "policies/a.yaml").findings
    assert finding.rule == "file-unreadable"
    assert "循环" in finding.message.zh
    assert "loop" in finding.message.en
    assert "outside" not in finding.message.en


def test_the_format_character_class_is_every_unicode_format_character() -> None:
    import unicodedata

    from validator.loader import FORMAT_CHARACTERS

    every = {chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf"}
    matched = {chr(c) for c in range(0x110000) if FORMAT_CHARACTERS.fullmatch(chr(c))}
    assert matched == every


@pytest.mark.parametrize(
    ("character", "invisible"),
    [
        ("\u00ad", True),  # soft hyphen
        ("\u200b", True),
        ("\ufeff", True),  # a byte-order mark in the middle of a text
        ("\U0001d173", True),  # a musical format character, outside the BMP
        ("\U000e0041", True),  # a tag character, outside the BMP
        ("\U0001f600", False),  # an emoji is not one
        ("中", False),
    ],
)
def test_every_invisible_character_is_noticed_in_the_raw_text(
    character: str, invisible: bool
) -> None:
    loaded = load_text(f"id: a{character}b\n", "policies/x.yaml")
    assert loaded.findings == []
    assert loaded.document is not None
    assert loaded.document.format_characters is invisible
    assert loaded.document.data == {"id": f"a{character}b"}


def test_a_raw_control_character_is_refused_where_it_stands() -> None:
    loaded = load_text("id: a\x9bb\n", "policies/x.yaml")
    assert loaded.document is None
    assert [(f.rule, f.location.line, f.location.column) for f in loaded.findings] == [
        ("yaml-syntax", 1, 6)
    ]
