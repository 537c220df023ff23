"""The 变更记录 page: versions from git history, compared by meaning; honest without history."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import commit_all, copy_repo_tree
from validator import versions as versions_module
from validator.engine import Result, run
from validator.render.changelog import changelog_page
from validator.versions import change_log, versions


def _set_version(root: Path, version: str) -> None:
    settings = root / "policies/handbook.yaml"
    text = settings.read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.startswith("version:"))
    settings.write_text(text.replace(old, f'version: "{version}"'), encoding="utf-8")


def test_without_history_the_page_says_so(tmp_path: Path) -> None:
    root = copy_repo_tree(tmp_path / "repo")
    assert versions(root) == []
    entries = change_log(root, run(root))
    assert entries == []
    page = changelog_page(entries)
    assert page.startswith("# 变更记录")
    assert "没有找到手册的 git 历史" in page


def test_each_version_lists_what_was_added_removed_and_changed(tmp_path: Path) -> None:
    root = copy_repo_tree(tmp_path / "repo")
    _set_version(root, "2030.1")
    commit_all(root, "first")
    _set_version(root, "2030.2")
    module = root / "policies/training/m-cs-06.yaml"
    module.write_text(
        module.read_text(encoding="utf-8").replace("hours: ", "hours: 1", 1), encoding="utf-8"
    )
    commit_all(root, "second")
    found = versions(root)
    assert [v.name for v in found] == ["2030.1", "2030.2"]
    page = changelog_page(change_log(root, run(root)))
    sections = page.split("\n## ")[1:]
    assert sections[0].startswith("版本 2030.2（")
    assert "没有内容上的变更。" in sections[0]
    assert sections[1].startswith("版本 2030.1 → 2030.2（")
    assert "- **修改** 培训模块：业主档案、钥匙与信息管理（学时）" in sections[1]
    assert "- **修改** 手册设置" in sections[1]
    assert "共修改 2 项。" in sections[1]


def test_a_kept_memo_checks_and_compares_past_commits_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_repo_tree(tmp_path / "repo")
    for version in ("2030.1", "2030.2", "2030.3"):
        _set_version(root, version)
        commit_all(root, version)
    checked: list[Path] = []
    real_run = versions_module.run

    def counting(where: Path, **options: object) -> Result:
        checked.append(where)
        return real_run(where)

    monkeypatch.setattr(versions_module, "run", counting)
    current = real_run(root)
    memo: dict[object, object] = {}
    first = change_log(root, current, memo)
    assert len(checked) == 3  # each version's first commit, once
    again = change_log(root, current, memo)
    assert len(checked) == 3  # a serve rebuild checks no past commit again
    assert [(e.since.name, e.until.name if e.until else None) for e in again] == [
        (e.since.name, e.until.name if e.until else None) for e in first
    ]
    assert changelog_page(again) == changelog_page(first)
