"""`handbook codeowners` and the `codeowners-current` rule, on copies of the shipped handbook."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import REPO, copy_repo_tree

Cli = Callable[..., tuple[int, str, str]]
APPROVERS = "@property-co/handbook-approvers"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_repo_tree(tmp_path / "repo")


def owners(text: str) -> dict[str, str]:
    """Path pattern → the owners written after it."""
    rules = [line.split(" ", 1) for line in text.splitlines() if line and line[0] in "/"]
    return {pattern: handles for pattern, handles in rules}


def test_the_shipped_handbook_routes_each_file_to_its_owners(run_cli: Cli, root: Path) -> None:
    code, out, _ = run_cli("codeowners", "--root", str(root))
    assert code == 0
    found = owners(out)
    # Defaults and the files that set the gate: the handbook's approver (general-manager).
    for pattern in ("/policies/", "/schemas/", "/.github/CODEOWNERS", "/policies/waivers.yaml"):
        assert found[pattern] == APPROVERS
    assert found["/policies/handbook.yaml"] == APPROVERS
    # Training: the custodian named under codeowners.paths.
    assert found["/policies/training/"] == "@property-co/handbook-training"
    assert not any(p.startswith("/policies/training/m-") for p in found)
    # A role: its manager's reviewers; the top role reports to nobody, so the approver.
    assert found["/policies/roles/security-officer.yaml"] == "@property-co/handbook-security"
    assert found["/policies/roles/general-manager.yaml"] == APPROVERS
    # A manager without reviewers of their own is represented up the reporting line.
    assert found["/policies/roles/regional-manager.yaml"] == APPROVERS
    # Standards: the roles responsible for them; tiers: the tiers' owners.
    assert found["/policies/standards/security.yaml"] == "@property-co/handbook-security"
    assert found["/policies/standards/customer-service.yaml"] == (
        "@property-co/handbook-customer-service @property-co/handbook-operations"
    )
    assert found["/policies/tiers.yaml"] == (
        f"@property-co/handbook-operations @property-co/handbook-regional {APPROVERS}"
    )
    # The defaults come first: in CODEOWNERS the last matching line wins.
    patterns = list(found)
    assert patterns[:2] == ["/policies/", "/schemas/"]
    assert patterns.index("/policies/training/") < patterns.index(
        "/policies/roles/cs-specialist.yaml"
    )


def test_gitlab_puts_the_same_lines_in_one_section(run_cli: Cli, root: Path) -> None:
    _, github, _ = run_cli("codeowners", "--root", str(root))
    code, gitlab, _ = run_cli("codeowners", "--root", str(root), "--format", "gitlab")
    assert code == 0
    assert [line for line in gitlab.splitlines() if line.startswith("[")] == ["[手册 Handbook]"]
    assert gitlab.replace("[手册 Handbook]\n", "") == github


def test_the_committed_file_is_the_one_the_command_writes() -> None:
    assert (REPO / ".github/CODEOWNERS").read_text(encoding="utf-8") == _written(REPO)


def _written(root: Path) -> str:
    from validator import codeowners
    from validator.engine import run

    handbook = run(root).handbook
    assert handbook is not None
    return codeowners.write(handbook)


def test_output_file_and_a_stale_file(run_cli: Cli, root: Path) -> None:
    target = root / ".github" / "CODEOWNERS"
    assert run_cli("codeowners", "--root", str(root), "-o", str(target))[0] == 0
    code, out, _ = run_cli("check", "--root", str(root), "--format", "json")
    assert code == 0 and json.loads(out)["summary"]["warnings"] == 0
    # A standard changes owner and CODEOWNERS is not written again.
    security = root / "policies/standards/security.yaml"
    text = security.read_text(encoding="utf-8")
    security.write_text(
        text.replace("responsible: security-supervisor", "responsible: project-manager"),
        encoding="utf-8",
    )
    code, out, _ = run_cli("check", "--root", str(root), "--format", "json", "--lang", "en")
    assert code == 0  # a warning: the check still passes
    (finding,) = [f for f in json.loads(out)["findings"] if f["rule"] == "codeowners-current"]
    lines = target.read_text(encoding="utf-8").splitlines()
    rule = next(
        i for i, line in enumerate(lines) if line.startswith("/policies/standards/security")
    )
    number = rule  # the comment naming the owner, just above the rule (1-based: rule - 1 + 1)
    assert finding["file"] == ".github/CODEOWNERS"
    assert finding["line"] == number  # where an editor's jump lands: the line to change
    assert finding["severity"] == "warning"
    assert finding["message"] == (
        f"Line {number} of .github/CODEOWNERS does not match the owners in the policies: "
        "expected '# project-manager', found '# security-supervisor'."
    )
    assert finding["hint"] == "Run `handbook codeowners -o .github/CODEOWNERS` and commit the file."


def test_a_gitlab_file_at_the_root_is_checked_as_gitlab(run_cli: Cli, root: Path) -> None:
    target = root / "CODEOWNERS"
    run_cli("codeowners", "--root", str(root), "--format", "gitlab", "-o", str(target))
    assert run_cli("check", "--root", str(root))[1].startswith("检查通过")
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("@property-co/handbook-training", "@someone"), encoding="utf-8")
    _, out, _ = run_cli("check", "--root", str(root), "--lang", "en")
    assert "[codeowners-current]" in out
    assert "Run `handbook codeowners --format gitlab -o CODEOWNERS`" in out


def test_no_codeowners_file_is_no_finding(run_cli: Cli, root: Path) -> None:
    code, out, _ = run_cli("check", "--root", str(root), "--format", "json")
    assert code == 0
    assert [f for f in json.loads(out)["findings"] if f["rule"] == "codeowners-current"] == []


def test_a_broken_tree_writes_nothing(run_cli: Cli, root: Path, tmp_path: Path) -> None:
    module = root / "policies/training/m-cs-01.yaml"
    module.write_text(module.read_text(encoding="utf-8") + "hours: [\n", encoding="utf-8")
    target = tmp_path / "CODEOWNERS"
    code, _, err = run_cli("codeowners", "--root", str(root), "-o", str(target))
    assert code == 1 and not target.exists()
    assert "policies/training/m-cs-01.yaml" in err


def test_a_role_without_reviewers_anywhere_gets_a_comment_not_an_empty_rule(
    run_cli: Cli, root: Path
) -> None:
    settings = root / "policies/handbook.yaml"
    text = settings.read_text(encoding="utf-8")
    start = text.index("approver:")
    settings.write_text(text[:start], encoding="utf-8")
    code, out, _ = run_cli("codeowners", "--root", str(root))
    assert code == 0
    assert owners(out) == {}
    assert "# /policies/ (—): no reviewers in codeowners.reviewers" in out.splitlines()
