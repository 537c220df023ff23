"""The rules on a copy of the shipped handbook: the edits an editor might really make."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from validator.rules import RULES

Cli = Callable[..., tuple[int, str, str]]


def line_of(file: Path, text: str) -> int:
    """1-based number of the only line of ``file`` that contains ``text``."""
    hits = [
        n for n, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1) if text in line
    ]
    assert len(hits) == 1, (file, text, hits)
    return hits[0]


def edit(file: Path, old: str, new: str, count: int = 1) -> None:
    text = file.read_text(encoding="utf-8")
    assert text.count(old) == count, (file, old)
    file.write_text(text.replace(old, new), encoding="utf-8")


def check(run_cli: Cli, root: Path) -> tuple[int, list[str]]:
    code, out, _ = run_cli("check", "--root", str(root), "--lang", "en", "--today", "2026-11-25")
    return code, out.splitlines()


def test_deleting_the_only_module_of_a_duty(run_cli: Cli, repo_copy: Path) -> None:
    (repo_copy / "policies/training/m-cs-05.yaml").unlink()
    role = repo_copy / "policies/roles/cs-specialist.yaml"
    code, lines = check(run_cli, repo_copy)
    assert code == 1
    line = line_of(role, "- id: cs.move-in-renovation")
    assert lines[0] == (
        f"policies/roles/cs-specialist.yaml:{line}:5: error [duty-has-training] "
        "The duty 'cs.move-in-renovation' is not covered by any training module."
    )
    assert lines[1].startswith("    fix: Add cs.move-in-renovation to a module's covers:; modules")


def test_tier_owner_that_does_not_exist(run_cli: Cli, repo_copy: Path) -> None:
    tiers = repo_copy / "policies/tiers.yaml"
    edit(tiers, "owner: general-manager", "owner: chief-executive")
    code, lines = check(run_cli, repo_copy)
    assert code == 1
    assert lines[0] == (
        f"policies/tiers.yaml:{line_of(tiers, 'chief-executive')}:5: error [ref-resolves] "
        "There is no role 'chief-executive'."
    )


def test_root_role_reporting_to_a_frontline_role(run_cli: Cli, repo_copy: Path) -> None:
    top = repo_copy / "policies/roles/general-manager.yaml"
    edit(top, "reports_to: null", "reports_to: security-officer")
    code, lines = check(run_cli, repo_copy)
    assert code == 1
    line = line_of(top, "reports_to:")
    at = f"policies/roles/general-manager.yaml:{line}:1: error [reporting-is-tree] "
    found = [entry.removeprefix(at) for entry in lines if entry.startswith("policies/")]
    assert found == [
        "There is no top role: every role has a manager, so the lines never end.",
        "Reporting lines form a cycle: general-manager → security-officer → security-supervisor "
        "→ project-manager → regional-manager → dept-manager → general-manager.",
        "The role 'general-manager' reports to 'security-officer', which is in a lower tier.",
    ]


def test_misspelt_duty_in_covers_gets_did_you_mean(run_cli: Cli, repo_copy: Path) -> None:
    module = repo_copy / "policies/training/m-cs-05.yaml"
    edit(module, "  - cs.move-in-renovation", "  - cs.move-in-renovaton")
    role = repo_copy / "policies/roles/cs-specialist.yaml"
    code, lines = check(run_cli, repo_copy)
    assert code == 1
    line = line_of(module, "cs.move-in-renovaton")
    index = lines.index(
        f"policies/training/m-cs-05.yaml:{line}:5: error [ref-resolves] "
        "There is no duty 'cs.move-in-renovaton'."
    )
    assert lines[index + 1] == "    fix: Did you mean 'cs.move-in-renovation'?"
    related = line_of(role, "- id: cs.move-in-renovation")
    assert lines[index + 2] == f"    see also: policies/roles/cs-specialist.yaml:{related}:5"


def test_severity_can_be_raised_in_settings(run_cli: Cli, repo_copy: Path) -> None:
    edit(repo_copy / "policies/waivers.yaml", "expires: 2027-11-30", "expires: 2026-01-01", 2)
    code, lines = check(run_cli, repo_copy)
    assert code == 1  # the expired waivers are errors themselves
    assert sum("[waiver-valid]" in entry for entry in lines) == 2
    assert sum("warning [duty-has-standard]" in entry for entry in lines) == 2
    settings = repo_copy / "policies/handbook.yaml"
    edit(settings, "rules: {}", "rules:\n  duty-has-standard: error\n  waiver-valid: warning")
    _, lines = check(run_cli, repo_copy)
    assert sum("error [duty-has-standard]" in entry for entry in lines) == 2
    assert sum("warning [waiver-valid]" in entry for entry in lines) == 2


def test_rules_json_lists_every_rule_in_both_languages(run_cli: Cli) -> None:
    code, out, _ = run_cli("rules", "--format", "json")
    listing = json.loads(out)
    assert code == 0
    assert [entry["id"] for entry in listing] == list(RULES)
    for entry in listing:
        assert entry["severity"] in ("error", "warning")
        assert entry["summary"]["zh"] and entry["summary"]["en"]
        assert entry["summary"]["zh"] != entry["summary"]["en"]
    expected = {
        "id-unique",
        "id-matches-file",
        "ref-resolves",
        "duty-has-training",
        "module-has-purpose",
        "tier-has-owner",
        "reporting-is-tree",
        "prerequisites-acyclic",
        "certificate-has-training",
        "refresh-within-validity",
        "standard-has-owner",
        "duty-has-standard",
        "regulation-cited",
        "translation-complete",
        "training-hours",
        "review-due",
        "waiver-valid",
    }
    assert expected <= {entry["id"] for entry in listing}


def test_rules_text_in_english(run_cli: Cli) -> None:
    _, out, _ = run_cli("rules", "--lang", "en")
    assert any(
        line.split()[:3] == ["duty-has-standard", "warning", "rules"] for line in out.splitlines()
    )


def test_explain_a_duty(run_cli: Cli) -> None:
    code, out, _ = run_cli("explain", "cs.complaint", "--lang", "en")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "cs.complaint · duty · policies/roles/cs-specialist.yaml:23:5"
    assert (
        "  role: cs-specialist Customer Service Specialist — policies/roles/cs-specialist.yaml:2:1"
        in lines
    )
    assert any(line.startswith("  covered by: m-cs-03 Complaint handling") for line in lines)
    assert any(
        line.startswith("  measured by: cs-complaint-reply Complaint reply time") for line in lines
    )
    assert lines[-1] == "  findings: none"


def test_explain_shows_the_finding_an_editor_was_told_about(run_cli: Cli, repo_copy: Path) -> None:
    (repo_copy / "policies/training/m-cs-05.yaml").unlink()
    code, out, _ = run_cli(
        "explain", "cs.move-in-renovation", "--root", str(repo_copy), "--lang", "en"
    )
    assert code == 0
    assert "  covered by:" not in out
    assert "error [duty-has-training] The duty 'cs.move-in-renovation' is not covered" in out


def test_explain_json_and_unknown_ids(run_cli: Cli) -> None:
    code, out, _ = run_cli("explain", "m-cs-03", "--format", "json")
    (module,) = json.loads(out)
    assert code == 0
    assert module["kind"] == "module"
    assert "cs-specialist" in module["facts"]["roles"]
    code, out, _ = run_cli("explain", "cs.complant", "--lang", "en")
    assert code == 1
    assert out == "Nothing has the id 'cs.complant'. Did you mean 'cs.complaint'?\n"


def test_rule_documentation_joins_wrapped_chinese_lines() -> None:
    body = RULES["file-unreadable"].body
    assert "和指向仓库外部的符号链接" in body
    assert "\n" in body  # paragraphs and English lines keep their breaks
