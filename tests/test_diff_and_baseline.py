"""`handbook diff` and `handbook check --baseline` in a scratch git repository."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO, commit_all, copy_repo_tree

Cli = Callable[..., tuple[int, str, str]]
ORPHAN = """# yaml-language-server: $schema=../../schemas/module.schema.json
id: m-old
title: {zh: 旧课程, en: Old course}
category: conduct
stages: [on-the-job]
hours: 2
delivery: [classroom]
assessment: {method: {zh: 问卷, en: Survey}}
review: {last_reviewed: 2026-11-01, every_months: 12}
audience: {roles: [cs-specialist]}
"""


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose base commit has one old problem (a module that covers nothing)."""
    root = copy_repo_tree(tmp_path / "repo")
    (root / "policies/training/m-old.yaml").write_text(ORPHAN, encoding="utf-8")
    return commit_all(root)


def commit_deleting_the_only_module_of_a_duty(root: Path) -> None:
    git(root, "rm", "-q", "policies/training/m-cs-05.yaml")
    git(root, "commit", "-qm", "drop m-cs-05")


def test_diff_names_the_duty_that_loses_training(run_cli: Cli, repo: Path) -> None:
    commit_deleting_the_only_module_of_a_duty(repo)
    code, out, _ = run_cli("diff", "--base", "HEAD~1", "--root", str(repo), "--format", "json")
    assert code == 0
    impact = json.loads(out)
    assert impact["lost_training"] == [
        {
            "id": "cs.move-in-renovation",
            "name": impact["lost_training"][0]["name"],
            "role": "cs-specialist",
            "modules": [{"id": "m-cs-05", "change": "removed"}],
        }
    ]
    duties = sum(
        len(yaml.safe_load(p.read_text())["duties"])
        for p in (REPO / "policies/roles").glob("*.yaml")
    )
    assert impact["coverage"] == {
        "before": {"covered": duties, "duties": duties},
        "after": {"covered": duties - 1, "duties": duties},
    }
    assert impact["changes"] == [
        {
            "kind": "module",
            "id": "m-cs-05",
            "name": "入伙与装修管理",
            "change": "removed",
            "fields": [],
            "values": [],
        }
    ]
    assert [f["rule"] for f in impact["introduced"]] == ["duty-has-training"]
    assert impact["fixed"] == []
    assert impact["pages"]["training/m-cs-05.md"] == "removed"
    assert impact["pages"]["roles/cs-specialist.md"] == "changed"
    assert impact["pages"]["coverage.md"] == "changed"


def test_diff_markdown_is_one_readable_comment(run_cli: Cli, repo: Path) -> None:
    commit_deleting_the_only_module_of_a_duty(repo)
    code, out, _ = run_cli("diff", "--base", "HEAD~1", "--root", str(repo), "--lang", "en")
    assert code == 0
    assert out.startswith("<!-- handbook-diff -->\n### Handbook impact\n\n**❌ 2 errors**\n")
    assert "**Training coverage:** 100.0% (108/108) → 99.1% (107/108)" in out
    assert ("#### ⚠️ Duties that lose training\n\n- `cs.move-in-renovation` Handle move-in") in out
    assert "(`cs-specialist`; module `m-cs-05` removed)" in out
    assert "- removed training module `m-cs-05` Move-in and renovation management\n" in out
    assert "**1** introduced, **0** fixed." in out
    assert "- − `training/m-cs-05/`" in out


def test_diff_reports_changed_fields(run_cli: Cli, repo: Path) -> None:
    role = repo / "policies/roles/cs-specialist.yaml"
    role.write_text(
        role.read_text(encoding="utf-8").replace("管理空置房钥匙", "管理空置房和车位的钥匙"),
        encoding="utf-8",
    )
    code, out, _ = run_cli("diff", "--base", "HEAD", "--root", str(repo), "--format", "json")
    assert code == 0
    impact = json.loads(out)
    assert impact["changes"] == [
        {
            "kind": "duty",
            "id": "cs.keys-vacant",
            "name": "管理空置房和车位的钥匙，登记每一次借出和归还。",
            "change": "changed",
            "fields": ["text"],
            "values": [
                {
                    "field": "text.zh",
                    "old": "管理空置房钥匙，登记每一次借出和归还。",
                    "new": "管理空置房和车位的钥匙，登记每一次借出和归还。",
                }
            ],
        }
    ]
    assert impact["introduced"] == [] and impact["lost_training"] == []


def test_baseline_fails_only_on_new_findings(run_cli: Cli, repo: Path) -> None:
    code, out, _ = run_cli("check", "--root", str(repo), "--lang", "en")
    assert code == 1  # the old problem alone fails a plain check
    code, out, _ = run_cli("check", "--root", str(repo), "--lang", "en", "--baseline", "HEAD")
    assert code == 0
    assert "error (in baseline) [module-has-purpose]" in out
    assert out.splitlines()[-1].endswith("no new problems found; 2 waived, 1 in the baseline.")
    commit_deleting_the_only_module_of_a_duty(repo)
    code, out, _ = run_cli("check", "--root", str(repo), "--lang", "en", "--baseline", "HEAD~1")
    assert code == 1
    assert "error [duty-has-training] The duty 'cs.move-in-renovation'" in out
    assert "error (in baseline) [module-has-purpose]" in out


def test_stored_baseline_file(run_cli: Cli, repo: Path, tmp_path: Path) -> None:
    _, report, _ = run_cli("check", "--root", str(repo), "--format", "json")
    saved = tmp_path / "baseline.json"
    saved.write_text(report, encoding="utf-8")
    code, _, _ = run_cli("check", "--root", str(repo), "--baseline", str(saved))
    assert code == 0
    (repo / "policies/training/m-cs-05.yaml").unlink()
    code, _, _ = run_cli("check", "--root", str(repo), "--baseline", str(saved))
    assert code == 1


def test_unknown_revision_is_a_tool_error(run_cli: Cli, repo: Path) -> None:
    code, out, err = run_cli(
        "diff", "--base", "no-such-branch", "--root", str(repo), "--lang", "en"
    )
    assert (code, out) == (2, "")
    assert err.startswith("handbook: No policies/ at the git revision no-such-branch")


def test_pre_commit_hook_definition() -> None:
    import re

    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "handbook-check"
    assert hook["entry"] == "handbook check"
    assert hook["pass_filenames"] is False
    assert re.search(hook["files"], "policies/roles/cs-specialist.yaml")
    assert re.search(hook["files"], "schemas/role.schema.json")
    assert not re.search(hook["files"], "docs/introduction.md")


def test_workflow_runs_the_gate() -> None:
    workflow = yaml.safe_load((REPO / ".github/workflows/handbook.yml").read_text(encoding="utf-8"))
    steps = " ".join(
        str(step.get("run", "")) + str(step.get("uses", ""))
        for step in workflow["jobs"]["check"]["steps"]
    )
    for needed in (
        "handbook check",
        "--format sarif",
        "upload-sarif",
        "handbook diff --base",
        "make install",
    ):
        assert needed in steps
    assert "make site" in str(workflow["jobs"]["site"]["steps"])
