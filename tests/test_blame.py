"""The finding lands where the editor changed something: copies, added duplicates, renames and
deletions, told apart with git; suggestions only for near misses."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from tests.conftest import commit_all, copy_repo_tree

Cli = Callable[..., tuple[int, str, str]]


def _errors(out: str) -> list[str]:
    return [line for line in out.splitlines() if ": error [" in line]


def _line(path: Path, fragment: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if fragment in line)


def test_a_copied_role_file_is_one_error_on_the_copy(tmp_path: Path, run_cli: Cli) -> None:
    root = copy_repo_tree(tmp_path / "repo")
    roles = root / "policies" / "roles"
    # Sorts before the original, so file order alone would blame the original.
    shutil.copy(roles / "cs-specialist.yaml", roles / "cs-receptionist.yaml")
    code, out, _ = run_cli("check", "--root", str(root), "--lang", "en")
    assert code == 1
    assert _errors(out) == [
        "policies/roles/cs-receptionist.yaml:2:1: error [id-unique] This file looks like a copy "
        "of policies/roles/cs-specialist.yaml: 10 of its ids are the same (cs-specialist, "
        "cs.reception, cs.work-order, cs.complaint…)."
    ]
    assert "see also: policies/roles/cs-specialist.yaml:2:1" in out


def test_a_duplicate_added_to_an_earlier_file_is_blamed_with_git(
    tmp_path: Path, run_cli: Cli
) -> None:
    root = commit_all(copy_repo_tree(tmp_path / "repo"))
    roles = root / "policies" / "roles"
    # cs-specialist.yaml sorts first: in file order the untouched original would be blamed.
    earlier = roles / "cs-specialist.yaml"
    text = earlier.read_text(encoding="utf-8")
    earlier.write_text(
        text.replace("duties:\n", "duties:\n  - id: sec.patrol\n    text: {zh: 巡查。}\n", 1),
        encoding="utf-8",
    )
    added = _line(earlier, "- id: sec.patrol")
    original = _line(roles / "security-officer.yaml", "- id: sec.patrol")
    code, out, _ = run_cli("check", "--root", str(root), "--lang", "en")
    assert code == 1
    assert _errors(out)[0] == (
        f"policies/roles/cs-specialist.yaml:{added}:5: error [id-unique] The duty id "
        f"'sec.patrol' is already used (policies/roles/security-officer.yaml, line {original})."
    )


def test_a_renamed_id_is_caught_even_when_every_reference_follows(
    tmp_path: Path, run_cli: Cli
) -> None:
    root = commit_all(copy_repo_tree(tmp_path / "repo"))
    for path in (root / "policies").rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        if "cs.complaint" in text:
            path.write_text(text.replace("cs.complaint", "cs.complaints"), encoding="utf-8")
    role = root / "policies" / "roles" / "cs-specialist.yaml"
    line = _line(role, "- id: cs.complaints")
    code, out, _ = run_cli("check", "--root", str(root), "--lang", "en")
    assert code == 1
    assert _errors(out) == [
        f"policies/roles/cs-specialist.yaml:{line}:5: error [id-renamed] The duty "
        "'cs.complaint' was renamed 'cs.complaints' (same content). Published ids must not "
        "change."
    ]


def test_a_deleted_module_is_not_offered_a_lookalike(tmp_path: Path, run_cli: Cli) -> None:
    root = commit_all(copy_repo_tree(tmp_path / "repo"))
    subprocess.run(
        ["git", "-C", str(root), "rm", "-q", "policies/training/m-safe-01.yaml"], check=True
    )
    code, out, _ = run_cli("check", "--root", str(root), "--lang", "en")
    assert code == 1
    assert "m-sec-01" not in out
    assert "'m-safe-01' is a training module this change deleted or renamed" in out


def test_far_ids_get_no_suggestion(tmp_path: Path, run_cli: Cli) -> None:
    root = copy_repo_tree(tmp_path / "repo")
    role = root / "policies" / "roles" / "security-officer.yaml"
    text = role.read_text(encoding="utf-8")
    role.write_text(text.replace("reports_to: security-supervisor", "reports_to: site-director"))
    near = root / "policies" / "roles" / "cs-specialist.yaml"
    text = near.read_text(encoding="utf-8")
    near.write_text(text.replace("reports_to: cs-supervisor", "reports_to: cs-supervsor"))
    code, out, _ = run_cli("check", "--root", str(root), "--lang", "en")
    assert code == 1
    assert "There is no role 'site-director'." in out
    assert "hr-training-director" not in out
    assert "Did you mean 'cs-supervisor'?" in out
