"""Every fixture case under tests/cases/<rule>/<case>/ gives exactly the findings it promises.

Cases are overlays on tests/cases/_base (a small, fully clean handbook). Expected findings are
`# expect: rule-id` comments on the exact line, and the other end of a cross-file finding is a
`# related: rule-id` comment, so both locations are asserted.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CASES, observed, run_case
from validator.rules import RULES

ALL_CASES = sorted(
    case
    for rule_dir in CASES.iterdir()
    if rule_dir.is_dir() and not rule_dir.name.startswith("_")
    for case in rule_dir.iterdir()
    if case.is_dir()
)


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: f"{c.parent.name}/{c.name}")
def test_case_gives_exactly_its_expected_findings(case: Path, tmp_path: Path) -> None:
    result, expected = run_case(case, tmp_path)
    actual = observed(result.findings)
    assert actual.findings == expected.findings
    assert actual.related == expected.related
    if case.name.startswith("pass"):
        # A passing case may show findings only when a waiver accepts each of them.
        assert not result.failed
        assert all(f.suppressed for f in result.findings)
    else:
        assert case.parent.name in {rule for _, _, rule in expected.findings}


def test_every_rule_has_a_passing_and_a_failing_case() -> None:
    for rule_id in RULES:
        names = {case.name for case in ALL_CASES if case.parent.name == rule_id}
        assert any(n.startswith("pass") for n in names), f"{rule_id} has no pass case"
        assert any(n.startswith("fail") for n in names), f"{rule_id} has no fail case"


def test_every_case_directory_names_a_rule() -> None:
    for rule_dir in CASES.iterdir():
        if rule_dir.is_dir() and not rule_dir.name.startswith("_"):
            assert rule_dir.name in RULES, rule_dir.name


def test_the_base_tree_is_clean(tmp_path: Path) -> None:
    result, _ = run_case(CASES / "_base", tmp_path)
    assert result.findings == []
