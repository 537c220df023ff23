"""The annual plan and the hours of a post, with exact figures on a small tree: year one is one
full run of every module plus the refreshers that already fall within it; a year after that is
the refreshers at their intervals."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import TODAY, case_root
from validator.engine import Result, run
from validator.exports.json_export import handbook_json
from validator.exports.workbook import build_workbook
from validator.model import Handbook
from validator.resolved import TrainingPath

MODULE = """id: {id}
title: {{zh: {id}, en: {id}}}
audience: {{roles: [worker]}}
category: skills
stages: [{stage}]
hours: {hours}
delivery: [on-site]
assessment: {{method: {{zh: 实操, en: Practical}}}}
refresh: {{every_months: {every}, hours: {again}}}
"""


def _tree(tmp_path: Path, frontline_minimum: int = 4) -> Path:
    """The base tree's worker (m-work: 4 h before the post, yearly 4 h) plus three modules:
    a six-monthly drill before the post, a quarterly refresher and a two-yearly course on the
    job."""
    overlay = tmp_path / "case" / "policies" / "training"
    overlay.mkdir(parents=True)
    for module_id, stage, hours, every, again in (
        ("m-drill", "onboarding", 6, 6, 3),
        ("m-quarter", "on-the-job", 2, 3, 1),
        ("m-two", "on-the-job", 8, 24, 8),
    ):
        (overlay / f"{module_id}.yaml").write_text(
            MODULE.format(id=module_id, stage=stage, hours=hours, every=every, again=again),
            encoding="utf-8",
        )
    root = case_root(tmp_path / "case", tmp_path / "repo")
    settings = root / "policies" / "handbook.yaml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(
        text.replace("tier-frontline: 4\n", f"tier-frontline: {frontline_minimum}\n"),
        encoding="utf-8",
    )
    return root


def _handbook(result: Result) -> Handbook:
    assert result.handbook is not None, result.findings
    return result.handbook


def _worker(handbook: Handbook) -> TrainingPath:
    (path,) = handbook.resolved.paths_of(handbook.index["role"]["worker"])
    return path


def test_year_one_counts_the_refreshers_that_fall_within_it(tmp_path: Path) -> None:
    path = _worker(_handbook(run(_tree(tmp_path), today=TODAY)))
    plan = {
        entry.module.id: (
            entry.first_year_month,
            entry.first_year_refreshers,
            entry.first_year_hours,
            entry.steady_months,
        )
        for entry in path.plan
    }
    assert plan == {
        # Before the post in month 1, again in month 7: 6 + 3 hours in year one.
        "m-drill": (1, (7,), 9.0, (1, 7)),
        # On the job from month 2, then every three months: 2 + 3 × 1 hours in year one.
        "m-quarter": (2, (5, 8, 11), 5.0, (2, 5, 8, 11)),
        # Two-yearly: once in year one, in its month every other year after.
        "m-two": (7, (), 8.0, (7,)),
        # Yearly: the first refresher falls in month 1 of year two.
        "m-work": (1, (), 4.0, (1,)),
    }
    assert path.first_year_hours == 26.0  # 9 + 5 + 8 + 4
    assert path.yearly_hours == 18.0  # 3 × 2 + 1 × 4 + 8 ÷ 2 + 4


def test_the_export_and_the_workbook_carry_year_one_refreshers(tmp_path: Path) -> None:
    handbook = _handbook(run(_tree(tmp_path), today=TODAY))
    role = next(r for r in handbook_json(handbook)["roles"] if r["id"] == "worker")
    (exported,) = role["training_paths"]
    assert exported["first_year_hours"] == 26.0
    assert exported["yearly_hours"] == 18.0
    drill = next(entry for entry in exported["plan"] if entry["module"] == "m-drill")
    assert (drill["first_year_refresh_months"], drill["first_year_hours"]) == ([7], 9.0)
    target = tmp_path / "training.xlsx"
    build_workbook(handbook).save(target)
    book = load_workbook(target)
    rows = list(book["年度培训计划"].iter_rows(min_row=2, values_only=True))
    drill_rows = [row[4:18] for row in rows if row[2] == "M-DRILL"]
    month_1_to_12_and_total = [
        ("首年", 6, None, None, None, None, None, 3, None, None, None, None, None, 9),
        ("之后每年", 3, None, None, None, None, None, 3, None, None, None, None, None, 6),
    ]
    assert [tuple(row) for row in drill_rows] == month_1_to_12_and_total
    matrix = book["培训矩阵"]
    header = [cell.value for cell in matrix[1]]
    (worker,) = [r for r in matrix.iter_rows(min_row=2, values_only=True) if r[0] == "员工（白班）"]
    assert worker[header.index("M-DRILL m-drill")] == 9
    assert worker[-1] == 26


@pytest.mark.parametrize(
    ("minimum", "short"),
    [(18, set()), (20, {"a year after"}), (27, {"in the first year", "a year after"})],
)
def test_the_minimum_is_checked_against_both_years(
    tmp_path: Path, minimum: int, short: set[str]
) -> None:
    result = run(_tree(tmp_path, frontline_minimum=minimum), today=TODAY)
    messages = [f.message.en for f in result.findings if f.rule == "training-hours"]
    figures = {"in the first year": "26.0 hours", "a year after": "18.0 hours"}
    found = {phrase for message in messages for phrase in figures if phrase in message}
    assert len(messages) == len(short) and found == short
    for phrase in short:
        assert any(figures[phrase] in m and f"minimum of {minimum}" in m for m in messages)
