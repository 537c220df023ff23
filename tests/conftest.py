"""Shared helpers: build policy trees, run the CLI, read `# expect:` comments from fixtures."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from validator.cli import main

REPO = Path(__file__).resolve().parents[1]
CASES = Path(__file__).resolve().parent / "cases"
EXPECT = re.compile(r"#\s*expect:\s*([a-z0-9, -]+?)\s*$")


def copy_repo_tree(destination: Path, *, with_policies: bool = True) -> Path:
    """A copy of the repository's schemas (and policies) to modify freely."""
    shutil.copytree(REPO / "schemas", destination / "schemas")
    if with_policies:
        shutil.copytree(REPO / "policies", destination / "policies")
    return destination


def case_root(case: Path, destination: Path) -> Path:
    """A runnable root: the case's policies/ beside the repository's schemas/."""
    copy_repo_tree(destination, with_policies=False)
    shutil.copytree(case / "policies", destination / "policies")
    return destination


def expected_findings(root: Path) -> set[tuple[str, int, str]]:
    """(path, line, rule) for every `# expect: rule-id` comment under root/policies."""
    found: set[tuple[str, int, str]] = set()
    for file in sorted((root / "policies").rglob("*.yaml")):
        text = file.read_bytes().decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            match = EXPECT.search(line)
            if match:
                for rule in match.group(1).split(","):
                    found.add((file.relative_to(root).as_posix(), number, rule.strip()))
    return found


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run `handbook ARGS...` in-process; returns (exit code, stdout, stderr)."""

    def invoke(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """A scratch copy of the shipped policies and schemas."""
    return copy_repo_tree(tmp_path / "repo")
