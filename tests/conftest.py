"""Shared helpers: build policy trees, run the CLI, read `# expect:` comments from fixtures."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from validator.cli import main
from validator.engine import Result, run
from validator.findings import Finding
from validator.history import open_history
from validator.loader import Limits

REPO = Path(__file__).resolve().parents[1]
CASES = Path(__file__).resolve().parent / "cases"
EXPECT = re.compile(r"#.*?\bexpect:\s*([a-z0-9, -]+)")
RELATED = re.compile(r"#.*?\brelated:\s*([a-z0-9, -]+)")
TODAY = date(2026, 11, 25)
"""The fixed 'today' of every case, so expiry and review checks are reproducible."""


def copy_repo_tree(destination: Path, *, with_policies: bool = True) -> Path:
    """A copy of the repository's schemas (and policies) to modify freely."""
    shutil.copytree(REPO / "schemas", destination / "schemas")
    if with_policies:
        shutil.copytree(REPO / "policies", destination / "policies")
    return destination


def case_root(case: Path, destination: Path) -> Path:
    """A runnable root: the base tree with the case's changes, beside the repository's schemas.

    A case directory holds a `policies/` overlay (files replace or add to `tests/cases/_base`),
    optionally `delete.txt` (base paths to remove, one per line), `expect.txt` (findings in files
    that cannot hold a comment: `path:line rule` or `related path:line rule`), `limits.json`
    `beside/` (files put beside `policies/`, such as a committed `.github/CODEOWNERS`) and
    `before/` (an overlay committed to git first: the case is then a change made after it).
    """
    copy_repo_tree(destination, with_policies=False)
    shutil.copytree(CASES / "_base" / "policies", destination / "policies")
    if (case / "before").exists():
        shutil.copytree(case / "before" / "policies", destination / "policies", dirs_exist_ok=True)
        commit_all(destination, "before the change")
    deletions = case / "delete.txt"
    if deletions.exists():
        for line in deletions.read_text(encoding="utf-8").split():
            (destination / line).unlink()
    if (case / "policies").exists():
        shutil.copytree(
            case / "policies", destination / "policies", dirs_exist_ok=True, symlinks=True
        )
    if (case / "beside").exists():
        shutil.copytree(case / "beside", destination, dirs_exist_ok=True)
    return destination


@dataclass
class Expected:
    findings: set[tuple[str, int, str]]
    related: set[tuple[str, int, str]]


def expected_findings(root: Path, case: Path | None = None) -> Expected:
    """What the `# expect:`/`# related:` comments and `expect.txt` of a case tree promise."""
    expected = Expected(set(), set())
    for file in sorted((root / "policies").rglob("*.yaml")):
        if file.is_symlink():
            continue
        text = file.read_bytes().decode("utf-8", errors="replace")
        path = file.relative_to(root).as_posix()
        for number, line in enumerate(text.splitlines(), start=1):
            for pattern, bucket in ((EXPECT, expected.findings), (RELATED, expected.related)):
                match = pattern.search(line)
                if match:
                    bucket.update((path, number, r.strip()) for r in match.group(1).split(","))
    listing = case / "expect.txt" if case else None
    if listing is not None and listing.exists():
        for line in listing.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            bucket = expected.findings
            if line.startswith("related "):
                bucket, line = expected.related, line.removeprefix("related ")
            where, rule = line.strip().rsplit(" ", 1)  # file names may contain spaces
            path, number = where.rsplit(":", 1)
            bucket.add((path, int(number), rule))
    return expected


def run_case(case: Path, destination: Path) -> tuple[Result, Expected]:
    """Build and check one case; returns the result and what the case expects."""
    root = case_root(case, destination)
    settings = case / "limits.json"
    limits = Limits(**json.loads(settings.read_text())) if settings.exists() else Limits()
    history = open_history(root, None) if (case / "before").exists() else None
    return run(root, today=TODAY, limits=limits, history=history), expected_findings(root, case)


def observed(findings: list[Finding]) -> Expected:
    """The same shape as :class:`Expected`, from actual findings."""
    return Expected(
        {(f.location.path, f.location.line, f.rule) for f in findings},
        {(r.path, r.line, f.rule) for f in findings for r in f.related},
    )


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


def build_site(
    source: Path, destination: Path, *, verbose: bool = False
) -> subprocess.CompletedProcess[str]:
    """`mkdocs build --strict` of the handbook whose mkdocs.yml is in ``source`` (``verbose``:
    with MkDocs' debug messages)."""
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            *(["--verbose"] if verbose else []),
            "--config-file",
            str(source / "mkdocs.yml"),
            "--site-dir",
            str(destination),
        ],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )


def without_downloads(project: Path, *, render_cache: bool = True) -> Path:
    """``project`` with the handbook plugin writing no downloads (no PDFs to print), and with
    ``render_cache`` as given."""
    config = project / "mkdocs.yml"
    options = "      downloads: false\n" + ("" if render_cache else "      render_cache: false\n")
    text = config.read_text(encoding="utf-8")
    assert text.count("\n  - handbook\n") == 1, "mkdocs.yml lists the plugin without options"
    config.write_text(text.replace("\n  - handbook\n", f"\n  - handbook:\n{options}"), "utf-8")
    return project


def copy_project(destination: Path) -> Path:
    """A copy of everything a site build reads: mkdocs.yml, docs/, policies/, schemas/."""
    copy_repo_tree(destination)
    shutil.copytree(REPO / "docs", destination / "docs")
    shutil.copy(REPO / "mkdocs.yml", destination / "mkdocs.yml")
    return destination


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped handbook built once for the session."""
    destination = tmp_path_factory.mktemp("site")
    completed = build_site(REPO, destination)
    assert completed.returncode == 0, completed.stderr
    return destination


@pytest.fixture(scope="session")
def poisoned_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The handbook with an injection payload in every text field, built once for the session."""
    from tests.payloads import poison_policies

    project = copy_project(tmp_path_factory.mktemp("poisoned"))
    poison_policies(project / "policies")
    destination = project / "site"
    completed = build_site(project, destination)
    assert completed.returncode == 0, completed.stderr
    return destination


def commit_all(root: Path, message: str = "base") -> Path:
    """Make ``root`` a git repository (if it is not one) and commit everything in it."""

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)

    if not (root / ".git").exists():
        git("init", "-q")
        git("config", "user.email", "test@example.invalid")
        git("config", "user.name", "test")
    git("add", "-A")
    git("commit", "-qm", message)
    return root


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that reads a built site (or printed PDFs) is as slow as the build: mark it so."""
    for item in items:
        if {"built_site", "poisoned_site", "pdf_folder"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
