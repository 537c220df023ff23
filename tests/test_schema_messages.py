"""Schema findings an editor can act on: plain words, one finding per mistake, and never a
document counted valid that the fast validator rejected."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import CASES, TODAY, case_root
from validator.engine import run
from validator.findings import Finding

WORKER = "policies/roles/worker.yaml"
MODULE = "policies/training/m-work.yaml"


def check(tmp_path: Path, path: str, old: str, new: str) -> list[Finding]:
    """Findings after replacing ``old`` with ``new`` in one file of the clean base tree."""
    root = case_root(CASES / "_base", tmp_path / "root")
    file = root / path
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")
    return [f for f in run(root, today=TODAY).findings if f.severity.label == "error"]


def where(findings: list[Finding]) -> list[tuple[str, int, str]]:
    return [(f.location.path, f.location.line, f.rule) for f in findings]


# Words an editor should never have to read: schema keywords, regular expressions, JSON null.
JARGON = re.compile(
    r"exclusiveMinimum|minimum|maximum|minLength|minItems|pattern|schema|null|\^\[|\$'|\\\\"
)


def assert_plain(finding: Finding) -> None:
    assert finding.hint is not None
    for text in (finding.message.zh, finding.hint.zh, finding.message.en, finding.hint.en):
        assert not JARGON.search(text), text
    for text in (finding.message.en, finding.hint.en):
        words = re.sub(r'"[^"]*"', "", text)  # values quoted from the file may be Chinese
        assert not re.search("[\u4e00-\u9fff]", words), text
    # Chinese messages hold no English sentence (field names and values are fine).
    assert not re.search(r"[A-Za-z]+ [a-z]+ [a-z]+", finding.message.zh), finding.message.zh


@pytest.mark.parametrize(
    ("old", "new", "zh", "en"),
    [
        ("hours: 4", "hours: -2", "大于 0、不超过 500 的数", "more than 0 and at most 500"),
        ("hours: 4", "hours: 0", "大于 0、不超过 500 的数", "more than 0 and at most 500"),
        ("hours: 4", "hours: 600", "大于 0、不超过 500 的数", "more than 0 and at most 500"),
        (
            "every_months: 12, hours",
            "every_months: 0, hours",
            "至少 1、不超过 120 的整数",
            "at least 1",
        ),
        ("hours: 4", 'hours: "4"', "应该是数字", "must be a number"),
        ("hours: 4", "hours: 四", "应该是数字", "must be a number"),
        ("stages: [onboarding]", "stages: []", "不能是空的", "must not be empty"),
        ("covers: [w.task]", "covers: [W.Task]", "写法不对", "not written correctly"),
        ("covers: [w.task]", "covers: [w.task, w.task]", "写了两次", "twice"),
        ("category: skills", "category: skill", "不是可选的值", "not one of the choices"),
    ],
)
def test_module_mistakes_in_plain_words(
    tmp_path: Path, old: str, new: str, zh: str, en: str
) -> None:
    findings = check(tmp_path, MODULE, old, new)
    lines = (tmp_path / "root" / MODULE).read_text(encoding="utf-8").splitlines()
    line = next(number for number, text in enumerate(lines, 1) if new in text)
    assert where(findings) == [(MODULE, line, "schema")]
    (finding,) = findings
    assert zh in finding.message.zh
    assert en in finding.message.en
    assert_plain(finding)


def test_a_pattern_hint_shows_an_example_not_the_expression(tmp_path: Path) -> None:
    (finding,) = check(tmp_path, MODULE, "covers: [w.task]", "covers: [W.Task]")
    assert finding.hint is not None
    assert "cs.complaint" in finding.hint.zh and "cs.complaint" in finding.hint.en
    assert "/" not in finding.hint.zh  # one language, not the schema's "中文 / English"


def test_blank_required_text_is_never_told_to_be_deleted(tmp_path: Path) -> None:
    findings = check(tmp_path, WORKER, "summary: {zh: 做具体工作。,", 'summary: {zh: "",')
    assert where(findings) == [(WORKER, 5, "schema")]
    assert findings[0].hint is not None
    assert "删除" not in findings[0].hint.zh and "remove" not in findings[0].hint.en.lower()
    assert "空白" in findings[0].message.zh


def test_a_misspelt_key_is_one_finding_that_names_the_field(tmp_path: Path) -> None:
    findings = check(tmp_path, WORKER, "reports_to: lead", "reprots_to: lead")
    assert where(findings) == [(WORKER, 4, "schema")]
    assert "是不是 reports_to" in findings[0].message.zh
    assert "did you mean reports_to" in findings[0].message.en
    assert_plain(findings[0])


def test_an_empty_mapping_is_one_finding(tmp_path: Path) -> None:
    findings = check(tmp_path, WORKER, "  - id: w.task\n", "  - {}\n  - id: w.task\n")
    assert where(findings) == [(WORKER, 13, "schema")]
    assert "id、text" in findings[0].message.zh


def test_a_whole_empty_file_mapping_is_one_finding_at_its_first_key(tmp_path: Path) -> None:
    root = case_root(CASES / "_base", tmp_path / "root")
    (root / WORKER).write_text("# comment\nreview: {last_reviewed: 2026-11-01, every_months: 12}\n")
    findings = [f for f in run(root, today=TODAY).findings if f.rule == "schema"]
    assert where(findings) == [(WORKER, 2, "schema")]
    assert "id、name、tier、reports_to、summary、duties" in findings[0].message.zh


def test_a_missing_value_is_not_called_null(tmp_path: Path) -> None:
    (finding,) = check(tmp_path, WORKER, "reports_to: lead", "reports_to: lead\nname2:")
    assert "name2" in finding.message.zh
    findings = check(tmp_path / "b", MODULE, "hours: 4", "hours:")
    assert "没有写内容" in findings[0].message.zh
    assert "no value" in findings[0].message.en
    assert_plain(findings[0])


def test_text_cut_at_a_comma_is_explained_even_in_chinese(tmp_path: Path) -> None:
    findings = check(tmp_path, WORKER, "name: {zh: 员工,", "name: {zh: 员工, 助理,")
    assert where(findings) == [(WORKER, 2, "schema")]
    assert "逗号" in findings[0].message.zh


def test_a_key_with_a_space_is_not_called_a_comma(tmp_path: Path) -> None:
    findings = check(tmp_path, WORKER, "reports_to: lead", "reports_to: lead\nreview date: 2026")
    assert "逗号" not in findings[0].message.zh
    assert "不认识的字段" in findings[0].message.zh


def test_an_id_with_a_trailing_newline_is_refused(tmp_path: Path) -> None:
    findings = check(tmp_path, WORKER, "  - id: w.task", '  - id: "w.task\\n"')
    assert where(findings) == [(WORKER, 13, "schema")]
    assert findings[0].hint is not None and "换行" in findings[0].hint.zh


def test_the_fast_verdict_stands_when_the_explaining_pass_finds_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With Python's own "$" (which matches before a final newline) the explaining pass finds
    # nothing wrong; the document must still fail, at the value the fast validator names.
    from jsonschema._keywords import pattern

    import validator.schema

    monkeypatch.setattr(validator.schema, "_ecma_pattern", pattern)
    findings = check(tmp_path, WORKER, "  - id: w.task", '  - id: "w.task\\n"')
    assert where(findings) == [(WORKER, 13, "schema")]
    assert "w.task" in findings[0].message.zh


def test_a_field_at_the_wrong_level_is_called_an_indentation_mistake(tmp_path: Path) -> None:
    findings = check(
        tmp_path,
        WORKER,
        "    text: {zh: 完成任务。, en: Does the task.}\n",
        "    text:\n      zh: 完成任务。\n      status: sourced\n",
    )
    assert where(findings) == [(WORKER, 16, "schema")]
    assert "缩进" in findings[0].message.zh
    assert "indentation" in findings[0].message.en
    assert "拼错" not in findings[0].message.zh
