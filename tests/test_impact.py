"""What `handbook diff` tells a reviewer: the verdict, what weakens the gate, every change with
its old and new value, renames, and the truth about findings when a file is broken."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import commit_all, copy_repo_tree

Cli = Callable[..., tuple[int, str, str]]
TODAY = "2026-11-25"
UNCOVERED_DUTY = """  - id: cs.parcel
    text:
      zh: 代收业主快递包裹。
      en: Take in parcels for owners.
    status: suggested
    sources: [C68]
"""
WAIVER = """  - rule: duty-has-training
    target: cs.parcel
    reason: {zh: 下季度开课。, en: A course starts next quarter.}
    approved_by: project-manager
    expires: 2027-03-31
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A scratch git repository holding the shipped handbook."""
    return commit_all(copy_repo_tree(tmp_path / "repo"))


def edit(root: Path, path: str, old: str, new: str) -> None:
    """Replace the one occurrence of ``old`` in a policy file."""
    target = root / path
    text = target.read_text(encoding="utf-8")
    assert text.count(old) == 1, (path, old)
    target.write_text(text.replace(old, new), encoding="utf-8")


def commit(root: Path, message: str) -> None:
    subprocess.run(["git", "-C", str(root), "commit", "-qam", message], check=True)


def diff(run_cli: Cli, root: Path, fmt: str = "json", lang: str = "zh") -> Any:
    code, out, err = run_cli(
        "diff", "--base", "HEAD", "--root", str(root), "--format", fmt, "--lang", lang,
        "--today", TODAY,
    )  # fmt: skip
    assert code == 0, err
    return json.loads(out) if fmt == "json" else out


def test_a_rule_switched_off_weakens_the_gate_and_fixes_nothing(run_cli: Cli, repo: Path) -> None:
    edit(repo, "policies/roles/cs-specialist.yaml", "duties:\n", "duties:\n" + UNCOVERED_DUTY)
    commit(repo, "a duty without training")
    edit(repo, "policies/handbook.yaml", "rules: {}", 'rules: {duty-has-training: "off"}')
    impact = diff(run_cli, repo)
    assert impact["weakening"] == [
        {
            "kind": "settings",
            "id": "handbook",
            "what": "rule-severity",
            "field": "rules.duty-has-training",
            "old": "error",
            "new": "off",
        }
    ]
    assert impact["approval"] == {
        "role": "general-manager",
        "reviewers": ["@property-co/handbook-approvers"],
    }
    assert impact["fixed"] == []
    assert [f["subject"] for f in impact["silenced"]] == ["cs.parcel"]
    assert impact["verdict"] == {"errors": 0, "warnings": 1}
    out = diff(run_cli, repo, "markdown")
    assert out.startswith(
        "<!-- handbook-diff -->\n### 手册变更影响\n\n**✅ 检查通过，⚠ 1 个警告**\n\n"
        "对比基准：`HEAD`\n\n#### ⚠️ 放宽了检查（1），需要手册批准人 `general-manager` 审批\n\n"
        "- **规则级别降低**：手册设置 `handbook` `rules.duty-has-training`: `error` → `off`\n"
    )
    assert "新增问题 **0** 个，修复问题 **0** 个，因规则关闭不再报告 **1** 个。" in out


def test_lowering_a_severity_to_warning_is_a_weakening(run_cli: Cli, repo: Path) -> None:
    edit(repo, "policies/handbook.yaml", "rules: {}", "rules: {duty-has-training: warning}")
    assert [(w["old"], w["new"]) for w in diff(run_cli, repo)["weakening"]] == [
        ("error", "warning")
    ]


def test_raising_a_severity_is_not(run_cli: Cli, repo: Path) -> None:
    edit(repo, "policies/handbook.yaml", "rules: {}", "rules: {waiver-used: error}")
    impact = diff(run_cli, repo)
    assert impact["weakening"] == [] and impact["approval"] is None
    assert impact["changes"][0]["values"] == [
        {"field": "rules.waiver-used", "old": None, "new": "error"}
    ]


def test_a_new_waiver_waives_rather_than_fixes(run_cli: Cli, repo: Path) -> None:
    edit(repo, "policies/roles/cs-specialist.yaml", "duties:\n", "duties:\n" + UNCOVERED_DUTY)
    commit(repo, "a duty without training")
    edit(repo, "policies/waivers.yaml", "waivers:\n", "waivers:\n" + WAIVER)
    impact = diff(run_cli, repo)
    assert impact["weakening"] == [
        {
            "kind": "waiver",
            "id": "duty-has-training/cs.parcel",
            "what": "waiver-added",
            "field": "expires",
            "old": None,
            "new": "2027-03-31",
        }
    ]
    assert impact["fixed"] == []
    assert [(f["rule"], f["subject"]) for f in impact["waived"]] == [
        ("duty-has-training", "cs.parcel")
    ]
    # The new duty has no service standard either: a warning nobody waived.
    assert impact["verdict"] == {"errors": 0, "warnings": 1}


def test_a_waiver_extended_or_made_shorter(run_cli: Cli, repo: Path) -> None:
    waivers = "policies/waivers.yaml"
    text = (repo / waivers).read_text(encoding="utf-8")
    (repo / waivers).write_text(
        text.replace("expires: 2027-11-30", "expires: 2099-12-31", 1).replace(
            "expires: 2027-11-30", "expires: 2027-01-31"
        ),
        encoding="utf-8",
    )
    impact = diff(run_cli, repo)
    assert impact["weakening"] == [
        {
            "kind": "waiver",
            "id": "duty-has-standard/eng.upgrade",
            "what": "waiver-extended",
            "field": "expires",
            "old": "2027-11-30",
            "new": "2099-12-31",
        }
    ]
    assert [c["values"] for c in impact["changes"]] == [
        [{"field": "expires", "old": "2027-11-30", "new": "2099-12-31"}],
        [{"field": "expires", "old": "2027-11-30", "new": "2027-01-31"}],
    ]


def weakened(impact: Any) -> list[tuple[Any, ...]]:
    """The weakening list as (what, id, field, old, new)."""
    return [(w["what"], w["id"], w["field"], w["old"], w["new"]) for w in impact["weakening"]]


def test_a_lower_minimum_and_a_removed_one(run_cli: Cli, repo: Path) -> None:
    settings = "policies/handbook.yaml"
    edit(repo, settings, "tier-frontline: 40", "tier-frontline: 10")
    edit(repo, settings, "    tier-senior: 60\n", "")
    edit(repo, settings, "tier-middle: 48", "tier-middle: 50")
    hours = "training.min_hours_per_year"
    assert weakened(diff(run_cli, repo)) == [
        ("minimum-lowered", "handbook", f"{hours}.tier-frontline", 40, 10),
        ("minimum-lowered", "handbook", f"{hours}.tier-senior", 60, None),
    ]


def target(level: str, op: str, value: str, text: str) -> str:
    return f'{level}: {{op: "{op}", value: {value}, text: {{zh: {text}'


def test_targets_loosened_removed_or_tightened(run_cli: Cli, repo: Path) -> None:
    security = "policies/standards/security.yaml"
    every_2h = "每 2 小时 1 次"
    edit(
        repo,
        security,
        target("level-2", "<=", "2", every_2h),
        target("level-2", "<=", "4", every_2h),
    )
    hourly = "每小时 1 次"
    edit(
        repo, security, target("level-1", "<=", "1", hourly), target("level-1", "<=", "0.5", hourly)
    )
    day = "24 小时"
    edit(repo, security, target("level-1", ">=", "24", day), target("level-1", ">=", "12", day))
    third = target("level-3", "<=", "3", "每 3 小时 1 次")
    line = next(x for x in (repo / security).read_text("utf-8").splitlines(True) if third in x)
    edit(repo, security, line, "")
    assert weakened(diff(run_cli, repo)) == [
        ("target-loosened", "sec-key-area-patrol", "targets.level-2", "<= 2", "<= 4"),
        ("target-removed", "sec-key-area-patrol", "targets.level-3", "<= 3", None),
        ("target-loosened", "sec-main-gate", "targets.level-1", ">= 24", ">= 12"),
    ]


def test_certificate_refresher_and_review_cycle(run_cli: Cli, repo: Path) -> None:
    role = "policies/roles/security-supervisor.yaml"
    edit(repo, role, "certificates:\n  - certificate: cert-security-guard\n", "")
    module = "policies/training/m-sec-01.yaml"
    edit(repo, module, "refresh: {every_months: 12,", "refresh: {every_months: 24,")
    edit(repo, module, "  every_months: 12\n", "  every_months: 36\n")
    guard = "cert-security-guard"
    assert weakened(diff(run_cli, repo)) == [
        ("certificate-removed", "security-supervisor", "certificates", guard, None),
        ("interval-lengthened", "m-sec-01", "refresh.every_months", 12, 24),
        ("interval-lengthened", "m-sec-01", "review.every_months", 12, 36),
    ]


RECEPTION_AUDIENCE = (
    "roles: [cs-specialist, cs-supervisor, eng-supervisor, env-supervisor, security-supervisor]"
)


def test_a_narrowed_audience_names_the_posts_that_lose_the_module(run_cli: Cli, repo: Path) -> None:
    edit(
        repo,
        "policies/training/m-cs-01.yaml",
        RECEPTION_AUDIENCE,
        "roles: [cs-specialist, cs-supervisor]",
    )
    lost = ["eng-supervisor", "env-supervisor", "security-supervisor"]
    assert weakened(diff(run_cli, repo)) == [
        ("audience-narrowed", "m-cs-01", "audience", post, None) for post in lost
    ]
    out = diff(run_cli, repo, "markdown", "en")
    assert out.index("audience narrowed") < out.index("#### Changes")
    assert (
        "- **audience narrowed (these posts no longer take it)**: training module `m-cs-01` "
        "`audience`: `security-supervisor` → —\n"
    ) in out


def test_a_wider_audience_or_a_module_still_taken_as_a_prerequisite_is_no_loss(
    run_cli: Cli, repo: Path
) -> None:
    edit(
        repo,
        "policies/training/m-cs-01.yaml",
        RECEPTION_AUDIENCE,
        RECEPTION_AUDIENCE.replace("]", ", project-manager]"),
    )
    assert weakened(diff(run_cli, repo)) == []
    # Every new hire took the orientation module; now only customer service names it. The posts
    # that take the reception module still reach it as that module's prerequisite.
    edit(repo, "policies/training/m-ori-01.yaml", "new_hires: true", "roles: [cs-specialist]")
    found = weakened(diff(run_cli, repo))
    assert {(what, module, field, now) for what, module, field, _, now in found} == {
        ("audience-narrowed", "m-ori-01", "audience", None)
    }
    lost = {post for _, _, _, post, _ in found}
    assert lost and not {"cs-supervisor", "eng-supervisor", "security-supervisor"} & lost


def test_a_duty_that_loses_training_names_the_module_that_changed(run_cli: Cli, repo: Path) -> None:
    edit(
        repo,
        "policies/training/m-cs-05.yaml",
        "covers:\n  - cs.move-in-renovation\n",
        "covers:\n  - cs.reception\n",
    )
    impact = diff(run_cli, repo)
    assert impact["lost_training"][0]["modules"] == [{"id": "m-cs-05", "change": "changed"}]
    assert [(w["what"], w["id"], w["old"]) for w in impact["weakening"]] == [
        ("training-lost", "cs.move-in-renovation", "m-cs-05")
    ]
    out = diff(run_cli, repo, "markdown", "en")
    assert "(`cs-specialist`; module `m-cs-05` no longer covers it)" in out
    assert "  - Duties covered `covers`: +`cs.reception` −`cs.move-in-renovation`\n" in out


def test_a_renamed_duty_is_a_rename(run_cli: Cli, repo: Path) -> None:
    for path in (
        "policies/roles/cs-specialist.yaml",
        "policies/training/m-cs-03.yaml",
        "policies/standards/customer-service.yaml",
    ):
        text = (repo / path).read_text(encoding="utf-8")
        renamed = re.sub(r"\bcs\.complaint(?![\w.-])", "cs.complaints", text)
        assert renamed != text
        (repo / path).write_text(renamed, encoding="utf-8")
    impact = diff(run_cli, repo)
    assert [(c["kind"], c["change"], c.get("old_id"), c["id"]) for c in impact["changes"]] == [
        ("duty", "renamed", "cs.complaint", "cs.complaints"),
        ("standard", "changed", None, "cs-complaint-reply"),
        ("module", "changed", None, "m-cs-03"),
    ]
    assert impact["gained_training"] == [] and impact["lost_training"] == []
    # The comment's verdict is the check's: a published id must not change.
    role = (repo / "policies/roles/cs-specialist.yaml").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(role, 1) if "- id: cs.complaints" in text)
    assert impact["verdict"] == {"errors": 1, "warnings": 0}
    assert [(f["file"], f["line"], f["rule"]) for f in impact["introduced"]] == [
        ("policies/roles/cs-specialist.yaml", line, "id-renamed")
    ]
    out = diff(run_cli, repo, "markdown")
    assert "- 改了 id 职责 `cs.complaint` → `cs.complaints` 受理投诉" in out
    assert "  - 覆盖的职责 `covers`: +`cs.complaints` −`cs.complaint`\n" in out


def test_a_text_edit_is_shown_as_an_inline_diff(run_cli: Cli, repo: Path) -> None:
    edit(repo, "policies/roles/cs-specialist.yaml", "管理空置房钥匙", "管理空置房和车位的钥匙")
    edit(repo, "policies/training/m-cs-01.yaml", "\nhours: 8\n", "\nhours: 10\n")
    out = diff(run_cli, repo, "markdown")
    # Unchanged text is kept only near the edit.
    assert (
        "  - 内容（中文） `text.zh`: 管理空置房<ins>和车位的</ins>钥匙，登记每一次借出和归…\n"
        in out
    )
    assert "  - 学时 `hours`: `8` → `10`\n" in out
    text = diff(run_cli, repo, "text")
    assert "  - 内容（中文） text.zh: 管理空置房{+和车位的+}钥匙，登记每一次借出和归…\n" in text
    assert "  - 学时 hours: 8 → 10\n" in text


def test_a_broken_file_hides_neither_the_other_changes_nor_the_waivers(
    run_cli: Cli, repo: Path
) -> None:
    edit(repo, "policies/training/m-cs-02.yaml", "\nhours: 4\n", "\nhours: 四\n")
    edit(repo, "policies/training/m-cs-01.yaml", "\nhours: 8\n", "\nhours: 10\n")
    impact = diff(run_cli, repo)
    assert impact["unreadable"] == {"base": [], "head": ["policies/training/m-cs-02.yaml"]}
    assert impact["comparable"] is False
    assert [(c["id"], c["values"]) for c in impact["changes"]] == [
        ("m-cs-01", [{"field": "hours", "old": 8, "new": 10}])
    ]
    # The waived findings vanish only because the cross-file rules did not run: not fixed.
    assert impact["fixed"] == [] and impact["waived"] == []
    # The per-file rules ran on the files that loaded: m-cs-01's outline no longer adds up.
    assert [(f["rule"], f["file"]) for f in impact["introduced"]] == [
        ("outline-matches-hours", "policies/training/m-cs-01.yaml"),
        ("schema", "policies/training/m-cs-02.yaml"),
    ]
    assert impact["lost_training"] == [] and impact["weakening"] == []
    out = diff(run_cli, repo, "markdown")
    assert out.startswith("<!-- handbook-diff -->\n### 手册变更影响\n\n**❌ 2 个错误**\n")
    assert "#### 本次修改后未能读取的文件\n\n- `policies/training/m-cs-02.yaml`\n" in out
    assert "- ❌ `policies/training/m-cs-02.yaml:" in out


def test_warnings_are_marked_as_warnings(run_cli: Cli, repo: Path) -> None:
    edit(repo, "policies/waivers.yaml", "target: eng.upgrade\n", "target: eng.upgrades\n")
    out = diff(run_cli, repo, "markdown", "en")
    findings = [line for line in out.splitlines() if line.startswith(("- ⚠ ", "- ❌ "))]
    assert len(findings) == 2
    assert findings[0].startswith("- ⚠ `policies/roles/eng-technician.yaml:")
    assert "`duty-has-standard`" in findings[0]
    assert findings[1].startswith("- ❌ `policies/waivers.yaml:")
    assert "`ref-resolves`" in findings[1]
    assert out.startswith(
        "<!-- handbook-diff -->\n### Handbook impact\n\n**❌ 1 error, ⚠ 1 warning**\n"
    )


HOSTILE = (
    "**紧急** [请点此批准](https://evil.example/login) @property-co/owners "
    "![x](https://evil.example/t.png) <img src=x> | cell"
)


def test_policy_text_in_the_comment_is_inert(run_cli: Cli, repo: Path) -> None:
    edit(
        repo,
        "policies/roles/cs-specialist.yaml",
        "管理空置房钥匙，",
        f"管理空置房钥匙，{HOSTILE}，",
    )
    out = diff(run_cli, repo, "markdown")
    escaped = (
        r"\*\*紧急\*\* \[请点此批准\]\(https&#8203;://evil.example/login\) "
        r"@&#8203;property-co/owners \!\[x\]\(https&#8203;://evil.example/t.png\) "
        r"&lt;img src=x&gt; \| cell"
    )
    assert (
        f"  - 内容（中文） `text.zh`: "
        f"管理空置房钥匙<ins>，{escaped}</ins>，登记每一次借出和归还。\n" in out
    )
    for live in ("](", "@property-co", "<img", "https://"):
        assert live not in out
    text = diff(run_cli, repo, "text")
    assert f"{{+，{HOSTILE}+}}" in text
    assert "<ins>" not in text and "`" not in text and "#### " not in text


def test_short_texts_are_text_and_ids_are_code(run_cli: Cli, repo: Path) -> None:
    security = "policies/standards/security.yaml"
    before = target("level-2", "<=", "2", "每 2 小时 1 次")
    edit(repo, security, before, target("level-2", "<=", "4", "每 4 小时 1 次"))
    gate = "    measures: [sec.access-control]"
    # The main-gate standard (staffed continuously), not the face-ID one measuring the same duty.
    staffed = "    frequency: continuous\n    responsible: "
    edit(
        repo, security, f"{staffed}security-supervisor\n{gate}", f"{staffed}project-manager\n{gate}"
    )
    out = diff(run_cli, repo, "markdown")
    assert (
        "  - 各等级目标 › level-2 › 内容（中文） `targets.level-2.text.zh`: "
        "每 <del>2</del><ins>4</ins> 小时 1 次\n" in out
    )
    assert "  - 各等级目标 › level-2 › 数值 `targets.level-2.value`: `2` → `4`\n" in out
    assert "  - 负责岗位 `responsible`: `security-supervisor` → `project-manager`\n" in out


def test_removing_a_module_or_a_standard(run_cli: Cli, repo: Path) -> None:
    (repo / "policies/training/m-cs-05.yaml").unlink()
    area = repo / "policies/standards/security.yaml"
    text = area.read_text(encoding="utf-8")
    start = text.index("  - id: sec-main-gate\n")
    area.write_text(
        text[:start] + text[text.index("  - id: sec-control-room-staffing\n") :], "utf-8"
    )
    # A deleted module's refresher is not "lengthened"; the training it gave is lost.
    assert weakened(diff(run_cli, repo)) == [
        ("target-removed", "sec-main-gate", "targets.level-1", ">= 24", None),
        ("training-lost", "cs.move-in-renovation", "covered_by", "m-cs-05", None),
    ]
